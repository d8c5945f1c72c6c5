# shellcheck shell=bash
# test/lib.sh -- sourced by the harness scripts (setup.sh, install.sh, run.sh,
# bench/run.sh, soak/run.sh, suites/*.sh): which PostgreSQL they build and test
# against, and the flags the harness builds with.
#
#   PG_MAJOR    the PostgreSQL major version (default 15)
#   PG_CONFIG   its pg_config (default /usr/lib/postgresql/$PG_MAJOR/bin/pg_config,
#               the one pg_virtualenv's servers go with)
#   COPT        extra compiler flags PGXS adds (default -Werror: warnings fail the
#               harness and CI, while the Makefile a packager runs has no -Werror)
#   RBAC_MAKE   make with these, as an array: "${RBAC_MAKE[@]}" install

PG_MAJOR="${PG_MAJOR:-15}"
PG_CONFIG="${PG_CONFIG:-/usr/lib/postgresql/$PG_MAJOR/bin/pg_config}"
COPT="${COPT--Werror}"
export PG_MAJOR PG_CONFIG COPT
# shellcheck disable=SC2034  # used by the scripts that source this
RBAC_MAKE=(make --no-print-directory PG_CONFIG="$PG_CONFIG" COPT="$COPT")
