
# test/t/003_hot_standby.pl -- the checks on a hot-standby replica (SPEC 6)
#
# A primary and a streaming standby. On the standby, after replay:
#   - every catalog row and every check answer (role_has_permission,
#     roles_have_permission, user_has_permission, has_permission with
#     rbac.user_id / rbac.role / request.jwt.claims, priorities, JSON) is the
#     primary's (the same snapshot as in 001, compared as text);
#   - after changes on the primary (grants, revokes, a new role, reorders,
#     memberships; then direct DML: TRUNCATE and UPDATE), the standby answers
#     the new way, in new sessions and in a session that was open, with a warm
#     cache, before the changes: the relcache invalidations rbac's triggers
#     queue are in the commit records, and the standby replays them;
#     (the sort-key sequence is left out: a standby shows the value the
#     primary last WAL-logged, up to 32 ahead, as after a crash)
#   - nothing in rbac's checks and read functions writes: they run on the
#     standby without error, and on the primary without taking a transaction
#     id; the management functions fail there, as any write does.

use strict;
use warnings;

use FindBin;
use lib "$FindBin::RealBin/lib";

use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;
use RbacTap;

my $primary = PostgreSQL::Test::Cluster->new('primary');
$primary->init(allows_streaming => 1);
$primary->start;
$primary->safe_psql('postgres', 'CREATE DATABASE app');
$primary->safe_psql('app', 'CREATE EXTENSION rbac');
# half of the catalog before the base backup, the rest streamed
my @scenario = split /(?=^-- organization roles)/m, scenario_sql();
die 'cannot split the scenario' unless @scenario == 2;
$primary->safe_psql('app', $scenario[0]);

$primary->backup('base');
my $standby = PostgreSQL::Test::Cluster->new('standby');
$standby->init_from_backup($primary, 'base', has_streaming => 1);
$standby->start;

$primary->safe_psql('app', session_settings() . $scenario[1]);
$primary->wait_for_catchup($standby);

is($standby->safe_psql('app', 'SELECT pg_is_in_recovery()'),
	't', 'the standby is in recovery');

my $total_rows = 0;
my $total_answers = 0;

# The primary's snapshot, taken once per state of the catalog.
my $primary_snapshot;

sub compare_with_primary
{
	my ($got, $label) = @_;
	$primary_snapshot //= snapshot($primary, 'app', sequences => 0);
	my ($rows, $answers) = compare_snapshots($got, $primary_snapshot, $label);
	diag("$label: $rows catalog rows and $answers check answers compared");
	$total_rows += $rows;
	$total_answers += $answers;
	return;
}

# The snapshot as the warm session sees it. (BackgroundPsql notes every query
# and its output in the test's log: not these, some 10,000 lines each.)
sub warm_snapshot
{
	my ($session) = @_;
	my $sql = snapshot_sql($standby, 'app', sequences => 0);
	no warnings 'redefine';
	local *PostgreSQL::Test::BackgroundPsql::note = sub { };
	return parse_snapshot($session->query_safe($sql));
}

compare_with_primary(snapshot($standby, 'app', sequences => 0), 'standby after replay');

# A session on the standby that stays open, its cache warm.
my $warm = $standby->background_psql('app', on_error_stop => 1);
$warm->query_safe(session_settings());
my $warm_pid = $warm->query_safe('SELECT pg_backend_pid()');
compare_with_primary(warm_snapshot($warm), 'warm standby session');

# What the changes below change, asked in one query.
my $probe = q{
SET rbac.user_id = 'user_02';
SET rbac.organization_id = 'org_acme';
SELECT concat_ws(' ',
	rbac.role_has_permission('viewer', 'documents:write'),
	rbac.role_has_permission('editor', 'documents:write'),
	rbac.role_has_permission('newrole', 'widgets:read'),
	rbac.role_has_permission('org-acme-lead', 'documents:read', 'org_acme'),
	rbac.roles_have_permission(ARRAY['viewer', 'support'], 'documents:delete'),
	rbac.roles_have_permission(ARRAY['editor', 'org-acme-guest'], 'widgets:read', 'org_acme'),
	rbac.user_has_permission('user_01', 'org_acme', 'documents:write'),
	rbac.user_has_permission('user_08', 'org_acme', 'widgets:read'),
	rbac.has_permission('documents:write'),
	coalesce(rbac.user_role('user_01', 'org_acme'), '-'),
	(SELECT string_agg(slug, ',' ORDER BY priority) FROM rbac.roles_by_priority
	 WHERE organization_id IS NULL));
RESET rbac.user_id;
RESET rbac.organization_id;
};
my $before = 'f t f t f f t f f editor viewer,owner,admin,auditor,editor,billing,support';
is($primary->safe_psql('app', $probe), $before, 'primary: the answers before the change');
is($standby->safe_psql('app', $probe), $before, 'standby: the answers before the change');
is($warm->query_safe($probe), $before, 'warm standby session: the answers before the change');

# Changes on the primary.
$primary->safe_psql('app', session_settings() . <<'EOSQL');
SELECT (rbac.add_role_permission('viewer', 'documents:write')).slug;
SELECT (rbac.remove_role_permission('editor', 'documents:write')).slug;
SELECT (rbac.create_role('newrole', 'New role')).slug;
SELECT (rbac.add_role_permission('newrole', 'widgets:read')).slug;
SELECT (rbac.remove_organization_role_permission('org_acme', 'org-acme-lead', 'documents:*')).slug;
SELECT (rbac.add_role_permission('support', 'documents:delete')).slug;
SELECT (rbac.add_organization_role_permission('org_acme', 'org-acme-guest', 'widgets:read')).slug;
SELECT (rbac.add_organization_role_permission('org_acme', 'org-acme-guest', 'documents:write')).slug;
SELECT (rbac.create_organization_membership('user_08', 'org_acme', ARRAY['newrole'])).user_id;
SELECT (rbac.set_organization_role_priority('org_acme', 'org-acme-guest', 1)).slug;
SELECT (rbac.set_role_priority('support', 1)).slug;
EOSQL
undef $primary_snapshot;
my $after = 't f t f t t t t t org-acme-guest '
  . 'support,viewer,owner,admin,auditor,editor,billing,newrole';
is($primary->safe_psql('app', $probe), $after, 'primary: the answers after the change');
$primary->wait_for_catchup($standby);
is($warm->query_safe($probe), $after,
	'warm standby session: the answers after the change, once replayed');
is($standby->safe_psql('app', $probe), $after,
	'new standby session: the answers after the change');
compare_with_primary(warm_snapshot($warm),
	'warm standby session after the change');
compare_with_primary(snapshot($standby, 'app', sequences => 0), 'standby after the change');

# Direct DML on the primary: TRUNCATE (CASCADE) and UPDATE.
$primary->safe_psql('app', q{
	SET client_min_messages = warning;
	TRUNCATE rbac.membership CASCADE;
	UPDATE rbac.setting SET multiple_roles = false;
	UPDATE rbac.role SET name = 'Renamed' WHERE slug = 'viewer';
});
undef $primary_snapshot;
my $after_dml = 't f t f t t f f f - '
  . 'support,viewer,owner,admin,auditor,editor,billing,newrole';
is($primary->safe_psql('app', $probe), $after_dml,
	'primary: the answers after TRUNCATE');
$primary->wait_for_catchup($standby);
is($warm->query_safe($probe), $after_dml,
	'warm standby session: the answers after TRUNCATE, once replayed');
is( $warm->query_safe(
		"SELECT concat_ws(' ', rbac.multiple_roles_enabled(), (rbac.get_role('viewer')).name)"),
	'f Renamed',
	'warm standby session: the UPDATEs replayed');
compare_with_primary(warm_snapshot($warm),
	'warm standby session after TRUNCATE');
is($warm->query_safe('SELECT pg_backend_pid()'),
	$warm_pid, 'the warm session was the same backend throughout');
$warm->quit;

# Read functions give the primary's results on the standby.
my $reads = q{
SET client_min_messages = warning;
SELECT p::text FROM rbac.list_permissions(100, NULL, NULL, 'asc') p;
SELECT r::text FROM rbac.list_roles() r;
SELECT r::text FROM rbac.list_organization_roles('org_acme') r;
SELECT rbac.get_role('viewer')::text, rbac.get_permission('documents:read')::text,
	rbac.get_organization_role('org_acme', 'org-acme-lead')::text,
	rbac.get_organization_role('org_acme', 'viewer')::text,
	rbac.highest_priority_role(ARRAY['viewer', 'org-acme-guest', 'owner'], 'org_acme'),
	rbac.is_valid_permission_slug('documents:read'), rbac.is_valid_role_slug('Bad'),
	rbac.new_id('perm') ~ '^perm_[0-9A-HJKMNP-TV-Z]{26}$';
SELECT rbac.list_roles_json('org_acme')::text;
};
is($standby->safe_psql('app', $reads), $primary->safe_psql('app', $reads),
	'read functions: the standby gives the primary\'s results');

# Events (SPEC 8) are rows: the standby has the primary's, and NOTIFY
# rbac_events carries each new id to a listener on the primary after commit
# (none for a rolled-back change).
my $events = q{SELECT rbac.list_events(NULL, NULL, 100)::text; SELECT count(*) > 0 FROM rbac.event};
$primary->wait_for_catchup($standby);
is($standby->safe_psql('app', $events), $primary->safe_psql('app', $events),
	'events: the standby has the primary\'s');
like($standby->safe_psql('app', 'SELECT count(*) FROM rbac.event'), qr/^[1-9][0-9]*$/,
	'events: the standby has some');
{
	my ($ret, $out, $err) = $primary->psql(
		'app', q{
		LISTEN rbac_events;
		BEGIN;
		SELECT rbac.create_permission('notify:never', 'Rolled back') IS NOT NULL;
		ROLLBACK;
		SELECT rbac.create_permission('notify:me', 'Notify me') IS NOT NULL;
		SELECT 'last ' || max(id) FROM rbac.event;
	});
	my @payloads = ($out =~ /Asynchronous notification "rbac_events" with payload "([^"]+)"/g);
	my ($last) = ($out =~ /^last (\S+)$/m);
	is(scalar(@payloads), 1, 'NOTIFY rbac_events: one notification for one committed change')
	  or diag($out . $err);
	is($payloads[0], $last, 'NOTIFY rbac_events: its payload is the new event\'s id');
}
$primary->wait_for_catchup($standby);
is($standby->safe_psql('app', q{SELECT e.event FROM rbac.event e ORDER BY e.id DESC LIMIT 1}),
	'permission.created', 'events: a new event reaches the standby');

# On the primary, the checks take no transaction id: they write nothing.
is( $primary->safe_psql(
		'app', q{
	SET client_min_messages = warning;
	BEGIN;
	SET LOCAL rbac.user_id = 'user_01';
	SET LOCAL rbac.organization_id = 'org_acme';
	SELECT concat_ws(',',
		rbac.role_has_permission('viewer', 'documents:read'),
		rbac.role_has_permission('org-acme-lead', 'documents:read', 'org_acme'),
		rbac.roles_have_permission(ARRAY['viewer', 'editor'], 'x:y'),
		rbac.roles_have_permission(ARRAY['viewer'], 'x:y', 'org_acme'),
		rbac.user_has_permission('user_01', 'org_acme', 'documents:read'),
		rbac.has_permission('documents:read'),
		rbac.has_permission('documents:read', 'org_globex')) <> '';
	SELECT count(*) >= 0 FROM rbac.organizations_with_permission('user_01', 'documents:read');
	SELECT count(*) >= 0 FROM rbac.roles_by_priority;
	SELECT pg_current_xact_id_if_assigned() IS NULL;
	COMMIT;
}),
	"t\nt\nt\nt",
	'primary: the checks take no transaction id');

# Writes fail on the standby, as any write does; nothing changes.
my $standby_before = $standby->safe_psql('app', 'SELECT count(*) FROM rbac.permission');
for my $write (
	"SELECT rbac.create_permission('standby:write', 'Write on a standby')",
	"SELECT rbac.add_role_permission('viewer', 'billing:view')",
	"SELECT rbac.set_role_priority('viewer', 2)",
	"SELECT rbac.set_organization_role_priority('org_acme', 'viewer', 1)",
	"SELECT rbac.set_default_role('editor')",
	"SELECT rbac.set_multiple_roles(true)",
	"SELECT rbac.create_organization_membership('user_x', 'org_acme', ARRAY['viewer'])",
	"INSERT INTO rbac.permission (slug, name) VALUES ('standby:insert', 'Insert on a standby')")
{
	my ($ret, $out, $err) = $standby->psql('app', $write);
	isnt($ret, 0, "standby refuses: $write");
	like($err, qr/read-only transaction|recovery is in progress/,
		'... with the read-only error') or diag($err);
}
is($standby->safe_psql('app', 'SELECT count(*) FROM rbac.permission'),
	$standby_before, 'standby: nothing changed');

diag("in all: $total_rows catalog rows and $total_answers check answers compared");

$standby->stop;
$primary->stop;
done_testing();
