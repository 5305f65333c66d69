"""The interface every reader fills in: a file's bytes in, blocks with provenance out."""

from __future__ import annotations

from abc import ABC, abstractmethod
from typing import ClassVar

from corpus.blocks import Block, ReadError
from corpus.readers.decoding import decode
from corpus.readers.paragraphs import Unit


class FormatError(Exception):
    """The file is not valid in its format; the message says how, in one line."""


class Reader(ABC):
    """One file format: the suffixes it is chosen by and how its bytes become blocks."""

    suffixes: ClassVar[tuple[str, ...]] = ()  # lowercase, with the dot

    def read(self, data: bytes, source: str) -> list[Block]:
        """The blocks of one file, in reading order, ``lang`` left empty.

        :param source: the file's path relative to the directory read, for the blocks
            and for error messages.
        :raises ReadError: the bytes are not a readable file of this format.
        """
        try:
            return self.blocks(data, source)
        except FormatError as exc:
            raise ReadError(source, str(exc)) from None

    @abstractmethod
    def blocks(self, data: bytes, source: str) -> list[Block]:
        """What :meth:`read` returns; may raise :class:`FormatError`."""


class TextReader(Reader):
    """A format stored as text: the bytes are decoded (:func:`decode`), then parsed."""

    def blocks(self, data: bytes, source: str) -> list[Block]:
        text = decode(data, source)
        return [Block(t, source, line, kind) for line, kind, t in self.units(text)]

    @abstractmethod
    def units(self, text: str) -> list[Unit]:
        """``(line, kind, text)`` of each block of the decoded text."""
