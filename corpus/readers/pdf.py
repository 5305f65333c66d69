"""PDF files with a text layer (``.pdf``), read by pdfminer.six: its layout analysis
groups lines into text boxes, one block a box, in reading order page by page.

Lines repeated at the top or bottom of most pages (running heads, page numbers) are
left out. A PDF without any text (a scan) is an error: there is nothing to read without
OCR. ``line`` numbers the blocks through the file; ``where`` is the page.
"""

from __future__ import annotations

import io
import re
from collections import Counter

from corpus.blocks import Block
from corpus.readers.base import FormatError, Reader
from corpus.readers.paragraphs import has_text, join_lines

_DIGITS = re.compile(r"\d+")
_HYPHENATED = re.compile(r"(?<=[a-z])-\n(?=[a-z])")


class PDF(Reader):
    suffixes = (".pdf",)

    def blocks(self, data: bytes, source: str) -> list[Block]:
        # Imported here: pdfminer takes 75 ms to import, which every command would pay.
        from pdfminer.high_level import extract_pages
        from pdfminer.layout import LAParams, LTTextContainer

        pages: list[list[str]] = []
        try:
            for page in extract_pages(io.BytesIO(data), laparams=LAParams()):
                boxes = [_box_text(el.get_text()) for el in page
                         if isinstance(el, LTTextContainer)]
                pages.append([b for b in boxes if has_text(b)])
        except Exception as exc:  # noqa: BLE001 -- pdfminer's syntax, encryption and stream errors
            raise FormatError(f"not a readable PDF ({type(exc).__name__}: {exc})") from None
        if not pages:
            raise FormatError("not a readable PDF (no pages)")
        if not any(pages):
            raise FormatError(f"no text layer (scanned?): {len(pages)} page"
                              f"{'s' if len(pages) > 1 else ''} without text; OCR it first")
        furniture = _running_lines(pages)
        out: list[Block] = []
        for number, boxes in enumerate(pages, start=1):
            for k, text in enumerate(boxes):
                if (k == 0 or k == len(boxes) - 1) and _DIGITS.sub("#", text) in furniture:
                    continue
                out.append(Block(text, source, len(out) + 1, "p", where=f"page {number}"))
        return out


def _box_text(text: str) -> str:
    """A text box's lines as one paragraph; a word hyphenated at a line end is joined."""
    return join_lines(_HYPHENATED.sub("", text.strip()))


def _running_lines(pages: list[list[str]]) -> set[str]:
    """First or last boxes (digits as ``#``) on at least three pages and half of them."""
    if len(pages) < 3:
        return set()
    ends = Counter(_DIGITS.sub("#", t) for boxes in pages if boxes
                   for t in {boxes[0], boxes[-1]})
    return {t for t, n in ends.items() if n >= max(3, len(pages) / 2)}
