#!/usr/bin/env bash
# Cost of the damage check on a large translation memory.
#
# Every run that opens a SQLite memory first walks every page of its
# entries table and of its index (and refuses a damaged one, exit 2);
# `depeche tm check` runs SQLite's integrity_check and reads every entry
# back. This builds a memory of N generated entries (default 200,000) by
# importing a TMX, then prints, best of 5 with the file in the OS cache:
#   - the open of that memory (an import of an empty TMX into it), minus
#     the same into an empty memory: the walk's cost;
#   - `depeche tm check` on it.
#
# Run: cargo build --release && benches/tm_check.sh [N]
set -euo pipefail
n=${1:-200000}
bin=${DEPECHE:-target/release/depeche}
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT

python3 - "$dir/big.tmx" "$n" <<'PY'
import sys
path, n = sys.argv[1], int(sys.argv[2])
subjects = ["Le ministre", "L’ambassadeur", "La porte-parole", "Le général"]
verbs = ["a annoncé", "a démenti", "a confirmé", "a précisé"]
with open(path, "w", encoding="utf-8") as f:
    f.write('<?xml version="1.0" encoding="UTF-8"?>\n<tmx version="1.4">\n<header creationtool="bench" '
            'creationtoolversion="1" segtype="sentence" o-tmf="x" adminlang="en" srclang="fr-FR" '
            'datatype="plaintext"/>\n<body>\n')
    for i in range(n):
        s, v = subjects[i % 4], verbs[(i // 4) % 4]
        f.write(f'<tu><prop type="x-depeche-origin">mt:deepl</prop><tuv xml:lang="fr-FR"><seg>{i} : {s} '
                f'{v} jeudi une hausse de {i} % du budget de la défense.</seg></tuv><tuv xml:lang="en-GB">'
                f'<seg>{i}: the official announced a {i}% rise in the defence budget.</seg></tuv></tu>\n')
    f.write("</body>\n</tmx>\n")
PY
cat > "$dir/empty.tmx" <<'TMX'
<?xml version="1.0" encoding="UTF-8"?>
<tmx version="1.4"><header creationtool="bench" creationtoolversion="1" segtype="sentence" o-tmf="x" adminlang="en" srclang="fr-FR" datatype="plaintext"/><body/></tmx>
TMX

"$bin" tm --tm "$dir/tm.sqlite" import "$dir/big.tmx" >/dev/null
"$bin" tm --tm "$dir/small.sqlite" import "$dir/empty.tmx" >/dev/null
bytes=$(stat -c %s "$dir/tm.sqlite")

# Best of 5 wall-clock milliseconds of a command.
best() {
    local best=999999999 start end ms
    for _ in 1 2 3 4 5; do
        start=$(date +%s%N)
        "$@" >/dev/null
        end=$(date +%s%N)
        ms=$(( (end - start) / 1000000 ))
        (( ms < best )) && best=$ms
    done
    echo "$best"
}

big=$(best "$bin" tm --tm "$dir/tm.sqlite" import "$dir/empty.tmx")
small=$(best "$bin" tm --tm "$dir/small.sqlite" import "$dir/empty.tmx")
check=$(best "$bin" tm --tm "$dir/tm.sqlite" check)
echo "memory: $n entries, $(( bytes / 1048576 )) MiB"
echo "open with the damage check: ${big} ms (empty memory: ${small} ms; the walk: $(( big - small )) ms)"
echo "tm check (integrity_check + every entry read): ${check} ms"
