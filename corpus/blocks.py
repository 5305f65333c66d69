"""The unit every reader produces: a block of text with its provenance."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Block:
    """A paragraph-like block of text read from a file.

    :param text: the text, markup removed, whitespace collapsed to single spaces.
    :param source: the file's path relative to the directory being read.
    :param line: 1-based line where the block starts (for HTML, the element's line); in
        formats without lines, the block's number: the cue of a subtitle, the paragraph
        of a Word file, the block's place in a PDF or EPUB.
    :param kind: ``p`` paragraph, ``h`` heading, ``li`` list item, ``quote``, ``cell``.
    :param lang: ``en``, ``zh`` or ``other`` once the language split has run, else ``""``.
    :param where: where the block is, for formats whose ``line`` is not a line: ``cue 12
        (00:01:02.500)``, ``paragraph 7``, ``page 3``, ``ch02.xhtml line 40``.
    :param part: 0 for a block read whole; 1, 2, ... for the parts the language split
        cut one block into ("English 中文" on one line), so that layout detection can tell
        them from separate blocks that happen to share a line.
    """

    text: str
    source: str
    line: int
    kind: str = "p"
    lang: str = ""
    where: str = ""
    part: int = 0


class ReadError(Exception):
    """A file that cannot be read as text; the message names the problem in one line."""

    def __init__(self, path: str, problem: str) -> None:
        super().__init__(f"{path}: {problem}")
        self.path = path
        self.problem = problem
