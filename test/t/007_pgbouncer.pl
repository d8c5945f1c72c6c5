
# test/t/007_pgbouncer.pl -- who may name the principal, behind PgBouncer
# in transaction pooling mode (SPEC 5.2)
#
# A real PgBouncer, started by this test, pools one server connection per
# login role (default_pool_size = 1, max_db_connections = 1) and hands it
# from client to client as it is: transaction mode sends no reset query, so
# whatever a client leaves in the session is the next client's.
#
#   a) the pool really is shared: two clients in a row get the same backend
#      (pg_backend_pid()), and a session-level setting of the first is seen
#      by the second; this is what makes every "the next client sees
#      nothing" below a real test;
#   b) authenticator's BEGIN; rbac.set_principal('alice', 'org_a'); ...
#      COMMIT sees alice's documents of org_a only, and the principal is
#      gone after COMMIT: the next client on the same backend sees no
#      principal and no rows; set_principal outside a transaction block
#      lasts its own statement;
#   c) the same with SET LOCAL rbac.user_id / rbac.organization_id;
#   d) the same with rbac.set_principal_roles(ARRAY['editor'], 'org_a'),
#      ended by ROLLBACK;
#   e) app, a role without SET on the parameters and without EXECUTE on
#      set_principal*: every way to name a principal (SET, SET LOCAL,
#      set_config, ALTER ROLE ... SET, set_principal, set_principal_roles)
#      fails with 42501 and changes nothing; the next clients (app on the
#      same backend, then authenticator) see no principal and no rows;
#   f) in a fresh backend that has not loaded rbac yet, app's SET lands on a
#      placeholder; when rbac loads, the value is refused (42501, "permission
#      denied to set parameter") and the check sees no principal.
#
# Skipped when there is no pgbouncer (set PGBOUNCER to its path, or put it
# on PATH; /usr/sbin and /usr/local/sbin are searched too).

use strict;
use warnings;

use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;
use IPC::Run;
use Time::HiRes qw(usleep);

# Where is pgbouncer?  Debian installs it in /usr/sbin, which is not on
# every user's PATH.
sub find_pgbouncer
{
	if (defined $ENV{PGBOUNCER} && $ENV{PGBOUNCER} ne '')
	{
		return -x $ENV{PGBOUNCER} ? $ENV{PGBOUNCER} : undef;
	}
	for my $dir (split(/:/, $ENV{PATH} // ''), '/usr/sbin', '/usr/local/sbin')
	{
		next if $dir eq '';
		my $path = "$dir/pgbouncer";
		return $path if -f $path && -x $path;
	}
	return undef;
}

my $pgbouncer = find_pgbouncer();
plan skip_all => 'pgbouncer not found (install it, or set PGBOUNCER to its path)'
  unless defined $pgbouncer;

# ---------------------------------------------------------------------------
# The server: rbac, a catalog, an RLS-protected table, two login roles
# ---------------------------------------------------------------------------

my $node = PostgreSQL::Test::Cluster->new('pooled');
$node->init;
$node->start;

$node->safe_psql('postgres', <<'EOSQL');
SET client_min_messages = warning;
CREATE EXTENSION rbac;
DO $$
BEGIN
	PERFORM rbac.create_permission('documents:read', 'Read documents');
	-- an environment role granting it
	PERFORM rbac.create_role('editor', 'Editor');
	PERFORM rbac.set_role_permissions('editor', ARRAY['documents:read']);
	-- an organization role granting it
	PERFORM rbac.create_organization_role('org_a', 'org-a-reader', 'Reader');
	PERFORM rbac.add_organization_role_permission('org_a', 'org-a-reader', 'documents:read');
	-- alice reads in both organizations: bound to org_a, she must see org_a only
	PERFORM rbac.create_organization_membership('alice', 'org_a', ARRAY['org-a-reader']);
	PERFORM rbac.create_organization_membership('alice', 'org_b', ARRAY['editor']);
END
$$;

CREATE TABLE docs (org_id text, body text);
INSERT INTO docs VALUES ('org_a', 'a1'), ('org_a', 'a2'),
	('org_b', 'b1'), ('org_b', 'b2'), ('org_b', 'b3');
ALTER TABLE docs ENABLE ROW LEVEL SECURITY;
-- the owner (a superuser) bypasses RLS; authenticator and app do not
CREATE POLICY docs_read ON docs FOR SELECT
	USING (rbac.has_permission('documents:read', org_id));

CREATE ROLE authenticator LOGIN;
CREATE ROLE app LOGIN;
GRANT SELECT ON docs TO authenticator, app;
GRANT SET ON PARAMETER rbac.user_id, rbac.organization_id, rbac.role TO authenticator;
EOSQL

# 1.0 has no set_principal: let the GRANTs fail as assertions, not as a die.
for my $sig ('rbac.set_principal(text, text)', 'rbac.set_principal_roles(text[], text)')
{
	my ($ret, $out, $err) = $node->psql('postgres',
		"GRANT EXECUTE ON FUNCTION $sig TO authenticator", on_error_stop => 1);
	is($ret, 0, "GRANT EXECUTE ON FUNCTION $sig TO authenticator")
	  or diag($err);
}

# ---------------------------------------------------------------------------
# PgBouncer: transaction mode, one server connection per login role
# ---------------------------------------------------------------------------

my $bdir = PostgreSQL::Test::Utils::tempdir();
my $bport = PostgreSQL::Test::Cluster::get_free_port();
my $sockdir = $node->host;    # the node listens on a Unix socket only
my $nport = $node->port;

# auth_type = trust still wants every user in auth_file (passwords unused)
PostgreSQL::Test::Utils::append_to_file("$bdir/userlist.txt",
	qq{"authenticator" ""\n"app" ""\n});
PostgreSQL::Test::Utils::append_to_file("$bdir/pgbouncer.ini", <<EOINI);
[databases]
postgres = host=$sockdir port=$nport dbname=postgres

[pgbouncer]
listen_addr = 127.0.0.1
listen_port = $bport
unix_socket_dir =
auth_type = trust
auth_file = $bdir/userlist.txt
pool_mode = transaction
default_pool_size = 1
min_pool_size = 0
reserve_pool_size = 0
max_db_connections = 1
max_client_conn = 50
server_reset_query =
server_reset_query_always = 0
server_login_retry = 1
query_wait_timeout = 20
logfile = $bdir/pgbouncer.log
pidfile = $bdir/pgbouncer.pid
EOINI

my $bouncer = IPC::Run::start([ $pgbouncer, "$bdir/pgbouncer.ini" ],
	'<', \undef, '>', "$bdir/pgbouncer.out", '2>', "$bdir/pgbouncer.err");

# Stop it however the test ends (a die included).
sub stop_bouncer
{
	return unless $bouncer;
	$bouncer->kill_kill(grace => 5);
	undef $bouncer;
	return;
}

END
{
	local $?;
	stop_bouncer();
}

# What pgbouncer said (its stderr repeats the log file, and has what comes
# before the log file is opened).
sub bouncer_log
{
	my $f = "$bdir/pgbouncer.err";
	return -f $f ? PostgreSQL::Test::Utils::slurp_file($f) : '(no output)';
}

# Run $sql as $user through PgBouncer; ON_ERROR_STOP off, errors verbose
# (with their SQLSTATE). Returns (stdout, stderr).
sub via_bouncer
{
	my ($user, $sql) = @_;
	my ($ret, $out, $err) = $node->psql(
		'postgres',
		"\\set VERBOSITY verbose\n$sql\n",
		connstr => "host=127.0.0.1 port=$bport dbname=postgres user=$user",
		on_error_stop => 0,
		timeout => $PostgreSQL::Test::Utils::timeout_default);
	die "psql through pgbouncer failed ($ret): $err\npgbouncer log:\n" . bouncer_log()
	  if $ret == 2;
	note("stderr of $user: $err") if $err ne '';
	return ($out, $err);
}

# Wait until PgBouncer accepts clients and reaches the server (on loopback
# that takes milliseconds; a pgbouncer that cannot listen may keep running).
{
	my $ready = 0;
	my $deadline = time() + 30;
	while (time() < $deadline)
	{
		die "pgbouncer exited:\n" . bouncer_log() unless $bouncer->pumpable;
		my ($ret, $out, $err) = $node->psql(
			'postgres', 'SELECT 1',
			connstr => "host=127.0.0.1 port=$bport dbname=postgres user=authenticator",
			timeout => 10);
		if ($ret == 0 && $out eq '1')
		{
			$ready = 1;
			last;
		}
		usleep(100_000);
	}
	die "pgbouncer did not come up:\n" . bouncer_log() unless $ready;
}
pass("pgbouncer listens on 127.0.0.1:$bport, transaction pooling");

# A query printing one line, tagged $tag, of what a client sees: its
# backend, the three settings, and the documents RLS lets it read.
sub state_sql
{
	my ($tag) = @_;
	return <<EOSQL;
SELECT format('$tag:pid=%s|user=%s|org=%s|role=%s|docs=%s',
	pg_backend_pid(),
	coalesce(current_setting('rbac.user_id', true), ''),
	coalesce(current_setting('rbac.organization_id', true), ''),
	coalesce(current_setting('rbac.role', true), ''),
	coalesce((SELECT string_agg(body, ',' ORDER BY body) FROM docs), ''));
EOSQL
}

# What a client that names nobody sees.
my $nobody = 'user=|org=|role=|docs=';

# The line tagged $tag in some output, as { pid, principal, docs }; when
# there is none (its query failed), values that match nothing expected.
sub state_of
{
	my ($out, $tag) = @_;
	for my $line (split /\n/, $out)
	{
		next unless $line =~ /^\Q$tag\E:pid=(\d+)\|(.*)$/;
		my ($pid, $principal) = ($1, $2);
		my ($docs) = $principal =~ /\|docs=(.*)$/;
		return { pid => $pid, principal => $principal, docs => $docs };
	}
	return { pid => '(no row)', principal => '(no row)', docs => '(no row)' };
}

# The SQLSTATEs of the errors in some stderr (VERBOSITY verbose), joined
# by commas; '' when there was none.
sub sqlstates
{
	my ($err) = @_;
	# psql prefixes each message with "psql:<stdin>:LINE: "
	return join(',', $err =~ /\b(?:ERROR|FATAL):\s+([0-9A-Z]{5}):/g);
}

# What a new client sees, asking nothing else.
sub fresh_state
{
	my ($user) = @_;
	my ($out) = via_bouncer($user, state_sql('fresh'));
	return state_of($out, 'fresh');
}

# ---------------------------------------------------------------------------
# a) the server connection is shared, session state and all
# ---------------------------------------------------------------------------

my ($out1) = via_bouncer('authenticator',
	"SET test.marker = 'client 1';\nSELECT pg_backend_pid();");
my ($out2) = via_bouncer('authenticator',
	"SELECT pg_backend_pid() || ' ' || current_setting('test.marker', true);\nRESET test.marker;");
like($out1, qr/^\d+$/, 'a) client 1 gets a backend');
is($out2, "$out1 client 1",
	'a) client 2 gets the same backend, with what client 1 left in its session');

# ---------------------------------------------------------------------------
# b) set_principal lasts one transaction
# ---------------------------------------------------------------------------

{
	my ($out, $err) = via_bouncer('authenticator', <<EOSQL);
BEGIN;
SELECT rbac.set_principal('alice', 'org_a');
@{[ state_sql('in') ]}
COMMIT;
@{[ state_sql('after') ]}
EOSQL
	my $in = state_of($out, 'in');
	my $after = state_of($out, 'after');
	is(sqlstates($err), '', 'b) authenticator may call rbac.set_principal');
	is($in->{docs}, 'a1,a2',
		"b) within the transaction alice sees her documents of org_a only");
	is($after->{principal}, $nobody, 'b) after COMMIT the same client names nobody');

	my $next = fresh_state('authenticator');
	is($next->{pid}, $after->{pid}, 'b) the next client gets the same backend');
	is($next->{principal}, $nobody, 'b) the next client names nobody and reads nothing');

	# outside a transaction block the principal lasts its own statement
	($out, $err) = via_bouncer('authenticator',
		"SELECT rbac.set_principal('alice', 'org_a');\n" . state_sql('next'));
	my $s = state_of($out, 'next');
	is(sqlstates($err), '', 'b) set_principal in autocommit runs');
	is($s->{principal}, $nobody,
		'b) set_principal in autocommit is gone at the next statement');
	is($s->{pid}, $next->{pid}, 'b) ... on the same backend');
}

# ---------------------------------------------------------------------------
# c) SET LOCAL lasts one transaction
# ---------------------------------------------------------------------------

{
	my ($out, $err) = via_bouncer('authenticator', <<EOSQL);
BEGIN;
SET LOCAL rbac.user_id = 'alice';
SET LOCAL rbac.organization_id = 'org_a';
@{[ state_sql('in') ]}
COMMIT;
EOSQL
	my $in = state_of($out, 'in');
	is(sqlstates($err), '', 'c) authenticator may SET LOCAL the principal');
	is($in->{principal}, 'user=alice|org=org_a|role=|docs=a1,a2',
		'c) within the transaction alice sees her documents of org_a only');

	my $next = fresh_state('authenticator');
	is($next->{pid}, $in->{pid}, 'c) the next client gets the same backend');
	is($next->{principal}, $nobody, 'c) the next client names nobody and reads nothing');
}

# ---------------------------------------------------------------------------
# d) set_principal_roles lasts one transaction (here ended by ROLLBACK)
# ---------------------------------------------------------------------------

{
	my ($out, $err) = via_bouncer('authenticator', <<EOSQL);
BEGIN;
SELECT rbac.set_principal_roles(ARRAY['editor'], 'org_a');
@{[ state_sql('in') ]}
ROLLBACK;
@{[ state_sql('after') ]}
EOSQL
	my $in = state_of($out, 'in');
	my $after = state_of($out, 'after');
	is(sqlstates($err), '', 'd) authenticator may call rbac.set_principal_roles');
	is($in->{docs}, 'a1,a2',
		'd) within the transaction the editor of org_a sees the documents of org_a only');
	is($after->{principal}, $nobody, 'd) after ROLLBACK the same client names nobody');

	my $next = fresh_state('authenticator');
	is($next->{pid}, $after->{pid}, 'd) the next client gets the same backend');
	is($next->{principal}, $nobody, 'd) the next client names nobody and reads nothing');
}

# ---------------------------------------------------------------------------
# e) app may not name a principal, in any way
# ---------------------------------------------------------------------------

{
	# app's pool gets a backend of its own (server connections belong to a
	# login role); reading docs loads rbac in it, so the settings are known
	# there and every SET below meets their real privileges
	my $first = fresh_state('app');
	like($first->{pid}, qr/^\d+$/, 'e) app gets a backend');
	is($first->{principal}, $nobody, 'e) app names nobody and reads nothing');

	my @attempts = (
		[ "SET rbac.user_id", "SET rbac.user_id = 'alice';" ],
		[ "SET rbac.organization_id", "SET rbac.organization_id = 'org_a';" ],
		[ "SET rbac.role", "SET rbac.role = 'editor';" ],
		[ "SET LOCAL rbac.user_id", "BEGIN;\nSET LOCAL rbac.user_id = 'alice';\nCOMMIT;" ],
		[ "set_config(rbac.user_id, false)",
			"SELECT set_config('rbac.user_id', 'alice', false);" ],
		[ "set_config(rbac.user_id, true)",
			"BEGIN;\nSELECT set_config('rbac.user_id', 'alice', true);\nCOMMIT;" ],
		[ "ALTER ROLE app SET rbac.user_id", "ALTER ROLE app SET rbac.user_id = 'alice';" ],
		[ "rbac.set_principal", "SELECT rbac.set_principal('alice', 'org_a');" ],
		[ "rbac.set_principal_roles",
			"SELECT rbac.set_principal_roles(ARRAY['editor'], 'org_a');" ]);

	for my $attempt (@attempts)
	{
		my ($label, $sql) = @$attempt;
		my ($out, $err) = via_bouncer('app', "$sql\n" . state_sql('after'));
		my $s = state_of($out, 'after');
		is(sqlstates($err), '42501', "e) app: $label fails with 42501");
		is($s->{principal}, $nobody, "e) app: after $label nothing has changed");
		is($s->{pid}, $first->{pid}, "e) app: $label ran on app's one backend");
	}

	# a role default would name the principal in every later session of app
	# (1.0 lets app store one): never leave it for what follows
	$node->safe_psql('postgres', 'ALTER ROLE app RESET ALL');

	my $next = fresh_state('app');
	is($next->{pid}, $first->{pid}, "e) the next app client gets app's backend");
	is($next->{principal}, $nobody, 'e) the next app client names nobody and reads nothing');

	$next = fresh_state('authenticator');
	is($next->{principal}, $nobody,
		'e) the next authenticator client names nobody and reads nothing');
}

# ---------------------------------------------------------------------------
# f) app's SET before rbac is loaded in its backend
# ---------------------------------------------------------------------------

# A new backend has not loaded rbac: SET makes a placeholder that any role
# may set; when rbac loads (at the first check) the value must be refused.
{
	my ($ret, $out, $err) = $node->psql(
		'postgres',
		"\\set VERBOSITY verbose\n"
		  . "SET rbac.user_id = 'alice';\nSET rbac.organization_id = 'org_a';\n"
		  . "SELECT count(*) FROM docs;\n" . state_sql('after'),
		connstr => $node->connstr('postgres') . ' user=app',
		on_error_stop => 0);
	my $s = state_of($out, 'after');
	note("stderr of app in a new backend: $err");
	like($err, qr/permission denied to set parameter "rbac\.user_id"/,
		"f) app's SET rbac.user_id in a new backend is refused (at the latest when rbac loads)");
	is($s->{principal}, $nobody,
		"f) app's SET in a new backend names nobody: the check reads nothing");
}

stop_bouncer();
$node->stop;

done_testing();
