#!/usr/bin/env python3
"""Builds glossaries/<domain>.tbx from glossaries/tools/<domain>.tsv.

The TSV is the source the newsroom edits; the TBX is generated so that every
concept has the same structure. Run from anywhere:

    python3 glossaries/tools/build_tbx.py            # all domains
    python3 glossaries/tools/build_tbx.py defence    # one domain

TSV columns (tab-separated, header row first):

    fr      French terms, ` | `-separated; the first is preferred
    en      English terms for every English locale, or en-GB when en_us is set;
            first preferred, others admitted, `!term` forbidden
    en_us   en-US terms when they differ from en-GB (same syntax), else empty
    de, es  German and Spanish terms (same syntax), may be empty
    flags   `;`-separated: `dnt` (keep verbatim), `amb` (ambiguous: only tag
            when a `req` word is near), `req=w1,w2` (context words),
            `exc=p1,p2` (phrases where the term is another concept)
    note    usage note for translators
"""

import re
import sys
import unicodedata
from pathlib import Path
from xml.sax.saxutils import escape, quoteattr

ROOT = Path(__file__).resolve().parent.parent
PREFIX = {"defence": "def", "diplomacy": "dip"}
SOURCES = {
    "defence": "French defence terminology as used in French news, with English (en-GB/en-US), "
    "German and Spanish equivalents. Sources: EuroVoc microthesauri 0816 and 0821 "
    "(European Union, reuse under Decision 2011/833/EU); Arrêtés du 17 avril 1989 et du "
    "15 juin 1991 relatifs à l'enrichissement du vocabulaire en usage au ministère de la "
    "défense (annex I); official names published by NATO, the EU and national ministries; "
    "English renderings checked against WMT fr-en reference translations.",
    "diplomacy": "French diplomacy and international-relations terminology as used in French news, "
    "with English (en-GB/en-US), German and Spanish equivalents. Sources: EuroVoc "
    "microthesauri 0806, 0816, 7606 and 7621 (European Union, reuse under Decision "
    "2011/833/EU); official names published by the UN, the EU, NATO and national "
    "ministries; English renderings checked against WMT fr-en reference translations.",
}


def slug(text):
    text = unicodedata.normalize("NFKD", text.lower()).replace("œ", "oe")
    text = "".join(c for c in text if not unicodedata.combining(c))
    return re.sub(r"[^a-z0-9]+", "-", text).strip("-")


def terms(field):
    return [t.strip() for t in field.split("|") if t.strip()]


def tig(term, status, indent="        "):
    forbidden = term.startswith("!")
    if forbidden:
        term = term[1:].strip()
        status = "deprecatedTerm-admn-sts"
    return (
        f"{indent}<tig>\n"
        f"{indent}  <term>{escape(term)}</term>\n"
        f'{indent}  <termNote type="administrativeStatus">{status}</termNote>\n'
        f"{indent}</tig>\n"
    )


def lang_set(lang, field):
    items = terms(field)
    if not items:
        return ""
    out = f'      <langSet xml:lang="{lang}">\n'
    first = True
    for t in items:
        if t.startswith("!"):
            out += tig(t, "deprecatedTerm-admn-sts")
        else:
            out += tig(t, "preferredTerm-admn-sts" if first else "admittedTerm-admn-sts")
            first = False
    return out + "      </langSet>\n"


def build(domain):
    src = ROOT / "tools" / f"{domain}.tsv"
    rows = src.read_text(encoding="utf-8").splitlines()
    header = rows[0].split("\t")
    expected = ["fr", "en", "en_us", "de", "es", "flags", "note"]
    if header != expected:
        sys.exit(f"{src}:1: header must be {expected}")
    seen = set()
    entries = []
    for n, row in enumerate(rows[1:], start=2):
        if not row.strip() or row.startswith("#"):
            continue
        cols = row.split("\t")
        if len(cols) != len(expected):
            sys.exit(f"{src}:{n}: expected {len(expected)} tab-separated fields, found {len(cols)}")
        fr, en, en_us, de, es, flags, note = cols
        if not terms(fr):
            sys.exit(f"{src}:{n}: no French term")
        cid = f"{PREFIX[domain]}-{slug(terms(fr)[0])}"
        if cid in seen:
            sys.exit(f"{src}:{n}: duplicate concept {cid}")
        seen.add(cid)
        out = f'    <termEntry id="{cid}">\n'
        out += f'      <descrip type="subjectField">{domain}</descrip>\n'
        dnt = False
        for flag in [f.strip() for f in flags.split(";") if f.strip()]:
            if flag == "dnt":
                dnt = True
                out += '      <descrip type="x-doNotTranslate">yes</descrip>\n'
            elif flag == "amb":
                out += '      <descrip type="x-ambiguous">yes</descrip>\n'
            elif flag.startswith("req="):
                words = " | ".join(w.strip() for w in flag[4:].split(","))
                out += f'      <descrip type="x-contextRequires">{escape(words)}</descrip>\n'
            elif flag.startswith("exc="):
                words = " | ".join(w.strip() for w in flag[4:].split(","))
                out += f'      <descrip type="x-contextExcludes">{escape(words)}</descrip>\n'
            else:
                sys.exit(f"{src}:{n}: unknown flag {flag!r}")
        if note:
            out += f"      <note>{escape(note)}</note>\n"
        out += lang_set("fr", fr).replace("preferredTerm", "preferredTerm", 1)
        if en_us:
            out += lang_set("en-GB", en) + lang_set("en-US", en_us)
        else:
            out += lang_set("en", en)
        out += lang_set("de", de) + lang_set("es", es)
        if not dnt and not terms(en):
            sys.exit(f"{src}:{n}: no English term (add one, or flag dnt)")
        out += "    </termEntry>\n"
        entries.append(out)
    title = f"depeche {domain} glossary"
    doc = (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        f"<!-- Generated by glossaries/tools/build_tbx.py from tools/{domain}.tsv: edit the TSV. -->\n"
        '<martif type="TBX-Basic" xml:lang="fr">\n'
        "  <martifHeader>\n"
        "    <fileDesc>\n"
        f"      <titleStmt><title>{escape(title)}</title></titleStmt>\n"
        f"      <sourceDesc><p>{escape(SOURCES[domain])}</p></sourceDesc>\n"
        "    </fileDesc>\n"
        '    <encodingDesc><p type="XCSURI">TBXBasicXCSV02.xcs</p></encodingDesc>\n'
        "  </martifHeader>\n"
        "  <text>\n"
        "   <body>\n" + "".join(entries) + "   </body>\n"
        "  </text>\n"
        "</martif>\n"
    )
    (ROOT / f"{domain}.tbx").write_text(doc, encoding="utf-8")
    print(f"{domain}.tbx: {len(entries)} concepts")


if __name__ == "__main__":
    for d in sys.argv[1:] or sorted(PREFIX):
        build(d)
