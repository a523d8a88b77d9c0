#!/usr/bin/env python3
"""Scores the termbases against the term-occurrence gold of the WMT dev half.

Only the DEV half is ever read (rows of shared/corpus/wmt/MANIFEST.tsv listed
in notes/gold-rules.md); the held-out test half is neither extracted nor
scored here.

    python3 glossaries/tools/score_gold.py [--glossary DIR] [--bin PATH]
        [--gold FILE] [--top N] [--out DIR]

Steps: write one plain-text article per dev document under /tmp (title line
= segment 1, one paragraph per segment, blank-line separated, so that
paragraph pN is the N-th segment), run `depeche glossary match --to en-GB`,
locate every hit and every gold span in its segment (the k-th hit of a
string is its k-th occurrence in the segment), and count a gold occurrence
as found when a hit overlaps it. Prints recall (gold occurrences hit),
precision (hits overlapping a gold occurrence / all hits), per-category
recall, and the top misses and false hits.
"""

import argparse
import collections
import html
import re
import subprocess
import sys
from pathlib import Path

WORK = Path("/work")
WMT = WORK / "shared/corpus/wmt"
DEV_ROWS = {2, 4, 6, 8, 10, 12, 14, 16, 18, 21, 22, 24, 26, 28, 30, 32, 34, 36, 38}
GOLD_DEFAULT = WORK / "wt-gold-dev/fixtures/term-gold/dev.tsv"
ROOT = Path(__file__).resolve().parent.parent


def dev_docs():
    """[(docid, src_file)] for the dev rows, in MANIFEST order."""
    rows = (WMT / "MANIFEST.tsv").read_text(encoding="utf-8").splitlines()
    header = rows[0].split("\t")
    out = []
    for n, line in enumerate(rows[1:], start=1):
        if n not in DEV_ROWS:
            continue
        rec = dict(zip(header, line.split("\t")))
        out.append((rec["docid"], rec["src_file"]))
    return out


def decode(text):
    return html.unescape(text)


def read_segments(src_file, wanted):
    """{docid: [(seg_id, text)]} for the wanted docids only."""
    text = (WMT / src_file).read_text(encoding="utf-8")
    out = {}
    for m in re.finditer(r'<doc\b[^>]*\bdocid="([^"]*)"[^>]*>(.*?)</doc>', text, re.S):
        docid = decode(m.group(1))
        if docid not in wanted:
            continue
        segs = [
            (int(s.group(1)), decode(s.group(2)).strip())
            for s in re.finditer(r'<seg id="?(\d+)"?>(.*?)</seg>', m.group(2), re.S)
        ]
        out[docid] = segs
    return out


def norm(s):
    return s.replace("\u2019", "'").replace("\u00a0", " ")


def positions(seg_text, needle):
    """Start offsets of needle in seg_text: exact first, else case-insensitive."""
    t, n = norm(seg_text), norm(needle)
    found = [m.start() for m in re.finditer(re.escape(n), t)]
    if not found:
        found = [m.start() for m in re.finditer(re.escape(n), t, re.I)]
    return found


def load_gold(path):
    rows = []
    if path.exists():
        lines = path.read_text(encoding="utf-8").splitlines()
    else:
        try:
            lines = subprocess.run(
                ["git", "-C", str(ROOT.parent), "show", "gold-dev:fixtures/term-gold/dev.tsv"],
                check=True, capture_output=True, text=True,
            ).stdout.splitlines()
        except subprocess.CalledProcessError:
            return None
    header = lines[0].split("\t")
    for line in lines[1:]:
        if not line.strip():
            continue
        rec = dict(zip(header, line.split("\t")))
        rows.append(rec)
    return rows


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--glossary", default=str(ROOT))
    ap.add_argument("--bin", default=str(WORK / "bin/depeche-base"))
    ap.add_argument("--gold", default=str(GOLD_DEFAULT))
    ap.add_argument("--top", type=int, default=40)
    ap.add_argument("--out", default="/tmp/depeche-dev-articles")
    ap.add_argument("--list", action="store_true", help="print every miss and false hit")
    args = ap.parse_args()

    docs = dev_docs()
    by_file = collections.defaultdict(set)
    for docid, f in docs:
        by_file[f].add(docid)
    segments = {}
    for f, wanted in by_file.items():
        segments.update(read_segments(f, wanted))
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    for old in out.glob("*.txt"):
        old.unlink()
    files = {}
    for i, (docid, _) in enumerate(docs, start=1):
        p = out / f"dev{i:02d}.txt"
        p.write_text("\n\n".join(t for _, t in segments[docid]) + "\n", encoding="utf-8")
        files[str(p)] = docid

    res = subprocess.run(
        [args.bin, "glossary", "match", "--glossary", args.glossary, "--to", "en-GB", *files],
        capture_output=True, text=True,
    )
    if res.returncode != 0:
        sys.exit(res.stderr)
    hits = []  # (docid, seg_id, french)
    current = None
    for line in res.stdout.splitlines():
        head = re.match(r"^(\S.*?) \(", line)
        if head and head.group(1) in files:
            current = files[head.group(1)]
            continue
        m = re.match(r"^\s+p(\d+)\.s\d+\s+(.*?) → ", line)
        if m and current:
            p = int(m.group(1))
            seg_id = segments[current][p - 1][0]
            hits.append((current, seg_id, m.group(2)))

    seg_text = {(d, s): t for d, segs in segments.items() for s, t in segs}

    def spans(items):
        seen = collections.Counter()
        out = []
        for key, s in items:
            k = seen[(key, s)]
            seen[(key, s)] += 1
            pos = positions(seg_text.get(key, ""), s)
            start = pos[k] if k < len(pos) else (pos[-1] if pos else -1)
            out.append((key, start, start + len(s)))
        return out

    hit_spans = spans([((d, s), f) for d, s, f in hits])
    print(f"glossary: {args.glossary}  binary: {args.bin}")
    print(f"dev documents: {len(docs)}  segments: {len(seg_text)}  hits: {len(hits)}")
    gold = load_gold(Path(args.gold))
    if gold is None:
        print("no dev gold yet")
        return
    gold = [g for g in gold if g["docid"] in segments]
    gold_spans = []
    for g in gold:
        key = (g["docid"], int(g["seg"]))
        pos = positions(seg_text.get(key, ""), g["french"])
        k = int(g.get("occurrence") or 1) - 1
        start = pos[k] if k < len(pos) else (pos[0] if pos else -1)
        gold_spans.append((key, start, start + len(g["french"])))

    def overlap(a, b):
        return a[0] == b[0] and a[1] >= 0 and b[1] >= 0 and a[1] < b[2] and b[1] < a[2]

    by_seg = collections.defaultdict(list)
    for i, h in enumerate(hit_spans):
        by_seg[h[0]].append(i)
    gold_by_seg = collections.defaultdict(list)
    for i, g in enumerate(gold_spans):
        gold_by_seg[g[0]].append(i)
    found = [any(overlap(gold_spans[i], hit_spans[j]) for j in by_seg[gold_spans[i][0]]) for i in range(len(gold))]
    good = [any(overlap(hit_spans[j], gold_spans[i]) for i in gold_by_seg[hit_spans[j][0]]) for j in range(len(hits))]
    rec = sum(found) / len(gold) if gold else 0
    prec = sum(good) / len(hits) if hits else 0
    print(f"gold occurrences: {len(gold)} in {len({g['docid'] for g in gold})} documents")
    print(f"recall    {sum(found)}/{len(gold)} = {rec:.3f}")
    print(f"precision {sum(good)}/{len(hits)} = {prec:.3f}")
    if rec + prec:
        print(f"F1        {2 * rec * prec / (rec + prec):.3f}")
    cat = collections.defaultdict(lambda: [0, 0])
    for g, f in zip(gold, found):
        cat[g.get("category", "")][1] += 1
        cat[g.get("category", "")][0] += f
    print("recall by category: " + ", ".join(f"{c or '-'} {a}/{b}" for c, (a, b) in sorted(cat.items())))
    misses = collections.Counter(g["french"] for g, f in zip(gold, found) if not f)
    false = collections.Counter(h[2] for h, ok in zip(hits, good) if not ok)
    n = None if args.list else args.top
    print("\ntop misses:")
    for s, c in misses.most_common(n):
        print(f"  {c:3d}  {s}")
    print("\ntop false hits:")
    for s, c in false.most_common(n):
        print(f"  {c:3d}  {s}")


if __name__ == "__main__":
    main()
