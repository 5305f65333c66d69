"""HTML (``.html``): the text of block-level elements, navigation and code left out."""

from __future__ import annotations

import re
from collections import Counter
from html.parser import HTMLParser

from corpus.readers.base import TextReader
from corpus.readers.paragraphs import Unit, collapse_space, has_text, word_set

VOID_ELEMENTS = word_set("area base br col embed hr img input link meta param source track wbr")
_SKIP = word_set(
    "script style nav footer aside noscript template svg button iframe title select label"
    " textarea object canvas datalist"
)
_BLOCK = word_set(
    "address article aside blockquote body caption center dd details dialog div dl dt"
    " fieldset figcaption figure footer form h1 h2 h3 h4 h5 h6 header hgroup hr html li"
    " main nav ol option p pre section summary table tbody td tfoot th thead tr ul br"
    " legend menu"
)
_KIND = {
    **{f"h{n}": "h" for n in range(1, 7)},
    "li": "li",
    "dt": "li",
    "dd": "li",
    "blockquote": "quote",
    "td": "cell",
    "th": "cell",
}
_CODE = frozenset({"code", "pre", "kbd", "samp"})
_CJK_NEWLINE = re.compile(
    r"(?<=[\u3000-\u303f\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uff00-\uffef])"
    r"[ \t\r\f]*\n\s*"
    r"(?=[\u3000-\u303f\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uff00-\uffef])"
)


class _HTMLBlocks(HTMLParser):
    """Collects the text of block-level elements, skipping boilerplate elements.

    Keeps an explicit element stack (no recursion), so unclosed and deeply nested markup
    is fine; an end tag closes the nearest open element of that name.
    """

    def __init__(self, first_line: int = 1) -> None:
        super().__init__(convert_charrefs=True)
        self.units: list[Unit] = []
        self._offset = first_line - 1
        self._stack: list[str] = []
        self._open: Counter[str] = Counter()
        self._kinds: list[str] = []  # kinds of the open h*/li/blockquote/td elements
        self._parts: list[str] = []
        self._prose = False  # the block has text outside code
        self._line = 1
        self._kind = "p"

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _BLOCK:
            self._boundary()
        if tag in VOID_ELEMENTS:
            return
        self._stack.append(tag)
        self._open[tag] += 1
        if tag in _KIND:
            self._kinds.append(_KIND[tag])

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _BLOCK:
            self._boundary()

    def handle_endtag(self, tag: str) -> None:
        if tag in _BLOCK:
            self._boundary()
        if not self._open[tag]:
            return
        while self._stack:
            top = self._stack.pop()
            self._open[top] -= 1
            if top in _KIND:
                self._kinds.pop()
            if top == tag:
                break

    def handle_data(self, data: str) -> None:
        if self._skipping():
            return
        if not data.strip():
            if self._parts:
                self._parts.append(data)
            return
        if not self._parts:
            self._kind = self._kinds[-1] if self._kinds else "p"
        self._parts.append(data)
        if not any(self._open[t] for t in _CODE):
            self._prose = True

    def close(self) -> None:
        super().close()
        self._boundary()

    def parse_marked_section(self, i: int, report: bool = True) -> int:
        """Skip marked sections the stdlib rejects (``<![foo[``) instead of failing."""
        try:
            return super().parse_marked_section(i, report)
        except AssertionError:
            end = self.rawdata.find(">", i)
            return -1 if end < 0 else end + 1

    def _skipping(self) -> bool:
        if any(self._open[t] for t in _SKIP):
            return True
        in_heading = any(self._open[f"h{n}"] for n in range(1, 7))
        return bool(self._open["header"]) and not in_heading

    def _boundary(self) -> None:
        """End the current block (if any); the next one starts at the current position."""
        if self._parts and self._prose:
            text = collapse_space(_CJK_NEWLINE.sub("", "".join(self._parts)))
            if has_text(text):
                self.units.append((self._line + self._offset, self._kind, text))
        self._parts = []
        self._prose = False
        self._line = self.getpos()[0]


def html_units(text: str, first_line: int = 1) -> list[Unit]:
    """HTML (a page or a fragment) to units; ``first_line`` is the line of its first line."""
    parser = _HTMLBlocks(first_line)
    # A comment left open (a truncated page) runs to the end, as browsers read it; some
    # Python versions would pass it on as text.
    opened, closed = text.rfind("<!--"), text.rfind("-->")
    if opened > closed and opened >= 0:
        text = text[:opened]
    parser.feed(text)
    parser.close()
    return parser.units


class HTML(TextReader):
    suffixes = (".html", ".htm")

    def units(self, text: str) -> list[Unit]:
        return html_units(text)
