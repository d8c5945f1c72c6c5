#!/usr/bin/env bash
# test/suites/fuzz.sh -- the `make test` smoke run of the fuzz targets: each
# libFuzzer target for a few seconds on its seed corpus, so CI keeps them
# building and finding nothing. `make fuzz` is the long run (60 s a target).
#   FUZZ_SECONDS=n   seconds per target (default 5)
set -uo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.." || exit 2
FUZZ_SECONDS="${FUZZ_SECONDS:-5}" exec test/fuzz/run.sh
