"""Run the benchmarks: one table over every dev set, then export_bench's table.

``make bench`` runs this; ``make bench BENCH_ARGS=--quick`` leaves out Bible 006.

    .venv/bin/python benchmarks/run.py [--quick] [--sets mac-dev,ntrex,...] [--pairs N]

A row per set (``set  sentences  F1 (P, R)  seconds  peak MiB``), each set run by one
child process after a warm-up (``_measure.warm_caches``) that keeps the one-time
dictionary build and kernel compilation out of the timings:

- mac-dev, bible001, bible006, paramed, ntrex: ``bitext align-sentences --jobs`` over the
  set's file pairs (``aligner_bench.py``), strict P/R/F1 pooled over the files; Bible at
  verse level (the Bertalign paper's merge).
- articles: ``bitext align --jobs 1`` end to end on articles-dev, scored by the bench's
  ``evalpairs.py`` (``align_bench.py``), overall and per source (news, medicine, Bible).
- export: ``export_bench.py --pairs N`` afterwards, its own table.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
from pathlib import Path

import align_bench
import aligner_bench
from _measure import machine, require_data, warm_caches
from _table import TIMEOUT, format_row, header

BENCHMARKS = Path(__file__).resolve().parent
SETS = (*aligner_bench.SETS, "articles", "export")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true",
                        help="leave Bible 006 (the slowest set) out")
    parser.add_argument("--sets", default=",".join(SETS),
                        help=f"comma-separated sets, in table order, of {', '.join(SETS)} "
                        "(default: all)")
    parser.add_argument("--pairs", type=int, default=200_000,
                        help="pairs in export_bench's synthetic store")
    opts = parser.parse_args()
    chosen = [s for s in opts.sets.split(",") if s and not (opts.quick and s == "bible006")]
    unknown = sorted(set(chosen) - set(SETS))
    if unknown:
        parser.error(f"unknown set(s) {', '.join(unknown)}; choose from {', '.join(SETS)}")
    beads = [s for s in chosen if s in aligner_bench.SETS]
    require_data(*(p for s in beads for p in aligner_bench.data_files(s)),
                 *([align_bench.ARTICLES, align_bench.GOLD, align_bench.EVALPAIRS]
                   if "articles" in chosen else []))
    if beads or "articles" in chosen:
        warm = warm_caches()
        print(f"{machine()}. Caches (dictionary, compiled kernels) warmed first ({warm:.1f} s),"
              f" not in the timings; one process per set, timeout {TIMEOUT} s.", flush=True)
        print(header(), flush=True)
        with tempfile.TemporaryDirectory(prefix="bitext-bench-") as tmp:
            for name in chosen:
                if name in aligner_bench.SETS:
                    rows = [aligner_bench.run_set(aligner_bench.bead_set(name, Path(tmp)),
                                                  Path(tmp))]
                elif name == "articles":
                    rows = align_bench.articles_rows(Path(tmp))
                else:
                    continue
                for row in rows:
                    print(format_row(row), flush=True)
    if "export" in chosen:
        print(f"\n== export_bench.py --pairs {opts.pairs}", flush=True)
        done = subprocess.run([sys.executable, str(BENCHMARKS / "export_bench.py"),
                               "--pairs", str(opts.pairs)], check=False)
        if done.returncode != 0:
            raise SystemExit(f"export_bench.py failed (exit status {done.returncode})")


if __name__ == "__main__":
    main()
