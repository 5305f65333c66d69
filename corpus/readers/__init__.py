"""Readers, one module a format, chosen by the file's suffix.

Each reader (:class:`~corpus.readers.base.Reader`) turns a file's bytes into
:class:`~corpus.blocks.Block` s with the file's relative path and where in the file each
block starts. Adding a format is a module with a ``Reader`` and a line in ``READERS``.
The language split is a separate step (:mod:`corpus.langsplit`).
"""

from __future__ import annotations

from pathlib import Path

from corpus.blocks import Block, ReadError
from corpus.readers.base import Reader
from corpus.readers.decoding import decode
from corpus.readers.epub import EPUB
from corpus.readers.html import HTML
from corpus.readers.markdown import Markdown
from corpus.readers.mdx import MDX
from corpus.readers.pdf import PDF
from corpus.readers.rst import ReStructuredText
from corpus.readers.subtitles import Subtitles
from corpus.readers.text import PlainText
from corpus.readers.word import Word

READERS: dict[str, Reader] = {
    suffix: reader
    for reader in (PlainText(), Markdown(), MDX(), HTML(), ReStructuredText(), Subtitles(),
                   Word(), EPUB(), PDF())
    for suffix in reader.suffixes
}
"""The reader of each suffix (lowercase, with the dot)."""

SUFFIXES: frozenset[str] = frozenset(READERS)
"""File extensions :func:`read_blocks` reads."""

__all__ = ["READERS", "SUFFIXES", "Reader", "decode", "read_blocks"]


def read_blocks(path: Path, root: Path, max_bytes: int = 50_000_000) -> list[Block]:
    """Read one file into blocks (``lang`` left empty), with the reader of its suffix.

    :param root: the directory being read; ``source`` is the path relative to it.
    :raises ReadError: unreadable, too large, unsupported, or not valid in its format.
    """
    try:
        source = path.relative_to(root).as_posix()
    except ValueError:
        source = path.as_posix()
    reader = READERS.get(path.suffix.lower())
    if reader is None:
        expected = ", ".join(sorted(READERS))
        raise ReadError(source, f"unsupported file type '{path.suffix}' (expected {expected})")
    try:
        size = path.stat().st_size
        if size > max_bytes:
            raise ReadError(
                source, f"file too large ({size / 1e6:.1f} MB > {max_bytes / 1e6:g} MB limit)"
            )
        data = path.read_bytes()
    except PermissionError:
        raise ReadError(source, "cannot read: permission denied") from None
    except FileNotFoundError:
        raise ReadError(source, "cannot read: no such file") from None
    except IsADirectoryError:
        raise ReadError(source, "cannot read: is a directory") from None
    except OSError as e:
        raise ReadError(source, f"cannot read: {e.strerror or e}") from None
    return reader.read(data, source)
