#!/usr/bin/env bash
# test/fuzz/run.sh -- build the libFuzzer targets and run each for a bounded time
#
#   test/fuzz/run.sh                   every target, FUZZ_SECONDS each (`make fuzz`)
#   test/fuzz/run.sh claims wildcard   only these targets
#   FUZZ_SECONDS=5 test/fuzz/run.sh    the short run `make test` does
#
# Targets (test/fuzz/fuzz_<name>.c) call the pure C code in src/ (slug.c, ulid.c,
# wildcard.c, claims.c, query.c) directly and are built with clang under libFuzzer,
# AddressSanitizer and UndefinedBehaviorSanitizer into build/fuzz/. Each target
# runs on a copy of its seed corpus, test/fuzz/corpus/<name>/ (new inputs go to
# build/fuzz/corpus/<name>/, never into the repository), with the dictionary
# test/fuzz/<name>.dict when there is one. Targets run one after another, each
# a single process: the machines this runs on are shared.
#
# Prints one line per target with the number of executions, and exits 1 if any
# target found a crash, a sanitizer error, a broken property (__builtin_trap),
# a timeout or an out-of-memory; the input that did it is kept in
# build/fuzz/artifacts/<name>/ and its log in build/fuzz/logs/<name>.log.
# Replay one input:  build/fuzz/fuzz_<name> build/fuzz/artifacts/<name>/crash-...
#
# Environment: FUZZ_SECONDS (default 60), FUZZ_CC (default clang),
# FUZZ_FLAGS (extra libFuzzer flags, e.g. "-seed=1").

set -uo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/../.." || exit 2
ROOT="$(pwd)"

FUZZ_SECONDS="${FUZZ_SECONDS:-60}"
CC="${FUZZ_CC:-clang}"
FUZZ_DIR="$ROOT/test/fuzz"
OUT="$ROOT/build/fuzz"
ALL_TARGETS=(slug ulid wildcard claims query)
# the pure C files: no PostgreSQL headers, so they build without PGXS
PURE_SOURCES=(src/slug.c src/ulid.c src/wildcard.c src/claims.c src/query.c)
CFLAGS=("-fsanitize=fuzzer,address,undefined" -fno-sanitize-recover=all
	-g -O1 -Wall -Wextra -I src)

warn() { printf 'fuzz: %s\n' "$*" >&2; }

case "$FUZZ_SECONDS" in
	''|*[!0-9]*) warn "FUZZ_SECONDS must be a whole number of seconds, not \"$FUZZ_SECONDS\""; exit 2 ;;
esac

if [ "$#" -gt 0 ]; then
	targets=("$@")
	for t in "${targets[@]}"; do
		if [ ! -f "$FUZZ_DIR/fuzz_$t.c" ]; then
			warn "no target \"$t\" (have: ${ALL_TARGETS[*]})"
			exit 2
		fi
	done
else
	targets=("${ALL_TARGETS[@]}")
fi

# ---------------------------------------------------------------------------
# clang, with its libFuzzer and sanitizer runtimes

# Debian's clang only recommends libclang-rt-N-dev, which holds libFuzzer and the
# sanitizer runtimes: `apt-get install --no-install-recommends clang` leaves
# them out. A one-line target shows whether they link.
toolchain_works() {
	command -v "$CC" >/dev/null 2>&1 || return 1
	mkdir -p "$OUT" || return 1
	printf '%s\n' '#include <stddef.h>' '#include <stdint.h>' \
		'int LLVMFuzzerTestOneInput(const uint8_t *d, size_t n) { (void) d; (void) n; return 0; }' |
		"$CC" "${CFLAGS[@]}" -x c - -o "$OUT/probe" >"$OUT/probe.log" 2>&1
}

mkdir -p "$OUT/logs" || exit 1
if ! toolchain_works; then
	pkgs=(clang libclang-rt-dev)
	if [ "$CC" = clang ] && [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
		echo "fuzz: installing ${pkgs[*]}"
		export DEBIAN_FRONTEND=noninteractive
		apt-get install -y --no-install-recommends "${pkgs[@]}" </dev/null ||
			{ apt-get update </dev/null && apt-get install -y --no-install-recommends "${pkgs[@]}" </dev/null; } ||
			{ warn "could not install ${pkgs[*]}"; exit 1; }
	fi
	if ! toolchain_works; then
		[ -s "$OUT/probe.log" ] && cat "$OUT/probe.log" >&2
		warn "$CC cannot build a libFuzzer target with ASan and UBSan"
		warn "Debian: sudo apt-get install clang libclang-rt-dev (or run test/setup.sh)"
		exit 1
	fi
fi
rm -f "$OUT/probe" "$OUT/probe.log"

# ---------------------------------------------------------------------------
# build

for t in "${targets[@]}"; do
	if ! "$CC" "${CFLAGS[@]}" "$FUZZ_DIR/fuzz_$t.c" "${PURE_SOURCES[@]}" \
		-o "$OUT/fuzz_$t" 2>"$OUT/logs/build-$t.log"; then
		cat "$OUT/logs/build-$t.log" >&2
		warn "building fuzz_$t failed"
		exit 1
	fi
	# warnings are shown, not fatal: a newer clang may find new things to say
	if [ -s "$OUT/logs/build-$t.log" ]; then
		cat "$OUT/logs/build-$t.log" >&2
	fi
done

# ---------------------------------------------------------------------------
# run, one target at a time

failed=()
total=0
echo "fuzz: ${#targets[@]} target(s), ${FUZZ_SECONDS} s each"
for t in "${targets[@]}"; do
	corpus="$OUT/corpus/$t"
	artifacts="$OUT/artifacts/$t"
	log="$OUT/logs/$t.log"
	rm -rf "$corpus" "$artifacts"
	mkdir -p "$corpus" "$artifacts"
	if [ -d "$FUZZ_DIR/corpus/$t" ]; then
		cp -R "$FUZZ_DIR/corpus/$t/." "$corpus/"
	fi
	dict=()
	if [ -f "$FUZZ_DIR/$t.dict" ]; then
		dict=("-dict=$FUZZ_DIR/$t.dict")
	fi

	# shellcheck disable=SC2086 # FUZZ_FLAGS is a list of flags
	"$OUT/fuzz_$t" "$corpus" "${dict[@]}" \
		-max_total_time="$FUZZ_SECONDS" -timeout=10 -rss_limit_mb=2048 \
		-artifact_prefix="$artifacts/" -print_final_stats=1 ${FUZZ_FLAGS:-} \
		</dev/null >"$log" 2>&1
	status=$?

	# libFuzzer ends a clean run with "Done N runs in S second(s)"
	runs="$(sed -n 's/^Done \([0-9][0-9]*\) runs in \([0-9][0-9]*\) second.*/\1 \2/p' "$log" | tail -n 1)"
	stats="$(grep -E '^#[0-9]+[[:space:]]+DONE' "$log" | tail -n 1 |
		grep -oE '(cov|ft|corp): [^ ]+' | tr '\n' ' ')"
	crashes=()
	while IFS= read -r f; do crashes+=("$f"); done < <(find "$artifacts" -type f | sort)

	if [ "$status" -eq 0 ] && [ -n "$runs" ] && [ "${#crashes[@]}" -eq 0 ]; then
		read -r n s <<<"$runs"
		total=$((total + n))
		printf 'fuzz_%-9s %12d executions in %3d s  %s ok\n' "$t" "$n" "$s" "$stats"
	else
		failed+=("$t")
		printf 'fuzz_%-9s FAILED (exit %d)\n' "$t" "$status"
		# what went wrong: the sanitizer's or the property's report
		# (stack frames only from our own files: libFuzzer's say nothing)
		grep -E "property failed|^  grant |ERROR: (AddressSanitizer|UndefinedBehaviorSanitizer|libFuzzer)|runtime error|SUMMARY|^    #[0-9]+ .* in [^ ]+ $ROOT/" "$log" | head -n 40
		for f in "${crashes[@]}"; do
			echo "  input: ${f#"$ROOT"/} ($(wc -c <"$f") bytes)"
			echo "  hex:   $(od -An -v -tx1 "$f" | tr -d ' \n' | cut -c1-512)"
			echo "  replay: ${OUT#"$ROOT"/}/fuzz_$t ${f#"$ROOT"/}"
		done
		echo "  log: ${log#"$ROOT"/}"
	fi
done

echo "fuzz: $total executions in all"
if [ "${#failed[@]}" -gt 0 ]; then
	warn "failed: ${failed[*]}"
	exit 1
fi
exit 0
