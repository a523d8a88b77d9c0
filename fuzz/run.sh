#!/usr/bin/env bash
# Runs cargo-fuzz targets one after the other, each for SECONDS (default
# 240), with the bounds every input must keep: 5 s and 1 GiB. New inputs go
# to fuzz/work/<target>/ (not committed); the committed seeds in
# fuzz/corpus/<target>/ are read, never written. A failing input lands in
# fuzz/artifacts/<target>/: copy it to fuzz/regressions/<target>/ with the
# fix, and `cargo test --test it fuzz_replay::` replays it on stable.
#
# Usage: fuzz/run.sh [SECONDS] [TARGET...]   (default: every target)
# Needs: rustup toolchain install nightly; cargo install cargo-fuzz
set -euo pipefail
cd "$(dirname "$0")"

seconds="${1:-240}"
shift || true
targets=("$@")
if [ ${#targets[@]} -eq 0 ]; then
  mapfile -t targets < <(cargo +nightly fuzz list)
fi
for target in "${targets[@]}"; do
  mkdir -p "work/$target"
  echo "== $target: ${seconds} s"
  cargo +nightly fuzz run --sanitizer none -a "$target" "work/$target" "corpus/$target" -- \
    -max_total_time="$seconds" -timeout=5 -rss_limit_mb=1024 -print_final_stats=1 \
    2>&1 | tee "work/$target.log" | grep -E '^(#[0-9]+.*(DONE|pulse)|==|stat::|SUMMARY|Done)' || true
done
