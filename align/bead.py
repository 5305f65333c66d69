"""The bead: which source sentences align with which target sentences."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

_BEAD_RE = re.compile(r"^\s*\[([\d,\s]*)\]\s*:\s*\[([\d,\s]*)\]\s*$")


@dataclass(frozen=True)
class Bead:
    """Source ids ``src`` aligned with target ids ``tgt``; either side may be empty.

    ``score`` is the aligner's confidence in [0, 1] (0 for beads with an empty side).
    Equality ignores the score, so predicted and gold beads compare by ids alone.
    """

    src: tuple[int, ...]
    tgt: tuple[int, ...]
    score: float = field(default=0.0, compare=False)

    @property
    def kind(self) -> str:
        """The bead type, e.g. ``1-1``, ``2-1``, ``0-1``."""
        return f"{len(self.src)}-{len(self.tgt)}"

    def __str__(self) -> str:
        return f"[{','.join(map(str, self.src))}]:[{','.join(map(str, self.tgt))}]"

    @classmethod
    def parse(cls, text: str) -> Bead:
        """Read the text form ``[0,1]:[2]`` used by Vecalign, Bertalign and our bead files."""
        m = _BEAD_RE.match(text)
        if not m:
            raise ValueError(f"not a bead: {text!r} (expected e.g. [0,1]:[2])")
        src, tgt = (tuple(int(x) for x in side.replace(" ", "").split(",") if x)
                    for side in m.groups())
        return cls(src, tgt)


def check_cover(beads: list[Bead], n_src: int, n_tgt: int) -> None:
    """Raise ValueError unless the beads cover every sentence exactly once, in order."""
    src = [i for b in beads for i in b.src]
    tgt = [j for b in beads for j in b.tgt]
    if src != list(range(n_src)) or tgt != list(range(n_tgt)):
        raise ValueError("beads do not cover both sides exactly once in order")
