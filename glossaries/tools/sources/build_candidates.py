#!/usr/bin/env python3
"""Merges the extracted source tables into per-domain candidate tables.

Inputs (all in this folder unless noted):
  curated.tsv        desk-curated institutional names and news vocabulary
                     (domain, build columns, source key)
  countries.tsv      CLDR + iso-codes country and region names
  eurovoc.tsv        EuroVoc fr/en concepts (domains 04, 08, 72, 76; mt 1216, 1231, 1236, 2811;
                     EXTRA_IDS) with EuroVoc's German and Spanish labels
  franceterme.tsv    FranceTerme Défense / Relations internationales / Politique
  states.tsv         national institutions of states in the news (army, armed
                     forces, air force, navy, troops, soldiers, defence, foreign
                     and interior ministries and ministers, embassy, ambassador,
                     diplomacy), written out by STATE_PATTERNS
  capitals.tsv       capitals that stand for their governments (Washington,
                     Moscou, Kinshasa), context-gated
  /work/shared/corpus/terminology/fr-defence-terminology-arretes-1989-1991.csv

Output: candidates-<domain>.tsv for defence, diplomacy and security, in the
columns of tools/<domain>.tsv plus `source`:

    fr  en  en_us  de  es  flags  note  source

Precedence when two sources give the same French term: the hand tables
tools/defence.tsv and tools/diplomacy.tsv, then curated.tsv, capitals.tsv,
countries.tsv, states.tsv, eurovoc.tsv, franceterme.tsv, the arrêtés. A French term already used by an
earlier concept is removed from a later one; a concept whose preferred French
term is taken is dropped (so no two concepts share a French term).

Filters for precision (a wrong-sense hit is worse than a miss):
- EuroVoc and FranceTerme labels with a parenthesised qualifier are skipped;
  EuroVoc alternative labels ("used for") are not used as French variants,
  since many are narrower or related concepts rather than synonyms.
- single-word terms from EuroVoc, FranceTerme and the arrêtés are kept only
  when listed in SINGLE_OK (domain-specific words); other single words are
  general language (gouvernement, élection, appropriation...).
- country names that are also common first names or words get `amb` with
  country context words (AMBIGUOUS_PLACES).
- world regions: CLDR M.49 sub-regions only, not bare continents.

English article: CLDR countries and territories and capitals get the flag
`noart` (build_tbx.py leaves out the names that take "the").

en-US: CLDR's en where it differs from en-GB; curated rows give it where US
institutions or usage differ; for EuroVoc and FranceTerme common nouns the
spelling rule `us_spelling` (defence→defense, -isation→-ization,
programme→program, centre→center, -our→-or in lower-case words,
manoeuvre→maneuver, co-operation→cooperation...) is applied; proper names
(EuroVoc 72xx and 76xx, capitalised words) keep their own spelling; the
UN-system names of EuroVoc 7606/7621 that EuroVoc writes "Organisation"
get the UN's own "Organization" first (EuroVoc's form stays admitted).
"""

import csv
import re
import unicodedata
from pathlib import Path

HERE = Path(__file__).resolve().parent
TOOLS = HERE.parent
ARRETES = Path("/work/shared/corpus/terminology/fr-defence-terminology-arretes-1989-1991.csv")
DOMAINS = ["defence", "diplomacy", "security", "politics"]

EUROVOC_DOMAIN = {
    "0816": "defence", "0821": "defence",
    "0431": "security", "1216": "security", "1231": "diplomacy", "2811": "diplomacy",
    # domestic politics: the optional politics termbase
    "0406": "politics", "0411": "politics", "0416": "politics", "0421": "politics",
    "0426": "politics", "0436": "politics",
}
SINGLE_OK = {
    # EuroVoc / FranceTerme / arrêtés single words with a domain meaning
    "terrorisme", "désarmement", "armement", "cyberguerre", "mercenaire", "génocide",
    "extradition", "réfugié", "apatride", "ambassade", "consulat", "diplomatie",
    "ciblage", "furtivité", "géopolitique", "armistice", "belligérance", "neutralité",
    "embargo", "espionnage", "contre-espionnage", "guérilla", "sabotage", "blocus",
    "objecteur", "désertion", "militarisation", "démilitarisation", "dénucléarisation",
    "non-prolifération", "multilatéralisme", "unilatéralisme", "bilatéralisme",
    "décolonisation", "colonialisme", "impérialisme", "apartheid", "autodétermination",
    "irrédentisme", "séparatisme", "indépendantisme", "sécession", "annexion",
    "traite", "otage", "piraterie", "cybercriminalité", "cyberterrorisme", "bioterrorisme",
    "narcoterrorisme", "radicalisation", "extrémisme", "fondamentalisme", "intégrisme",
    "dictature", "junte", "putsch", "coup", "régime", "totalitarisme", "autoritarisme",
    "OTAN", "ONU", "OSCE", "OCDE", "UEO", "AIEA", "OMC", "Interpol", "Europol", "Frontex",
    "Eurojust", "Commonwealth", "ASEAN", "Mercosur", "OPEP", "UNESCO", "Unicef",
}
AMBIGUOUS_PLACES = {
    # French country name -> it is also a first name or a common word
    "Maurice", "Dominique", "Jersey", "Guernesey", "Salvador", "La Réunion", "Réunion",
    "Christmas", "Norfolk", "Man", "Niue", "Tokelau", "Bouvet", "Guam", "Georgia",
}
PLACE_CONTEXT = ("pays,gouvernement,président,ministre,ambassade,ambassadeur,capitale,État,"
                 "îles,île,république,armée,relations,accord,visite,frontière,diplomatique")
# Capitals (capitals.tsv) are terms only where they stand for the
# government: one of these words within 12 words (reactions, accusations,
# pressure, talks, sanctions, relations), and never in the city phrases of
# capital_excludes (maire de Moscou, heure de Moscou, depuis Washington).
CAPITAL_CONTEXT = ("accuse,accusent,accusé,réfute,réfutent,dément,démentent,dénonce,dénoncent,condamne,"
                   "condamnent,exige,exigent,menace,menacent,avertit,riposte,répond,réagit,réaction,"
                   "pression,pressions,sanctions,restrictions,représailles,relations,négociations,"
                   "pourparlers,ultimatum,rapprochement,diplomatie,diplomatique,diplomatiques,"
                   "s'inquiète,inquiète,inquiétudes,inquiétude,soucis,préoccupations,soutien,soutient,"
                   "soutenir,allié,alliés,alliance,rivalité,tensions,reconnaît,reconnaissance,"
                   "ambassadeur,ambassadeurs,ambassade,ambassadrice,rappelle,convoque,expulse,accord,accords,"
                   "UE,conditionne,suspendre,suspension,réagi,veto,partenariat,partenariats,coopération")
CITY_WORDS = ("maire de", "mairie de", "ville de", "heure de", "région de", "banlieue de", "aéroport de",
              "université de", "centre de", "rues de", "habitants de", "métro de", "sud de", "nord de",
              "est de", "ouest de", "près de", "proche de", "Bourse de", "tribunal de", "parquet de",
              "cour d'appel de", "préfecture de", "gare de", "club de",
              # named agreements, meetings and processes: the place, not the government
              "accord de", "accords de", "traité de", "protocole de", "conférence de", "processus de",
              "sommet de", "déclaration de", "statut de", "convention de", "cycle de", "pacte de",
              "groupe de", "format de")
# Names that contain a capital: clubs, people, the US state.
CITY_NAMES = ("Paris Saint-Germain", "Paris SG", "Paris-SG", "Paris Hilton", "Paris Match",
              "Real Madrid", "Atlético Madrid", "AS Rome", "Lazio Rome", "Spartak Moscou",
              "CSKA Moscou", "Dynamo Moscou", "Lokomotiv Moscou", "Hertha Berlin", "Union Berlin",
              "George Washington", "Denzel Washington", "État de Washington", "Tripoli au Liban")


def capital_excludes(fr_terms):
    out = []
    for t in fr_terms:
        out += [f"{w} {t}" for w in CITY_WORDS]
        out += [f"depuis {t}", f"{t} Post", f"{t} Times", f"{t} Consensus", f"{t} DC", f"{t} D.C."]
        out += [n for n in CITY_NAMES if t in n.split(" ")]
    return ",".join(out)


CONTINENTS = {"001", "002", "009", "019", "142", "150", "010"}


def slug(text):
    text = unicodedata.normalize("NFKD", text.lower()).replace("œ", "oe")
    text = "".join(c for c in text if not unicodedata.combining(c))
    return re.sub(r"[^a-z0-9]+", "-", text).strip("-")


def key(term):
    """Matching key: lower case, plural -s/-x dropped word by word (the loader
    treats "relation bilatérale" and "relations bilatérales" as one term)."""
    words = re.split(r"([\s'-]+)", term.replace("\u2019", "'").strip().lower())
    return "".join(w[:-1] if len(w) > 3 and w[-1] in "sx" else w for w in words)


def split(field):
    return [t.strip() for t in field.split("|") if t.strip()]


US_WORDS = {
    "defence": "defense", "defences": "defenses", "offence": "offense", "offences": "offenses",
    "licence": "license", "programme": "program", "programmes": "programs",
    "centre": "center", "centres": "centers", "theatre": "theater", "manoeuvre": "maneuver",
    "manoeuvres": "maneuvers", "catalogue": "catalog", "analyse": "analyze",
    "paralyse": "paralyze", "travelled": "traveled", "travelling": "traveling",
    "counsellor": "counselor", "counsellors": "counselors", "co-operation": "cooperation",
    "co-ordination": "coordination", "co-operative": "cooperative", "fulfil": "fulfill",
    "enrol": "enroll", "enrolment": "enrollment", "judgement": "judgment", "ageing": "aging",
    "sceptic": "skeptic", "sceptical": "skeptical", "grey": "gray", "plough": "plow",
    "tyre": "tire", "kerb": "curb", "cheque": "check", "storey": "story", "aluminium": "aluminum",
    "mould": "mold", "draught": "draft", "pyjamas": "pajamas", "fuelling": "fueling",
    "refuelling": "refueling", "labelling": "labeling", "modelling": "modeling",
    "cancelled": "canceled", "signalling": "signaling", "levelling": "leveling",
}
NOT_ISE = {"exercise", "compromise", "enterprise", "franchise", "expertise", "premise", "surprise",
           "advertise", "supervise", "revise", "televise", "devise", "rise", "wise", "precise",
           "concise", "paradise", "otherwise", "promise", "merchandise", "chastise", "advise",
           "despise", "disguise", "improvise", "incise", "noise", "poise", "praise", "raise",
           "arise", "cruise", "bruise", "treatise", "demise", "excise", "comprise", "practise",
           "reprise", "turquoise", "tortoise", "porpoise", "valise", "expertise", "guise"}


def us_word(w):
    if w in US_WORDS:
        return US_WORDS[w]
    if not w.islower():
        return w  # proper names keep their spelling
    m = re.match(r"^(\w{3,})is(ation|ations|e|ed|es|ing|er|ers)$", w)
    if m and (m.group(1) + "ise") not in NOT_ISE and not w.startswith(("exercis", "compromis", "enterpris", "advertis", "supervis", "revis", "televis", "devis", "promis", "advis", "improvis", "surpris", "franchis", "compris", "practis", "rais", "prais", "cruis")):
        return m.group(1) + "iz" + m.group(2)
    m = re.match(r"^(\w*(?:arm|behavi|col|fav|harb|hon|lab|neighb|rum|vig|endeav|hum|vap|rig|val|savi|od|clam|parl|tum|flav|splend))our(s|ed|ing|able|ite|ites|hood)?$", w)
    if m and w not in {"four", "pour", "tour", "your", "hour", "flour", "sour", "scour", "dour", "contour", "detour", "troubadour", "glamour"}:
        return m.group(1) + "or" + (m.group(2) or "")
    return w


def us_spelling(term):
    return re.sub(r"[A-Za-z][\w-]*", lambda m: us_word(m.group(0)), term)


def us_field(en_terms):
    us = [us_spelling(t) for t in en_terms]
    return us if us != en_terms else []


class Builder:
    def __init__(self):
        self.used = set()
        self.ids = set()
        self.out = {d: [] for d in DOMAINS}
        self.stats = {}

    def reserve_hand(self):
        for d in ("defence", "diplomacy"):
            rows = (TOOLS / f"{d}.tsv").read_text(encoding="utf-8").splitlines()
            for row in rows[1:]:
                if not row.strip() or row.startswith("#"):
                    continue
                fr = split(row.split("\t")[0])
                for t in fr:
                    self.used.add(key(t))
                self.ids.add(slug(fr[0]))
        with (TOOLS.parent / "newsroom.csv").open(encoding="utf-8") as f:
            for r in csv.reader(l for l in f if not l.startswith("#")):
                if r and r[0] != "source":
                    self.used.add(key(r[0]))

    def add(self, domain, fr, en, en_us, de, es, flags, note, source):
        fr = [t for t in fr if t]
        if fr and fr[0] in EXTRA_FLAGS:
            flags = "; ".join(f for f in (flags, EXTRA_FLAGS[fr[0]]) if f)
        if not fr or not en:
            return False
        if key(fr[0]) in self.used or slug(fr[0]) in self.ids:
            return False
        seen = set()
        kept = []
        for t in fr:
            k = key(t)
            if k in self.used or k in seen:
                continue
            seen.add(k)
            kept.append(t)
        for t in kept:
            self.used.add(key(t))
        self.ids.add(slug(kept[0]))
        if en_us == en:
            en_us = []
        self.out[domain].append([" | ".join(kept), " | ".join(en), " | ".join(en_us),
                                 " | ".join(de), " | ".join(es), flags, note, source])
        self.stats[(domain, source.split(" ")[0])] = self.stats.get((domain, source.split(" ")[0]), 0) + 1
        return True

    def write(self):
        for d in DOMAINS:
            with (HERE / f"candidates-{d}.tsv").open("w", encoding="utf-8") as f:
                f.write("fr\ten\ten_us\tde\tes\tflags\tnote\tsource\n")
                for r in self.out[d]:
                    f.write("\t".join(x.replace("\t", " ") for x in r) + "\n")


def read_tsv(path):
    lines = [l for l in path.read_text(encoding="utf-8").splitlines() if l and not l.startswith("#")]
    header = lines[0].split("\t")
    return [dict(zip(header, l.split("\t"))) for l in lines[1:]]


CONTINENT_NAMES = {"Europe", "Amérique", "Afrique", "Asie", "Océanie", "Amériques", "Antarctique"}


def single_ok(term, proper_ok=False):
    if " " in term or "'" in term or term in SINGLE_OK:
        return True
    # EuroVoc geography and organisation names: a capitalised single word is
    # a proper name (Kosovo, Écosse, Interpol), unless it is also a first
    # name or common word, or a bare continent.
    return (proper_ok and term[:1].isupper() and term not in AMBIGUOUS_PLACES
            and term not in CONTINENT_NAMES and term.lower() not in {"grenade", "dominique"})


# Context flags for generated concepts whose French term is also the start
# of another concept (renforcement des capacités défensives is defensive
# capabilities, not capacity-building).
EXTRA_FLAGS = {
    "renforcement des capacités": "exc=renforcement des capacités défensives,renforcement des capacités militaires",
    # the country, not a region, a company or an event named after it
    "France": "exc=Île-de-France,Ile-de-France,Air France,France Télévisions,France Inter,France Info,"
              "France 2,France 3,France 5,France 24,France Culture,France Bleu,Radio France,Tour de France,"
              "Coupe de France,Gaz de France,France Travail,Banque de France,Équipe de France",
    # a singular "territoire palestinien" is Gaza or the West Bank, not the Palestinian Territories
    "Territoires palestiniens": "exc=le territoire palestinien,du territoire palestinien,au territoire palestinien,"
                                "ce territoire palestinien,un territoire palestinien,dans le territoire palestinien",
}

EUROVOC_XTRA_DOMAIN = {"4042": "security", "c_e0e4608a": "security", "866": "security",
                       "c_b680e7cc": "security", "2903": "security", "6047": "security"}

# pattern -> (domain, fr, en, de, es); {fm}/{ff}/{fmp}/{ffp} French adjective
# masc./fem. singular/plural, {fde} "de France"/"du Brésil", {en}/{name} English
# adjective/name, {de} German adjective stem (or prefix ending in "-"), {esm}/{esf}/
# {esmp}/{esfp} Spanish adjective, {esn} Spanish name.
STATE_PATTERNS = {
    "army": ("defence", "armée {ff}", "{en} army", "{de}e Armee", "Ejército {esm}"),
    "forces": ("defence", "forces armées {ffp}", "{en} armed forces", "{de}e Streitkräfte",
               "Fuerzas Armadas {esfp}"),
    "air": ("defence", "armée de l'air {ff} | aviation {ff}", "{en} air force", "{de}e Luftwaffe",
            "Fuerza Aérea {esf}"),
    "navy": ("defence", "marine {ff}", "{en} navy", "{de}e Marine", "Armada {esf}"),
    "coastguard": ("defence", "garde-côtes {fmp} | gardes-côtes {fmp}", "{en} coastguard | {en} coast guard",
                   "{de}e Küstenwache", "guardacostas {esmp}"),
    "genstaff": ("defence", "état-major {fm}", "{en} general staff", "{de}er Generalstab",
                 "Estado Mayor {esm}"),
    "armychief": ("defence", "chef d'état-major de l'armée {ff}", "{en} army chief of staff | {en} army chief",
                  "{de}er Generalstabschef", "jefe del Estado Mayor del Ejército {esm}"),
    "navychief": ("defence", "chef d'état-major de la marine {ff}", "{en} navy chief | {en} chief of naval staff",
                  "Befehlshaber der {de}en Marine", "jefe del Estado Mayor de la Armada {esf}"),
    "airchief": ("defence", "chef d'état-major de l'armée de l'air {ff}", "{en} air force chief | {en} chief of air staff",
                 "Befehlshaber der {de}en Luftwaffe", "jefe del Estado Mayor de la Fuerza Aérea {esf}"),
    "armyspokes": ("defence", "porte-parole de l'armée {ff}", "{en} army spokesman | {en} military spokesman",
                   "Sprecher der {de}en Armee", "portavoz del Ejército {esm}"),
    "defmin": ("defence", "ministère {fm} de la Défense",
               "{en} Ministry of Defence | {en} defence ministry", "{de}es Verteidigungsministerium",
               "Ministerio de Defensa {esm}"),
    "defminister": ("defence", "ministre {fm} de la Défense",
                    "{en} defence minister | {en} Minister of Defence", "{de}er Verteidigungsminister",
                    "ministro de Defensa {esm}"),
    "deputydefmin": ("defence", "vice-ministre {fm} de la Défense", "{en} deputy defence minister",
                     "{de}er Vize-Verteidigungsminister", "viceministro de Defensa {esm}"),
    "defminspokes": ("defence", "porte-parole du ministère {fm} de la Défense",
                     "{en} defence ministry spokesman | {en} defence ministry spokesperson",
                     "Sprecher des {de}en Verteidigungsministeriums", "portavoz del Ministerio de Defensa {esm}"),
    "fmin": ("diplomacy", "ministère {fm} des Affaires étrangères",
             "{en} Foreign Ministry | {en} Ministry of Foreign Affairs", "{de}es Außenministerium",
             "Ministerio de Asuntos Exteriores {esm}"),
    "fminister": ("diplomacy", "ministre {fm} des Affaires étrangères | chef de la diplomatie {ff}",
                  "{en} foreign minister", "{de}er Außenminister", "ministro de Asuntos Exteriores {esm}"),
    "deputyfmin": ("diplomacy", "vice-ministre {fm} des Affaires étrangères", "{en} deputy foreign minister",
                   "{de}er Vize-Außenminister", "viceministro de Asuntos Exteriores {esm}"),
    "fminspokes": ("diplomacy", "porte-parole du ministère {fm} des Affaires étrangères | "
                   "porte-parole de la diplomatie {ff}",
                   "{en} foreign ministry spokesman | {en} foreign ministry spokesperson",
                   "Sprecher des {de}en Außenministeriums",
                   "portavoz del Ministerio de Asuntos Exteriores {esm}"),
    "imin": ("diplomacy", "ministère {fm} de l'Intérieur", "{en} Interior Ministry",
             "{de}es Innenministerium", "Ministerio del Interior {esm}"),
    "iminister": ("diplomacy", "ministre {fm} de l'Intérieur", "{en} interior minister",
                  "{de}er Innenminister", "ministro del Interior {esm}"),
    "embassy": ("diplomacy", "ambassade {fde}", "{en} Embassy | Embassy of {the}{name}",
                "{de}e Botschaft", "embajada de {esn}"),
    "ambassador": ("diplomacy", "ambassadeur {fde}", "{en} ambassador | ambassador of {the}{name}",
                   "{de}er Botschafter", "embajador de {esn}"),
    "consulate": ("diplomacy", "consulat {fde}", "{en} consulate | Consulate of {the}{name}",
                  "{de}es Konsulat", "consulado de {esn}"),
    "consulgen": ("diplomacy", "consulat général {fde}", "{en} consulate general | Consulate General of {the}{name}",
                  "{de}es Generalkonsulat", "consulado general de {esn}"),
}
# A skipped pattern also skips the posts that depend on it.
SKIP_ALSO = {"army": {"armychief", "armyspokes"}, "navy": {"navychief"}, "air": {"airchief"},
             "defmin": {"deputydefmin", "defminspokes"}, "fmin": {"deputyfmin", "fminspokes"}}
STATE_NOTE = {"defence": "National institution or forces of one state.",
              "diplomacy": "National institution or post of one state."}


def fr_plural(adj):
    return adj if adj[-1] in "sx" else adj + "s"


def es_plural(adj):
    if adj[-1] in "aeiou":
        return adj + "s"
    if adj[-1] in "íú":
        return adj + "es"
    for a, b in (("és", "eses"), ("án", "anes"), ("ón", "ones"), ("ín", "ines")):
        if adj.endswith(a):
            return adj[: -len(a)] + b
    return adj + "es"


def de_form(template, stem):
    """{de}e Armee with a prefix stem "US-" gives US-Armee."""
    if stem.endswith("-"):
        return re.sub(r"\{de\}(e|es|er|en)? ", stem, template)
    return template.replace("{de}", stem)


def state_rows(r):
    skip = {x.strip() for x in r["skip"].split(",") if x.strip()}
    for key in list(skip):
        skip |= SKIP_ALSO.get(key, set())
    ens = split(r["en_adj"])
    the = "the " if r["en_name"] in ("Netherlands", "Philippines", "Central African Republic",
                                      "United Kingdom", "United States") else ""
    vals = {"fm": r["fr_m"], "ff": r["fr_f"], "fmp": fr_plural(r["fr_m"]), "ffp": fr_plural(r["fr_f"]),
            "fde": r["fr_de"], "name": r["en_name"], "the": the, "esm": r["es_m"], "esf": r["es_f"],
            "esmp": es_plural(r["es_m"]), "esfp": es_plural(r["es_f"]), "esn": r["es_name"]}
    for key, (domain, fr, en, de, es) in STATE_PATTERNS.items():
        if key in skip:
            continue
        en_terms = []
        for adj in ens:
            for t in split(en):
                t = t.format(en=adj, **vals)
                if t not in en_terms:
                    en_terms.append(t)
        fr_terms = split(fr.format(**vals))
        de_term = de_form(de, r["de_adj"])
        es_term = es.format(**vals)
        for item in (r.get("over") or "").split(";"):
            target, _, value = item.partition("=")
            pkey, _, lang = target.strip().partition(".")
            if pkey != key or not value.strip():
                continue
            if lang == "en":
                en_terms = split(value)
            elif lang == "de":
                de_term = value.strip()
            elif lang == "es":
                es_term = value.strip()
        flags = ""
        if key == "army":
            flags = f"exc=armée {r['fr_f']} libre"
        en_us = [us_spelling(t) for t in en_terms]
        if r["code"] != "GB":  # other states' ministries: Defense in US usage
            en_us = [t.replace("Defence", "Defense") for t in en_us]
        en_us = en_us if en_us != en_terms else []
        yield (domain, fr_terms, en_terms, en_us, split(de_term), split(es_term), flags,
               STATE_NOTE[domain], f"states {r['code']} {key}")


def main():
    b = Builder()
    b.reserve_hand()

    for r in read_tsv(HERE / "curated.tsv"):
        b.add(r["domain"], split(r["fr"]), split(r["en"]), split(r["en_us"]), split(r["de"]),
              split(r["es"]), r["flags"], r["note"], "curated " + r["source"])

    for r in read_tsv(HERE / "capitals.tsv"):
        b.add("diplomacy", split(r["fr"]), split(r["en"]), [], split(r["de"]), split(r["es"]),
              f"amb; req={CAPITAL_CONTEXT}; exc={capital_excludes(split(r['fr']))}; noart",
              " ".join(x for x in ("Capital: a term only where it stands for the government "
                                   "(Washington révèle, relations entre Paris et Téhéran), not for the city.",
                                   r["note"]) if x), f"capitals {r['code']}")

    for r in read_tsv(HERE / "countries.tsv"):
        if r["kind"] == "region" and r["code"] in CONTINENTS:
            continue
        fr = split(r["fr"])
        flags = ""
        if fr and fr[0] in AMBIGUOUS_PLACES:
            flags = f"amb; req={PLACE_CONTEXT}"
        fr = [t for t in fr if t not in AMBIGUOUS_PLACES or t == fr[0]]
        note = "Country or territory." if r["kind"] == "country" else "World region (UN M.49)."
        if r["kind"] == "country":
            flags = f"{flags}; noart" if flags else "noart"
        b.add("diplomacy", fr, split(r["en_gb"]), split(r["en_us"]), split(r["de"]), split(r["es"]),
              flags, note, f"cldr+iso-codes {r['code']}")

    state_table = read_tsv(HERE / "states.tsv")
    for r in state_table:
        for row in state_rows(r):
            b.add(*row)

    for r in read_tsv(HERE / "eurovoc.tsv"):
        fr, en = r["fr"], r["en"]
        mts = r["mt"].split(";")
        geo = any(m[:2] in ("72", "76") for m in mts)
        if "(" in fr or "(" in en or not single_ok(fr, proper_ok=geo):
            continue
        domain = next((EUROVOC_DOMAIN[m] for m in mts if m in EUROVOC_DOMAIN), "diplomacy")
        if "xtra" in mts:
            domain = EUROVOC_XTRA_DOMAIN.get(r["id"], "defence")
        de = [r["de"]] if r.get("de") and "(" not in r["de"] else []
        es = [r["es"]] if r.get("es") and "(" not in r["es"] else []
        proper = any(m[:2] in ("72", "76") for m in mts)
        en_terms = [en]
        if any(m in ("7606", "7621") for m in mts) and "Organisation" in en:
            # UN-system bodies spell their own names with -ization
            en_terms = [en.replace("Organisation", "Organization"), en]
        b.add(domain, [fr], en_terms, [] if proper else us_field(en_terms), de, es, "", "",
              f"eurovoc {r['id']} mt {r['mt']}")

    for r in read_tsv(HERE / "franceterme.tsv"):
        fr = r["fr"]
        if "(" in fr or not single_ok(fr):
            continue
        domain = "defence" if r["domain"] == "Défense" else "diplomacy"
        en = [t for t in split(r["en"]) if "(" not in t]
        variants = [v for v in split(r["fr_variants"]) if "(" not in v and (single_ok(v) or v.isupper())]
        b.add(domain, [fr] + variants, en, us_field(en), split(r["de"]), split(r["es"]), "", "",
              f"franceterme {r['snapshot']} {r['domain']}")

    with ARRETES.open(encoding="utf-8") as f:
        for r in csv.DictReader(f):
            fr = r["fr"].strip()
            if not single_ok(fr) or not r["en"].strip():
                continue
            en = split(r["en"].replace(";", "|"))
            b.add("defence", [fr], en, us_field(en), [], [], "", "", "arretes " + r["source"][:40])

    b.write()
    for (d, s), n in sorted(b.stats.items()):
        print(f"{d:10s} {s:15s} {n}")
    for d in DOMAINS:
        print(d, len(b.out[d]))


if __name__ == "__main__":
    main()
