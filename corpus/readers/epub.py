"""EPUB books (``.epub``), opened by ebooklib: the documents of the spine in reading
order, each parsed by the HTML reader; the navigation document left out.

``line`` numbers the blocks through the book; ``where`` names the document and its line.
"""

from __future__ import annotations

import io
import warnings

from corpus.blocks import Block, ReadError
from corpus.readers.base import FormatError, Reader
from corpus.readers.decoding import decode
from corpus.readers.html import html_units


class EPUB(Reader):
    suffixes = (".epub",)

    def blocks(self, data: bytes, source: str) -> list[Block]:
        from ebooklib import epub  # imported here: 26 ms (lxml) every command would pay

        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")  # ebooklib warns about its own options
                book = epub.read_epub(io.BytesIO(data), options={"ignore_ncx": True})
        except Exception as exc:  # noqa: BLE001 -- a zip without a package document, or no zip at all
            raise FormatError(f"not an EPUB book ({type(exc).__name__}: {exc})") from None
        out: list[Block] = []
        for idref, _linear in book.spine:
            item = book.get_item_with_id(idref)
            if item is None or isinstance(item, epub.EpubNav):
                continue
            name = item.file_name
            try:
                text = decode(item.get_content(), f"{source}/{name}")
            except ReadError:
                continue  # an empty or undecodable document in the spine
            for line, kind, t in html_units(text):
                out.append(Block(t, source, len(out) + 1, kind, where=f"{name} line {line}"))
        return out
