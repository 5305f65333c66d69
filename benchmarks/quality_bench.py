"""Speed and memory of the pair-quality score on a large parallel file (``bitext score``).

Writes a TSV of ``--pairs`` distinct pairs (default 1,000,000: Bible 006, NTREX and
mac-dev lines, each numbered so that no pair and no side repeats, every fifth a
neighbour-shifted pair, one bad row in 10,000) and runs ``bitext score FILE -o OUT`` on
it in a child process for each scorer asked for, reporting seconds, pairs per second and
the peak resident memory (the child's, and the highest sum over its worker processes).
The model's accuracy is measured by ``benchmarks/train_quality.py``.

    .venv/bin/python benchmarks/quality_bench.py [--pairs 1000000] [--scorer lexical]
        [--scorer embedding --pairs-embedding 100000] [--jobs 1]
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _measure import DATA, machine, require_data, run_cli

from corpus.beadfiles import read_lines


def write_tsv(path: Path, n: int) -> int:
    """``n`` pairs (and one bad row in 10,000) to ``path``, streamed; the bad rows."""
    en = read_lines(DATA / "bible" / "006.en") + read_lines(
        DATA / "ntrex" / "newstest2019-src.eng.txt")
    zh = read_lines(DATA / "bible" / "006.zh") + read_lines(
        DATA / "ntrex" / "newstest2019-ref.zho-CN.txt")
    m = min(len(en), len(zh))
    bad = 0
    with open(path, "w", encoding="utf-8") as out:
        for k in range(n):
            j = k % m
            zh_j = zh[(j + 1) % m] if k % 5 == 4 else zh[j]
            out.write(f"{en[j]} ({k})\t{zh_j}（{k}）\n")
            if k % 10_000 == 9_999:
                out.write(f"a row with one column ({k})\n")
                bad += 1
    return bad


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pairs", type=int, default=1_000_000)
    parser.add_argument("--scorer", action="append", choices=("lexical", "embedding"),
                        help="scorers to run (repeatable; default lexical)")
    parser.add_argument("--pairs-embedding", type=int, default=0,
                        help="pairs for the embedding scorer (default: --pairs)")
    parser.add_argument("--jobs", type=int, default=1)
    opts = parser.parse_args()
    require_data(DATA / "bible", DATA / "ntrex")
    print(f"machine: {machine()}")
    with tempfile.TemporaryDirectory(prefix="bitext-quality-bench-") as tmp:
        for scorer in opts.scorer or ["lexical"]:
            n = opts.pairs_embedding or opts.pairs if scorer == "embedding" else opts.pairs
            src, out = Path(tmp, f"pairs-{n}.tsv"), Path(tmp, "scored.tsv")
            if not src.exists():
                bad = write_tsv(src, n)
                print(f"wrote {n:,} pairs + {bad} bad rows ({src.stat().st_size / 2**20:.0f} MiB)")
            run = run_cli(["score", str(src), "-o", str(out), "--scorer", scorer,
                           "--jobs", str(opts.jobs)])
            if run.returncode != 0:
                raise SystemExit(f"bitext score failed:\n{run.stderr[-2000:]}")
            with open(out, encoding="utf-8") as scored:
                lines = sum(1 for _ in scored)
            bad_lines = sum(line.startswith("bitext: ") and "column" in line
                            for line in run.stderr.splitlines())
            print(f"{scorer:<10} {n:>10,} pairs, --jobs {opts.jobs}: {run.seconds:8.1f} s, "
                  f"{n / run.seconds:7,.0f} pairs/s, peak {run.peak_mib:6.0f} MiB "
                  f"(process group {run.max_hwm_mib:.0f} MiB max one, "
                  f"{run.group_rss_mib:.0f} MiB summed); {lines:,} lines out, "
                  f"{bad_lines} bad rows reported")
            print("  " + run.stderr.strip().splitlines()[-1])
            out.unlink()


if __name__ == "__main__":
    main()
