"""Score and time the sentence aligner (`bitext align-sentences --jobs`) on the gold bench sets.

Each set is aligned by one child process, ``bitext align-sentences --jobs FILE`` with a
line per file pair of the set, so its seconds include one interpreter start-up (peak
memory is that process's VmHWM, see ``_measure.py``), after a warm-up that builds the
dictionary cache and compiles the aligner's kernels. Strict P/R/F1 as in the bench README,
pooled over the files of a set (summed counts):

- ``mac-dev``: MAC-Dev, six novel chapters, zh→en.
- ``bible001`` / ``bible006``: Bible en→zh at verse level: the predicted beads are merged
  by the Bertalign paper's rule first (``corpus.beadfiles.verse_merge``).
- ``paramed``: the six ParaMed dev documents (NEJM), zh→en.
- ``ntrex``: NTREX-128 (WMT19 news), split into its 123 articles by ``DOCUMENT_IDS.tsv``,
  en→zh; the files are line-aligned, so the gold is the identity 1-1 beads.

    .venv/bin/python benchmarks/aligner_bench.py --sets bible001,paramed
"""

from __future__ import annotations

import argparse
import tempfile
from dataclasses import dataclass
from pathlib import Path

from _measure import DATA, machine, require_data, run_cli, warm_caches
from _table import TIMEOUT, Row, format_row, header, prf

from corpus.beadfiles import read_beads, read_lines, score_beads, verse_merge

BIBLE = DATA / "bible"
PARAMED = DATA / "paramed-dev"
MAC = DATA / "mac-dev"
NTREX = DATA / "ntrex"
NTREX_EN = NTREX / "newstest2019-src.eng.txt"
NTREX_ZH = NTREX / "newstest2019-ref.zho-CN.txt"
NTREX_DOCS = NTREX / "DOCUMENT_IDS.tsv"
SETS = ("mac-dev", "bible001", "bible006", "paramed", "ntrex")


@dataclass(frozen=True)
class Pair:
    """One file pair of a set: ``src`` aligned with ``tgt``, scored against ``gold``."""

    src: Path
    tgt: Path
    gold: Path


@dataclass(frozen=True)
class BeadSet:
    """A set aligned in one process and scored pooled over its pairs."""

    key: str  # its name in SETS
    name: str  # its name in the table
    pairs: list[Pair]
    src_lang: str
    verses: bool  # Bible: score at verse level


def data_files(name: str) -> list[Path]:
    """The bench files set ``name`` needs (to check they are there before any run)."""
    if name.startswith("bible"):
        n = name.removeprefix("bible")
        return [BIBLE / f"{n}.en", BIBLE / f"{n}.zh", BIBLE / "gold" / f"{n}.align",
                BIBLE / "en.verse", BIBLE / "zh.verse"]
    if name == "ntrex":
        return [NTREX_EN, NTREX_ZH, NTREX_DOCS]
    root, stems, ext = ((MAC, [f"{i:03d}" for i in range(1, 7)], "zh") if name == "mac-dev"
                        else (PARAMED, [f"doc{i}" for i in range(1, 7)], "zh"))
    return [p for s in stems for p in (root / f"{s}.{ext}", root / f"{s}.en",
                                       root / "gold" / f"{s}.align")]


def bead_set(name: str, tmp: Path) -> BeadSet:
    """Set ``name`` (one of ``SETS``); NTREX's per-article files are written under ``tmp``."""
    if name.startswith("bible"):
        n = name.removeprefix("bible")
        pair = Pair(BIBLE / f"{n}.en", BIBLE / f"{n}.zh", BIBLE / "gold" / f"{n}.align")
        return BeadSet(name, f"bible {n}", [pair], "en", True)
    if name == "mac-dev":
        return BeadSet(name, "mac-dev (6)", [
            Pair(MAC / f"{i:03d}.zh", MAC / f"{i:03d}.en", MAC / "gold" / f"{i:03d}.align")
            for i in range(1, 7)], "zh", False)
    if name == "paramed":
        return BeadSet(name, "paramed (6)", [
            Pair(PARAMED / f"doc{i}.zh", PARAMED / f"doc{i}.en",
                 PARAMED / "gold" / f"doc{i}.align") for i in range(1, 7)], "zh", False)
    if name == "ntrex":
        pairs = split_ntrex(tmp / "ntrex-docs")
        return BeadSet(name, f"ntrex ({len(pairs)})", pairs, "en", False)
    raise ValueError(f"unknown set {name!r}")


def split_ntrex(folder: Path) -> list[Pair]:
    """NTREX's line-aligned English and Chinese files cut into one pair of files per
    article (``DOCUMENT_IDS.tsv`` names each line's article), with identity gold beads."""
    en, zh = read_lines(NTREX_EN), read_lines(NTREX_ZH)
    docs = [line.split("\t")[0] for line in read_lines(NTREX_DOCS)]
    if not len(en) == len(zh) == len(docs):
        raise SystemExit(f"{NTREX}: {len(en)} English, {len(zh)} Chinese lines, "
                         f"{len(docs)} document ids: not line-aligned")
    runs: list[list[int]] = []
    for i, doc in enumerate(docs):
        if i and doc == docs[i - 1]:
            runs[-1].append(i)
        else:
            runs.append([i])
    folder.mkdir(parents=True)
    pairs = []
    for k, lines in enumerate(runs):
        pair = Pair(folder / f"{k:03d}.en", folder / f"{k:03d}.zh", folder / f"{k:03d}.align")
        pair.src.write_text("".join(f"{en[i]}\n" for i in lines), encoding="utf-8")
        pair.tgt.write_text("".join(f"{zh[i]}\n" for i in lines), encoding="utf-8")
        pair.gold.write_text("".join(f"[{j}]:[{j}]\n" for j in range(len(lines))))
        pairs.append(pair)
    return pairs


def run_set(beads: BeadSet, tmp: Path, semantic: bool = False) -> Row:
    """Align every pair of ``beads`` in one child process (``align-sentences --jobs``)
    and score the beads pooled over the pairs."""
    work = tmp / beads.key
    work.mkdir(parents=True)
    preds = [work / f"{k:03d}.align" for k in range(len(beads.pairs))]
    jobs = work / "jobs"
    jobs.write_text("".join(f"{p.src} {p.tgt} {out}\n" for p, out in zip(beads.pairs, preds)),
                    encoding="utf-8")
    args = ["align-sentences", "--jobs", str(jobs), "--src-lang", beads.src_lang]
    run = run_cli(args + (["--semantic"] if semantic else []), timeout=TIMEOUT)
    if run.returncode not in (0, None):
        raise SystemExit(f"failed: bitext {' '.join(args)}\n{run.stderr}")
    n_src = sum(len(read_lines(p.src)) for p in beads.pairs)
    n_tgt = sum(len(read_lines(p.tgt)) for p in beads.pairs)
    size = f"{n_src:,} × {n_tgt:,}"
    if run.timed_out:
        return Row(beads.name, size, None, run.seconds, run.peak_mib)
    verses = (read_lines(BIBLE / "en.verse"), read_lines(BIBLE / "zh.verse")) \
        if beads.verses else None
    total = [0, 0, 0]
    for pair, pred in zip(beads.pairs, preds):
        gold, predicted = read_beads(pair.gold), read_beads(pred)
        if verses:
            gold, predicted = verse_merge(gold, *verses), verse_merge(predicted, *verses)
        total = [t + c for t, c in zip(total, score_beads(gold, predicted))]
    return Row(beads.name, size, prf(*total), run.seconds, run.peak_mib)


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
    require_data(*(p for name in chosen for p in data_files(name)))
    warm = warm_caches()
    print(
        f"{machine()}. Caches (dictionary, compiled kernels) warmed first ({warm:.1f} s), "
        f"not in the timings; one process per set, timeout {TIMEOUT} s"
        f"{'; --semantic' if opts.semantic else ''}."
    )
    print(header())
    with tempfile.TemporaryDirectory(prefix="bitext-aligner-bench-") as tmp:
        for name in chosen:
            print(format_row(run_set(bead_set(name, Path(tmp)), Path(tmp), opts.semantic)),
                  flush=True)


if __name__ == "__main__":
    main()
