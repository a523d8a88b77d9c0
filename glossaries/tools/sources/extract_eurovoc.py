#!/usr/bin/env python3
"""French/English EuroVoc concepts of the domains the termbases cover.

Source: EuroVoc 2021-06-04 (Publications Office of the EU; © European Union,
reuse under Commission Decision 2011/833/EU, with attribution), as converted
to YAML (fr and en labels, all domains) in the public repository
benoitdavidfr/eurovoc, file eurovoc.yaml (repository licence CeCILL 2.1 for
the code; the thesaurus content stays under the EU reuse notice).

Writes sources/eurovoc.tsv:

    id  domain  mt  fr  fr_alt  en  en_alt

for every concept in a microthesaurus of the domains 04 POLITICS,
08 INTERNATIONAL RELATIONS, 72 GEOGRAPHY (except 7211 regions of EU Member
States) and 76 INTERNATIONAL ORGANISATIONS, plus the microthesauri 1216 criminal law, 1231 international law and
1236 rights and freedoms of 12 LAW and 2811 migration of 28 SOCIAL QUESTIONS. `mt`
is the `;`-separated list of microthesaurus codes; *_alt are ` | `-separated
non-preferred labels.

German and Spanish labels (columns `de`, `es`) come from the EuroVoc label
tables of the public repository tn-aixpa/eurovoc-classifier
(src/config/label_mappings_tc/{fr,en,de,es}.json: EuroVoc concept id ->
preferred label in that language, all 7,382 concepts; the labels are EuroVoc
content, same EU reuse notice). A concept takes them only when its id is
there and its French or English label is the same as in eurovoc.yaml (so
that both tables speak of the same concept version).

EXTRA_IDS adds defence and security concepts of other microthesauri
(military courts, nuclear tests, the EU's CSDP bodies, hybrid warfare...);
their `mt` column says `xtra` plus their microthesaurus.

Usage: python3 extract_eurovoc.py [EUROVOC_GIT_DIR [LABELS_GIT_DIR]]
"""

import json
import re
import subprocess
import sys
from pathlib import Path

REPO = Path(sys.argv[1] if len(sys.argv) > 1 else "/work/.mirror/benoitdavidfr+eurovoc/repo")
LABELS = Path(sys.argv[2] if len(sys.argv) > 2 else "/work/.mirror/tn-aixpa+eurovoc-classifier/repo")
OUT = Path(__file__).resolve().parent / "eurovoc.tsv"
# Concepts outside the selected microthesauri that a defence or security
# termbase needs (EuroVoc ids).
EXTRA_IDS = {
    "1544", "3671", "868", "4042", "c_e0e4608a", "866", "c_9f458445", "c_b680e7cc", "8475",
    "8476", "8478", "8482", "5788", "6709", "6288", "7982", "7953", "643", "7959", "921",
    "2903", "6047",
}
DOMAINS = {4, 8, 72, 76}
EXTRA_MT = {"1216", "1231", "1236", "2811"}
SKIP_MT = {"7211"}


def unq(v):
    v = v.strip().replace("\\_", "").strip()
    if len(v) >= 2 and v[0] == v[-1] == "'":
        return v[1:-1].replace("''", "'")
    if len(v) >= 2 and v[0] == v[-1] == '"':
        return v[1:-1]
    return v


def parse(text):
    """The YAML subset of eurovoc.yaml: maps by indentation, lists of scalars,
    lang -> scalar or lang -> list. Returns {section: {id: record}}."""
    out = {}
    section = rid = key = lang = None
    for line in text.splitlines():
        if not line.strip():
            continue
        ind = len(line) - len(line.lstrip(" "))
        body = line.strip()
        if ind == 0:
            section = body.rstrip(":")
            out.setdefault(section, {})
            continue
        if section not in ("schemes", "concepts", "domains"):
            continue
        if ind == 2:
            rid = body.rstrip(":")
            out[section][rid] = {}
        elif ind == 4:
            k, _, v = body.partition(":")
            key = k
            out[section][rid][key] = unq(v) if v.strip() else {}
            lang = None
        elif ind == 6:
            rec = out[section][rid]
            if body.startswith("- "):
                if not isinstance(rec[key], list):
                    rec[key] = []
                rec[key].append(unq(body[2:]))
            else:
                k, _, v = body.partition(":")
                lang = k
                rec[key][lang] = unq(v) if v.strip() else []
        elif ind == 8 and body.startswith("- "):
            out[section][rid][key][lang].append(unq(body[2:]))
    return out


def main():
    text = subprocess.run(["git", "--git-dir", str(REPO), "show", "HEAD:eurovoc.yaml"],
                          check=True, capture_output=True, text=True).stdout
    commit = subprocess.run(["git", "--git-dir", str(REPO), "rev-parse", "HEAD"],
                            check=True, capture_output=True, text=True).stdout.strip()
    data = parse(text)
    labels = {}
    lab_commit = subprocess.run(["git", "--git-dir", str(LABELS), "rev-parse", "HEAD"],
                                check=True, capture_output=True, text=True).stdout.strip()
    for lang in ("fr", "en", "de", "es"):
        labels[lang] = json.loads(subprocess.run(
            ["git", "--git-dir", str(LABELS), "show", f"HEAD:src/config/label_mappings_tc/{lang}.json"],
            check=True, capture_output=True, text=True).stdout)
    mts = {}
    for sid, s in data["schemes"].items():
        label = s.get("prefLabel", {}).get("en", "")
        code = label.split(" ")[0]
        dom = int(s.get("domain", "0") or 0)
        if (dom in DOMAINS and code not in SKIP_MT) or code in EXTRA_MT:
            mts[sid] = (dom, code, label)
    rows = []
    for cid, c in data["concepts"].items():
        schemes = [mts[s] for s in c.get("inScheme", []) if s in mts]
        if not schemes and cid in EXTRA_IDS:
            schemes = [(0, "xtra", "")]
        if not schemes:
            continue
        pl, al = c.get("prefLabel", {}), c.get("altLabel", {})
        if not isinstance(al, dict):
            al = {}
        fr, en = pl.get("fr", ""), pl.get("en", "")
        if not fr or not en:
            continue
        de = es = ""
        if cid in labels["de"] and (labels["fr"].get(cid) == fr or labels["en"].get(cid) == en):
            de, es = labels["de"][cid], labels["es"].get(cid, "")
        rows.append([cid, f"{schemes[0][0]:02d}", ";".join(sorted({s[1] for s in schemes})),
                     fr, " | ".join(al.get("fr", [])), en, " | ".join(al.get("en", [])), de, es])
    rows.sort(key=lambda r: (r[2], r[3]))
    with OUT.open("w", encoding="utf-8") as f:
        f.write(f"# EuroVoc 2021-06-04 via benoitdavidfr/eurovoc@{commit} eurovoc.yaml; "
                f"de/es via tn-aixpa/eurovoc-classifier@{lab_commit} src/config/label_mappings_tc\n")
        f.write("id\tdomain\tmt\tfr\tfr_alt\ten\ten_alt\tde\tes\n")
        for r in rows:
            f.write("\t".join(x.replace("\t", " ") for x in r) + "\n")
    print(f"{OUT.name}: {len(rows)} concepts from {len(mts)} microthesauri, "
          f"{sum(1 for r in rows if r[7])} with de/es")
    for sid, (d, code, label) in sorted(mts.items(), key=lambda x: x[1][1]):
        print(f"  {code} {label} : {sum(1 for r in rows if code in r[2].split(';'))}")


if __name__ == "__main__":
    main()
