"""Imported once by the forkserver of ``--jobs N``: workers fork from it with the
dictionary loaded, the aligner's kernels compiled and the sentence encoder's weights
read, instead of each loading them."""

from align import align_sentences
from align.lexicon import Lexicon
from align.semantic import similarities

Lexicon.load()
align_sentences(["A short warm-up sentence."], ["一个简短的热身句子。"])
similarities([("A short warm-up sentence.", "一个简短的热身句子。")])
