#!/usr/bin/env bash
# test/suites/meta.sh -- META.json against the PGXN Meta Spec 1.0.0
# (https://pgxn.org/spec/): its required keys and their forms, the versions
# agreeing with rbac.control's default_version, debian/changelog and
# CHANGELOG.md, and `make dist` giving the zip PGXN takes (everything under
# rbac-<version>/, META.json at its top). Needs jq and unzip (test/setup.sh).
#
# The versions: META.json's "version" and provides.rbac.version are semver
# (PGXN requires it); the extension's version (default_version, what
# CREATE EXTENSION installs) is their MAJOR.MINOR, with PATCH 0 until a
# release changes no SQL: 1.1.0 <-> '1.1'.
set -uo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.." || exit 2

for tool in jq unzip; do
	command -v "$tool" >/dev/null 2>&1 || { echo "meta.sh: $tool not found (run test/setup.sh)" >&2; exit 1; }
done

failures=0
ok() { echo "ok: $1"; }
bad() { echo "FAILED: $1" >&2; failures=$((failures + 1)); }
check() {	# check "what" command...
	local what="$1"; shift
	if "$@"; then ok "$what"; else bad "$what"; fi
}

META=META.json
jq -e . "$META" >/dev/null 2>&1 || { echo "meta.sh: $META is not valid JSON" >&2; exit 1; }
q() { jq -r "$1" "$META"; }
# the filter may use $semver, the regular expression below
qe() { jq -e --arg semver "$SEMVER" "$1" "$META" >/dev/null 2>&1; }

SEMVER='^(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)(-[0-9A-Za-z-]+(\.[0-9A-Za-z-]+)*)?$'
# the spec's license strings
LICENSES=' agpl_3 apache_1_1 apache_2_0 artistic_1 artistic_2 bsd freebsd gfdl_1_2 gfdl_1_3 gpl_1 gpl_2 gpl_3 lgpl_2_1 lgpl_3_0 mit mozilla_1_0 mozilla_1_1 openssl perl_5 postgresql qpl_1_0 ssleay sun zlib open_source restricted unrestricted unknown '

# --- the required keys (spec 1.0.0: name, abstract, version, maintainer,
# license, provides, meta-spec) and their forms
for key in name abstract version maintainer license provides meta-spec; do
	check "required key \"$key\" present" qe "has(\"$key\")"
done
# a "term": at least two characters, no slash, backslash, control character or space
check "name is a term" qe '.name | type == "string" and test("^[^/\\\\[:cntrl:][:space:]]{2,}$")'
check "abstract is a non-empty string" qe '.abstract | type == "string" and length > 0'
check "version $(q .version) is semver" qe '.version | type == "string" and test($semver)'
check "maintainer is a string or a non-empty list of strings" qe \
	'.maintainer | (type == "string" and length > 0) or (type == "array" and length > 0 and all(.[]; type == "string" and length > 0))'
check "license \"$(q .license)\" is one of the spec's" bash -c "case \"$LICENSES\" in *\" $(q .license) \"*) exit 0 ;; *) exit 1 ;; esac"
check "license is postgresql (LICENSE)" qe '.license == "postgresql"'
grep -q '^PostgreSQL License' LICENSE 2>/dev/null && ok "LICENSE is the PostgreSQL License" || bad "LICENSE is the PostgreSQL License"
check "meta-spec version is 1.0.0" qe '."meta-spec".version == "1.0.0"'
check "provides is a non-empty object" qe '.provides | type == "object" and length > 0'
for ext in $(q '.provides | keys[]'); do
	check "provides.$ext has a file and a semver version" qe \
		".provides[\"$ext\"] | (.file | type == \"string\") and (.version | type == \"string\" and test(\$semver))"
	file="$(q ".provides[\"$ext\"].file")"
	check "provides.$ext.file $file is in the tree" test -f "$file"
	docfile="$(q ".provides[\"$ext\"].docfile // empty")"
	[ -z "$docfile" ] || check "provides.$ext.docfile $docfile is in the tree" test -f "$docfile"
done
check "provides rbac, the extension rbac.control describes" qe '.provides | has("rbac")'
check "prereqs: runtime requires PostgreSQL 15.0.0" qe '.prereqs.runtime.requires.PostgreSQL == "15.0.0"'
check "resources has homepage, bugtracker or repository" qe \
	'.resources | type == "object" and (has("homepage") or has("bugtracker") or has("repository"))'
if qe '[.resources | .. | strings | select(test("\\.invalid(/|$)"))] | length > 0'; then
	echo "note: resources still name .invalid placeholder addresses (set the project's URLs before publishing)"
fi

# --- the versions agree
version="$(q .version)"
default_version="$(sed -n "s/^default_version = '\(.*\)'$/\1/p" rbac.control)"
check "rbac.control has a default_version ($default_version)" test -n "$default_version"
check "provides.rbac.version $(q .provides.rbac.version) = version $version" qe '.provides.rbac.version == .version'
check "version $version is default_version $default_version as MAJOR.MINOR.PATCH" \
	test "${version%.*}" = "$default_version"
check "a script installs $default_version (rbac--$default_version.sql or rbac--X--$default_version.sql)" \
	bash -c "ls rbac--$default_version.sql rbac--*--$default_version.sql 2>/dev/null | grep -q ."
deb_version="$(sed -n '1s/^rbac (\([^)]*\)).*/\1/p' debian/changelog)"
check "debian/changelog's version $deb_version = $version" test "$deb_version" = "$version"
check "CHANGELOG.md has a section for $version" grep -q "^## $version\b" CHANGELOG.md

# --- make dist: the zip PGXN takes
work="$(mktemp -d -t rbac-meta.XXXXXX)"
trap 'rm -rf "$work"' EXIT
if ! git rev-parse --verify -q HEAD >/dev/null 2>&1; then
	# make dist archives HEAD: a tree from a tarball (PGXN's zip) has none
	echo "SKIPPED: make dist (not a git checkout)"
elif make --no-print-directory -s dist DIST_DIR="$work" >"$work/dist.log" 2>&1; then
	zip="$work/rbac-$(git show HEAD:META.json | jq -r .version).zip"
	check "make dist made $(basename "$zip")" test -f "$zip"
	if [ -f "$zip" ]; then
		unzip -Z1 "$zip" >"$work/list"
		prefix="rbac-$(git show HEAD:META.json | jq -r .version)/"
		check "every entry is under $prefix" bash -c "! grep -v '^$prefix' '$work/list'"
		for f in META.json rbac.control Makefile LICENSE CHANGELOG.md README.md \
			"$(git show HEAD:META.json | jq -r .provides.rbac.file)"; do
			check "the zip has $prefix$f" grep -qxF "$prefix$f" "$work/list"
		done
		check "the zip's META.json is HEAD's" bash -c \
			"unzip -p '$zip' '${prefix}META.json' | cmp -s - <(git show HEAD:META.json)"
		check "the zip holds no build output" bash -c "! grep -E '\\.(o|so|bc)$|/build/' '$work/list'"
	fi
else
	cat "$work/dist.log" >&2
	bad "make dist"
fi

if [ "$failures" -gt 0 ]; then
	echo "meta.sh: $failures check(s) failed" >&2
	exit 1
fi
echo "meta.sh: META.json, the versions and make dist are as PGXN wants them"
