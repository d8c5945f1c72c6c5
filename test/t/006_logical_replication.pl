
# test/t/006_logical_replication.pl -- invalidation for every way data
# arrives (SPEC 5.1)
#
# rbac's checks answer from a per-backend cache that statement-level
# triggers on the catalog tables invalidate.  Triggers enabled the default
# way (ENABLE ORIGIN) do not fire where session_replication_role = replica:
# in logical replication apply workers, and in sessions that set it (as
# pg_restore --disable-triggers, replication tools and bulk loaders do).
# A cache that such changes do not invalidate keeps answering from the old
# catalog, in sessions that were open before, for as long as they live.
#
#   1. logical replication: a publisher publishes every rbac table; a
#      subscriber (copy_data) takes the initial copy, then the changes that
#      the API makes on the publisher.  A session on the subscriber that was
#      open before, its cache warm, must answer the new way at its next
#      statement, as a fresh connection does: a grant, a revoke, an
#      organization role's grant, a membership deleted, a TRUNCATE; and for
#      the checks on a resource (SPEC 7) a move, a new resource, an
#      assignment removed;
#   2. session_replication_role = replica on one node: a superuser session
#      changes the grants by direct DML; another open session with a warm
#      cache must see it at its next statement;
#   3. with every rbac table published, the API's UPDATEs and DELETEs of
#      rbac.role_order and rbac.default_role work on the publisher (1.1 gives
#      these two tables, which have no primary key, REPLICA IDENTITY FULL).
#
# What the sessions answer is compared with a fresh connection's each time:
# a fresh backend has an empty cache, so it tells what the catalog says.

use strict;
use warnings;

use FindBin;
use lib "$FindBin::RealBin/lib";

use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;
use RbacTap;

# Every rbac catalog table but the resource type hierarchy, which both
# nodes define (its built-in row organization is in every database: an
# initial copy of rbac.resource_type conflicts with it, and a publication's
# row filter cannot name its domain-typed slug).
my @tables = qw(permission role role_permission organization_order
  role_order default_role setting membership membership_role
  resource role_assignment event);
my $table_list = join(', ', map { "rbac.$_" } @tables);

# Autovacuum is off: an ANALYZE of a catalog table also invalidates its
# relcache entry, which would flush the cache now and then, by chance.
my $publisher = PostgreSQL::Test::Cluster->new('publisher');
$publisher->init(allows_streaming => 'logical');
$publisher->append_conf('postgresql.conf', 'autovacuum = off');
$publisher->start;
my $subscriber = PostgreSQL::Test::Cluster->new('subscriber');
$subscriber->init;
$subscriber->append_conf('postgresql.conf', 'autovacuum = off');
$subscriber->start;

for my $node ($publisher, $subscriber)
{
	$node->safe_psql('postgres', 'CREATE DATABASE app');
	$node->safe_psql('app', 'CREATE EXTENSION rbac');
}
is( $subscriber->safe_psql(
		'app', "SELECT extversion FROM pg_extension WHERE extname = 'rbac'"),
	$publisher->safe_psql(
		'app', "SELECT extversion FROM pg_extension WHERE extname = 'rbac'"),
	'publisher and subscriber run the same version of rbac');

# Part of the catalog before the subscription (the initial copy), the rest
# after it (replicated changes).
$publisher->safe_psql('app', session_settings() . q{
	SELECT (rbac.create_permission('documents:read', 'Read documents')).slug;
	SELECT (rbac.create_permission('documents:write', 'Write documents')).slug;
	SELECT (rbac.create_role('editor', 'Editor')).slug;
	SELECT (rbac.add_role_permission('editor', 'documents:read')).slug;
});

# The rbac tables belong to the superuser that created the extension; the
# subscription connects and applies as that superuser.
$publisher->safe_psql('app', "CREATE PUBLICATION rbac_pub FOR TABLE $table_list");
my $publisher_connstr = $publisher->connstr('app');
$subscriber->safe_psql('app',
	"CREATE SUBSCRIPTION rbac_sub CONNECTION " . sql_literal($publisher_connstr)
	  . " "
	  . "PUBLICATION rbac_pub WITH (copy_data = true)");
$subscriber->wait_for_subscription_sync($publisher, 'rbac_sub', 'app');

is( $subscriber->safe_psql(
		'app', q{
	SELECT count(*) FROM pg_subscription_rel sr
	JOIN pg_class c ON c.oid = sr.srrelid
	JOIN pg_namespace n ON n.oid = c.relnamespace
	WHERE n.nspname = 'rbac' AND sr.srsubstate = 'r'}),
	scalar(@tables),
	'subscriber: every rbac table is subscribed and synchronized');

$publisher->safe_psql('app', session_settings() . q{
	SELECT (rbac.create_organization_role('org_acme', 'org-acme-lead', 'Lead')).slug;
	SELECT (rbac.add_organization_role_permission('org_acme', 'org-acme-lead',
		'documents:read')).slug;
	SELECT (rbac.create_organization_membership('user_01', 'org_acme',
		ARRAY['editor'])).user_id;
	SELECT (rbac.create_organization_membership('user_02', 'org_acme',
		ARRAY['org-acme-lead'])).user_id;
});
$publisher->wait_for_catchup('rbac_sub');

# What the steps below change, asked in one statement:
#   1. environment role editor: documents:write
#   2. organization role org-acme-lead of org_acme: documents:write
#   3. member user_01 of org_acme (editor): documents:write
#   4. member user_02 of org_acme (org-acme-lead): documents:read
#   5. member user_01 of org_acme (editor): documents:read
my $probe = q{SELECT concat_ws(' ',
	rbac.role_has_permission('editor', 'documents:write'),
	rbac.role_has_permission('org-acme-lead', 'documents:write', 'org_acme'),
	rbac.user_has_permission('user_01', 'org_acme', 'documents:write'),
	rbac.user_has_permission('user_02', 'org_acme', 'documents:read'),
	rbac.user_has_permission('user_01', 'org_acme', 'documents:read'))};

# The subscriber's long-lived session: its cache is filled by the probe.
my $warm = $subscriber->background_psql('app', on_error_stop => 1);
my $warm_pid = $warm->query_safe('SELECT pg_backend_pid()');

my $state = 'f f f t t';
is($subscriber->safe_psql('app', $probe), $state,
	'subscriber, fresh connection: the replicated catalog before the changes');
is($warm->query_safe($probe), $state,
	'subscriber, open session: the replicated catalog before the changes');
is($warm->query_safe($probe), $state,
	'subscriber, open session: the same answers from its warm cache');

# One change on the publisher, replicated; then the subscriber's open session
# and a fresh connection must both give the new answers.
sub replicated_step
{
	my ($what, $sql, $expected) = @_;

	$publisher->safe_psql('app', session_settings() . $sql);
	is($publisher->safe_psql('app', $probe), $expected,
		"publisher, fresh connection: after $what");
	$publisher->wait_for_catchup('rbac_sub');
	is($subscriber->safe_psql('app', $probe), $expected,
		"subscriber, fresh connection: after $what, replicated");
	is($warm->query_safe($probe), $expected,
		"subscriber, open session: after $what, replicated, at its next statement");
	return;
}

replicated_step('rbac.add_role_permission (editor: documents:write)',
	q{SELECT (rbac.add_role_permission('editor', 'documents:write')).slug;},
	't f t t t');
replicated_step(
	'rbac.add_organization_role_permission (org-acme-lead: documents:write)',
	q{SELECT (rbac.add_organization_role_permission('org_acme', 'org-acme-lead',
		'documents:write')).slug;},
	't t t t t');
replicated_step('rbac.remove_role_permission (editor: documents:write)',
	q{SELECT (rbac.remove_role_permission('editor', 'documents:write')).slug;},
	'f t f t t');
replicated_step('rbac.delete_organization_membership (user_02 in org_acme)',
	q{SELECT rbac.delete_organization_membership('user_02', 'org_acme');},
	'f t f f t');
# A replicated TRUNCATE fires statement triggers only (no row triggers).  It
# also gives the tables new relfilenodes, which invalidates their relcache
# entries whatever the triggers do: this step passes on 1.0 too.
replicated_step('TRUNCATE rbac.membership, rbac.membership_role',
	q{TRUNCATE rbac.membership, rbac.membership_role;},
	'f t f f f');

# Events (SPEC 8) replicate as rows: the subscriber has the publisher's, and
# its apply worker (session_replication_role = replica, where rbac's event
# triggers do not fire) records none of its own, TRUNCATE included.
$publisher->wait_for_catchup('rbac_sub');
my $events = q{SELECT count(*), string_agg(id || ' ' || event || ' ' || md5(data::text), ',' ORDER BY id)
	FROM rbac.event};
is($subscriber->safe_psql('app', $events), $publisher->safe_psql('app', $events),
	'subscriber: the events are the publisher\'s, none of its own');
like($publisher->safe_psql('app', 'SELECT count(*) FROM rbac.event'), qr/^[1-9][0-9]+\|?/,
	'publisher: the steps above recorded events');

# Resources: user_03 holds ws-reader (projects:read) on workspace w2.
#   1. project p1 (under w1): projects:read
#   2. project p2 (not there yet): projects:read
for my $node ($publisher, $subscriber)
{
	$node->safe_psql('app', session_settings() . q{
		SELECT (rbac.create_resource_type('workspace', 'Workspace')).slug;
		SELECT (rbac.create_resource_type('project', 'Project', NULL, '{workspace}')).slug;
	});
}
$publisher->safe_psql('app', session_settings() . q{
	SELECT (rbac.create_permission('projects:read', 'Read projects', NULL, 'project')).slug;
	SELECT (rbac.create_role('ws-reader', 'Workspace reader', NULL, 'workspace')).slug;
	SELECT (rbac.add_role_permission('ws-reader', 'projects:read')).slug;
	SELECT (rbac.create_organization_membership('user_03', 'org_acme', ARRAY['editor'])).user_id;
	SELECT (rbac.create_resource('org_acme', 'workspace', 'w1', 'W1')).external_id;
	SELECT (rbac.create_resource('org_acme', 'workspace', 'w2', 'W2')).external_id;
	SELECT (rbac.create_resource('org_acme', 'project', 'p1', 'P1', NULL, 'workspace', 'w1')).external_id;
	SELECT (rbac.assign_role('user_03', 'org_acme', 'ws-reader', 'workspace', 'w2')).id IS NOT NULL;
});
$publisher->wait_for_catchup('rbac_sub');
my $grants_probe = $probe;
$probe = q{SELECT concat_ws(' ',
	rbac.user_has_permission('user_03', 'org_acme', 'projects:read', 'project', 'p1'),
	rbac.user_has_permission('user_03', 'org_acme', 'projects:read', 'project', 'p2'))};
is($subscriber->safe_psql('app', $probe), 'f f',
	'subscriber, fresh connection: the replicated resources before the changes');
is($warm->query_safe($probe), 'f f',
	'subscriber, open session: the replicated resources before the changes');
replicated_step('rbac.update_resource (p1 moved to w2)',
	q{SELECT (rbac.update_resource('org_acme', 'project', 'p1', parent_type_slug => 'workspace',
		parent_external_id => 'w2')).external_id;},
	't f');
replicated_step('rbac.create_resource (p2 under w2)',
	q{SELECT (rbac.create_resource('org_acme', 'project', 'p2', 'P2', NULL, 'workspace', 'w2')).external_id;},
	't t');
replicated_step('rbac.remove_role_assignment (user_03: ws-reader on w2)',
	q{SELECT rbac.remove_role_assignment('user_03', 'org_acme', 'ws-reader', 'workspace', 'w2');},
	'f f');
$probe = $grants_probe;

is($warm->query_safe('SELECT pg_backend_pid()'), $warm_pid,
	'subscriber: the open session was the same backend throughout');
$warm->quit;

# A published table needs a replica identity for UPDATE and DELETE, else the
# publisher refuses them.  rbac.role_order and rbac.default_role have no
# primary key, and their unique constraints (NULLS NOT DISTINCT, over a
# nullable column) cannot serve as one: without REPLICA IDENTITY FULL,
# reordering, changing the default role and deleting a role (ON DELETE
# CASCADE into role_order) fail on the publisher (they did in 1.0).
$publisher->safe_psql('app',
	q{SELECT (rbac.create_role('scratch', 'Scratch')).slug});
{
	for my $call (
		"SELECT (rbac.set_role_priority('scratch', 1)).slug",
		"SELECT (rbac.set_default_role('scratch')).slug",
		"SELECT (rbac.set_default_role('editor')).slug",
		"SELECT rbac.delete_role('scratch')")
	{
		my ($ret, $out, $err) = $publisher->psql('app', $call);
		is($ret, 0, "publisher, tables published: $call");
		diag($err) if $ret != 0 && $err ne '';
	}
}
$publisher->wait_for_catchup('rbac_sub');
my $lists = q{
	SELECT coalesce(string_agg(format('%s/%s/%s', coalesce(o.organization_id, '-'),
		r.slug, o.sort_key), ' ' ORDER BY o.organization_id, o.sort_key, r.slug), '')
	FROM rbac.role_order o JOIN rbac.role r ON r.id = o.role_id;
	SELECT coalesce(string_agg(format('%s/%s', coalesce(d.organization_id, '-'), r.slug),
		' ' ORDER BY d.organization_id), '')
	FROM rbac.default_role d JOIN rbac.role r ON r.id = d.role_id;
	SELECT string_agg(slug, ' ' ORDER BY slug) FROM rbac.role};
is($subscriber->safe_psql('app', $lists), $publisher->safe_psql('app', $lists),
	'subscriber: the priority lists, default roles and roles are the publisher\'s');

# session_replication_role = replica on one node (the publisher: no
# subscription of its own).  A session with a warm cache stays open while a
# superuser session in replica mode changes the grants by direct DML.
my $reader = $publisher->background_psql('app', on_error_stop => 1);
my $reader_pid = $reader->query_safe('SELECT pg_backend_pid()');
is($reader->query_safe($probe), 'f t f f f',
	'publisher, open session: the answers before the replica-mode DML');
is($reader->query_safe($probe), 'f t f f f',
	'publisher, open session: the same answers from its warm cache');

my $writer = $publisher->background_psql('app', on_error_stop => 1);
is($writer->query_safe(q{
	SET session_replication_role = replica;
	SHOW session_replication_role}),
	'replica', 'writer session: session_replication_role = replica');

sub replica_mode_step
{
	my ($what, $sql, $expected) = @_;

	$writer->query_safe($sql);
	is($publisher->safe_psql('app', $probe), $expected,
		"publisher, fresh connection: after $what in replica mode");
	is($reader->query_safe($probe), $expected,
		"publisher, open session: after $what in replica mode, at its next statement");
	return;
}

replica_mode_step('INSERT INTO rbac.role_permission (editor: documents:write)',
	q{INSERT INTO rbac.role_permission (role_id, permission_slug)
	  SELECT id, 'documents:write' FROM rbac.role
	  WHERE slug = 'editor' AND organization_id IS NULL;},
	't t f f f');
replica_mode_step(
	'DELETE FROM rbac.role_permission (org-acme-lead: documents:write)',
	q{DELETE FROM rbac.role_permission rp USING rbac.role r
	  WHERE r.id = rp.role_id AND r.slug = 'org-acme-lead'
	    AND r.organization_id = 'org_acme'
	    AND rp.permission_slug = 'documents:write';},
	't f f f f');

is($reader->query_safe('SELECT pg_backend_pid()'), $reader_pid,
	'publisher: the open session was the same backend throughout');
$writer->quit;
$reader->quit;

$subscriber->safe_psql('app', 'DROP SUBSCRIPTION rbac_sub');
$subscriber->stop;
$publisher->stop;
done_testing();
