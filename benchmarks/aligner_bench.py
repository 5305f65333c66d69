"""Score and time the sentence aligner (`bitext align-sentences`) on the gold bench sets.

Each alignment runs in its own child process (time includes the interpreter start-up;
peak memory is that process's VmHWM, see ``_measure.py``) after a warm-up that builds the
dictionary cache and compiles the aligner's kernels. Strict P/R/F1 as in the bench
README: Bible en→zh at verse level (beads merged by ``en.verse`` / ``zh.verse`` first),
ParaMed zh→en per document and micro-averaged over the six documents (summed counts).

    .venv/bin/python benchmarks/aligner_bench.py --sets bible001,paramed
"""

from __future__ import annotations

import argparse
import tempfile
from dataclasses import dataclass
from pathlib import Path

from _measure import DATA, machine, require_data, run_cli, warm_caches

from corpus.beadfiles import read_beads, read_lines, score_beads, verse_merge

BIBLE = DATA / "bible"
PARAMED = DATA / "paramed-dev"
SETS = ("bible001", "bible006", "paramed")
TIMEOUT = 15 * 60  # seconds per alignment


@dataclass(frozen=True)
class Case:
    """One alignment to run: ``src`` → ``tgt``, scored against ``gold``."""

    name: str
    src: Path
    tgt: Path
    gold: Path
    src_lang: str
    verses: bool  # Bible: score at verse level


@dataclass(frozen=True)
class Row:
    """A line of the table; counts are (correct, predicted, gold), None after a timeout."""

    name: str
    n_src: int
    n_tgt: int
    counts: tuple[int, int, int] | None
    seconds: float
    peak_mib: float


def cases(chosen: list[str]) -> list[Case]:
    """The alignments of the chosen sets, in table order."""
    out = []
    for name in chosen:
        if name.startswith("bible"):
            n = name.removeprefix("bible")
            out.append(
                Case(
                    name,
                    BIBLE / f"{n}.en",
                    BIBLE / f"{n}.zh",
                    BIBLE / "gold" / f"{n}.align",
                    "en",
                    True,
                )
            )
        else:
            out += [
                Case(
                    f"paramed doc{i}",
                    PARAMED / f"doc{i}.zh",
                    PARAMED / f"doc{i}.en",
                    PARAMED / "gold" / f"doc{i}.align",
                    "zh",
                    False,
                )
                for i in range(1, 7)
            ]
    return out


def run_case(case: Case, tmp: Path, semantic: bool = False) -> Row:
    """Align one case in a child process and score its beads."""
    pred = tmp / f"{case.name.replace(' ', '-')}.align"
    args = [
        "align-sentences",
        str(case.src),
        str(case.tgt),
        "-o",
        str(pred),
        "--src-lang",
        case.src_lang,
    ] + (["--semantic"] if semantic else [])
    run = run_cli(args, timeout=TIMEOUT)
    if run.returncode not in (0, None):
        raise SystemExit(f"failed: bitext {' '.join(args)}\n{run.stderr}")
    counts = None
    if not run.timed_out:
        gold, beads = read_beads(case.gold), read_beads(pred)
        if case.verses:
            verses = read_lines(BIBLE / "en.verse"), read_lines(BIBLE / "zh.verse")
            gold, beads = verse_merge(gold, *verses), verse_merge(beads, *verses)
        counts = score_beads(gold, beads)
    return Row(
        case.name,
        len(read_lines(case.src)),
        len(read_lines(case.tgt)),
        counts,
        run.seconds,
        run.peak_mib,
    )


def overall(name: str, rows: list[Row]) -> Row:
    """Micro-average of ``rows``: summed sentences, counts and seconds, highest peak."""
    done = [r.counts for r in rows if r.counts is not None]
    counts = (
        None
        if len(done) < len(rows)
        else (sum(c[0] for c in done), sum(c[1] for c in done), sum(c[2] for c in done))
    )
    return Row(
        name,
        sum(r.n_src for r in rows),
        sum(r.n_tgt for r in rows),
        counts,
        sum(r.seconds for r in rows),
        max(r.peak_mib for r in rows),
    )


def format_row(row: Row) -> str:
    """``set  sentences  F1 (P, R)  seconds  peak MiB`` as a table line."""
    if row.counts is None:
        score = "timeout"
        seconds = f">{TIMEOUT}"
    else:
        correct, n_pred, n_gold = row.counts
        p = correct / n_pred if n_pred else 0.0
        r = correct / n_gold if n_gold else 0.0
        f = 2 * p * r / (p + r) if p + r else 0.0
        score = f"{f:.3f} ({p:.3f}, {r:.3f})"
        seconds = f"{row.seconds:.1f}"
    sentences = f"{row.n_src:,} × {row.n_tgt:,}"
    return f"{row.name:<17}{sentences:>17}  {score:<22}{seconds:>9}{row.peak_mib:>10.0f}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--sets",
        default=",".join(SETS),
        help=f"comma-separated sets to run, of {', '.join(SETS)} (default: all; "
        "bible006 takes minutes)",
    )
    parser.add_argument("--semantic", action="store_true",
                        help="align with --semantic (slow: embeds every sentence)")
    opts = parser.parse_args()
    chosen = opts.sets.split(",")
    unknown = sorted(set(chosen) - set(SETS))
    if unknown:
        parser.error(f"unknown set(s) {', '.join(unknown)}; choose from {', '.join(SETS)}")
    todo = cases(chosen)
    verse_files = [BIBLE / "en.verse", BIBLE / "zh.verse"] if any(c.verses for c in todo) else []
    require_data(*(p for c in todo for p in (c.src, c.tgt, c.gold)), *verse_files)
    warm = warm_caches()
    print(
        f"{machine()}. Caches (dictionary, compiled kernels) warmed first ({warm:.1f} s), "
        f"not in the timings; timeout {TIMEOUT} s per alignment"
        f"{'; --semantic' if opts.semantic else ''}."
    )
    print(f"{'set':<17}{'sentences':>17}  {'F1 (P, R)':<22}{'seconds':>9}{'peak MiB':>10}")
    paramed: list[Row] = []
    with tempfile.TemporaryDirectory(prefix="bitext-aligner-bench-") as tmp:
        for case in todo:
            row = run_case(case, Path(tmp), opts.semantic)
            print(format_row(row), flush=True)
            if case.name.startswith("paramed"):
                paramed.append(row)
    if paramed:
        print(format_row(overall("paramed overall", paramed)))


if __name__ == "__main__":
    main()
