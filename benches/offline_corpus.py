#!/usr/bin/env python3
"""Builds the offline throughput corpus: 5,060 French news articles, 19.8 MB.

The shape of the corpus in issue 13: 22 news documents, each copied 230
times. The documents are the WMT news test documents of the shared corpus
(`../shared/corpus/wmt/*-src.fr.sgm`, origin in that folder's README.md):
of the 39 defence and diplomacy documents, the three already converted into
`fixtures/articles` are left out (the tests have seen them), and the 22 of
median length among the other 36 are kept (the 7 shortest and the 7 longest
are dropped), so an article is about 3.9 KB, as in the issue.

Each document is converted into the scraped plain-text shape that
`fixtures/README.md` describes, the way the fixture articles were made:

    <publisher, from the docid>

    <title: the h1 / hl segment, or the first segment>

    <date line, from the docid when it has one>

    <one paragraph per <p> (its segments joined by a space),
     or per segment where the set has no <p>>

    Partager cet article

Segment text is copied unchanged apart from trimming the spaces around it
(raw `&` and all). Every copy gets one paragraph of its own in its middle
(`Mise à jour n° ...`), so each article has its own id, hash and file,
as in the `pipeline` benchmark.

Usage:
    python3 benches/offline_corpus.py [--out DIR] [--copies 230] [--shared DIR]

Writes DIR/articles/*.txt (default DIR: target/offline-corpus) and
DIR/ORIGINS.tsv, which names the set, file and docid of each document, its
bytes and the sha256 of the source file. Nothing is downloaded; run it
again to rebuild the same bytes.
"""

import argparse
import hashlib
import os
import re
import shutil
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

# Documents converted into fixtures/articles (fixtures/README.md).
SEEN = {
    "ledevoir/2011/11/15/74380.html",
    "lefigaro/2011/11/15/234128.html",
    "lesechos/2009/12/11/218644",
}

DOCUMENTS = 22
DROP_SHORTEST = 7

MONTHS = [
    "janvier", "février", "mars", "avril", "mai", "juin", "juillet",
    "août", "septembre", "octobre", "novembre", "décembre",
]

DOC_RE = re.compile(r"<doc ([^>]*)>(.*?)</doc>", re.S)
BLOCK_RE = re.compile(r"<(h1|hl|p)>(.*?)</\1>|<seg id=\"\d+\">(.*?)</seg>", re.S)
SEG_RE = re.compile(r"<seg id=\"\d+\">(.*?)</seg>", re.S)
DATE_RE = re.compile(r"(\d{4})[/-](\d{2})[/-](\d{2})")


def attr(attrs, name):
    m = re.search(name + r'="([^"]*)"', attrs)
    return m.group(1) if m else ""


def read_documents(wmt):
    """Every document of every source file, in file and document order."""
    docs = []
    for name in sorted(os.listdir(wmt)):
        if not name.endswith("-src.fr.sgm"):
            continue
        path = os.path.join(wmt, name)
        with open(path, "rb") as f:
            raw = f.read()
        sha = hashlib.sha256(raw).hexdigest()
        text = raw.decode("utf-8")
        for m in DOC_RE.finditer(text):
            blocks = []
            for b in BLOCK_RE.finditer(m.group(2)):
                if b.group(1):
                    segs = [s.strip() for s in SEG_RE.findall(b.group(2))]
                    blocks.append((b.group(1), [s for s in segs if s]))
                elif b.group(3) is not None and b.group(3).strip():
                    # A bare segment (2014, newsdiscuss): a paragraph of its own.
                    blocks.append(("seg", [b.group(3).strip()]))
            docs.append({
                "set": name.split("-")[0],
                "file": name,
                "sha256": sha,
                "docid": attr(m.group(1), "docid"),
                "origlang": attr(m.group(1), "origlang"),
                "blocks": [b for b in blocks if b[1]],
            })
    return docs


def publisher(docid):
    """`lefigaro/2011/...` -> lefigaro, `1041-cyberpresse` -> cyberpresse."""
    head = docid.split("/")[0]
    if re.match(r"^\d+-", head):
        return head.split("-", 1)[1]
    return re.split(r"-\d{4}-", head)[0]


def convert(doc):
    """The scraped plain-text article for one document, as a list of blocks."""
    blocks = list(doc["blocks"])
    kind, segs = blocks[0]
    if kind in ("h1", "hl"):
        title = " ".join(segs)
        blocks = blocks[1:]
    else:
        title = segs[0]
        blocks = [(kind, segs[1:])] + blocks[1:] if len(segs) > 1 else blocks[1:]
    out = [publisher(doc["docid"]), title]
    m = DATE_RE.search(doc["docid"])
    if m:
        year, month, day = (int(x) for x in m.groups())
        out.append(f"{day} {MONTHS[month - 1]} {year}")
    for kind, segs in blocks:
        if kind in ("h1", "hl"):
            out.append(" ".join(segs))
        else:
            out.append(" ".join(segs))
    out.append("Partager cet article")
    return out


def select(docs):
    candidates = [d for d in docs if d["docid"] not in SEEN]
    sized = sorted(candidates, key=lambda d: (len("\n\n".join(convert(d)).encode()), d["docid"]))
    return sized[DROP_SHORTEST:DROP_SHORTEST + DOCUMENTS]


def slug(docid):
    return re.sub(r"[^a-z0-9]+", "-", docid.lower()).strip("-")[:40]


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--out", default=os.path.join(ROOT, "target", "offline-corpus"))
    ap.add_argument("--copies", type=int, default=230)
    ap.add_argument("--shared", default=os.path.join(ROOT, "..", "shared", "corpus"))
    args = ap.parse_args()
    wmt = os.path.join(args.shared, "wmt")
    if not os.path.isdir(wmt):
        sys.exit(f"{wmt}: no such folder (pass --shared PATH/TO/shared/corpus)")
    chosen = select(read_documents(wmt))
    if len(chosen) < DOCUMENTS:
        sys.exit(f"only {len(chosen)} documents in {wmt}")
    articles = os.path.join(args.out, "articles")
    if os.path.isdir(articles):
        shutil.rmtree(articles)
    os.makedirs(articles)
    total = 0
    n = 0
    with open(os.path.join(args.out, "ORIGINS.tsv"), "w", encoding="utf-8") as origins:
        origins.write("doc\tset\tfile\tfile_sha256\tdocid\toriglang\tbytes\n")
        for d, doc in enumerate(chosen):
            base = convert(doc)
            origins.write(
                f"{d}\t{doc['set']}\t{doc['file']}\t{doc['sha256']}\t{doc['docid']}"
                f"\t{doc['origlang']}\t{len(chr(10).join(base).encode())}\n"
            )
        for copy in range(args.copies):
            for d, doc in enumerate(chosen):
                blocks = convert(doc)
                at = max(3, len(blocks) // 2)
                extra = f"Mise à jour n° {copy}-{d} : la dépêche a été complétée à 16 h 05."
                blocks.insert(at, extra)
                text = "\n\n".join(blocks) + "\n"
                data = text.encode("utf-8")
                name = f"{copy:03}-{d:02}-{slug(doc['docid'])}.txt"
                with open(os.path.join(articles, name), "wb") as f:
                    f.write(data)
                total += len(data)
                n += 1
    print(f"{n} articles, {total / 1e6:.1f} MB ({total} bytes) in {articles}")


if __name__ == "__main__":
    main()
