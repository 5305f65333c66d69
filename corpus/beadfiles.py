"""Bead files (``[0,1]:[2]`` a line), sentence-a-line files, and the strict metric."""

from __future__ import annotations

from pathlib import Path

from align import Bead


def read_lines(path: Path) -> list[str]:
    """Lines of a UTF-8 text file, without the final empty line."""
    lines = Path(path).read_text(encoding="utf-8-sig").split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    return [line.rstrip("\r") for line in lines]


def read_beads(path: Path) -> list[Bead]:
    """The beads of a bead file (anything after a tab, such as a score, is ignored)."""
    return [Bead.parse(line.split("\t")[0]) for line in read_lines(path) if line.strip()]


def verse_merge(beads: list[Bead], src_verse: list[str], tgt_verse: list[str]) -> list[Bead]:
    """Merge consecutive beads whose sentences belong to one verse (the Bible's gold
    is at verse level)."""
    out: list[Bead] = []
    last = None
    for b in beads:
        verse = src_verse[b.src[0]] if b.src else tgt_verse[b.tgt[0]]
        if out and verse == last:
            prev = out[-1]
            out[-1] = Bead(prev.src + b.src, prev.tgt + b.tgt)
        else:
            out.append(b)
        last = verse
    return out


def score_beads(gold: list[Bead], pred: list[Bead]) -> tuple[int, int, int]:
    """(correct, predicted, gold) counts of the strict metric: a predicted bead is
    correct when the identical bead is in the gold, empty-sided beads included."""
    g = {(b.src, b.tgt) for b in gold}
    return sum((b.src, b.tgt) in g for b in pred), len(pred), len(gold)
