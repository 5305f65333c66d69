"""Time `bitext align` end to end on the articles-dev set with --jobs 1 and 2; score it.

Each run writes a fresh store in a temporary folder (nothing is reused) from a child
process. Peak memory: the highest sum of VmRSS over the child and its worker processes
(polled every 50 ms; shared pages count once per process) and the highest VmHWM of any one
of them (see ``_measure.py``). A warm-up alignment first builds the dictionary cache and
compiles the aligner's kernels, so the timings leave out those one-time costs. The pairs
of the --jobs 1 store are then scored with the bench's ``tools/evalpairs.py --by-layout``.

    .venv/bin/python benchmarks/align_bench.py
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
from pathlib import Path

import polars as pl
from _measure import DATA, ROOT, Measured, machine, require_data, run_cli, warm_caches

from corpus.articles import find_articles

ARTICLES = DATA / "articles-dev" / "articles"
GOLD = DATA / "articles-dev" / "gold.jsonl"
EVALPAIRS = DATA / "tools" / "evalpairs.py"


def input_characters(root: Path) -> int:
    """Characters of every file under ``root``, decoded as UTF-8."""
    return sum(
        len(f.read_text(encoding="utf-8", errors="replace")) for f in root.rglob("*") if f.is_file()
    )


def align(out: Path, jobs: int) -> tuple[Measured, int, int]:
    """Run ``bitext align`` into the new store ``out``: the run, its number of pairs and
    of articles with errors."""
    run = run_cli(["align", str(ARTICLES), "-o", str(out), "--jobs", str(jobs)])
    if run.returncode != 0:
        raise SystemExit(f"failed: bitext align --jobs {jobs}\n{run.stderr}")
    pairs = pl.scan_parquet(out / "pairs.parquet").select(pl.len()).collect().item()
    errors = (
        pl.scan_parquet(out / "documents.parquet")
        .select((pl.col("status") == "error").sum())
        .collect()
        .item()
    )
    return run, pairs, errors


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--jobs", default="1,2", help="comma-separated --jobs values to time (default: 1,2)"
    )
    opts = parser.parse_args()
    jobs = [int(j) for j in opts.jobs.split(",")]
    require_data(ARTICLES, GOLD, EVALPAIRS)
    articles = len(list(find_articles(ARTICLES)))
    characters = input_characters(ARTICLES)
    warm = warm_caches()
    print(
        f"{os.path.relpath(ARTICLES, ROOT)}: {articles} articles, {characters:,} characters; "
        f"{machine()}. Caches (dictionary, compiled kernels) warmed first ({warm:.1f} s), "
        "not in the timings."
    )
    print(
        f"{'jobs':>4}{'seconds':>9}{'chars':>10}{'chars/s':>9}{'articles/s':>11}{'pairs':>7}"
        f"{'errors':>7}{'tree peak MiB':>15}{'max proc MiB':>14}"
    )
    with tempfile.TemporaryDirectory(prefix="bitext-align-bench-") as tmp:
        for n in jobs:
            run, pairs, errors = align(Path(tmp) / f"jobs{n}", n)
            print(
                f"{n:>4}{run.seconds:>9.1f}{characters:>10,}{characters / run.seconds:>9,.0f}"
                f"{articles / run.seconds:>11.1f}{pairs:>7,}{errors:>7}"
                f"{run.group_rss_mib:>15.0f}{run.max_hwm_mib:>14.0f}",
                flush=True,
            )
        pred = Path(tmp) / f"jobs{jobs[0]}" / "pairs.parquet"
        print(f"\nevalpairs.py --by-layout on the --jobs {jobs[0]} store:", flush=True)
        scored = subprocess.run(
            [sys.executable, str(EVALPAIRS), str(GOLD), str(pred), "--by-layout"],
            cwd=ROOT,
            capture_output=True,
            text=True,
            check=False,
        )
    if scored.returncode != 0:
        raise SystemExit(f"failed: evalpairs.py\n{scored.stderr}")
    print(scored.stdout, end="")


if __name__ == "__main__":
    main()
