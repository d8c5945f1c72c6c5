#!/usr/bin/env bash
# test/install.sh -- the set-up shared by make test, make demo, make bench and
# make soak: the packages (test/setup.sh), then build and install rbac against
# PG_CONFIG (test/lib.sh: PostgreSQL $PG_MAJOR, 15, built with COPT=-Werror).
#
# As root it runs `make install`. As another user it first compares what
# `make install` would put where with what is installed: nothing to do when they
# are identical; else it installs through `sudo -n`, or prints the command to
# run and exits 1.
#
#   test/install.sh            quiet: make's own output is not shown
#   test/install.sh --verbose  show the build (test/run.sh)
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
. test/lib.sh

quiet=(-s)
out=/dev/null
if [ "${1:-}" = --verbose ]; then
	quiet=()
	out=/dev/stdout
fi

[ -x test/setup.sh ] && test/setup.sh </dev/null
"${RBAC_MAKE[@]}" "${quiet[@]}" </dev/null >"$out"

if [ "$(id -u)" = 0 ]; then
	"${RBAC_MAKE[@]}" "${quiet[@]}" install </dev/null >"$out"
	exit 0
fi

# what `make install` would put where, compared with what is there now
stage="$(mktemp -d -t rbac-install.XXXXXX)"
trap 'rm -rf "$stage"' EXIT
up_to_date=1
if "${RBAC_MAKE[@]}" -s install DESTDIR="$stage" </dev/null >/dev/null; then
	while IFS= read -r f; do
		cmp -s "$f" "${f#"$stage"}" || { up_to_date=0; break; }
	done < <(find "$stage" -type f)
else
	up_to_date=0
fi
if [ "$up_to_date" = 1 ]; then
	echo "the installed extension is up to date"
elif sudo -n true 2>/dev/null; then
	sudo -n "${RBAC_MAKE[@]}" "${quiet[@]}" install </dev/null >"$out"
else
	echo >&2
	echo "install.sh: installing into PostgreSQL $PG_MAJOR needs root; run" >&2
	echo >&2
	echo "    sudo make PG_CONFIG=$PG_CONFIG install" >&2
	echo >&2
	exit 1
fi
