
# test/t/001_dump_restore.pl -- pg_dump round trips (SPEC 6)
#
# A database holding every kind of rbac row (permissions with a system one and
# wildcards, environment and organization roles, custom organization orders,
# environment reorders, default roles, multiple roles, memberships with several
# roles) is dumped and restored into fresh databases of another cluster:
#
#   plain format      pg_dump -Fp | psql
#   custom format     pg_dump -Fc | pg_restore
#   directory format  pg_dump -Fd | pg_restore -j 2 (TODO: fails, see below)
#
# Every row of every rbac table (and the sort-key sequence) and every check
# answer must come back identical, compared as text.

use strict;
use warnings;

use FindBin;
use lib "$FindBin::RealBin/lib";

use IPC::Run;
use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;
use RbacTap;

my $source = PostgreSQL::Test::Cluster->new('source');
$source->init;
$source->start;
$source->safe_psql('postgres', 'CREATE DATABASE app');
$source->safe_psql('app', 'CREATE EXTENSION rbac');
$source->safe_psql('app', scenario_sql());

# Every rbac table and sequence is a configuration table: pg_dump keeps its
# rows (but rbac.resource_type_parent, which mirrors the parent_type_slugs of
# rbac.resource_type: a restore rebuilds it, compared below like the others).
is( $source->safe_psql(
		'app', q{
	SELECT string_agg(c.relname, ', ' ORDER BY c.relname)
	FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
	WHERE n.nspname = 'rbac' AND c.relkind IN ('r', 'p', 'S')
	  AND c.relname <> 'resource_type_parent'
	  AND c.oid <> ALL (SELECT unnest(extconfig) FROM pg_extension WHERE extname = 'rbac')}),
	'',
	'every rbac table and sequence is an extension configuration table');

# The scenario is what it is meant to be (else the comparisons prove little).
is( $source->safe_psql(
		'app', q{
	SELECT concat_ws(' ',
		rbac.role_has_permission('admin', 'documents:read:own'),
		rbac.role_has_permission('admin', 'documents'),
		rbac.role_has_permission('viewer', 'reports.q1.view'),
		rbac.role_has_permission('viewer', 'reports.q1.edit'),
		rbac.role_has_permission('org-acme-lead', 'documents:delete', 'org_acme'),
		rbac.role_has_permission('org-acme-lead', 'documents:delete', 'org_globex'),
		rbac.user_has_permission('user_01', 'org_acme', 'documents:write'),
		rbac.user_has_permission('user_01', 'org_globex', 'documents:write'),
		rbac.user_has_permission('user_01', 'org_globex', 'documents:read'),
		rbac.user_has_permission('user_03', 'org_globex', 'system:audit'),
		rbac.user_has_permission('user_04', 'org_acme', 'anything'),
		rbac.user_has_permission('user_05', 'org_acme', 'documents:read'),
		rbac.user_role('user_04', 'org_acme'),
		rbac.user_role('user_02', 'org_acme'),
		rbac.user_role('user_02', 'org_initech'),
		(SELECT count(*) FROM rbac.membership_role),
		(SELECT string_agg(slug, ',' ORDER BY priority) FROM rbac.roles_by_priority
		 WHERE organization_id IS NULL),
		(SELECT string_agg(slug, ',' ORDER BY priority) FROM rbac.roles_by_priority
		 WHERE organization_id = 'org_acme'))}),
	't f t f t f t f t t t f '
	  . 'org-acme-lead org-acme-guest viewer 12 '
	  . 'viewer,owner,admin,auditor,editor,billing,support '
	  . 'org-acme-lead,viewer,owner,admin,auditor,editor,billing,org-acme-guest,support',
	'the source database holds the scenario');

# resources (1.1): types with nesting, a tree per organization, assignments
$source->safe_psql(
	'app', q{
	SET client_min_messages = warning;
	SELECT count(*) FROM (
		SELECT rbac.create_resource_type('workspace', 'Workspace'),
			   rbac.create_resource_type('project', 'Project', 'In a workspace', '{workspace}'),
			   rbac.create_resource_type('folder', 'Folder', NULL, '{project,folder}'),
			   rbac.create_permission('folders:read', 'Read folders', NULL, 'folder'),
			   rbac.create_role('project-reader', 'Project reader', NULL, 'project')) s;
	SELECT count(*) FROM (
		SELECT rbac.add_role_permission('project-reader', 'folders:read'),
			   rbac.create_resource('org_acme', 'workspace', 'ws-1', 'Workspace 1'),
			   rbac.create_resource('org_acme', 'project', 'p-1', 'Project 1', NULL, 'workspace', 'ws-1'),
			   rbac.create_resource('org_acme', 'folder', 'f-1', 'Folder 1', NULL, 'project', 'p-1'),
			   rbac.create_resource('org_acme', 'folder', 'f-2', 'Folder 2', 'nested', 'folder', 'f-1'),
			   rbac.create_resource('org_globex', 'workspace', 'ws-1', 'Globex workspace')) s;
	SELECT count(*) FROM rbac.assign_role('user_02', 'org_acme', 'project-reader', 'project', 'p-1');
});

my $want = snapshot($source, 'app');
my @tables = split /\n/, $source->safe_psql(
	'app', q{
	SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
	WHERE n.nspname = 'rbac' AND c.relkind IN ('r', 'p', 'S') ORDER BY 1});
for my $t (@tables)
{
	ok(scalar(@{ $want->{"rows:$t"} // [] }) > 0, "source: rbac.$t is not empty");
}
ok(scalar(@tables) >= 10, 'source: ' . scalar(@tables) . ' tables and sequences');

my $tmp = PostgreSQL::Test::Utils::tempdir;
my $target = PostgreSQL::Test::Cluster->new('target');
$target->init;
$target->start;

# Run a command, capturing its output; a test that it exits 0, with its
# standard error shown when it does not.
sub run_ok
{
	my ($cmd, $name) = @_;
	my ($out, $err) = ('', '');
	my $ok = IPC::Run::run($cmd, '<', \undef, '>', \$out, '2>', \$err);
	ok($ok, $name) or diag("command: @$cmd\nstderr:\n$err");
	return ($ok, $out, $err);
}

# pg_dump output without the lines that differ from one run to the next.
sub dump_text
{
	my ($node, $db) = @_;
	my ($ok, $out) = run_ok([ 'pg_dump', '-d', $node->connstr($db) ], "pg_dump of $db");
	return join("\n", grep { !/^\\(un)?restrict / } split /\n/, $out);
}

my $total_rows = 0;
my $total_answers = 0;

# Compare what a restored database holds with the source.
sub compare_restored
{
	my ($db, $label) = @_;
	my $got = snapshot($target, $db);
	my ($rows, $answers) = compare_snapshots($got, $want, $label);
	diag("$label: $rows catalog rows and $answers check answers compared");
	$total_rows += $rows;
	$total_answers += $answers;

	# it is a working catalog: the sort-key sequence came back, so a new role
	# goes to the bottom of every list, and the caches see new grants
	is( $target->safe_psql(
			$db, q{
		SET client_min_messages = warning;
		SELECT (rbac.create_permission('restored:new', 'New after restore')).id IS NOT NULL;
		SELECT (rbac.create_role('restored', 'Restored')).id IS NOT NULL;
		SELECT (rbac.add_role_permission('restored', 'restored:new')).id IS NOT NULL;
		SELECT concat_ws(' ',
			(SELECT priority = (SELECT count(*) FROM rbac.role WHERE organization_id IS NULL)
			 FROM rbac.roles_by_priority WHERE organization_id IS NULL AND slug = 'restored'),
			(SELECT bool_and(priority = (SELECT max(priority) FROM rbac.priority_list(o)))
			 FROM (VALUES ('org_acme'), ('org_globex'), ('org_initech')) v(o),
				  rbac.priority_list(o) l JOIN rbac.role r ON r.id = l.role_id
			 WHERE r.slug = 'restored'),
			rbac.role_has_permission('restored', 'restored:new'),
			rbac.role_has_permission('owner', 'restored:new'),
			rbac.role_has_permission('viewer', 'restored:new'))}),
		"t\nt\nt\nt t t t f",
		"$label: new roles, permissions and grants work after the restore");

	# events (SPEC 8): the restore brought the source's back (compared with
	# every other table above) and recorded none of its own; the changes
	# after it are recorded after them
	is( $target->safe_psql(
			$db, q{
		SELECT concat_ws(' ',
			(SELECT count(*) FROM rbac.event e WHERE e.data->>'slug' IN ('restored', 'restored:new')),
			(SELECT bool_and(e.id > ALL (SELECT o.id FROM rbac.event o
										WHERE o.data->>'slug' NOT IN ('restored', 'restored:new')))
			 FROM rbac.event e WHERE e.data->>'slug' IN ('restored', 'restored:new')))}),
		'3 t',
		"$label: events after the restore follow the restored ones");
	return;
}

# plain format, restored with psql
my $plain = "$tmp/app.sql";
run_ok([ 'pg_dump', '-d', $source->connstr('app'), '-f', $plain ],
	'pg_dump, plain format');
$target->safe_psql('postgres', 'CREATE DATABASE restored_plain');
run_ok(
	[
		'psql', '-X', '-q', '-v', 'ON_ERROR_STOP=1',
		'-d', $target->connstr('restored_plain'), '-f', $plain
	],
	'psql restores the plain dump into a fresh database of another cluster');
# the dump of the restored database is the dump of the source
is(dump_text($target, 'restored_plain'), dump_text($source, 'app'),
	'plain: a dump of the restored database equals the dump of the source');
compare_restored('restored_plain', 'plain');

# custom format, restored with pg_restore
my $custom = "$tmp/app.dump";
run_ok([ 'pg_dump', '-Fc', '-d', $source->connstr('app'), '-f', $custom ],
	'pg_dump, custom format');
$target->safe_psql('postgres', 'CREATE DATABASE restored_custom');
run_ok(
	[
		'pg_restore', '--exit-on-error',
		'-d', $target->connstr('restored_custom'), $custom
	],
	'pg_restore restores the custom dump into a fresh database');
compare_restored('restored_custom', 'custom');

# directory format, restored by two parallel jobs
#
# Known limitation (PostgreSQL's, reported): pg_dump orders the data of
# extension configuration tables by their foreign keys, but writes no
# dependency between those TABLE DATA entries into the archive (a TABLE DATA
# entry depends only on its table), so pg_restore -j loads them in any order
# and a child table's COPY can run before its parent's: rbac.role_permission
# fails its foreign key to rbac.role. Marked TODO so that the day it passes
# (a fix in PostgreSQL, or rbac without foreign keys between its
# configuration tables) prove reports it as unexpectedly succeeding.
my $directory = "$tmp/app.dir";
run_ok([ 'pg_dump', '-Fd', '-d', $source->connstr('app'), '-f', $directory ],
	'pg_dump, directory format');
TODO:
{
	local $TODO =
	  'pg_restore -j loads configuration tables ignoring their foreign keys';
	# the failure is a race (most runs fail): up to five tries, one test
	my ($tries, $error) = (0, '');
	for my $try (1 .. 5)
	{
		$tries = $try;
		$target->safe_psql('postgres', "CREATE DATABASE restored_parallel_$try");
		my ($out, $err) = ('', '');
		if (!IPC::Run::run(
				[
					'pg_restore', '--exit-on-error', '-j', '2',
					'-d', $target->connstr("restored_parallel_$try"), $directory
				],
				'<', \undef, '>', \$out, '2>', \$err))
		{
			$error = $err;
			last;
		}
	}
	ok($error eq '', "pg_restore -j 2 restores the directory dump (try $tries of 5)")
	  or note("pg_restore -j 2: $error");
	if ($error eq '')
	{
		my ($rows, $answers) = compare_snapshots(snapshot($target, 'restored_parallel_1'),
			$want, 'directory, parallel');
		diag("directory, parallel: $rows catalog rows and $answers check answers compared");
	}
}

diag("in all: $total_rows catalog rows and $total_answers check answers compared");

$source->stop;
$target->stop;
done_testing();
