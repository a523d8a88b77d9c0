#!/usr/bin/env python3
"""The peer offline pipeline: pysbd sentences, translate-toolkit XLIFF.

For each article: read it as UTF-8, put it in NFC, split paragraphs at
blank lines, split each paragraph into sentences with pysbd (French rules,
`clean=False` so the text is kept as written), and write one XLIFF 1.2
file per article with translate-toolkit (`translate.storage.xliff`), one
trans-unit per sentence with an empty target, as a `none` run of depeche
does. No glossary, no QA: this is the floor a Python pipeline starts from.

Usage: offline_peer.py ARTICLES_DIR OUT_DIR [--workers N]

Prints `articles sentences bytes` on stdout. With `--workers N` (default
2, the cores depeche uses) the files are shared among N processes.
"""

import argparse
import multiprocessing
import os
import re
import sys
import unicodedata

PARAGRAPH = re.compile(r"\n[ \t]*\n")


def work(job):
    files, out_dir = job
    import pysbd
    from translate.storage import xliff

    segmenter = pysbd.Segmenter(language="fr", clean=False)
    sentences = 0
    size = 0
    for path in files:
        with open(path, "rb") as f:
            raw = f.read()
        size += len(raw)
        text = unicodedata.normalize("NFC", raw.decode("utf-8-sig"))
        store = xliff.xlifffile(sourcelanguage="fr", targetlanguage="en-GB")
        for p, para in enumerate(PARAGRAPH.split(text.replace("\r\n", "\n"))):
            para = " ".join(para.split())
            if not para:
                continue
            for s, sentence in enumerate(segmenter.segment(para)):
                sentence = sentence.strip()
                if not sentence:
                    continue
                unit = store.addsourceunit(sentence)
                unit.setid(f"p{p + 1}s{s + 1}")
                unit.target = ""
                sentences += 1
        name = os.path.splitext(os.path.basename(path))[0] + ".en-GB.xlf"
        with open(os.path.join(out_dir, name), "wb") as f:
            f.write(bytes(store))
    return len(files), sentences, size


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("articles")
    ap.add_argument("out")
    ap.add_argument("--workers", type=int, default=2)
    args = ap.parse_args()
    files = sorted(
        os.path.join(args.articles, n) for n in os.listdir(args.articles) if n.endswith(".txt")
    )
    os.makedirs(args.out, exist_ok=True)
    chunks = [(files[i :: args.workers], args.out) for i in range(args.workers)]
    if args.workers == 1:
        results = [work(chunks[0])]
    else:
        with multiprocessing.Pool(args.workers) as pool:
            results = pool.map(work, chunks)
    articles = sum(r[0] for r in results)
    sentences = sum(r[1] for r in results)
    size = sum(r[2] for r in results)
    print(articles, sentences, size)
    return 0


if __name__ == "__main__":
    sys.exit(main())
