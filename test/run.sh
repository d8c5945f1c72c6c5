#!/usr/bin/env bash
# test/run.sh -- the harness behind `make demo` and `make test`
#
#   test/run.sh demo    build, install, run test/demo.sql in a throw-away cluster
#   test/run.sh test    build, install, run every suite, print "N passed, M failed"
#
# Both first run test/install.sh: test/setup.sh (packages), then `make` and
# `make install` against PG_CONFIG with COPT=-Werror (test/lib.sh: PostgreSQL
# $PG_MAJOR, default 15).
#
# Suites, each against fresh servers that are thrown away afterwards:
#   regress     REGRESS in the Makefile: `make installcheck` under pg_virtualenv,
#               with ISOLATION and TAP_TESTS switched off for that run
#   isolation   ISOLATION in the Makefile: `make installcheck` under pg_virtualenv,
#               with REGRESS and TAP_TESTS switched off
#   tap         PROVE_TESTS in the Makefile, else t/*.pl, else test/t/*.pl:
#               `make installcheck TAP_TESTS=1` (PGXS's prove_installcheck) in a
#               copy of the tree; the tests start their own servers, and since
#               initdb and postgres refuse to run as root, root runs them as the
#               user postgres
#   suites      every executable test/suites/*.sh, run from the repository root
#               with PG_CONFIG, PG_MAJOR and COPT exported (a script that wants a
#               server runs pg_virtualenv itself; test/lib.sh is there to source)
#
# Counting: regress and isolation count one per test in pg_regress's output; TAP
# counts one per .pl file (not per subtest); a test/suites script counts one
# (exit 0 = passed). A suite that cannot run at all (build failure, a server that
# does not start, a missing expected file ...) counts as 1 failed. The last line
# of `test` is exactly "N passed, M failed"; the exit status is 1 when M > 0.
# Each suite's output and its server's log are kept in build/test-logs/.
#
# Works as root (as CI runs it, with no stdin) and as a normal user. As a normal
# user `make install` needs root: test/install.sh uses `sudo -n` when that works,
# skips it when the installed files are already identical to the built ones, and
# otherwise prints the command to run.

set -uo pipefail

MODE="${1:-}"
case "$MODE" in
	demo|test) ;;
	*) echo "usage: $0 demo|test" >&2; exit 2 ;;
esac

cd "$(dirname "${BASH_SOURCE[0]}")/.." || exit 2
ROOT="$(pwd)"

. test/lib.sh
MAKE=("${RBAC_MAKE[@]}")
# pg_virtualenv -t: the cluster lives in a temporary directory even for root, so
# runs never collide over /etc/postgresql/$PG_MAJOR/regress
VIRTUALENV=(pg_virtualenv -t -v "$PG_MAJOR")

PASSED=0
FAILED=0
LOGS="$ROOT/build/test-logs"
WORK="$(mktemp -d -t rbac-test.XXXXXX)"
trap 'rm -rf "$WORK"' EXIT

say() { printf '\n==> %s\n' "$*"; }
warn() { printf 'run.sh: %s\n' "$*" >&2; }

summary_and_exit() {
	echo
	echo "$PASSED passed, $FAILED failed"
	if [ "$FAILED" -gt 0 ]; then exit 1; fi
	exit 0
}

# A step before any suite could run failed: in test mode that is one failure.
setup_failed() {
	warn "$*"
	if [ "$MODE" = test ]; then
		FAILED=$((FAILED + 1))
		summary_and_exit
	fi
	exit 1
}

# The value of a make variable as the Makefile (with PGXS) defines it.
makevar() {
	"${MAKE[@]}" -s -f Makefile -f - rbac-harness-print-var RBAC_HARNESS_VAR="$1" 2>/dev/null <<'EOF'
.PHONY: rbac-harness-print-var
rbac-harness-print-var:
	@:$(info $($(RBAC_HARNESS_VAR)))
EOF
}

# A TCP port that nothing listens on. pg_virtualenv on its own takes the first
# free port from 5432, and two runs started at the same moment (or a server that
# listens only on a Unix socket) then collide; a random port avoids that.
free_port() {
	local _ p
	for _ in $(seq 1 200); do
		p=$((20000 + RANDOM % 10000))
		[ -e "/var/run/postgresql/.s.PGSQL.$p" ] && continue
		[ -e "/tmp/.s.PGSQL.$p" ] && continue
		(exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null && continue
		echo "$p"
		return 0
	done
	echo 5432
}

# Run a command in a throw-away cluster (PGHOST, PGPORT, PGUSER ... set for it).
in_cluster() {
	PGPORT="$(free_port)" "${VIRTUALENV[@]}" "$@"
}

# The same, but keep the server's log in $1 rather than have pg_virtualenv print
# its last 100 lines (full of the errors the tests expect) when the command fails;
# returns the command's exit status.
in_cluster_keep_log() {
	local server_log="$1" status_file="$WORK/status.$$.$RANDOM" status
	shift
	in_cluster bash -c '
		"${@:3}"; st=$?
		if [ "$st" -ne 0 ]; then
			# a crashed backend may still be writing its core file: give the
			# postmaster time to log the crash and to recover
			sleep 2
			for i in $(seq 1 20); do pg_isready -q && break; sleep 0.5; done
		fi
		cp "$(dirname "$PG_CLUSTER_CONF_ROOT")"/log/*.log "$1" 2>/dev/null
		echo "$st" >"$2"
		exit 0' rbac-suite "$server_log" "$status_file" "$@"
	status=$?
	if [ -s "$status_file" ]; then
		status="$(cat "$status_file")"
	elif [ "$status" -eq 0 ]; then
		status=1
	fi
	return "$status"
}

# Run a command, showing its output and keeping a copy in a log file.
logged() {
	local log="$1"; shift
	"$@" </dev/null 2>&1 | tee "$log"
	return "${PIPESTATUS[0]}"
}

# "passed failed" counted from pg_regress / pg_isolation_regress output:
# PG 15 prints "test name ... ok|FAILED" (or "     name ... ok" inside a parallel
# group); PG 16 and later print TAP lines "ok 1 - name" / "not ok 1 - name".
count_pg_regress() {
	awk '
		/^(test +| +)[^ ]+ +\.\.\. / {
			if ($0 ~ /\.\.\. +FAILED/) f++
			else if ($0 ~ /\.\.\. +(ok|failed \(ignored\))/) p++
			next
		}
		/^ok [0-9]+ +[-+] /     { p++; next }
		/^not ok [0-9]+ +[-+] / { f++; next }
		END { printf "%d %d\n", p, f }
	' "$1"
}

# Show the regression.diffs files pg_regress names in its output.
show_diffs() {
	local log="$1" diffs
	grep -o 'file "[^"]*regression\.diffs"' "$log" | sed 's/^file "//; s/"$//' | sort -u |
	while IFS= read -r diffs; do
		[ -f "$diffs" ] || continue
		echo
		echo "----- $diffs -----"
		head -n 1000 "$diffs"
		if [ "$(wc -l <"$diffs")" -gt 1000 ]; then
			echo "... (truncated; see the whole file)"
		fi
	done
}

# Show what in a server log says the server or a backend died.
show_crashes() {
	local server_log="$1"
	[ -f "$server_log" ] || return 0
	if grep -qE 'terminated by signal|PANIC|TRAP:|was terminated by|exited with exit code [^01]' "$server_log"; then
		echo
		echo "----- ${server_log#"$ROOT"/}: the server reported a crash -----"
		grep -E -B 3 -A 3 'terminated by signal|PANIC|TRAP:|was terminated by|exited with exit code [^01]' "$server_log" | head -n 100
	fi
}

# Run one pg_regress-style suite with `make installcheck` in a throw-away cluster.
#   $1 label, $2 name for the logs, rest: extra make arguments
run_installcheck_suite() {
	local label="$1" name="$2"; shift 2
	local log="$LOGS/$name.log" server_log="$LOGS/$name-server.log" status p f
	say "$label"
	logged "$log" in_cluster_keep_log "$server_log" "${MAKE[@]}" installcheck "$@"
	status=$?
	read -r p f < <(count_pg_regress "$log")
	if [ "$status" -ne 0 ] && [ "$f" -eq 0 ]; then
		warn "$label: make installcheck failed (exit $status) before any test failed"
		f=1
	fi
	if [ "$status" -eq 0 ] && [ "$f" -gt 0 ]; then
		warn "$label: tests failed but make installcheck exited 0"
	fi
	if [ "$f" -gt 0 ]; then
		show_diffs "$log"
		show_crashes "$server_log"
		echo
		echo "(output: ${log#"$ROOT"/}, server log: ${server_log#"$ROOT"/})"
	fi
	echo "$label: $p passed, $f failed"
	PASSED=$((PASSED + p))
	FAILED=$((FAILED + f))
}

run_tap_suite() {
	local tests="$1" tree="$WORK/tap/tree" log="$LOGS/tap.log" status files p f
	say "TAP tests ($tests)"
	mkdir -p "$tree"
	# a copy, so tmp_check/ never lands in the working tree and so the user
	# postgres can write to it
	if ! tar -C "$ROOT" --exclude=./.git --exclude=./build -cf - . | tar -C "$tree" -xf -; then
		warn "TAP: could not copy the tree"
		FAILED=$((FAILED + 1))
		return
	fi
	local cmd=(env -u PGHOST -u PGPORT -u PGUSER -u PGDATABASE -u PGPASSWORD
		-u PGSERVICE -u PGSYSCONFDIR -u PG_CLUSTER_CONF_ROOT
		"${MAKE[@]}" -C "$tree" installcheck REGRESS= ISOLATION= TAP_TESTS=1
		PROVE_TESTS="$tests")
	if [ "$(id -u)" = 0 ]; then
		if ! id postgres >/dev/null 2>&1; then
			warn "TAP: running as root and there is no user postgres to run the servers"
			FAILED=$((FAILED + 1))
			return
		fi
		chown -R postgres: "$WORK/tap"
		chmod 755 "$WORK"
		logged "$log" runuser -u postgres -- env HOME="$WORK/tap" "${cmd[@]}"
	else
		logged "$log" "${cmd[@]}"
	fi
	status=$?
	# prove: "Files=3, Tests=42, ..." then "Result: PASS|FAIL".  Its "Test
	# Summary Report" has a "t/x.pl (Wstat: W Tests: N Failed: F)" line for
	# every file with something to report, passed ones with a "TODO passed"
	# note included: a file failed if W or F is not 0 or it has parse errors.
	tap_failed_files() {
		awk '
			/^[^ ]+\.pl +\(Wstat: / {
				file = $1
				if ($0 !~ /Wstat: 0 / || $0 ~ /Failed: [1-9]/) print file
				next
			}
			/^  Parse errors:/ && file != "" { print file }
		' "$1" | sort -u
	}
	files="$(sed -n 's/^Files=\([0-9]*\),.*/\1/p' "$log" | tail -n 1)"
	if [ -z "$files" ]; then
		warn "TAP: prove did not run (exit $status)"
		p=0; f=1
	else
		f="$(tap_failed_files "$log" | grep -c .)"
		if [ "$status" -ne 0 ] && [ "$f" -eq 0 ]; then
			f=1
		fi
		p=$((files - f)); [ "$p" -lt 0 ] && p=0
	fi
	if [ -d "$tree/tmp_check/log" ]; then
		cp -r "$tree/tmp_check/log" "$LOGS/tap" 2>/dev/null
	fi
	if [ "$f" -gt 0 ]; then
		# each failed test's own log (PostgreSQL::Test::Utils writes regress_log_NAME),
		# then the logs of the servers it started
		local t l
		tap_failed_files "$log" |
		while IFS= read -r t; do
			t="$(basename "$t" .pl)"
			for l in "$tree"/tmp_check/log/regress_log_"$t" "$tree"/tmp_check/log/"$t"_*.log; do
				[ -f "$l" ] || continue
				echo
				echo "----- ${l#"$tree"/} (last 60 lines) -----"
				tail -n 60 "$l"
			done
		done
		echo
		echo "(output: ${log#"$ROOT"/}, logs: ${LOGS#"$ROOT"/}/tap/)"
	fi
	echo "TAP: $p passed, $f failed"
	PASSED=$((PASSED + p))
	FAILED=$((FAILED + f))
}

run_script_suites() {
	local s name status
	for s in "$ROOT"/test/suites/*.sh; do
		[ -e "$s" ] || continue
		name="${s#"$ROOT"/}"
		if [ ! -x "$s" ]; then
			warn "$name is not executable; skipped"
			continue
		fi
		say "$name"
		logged "$LOGS/suite-$(basename "$s" .sh).log" bash -c 'cd "$1" && "$2"' suite "$ROOT" "$s"
		status=$?
		if [ "$status" -eq 0 ]; then
			echo "$name: passed"
			PASSED=$((PASSED + 1))
		else
			echo "$name: FAILED (exit $status)"
			FAILED=$((FAILED + 1))
		fi
	done
}

# ---------------------------------------------------------------------------
# set-up: packages, build, install

say "build and install (test/install.sh)"
"$ROOT/test/install.sh" --verbose </dev/null || setup_failed "test/install.sh failed: packages, build or install"

# ---------------------------------------------------------------------------

if [ "$MODE" = demo ]; then
	say "demo: test/demo.sql in a throw-away PostgreSQL $PG_MAJOR cluster"
	in_cluster psql -X -v ON_ERROR_STOP=1 --echo-queries -f "$ROOT/test/demo.sql" </dev/null
	status=$?
	if [ "$status" -ne 0 ]; then
		warn "the demo failed (exit $status)"
		exit 1
	fi
	exit 0
fi

# make test
rm -rf "$LOGS"
mkdir -p "$LOGS" || setup_failed "cannot create $LOGS"

regress="$(makevar REGRESS)" || setup_failed "could not read REGRESS from the Makefile"
isolation="$(makevar ISOLATION)"

if [ -n "${regress// /}" ]; then
	# pg_regress writes into --outputdir; make sure it exists
	outdir="$(makevar REGRESS_OPTS | grep -o -- '--outputdir=[^ ]*' | tail -n 1 | cut -d= -f2-)"
	[ -n "$outdir" ] && mkdir -p "$outdir"
	run_installcheck_suite "pg_regress" regress ISOLATION= TAP_TESTS=
fi

if [ -n "${isolation// /}" ]; then
	outdir="$(makevar ISOLATION_OPTS | grep -o -- '--outputdir=[^ ]*' | tail -n 1 | cut -d= -f2-)"
	[ -n "$outdir" ] && mkdir -p "$outdir"
	run_installcheck_suite "isolation" isolation REGRESS= TAP_TESTS=
fi

tap="$(makevar PROVE_TESTS)"
tap="${tap#"${tap%%[! ]*}"}"
if [ -z "$tap" ]; then
	if compgen -G 't/*.pl' >/dev/null; then
		tap='t/*.pl'
	elif compgen -G 'test/t/*.pl' >/dev/null; then
		tap='test/t/*.pl'
	fi
fi
if [ -n "$tap" ]; then
	run_tap_suite "$tap"
fi

run_script_suites

if [ $((PASSED + FAILED)) -eq 0 ]; then
	warn "no tests found (REGRESS, ISOLATION, t/*.pl, test/t/*.pl, test/suites/*.sh)"
	FAILED=1
fi

summary_and_exit
