
# test/t/lib/RbacTap.pm -- what the TAP tests of rbac share
#
#   scenario_sql()            SQL that fills rbac's catalog with every kind of
#                             object: permissions (a system one, wildcards),
#                             environment and organization roles, custom orders,
#                             default roles, multiple roles, memberships
#   snapshot_sql($node, $db)  SQL printing one line per catalog row and per check
#                             answer ("category<TAB>payload"); read-only, so it
#                             runs on a hot standby too
#   snapshot($node, $db)      runs it; a hash: category => [lines]
#   parse_snapshot($output)   the same from output of snapshot_sql run elsewhere
#                             (a background session)
#   compare_snapshots($got, $want, $label, %opts)
#                             one test per category, a diff on failure; returns
#                             (catalog rows compared, check answers compared)
#   sql_literal($s)           $s as an SQL string literal
#
# Every value is compared as text: rows as their row literal (ids, timestamps,
# sort keys included), answers as quote_literal of each argument and result.

package RbacTap;

use strict;
use warnings;

use Exporter 'import';
use Test::More;

our @EXPORT = qw(scenario_sql snapshot_sql snapshot parse_snapshot
  compare_snapshots sql_literal session_settings);

# Settings that make the text of timestamps and numbers the same everywhere.
sub session_settings
{
	return join("\n",
		"SET client_min_messages = warning;",
		"SET TimeZone = 'UTC';",
		"SET DateStyle = 'ISO, YMD';",
		"SET IntervalStyle = 'postgres';",
		"SET extra_float_digits = 1;",
		"");
}

sub sql_literal
{
	my ($s) = @_;
	return 'NULL' unless defined $s;
	$s =~ s/'/''/g;
	return "'$s'";
}

# The catalog every test starts from: every kind of row rbac keeps.
sub scenario_sql
{
	return session_settings() . <<'EOSQL';
-- permissions, among them wildcards and one with its own resource type
DO $$
BEGIN
	PERFORM rbac.create_permission('documents:read', 'Read documents', 'Open any document');
	PERFORM rbac.create_permission('documents:write', 'Write documents');
	PERFORM rbac.create_permission('documents:delete', 'Delete documents', 'Cannot be undone');
	PERFORM rbac.create_permission('documents:*', 'Everything on documents');
	PERFORM rbac.create_permission('billing:view', 'View billing');
	PERFORM rbac.create_permission('billing:*', 'Everything on billing');
	PERFORM rbac.create_permission('reports.*.view', 'View any report');
	PERFORM rbac.create_permission('widgets:read', 'Read widgets', 'Per widget', 'widget');
	PERFORM rbac.create_permission('*', 'Everything');
	PERFORM rbac.create_permission('temp:gone', 'Deleted below');
	PERFORM rbac.update_permission('billing:view', NULL, 'Invoices and payment methods');
END
$$;
-- a system permission: only a superuser or the extension's owner may add one
INSERT INTO rbac.permission (slug, name, description, system)
VALUES ('system:audit', 'Audit log', 'Read the audit log', true);

-- environment roles, grants, environment reorders
DO $$
BEGIN
	PERFORM rbac.create_role('viewer', 'Viewer', 'Reads');
	PERFORM rbac.create_role('editor', 'Editor');
	PERFORM rbac.create_role('billing', 'Billing', NULL, 'organization');
	PERFORM rbac.create_role('auditor', 'Auditor');
	PERFORM rbac.create_role('admin', 'Administrator');
	PERFORM rbac.create_role('owner', 'Owner', 'Everything');
	PERFORM rbac.create_role('temp', 'Deleted below');
	PERFORM rbac.set_role_permissions('viewer', ARRAY['documents:read', 'reports.*.view']);
	PERFORM rbac.set_role_permissions('editor', ARRAY['documents:read', 'documents:write', 'temp:gone']);
	PERFORM rbac.set_role_permissions('billing', ARRAY['billing:*']);
	PERFORM rbac.add_role_permission('auditor', 'system:audit');
	PERFORM rbac.add_role_permission('auditor', 'billing:view');
	PERFORM rbac.set_role_permissions('admin', ARRAY['documents:*', 'billing:*', 'widgets:read']);
	PERFORM rbac.add_role_permission('owner', '*');
	PERFORM rbac.add_role_permission('temp', 'documents:read');
	PERFORM rbac.update_role('editor', 'Editor (all documents)', 'Reads and writes');
	PERFORM rbac.delete_role('temp');
	PERFORM rbac.delete_permission('temp:gone');
	PERFORM rbac.set_role_priority('owner', 1);
	PERFORM rbac.set_role_priority('admin', 2);
	PERFORM rbac.set_role_priority('auditor', 4);
END
$$;

-- organization roles and organizations' own orders
DO $$
BEGIN
	PERFORM rbac.create_organization_role('org_acme', 'org-acme-lead', 'Lead', 'Team lead at Acme');
	PERFORM rbac.create_organization_role('org_acme', 'org-acme-guest', 'Guest');
	PERFORM rbac.set_organization_role_permissions('org_acme', 'org-acme-lead',
		ARRAY['documents:*', 'reports.*.view']);
	PERFORM rbac.add_organization_role_permission('org_acme', 'org-acme-guest', 'documents:read');
	PERFORM rbac.create_organization_role('org_globex', 'org-globex-ops', 'Operations', NULL, 'widget');
	PERFORM rbac.set_organization_role_permissions('org_globex', 'org-globex-ops',
		ARRAY['widgets:read', 'billing:view']);
	PERFORM rbac.create_organization_role('org_o''hare', 'org-quoted', 'Quoted organization');
	PERFORM rbac.add_organization_role_permission('org_o''hare', 'org-quoted', 'documents:write');
	PERFORM rbac.set_organization_role_priority('org_acme', 'org-acme-lead', 1);
	PERFORM rbac.set_organization_role_priority('org_acme', 'viewer', 2);
	-- an organization with an order of its own and no roles of its own
	PERFORM rbac.set_organization_role_priority('org_initech', 'editor', 1);
	-- an environment reorder after organizations forked their orders
	PERFORM rbac.set_role_priority('viewer', 1);
	-- a new environment role: the bottom of every list
	PERFORM rbac.create_role('support', 'Support');
	PERFORM rbac.add_role_permission('support', 'documents:read');
END
$$;

-- default roles, multiple roles, memberships
DO $$
BEGIN
	PERFORM rbac.set_default_role('viewer');
	PERFORM rbac.set_default_role('org-acme-guest', 'org_acme');
	PERFORM rbac.set_default_role('support', 'org_globex');
	PERFORM rbac.set_multiple_roles(true);
	PERFORM rbac.create_organization_membership('user_01', 'org_acme', ARRAY['editor', 'org-acme-guest']);
	PERFORM rbac.create_organization_membership('user_01', 'org_globex');
	PERFORM rbac.create_organization_membership('user_02', 'org_acme');
	PERFORM rbac.create_organization_membership('user_02', 'org_initech');
	PERFORM rbac.create_organization_membership('user_03', 'org_globex',
		ARRAY['org-globex-ops', 'billing', 'auditor']);
	PERFORM rbac.create_organization_membership('user_o''neil', 'org_o''hare', ARRAY['org-quoted', 'viewer']);
	PERFORM rbac.create_organization_membership('user_04', 'org_acme', ARRAY['admin']);
	PERFORM rbac.update_organization_membership('user_04', 'org_acme', ARRAY['owner', 'org-acme-lead']);
	PERFORM rbac.create_organization_membership('user_05', 'org_acme', ARRAY['viewer']);
	PERFORM rbac.delete_organization_membership('user_05', 'org_acme');
END
$$;
EOSQL
}

# Permission slugs asked about besides the defined ones: covered only by a
# wildcard, covered by nothing, malformed.
my @EXTRA_SLUGS = (
	'documents:read:own', 'documents:write:draft', 'documents',
	'reports.q1.view', 'reports.q1.edit', 'reports.q1',
	'billing:invoices:view', 'billing', 'widgets:write',
	'system:audit:export', 'nope:nothing', 'anything',
	'Documents:Read', 'a b', '', 'x' x 200);

# SQL for the set of permission slugs asked about (alias $alias, column p).
sub perms_from
{
	my ($alias) = @_;
	my $extra = join(', ', map { sql_literal($_) } @EXTRA_SLUGS);
	return "(SELECT slug::text AS p FROM rbac.permission "
	  . "UNION SELECT unnest(ARRAY[$extra]::text[])) $alias";
}

# SELECT of lines "category<TAB>f1|f2|..." with each field quote_literal'ed.
sub lines_sql
{
	my ($category, $fields, $from, $order) = @_;
	my $fmt = join('|', ('%L') x scalar(@$fields));
	my $args = join(', ', @$fields);
	my $sql = "SELECT " . sql_literal($category)
	  . " || chr(9) || regexp_replace(format('$fmt', $args), E'[\\n\\r\\t]', ' ', 'g') AS l";
	$sql .= ", row_number() OVER (ORDER BY $order) AS k" if defined $order;
	$sql .= " FROM $from" if defined $from;
	return "SELECT l FROM ($sql) s ORDER BY "
	  . (defined $order ? 'k' : 'l COLLATE "C"') . ";\n";
}

# The read-only SQL that prints the snapshot of database $db on $node.
sub snapshot_sql
{
	my ($node, $db, %opts) = @_;
	my $with_sequences = $opts{sequences} // 1;

	# what there is: tables, sequences, memberships, users, organizations
	my $meta = $node->safe_psql($db, <<'EOSQL');
SELECT l FROM (
SELECT 'table' || chr(9) || c.relname
FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE n.nspname = 'rbac' AND c.relkind IN ('r', 'p')
UNION ALL
SELECT 'sequence' || chr(9) || c.relname
FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE n.nspname = 'rbac' AND c.relkind = 'S'
UNION ALL
SELECT 'membership' || chr(9) || user_id || chr(9) || organization_id FROM rbac.membership
) s(l) ORDER BY l COLLATE "C";
EOSQL
	my (@tables, @sequences, @memberships);
	for my $line (split /\n/, $meta)
	{
		my ($kind, @rest) = split /\t/, $line;
		push @tables, $rest[0] if $kind eq 'table';
		push @sequences, $rest[0] if $kind eq 'sequence';
		push @memberships, [@rest] if $kind eq 'membership';
	}
	# the checks on a resource, where there are resources (1.1)
	my $resources = (grep { $_ eq 'resource' } @tables)
	  && $node->safe_psql($db, 'SELECT count(*) FROM rbac.resource') > 0;
	my $places =
	  "(SELECT organization_id::text AS o, resource_type_slug::text AS t, external_id::text AS e "
	  . "FROM rbac.resource UNION SELECT 'org_acme', 'folder', 'nothing') x";

	my $sql = session_settings();

	# every row of every table, as text
	for my $t (@tables)
	{
		$sql .= "SELECT " . sql_literal("rows:$t")
		  . " || chr(9) || t::text FROM rbac.\"$t\" t ORDER BY t::text COLLATE \"C\";\n";
	}
	if ($with_sequences)
	{
		for my $s (@sequences)
		{
			$sql .= "SELECT " . sql_literal("rows:$s")
			  . " || chr(9) || last_value || '|' || is_called FROM rbac.\"$s\";\n";
		}
	}

	my $envroles = sub {
		my ($a) = @_;
		return "(SELECT slug::text AS r FROM rbac.role WHERE organization_id IS NULL "
		  . "UNION SELECT 'ghost') $a";
	};
	my $orgs = sub {
		my ($a) = @_;
		return "(SELECT organization_id::text AS o FROM rbac.role WHERE organization_id IS NOT NULL "
		  . "UNION SELECT organization_id FROM rbac.membership "
		  . "UNION SELECT organization_id FROM rbac.organization_order "
		  . "UNION SELECT organization_id FROM rbac.default_role WHERE organization_id IS NOT NULL "
		  . "UNION SELECT 'org_unknown') $a";
	};
	# the environment list and every organization's
	my $lists = sub {
		my ($a) = @_;
		return "(SELECT NULL::text AS o UNION ALL SELECT o FROM " . $orgs->('o_') . ") $a";
	};
	my $allroles =
	  "(SELECT slug::text AS r FROM rbac.role UNION SELECT 'ghost' UNION SELECT 'org-ghost') roles";
	my $users =
	  "(SELECT user_id::text AS u FROM rbac.membership UNION SELECT 'user_ghost') users";
	# the roles of an organization's list (environment roles and its own)
	my $list_roles = sub {
		my ($org, $a) = @_;
		return "(SELECT slug::text AS r FROM rbac.role "
		  . "WHERE organization_id IS NULL OR organization_id = $org) $a";
	};
	my $P = perms_from('perms');

	$sql .= lines_sql('check:role_has_permission/2',
		[ 'e.r', 'perms.p', 'rbac.role_has_permission(e.r, perms.p)' ],
		$envroles->('e') . ", $P");
	$sql .= lines_sql('check:role_has_permission/3',
		[ 'g.o', 'roles.r', 'perms.p', 'rbac.role_has_permission(roles.r, perms.p, g.o)' ],
		$orgs->('g') . ", $allroles, $P");
	$sql .= lines_sql('check:roles_have_permission/2',
		[ 'pairs.rs', 'perms.p', 'rbac.roles_have_permission(pairs.rs, perms.p)' ],
		"(SELECT ARRAY[a.r, b.r] AS rs FROM "
		  . $envroles->('a') . ", " . $envroles->('b')
		  . " WHERE a.r < b.r UNION ALL SELECT '{}'::text[] "
		  . " UNION ALL SELECT ARRAY['owner', 'owner', 'ghost']) pairs, $P");
	$sql .= lines_sql('check:roles_have_permission/3',
		[ 'g.o', 'pairs.rs', 'perms.p', 'rbac.roles_have_permission(pairs.rs, perms.p, g.o)' ],
		$orgs->('g') . ", LATERAL (SELECT ARRAY[a.r, b.r] AS rs FROM "
		  . $list_roles->('g.o', 'a') . ", "
		  . $list_roles->('g.o', 'b')
		  . " WHERE a.r < b.r UNION ALL SELECT ARRAY[c.r, 'org-ghost'] FROM "
		  . $list_roles->('g.o', 'c')
		  . ") pairs, $P");
	$sql .= lines_sql('check:user_has_permission',
		[ 'users.u', 'g.o', 'perms.p', 'rbac.user_has_permission(users.u, g.o, perms.p)' ],
		"$users, " . $orgs->('g') . ", $P");
	$sql .= lines_sql('check:user_has_permission/resource',
		[ 'users.u', 'x.o', 'x.t', 'x.e', 'perms.p',
		  'rbac.user_has_permission(users.u, x.o, perms.p, x.t, x.e)' ],
		"$users, $places, $P")
	  if $resources;
	$sql .= lines_sql('check:organizations_with_permission',
		[
			'users.u', 'perms.p',
			'ARRAY(SELECT x FROM rbac.organizations_with_permission(users.u, perms.p) x ORDER BY x COLLATE "C")'
		],
		"$users, $P");
	$sql .= lines_sql('check:user_roles',
		[
			'users.u', 'g.o', 'rbac.user_roles(users.u, g.o)', 'rbac.user_role(users.u, g.o)',
			'ARRAY(SELECT rbac.user_permissions(users.u, g.o))'
		],
		"$users, " . $orgs->('g'));
	$sql .= lines_sql('check:roles_by_priority', ['v::text'],
		'rbac.roles_by_priority v',
		'v.organization_id COLLATE "C" NULLS FIRST, v.priority');
	$sql .= lines_sql('check:priority_list',
		[ 'x.o', 'l.priority', 'r.slug', 'l.sort_key', 'rbac.has_own_order(x.o)' ],
		$lists->('x') . " CROSS JOIN LATERAL rbac.priority_list(x.o) l JOIN rbac.role r ON r.id = l.role_id",
		'x.o COLLATE "C" NULLS FIRST, l.priority');
	$sql .= lines_sql('check:highest_priority_role',
		[ 'x.o', 'ARRAY[a.r, b.r]', 'rbac.highest_priority_role(ARRAY[a.r, b.r], x.o)' ],
		$lists->('x') . ", LATERAL " . $list_roles->('x.o', 'a') . ", LATERAL "
		  . $list_roles->('x.o', 'b') . " WHERE a.r < b.r");
	$sql .= lines_sql('check:default_role',
		[ 'x.o', '(rbac.get_default_role(x.o)).slug' ], $lists->('x'));
	$sql .= lines_sql('check:settings', ['rbac.multiple_roles_enabled()']);
	$sql .= lines_sql('json:list_roles_json',
		[ 'x.o', 'rbac.list_roles_json(x.o)' ], $lists->('x'));
	$sql .= lines_sql('json:permission_json',
		['rbac.permission_json(p)'], 'rbac.permission p');
	$sql .= lines_sql('json:role_json', ['rbac.role_json(r)'], 'rbac.role r');
	# the keys 1.0 gave, which an update must keep; 1.1 added three constant
	# ones (status, directory_managed, custom_attributes), which regress checks
	$sql .= lines_sql('json:membership_json',
		[q{rbac.membership_json(m) - ARRAY['status', 'directory_managed', 'custom_attributes']}],
		'rbac.membership m');
	$sql .= lines_sql('json:list_permissions_json',
		["rbac.list_permissions_json(100, NULL, NULL, 'asc')"]);

	# has_permission: the principal comes from settings, one block per principal
	my $orglist = $orgs->('g');
	my $reset = "RESET rbac.user_id; RESET rbac.organization_id; RESET rbac.role; "
	  . "RESET request.jwt.claims;\n";
	$sql .= $reset;
	for my $m (@memberships)
	{
		my ($u, $o) = @$m;
		my ($lu, $lo) = (sql_literal($u), sql_literal($o));
		# rbac.user_id + rbac.organization_id; the bound member asked about every org
		$sql .= "SET rbac.user_id = $lu; SET rbac.organization_id = $lo;\n";
		$sql .= lines_sql('check:has_permission/user+org',
			[ "current_setting('rbac.user_id')", "current_setting('rbac.organization_id')",
			  'perms.p', 'rbac.has_permission(perms.p)' ], $P);
		$sql .= lines_sql('check:has_permission/user+org,arg',
			[ "current_setting('rbac.user_id')", "current_setting('rbac.organization_id')",
			  'g.o', 'perms.p', 'rbac.has_permission(perms.p, g.o)' ], "$orglist, $P");
		$sql .= lines_sql('check:has_permission/user+org,resource',
			[ "current_setting('rbac.user_id')", "current_setting('rbac.organization_id')",
			  'x.t', 'x.e', 'perms.p', 'rbac.has_permission(perms.p, x.t, x.e)' ],
			"$places, $P")
		  if $resources;
	}
	for my $u (sort { $a cmp $b } keys %{ { map { $_->[0] => 1 } @memberships } })
	{
		# rbac.user_id alone, the organization as the argument
		$sql .= "RESET rbac.organization_id; SET rbac.user_id = " . sql_literal($u) . ";\n";
		$sql .= lines_sql('check:has_permission/user,arg',
			[ "current_setting('rbac.user_id')", 'g.o', 'perms.p',
			  'rbac.has_permission(perms.p, g.o)' ], "$orglist, $P");
	}
	# roles named directly
	for my $principal (
		[ 'editor,billing', '' ], [ 'owner', '' ],
		[ 'org-acme-lead', 'org_acme' ], [ 'viewer,org-acme-guest', 'org_acme' ],
		[ 'org-globex-ops', 'org_globex' ])
	{
		my ($roles, $org) = @$principal;
		$sql .= "RESET rbac.user_id; SET rbac.role = " . sql_literal($roles)
		  . "; SET rbac.organization_id = " . sql_literal($org) . ";\n";
		$sql .= lines_sql('check:has_permission/role',
			[ "current_setting('rbac.role')", "current_setting('rbac.organization_id')",
			  'perms.p', 'rbac.has_permission(perms.p)' ], $P);
		$sql .= lines_sql('check:has_permission/role,arg',
			[ "current_setting('rbac.role')", "current_setting('rbac.organization_id')",
			  'g.o', 'perms.p', 'rbac.has_permission(perms.p, g.o)' ], "$orglist, $P");
	}
	# WorkOS-style claims as PostgREST sets them
	$sql .= $reset;
	for my $claims (
		'{"role": "viewer"}',
		'{"role": "org-acme-guest", "roles": ["editor", "org-acme-guest"], "org_id": "org_acme"}',
		'{"roles": ["billing", "auditor"], "org_id": "org_globex"}')
	{
		$sql .= "SET request.jwt.claims = " . sql_literal($claims) . ";\n";
		$sql .= lines_sql('check:has_permission/claims',
			[ "current_setting('request.jwt.claims')", 'g.o', 'perms.p',
			  'rbac.has_permission(perms.p)', 'rbac.has_permission(perms.p, g.o)' ],
			"$orglist, $P");
	}
	$sql .= $reset;
	return $sql;
}

# category => [lines] from the output of snapshot_sql.
sub parse_snapshot
{
	my ($output) = @_;
	my %snap;
	for my $line (split /\n/, $output)
	{
		next if $line eq '';
		my ($category, $payload) = split /\t/, $line, 2;
		die "unexpected snapshot line: $line" unless defined $payload;
		push @{ $snap{$category} }, $payload;
	}
	return \%snap;
}

sub snapshot
{
	my ($node, $db, %opts) = @_;
	return parse_snapshot($node->safe_psql($db, snapshot_sql($node, $db, %opts)));
}

# Compare two snapshots category by category (one test each, a diff of the
# first differing lines on failure). Returns (rows compared, answers compared).
sub compare_snapshots
{
	my ($got, $want, $label) = @_;
	my ($rows, $answers) = (0, 0);
	my %categories = map { $_ => 1 } (keys %$got, keys %$want);

	local $Test::Builder::Level = $Test::Builder::Level + 1;
	for my $c (sort keys %categories)
	{
		my @g = @{ $got->{$c} // [] };
		my @w = @{ $want->{$c} // [] };
		my $same = @g == @w;
		if ($same)
		{
			for my $i (0 .. $#w)
			{
				if ($g[$i] ne $w[$i]) { $same = 0; last; }
			}
		}
		ok($same, "$label: $c (" . scalar(@w) . " lines)");
		if (!$same)
		{
			my %in_g = map { $_ => 1 } @g;
			my %in_w = map { $_ => 1 } @w;
			my @missing = grep { !$in_g{$_} } @w;
			my @extra = grep { !$in_w{$_} } @g;
			diag("$c: " . scalar(@g) . " lines, expected " . scalar(@w));
			diag("  - $_") for (@missing > 20 ? @missing[ 0 .. 19 ] : @missing);
			diag("  + $_") for (@extra > 20 ? @extra[ 0 .. 19 ] : @extra);
			diag("  (same lines, in another order)") if !@missing && !@extra;
		}
		if ($c =~ /^rows:/) { $rows += scalar(@w); }
		else { $answers += scalar(@w); }
	}
	return ($rows, $answers);
}

1;
