#!/usr/bin/env bash
# test/setup.sh -- make sure this Debian machine can build and test rbac
#
# Needs the PostgreSQL server packages (postgresql-$PG_MAJOR, postgresql-common,
# which provides pg_virtualenv) and installs what building and testing add:
#
#   build-essential             gcc, make
#   postgresql-server-dev-N     pg_config, PGXS, pg_regress, pg_isolation_regress,
#                               the PostgreSQL::Test perl modules for TAP tests
#   libipc-run-perl             IPC::Run, needed by the TAP tests
#   clang, libclang-rt-dev      for the fuzz targets (libFuzzer and the
#                               sanitizer runtimes are only recommended by clang)
#   pgbouncer                   for the TAP test of transaction pooling (the
#                               test starts its own on a loopback port)
#   debhelper, dpkg-dev,        `make deb` and test/suites/package.sh: the
#   postgresql-server-dev-all   Debian package (pg_buildext, dh --with pgxs_loop)
#   git                         `make deb` and `make dist` archive HEAD
#   jq, unzip                   test/suites/meta.sh: META.json and the PGXN zip
#
# Quiet when everything is present. As root it installs what is missing with
# apt-get; as another user it prints the sudo command to run and exits 1.
#
#   PG_MAJOR=15 test/setup.sh          (default 15)
#   test/setup.sh --dry-run            say what would be installed, install nothing
#   SETUP_PRETEND_MISSING="clang" test/setup.sh --dry-run
#                                      treat these packages as missing (to test)

set -euo pipefail

. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
# the packages provide this one, whatever PG_CONFIG the build uses
PG_CONFIG="/usr/lib/postgresql/$PG_MAJOR/bin/pg_config"
DRY_RUN=0

for arg in "$@"; do
	case "$arg" in
		-n|--dry-run) DRY_RUN=1 ;;
		-h|--help) sed -n '2,26p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
		*) echo "setup.sh: unknown argument \"$arg\"" >&2; exit 2 ;;
	esac
done

packages=(
	build-essential
	"postgresql-server-dev-$PG_MAJOR"
	libipc-run-perl
	clang
	libclang-rt-dev
	pgbouncer
	debhelper
	dpkg-dev
	postgresql-server-dev-all
	git
	jq
	unzip
)

# pg_virtualenv and the server itself come from packages this script does not
# choose for the user: say so plainly if they are absent, and add them to the list.
server_packages=("postgresql-$PG_MAJOR" postgresql-common)

is_installed() {
	local pkg="$1" status
	case " ${SETUP_PRETEND_MISSING:-} " in
		*" $pkg "*) return 1 ;;
	esac
	status="$(dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null || true)"
	[ "$status" = "install ok installed" ]
}

if ! command -v dpkg-query >/dev/null 2>&1; then
	echo "setup.sh: dpkg-query not found; this script expects Debian or Ubuntu." >&2
	echo "setup.sh: install gcc, make, the PostgreSQL $PG_MAJOR server headers (pg_config), IPC::Run and clang by hand." >&2
	exit 1
fi

missing=()
for pkg in "${server_packages[@]}" "${packages[@]}"; do
	is_installed "$pkg" || missing+=("$pkg")
done

if [ "${#missing[@]}" -gt 0 ]; then
	install_cmd="apt-get install -y --no-install-recommends ${missing[*]}"
	if [ "$DRY_RUN" = 1 ]; then
		echo "setup.sh: missing: ${missing[*]}"
		if [ "$(id -u)" = 0 ]; then
			echo "setup.sh: would run: apt-get update"
			echo "setup.sh: would run: DEBIAN_FRONTEND=noninteractive $install_cmd"
		else
			echo "setup.sh: would ask you to run: sudo $install_cmd"
		fi
		exit 0
	fi
	if [ "$(id -u)" = 0 ]; then
		echo "setup.sh: installing ${missing[*]}"
		apt-get update </dev/null
		DEBIAN_FRONTEND=noninteractive $install_cmd </dev/null
	else
		echo "setup.sh: these packages are missing: ${missing[*]}" >&2
		echo "setup.sh: install them with:" >&2
		echo "" >&2
		echo "    sudo $install_cmd" >&2
		echo "" >&2
		exit 1
	fi
elif [ "$DRY_RUN" = 1 ]; then
	echo "setup.sh: all packages present: ${server_packages[*]} ${packages[*]}"
fi

if [ "$DRY_RUN" = 0 ]; then
	if [ ! -x "$PG_CONFIG" ]; then
		echo "setup.sh: $PG_CONFIG not found even though postgresql-server-dev-$PG_MAJOR is installed" >&2
		exit 1
	fi
	if ! command -v pg_virtualenv >/dev/null 2>&1; then
		echo "setup.sh: pg_virtualenv not found (package postgresql-common)" >&2
		exit 1
	fi
fi
