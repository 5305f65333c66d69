"""Run the benchmarks one after another: align_bench, aligner_bench, export_bench.

``make bench`` runs this; ``make bench BENCH_ARGS=--quick`` leaves out Bible 006.

    .venv/bin/python benchmarks/run.py [--quick] [--pairs N]
"""

from __future__ import annotations

import argparse
import subprocess
import sys
from pathlib import Path

BENCHMARKS = Path(__file__).resolve().parent


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--quick", action="store_true", help="leave Bible 006 (minutes) out of aligner_bench"
    )
    parser.add_argument(
        "--pairs", type=int, default=200_000, help="pairs in export_bench's synthetic store"
    )
    opts = parser.parse_args()
    runs = [
        ["align_bench.py"],
        ["aligner_bench.py", *(["--sets", "bible001,paramed"] if opts.quick else [])],
        ["export_bench.py", "--pairs", str(opts.pairs)],
    ]
    for script, *args in runs:
        print(f"\n== {script} {' '.join(args)}".rstrip(), flush=True)
        done = subprocess.run([sys.executable, str(BENCHMARKS / script), *args], check=False)
        if done.returncode != 0:
            raise SystemExit(f"{script} failed (exit status {done.returncode})")


if __name__ == "__main__":
    main()
