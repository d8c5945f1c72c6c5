#!/usr/bin/env bash
# test/deb.sh DIR -- `make deb DEB_DIR=DIR`: build the Debian package
# (postgresql-15-rbac, debian/ with pg_buildext) from a git archive of HEAD in
# a temporary directory, so nothing uncommitted or built in the working tree
# leaks into it, and put the .deb files (and the .buildinfo/.changes) into DIR.
#
# Needs git, dpkg-buildpackage (dpkg-dev) and debian/control's Build-Depends
# (debhelper, postgresql-server-dev-all, postgresql-15; test/setup.sh installs
# them). DEB_BUILD_OPTIONS=nocheck skips the build-time run of the regress and
# isolation suites against the built package; make test sets it, having run
# those suites already.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

out="${1:?usage: test/deb.sh DIR}"
mkdir -p "$out"
out="$(cd "$out" && pwd)"

if ! git rev-parse --verify -q HEAD >/dev/null; then
	echo "make deb: not a git checkout with a commit; the package is built from HEAD" >&2
	exit 1
fi
if [ -n "$(git status --porcelain --untracked-files=no)" ]; then
	echo "make deb: the working tree has uncommitted changes; building HEAD without them" >&2
fi

work="$(mktemp -d -t rbac-deb.XXXXXX)"
trap 'rm -rf "$work"' EXIT
# the build-time test's server runs as postgres when root builds: it reads the
# built package's files under the tree
chmod 755 "$work"
git archive --prefix=rbac/ HEAD | tar -C "$work" -xf -

# the build-time test's throw-away cluster (pg_virtualenv) would otherwise
# take port 5432 whatever listens there
if [ -z "${PGPORT:-}" ]; then
	for _ in $(seq 1 200); do
		p=$((20000 + RANDOM % 10000))
		[ -e "/var/run/postgresql/.s.PGSQL.$p" ] || [ -e "/tmp/.s.PGSQL.$p" ] && continue
		(exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null && continue
		export PGPORT="$p"
		break
	done
fi

start=$(date +%s)
# a packager's environment, not the harness's: no COPT=-Werror, no PG_CONFIG
(cd "$work/rbac" && env -u COPT -u PG_CONFIG -u MAKEFLAGS -u MAKELEVEL -u MFLAGS \
	dpkg-buildpackage --build=binary --no-sign) </dev/null >"$work/build.log" 2>&1 || {
	tail -n 80 "$work/build.log" >&2
	echo "make deb: dpkg-buildpackage failed (the last 80 lines of its log above)" >&2
	exit 1
}
cp "$work"/*.deb "$work"/*.buildinfo "$work"/*.changes "$out"/
cp "$work/build.log" "$out/build.log"
for f in "$work"/*.deb; do
	echo "$out/$(basename "$f")"
done
echo "make deb: built in $(( $(date +%s) - start )) s (log: $out/build.log)"
