"""Imported once by the forkserver of ``--jobs N``: workers fork from it with the
dictionary loaded and the aligner's kernels compiled, instead of each loading them."""

from align import align_sentences
from align.lexicon import Lexicon

Lexicon.load()
align_sentences(["A short warm-up sentence."], ["一个简短的热身句子。"])
