#!/usr/bin/env python3
"""Terminology modes compared on the WMT defence documents, with the real Apertium APy.

    python3 benches/terms_eval.py [--bin target/release/depeche] [--apy-port N]
        [--docs dev|test|all] [--out DIR] [--modes off,force,repair]
        [--setting auto|flag|terms|enforce_terms] [--corpus DIR] [--seed N]

For each terminology mode (`off`: no enforcement, `force`: every glossary hit
enforced up front with placeholders, `repair`: translate plainly, verify the
terms and repair only the sentences that break one), the script runs
`depeche translate` with the apertium provider (pivot fra|cat|eng), target
en-US, the translation memory off and XLIFF 1.2, over one plain-text article
per WMT document (first segment = title line, one paragraph per segment), and
reads the targets back per WMT segment. It then prints one Markdown table:

- BLEU and chrF (sacrebleu, corpus level over all segments of the selected
  documents), with a paired bootstrap resampling against `off` (1000
  resamples, fixed seed) and its p-values;
- glossary term accuracy: the share of glossary hits (`depeche glossary
  match --to en-US`) whose expected target (or an accepted alternative) is
  in the output segment; case-insensitive, regular English plurals and the
  possessive accepted;
- reference-word accuracy: the share of term occurrences of the gold
  (fixtures/term-gold/dev.tsv and test.tsv, filtered by --docs) whose
  `english` words (the human reference's) are in the output segment, with
  the same tolerance; occurrences whose reference leaves the term out are not
  counted;
- sentences (XLIFF units) whose target differs from `off`;
- QA findings per check id (every `[check, ...]` id of the units' QA notes);
- the lines of depeche's run summary about terms (found/applied/violated,
  and translated plainly / repaired / left flagged when it prints them).

It also writes `changed.tsv` in --out: every WMT segment whose `repair`
output differs from `off` (docid, seg, source, off, repair, force,
reference), for judging by hand.

How the mode reaches depeche: with `--setting auto` (the default) the
`--terms MODE` flag is used when `depeche translate --help` lists it;
otherwise the mode goes into the generated depeche.toml as
`[translate] terms = "MODE"`, and if the binary refuses that key, `force` and
`off` fall back to `enforce_terms = true` / `false` and `repair` is skipped
with a message. `--setting flag|terms|enforce_terms` forces one way.

The gold's test half is held out (fixtures/term-gold/GUIDE.md): use
`--docs dev` when tuning anything, and the test half only to report figures.

Needs Python 3 with sacrebleu, and Debian's apertium-apy with the
apertium-fra-cat and apertium-eng-cat pairs (`bash .ci/apertium.sh`). Unless
--apy-port is given, APy is started on a free 127.0.0.1 port with
tests/tools/apy_loopback.py and stopped at the end.
"""

import argparse
import collections
import csv
import ctypes
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
import unicodedata
import urllib.request
import xml.etree.ElementTree as ET
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CORPUS_DEFAULT = Path(__file__).resolve().parent.parent / "fixtures" / "wmt"
GOLD_DIR = ROOT / "fixtures/term-gold"
GLOSSARY = ROOT / "glossaries"
APY_WRAPPER = ROOT / "tests/tools/apy_loopback.py"
APY_MODES = Path("/usr/share/apertium/modes")
LOCALE = "en-US"
PAIR = "fra|cat|eng"
MODES = ("off", "force", "repair")
XLIFF_NS = "{urn:oasis:names:tc:xliff:document:1.2}"


# ---------------------------------------------------------------- corpus


def decode(text):
    """The five XML entities and numeric references; a raw `&` stays as is."""

    def one(m):
        name = m.group(1)
        if name.startswith("#x") or name.startswith("#X"):
            return chr(int(name[2:], 16))
        if name.startswith("#"):
            return chr(int(name[1:]))
        return {"amp": "&", "lt": "<", "gt": ">", "quot": '"', "apos": "'"}[name]

    return re.sub(r"&(amp|lt|gt|quot|apos|#[0-9]+|#[xX][0-9a-fA-F]+);", one, text)


def read_sgm(path):
    """{docid: [(seg_id, text)]} of one .sgm file."""
    text = path.read_text(encoding="utf-8")
    out = {}
    for m in re.finditer(r'<doc\b[^>]*\bdocid="([^"]*)"[^>]*>(.*?)</doc>', text, re.S):
        out[decode(m.group(1))] = [
            (int(s.group(1)), decode(s.group(2)).strip())
            for s in re.finditer(r'<seg\b[^>]*\bid="?(\d+)"?[^>]*>(.*?)</seg>', m.group(2), re.S)
        ]
    return out


def load_docs(corpus, which):
    """[(docid, [(seg, src, ref)])] in MANIFEST order, for the chosen half."""
    halves = {}
    with open(GOLD_DIR / "SPLIT.tsv", encoding="utf-8") as f:
        for rec in csv.DictReader(f, delimiter="\t"):
            halves[rec["docid"]] = rec["half"]
    docs = []
    cache = {}
    with open(corpus / "MANIFEST.tsv", encoding="utf-8") as f:
        for rec in csv.DictReader(f, delimiter="\t", quoting=csv.QUOTE_NONE):
            docid = rec["docid"]
            if which != "all" and halves.get(docid) != which:
                continue
            for key in ("src_file", "ref_file"):
                if rec[key] not in cache:
                    cache[rec[key]] = read_sgm(corpus / rec[key])
            src = dict(cache[rec["src_file"]][docid])
            ref = dict(cache[rec["ref_file"]].get(docid, []))
            segs = [(s, t, ref.get(s, "")) for s, t in cache[rec["src_file"]][docid]]
            docs.append((docid, segs))
            assert len(src) == len(segs), f"{docid}: repeated seg ids"
    return docs


def load_gold(docids):
    rows = []
    for name in ("dev.tsv", "test.tsv"):
        path = GOLD_DIR / name
        if not path.exists():
            continue
        with open(path, encoding="utf-8") as f:
            for rec in csv.DictReader(f, delimiter="\t", quoting=csv.QUOTE_NONE):
                if rec["docid"] in docids:
                    rows.append(rec)
    return rows


def write_articles(docs, folder):
    """One plain-text article per document: segment 1 is the title line, then
    one paragraph per segment, blank-line separated. {file path: docid}."""
    if folder.exists():
        shutil.rmtree(folder)
    folder.mkdir(parents=True)
    files = {}
    for i, (docid, segs) in enumerate(docs, start=1):
        slug = re.sub(r"[^A-Za-z0-9]+", "-", docid).strip("-")[:60]
        p = folder / f"{i:02d}-{slug}.txt"
        p.write_text("\n\n".join(re.sub(r"\s+", " ", t) for _, t, _ in segs if t) + "\n", encoding="utf-8")
        files[str(p)] = docid
    return files


# ---------------------------------------------------------------- APy


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def apy_ready(port):
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/listPairs", timeout=2) as r:
            return r.status == 200
    except OSError:
        return False


def _die_with_parent():
    # PR_SET_PDEATHSIG = 1: APy gets SIGTERM if this script dies abruptly.
    try:
        ctypes.CDLL("libc.so.6").prctl(1, signal.SIGTERM)
    except OSError:
        pass


def start_apy(log_path):
    if not APY_MODES.is_dir() or not APY_WRAPPER.exists():
        sys.exit("Apertium APy is not installed; run `bash .ci/apertium.sh` (Debian packages "
                 "apertium-apy apertium-fra-cat apertium-eng-cat)")
    port = free_port()
    log = open(log_path, "w")
    proc = subprocess.Popen(
        ["/usr/bin/python3", str(APY_WRAPPER), "-p", str(port), str(APY_MODES)],
        env={**os.environ, "LC_ALL": "C.UTF-8"}, stdout=log, stderr=subprocess.STDOUT,
        preexec_fn=_die_with_parent,
    )
    deadline = time.time() + 30
    while not apy_ready(port):
        if proc.poll() is not None or time.time() > deadline:
            proc.kill()
            sys.exit(f"APy did not start on 127.0.0.1:{port}; see {log_path}")
        time.sleep(0.1)
    return proc, port


def stop_apy(proc):
    if proc and proc.poll() is None:
        proc.terminate()
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


# ---------------------------------------------------------------- depeche


def has_terms_flag(binary):
    res = subprocess.run([binary, "translate", "--help"], capture_output=True, text=True)
    return re.search(r"--terms\b", res.stdout) is not None


def write_config(path, port, how, mode):
    lines = [
        "[run]", f'to = ["{LOCALE}"]', 'xliff = "1.2"', "",
        "[glossary]", f"paths = [{toml_str(str(GLOSSARY))}]", "",
        "[translate]", 'provider = "apertium"',
    ]
    if how == "terms":
        lines.append(f'terms = "{mode}"')
    elif how == "enforce_terms":
        lines.append(f"enforce_terms = {'false' if mode == 'off' else 'true'}")
    lines += [
        "", "[translate.apertium]", f'endpoint = "http://127.0.0.1:{port}"', f'pair = "{PAIR}"',
        "", "[memory]", "enabled = false", "",
    ]
    path.write_text("\n".join(lines), encoding="utf-8")


def toml_str(s):
    return '"' + s.replace("\\", "\\\\").replace('"', '\\"') + '"'


def run_translate(binary, articles, out, port, how, mode):
    """Runs one mode; returns (CompletedProcess, seconds)."""
    if out.exists():
        shutil.rmtree(out)
    out.mkdir(parents=True)
    cfg = out / "depeche.toml"
    write_config(cfg, port, how, mode)
    cmd = [
        binary, "translate", "-c", str(cfg), "--provider", "apertium",
        "--endpoint", f"http://127.0.0.1:{port}", "--to", LOCALE, "--no-memory",
        "--glossary", str(GLOSSARY), "--xliff", "1.2", "--no-progress",
        "--out", str(out / "xliff"),
    ]
    if how == "flag":
        cmd += ["--terms", mode]
    cmd.append(str(articles))
    t0 = time.time()
    res = subprocess.run(cmd, capture_output=True, text=True, cwd=out)
    (out / "stdout.txt").write_text(res.stdout, encoding="utf-8")
    (out / "stderr.txt").write_text(res.stderr, encoding="utf-8")
    return res, time.time() - t0


def config_refused(res):
    return res.returncode == 2 and re.search(r"\bterms\b", res.stderr) is not None


def glossary_hits(binary, files):
    """[(file, paragraph id, french, [accepted targets])]: the first accepted
    target is the expected one, then the alternatives."""
    res = subprocess.run(
        [binary, "glossary", "match", "--to", LOCALE, "--glossary", str(GLOSSARY), *files],
        capture_output=True, text=True,
    )
    if res.returncode != 0:
        sys.exit(f"depeche glossary match failed:\n{res.stderr}")
    hits, current = [], None
    for line in res.stdout.splitlines():
        head = re.match(r"^(\S.*?) \(", line)
        if head and head.group(1) in files:
            current = head.group(1)
            continue
        m = re.match(r"^\s+(p\d+)\.s\d+\s+(.*?) → (.*)$", line)
        if not (m and current):
            continue
        rest = re.sub(r"\s*\[[^\]]*\]\s*$", "", m.group(3))  # [domain]
        rest = re.sub(r"\s*\(not: [^)]*\)", "", rest)
        rest = re.sub(r"\s*\(do not translate\)", "", rest)
        also = re.search(r"\s*\(also: (.*)\)\s*$", rest)
        alts = [a.strip() for a in also.group(1).split(",")] if also else []
        expected = rest[: also.start()] if also else rest
        hits.append((current, m.group(1), m.group(2), [expected.strip(), *alts]))
    return hits


# ---------------------------------------------------------------- XLIFF


def norm_text(s):
    s = unicodedata.normalize("NFC", s).replace("\u2019", "'")
    s = s.replace("\u00a0", " ").replace("\u202f", " ").replace("\u200b", "").replace("\u00ad", "")
    return re.sub(r"\s+", " ", s).strip()


def read_xliff(folder):
    """{original path: [(paragraph id, source, [(unit id, target, [qa check ids])])]}."""
    out = {}
    for path in sorted(folder.glob("*.xlf")):
        root = ET.parse(path).getroot()
        for f in root.iter(XLIFF_NS + "file"):
            paras = []
            for g in f.iter(XLIFF_NS + "group"):
                units = []
                srcs = []
                for u in g.findall(XLIFF_NS + "trans-unit"):
                    s = u.find(XLIFF_NS + "source")
                    t = u.find(XLIFF_NS + "target")
                    srcs.append("".join(s.itertext()) if s is not None else "")
                    checks = []
                    for n in u.findall(XLIFF_NS + "note"):
                        if n.get("from") == "qa":
                            c = re.search(r"\[([A-Za-z0-9_\-]+)[^\]]*\]\s*$", "".join(n.itertext()))
                            checks.append(c.group(1) if c else "(unlabelled)")
                    units.append((u.get("id"), "".join(t.itertext()) if t is not None else "", checks))
                if units:
                    paras.append((g.get("id"), " ".join(srcs), units))
            out[f.get("original")] = paras
    return out


def align(docs, files, xliff):
    """Maps each XLIFF paragraph back to its WMT segment by source text.
    Returns ({(docid, seg): [(unit id, target, checks)]}, {(file, pid): (docid, seg)}, unaligned)."""
    by_doc = {d: segs for d, segs in docs}
    seg_units, para_key, unaligned = {}, {}, []
    orig_to_file = {}
    for f in files:
        orig_to_file[f] = f
        orig_to_file[os.path.basename(f)] = f
    for original, paras in xliff.items():
        f = orig_to_file.get(original) or next((k for k in files if k.endswith(original) or original.endswith(k)), None)
        if f is None:
            continue
        docid = files[f]
        segs = by_doc[docid]
        normed = [norm_text(t) for _, t, _ in segs]
        i = 0
        for pid, src, units in paras:
            ns = norm_text(src)
            j = next((k for k in range(i, len(segs)) if normed[k] == ns), None)
            if j is None:  # a paragraph the reader trimmed (boilerplate, header)
                j = next((k for k in range(i, len(segs)) if ns and (ns in normed[k] or normed[k] in ns)), None)
            if j is None:
                unaligned.append((docid, pid, src))
                continue
            key = (docid, segs[j][0])
            seg_units.setdefault(key, []).extend(units)
            para_key[(f, pid)] = key
            i = j + 1
    return seg_units, para_key, unaligned


# ---------------------------------------------------------------- term matching


def stem(tok):
    if len(tok) > 4 and tok.endswith("ies"):
        return tok[:-3] + "y"
    if len(tok) > 3 and tok.endswith("es") and re.search(r"(s|x|z|ch|sh)es$", tok):
        return tok[:-2]
    if len(tok) > 3 and tok.endswith("s") and not tok.endswith("ss"):
        return tok[:-1]
    return tok


def tokens(text):
    """Lower-case word stems: possessive 's and regular plural endings off."""
    t = unicodedata.normalize("NFC", text).lower().replace("\u2019", "'")
    t = re.sub(r"(\w)'s\b", r"\1", t)
    t = re.sub(r"(\w)s'(?!\w)", r"\1s", t)
    return [stem(w) for w in re.findall(r"\w+", t)]


def contains(hay, needle):
    n = len(needle)
    if n == 0:
        return False
    return any(hay[i:i + n] == needle for i in range(len(hay) - n + 1))


# ---------------------------------------------------------------- main


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--bin", help="depeche binary (default target/release/depeche, else target/debug/depeche)")
    ap.add_argument("--apy-port", type=int, help="a running APy on 127.0.0.1:PORT (default: start one)")
    ap.add_argument("--docs", choices=("dev", "test", "all"), default="all")
    ap.add_argument("--out", default=str(ROOT / "target/terms-eval"), help="work and result folder")
    ap.add_argument("--modes", default=",".join(MODES), help="comma-separated, from off,force,repair")
    ap.add_argument("--setting", choices=("auto", "flag", "terms", "enforce_terms"), default="auto",
                    help="how the mode reaches depeche (see the module help)")
    ap.add_argument("--corpus", default=str(CORPUS_DEFAULT), help="folder with MANIFEST.tsv and the .sgm files")
    ap.add_argument("--seed", type=int, default=12345, help="bootstrap seed")
    ap.add_argument("--resamples", type=int, default=1000)
    ap.add_argument("--max-docs", type=int, help="only the first N documents (a quick try, not for figures)")
    args = ap.parse_args()

    import sacrebleu  # noqa: E402 (a clear error before any work if missing)
    from sacrebleu.metrics import BLEU, CHRF
    from sacrebleu.significance import PairedTest

    binary = args.bin
    if binary is None:
        for cand in ("target/release/depeche", "target/debug/depeche"):
            if (ROOT / cand).exists():
                binary = str(ROOT / cand)
                break
        else:
            sys.exit("no depeche binary: build it (cargo build --release) or pass --bin")
    binary = str(Path(binary).resolve())
    modes = [m.strip() for m in args.modes.split(",") if m.strip()]
    for m in modes:
        if m not in MODES:
            sys.exit(f"unknown mode {m!r}; modes are {', '.join(MODES)}")
    if "off" not in modes:
        modes.insert(0, "off")  # the baseline of every comparison
    modes.sort(key=MODES.index)

    out = Path(args.out).resolve()
    out.mkdir(parents=True, exist_ok=True)
    t_start = time.time()
    docs = load_docs(Path(args.corpus), args.docs)
    if args.max_docs:
        docs = docs[: args.max_docs]
    nseg = sum(len(s) for _, s in docs)
    files = write_articles(docs, out / "articles")
    gold = load_gold({d for d, _ in docs})
    print(f"depeche: {binary}")
    print(f"documents: {len(docs)} ({args.docs}), segments: {nseg}, gold occurrences: {len(gold)}")

    how = args.setting
    if how == "auto":
        how = "flag" if has_terms_flag(binary) else "terms"
    print(f"mode setting: {'--terms MODE' if how == 'flag' else f'[translate] {how} in depeche.toml'}")

    apy, port = None, args.apy_port
    if port is None:
        apy, port = start_apy(out / "apy.log")
        print(f"APy started on 127.0.0.1:{port} (pid {apy.pid})")
    elif not apy_ready(port):
        sys.exit(f"no APy answering on 127.0.0.1:{port}")

    results, notes = {}, []
    try:
        for mode in modes:
            mhow = how
            res, secs = run_translate(binary, out / "articles", out / mode, port, mhow, mode)
            if config_refused(res) and args.setting == "auto" and mhow == "terms":
                if mode == "repair":
                    notes.append(f"repair: skipped, this depeche refuses `terms = \"repair\"` "
                                 f"({res.stderr.strip().splitlines()[-1]})")
                    print(notes[-1])
                    continue
                notes.append(f"{mode}: this depeche refuses `terms`; ran with "
                             f"enforce_terms = {'false' if mode == 'off' else 'true'}")
                print(notes[-1])
                mhow = "enforce_terms"
                res, secs = run_translate(binary, out / "articles", out / mode, port, mhow, mode)
            if res.returncode not in (0, 1):
                msg = res.stderr.strip().splitlines()[-1] if res.stderr.strip() else f"exit {res.returncode}"
                if mode == "off":
                    sys.exit(f"off: depeche translate failed: {msg}")
                notes.append(f"{mode}: skipped, depeche translate failed: {msg}")
                print(notes[-1])
                continue
            if res.returncode == 1:
                last = res.stderr.strip().splitlines()[-1] if res.stderr.strip() else ""
                notes.append(f"{mode}: depeche exited 1 (some articles or segments not translated): {last}")
            summary = [l.rstrip() for l in res.stdout.splitlines()
                       if re.match(r"^(terms|repair|translate|articles)\b", l)
                       or re.search(r"plain|repair|flagged", l, re.I)]
            results[mode] = {"secs": secs, "summary": summary, "exit": res.returncode,
                             "xliff": read_xliff(out / mode / "xliff")}
            print(f"{mode}: {secs:.1f} s, exit {res.returncode}")
    finally:
        stop_apy(apy)

    # ---------------------------------------------------------- read back
    keys = [(d, s) for d, segs in docs for s, _, _ in segs]
    src = {(d, s): t for d, segs in docs for s, t, _ in segs}
    ref = {(d, s): r for d, segs in docs for s, _, r in segs}
    hyp, units, checks = {}, {}, {}
    para_key = None
    for mode, r in results.items():
        seg_units, pk, unaligned = align(docs, files, r["xliff"])
        if para_key is None:
            para_key = pk
        if unaligned:
            notes.append(f"{mode}: {len(unaligned)} XLIFF paragraphs not matched to a WMT segment")
        hyp[mode] = {k: " ".join(t for _, t, _ in seg_units.get(k, []) if t).strip() for k in keys}
        units[mode] = {(k, uid): t for k in keys for uid, t, _ in seg_units.get(k, [])}
        checks[mode] = collections.Counter(c for k in keys for _, _, cs in seg_units.get(k, []) for c in cs)
        missing = sum(1 for k in keys if k not in seg_units)
        r["missing"] = missing
        if missing:
            notes.append(f"{mode}: {missing} WMT segments have no XLIFF unit (scored as empty output)")
    modes = [m for m in modes if m in results]

    # ---------------------------------------------------------- metrics
    os.environ["SACREBLEU_SEED"] = str(args.seed)
    refs = [ref[k] for k in keys]
    stats = {}
    for mode in modes:
        hs = [hyp[mode][k] for k in keys]
        stats[mode] = {"bleu": BLEU().corpus_score(hs, [refs]).score,
                       "chrf": CHRF().corpus_score(hs, [refs]).score}
    if len(modes) > 1:
        import logging
        logging.getLogger("sacrebleu").setLevel(logging.WARNING)
        pt = PairedTest([(m, [hyp[m][k] for k in keys]) for m in modes],
                        {"BLEU": BLEU(), "chrF": CHRF()}, [refs], test_type="bs",
                        n_samples=args.resamples)
        _, scores = pt()
        for name, col in scores.items():
            if name == "System":
                continue
            metric = "bleu" if name.startswith("BLEU") else "chrf"
            for mode, res in zip(modes, col):
                stats[mode][metric + "_p"] = res.p_value
                stats[mode][metric + "_ci"] = res.ci

    # glossary hits, located by paragraph id through the alignment
    ghits = glossary_hits(binary, list(files))
    ghits = [(para_key.get((f, pid)), fr, acc) for f, pid, fr, acc in ghits]
    lost_hits = sum(1 for k, _, _ in ghits if k is None)
    ghits = [(k, fr, acc) for k, fr, acc in ghits if k is not None]
    if lost_hits:
        notes.append(f"{lost_hits} glossary hits in paragraphs not matched to a WMT segment, left out")
    gold_scored = [g for g in gold if g["english"].strip()]
    gold_empty = len(gold) - len(gold_scored)
    for mode in modes:
        toks = {k: tokens(hyp[mode][k]) for k in keys}
        exp_ok = sum(1 for k, _, acc in ghits if contains(toks[k], tokens(acc[0])))
        any_ok = sum(1 for k, _, acc in ghits if any(contains(toks[k], tokens(a)) for a in acc))
        ref_ok = sum(1 for g in gold_scored if contains(toks[(g["docid"], int(g["seg"]))], tokens(g["english"])))
        stats[mode].update(exp_ok=exp_ok, any_ok=any_ok, ref_ok=ref_ok)
        stats[mode]["changed_units"] = sum(1 for u, t in units[mode].items() if units["off"].get(u) != t)
        stats[mode]["changed_segs"] = sum(1 for k in keys if hyp[mode][k] != hyp["off"][k])

    # ---------------------------------------------------------- table
    def pct(a, b):
        return f"{100 * a / b:.1f} % ({a}/{b})" if b else "n/a"

    def pval(m, key):
        return "—" if m == "off" else f"{stats[m][key]:.4f}"

    n_units = len(units["off"])

    def changed_cell(m):
        return "—" if m == "off" else f"{stats[m]['changed_units']} of {n_units}"
    lines = [
        f"Terminology modes on the WMT defence documents ({args.docs}: {len(docs)} documents, "
        f"{nseg} segments), Apertium {PAIR} via APy, target {LOCALE}, memory off.",
        "",
        "| mode | BLEU | p vs off | chrF | p vs off | glossary: expected target | glossary: expected or alternative "
        "| reference words (gold) | sentences changed vs off | time |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for m in modes:
        s = stats[m]
        lines.append(
            f"| {m} | {s['bleu']:.2f} | {pval(m, 'bleu_p')} | {s['chrf']:.2f} | {pval(m, 'chrf_p')} "
            f"| {pct(s['exp_ok'], len(ghits))} | {pct(s['any_ok'], len(ghits))} "
            f"| {pct(s['ref_ok'], len(gold_scored))} | {changed_cell(m)} "
            f"| {results[m]['secs']:.0f} s |")
    all_checks = sorted(set().union(*(checks[m] for m in modes)))
    lines += ["", "QA findings per check id (notes on the XLIFF units):", "",
              "| check | " + " | ".join(modes) + " |", "|---|" + "---:|" * len(modes)]
    for c in all_checks:
        lines.append(f"| {c} | " + " | ".join(str(checks[m][c]) for m in modes) + " |")
    if not all_checks:
        lines.append("| (none) | " + " | ".join("0" for _ in modes) + " |")
    lines += [
        "",
        f"BLEU and chrF: sacrebleu {sacrebleu.__version__} defaults, corpus level over all {nseg} segments "
        f"(a segment's output is its sentences' targets joined with a space). p: paired bootstrap resampling "
        f"against off, {args.resamples} resamples, seed {args.seed}.",
        f"Glossary: {len(ghits)} hits of `depeche glossary match --to {LOCALE}`, found when the target is in "
        "the output segment (case-insensitive; regular plurals and possessive 's accepted).",
        f"Reference words: {len(gold_scored)} gold term occurrences (fixtures/term-gold dev.tsv + test.tsv) "
        f"whose human-reference words are in the output segment, same tolerance; {gold_empty} occurrences "
        "the reference leaves out are not counted.",
        f"Sentences changed: XLIFF units (sentences) whose target differs from off; "
        + ", ".join(f"{m}: {stats[m]['changed_segs']} segments" for m in modes if m != "off") + ".",
    ]
    print()
    print("\n".join(lines))
    print()
    for m in modes:
        print(f"depeche summary, {m}:")
        for l in results[m]["summary"]:
            print(f"  {l}")
    for n in notes:
        print(f"note: {n}")

    # ---------------------------------------------------------- changed.tsv
    cmp = "repair" if "repair" in results else ("force" if "force" in results else None)
    changed = out / "changed.tsv"
    with open(changed, "w", encoding="utf-8") as f:
        def row(cells):  # plain TSV: no quoting, tabs and line breaks as spaces
            f.write("\t".join(re.sub(r"[\t\r\n]+", " ", str(c)) for c in cells) + "\n")

        row(["docid", "seg", "source", "off", "repair", "force", "reference"])
        n = 0
        for k in keys:
            if cmp and hyp[cmp][k] != hyp["off"][k]:
                row([k[0], k[1], src[k], hyp["off"][k], hyp.get("repair", {}).get(k, ""),
                     hyp.get("force", {}).get(k, ""), ref[k]])
                n += 1
    (out / "table.md").write_text("\n".join(lines) + "\n", encoding="utf-8")
    what = "repair" if cmp == "repair" else f"{cmp} (repair did not run)" if cmp else "nothing"
    print(f"\n{changed}: {n} segments where {what} differs from off; table also in {out / 'table.md'}")
    print(f"total time {time.time() - t_start:.0f} s")


if __name__ == "__main__":
    main()
