#!/usr/bin/env python3
"""FranceTerme (Commission d'enrichissement de la langue française, terms
published in the Journal officiel) for the domains Défense, Relations
internationales and Politique.

FranceTerme is published by the French Ministry of Culture as open data
(data.culture.gouv.fr, "Base FranceTerme", Licence Ouverte / Etalab). Two
public snapshots are read:

  nathalielanckriet/FranceTerme  app/src/main/assets/franceterme.db
      SQLite conversion of the whole base as of 2014 (tables Term, Domain,
      Equivalent, Variant)
  chobrien99-svg/franceterme-data  terms_recent.json
      terms published 2020-2025 (term, domain, english)

Writes sources/franceterme.tsv:

    fr  fr_variants  en  de  es  domain  snapshot

`fr` is the recommended term (grammatical tags such as "(de)" removed),
`fr_variants` its published variants and abbreviations, `en` the published
English equivalents (` | `-separated). Terms without an English equivalent
are skipped.

Usage: python3 extract_franceterme.py [FT_DB_GIT_DIR] [FT_RECENT_GIT_DIR]
"""

import json
import re
import sqlite3
import subprocess
import sys
import tempfile
from pathlib import Path

DB_REPO = Path(sys.argv[1] if len(sys.argv) > 1 else "/work/.mirror/nathalielanckriet+FranceTerme/repo")
RECENT_REPO = Path(sys.argv[2] if len(sys.argv) > 2 else "/work/.mirror/chobrien99-svg+franceterme-data/repo")
OUT = Path(__file__).resolve().parent / "franceterme.tsv"
DOMAINS = {"Défense", "Relations internationales", "Politique"}


def git(repo, *args, text=True):
    return subprocess.run(["git", "--git-dir", str(repo), *args], check=True,
                          capture_output=True, text=text).stdout


def tidy(term):
    term = term.replace("\u2019", "'").strip()
    term = re.sub(r"\s*\((de|d'|en)\)\s*$", "", term)  # "servitude (de)" -> "servitude"
    term = re.sub(r",\s*-\w+(,\s*-\w+)*", "", term)     # "migrant, -e climatique" -> "migrant climatique"
    return re.sub(r"\s+", " ", term).strip()


def main():
    rows = {}
    with tempfile.NamedTemporaryFile(suffix=".db") as tmp:
        tmp.write(git(DB_REPO, "show", "HEAD:app/src/main/assets/franceterme.db", text=False))
        tmp.flush()
        db = sqlite3.connect(tmp.name)
        q = """select t._id, t.title, d.title from Term t
               join TermDomain td on td.term_id = t._id join Domain d on d._id = td.domain_id"""
        for tid, title, dom in db.execute(q):
            if dom not in DOMAINS:
                continue
            eq = {"en": [], "de": [], "es": []}
            for lang, e in db.execute(
                    "select e.language, e.title from TermEquivalent te join Equivalent e "
                    "on e._id = te.equivalent_id where te.term_id = ?", (tid,)):
                lang = lang or "en"  # untagged equivalents are English abbreviations
                if lang in eq and e.strip() not in eq[lang]:
                    eq[lang].append(e.strip())
            var = [tidy(v) for (v,) in db.execute(
                "select v.title from TermVariant tv join Variant v on v._id = tv.variant_id "
                "where tv.term_id = ?", (tid,))]
            fr = tidy(title)
            if not eq["en"] or not fr:
                continue
            rows.setdefault(fr, [fr, " | ".join(v for v in var if v and v != fr),
                                 " | ".join(eq["en"]), " | ".join(eq["de"]), " | ".join(eq["es"]),
                                 dom, "2014"])
    recent = json.loads(git(RECENT_REPO, "show", "HEAD:terms_recent.json"))
    for t in recent:
        if t.get("domain") not in DOMAINS or not t.get("english"):
            continue
        fr = tidy(t["term"])
        en = t["english"].strip()
        if not re.match(r"^[\x20-\x7e\u00c0-\u017f]+$", en):  # skip non-Latin "equivalents"
            continue
        rows.setdefault(fr, [fr, "", en, "", "", t["domain"], str(t.get("year", ""))])
    db_commit = git(DB_REPO, "rev-parse", "HEAD").strip()
    rc_commit = git(RECENT_REPO, "rev-parse", "HEAD").strip()
    with OUT.open("w", encoding="utf-8") as f:
        f.write(f"# FranceTerme via nathalielanckriet/FranceTerme@{db_commit} and "
                f"chobrien99-svg/franceterme-data@{rc_commit}\n")
        f.write("fr\tfr_variants\ten\tde\tes\tdomain\tsnapshot\n")
        for r in sorted(rows.values(), key=lambda r: (r[5], r[0].lower())):
            f.write("\t".join(x.replace("\t", " ").replace("\n", " ") for x in r) + "\n")
    print(f"{OUT.name}: {len(rows)} terms")


if __name__ == "__main__":
    main()
