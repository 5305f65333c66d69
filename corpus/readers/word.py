"""Word documents (``.docx``), read by python-docx: the body's paragraphs and table cells
in document order; headings and list items by their style.

``line`` is the paragraph's number in the body (as Word counts them, empty ones too);
table cells are numbered on from the paragraph before the table.
"""

from __future__ import annotations

import io
from typing import TYPE_CHECKING

from corpus.blocks import Block
from corpus.readers.base import FormatError, Reader
from corpus.readers.paragraphs import has_text, join_lines

if TYPE_CHECKING:
    from docx.text.paragraph import Paragraph


class Word(Reader):
    suffixes = (".docx",)

    def blocks(self, data: bytes, source: str) -> list[Block]:
        # Imported here: python-docx takes 35 ms to import, which every command would pay.
        import docx
        from docx.table import Table
        from docx.text.paragraph import Paragraph

        try:
            document = docx.Document(io.BytesIO(data))
        except Exception as exc:  # noqa: BLE001 -- a zip without Word's parts, or no zip at all
            raise FormatError(f"not a Word .docx file ({type(exc).__name__}: {exc})") from None
        out: list[Block] = []
        n = 0
        for item in document.iter_inner_content():
            if isinstance(item, Paragraph):
                n += 1
                _add(out, item, source, n, _kind(item), f"paragraph {n}")
            elif isinstance(item, Table):
                seen: set[int] = set()
                for row in item.rows:
                    for cell in row.cells:
                        if id(cell._tc) in seen:  # a merged cell appears once a column
                            continue
                        seen.add(id(cell._tc))
                        for p in cell.paragraphs:
                            _add(out, p, source, n, "cell", f"table after paragraph {n}")
        return out


def _add(out: list[Block], p: Paragraph, source: str, n: int, kind: str, where: str) -> None:
    text = join_lines(p.text)
    if has_text(text):
        out.append(Block(text, source, n, kind, where=where))


def _kind(p: Paragraph) -> str:
    style = (p.style.name if p.style is not None else "") or ""
    if style.startswith(("Heading", "Title", "Subtitle")):
        return "h"
    if style.startswith("List"):
        return "li"
    if style.startswith(("Quote", "Intense Quote")):
        return "quote"
    return "p"
