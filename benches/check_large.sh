#!/usr/bin/env bash
# `depeche check` on one large golden file: synthesises a French article
# from the paragraphs of fixtures/articles (each paragraph numbered, so
# every segment differs) until its XLIFF reaches about SIZE_MB megabytes
# (default 16), writes the golden file with `check --update`, then times a
# plain `check` against it (the run, the comparison and the structural
# validation of both sides) and prints the golden file's size and the wall
# time of each step.
#
# Before the line index (issue #15), every element's line was counted from
# the start of the file, so `check` grew with the square of the file size.
#
# Usage: benches/check_large.sh [SIZE_MB]   (DEPECHE=path/to/depeche to use another build)
set -euo pipefail
cd "$(dirname "$0")/.."

size_mb="${1:-16}"
if [ -z "${DEPECHE:-}" ]; then
  cargo build --quiet --release --bin depeche
  DEPECHE=target/release/depeche
fi

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/fixtures/articles" "$work/fixtures/golden" "$work/glossaries"

# An XLIFF 1.2 unit of the none provider is about 2.3 times its source text.
python3 - "$size_mb" "$work/fixtures/articles/large.txt" <<'PY'
import glob, sys
size_mb, out = float(sys.argv[1]), sys.argv[2]
paras = []
for path in sorted(glob.glob("fixtures/articles/*.txt")):
    raw = open(path, "rb").read()
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        text = raw.decode("cp1252")
    paras += [p.strip().replace("\n", " ") for p in text.split("\n\n") if len(p.strip()) > 80]
budget = int(size_mb * 1e6 / 2.3)
text, n = ["Un très long article de test"], 0
total = 0
while total < budget:
    p = f"{n}. {paras[n % len(paras)]}"
    text.append(p)
    total += len(p.encode()) + 2
    n += 1
with open(out, "w", encoding="utf-8") as f:
    f.write("\n\n".join(text) + "\n")
PY

run() {
  local start end
  start=$(date +%s.%N)
  "$DEPECHE" check -q --color never --glossary "$work/glossaries" "$@" "$work/fixtures" >/dev/null 2>"$work/stderr" || true
  end=$(date +%s.%N)
  python3 -c "print(f'{$end - $start:.2f}')"
}
article=$(du -b "$work/fixtures/articles/large.txt" | cut -f1)
update=$(run --update)
golden=$(du -cb "$work"/fixtures/golden/*.xlf | tail -1 | cut -f1)
units=$(grep -c '<trans-unit' "$work"/fixtures/golden/*.xlf || true)
check=$(run)
echo "article:        $(python3 -c "print(f'{$article/1e6:.1f}')") MB"
echo "golden XLIFF:   $(python3 -c "print(f'{$golden/1e6:.1f}')") MB, $units units"
echo "check --update: ${update} s"
echo "check:          ${check} s"
if [ -s "$work/stderr" ]; then
  echo "--- stderr of the last check:"
  head -20 "$work/stderr"
fi
