"""Sentence alignment for English–Chinese text: text in, beads out, no I/O.

>>> from align import align_sentences
>>> beads = align_sentences(["Hello world."], ["你好，世界。"])
"""

from align.aligner import Settings, align_sentences
from align.bead import Bead, check_cover
from align.dp import Params
from align.refine import is_unpunctuated, split_for, split_headline

__all__ = ["Bead", "Params", "Settings", "align_sentences", "check_cover", "is_unpunctuated",
           "split_for", "split_headline"]
