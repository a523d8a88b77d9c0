#!/usr/bin/env bash
# The HTML review report at scale: synthesises N articles (default 5000)
# from fixtures/articles (each a fixture plus one unique paragraph, so ids and
# files differ), translates them with `--report html=DIR --report json=...`
# against a LibreTranslate echo server on 127.0.0.1 (machine-translated
# targets, glossary marks and QA findings, as a real run has; nothing leaves
# the machine), then loads the index in headless Chromium and prints:
#   - the run's wall time,
#   - the index load time: Chromium's own navigation-to-load figure
#     (performance.now() at the load event, `data-load-ms` on <body>) and the
#     wall time of a whole `chromium --headless --dump-dom` (start-up included),
#     median of 3,
#   - page counts, the largest page and the report folder's size.
# Targets (issue #12): index loads in under 2 s, no page over 1 MB.
#
# Usage: benches/report_html.sh [N]     (DEPECHE=path/to/depeche to use another build)
set -euo pipefail
cd "$(dirname "$0")/.."

n="${1:-5000}"
chromium="$(command -v chromium || command -v chromium-browser || true)"
if [ -z "$chromium" ]; then
  echo "no chromium: apt-get install -y --no-install-recommends chromium" >&2
  exit 2
fi
if [ -z "${DEPECHE:-}" ]; then
  cargo build --quiet --bin depeche
  DEPECHE=target/debug/depeche
fi

work="$(mktemp -d)"
server_pid=""
cleanup() {
  if [ -n "$server_pid" ]; then kill "$server_pid" 2>/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT

# The corpus.
python3 - "$n" "$work/articles" <<'PY'
import os, sys
n, out = int(sys.argv[1]), sys.argv[2]
os.makedirs(out)
src = "fixtures/articles"
fixtures = sorted(f for f in os.listdir(src) if f.endswith(".txt"))

def read(path):
    # Some fixtures are Windows-1252, as agencies still send; keep each as is.
    raw = open(path, "rb").read()
    try:
        return raw.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        return raw.decode("cp1252"), "cp1252"

texts = [read(os.path.join(src, f)) for f in fixtures]
for i in range(n):
    text, encoding = texts[i % len(texts)]
    blocks = text.split("\n\n")
    at = max(1, min(len(blocks), len(blocks) // 2))
    blocks.insert(at, f"Mise à jour n° {i} : la dépêche a été complétée à 16 h 05.")
    name = f"{i:05d}-{fixtures[i % len(fixtures)]}"
    with open(os.path.join(out, name), "w", encoding=encoding) as f:
        f.write("\n\n".join(blocks))
PY

# A LibreTranslate echo server on 127.0.0.1 (answers "EN <text>").
python3 - "$work/port" <<'PY' &
import json, sys
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

class Echo(BaseHTTPRequestHandler):
    def do_POST(self):
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        out = json.dumps({"translatedText": ["EN " + q for q in body["q"]]}).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(out)))
        self.end_headers()
        self.wfile.write(out)

    def log_message(self, *args):
        pass

server = ThreadingHTTPServer(("127.0.0.1", 0), Echo)
with open(sys.argv[1] + ".tmp", "w") as f:
    f.write(str(server.server_address[1]))
import os
os.rename(sys.argv[1] + ".tmp", sys.argv[1])
server.serve_forever()
PY
server_pid=$!
for _ in $(seq 100); do [ -f "$work/port" ] && break; sleep 0.1; done
port="$(cat "$work/port")"

start=$(date +%s.%N)
"$DEPECHE" translate "$work/articles" --quiet --no-memory \
  --provider libretranslate --endpoint "http://127.0.0.1:$port" --out "$work/out" \
  --report "html=$work/html" --report "json=$work/report.json" || true
end=$(date +%s.%N)
kill "$server_pid" 2>/dev/null || true
server_pid=""

index="$work/html/index.html"
profile="$work/profile"
load_ms=()
wall_ms=()
for _ in 1 2 3; do
  rm -rf "$profile"
  t0=$(date +%s%N)
  dom="$("$chromium" --headless --no-sandbox --disable-gpu --no-first-run \
    --disable-background-networking --disable-component-update --disable-sync \
    --user-data-dir="$profile" --dump-dom "file://$index" 2>/dev/null)"
  t1=$(date +%s%N)
  wall_ms+=($(( (t1 - t0) / 1000000 )))
  load_ms+=("$(printf '%s' "$dom" | grep -o 'data-load-ms="[0-9]*"' | head -1 | grep -o '[0-9]*' || echo '?')")
done
median() { printf '%s\n' "$@" | sort -n | sed -n 2p; }

pages=$(find "$work/html" -name '*.html' | wc -l)
largest=$(find "$work/html" -name '*.html' -printf '%s %P\n' | sort -n | tail -1)
largest_article=$(find "$work/html/articles" -name '*.html' -printf '%s %P\n' | sort -n | tail -1)
index_bytes=$(stat -c %s "$index")
index_pages=$(find "$work/html" -maxdepth 1 -name 'index*.html' | wc -l)
total=$(du -sb "$work/html" | cut -f1)
articles=$(python3 -c 'import json,sys; print(len(json.load(open(sys.argv[1]))["articles"]))' "$work/report.json")

printf 'articles                %s synthesised, %s in the report\n' "$n" "$articles"
printf 'translate run           %s s (%s)\n' "$(awk "BEGIN { printf \"%.1f\", $end - $start }")" "$DEPECHE"
printf 'index load (chromium)   %s ms navigation to load event (runs: %s)\n' "$(median "${load_ms[@]}")" "${load_ms[*]}"
printf 'index load (wall)       %s ms for a whole headless --dump-dom, start-up included (runs: %s)\n' "$(median "${wall_ms[@]}")" "${wall_ms[*]}"
printf 'index                   %s bytes in %s index page(s)\n' "$index_bytes" "$index_pages"
printf 'largest page            %s bytes (%s)\n' "${largest%% *}" "${largest#* }"
printf 'largest article page    %s bytes (%s)\n' "${largest_article%% *}" "${largest_article#* }"
printf 'pages                   %s HTML files\n' "$pages"
printf 'report folder           %s bytes\n' "$total"
