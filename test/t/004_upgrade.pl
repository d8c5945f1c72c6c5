
# test/t/004_upgrade.pl -- ALTER EXTENSION rbac UPDATE from every released
# version gives the catalog of a fresh install (SPEC 6)
#
# For each version in @RELEASED (and the current one, for which UPDATE is a
# no-op), in its own database:
#   1. CREATE EXTENSION rbac VERSION '<v>'; ALTER EXTENSION rbac UPDATE
#      -> the catalog is the one of a fresh CREATE EXTENSION rbac, compared
#      two ways: a description of every object of the extension and of schema
#      rbac (functions with their full definitions, tables, columns,
#      constraints, indexes, triggers, views, types, sequences, policies,
#      privileges, initial privileges, comments, configuration tables,
#      members), and pg_dump --binary-upgrade --schema-only (which lists
#      extension members one by one) with OIDs and xids masked;
#   2. the same with data: a catalog filled (through the 1.0 API) before the
#      update -> after it, the same description, the same rows per table, and
#      the same check answers.
# A negative control first shows that the description does notice changes.
#
# A new release: add the version it replaces to @RELEASED (the test fails
# until every installable version but the current one is listed).

use strict;
use warnings;

use FindBin;
use lib "$FindBin::RealBin/lib";

use IPC::Run;
use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;
use RbacTap;

# Every released version of rbac, oldest first.
my @RELEASED = ('1.0');

my $node = PostgreSQL::Test::Cluster->new('upgrade');
$node->init;
$node->start;

my $current = $node->safe_psql('postgres',
	"SELECT default_version FROM pg_available_extensions WHERE name = 'rbac'");
like($current, qr/^\d+\.\d+$/, "the current version is $current");
my @installable = split /\n/,
  $node->safe_psql('postgres',
	"SELECT version FROM pg_available_extension_versions WHERE name = 'rbac' ORDER BY 1");
for my $v (@installable)
{
	next if $v eq $current;
	ok((grep { $_ eq $v } @RELEASED), "installable version $v is in \@RELEASED");
}
for my $v (@RELEASED)
{
	ok((grep { $_ eq $v } @installable), "released version $v can still be installed");
}

# The description of the extension's catalog: category => [lines].
my $describe_sql = <<'EOSQL';
WITH ext AS (SELECT * FROM pg_extension WHERE extname = 'rbac'),
nsp AS (SELECT oid FROM pg_namespace WHERE nspname = 'rbac'),
rel AS (SELECT c.* FROM pg_class c WHERE c.relnamespace = (SELECT oid FROM nsp))
SELECT 'catalog:extension' || chr(9) || concat_ws('|', extversion, extrelocatable,
	extnamespace::regnamespace, extowner::regrole,
	(SELECT string_agg(c::regclass::text || '=' || coalesce(extcondition[i], ''), ',' ORDER BY c::regclass::text)
	 FROM unnest(extconfig) WITH ORDINALITY AS u(c, i)))
FROM ext
UNION ALL
SELECT 'catalog:schema' || chr(9) || concat_ws('|', n.nspname, n.nspowner::regrole, n.nspacl,
	obj_description(n.oid, 'pg_namespace'))
FROM pg_namespace n WHERE n.oid = (SELECT oid FROM nsp)
UNION ALL
SELECT 'catalog:member' || chr(9) || pg_describe_object(d.classid, d.objid, d.objsubid)
FROM pg_depend d, ext
WHERE d.refclassid = 'pg_extension'::regclass AND d.refobjid = ext.oid AND d.deptype = 'e'
UNION ALL
SELECT 'catalog:function' || chr(9) || concat_ws('|', p.oid::regprocedure, p.proowner::regrole,
	p.proacl, obj_description(p.oid, 'pg_proc'),
	CASE WHEN p.prokind IN ('f', 'p') THEN pg_get_functiondef(p.oid) ELSE p.prosrc END)
FROM pg_proc p WHERE p.pronamespace = (SELECT oid FROM nsp)
UNION ALL
SELECT 'catalog:relation' || chr(9) || concat_ws('|', c.relname, c.relkind, c.relpersistence,
	c.relowner::regrole, c.relacl, c.reloptions, c.relrowsecurity, c.relforcerowsecurity,
	c.relreplident, c.relhasindex, c.relhastriggers, obj_description(c.oid, 'pg_class'),
	CASE WHEN c.relkind IN ('v', 'm') THEN pg_get_viewdef(c.oid) END)
FROM rel c
UNION ALL
SELECT 'catalog:column' || chr(9) || concat_ws('|', c.relname,
	row_number() OVER (PARTITION BY c.oid ORDER BY a.attnum), a.attname,
	format_type(a.atttypid, a.atttypmod), a.attnotnull, pg_get_expr(ad.adbin, ad.adrelid),
	co.collname, a.attidentity, a.attgenerated, a.attacl, col_description(c.oid, a.attnum))
FROM rel c JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped
LEFT JOIN pg_attrdef ad ON ad.adrelid = c.oid AND ad.adnum = a.attnum
LEFT JOIN pg_collation co ON co.oid = a.attcollation AND a.attcollation <> 0
UNION ALL
SELECT 'catalog:constraint' || chr(9) || concat_ws('|',
	coalesce(con.conrelid::regclass::text, con.contypid::regtype::text), con.conname,
	pg_get_constraintdef(con.oid), obj_description(con.oid, 'pg_constraint'))
FROM pg_constraint con WHERE con.connamespace = (SELECT oid FROM nsp)
UNION ALL
SELECT 'catalog:index' || chr(9) || concat_ws('|', pg_get_indexdef(i.indexrelid),
	obj_description(i.indexrelid, 'pg_class'))
FROM pg_index i JOIN rel c ON c.oid = i.indexrelid
UNION ALL
SELECT 'catalog:trigger' || chr(9) || concat_ws('|', pg_get_triggerdef(t.oid), t.tgenabled,
	obj_description(t.oid, 'pg_trigger'))
FROM pg_trigger t JOIN rel c ON c.oid = t.tgrelid WHERE NOT t.tgisinternal
UNION ALL
SELECT 'catalog:type' || chr(9) || concat_ws('|', t.typname, t.typtype, t.typowner::regrole,
	format_type(t.typbasetype, t.typtypmod), t.typnotnull, t.typdefault, co.collname, t.typacl,
	obj_description(t.oid, 'pg_type'))
FROM pg_type t LEFT JOIN pg_collation co ON co.oid = t.typcollation AND t.typcollation <> 0
WHERE t.typnamespace = (SELECT oid FROM nsp)
UNION ALL
SELECT 'catalog:sequence' || chr(9) || concat_ws('|', s.seqrelid::regclass, s.seqtypid::regtype,
	s.seqstart, s.seqincrement, s.seqmax, s.seqmin, s.seqcache, s.seqcycle)
FROM pg_sequence s JOIN rel c ON c.oid = s.seqrelid
UNION ALL
SELECT 'catalog:policy' || chr(9) || concat_ws('|', pol.polrelid::regclass, pol.polname,
	pol.polcmd, pol.polpermissive, pol.polroles::regrole[],
	pg_get_expr(pol.polqual, pol.polrelid), pg_get_expr(pol.polwithcheck, pol.polrelid))
FROM pg_policy pol JOIN rel c ON c.oid = pol.polrelid
UNION ALL
SELECT 'catalog:operator' || chr(9) || o.oid::regoperator::text
FROM pg_operator o WHERE o.oprnamespace = (SELECT oid FROM nsp)
UNION ALL
SELECT 'catalog:cast' || chr(9) || concat_ws('|', format_type(ca.castsource, NULL),
	format_type(ca.casttarget, NULL), ca.castfunc::regprocedure, ca.castcontext, ca.castmethod)
FROM pg_cast ca
WHERE ca.castsource IN (SELECT oid FROM pg_type WHERE typnamespace = (SELECT oid FROM nsp))
   OR ca.casttarget IN (SELECT oid FROM pg_type WHERE typnamespace = (SELECT oid FROM nsp))
UNION ALL
SELECT 'catalog:init_privs' || chr(9) || concat_ws('|',
	pg_describe_object(ip.classoid, ip.objoid, ip.objsubid), ip.privtype, ip.initprivs)
FROM pg_init_privs ip
JOIN pg_depend d ON d.classid = ip.classoid AND d.objid = ip.objoid
	AND d.refclassid = 'pg_extension'::regclass AND d.deptype = 'e'
	AND d.refobjid = (SELECT oid FROM ext)
UNION ALL
SELECT 'catalog:event_trigger' || chr(9) || concat_ws('|', e.evtname, e.evtevent,
	e.evtfoid::regprocedure, e.evtenabled, e.evttags)
FROM pg_event_trigger e
JOIN pg_depend d ON d.classid = 'pg_event_trigger'::regclass AND d.objid = e.oid
	AND d.refclassid = 'pg_extension'::regclass AND d.refobjid = (SELECT oid FROM ext)
EOSQL

sub describe
{
	my ($db) = @_;
	my $out = $node->safe_psql($db,
		"SELECT regexp_replace(l, E'\\n', '\\\\n', 'g') FROM ($describe_sql) s(l) "
		  . "ORDER BY l COLLATE \"C\"");
	return parse_snapshot($out);
}

# The categories in which two descriptions differ.
sub differing
{
	my ($x, $y) = @_;
	my %c = map { $_ => 1 } (keys %$x, keys %$y);
	return grep {
		join("\n", @{ $x->{$_} // [] }) ne join("\n", @{ $y->{$_} // [] })
	} sort keys %c;
}

# pg_dump --binary-upgrade --schema-only, with what differs between two
# databases holding the same objects (OIDs, xids, the \restrict key) masked.
sub binary_upgrade_dump
{
	my ($db) = @_;
	my ($out, $err) = ('', '');
	IPC::Run::run(
		[ 'pg_dump', '--binary-upgrade', '--schema-only', '-d', $node->connstr($db) ],
		'<', \undef, '>', \$out, '2>', \$err)
	  or die "pg_dump --binary-upgrade of $db failed: $err";
	# (a column added by ALTER TABLE ... ADD COLUMN ... DEFAULT keeps its
	# default as a "missing value" for the rows before it: not a difference)
	my @lines =
	  grep { $_ ne '' && !/binary_upgrade_set_next_|binary_upgrade_set_missing_value|^-- set missing value\.$|^\\(un)?restrict / }
	  split /\n/, $out;
	for (@lines)
	{
		s/'\{[0-9,]*\}'/'{OIDS}'/g;
		s/(relfrozenxid|relminmxid) = '\d+'/$1 = 'X'/g;
		s/WHERE oid = '\d+'/WHERE oid = 'X'/g;
	}
	return \@lines;
}

# A unified diff of two arrays of lines (for failures), at most 80 lines.
sub line_diff
{
	my ($got, $want) = @_;
	my $dir = PostgreSQL::Test::Utils::tempdir;
	PostgreSQL::Test::Utils::append_to_file("$dir/fresh", join("\n", @$want) . "\n");
	PostgreSQL::Test::Utils::append_to_file("$dir/updated", join("\n", @$got) . "\n");
	my $out = '';
	IPC::Run::run([ 'diff', '-u', "$dir/fresh", "$dir/updated" ], '>', \$out);
	my @lines = split /\n/, $out;
	return join("\n", @lines > 80 ? @lines[ 0 .. 79 ] : @lines);
}

$node->safe_psql('postgres', 'CREATE DATABASE fresh');
$node->safe_psql('fresh', 'CREATE EXTENSION rbac');
my $fresh = describe('fresh');
my $fresh_dump = binary_upgrade_dump('fresh');
my $described = 0;
$described += scalar(@{ $fresh->{$_} }) for keys %$fresh;
ok($described > 100, "the fresh install is described in $described lines");
for my $c (qw(extension schema member function relation column constraint index trigger type sequence))
{
	ok(scalar(@{ $fresh->{"catalog:$c"} // [] }) > 0, "the description lists ${c}s");
}

# Negative control: each kind of change shows in its category.
$node->safe_psql('postgres', 'CREATE DATABASE altered');
$node->safe_psql('altered', <<'EOSQL');
SET client_min_messages = warning;
CREATE EXTENSION rbac;
ALTER FUNCTION rbac.role_has_permission(text, text) VOLATILE;
COMMENT ON TABLE rbac.role IS 'changed';
ALTER TABLE rbac.setting ADD COLUMN extra integer;
ALTER TABLE rbac.setting DROP CONSTRAINT setting_singleton_check;
CREATE INDEX role_name_idx ON rbac.role (name);
ALTER TABLE rbac.role DISABLE TRIGGER role_guard;
ALTER DOMAIN rbac.description SET DEFAULT 'x';
ALTER SEQUENCE rbac.role_sort_key_seq INCREMENT 2;
ALTER EXTENSION rbac DROP FUNCTION rbac.new_id(text);
ALTER EXTENSION rbac DROP TABLE rbac.setting;
GRANT USAGE ON SCHEMA rbac TO pg_monitor;
EOSQL
my @altered = differing(describe('altered'), $fresh);
is_deeply(
	\@altered,
	[
		map { "catalog:$_" }
		  qw(column constraint extension function index init_privs member relation schema sequence
		  trigger type)
	],
	'negative control: every change shows in the description')
  or diag("differing: @altered");
ok(join("\n", @{ binary_upgrade_dump('altered') }) ne join("\n", @$fresh_dump),
	'negative control: and in pg_dump --binary-upgrade');

my $total_rows = 0;
my $total_answers = 0;
my %seen;
for my $from (grep { !$seen{$_}++ } (@RELEASED, $current))
{
	(my $tag = $from) =~ s/\W/_/g;

	# 1. an empty catalog
	my $db = "from_$tag";
	$node->safe_psql('postgres', "CREATE DATABASE $db");
	$node->safe_psql($db, "CREATE EXTENSION rbac VERSION '$from'");
	is($node->safe_psql($db, "SELECT extversion FROM pg_extension WHERE extname = 'rbac'"),
		$from, "$from: installed");
	if ($from ne $current)
	{
		isnt( $node->safe_psql(
				$db,
				"SELECT path FROM pg_extension_update_paths('rbac') "
				  . "WHERE source = '$from' AND target = '$current'"),
			'',
			"$from: there is an update path to $current");
	}
	$node->safe_psql($db, 'SET client_min_messages = warning; ALTER EXTENSION rbac UPDATE');
	is($node->safe_psql($db, "SELECT extversion FROM pg_extension WHERE extname = 'rbac'"),
		$current, "$from: updated to $current");
	my (undef, $rows) = compare_snapshots(describe($db), $fresh, "$from -> $current, empty");
	my $dump = binary_upgrade_dump($db);
	ok(join("\n", @$dump) eq join("\n", @$fresh_dump),
		"$from -> $current, empty: pg_dump --binary-upgrade equals a fresh install's")
	  or diag(line_diff($dump, $fresh_dump));

	# 2. with data: the update keeps every row and every answer
	$db = "data_$tag";
	$node->safe_psql('postgres', "CREATE DATABASE $db");
	$node->safe_psql($db, "CREATE EXTENSION rbac VERSION '$from'");
	$node->safe_psql($db, scenario_sql());
	my $before = snapshot($node, $db);
	$node->safe_psql($db, 'SET client_min_messages = warning; ALTER EXTENSION rbac UPDATE');
	my $after = snapshot($node, $db);
	my (undef, $lines) = compare_snapshots(describe($db), $fresh, "$from -> $current, with data");
	$rows += $lines;
	# rows: as many per table (their columns may change); answers: identical
	my %count_before = map { $_ => scalar(@{ $before->{$_} }) } grep { /^rows:/ } keys %$before;
	my %count_after =
	  map { $_ => scalar(@{ $after->{$_} }) } grep { exists $count_before{$_} } keys %$after;
	is_deeply(\%count_after, \%count_before, "$from -> $current, with data: rows per table");
	$rows += $_ for values %count_before;
	my %checks_before = map { $_ => $before->{$_} } grep { !/^rows:/ } keys %$before;
	my %checks_after = map { $_ => $after->{$_} } grep { !/^rows:/ } keys %$after;
	my (undef, $answers) = compare_snapshots(\%checks_after, \%checks_before,
		"$from -> $current, with data, check answers");
	diag("$from -> $current: $rows catalog lines and rows, $answers check answers compared");
	$total_rows += $rows;
	$total_answers += $answers;
}

diag("in all: $total_rows catalog lines and rows, $total_answers check answers compared");

$node->stop;
done_testing();
