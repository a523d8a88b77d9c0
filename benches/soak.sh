#!/usr/bin/env bash
# The full fault soak (issue #15), by hand: N articles (default 2000) through
# `depeche translate` against the seeded fault-injecting servers of
# tests/it/soak.rs (DeepL and OpenAI-compatible protocols, every fault of the
# schedule, a 456 near the end, a redirect to another host, an endless body),
# then K SIGKILLs at seeded points (default 10), each followed by a run with
# the translation memory. Prints, per run: requests and characters billed
# against the ideal (the same run against a well-behaved server), units
# translated, the reasons for the rest, wall time and peak RSS. The test
# itself asserts the bounds: characters billed <= 1.5 x the text, requests
# <= 2 x the ideal, every article a valid XLIFF, no target in the wrong unit,
# peak memory flat.
#
# CI runs the same test with 200 articles and 3 kill points
# (`cargo test --test it soak::`).
#
# Usage: benches/soak.sh [N] [K] [SEED]     (RELEASE=1 for a release build)
set -euo pipefail
cd "$(dirname "$0")/.."

profile=()
if [ "${RELEASE:-0}" = 1 ]; then profile=(--release); fi
DEPECHE_SOAK_ARTICLES="${1:-2000}" DEPECHE_SOAK_KILLS="${2:-10}" \
  DEPECHE_SOAK_SEED="${3:-15}" \
  cargo test "${profile[@]}" --test it soak:: -- --nocapture
