#!/usr/bin/env bash
# test/suites/package.sh -- the installed-package smoke test of `make test`:
# build the Debian package (make deb, from HEAD), install it, and in a
# throw-away cluster run CREATE EXTENSION rbac, a check, and CREATE EXTENSION
# rbac VERSION '1.0' + ALTER EXTENSION rbac UPDATE -- against the package's
# files only: the SQL is in this script, psql runs outside the tree, and the
# rbac.so the server loaded must be the package's.
#
# Where the package goes (RBAC_PACKAGE_INSTALL):
#   root     (default) `dpkg --root` into a throw-away directory DIR/debian/
#            postgresql-15-rbac, and the system's PostgreSQL loads it from there
#            (pg_virtualenv -p: Debian's extension_destdir, as pg_buildext
#            installcheck does); root or not, the machine is left as it was
#   system   `dpkg -i` on the machine (root only; for CI on a throw-away
#            machine: it replaces the files `make install` put there), then
#            pg_virtualenv with the system paths
# RBAC_PG_ROOT=DIR instead overlays the package onto a relocatable PostgreSQL
# $PG_MAJOR copy in DIR (DIR/usr/lib/postgresql/$PG_MAJOR/bin; `dpkg-deb -x`)
# and runs its own cluster (initdb, pg_ctl; as postgres when root) on port
# RBAC_PG_PORT (default 5498) with its socket in DIR/run.
#
# The package is built with DEB_BUILD_OPTIONS=nocheck (make test has run the
# regress and isolation suites already); RBAC_PACKAGE_CHECK=1 builds it with
# its build-time test. RBAC_DEB=file.deb tests that package instead of
# building one. Prints how long each step took. Outside a git checkout (a
# tree from PGXN's zip) there is no HEAD to build: skipped, and it says so.
set -uo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.." || exit 2
. test/lib.sh

INSTALL="${RBAC_PACKAGE_INSTALL:-root}"
PKG="postgresql-$PG_MAJOR-rbac"
fail() { echo "package.sh: $*" >&2; exit 1; }
step_start=$(date +%s)
step() {
	local now; now=$(date +%s)
	echo "package.sh: $1 ($((now - step_start)) s)"
	step_start=$now
}

case "$INSTALL" in
	root) ;;
	system) [ "$(id -u)" = 0 ] || fail "RBAC_PACKAGE_INSTALL=system needs root (dpkg -i)" ;;
	*) fail "RBAC_PACKAGE_INSTALL must be root or system, not \"$INSTALL\"" ;;
esac

WORK="$(mktemp -d -t rbac-package.XXXXXX)"
cleanup() {
	if [ -n "${PGDATA_OWN:-}" ] && [ -f "$PGDATA_OWN/postmaster.pid" ]; then
		as_pg "$BIN/pg_ctl" -D "$PGDATA_OWN" -m immediate stop >/dev/null 2>&1
	fi
	rm -rf "$WORK"
}
trap cleanup EXIT
# the server (user postgres when root runs this) reads the package's files here
chmod 755 "$WORK"

# ---------------------------------------------------------------------------
# the package

if [ -z "${RBAC_DEB:-}" ] && ! git rev-parse --verify -q HEAD >/dev/null 2>&1; then
	# make deb builds HEAD: a tree from a tarball (PGXN's zip) has none
	echo "package.sh: SKIPPED: not a git checkout (make deb builds HEAD); RBAC_DEB=file.deb tests a package"
	exit 0
fi
if [ -n "${RBAC_DEB:-}" ]; then
	deb="$RBAC_DEB"
	[ -f "$deb" ] || fail "RBAC_DEB=$deb: no such file"
else
	opts="${DEB_BUILD_OPTIONS:-}"
	[ "${RBAC_PACKAGE_CHECK:-0}" = 1 ] || opts="${opts:+$opts }nocheck"
	DEB_BUILD_OPTIONS="$opts" make --no-print-directory -s deb DEB_DIR="$WORK/deb" </dev/null ||
		fail "make deb failed"
	deb="$(ls "$WORK"/deb/"$PKG"_*.deb 2>/dev/null | head -n 1)"
	[ -n "$deb" ] || fail "make deb made no $PKG_*.deb"
	step "built $(basename "$deb")"
fi

# what the package holds: the extension's files for PostgreSQL $PG_MAJOR, and
# the docs; nothing of a build tree
dpkg-deb -c "$deb" | awk '{print $6}' | sed 's,^\./,/,; s,/$,,' | sort >"$WORK/contents"
for f in "/usr/lib/postgresql/$PG_MAJOR/lib/rbac.so" \
	"/usr/share/postgresql/$PG_MAJOR/extension/rbac.control" \
	"/usr/share/postgresql/$PG_MAJOR/extension/rbac--1.0.sql" \
	"/usr/share/postgresql/$PG_MAJOR/extension/rbac--1.0--1.1.sql" \
	"/usr/share/doc/$PKG/copyright"; do
	grep -qxF "$f" "$WORK/contents" || fail "the package has no $f"
done
unexpected="$(grep -vE "^(/|/usr|/usr/lib|/usr/share|/usr/lib/postgresql(/$PG_MAJOR(/lib(/rbac\.so|/bitcode(/rbac(\.index\.bc|/src(/[a-z_]+\.bc)?)?)?)?)?)?|/usr/share/postgresql(/$PG_MAJOR(/extension(/rbac(\.control|--[0-9.]+(--[0-9.]+)?\.sql))?)?)?|/usr/share/doc(/$PKG(/[A-Za-z.]+)?)?)$" "$WORK/contents")"
[ -z "$unexpected" ] || fail "the package holds files it should not: $unexpected"
# every script the package ships is one of the tree's (none missing, none extra)
shipped="$(grep -oE 'rbac(\.control|--[0-9.]+(--[0-9.]+)?\.sql)$' "$WORK/contents" | sort | tr '\n' ' ')"
want="$(printf '%s\n' rbac.control rbac--*.sql | sort | tr '\n' ' ')"
[ "$shipped" = "$want" ] || fail "the package ships \"$shipped\", the tree has \"$want\""
dpkg-deb -f "$deb" Depends | grep -q "postgresql-$PG_MAJOR" || fail "the package does not depend on postgresql-$PG_MAJOR"
default_version="$(sed -n "s/^default_version = '\(.*\)'$/\1/p" rbac.control)"

# on this machine apt would install it and nothing else: its dependencies are there
if [ -z "${RBAC_PG_ROOT:-}" ]; then
	sim="$(apt-get install -s --no-install-recommends "$(cd "$(dirname "$deb")" && pwd)/$(basename "$deb")" 2>&1)" ||
		{ echo "$sim" >&2; fail "apt-get install -s $(basename "$deb") failed"; }
	insts="$(printf '%s\n' "$sim" | awk '/^Inst /{print $2}' | tr '\n' ' ')"
	[ "$insts" = "$PKG " ] || [ "$insts" = "" ] ||
		fail "installing the package would also install: $insts"
fi
step "contents and dependencies checked"

# ---------------------------------------------------------------------------
# install, and the server that loads it

as_pg() {
	if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

free_port() {
	local _ p
	for _ in $(seq 1 200); do
		p=$((20000 + RANDOM % 10000))
		[ -e "/var/run/postgresql/.s.PGSQL.$p" ] && continue
		[ -e "/tmp/.s.PGSQL.$p" ] && continue
		(exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null && continue
		echo "$p"; return 0
	done
	echo 5432
}

if [ -n "${RBAC_PG_ROOT:-}" ]; then
	PGROOT="$(cd "$RBAC_PG_ROOT" && pwd)" || fail "RBAC_PG_ROOT=$RBAC_PG_ROOT: no such directory"
	BIN="$PGROOT/usr/lib/postgresql/$PG_MAJOR/bin"
	[ -x "$BIN/postgres" ] || fail "no $BIN/postgres"
	dpkg-deb -x "$deb" "$PGROOT" || fail "dpkg-deb -x into $PGROOT failed"
	expect_so="$PGROOT/usr/lib/postgresql/$PG_MAJOR/lib/rbac.so"
	step "unpacked into $PGROOT"
	run_dir="$PGROOT/run"
	mkdir -p "$run_dir"
	# the cluster and its log, owned by the user that runs the server
	mkdir -p "$WORK/pg"
	PGDATA_OWN="$WORK/pg/data"
	[ "$(id -u)" = 0 ] && chown postgres: "$run_dir" "$WORK/pg"
	as_pg "$BIN/initdb" -A trust -U postgres -D "$PGDATA_OWN" >"$WORK/initdb.log" 2>&1 ||
		{ cat "$WORK/initdb.log" >&2; fail "initdb failed"; }
	port="${RBAC_PG_PORT:-5498}"
	as_pg "$BIN/pg_ctl" -D "$PGDATA_OWN" -w -l "$WORK/pg/server.log" \
		-o "-p $port -k $run_dir -c listen_addresses=''" start >/dev/null ||
		{ cat "$WORK/pg/server.log" >&2; fail "the server did not start"; }
	step "cluster started on port $port"
	run_psql() {
		(cd / && "$BIN/psql" -X -q -h "$run_dir" -p "$port" -U postgres -d postgres \
			-v ON_ERROR_STOP=1 -v expect_so="$expect_so" -v want="$default_version" "$@")
	}
else
	if [ "$INSTALL" = system ]; then
		dpkg -i "$deb" </dev/null || fail "dpkg -i $(basename "$deb") failed"
		dpkg -V "$PKG" || fail "dpkg -V $PKG: the installed files differ from the package's"
		expect_so="/usr/lib/postgresql/$PG_MAJOR/lib/rbac.so"
		venv=(pg_virtualenv -t -v "$PG_MAJOR")
		step "installed with dpkg -i"
	else
		dest="$WORK/debian/$PKG"
		mkdir -p "$dest/var/lib/dpkg/info" "$dest/var/lib/dpkg/updates"
		touch "$dest/var/lib/dpkg/status" "$dest/var/lib/dpkg/available"
		dpkg --root="$dest" --force-not-root --force-depends --log=/dev/null -i "$deb" </dev/null >"$WORK/dpkg.log" 2>&1 ||
			{ cat "$WORK/dpkg.log" >&2; fail "dpkg --root=$dest -i failed"; }
		dpkg --root="$dest" -V "$PKG" || fail "dpkg -V: the installed files differ from the package's"
		expect_so="$dest/usr/lib/postgresql/$PG_MAJOR/lib/rbac.so"
		venv=(pg_virtualenv -t -p "$PKG" -v "$PG_MAJOR")
		step "installed with dpkg --root into a throw-away directory"
	fi
	run_psql() {
		(cd "$WORK" && PGPORT="$(free_port)" "${venv[@]}" \
			psql -X -q -v ON_ERROR_STOP=1 -v expect_so="$expect_so" -v want="$default_version" "$@")
	}
fi

# ---------------------------------------------------------------------------
# the smoke test: one psql session (pg_virtualenv makes one cluster per call)

run_psql -f - <<'EOF' 2>&1 | grep -vE '^(Creating new PostgreSQL cluster|Dropping cluster)'
\set VERBOSITY terse
\pset tuples_only on
\pset format unaligned
-- which rbac.so this backend maps
CREATE FUNCTION pg_temp.loaded_rbac_so() RETURNS text LANGUAGE sql AS $$
	SELECT string_agg(DISTINCT substring(l FROM '(/\S*/rbac\.so)$'), ' ')
	FROM regexp_split_to_table(pg_read_file('/proc/' || pg_backend_pid() || '/maps'), E'\n') l
	WHERE l LIKE '%/rbac.so'
$$;
CREATE FUNCTION pg_temp.ok(cond boolean, what text) RETURNS text LANGUAGE plpgsql AS $$
BEGIN
	IF cond IS NOT TRUE THEN
		RAISE EXCEPTION 'smoke test failed: %', what;
	END IF;
	RETURN 'ok: ' || what;
END
$$;

-- 1. a fresh install of the default version, and a check
CREATE EXTENSION rbac;
SELECT pg_temp.ok(extversion = :'want', 'CREATE EXTENSION rbac installs ' || :'want') FROM pg_extension WHERE extname = 'rbac';
SELECT (rbac.create_permission('documents:read'::text, 'Read documents'::text)).slug;
SELECT (rbac.create_role('viewer'::text, 'Viewer'::text)).slug;
SELECT (rbac.set_role_permissions('viewer'::text, ARRAY['documents:read']::text[])).slug;
SELECT pg_temp.ok(rbac.role_has_permission('viewer', 'documents:read'), 'viewer has documents:read');
SELECT pg_temp.ok(NOT rbac.role_has_permission('viewer', 'documents:write'), 'viewer lacks documents:write');
SELECT pg_temp.ok(pg_temp.loaded_rbac_so() = :'expect_so', 'the backend loaded ' || :'expect_so' || ' (got ' || coalesce(pg_temp.loaded_rbac_so(), 'none') || ')');
DROP EXTENSION rbac;

-- 2. 1.0, then ALTER EXTENSION rbac UPDATE, in a new backend
\connect
\set VERBOSITY terse
\pset tuples_only on
\pset format unaligned
CREATE FUNCTION pg_temp.ok(cond boolean, what text) RETURNS text LANGUAGE plpgsql AS $$
BEGIN
	IF cond IS NOT TRUE THEN
		RAISE EXCEPTION 'smoke test failed: %', what;
	END IF;
	RETURN 'ok: ' || what;
END
$$;
CREATE EXTENSION rbac VERSION '1.0';
SELECT pg_temp.ok(extversion = '1.0', 'CREATE EXTENSION rbac VERSION ''1.0''') FROM pg_extension WHERE extname = 'rbac';
SELECT (rbac.create_permission('documents:read'::text, 'Read documents'::text)).slug;
SELECT (rbac.create_role('viewer'::text, 'Viewer'::text)).slug;
SELECT (rbac.set_role_permissions('viewer'::text, ARRAY['documents:read']::text[])).slug;
SELECT pg_temp.ok(rbac.role_has_permission('viewer', 'documents:read'), '1.0: viewer has documents:read');
ALTER EXTENSION rbac UPDATE;
SELECT pg_temp.ok(extversion = :'want', 'ALTER EXTENSION rbac UPDATE reaches ' || :'want') FROM pg_extension WHERE extname = 'rbac';
SELECT pg_temp.ok(rbac.role_has_permission('viewer', 'documents:read'), 'updated: viewer still has documents:read');
SELECT pg_temp.ok(NOT rbac.role_has_permission('viewer', 'documents:write'), 'updated: viewer lacks documents:write');
SELECT pg_temp.ok(to_regprocedure('rbac.set_principal(text,text)') IS NOT NULL, 'updated: rbac.set_principal exists');
DROP EXTENSION rbac;
EOF
status=${PIPESTATUS[0]}
[ "$status" = 0 ] || fail "the smoke test failed (psql exit $status)"
step "smoke test passed"
