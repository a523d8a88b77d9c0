#!/usr/bin/env bash
# Installs Apertium APy and the French-English pivot pairs from Debian, and
# with `start PORT` runs APy on 127.0.0.1 in the background (PID in
# $TMPDIR/apy.pid). The integration tests start their own server when
# DEPECHE_APY_URL is not set.
set -euo pipefail

if ! /usr/bin/python3 -c 'import apertium_apy' 2>/dev/null || [ ! -d /usr/share/apertium/modes ]; then
  apt-get update
  apt-get install -y --no-install-recommends \
    apertium-apy apertium-fra-cat apertium-eng-cat apertium-fr-es apertium-eng-spa
fi
dpkg -l 'apertium*' | awk '/^ii/ {print $2, $3}'

if [ "${1:-}" = "start" ]; then
  port="${2:-2737}"
  dir="${TMPDIR:-/tmp}"
  here="$(cd "$(dirname "$0")/.." && pwd)"
  LC_ALL=C.UTF-8 nohup /usr/bin/python3 "$here/tests/tools/apy_loopback.py" \
    -p "$port" /usr/share/apertium/modes >"$dir/apy.log" 2>&1 &
  echo $! >"$dir/apy.pid"
  for _ in $(seq 100); do
    if python3 -c "import urllib.request,sys; urllib.request.urlopen('http://127.0.0.1:$port/listPairs', timeout=1)" 2>/dev/null; then
      echo "APy listening on http://127.0.0.1:$port (pid $(cat "$dir/apy.pid"))"
      exit 0
    fi
    sleep 0.1
  done
  echo "APy did not start; see $dir/apy.log" >&2
  exit 1
fi
