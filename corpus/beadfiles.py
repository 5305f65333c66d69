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
    """Merge predicted beads to verse level (the Bible's gold is at verse level) as the
    Bertalign paper's evaluation script (``eval_bible.py``) does.

    A bead has a verse only when each non-empty side lies within one verse and the two
    sides lie in the same one (an empty side takes the other side's verse); consecutive
    beads with the same verse merge into one; a bead with no verse is never merged, with
    the bead before it or after it. ``src_verse[i]`` is the verse of source line ``i``
    (e.g. ``Gen:1:2``), ``tgt_verse`` likewise."""
    out: list[Bead] = []
    last: str | None = None
    for b in beads:
        verse = bead_verse(b, src_verse, tgt_verse)
        if verse and verse == last:
            prev = out[-1]
            out[-1] = Bead(prev.src + b.src, prev.tgt + b.tgt)
        else:
            out.append(b)
        last = verse
    return out


def bead_verse(bead: Bead, src_verse: list[str], tgt_verse: list[str]) -> str | None:
    """The one verse both sides of ``bead`` lie in (an empty side takes the other's), or
    None when a side spans several verses or the two sides lie in different ones."""
    src = {src_verse[i] for i in bead.src}
    tgt = {tgt_verse[i] for i in bead.tgt}
    if len(src) > 1 or len(tgt) > 1 or src and tgt and src != tgt:
        return None
    return next(iter(src or tgt), None)


def score_beads(gold: list[Bead], pred: list[Bead]) -> tuple[int, int, int]:
    """(correct, predicted, gold) counts of the strict metric: a predicted bead is
    correct when the identical bead is in the gold, empty-sided beads included."""
    g = {(b.src, b.tgt) for b in gold}
    return sum((b.src, b.tgt) in g for b in pred), len(pred), len(gold)
