"""Reading files into blocks: the readers live in :mod:`corpus.readers`, one module a
format; these names stay importable from here."""

from corpus.readers import SUFFIXES, decode, read_blocks

TEXT_SUFFIXES = SUFFIXES
"""File extensions :func:`read_blocks` reads (lowercase, with the dot)."""

__all__ = ["TEXT_SUFFIXES", "decode", "read_blocks"]
