#!/usr/bin/env bash
# Peak memory (maximum resident set, from /usr/bin/time -v) of
# `depeche translate --provider none --no-memory` on synthetic inputs:
#   - one article of 1, 3 and 9 MB of ordinary sentences (about 80 bytes
#     each, one short paragraph per sentence), and 9 MB of one-word
#     paragraphs (the worst case: a segment every 8 bytes);
#   - RSS feeds of 60 and 200 MB (about 1 KB per item) and a JSON Lines
#     export of 100 MB, read item by item past --max-article-bytes.
# Prints one line per input: size, peak RSS, ratio and wall time.
# Issue #15: memory per article linear in its size with a small constant,
# and flat in the size of a feed, NewsML or JSON Lines file.
#
# Usage: benches/ingest_memory.sh [feeds|articles|all]
#        (DEPECHE=path/to/depeche to use another build; default: a release build)
set -euo pipefail
cd "$(dirname "$0")/.."

what="${1:-all}"
if [ -z "${DEPECHE:-}" ]; then
  cargo build --quiet --release --bin depeche
  DEPECHE=target/release/depeche
fi
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

python3 - "$work" "$what" <<'PY'
import json, random, sys
work, what = sys.argv[1], sys.argv[2]
random.seed(15)
words = ("le la les un une des gouvernement ministre a annoncé mardi que réforme sera "
         "présentée devant Assemblée nationale avant fin du mois selon source proche "
         "dossier").split()
def sent():
    s = " ".join(random.choice(words) for _ in range(random.randint(5, 12)))
    return s[0].upper() + s[1:] + "."
if what in ("all", "articles"):
    for mb in (1, 3, 9):
        out, total = [], 0
        while total < mb * 1_000_000 - 100:
            p = sent(); out.append(p); total += len(p.encode()) + 2
        open(f"{work}/article-{mb}mb.txt", "w").write("Titre\n\n" + "\n\n".join(out))
    short = ["Oui.", "Non.", "Paris.", "Le 5 mai.", "Voilà.", "Il pleut.", "Fin."]
    text = "Titre\n\n" + "\n\n".join(random.choice(short) for _ in range(1_100_000))
    open(f"{work}/short-9mb.txt", "w").write(text[:9_000_000])
if what in ("all", "feeds"):
    for mb in (60, 200):
        with open(f"{work}/feed-{mb}mb.xml", "w") as f:
            f.write('<?xml version="1.0" encoding="UTF-8"?>\n<rss version="2.0"><channel>'
                    '<title>Le Fil</title><language>fr</language>\n')
            total, i = 0, 0
            while total < mb * 1_000_000:
                body = "".join(f"<p>{sent()}</p>" for _ in range(8))
                item = (f"<item><title>Titre {i} {sent()}</title><link>https://ex.fr/a/{i}</link>"
                        f"<description><![CDATA[{body}]]></description></item>\n")
                f.write(item); total += len(item.encode()); i += 1
            f.write("</channel></rss>\n")
    with open(f"{work}/export-100mb.jsonl", "w") as f:
        total, i = 0, 0
        while total < 100_000_000:
            line = json.dumps({"title": f"Titre {i}", "url": f"https://ex.fr/{i}",
                               "body": "\n\n".join(sent() for _ in range(8))},
                              ensure_ascii=False) + "\n"
            f.write(line); total += len(line.encode()); i += 1
PY

printf '%-22s %10s %12s %8s %9s\n' input size peak_rss ratio wall
for input in "$work"/*; do
  [ -f "$input" ] || continue
  rm -rf "$work/out"
  /usr/bin/time -v "$DEPECHE" translate --provider none --no-memory --no-progress \
    -o "$work/out" "$input" >/dev/null 2>"$work/time.txt" || true
  kb=$(awk -F': ' '/Maximum resident set size/ {print $2}' "$work/time.txt")
  wall=$(awk -F': ' '/Elapsed \(wall clock\)/ {print $2}' "$work/time.txt")
  bytes=$(stat -c %s "$input")
  printf '%-22s %8.1fMB %10.0fMB %7.1fx %9s\n' "$(basename "$input")" \
    "$(echo "$bytes / 1000000" | bc -l)" "$(echo "$kb / 1024" | bc -l)" \
    "$(echo "$kb * 1024 / $bytes" | bc -l)" "$wall"
done
