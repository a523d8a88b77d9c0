#!/usr/bin/env python3
"""Country, territory and world-region names from CLDR and iso-codes.

Reads two fetched public repositories (git directories, no work tree needed):

  CLDR      unicode-org/cldr-json, cldr-json/cldr-localenames-full/main/
            {fr,en,en-GB,de,es}/territories.json  (Unicode License v3)
  iso-codes sailfishos-mirror/iso-codes (mirror of Debian's pkg-isocodes),
            data/iso_3166-1.json and iso_3166-1/{fr,de,es}.po  (LGPL-2.1+)

and writes sources/countries.tsv with one row per ISO 3166-1 code or UN M.49
region:

    code kind fr en_gb en_us de es

kind is `country` (an ISO 3166-1 entry: state or territory) or `region`
(CLDR M.49 numeric regions and the EU/UN groupings). Every language field is
` | `-separated, preferred name first.

Rules applied to the CLDR display names (documented in glossaries/README.md):
- "A (B)" display forms become two names, A and B ("Myanmar (Birmanie)").
- " & " (a UI abbreviation in CLDR's English, German and Spanish) is written
  "and" / "und" / "y"; "St." in en stays en-US, en-GB has "St".
- forms with abbreviation dots ("R.-U.", "É.-U.") and "A - B" UI
  disambiguations ("Congo - Kinshasa") are dropped.
- a name CLDR gives two codes ("Congo" in "Congo (RDC)" and "Congo
  (Republic)") and bare generic words ("Republic") are dropped.
- iso-codes adds the official long names ("République démocratique du
  Congo", "Islamic Republic of Iran") in en, fr, de and es; inverted
  catalogue forms with a comma ("Iran, République islamique d'") are dropped.
- en-US is filled only where CLDR's en (American English) differs from en-GB.

Usage: python3 extract_countries.py [CLDR_GIT_DIR] [ISOCODES_GIT_DIR]
"""

import json
import re
import subprocess
import sys
from pathlib import Path

CLDR = Path(sys.argv[1] if len(sys.argv) > 1 else "/work/.mirror/unicode-org+cldr-json/repo")
ISO = Path(sys.argv[2] if len(sys.argv) > 2 else "/work/.mirror/sailfishos-mirror+iso-codes/repo")
OUT = Path(__file__).resolve().parent / "countries.tsv"

# M.49 codes kept as world regions (groupings of states used in the news).
REGIONS = {"002", "005", "009", "011", "013", "014", "015", "017", "018", "019", "021", "029",
           "030", "034", "035", "039", "053", "054", "057", "061", "142", "143", "145", "150",
           "151", "154", "155", "202", "419", "EU", "EZ", "UN"}
AND = {"en": "and", "de": "und", "es": "y"}


def git_show(repo, path):
    return subprocess.run(["git", "--git-dir", str(repo), "show", f"HEAD:{path}"],
                          check=True, capture_output=True, text=True).stdout


def commit(repo):
    return subprocess.run(["git", "--git-dir", str(repo), "rev-parse", "HEAD"],
                          check=True, capture_output=True, text=True).stdout.strip()


def cldr(locale):
    data = json.loads(git_show(CLDR, f"cldr-json/cldr-localenames-full/main/{locale}/territories.json"))
    return data["main"][locale]["localeDisplayNames"]["territories"]


def po(lang):
    """msgid -> msgstr of iso_3166-1/<lang>.po (single-line entries)."""
    out, msgid = {}, None
    for line in git_show(ISO, f"iso_3166-1/{lang}.po").splitlines():
        m = re.match(r'^msgid "(.*)"$', line)
        if m:
            msgid = m.group(1)
            continue
        m = re.match(r'^msgstr "(.*)"$', line)
        if m and msgid:
            if m.group(1):
                out[msgid] = m.group(1)
            msgid = None
    return out


def clean(name, lang):
    """CLDR display name -> list of names usable as terms."""
    name = name.replace("\u2019", "'")
    if "." in name and not re.search(r"\bSt\.", name) and not re.search(r"\bU\.S\.", name):
        return []
    if " - " in name:
        return []
    base = lang.split("-")[0]
    if base in AND:
        name = name.replace(" & ", f" {AND[base]} ")
    m = re.match(r"^(.*?) \((.*)\)$", name)
    if m:
        return [m.group(1).strip(), m.group(2).strip()]
    return [name.strip()]


GENERIC = {"Republic", "République", "Republik", "República", "Demokratische Republik",
           "Congo", "Kongo"}  # "Congo" alone names either Congo in the news


def add(lst, names):
    for n in names:
        n = re.sub(r"^(L'|the |la |le )", "", n) if n else n
        if n and n not in lst and n not in GENERIC:
            lst.append(n)


def main():
    loc = {l: cldr(l) for l in ["fr", "en", "en-GB", "de", "es"]}
    iso = json.loads(git_show(ISO, "data/iso_3166-1.json"))["3166-1"]
    pos = {l: po(l) for l in ["fr", "de", "es"]}
    rows = []
    codes = [(e["alpha_2"], e) for e in iso] + [(r, None) for r in sorted(REGIONS)]
    for code, entry in codes:
        if code not in loc["fr"]:
            continue
        kind = "region" if entry is None else "country"
        fields = {}
        for lang in ["fr", "en-GB", "en", "de", "es"]:
            names = []
            add(names, clean(loc[lang][code], lang))
            for alt in ("variant", "short"):
                add(names, clean(loc[lang].get(f"{code}-alt-{alt}", ""), lang))
            if entry is not None:
                for key in ("common_name", "name", "official_name"):
                    src = entry.get(key)
                    if not src or "," in src:
                        continue
                    if lang in ("en-GB", "en"):
                        if key != "name":
                            add(names, [src])
                    else:
                        tr = pos[lang].get(src, "")
                        if tr and "," not in tr:
                            add(names, [tr.replace("\u2019", "'")])
            fields[lang] = names
        en_gb = fields["en-GB"]
        en_us = fields["en"] if fields["en"] != en_gb else []
        rows.append([code, kind, " | ".join(fields["fr"]), " | ".join(en_gb), " | ".join(en_us),
                     " | ".join(fields["de"]), " | ".join(fields["es"])])
    # A name given to two codes ("Congo" from "Congo (RDC)" and "Congo
    # (Republic)") identifies neither: drop it from both.
    for col in range(2, 7):
        count = {}
        for r in rows:
            for n in r[col].split(" | "):
                count[n] = count.get(n, 0) + 1
        for r in rows:
            r[col] = " | ".join(n for n in r[col].split(" | ") if n and count[n] == 1)
    with OUT.open("w", encoding="utf-8") as f:
        f.write(f"# CLDR unicode-org/cldr-json@{commit(CLDR)}; iso-codes sailfishos-mirror/iso-codes@{commit(ISO)}\n")
        f.write("code\tkind\tfr\ten_gb\ten_us\tde\tes\n")
        for r in rows:
            f.write("\t".join(r) + "\n")
    print(f"{OUT.name}: {len(rows)} rows")


if __name__ == "__main__":
    main()
