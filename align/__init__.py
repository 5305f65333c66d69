"""Sentence and paragraph alignment for English–Chinese text: text in, beads out, no I/O."""
