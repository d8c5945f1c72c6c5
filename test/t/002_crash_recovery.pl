
# test/t/002_crash_recovery.pl -- crash recovery
#
# Committed administration (some of it only in the WAL, after a checkpoint),
# then a transaction left open with uncommitted writes to every rbac table,
# then a crash:
#
#   1. kill -9 of the backend running the open transaction: the postmaster
#      kills every other backend and reinitializes (crash recovery);
#   2. pg_ctl stop -m immediate while another open transaction's dirty pages
#      have been written by a checkpoint, then a restart.
#
# After each: every committed row is there, nothing uncommitted is, and every
# check answers as before the crash (the same snapshot as in 001, compared as
# text; the sort-key sequence is left out, as a crash may advance a sequence),
# and the catalog keeps working.

use strict;
use warnings;

use FindBin;
use lib "$FindBin::RealBin/lib";

use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;
use RbacTap;

my $node = PostgreSQL::Test::Cluster->new('crash');
$node->init;
$node->append_conf('postgresql.conf', "restart_after_crash = on\n");
$node->start;
$node->safe_psql('postgres', 'CREATE DATABASE app');
$node->safe_psql('app', 'CREATE EXTENSION rbac');
$node->safe_psql('app', scenario_sql());
$node->safe_psql('app', 'CHECKPOINT');

# Committed after the checkpoint, one transaction per statement: recovery
# replays them from the WAL.
$node->safe_psql('app', session_settings() . <<'EOSQL');
SELECT (rbac.create_permission('invoices:send', 'Send invoices')).slug;
SELECT (rbac.add_role_permission('billing', 'invoices:send')).slug;
SELECT (rbac.remove_role_permission('viewer', 'reports.*.view')).slug;
SELECT (rbac.create_organization_role('org_umbrella', 'org-umbrella-boss', 'Boss')).slug;
SELECT (rbac.add_organization_role_permission('org_umbrella', 'org-umbrella-boss', '*')).slug;
SELECT (rbac.create_organization_membership('user_06', 'org_umbrella',
		ARRAY['org-umbrella-boss', 'viewer'])).user_id;
SELECT (rbac.update_organization_membership('user_01', 'org_acme', ARRAY['admin'])).user_id;
SELECT (rbac.set_role_priority('billing', 1)).slug;
SELECT (rbac.set_organization_role_priority('org_globex', 'org-globex-ops', 1)).slug;
EOSQL

# What the uncommitted transactions change, asked in one query.
my $probe = q{SELECT concat_ws(' ',
	rbac.role_has_permission('ghost', 'uncommitted:perm'),
	rbac.role_has_permission('viewer', 'documents:delete'),
	rbac.role_has_permission('admin', 'billing:view'),
	rbac.user_has_permission('user_99', 'org_acme', 'uncommitted:perm'),
	rbac.user_has_permission('user_02', 'org_acme', 'documents:read'),
	rbac.user_role('user_03', 'org_globex'),
	(rbac.get_default_role()).slug,
	(rbac.get_default_role('org_globex')).slug,
	rbac.multiple_roles_enabled(),
	(SELECT name FROM rbac.permission WHERE slug = 'documents:read'),
	(SELECT string_agg(slug, ',' ORDER BY priority) FROM rbac.roles_by_priority
	 WHERE organization_id IS NULL),
	(SELECT count(*) FROM rbac.organization_order),
	(SELECT count(*) FROM rbac.role WHERE slug = 'auditor'))};
my $probe_committed =
  'f f t f t org-globex-ops viewer support t Read documents '
  . 'billing,viewer,owner,admin,auditor,editor,support 5 1';
my $probe_uncommitted =
  't t f t f owner editor viewer f Renamed, never committed '
  . 'support,billing,viewer,owner,admin,editor,ghost 6 0';

# Uncommitted writes touching every table.
my $uncommitted = <<'EOSQL';
DO $$
BEGIN
	PERFORM rbac.create_permission('uncommitted:perm', 'Never committed');
	PERFORM rbac.update_permission('documents:read', 'Renamed, never committed');
	PERFORM rbac.create_role('ghost', 'Never committed');
	PERFORM rbac.add_role_permission('ghost', 'uncommitted:perm');
	PERFORM rbac.add_role_permission('viewer', 'documents:delete');
	PERFORM rbac.set_role_permissions('admin', ARRAY['documents:*', 'widgets:read']);
	PERFORM rbac.set_role_priority('support', 1);
	PERFORM rbac.set_organization_role_priority('org_acme', 'org-acme-guest', 1);
	PERFORM rbac.set_organization_role_priority('org_newco', 'viewer', 1);
	PERFORM rbac.set_default_role('editor');
	PERFORM rbac.set_default_role('viewer', 'org_globex');
	PERFORM rbac.update_organization_membership('user_03', 'org_globex', ARRAY['owner']);
	PERFORM rbac.delete_organization_membership('user_02', 'org_acme');
	PERFORM rbac.create_organization_membership('user_99', 'org_acme', ARRAY['ghost']);
	PERFORM rbac.delete_role('auditor');
	PERFORM rbac.set_multiple_roles(false);
END
$$;
EOSQL

my $total_rows = 0;
my $total_answers = 0;

# One crash: open a transaction with the uncommitted writes, check that the
# other sessions do not see them, crash with $crash->($backend_pid), then
# compare the recovered catalog with the committed one.
sub crash_and_compare
{
	my ($label, $crash) = @_;

	my $committed = snapshot($node, 'app', sequences => 0);
	my $committed_ids = $node->safe_psql('app',
		"SELECT string_agg(id, ',' ORDER BY id) FROM rbac.role");
	is($node->safe_psql('app', $probe), $probe_committed,
		"$label: the committed state before the crash");

	my $bg = $node->background_psql('app', on_error_stop => 1);
	$bg->query_safe(session_settings());
	my $pid = $bg->query_safe('SELECT pg_backend_pid()');
	$bg->query_safe('BEGIN');
	$bg->query_safe($uncommitted);
	is($bg->query_safe($probe), $probe_uncommitted,
		"$label: the open transaction sees its own writes");

	# the others see the committed state only
	my ($rows, $answers) = compare_snapshots(snapshot($node, 'app', sequences => 0),
		$committed, "$label, other sessions during the open transaction");

	$crash->($pid);
	eval { $bg->quit; };

	is($node->safe_psql('app', $probe), $probe_committed,
		"$label: after recovery, the committed state and nothing uncommitted");
	is( $node->safe_psql(
			'app', q{
		SELECT concat_ws(' ',
			(SELECT count(*) FROM rbac.permission WHERE slug = 'uncommitted:perm'),
			(SELECT count(*) FROM rbac.role WHERE slug = 'ghost'),
			(SELECT count(*) FROM rbac.membership WHERE user_id = 'user_99'),
			(SELECT count(*) FROM rbac.role_order WHERE organization_id = 'org_newco'))}),
		'0 0 0 0',
		"$label: no uncommitted row survived");
	is( $node->safe_psql('app',
			"SELECT string_agg(id, ',' ORDER BY id) FROM rbac.role"),
		$committed_ids, "$label: the same role ids");
	my ($r, $a) = compare_snapshots(snapshot($node, 'app', sequences => 0),
		$committed, "$label, after recovery");
	$rows += $r;
	$answers += $a;
	diag("$label: $rows catalog rows and $answers check answers compared");
	$total_rows += $rows;
	$total_answers += $answers;
	return;
}

# 1. kill -9 of the backend in the middle of its transaction
crash_and_compare(
	'kill -9 of a backend',
	sub {
		my ($pid) = @_;
		my $log_offset = -s $node->logfile;
		ok(kill('KILL', $pid), 'kill -9 of the backend with the open transaction');
		$node->wait_for_log(qr/all server processes terminated; reinitializing/,
			$log_offset);
		$node->poll_query_until('app', 'SELECT true')
		  or die 'the server did not come back after the crash';
	});

# More committed work between the crashes, then the second one.
$node->safe_psql('app', session_settings() . <<'EOSQL');
SELECT (rbac.create_role('after_first_crash', 'After the first crash')).slug;
SELECT (rbac.add_role_permission('after_first_crash', 'invoices:send')).slug;
SELECT (rbac.create_organization_membership('user_07', 'org_acme',
		ARRAY['after_first_crash'])).user_id;
EOSQL
is( $node->safe_psql(
		'app', q{
	SELECT concat_ws(' ',
		rbac.user_has_permission('user_07', 'org_acme', 'invoices:send'),
		(SELECT priority FROM rbac.roles_by_priority
		 WHERE organization_id IS NULL AND slug = 'after_first_crash'),
		(SELECT count(*) FROM rbac.role WHERE organization_id IS NULL))}),
	't 8 8',
	'after the first crash: a new role lands at the bottom and grants work');
$probe_committed =~ s/,support /,support,after_first_crash / or die;
$probe_uncommitted =~ s/editor,ghost/editor,after_first_crash,ghost/ or die;

# 2. immediate shutdown after a checkpoint wrote the uncommitted pages
crash_and_compare(
	'immediate shutdown',
	sub {
		$node->safe_psql('app', 'CHECKPOINT');
		$node->stop('immediate');
		$node->start;
	});

# The sort-key sequence did not go back: new roles still land at the bottom.
is( $node->safe_psql(
		'app', q{
	SET client_min_messages = warning;
	SELECT (rbac.create_role('after_recovery', 'After recovery')).slug;
	SELECT concat_ws(' ',
		(SELECT last_value FROM rbac.role_sort_key_seq) >= ALL (
			SELECT sort_key FROM rbac.role UNION ALL SELECT sort_key FROM rbac.role_order),
		(SELECT priority = (SELECT count(*) FROM rbac.role WHERE organization_id IS NULL)
		 FROM rbac.roles_by_priority WHERE organization_id IS NULL AND slug = 'after_recovery'),
		(SELECT bool_and(l.priority = (SELECT max(priority) FROM rbac.priority_list(v.o)))
		 FROM (VALUES ('org_acme'), ('org_globex'), ('org_umbrella')) v(o),
			  rbac.priority_list(v.o) l JOIN rbac.role r ON r.id = l.role_id
		 WHERE r.slug = 'after_recovery'))}),
	"after_recovery\nt t t",
	'after recovery: the sort-key sequence is ahead of every sort key');

diag("in all: $total_rows catalog rows and $total_answers check answers compared");

$node->stop;
done_testing();
