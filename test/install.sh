#!/usr/bin/env bash
# test/install.sh -- the set-up shared by make bench and make soak: the
# packages (test/setup.sh), then build and install rbac against
# PG_CONFIG (default: PostgreSQL $PG_MAJOR, 15).  As a normal user the
# install goes through sudo -n, or the command to run is printed.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
PG_MAJOR=${PG_MAJOR:-15}
PG_CONFIG=${PG_CONFIG:-/usr/lib/postgresql/$PG_MAJOR/bin/pg_config}
[ -x test/setup.sh ] && test/setup.sh
make -s PG_CONFIG="$PG_CONFIG" >/dev/null
if [ "$(id -u)" = 0 ]; then
	make -s PG_CONFIG="$PG_CONFIG" install >/dev/null
else
	sudo -n make -s PG_CONFIG="$PG_CONFIG" install >/dev/null || {
		echo "run: sudo make PG_CONFIG=$PG_CONFIG install" >&2; exit 1; }
fi
