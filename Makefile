# rbac -- PGXS build
#
# make / make install     build and install the extension (needs pg_config)
# make demo               set up, then run the quick start in a throw-away cluster
# make test               set up, then every test suite in throw-away clusters
# make installcheck       pg_regress (+ isolation) against a running server
# make deb DEB_DIR=dir    the Debian package postgresql-15-rbac, built from HEAD
# make dist               rbac-<version>.zip for PGXN, from HEAD

EXTENSION  = rbac
MODULE_big = rbac
OBJS = \
	src/rbac.o \
	src/slug.o \
	src/ulid.o \
	src/wildcard.o \
	src/validate.o \
	src/ids.o \
	src/cache.o \
	src/memo.o \
	src/check.o \
	src/claims.o \
	src/query.o \
	src/principal.o \
	src/guard.o \
	src/event.o

DATA = rbac--1.0.sql rbac--1.0--1.1.sql
PGFILEDESC = "rbac - role-based access control"

REGRESS = slugs ids permissions roles organization_roles priority json checks rls \
	memberships principal privileges hostile parallel trust json_mutators resources resource_checks resource_rls resource_bound \
	queries memo_snapshot explain priority_order events config
REGRESS_OPTS = --outputdir=build/regress --encoding=UTF8

ISOLATION = cache_visibility membership_visibility concurrency membership_rules targeted_eviction \
	reindex_concurrently statement_state resource_rules resource_eviction snapshot_edges events_cursor parallel_snapshot
ISOLATION_OPTS = --inputdir=$(srcdir)/test/isolation --outputdir=build/isolation

TAP_TESTS = 1
PROVE_TESTS = test/t/*.pl

PG_CPPFLAGS = -I$(srcdir)/src
# No -Werror here: a packager's compiler may warn where ours does not. The
# test harness (test/lib.sh) and CI build with COPT=-Werror.
PG_CFLAGS = -Wall -Wextra -Wno-unused-parameter -Wno-missing-field-initializers -Wno-sign-compare

PG_CONFIG ?= pg_config
PGXS := $(shell $(PG_CONFIG) --pgxs)
include $(PGXS)

# every object depends on every header of src/ (PGXS tracks no header
# dependencies without --enable-depend)
$(OBJS): $(wildcard $(srcdir)/src/*.h)

# pg_regress and pg_isolation_regress write into REGRESS_OPTS' and
# ISOLATION_OPTS' --outputdir
installcheck: rbac-outputdirs
.PHONY: rbac-outputdirs
rbac-outputdirs:
	@mkdir -p build/regress build/isolation

.PHONY: demo test deps
deps:
	@test/setup.sh

demo:
	@test/run.sh demo

test:
	@test/run.sh test

.PHONY: deb dist
# The Debian package (debian/, pg_buildext) from a git archive of HEAD in a
# temporary directory, so nothing uncommitted or built leaks into it; the
# .deb files land in DEB_DIR. DEB_BUILD_OPTIONS=nocheck skips the build-time
# regress and isolation run against the built package.
DEB_DIR ?= build/deb
deb:
	@test/deb.sh "$(DEB_DIR)"

# The PGXN distribution: rbac-<version>.zip with everything under
# rbac-<version>/ (META.json at its top), from HEAD. <version> is META.json's
# "version" in HEAD (semver: 1.1.0 is the extension's version 1.1); DIST_DIR: where.
DIST_VERSION = $(shell git show HEAD:META.json 2>/dev/null | sed -n 's/^   "version": "\(.*\)",$$/\1/p')
DIST_DIR ?= .
dist:
	@test -n "$(DIST_VERSION)" || { echo "make dist: no version in META.json" >&2; exit 1; }
	@test -z "$$(git status --porcelain --untracked-files=no)" || \
		echo "make dist: the working tree has uncommitted changes; archiving HEAD without them" >&2
	@mkdir -p "$(DIST_DIR)"
	git archive --format=zip --prefix=$(EXTENSION)-$(DIST_VERSION)/ -o "$(DIST_DIR)/$(EXTENSION)-$(DIST_VERSION).zip" HEAD

.PHONY: bench fuzz soak
bench:
	@test/bench/run.sh

fuzz:
	@test/fuzz/run.sh

soak:
	@test/soak/run.sh

EXTRA_CLEAN = build
