#!/usr/bin/env python3
"""Offline throughput: depeche `--provider none` against pysbd + translate-toolkit.

Builds the issue-13 corpus (5,060 articles, 20.2 MB of French, see
`benches/offline_corpus.py`) unless it is there, then in the same run and
on the same files, alternating, `--runs` times each:

- depeche: `depeche translate ARTICLES --provider none --glossary glossaries
  --out OUT --no-progress` (release binary, glossaries on, a fresh output
  folder on the same disk for every run);
- the peer: `benches/offline_peer.py` (pysbd sentences, translate-toolkit
  XLIFF, two worker processes: the cores depeche uses).

Prints wall seconds, MB/s of input and the peak resident memory of each run
(the largest process for depeche; the peer's parent plus its two workers),
then the median per tool.

Usage:
    cargo build --release
    python3 benches/offline.py [--runs 3] [--peer-runs 1] [--articles N]
"""

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def child_rss(cmd, cwd):
    """Like `run`, with the peak RSS of that process tree measured by
    polling /proc (ru_maxrss of RUSAGE_CHILDREN is a running maximum over all
    children ever waited for, so it cannot tell runs apart)."""
    started = time.perf_counter()
    proc = subprocess.Popen(cmd, cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(proc.pid, 0)
    secs = time.perf_counter() - started
    proc.returncode = os.waitstatus_to_exitcode(status)
    out = proc.stdout.read().decode()
    err = proc.stderr.read().decode()
    if proc.returncode != 0:
        sys.exit(f"{' '.join(cmd)} failed ({proc.returncode}):\n{err}\n{out}")
    return secs, usage.ru_maxrss, out


def peer_rss(cmd, cwd):
    """The peer runs a pool of workers: its peak is the parent's plus the
    workers' (they live side by side), sampled from /proc every 20 ms."""
    started = time.perf_counter()
    proc = subprocess.Popen(cmd, cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    peak = 0
    while proc.poll() is None:
        peak = max(peak, tree_rss_kb(proc.pid))
        time.sleep(0.02)
    secs = time.perf_counter() - started
    out = proc.stdout.read().decode()
    if proc.returncode != 0:
        sys.exit(f"peer failed ({proc.returncode}):\n{proc.stderr.read().decode()}")
    return secs, peak, out


def tree_rss_kb(pid):
    total = 0
    pids = [pid]
    while pids:
        p = pids.pop()
        try:
            with open(f"/proc/{p}/status") as f:
                for line in f:
                    if line.startswith("VmRSS:"):
                        total += int(line.split()[1])
            with open(f"/proc/{p}/task/{p}/children") as f:
                pids.extend(int(c) for c in f.read().split())
        except OSError:
            pass
    return total


def main():
    ap = argparse.ArgumentParser(description="offline throughput against the peer pipeline")
    ap.add_argument("--runs", type=int, default=3, help="depeche runs")
    ap.add_argument("--peer-runs", type=int, default=1, help="peer runs (0 to skip)")
    ap.add_argument("--corpus", default=os.path.join(ROOT, "target", "offline-corpus"))
    ap.add_argument("--depeche", default=os.path.join(ROOT, "target", "release", "depeche"))
    ap.add_argument("--jobs", default=None, help="depeche -j (default: its own)")
    ap.add_argument("--work", default=None, help="folder for the outputs (default: a temp dir)")
    ap.add_argument("--settle", type=float, default=0.0,
                    help="seconds to wait before the first run (see below; default 0)")
    args = ap.parse_args()

    articles = os.path.join(args.corpus, "articles")
    if not os.path.isdir(articles):
        subprocess.run(
            [sys.executable, os.path.join(ROOT, "benches", "offline_corpus.py"), "--out", args.corpus],
            check=True,
        )
    if not os.path.exists(args.depeche):
        sys.exit(f"{args.depeche}: build it first (cargo build --release)")
    names = [n for n in os.listdir(articles) if n.endswith(".txt")]
    size = sum(os.path.getsize(os.path.join(articles, n)) for n in names)
    work = tempfile.mkdtemp(prefix="depeche-offline-", dir=args.work)
    print(f"corpus: {len(names)} articles, {size / 1e6:.1f} MB, {articles}")
    print(f"outputs under {work} (same disk as the corpus: {os.stat(work).st_dev == os.stat(articles).st_dev})")
    # ext4 without a journal does not hand out an inode freed in the last
    # 60 seconds (360 while its inode table block is not yet written back)
    # when a free one can be found by scanning: for minutes after thousands
    # of files were deleted (an earlier run of this bench cleaning up), every
    # file created scans, and a run takes two to three times as long. Wait
    # out that window (--settle 400) to measure the tools, not the file
    # system's recent history.
    if args.settle > 0:
        print(f"waiting {args.settle:.0f} s for recently freed inodes to settle (--settle 0 to skip)")
        time.sleep(args.settle)
    print(f"{'tool':<26} {'run':>3} {'seconds':>8} {'MB/s':>7} {'peak RSS MB':>12}")
    results = {"depeche": [], "peer": []}
    for i in range(max(args.runs, args.peer_runs)):
        if i < args.runs:
            out = os.path.join(work, f"depeche-{i}")
            cmd = [
                args.depeche, "translate", articles, "--provider", "none",
                "--glossary", os.path.join(ROOT, "glossaries"),
                "--out", out, "--no-progress",
            ]
            if args.jobs:
                cmd += ["-j", args.jobs]
            secs, rss, _ = child_rss(cmd, work)
            files = len(os.listdir(out))
            if files != len(names):
                sys.exit(f"depeche wrote {files} files for {len(names)} articles")
            results["depeche"].append((secs, rss))
            print(f"{'depeche --provider none':<26} {i + 1:>3} {secs:>8.2f} {size / 1e6 / secs:>7.2f} {rss / 1024:>12.1f}", flush=True)
            # Outputs stay until the end: ext4 will not reuse an inode freed
            # in the last minutes, so deleting 5,000 files just before the
            # next run makes its file creation scan for free inodes and
            # measures the file system, not the tools.
        if i < args.peer_runs:
            out = os.path.join(work, f"peer-{i}")
            cmd = [sys.executable, os.path.join(ROOT, "benches", "offline_peer.py"), articles, out]
            secs, rss, stdout = peer_rss(cmd, work)
            results["peer"].append((secs, rss))
            print(f"{'pysbd + translate-toolkit':<26} {i + 1:>3} {secs:>8.2f} {size / 1e6 / secs:>7.2f} {rss / 1024:>12.1f}   ({stdout.split()[1]} sentences)", flush=True)
    print()
    for tool, rows in results.items():
        if not rows:
            continue
        secs = statistics.median(r[0] for r in rows)
        rss = max(r[1] for r in rows)
        print(f"{tool}: median {secs:.2f} s, {size / 1e6 / secs:.2f} MB/s "
              f"(range {size / 1e6 / max(r[0] for r in rows):.2f}-{size / 1e6 / min(r[0] for r in rows):.2f}), "
              f"peak RSS {rss / 1024:.1f} MB, {len(rows)} runs")
    shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
