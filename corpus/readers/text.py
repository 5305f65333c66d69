"""Plain text (``.txt``): blank-line-separated paragraphs, or Markdown if it plainly is."""

from __future__ import annotations

import re

from corpus.readers.base import TextReader
from corpus.readers.markdown import markdown_units
from corpus.readers.paragraphs import Unit, front_matter_range, group_paragraphs, kept_units

_MARKDOWN_SIGNS = re.compile(
    r"!\[[^\]\n]*\]\("  # an image
    r"|\[[^\]\n]+\]\((?:https?:|/|\.)"  # a link
    r"|^(?:```|~~~)"  # a code fence
    r"|^#{1,6} \S.*\n(?:.*\n)*?#{1,6} \S",  # two headings
    re.MULTILINE,
)


def _text_units(text: str) -> list[Unit]:
    """A ``.txt`` file: Markdown if it plainly is (front matter, images, links, headings)."""
    if front_matter_range(text.split("\n"))[1] or _MARKDOWN_SIGNS.search(text):
        return markdown_units(text)
    return _plain_units(text)


def _plain_units(text: str) -> list[Unit]:
    """Blocks separated by blank lines; see :func:`group_paragraphs` for lines within one."""
    lines = text.split("\n")
    units: list[Unit] = []
    block: list[tuple[int, str]] = []
    for i in range(len(lines) + 1):
        line = lines[i] if i < len(lines) else ""
        if line.strip():
            block.append((i + 1, line))
        elif block:
            units += kept_units(group_paragraphs(block), "p")
            block = []
    return units


class PlainText(TextReader):
    suffixes = (".txt",)

    def units(self, text: str) -> list[Unit]:
        return _text_units(text)
