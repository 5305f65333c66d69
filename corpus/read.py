"""Read text files into blocks: decode the bytes, drop markup, code and boilerplate.

Three formats, chosen by extension: plain text, Markdown and HTML. Each becomes a list of
:class:`~corpus.blocks.Block` with the file's relative path and the 1-based line where the
block starts. The language split is a separate step (:mod:`corpus.langsplit`).
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from collections.abc import Callable
from functools import lru_cache
from html import unescape
from html.parser import HTMLParser
from pathlib import Path

from corpus.blocks import Block, ReadError

# A unit is what the format parsers produce: (line, kind, text).
Unit = tuple[int, str, str]


def _words(text: str) -> frozenset[str]:
    """The space-separated words of ``text``, for writing word sets compactly."""
    return frozenset(text.split())


# --------------------------------------------------------------------------------------
# Decoding


def decode(data: bytes, path: str) -> str:
    """Decode a file's bytes to text with LF line ends.

    Tries UTF-8 (with or without BOM), UTF-16 (BOM, or BOM-less when the NUL bytes make
    it plain), then GB18030 and Big5, judging the last two by how common their characters
    are, and finally UTF-8 with a few bad bytes replaced.

    :raises ReadError: empty, binary, or in none of those encodings.
    """
    if not data:
        raise ReadError(path, "empty file")
    text = _decode(data)
    if text is None:
        if b"\x00" in data:
            raise ReadError(path, "binary file, not text")
        raise ReadError(path, "not valid UTF-8, UTF-16, GB18030 or Big5")
    sample = text[:10_000]
    controls = sum(1 for c in sample if _is_control(c))
    if controls > 0.3 * len(sample):
        raise ReadError(path, "binary file, not text")
    return text.replace("\r\n", "\n").replace("\r", "\n")


def _decode(data: bytes) -> str | None:
    """The text in the first plausible encoding, or None."""
    if data.startswith(b"\xef\xbb\xbf"):
        return _try(data[3:], "utf-8")
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return _try(data, "utf-16")
    utf16 = _bomless_utf16(data)
    if utf16:
        return _try(data, utf16)
    if b"\x00" in data:
        return None
    text = _try(data, "utf-8")
    if text is not None:
        return text
    scored = [
        (_common_share(t), t) for t in (_try(data, "gb18030"), _try(data, "big5")) if t is not None
    ]
    if scored:
        share, best = max(scored, key=lambda st: st[0])
        if share >= 0.8:
            return best
    lenient = data.decode("utf-8", errors="replace")
    if lenient.count("\ufffd") <= max(2, len(data) // 1000):
        return lenient
    return None


def _try(data: bytes, encoding: str) -> str | None:
    try:
        return data.decode(encoding)
    except UnicodeDecodeError:
        return None


def _bomless_utf16(data: bytes) -> str | None:
    """``utf-16-le`` or ``-be`` when NUL bytes sit at alternate positions, else None."""
    half = len(data) // 2
    if half < 2:
        return None
    even, odd = data[0::2].count(0), data[1::2].count(0)
    if odd >= 0.2 * half and even <= odd // 10:
        return "utf-16-le"
    if even >= 0.2 * half and odd <= even // 10:
        return "utf-16-be"
    return None


def _common_share(text: str) -> float:
    """Share of the non-ASCII characters that are common in real Chinese text.

    A GB18030 file read as Big5 (or the reverse) still decodes, but into rare characters.
    """
    sample = [c for c in text[:50_000] if c > "\x7f"][:5000]
    if not sample:
        return 1.0
    return sum(map(_is_common, sample)) / len(sample)


@lru_cache(maxsize=65536)
def _is_common(c: str) -> bool:
    if "\u3000" <= c <= "\u303f" or "\uff00" <= c <= "\uffef" or "\u2000" <= c <= "\u206f":
        return True
    if "\u4e00" <= c <= "\u9fff":
        try:
            c.encode("gb2312")
            return True
        except UnicodeEncodeError:
            pass
        try:
            return c.encode("big5") < b"\xc6\xa1"  # Big5 level 1: the frequent characters
        except UnicodeEncodeError:
            return False
    return "\u00c0" <= c < "\u0250"  # accented Latin letters


def _is_control(c: str) -> bool:
    return unicodedata.category(c) == "Cc" and c not in "\t\n\r\f\v"


# --------------------------------------------------------------------------------------
# Files


def read_blocks(path: Path, root: Path, max_bytes: int = 50_000_000) -> list[Block]:
    """Read one file into blocks (``lang`` left empty), dispatching on its extension.

    :param root: the directory being read; ``source`` is the path relative to it.
    :raises ReadError: unreadable, too large, unsupported, binary or undecodable.
    """
    try:
        source = path.relative_to(root).as_posix()
    except ValueError:
        source = path.as_posix()
    parse = _PARSERS.get(path.suffix.lower())
    if parse is None:
        expected = ", ".join(sorted(_PARSERS))
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
    text = decode(data, source)
    return [Block(t, source, line, kind) for line, kind, t in parse(text)]


# --------------------------------------------------------------------------------------
# Shared text rules

_FINAL = frozenset(".!?。！？…‼⁇⁈⁉．｡")
_TRAILERS = "\"'”’）)」』】》]*_"  # may follow a sentence end: closing quotes, brackets
_CJK_JOINERS = frozenset("，、；（《“‘「『—")
_LATIN_JOINERS = frozenset(",;(–—&/")
_FUNCTION_WORDS = _words(
    "a an the and or but nor of to in on at by for with from as that which who whose than"
    " into onto over under about between through is are was were be been being has have"
    " had will would can could should may might must not this these those its their our"
    " your his her my"
)
_SHORT_LINE = 20
_LONG_CJK_LINE = 30
_ZERO_WIDTH = re.compile("[\u200b\u200c\u200d\u2060\ufeff]")
_CONTROLS = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def _is_cjk(c: str) -> bool:
    """Han, CJK punctuation or a fullwidth form: text that joins without spaces."""
    return (
        "\u4e00" <= c <= "\u9fff"
        or "\u3400" <= c <= "\u4dbf"
        or "\u3000" <= c <= "\u303f"
        or "\uff00" <= c <= "\uffef"
        or "\uf900" <= c <= "\ufaff"
    )


def _is_han(c: str) -> bool:
    return "\u4e00" <= c <= "\u9fff" or "\u3400" <= c <= "\u4dbf" or "\uf900" <= c <= "\ufaff"


def _ends_sentence(line: str) -> bool:
    stem = line.rstrip(_TRAILERS)
    return bool(stem) and stem[-1] in _FINAL


def _separator(prev: str, nxt: str) -> str | None:
    """How to join two lines of one paragraph: ``" "``, ``""``, or None to keep them apart.

    Lines join only when the first is a hard-wrapped continuation: it does not end a
    sentence and the next line carries on (starts lowercase, or follows a comma or a word
    like "the"). Chinese carries on after a comma-like mark, or after a long Chinese line
    when the next line starts with Chinese; it joins without a space between Chinese.
    """
    a, b = prev[-1], nxt[0]
    if _is_cjk(a) or _is_cjk(b):
        if a in _CJK_JOINERS:
            return ""
        wrapped = len(prev) >= _LONG_CJK_LINE and any(map(_is_han, prev))
        if wrapped and _is_cjk(b) and not _ends_sentence(prev):
            return "" if _is_cjk(a) else " "
        return None
    if b.islower():
        return " "
    if _ends_sentence(prev):
        return None
    if a in _LATIN_JOINERS or prev.rsplit(None, 1)[-1].lower() in _FUNCTION_WORDS:
        return " "
    return None


def _paragraphs(lines: list[tuple[int, str]]) -> list[tuple[int, str]]:
    """Group the lines of one blank-line-separated block into paragraphs.

    A block of short lines (widgets, bylines) keeps every line apart; otherwise lines join
    only where :func:`_separator` says so. Empty lines act as breaks.
    """
    kept = [(n, _collapse(s)) for n, s in lines]
    if all(len(s) <= _SHORT_LINE for _, s in kept):
        return [(n, s) for n, s in kept if s]
    out: list[tuple[int, str]] = []
    prev = ""
    for n, s in kept:
        sep = _separator(prev, s) if prev and s else None
        if sep is None:
            if s:
                out.append((n, s))
        else:
            out[-1] = (out[-1][0], out[-1][1] + sep + s)
        prev = s
    return out


def _collapse(text: str) -> str:
    """Collapse whitespace runs (NBSP and U+3000 included) to one space; drop controls."""
    text = _CONTROLS.sub("", _ZERO_WIDTH.sub("", text))
    return " ".join(text.split())


def _is_text(text: str) -> bool:
    """Whether a block has any letter or digit (not only punctuation or symbols)."""
    return any(c.isalnum() for c in text)


def _units(paragraphs: list[tuple[int, str]], kind: str) -> list[Unit]:
    return [(n, kind, s) for n, s in paragraphs if _is_text(s)]


_FRONT_MATTER_LINE = re.compile(r"^(\s|-|#|\[|[^\s:=][^:=]*[:=])")


def _front_matter(lines: list[str]) -> tuple[int, int]:
    """Line range ``[start, end)`` of YAML (``---``) or TOML (``+++``) front matter, or
    ``(0, 0)``. It opens the file, or follows at most two short lines a scraper left
    above it ("阅读原文")."""
    start = 0
    while start < len(lines) and lines[start].strip() not in ("---", "+++"):
        if start >= 4 or len(lines[start].strip()) > 30 or \
                sum(1 for line in lines[:start + 1] if line.strip()) > 2:
            return 0, 0
        start += 1
    if start == len(lines):
        return 0, 0
    fence = lines[start].strip()
    closers = ("---", "...") if fence == "---" else ("+++",)
    for i in range(start + 1, len(lines)):
        line = lines[i]
        if line.strip() in closers:
            return start, i + 1
        if line.strip() and not _FRONT_MATTER_LINE.match(line):
            return 0, 0
    return 0, 0


# --------------------------------------------------------------------------------------
# Plain text


_MARKDOWN_SIGNS = re.compile(
    r"!\[[^\]\n]*\]\("  # an image
    r"|\[[^\]\n]+\]\((?:https?:|/|\.)"  # a link
    r"|^(?:```|~~~)"  # a code fence
    r"|^#{1,6} \S.*\n(?:.*\n)*?#{1,6} \S",  # two headings
    re.MULTILINE,
)


def _text_units(text: str) -> list[Unit]:
    """A ``.txt`` file: Markdown if it plainly is (front matter, images, links, headings)."""
    if _front_matter(text.split("\n"))[1] or _MARKDOWN_SIGNS.search(text):
        return _markdown_units(text)
    return _plain_units(text)


def _plain_units(text: str) -> list[Unit]:
    """Blocks separated by blank lines; see :func:`_paragraphs` for lines within one."""
    lines = text.split("\n")
    units: list[Unit] = []
    block: list[tuple[int, str]] = []
    for i in range(len(lines) + 1):
        line = lines[i] if i < len(lines) else ""
        if line.strip():
            block.append((i + 1, line))
        elif block:
            units += _units(_paragraphs(block), "p")
            block = []
    return units


# --------------------------------------------------------------------------------------
# Markdown

_FENCE = re.compile(r"^\s*(`{3,}|~{3,})")
_ATX = re.compile(r"^ {0,3}(#{1,6})(?:[ \t]+(.*?))?(?:[ \t]+#+)?[ \t]*$")
_SETEXT = re.compile(r"^ {0,3}(=+|-+)[ \t]*$")
_RULE = re.compile(r"^ {0,3}([-*_])(?:[ \t]*\1){2,}[ \t]*$")
_LIST = re.compile(r"^\s*(?:[*+-]|\d{1,9}[.)])(?:[ \t]+|$)(?:\[[ xX]\][ \t]+)?")
_QUOTE = re.compile(r"^\s*>")
_QUOTE_MARKERS = re.compile(r"^(?:\s*>)+ ?")
_LINK_DEF = re.compile(r"^ {0,3}\[[^\]]+\]:\s*\S")
_ATTRIBUTES = re.compile(r"^\s*\{[@#:.][^}]*\}\s*$")
_TABLE_DELIMITER = re.compile(r"^\s*\|?\s*:?-+:?\s*(\|\s*:?-+:?\s*)*\|?\s*$")
_COMMENT = re.compile(r"<!--.*?(?:-->|\Z)", re.DOTALL)
_HTML_START = re.compile(r"^\s*<(/?)([A-Za-z][A-Za-z0-9-]*)(?=[\s/>]|$)")
_HTML_RAW = frozenset({"script", "style", "pre", "textarea"})
_HTML_BLOCK_TAGS = _words(
    "address article aside blockquote body caption center col colgroup dd details dialog"
    " dir div dl dt fieldset figcaption figure footer form h1 h2 h3 h4 h5 h6 head header"
    " hr html iframe legend li link main menu nav noscript ol optgroup option p param"
    " section source summary table tbody td tfoot th thead title tr track ul"
)


def _markdown_units(text: str) -> list[Unit]:
    """Markdown to units: headings ``h``, list items ``li``, quotes ``quote``, else ``p``.

    Drops front matter, code (fenced and indented), comments, tables, rules, link
    definitions and images; keeps the text of links, emphasis and inline code; HTML
    blocks go through the HTML reader.
    """
    text = _COMMENT.sub(lambda m: "\n" * m.group().count("\n"), text)
    lines = text.split("\n")
    units: list[Unit] = []
    para: list[tuple[int, str]] = []
    kind = "p"
    in_list = False  # indented lines after a list item continue it
    html_open = 0  # block-level HTML elements left open: indented lines there are not code

    def flush() -> None:
        nonlocal para
        if para:
            units.extend(_units(_paragraphs(_markdown_inline(para)), kind))
        para = []

    start, i = _front_matter(lines)
    lines[start:i] = [""] * (i - start)
    i = 0
    while i < len(lines):
        raw = lines[i]
        line = raw.expandtabs(4)
        stripped = line.strip()
        indent = len(line) - len(line.lstrip(" "))
        fence = _FENCE.match(line)
        if not stripped:
            flush()
        elif fence:
            flush()
            i = _skip_fenced(lines, i, fence.group(1))
            continue
        elif indent >= 4 and not para and not in_list and not html_open:
            pass  # indented code
        elif (m := _HTML_START.match(line)) and not para and _starts_html_block(m):
            end = _html_block_end(lines, i, m.group(2).lower())
            fragment = "\n".join(lines[i:end])
            units += _html_units(fragment, first_line=i + 1)
            html_open = max(0, html_open + _html_balance(fragment))
            i = end
            continue
        elif (m := _ATX.match(line)) and indent < 4:
            flush()
            heading = _strip_attributes(m.group(2) or "")
            units += _units(_paragraphs(_markdown_inline([(i + 1, heading)])), "h")
            in_list = False
        elif para and kind != "li" and _SETEXT.match(line):
            kind = "h"
            flush()
        elif _RULE.match(line) or _LINK_DEF.match(line) or _ATTRIBUTES.match(line):
            flush()
        elif "|" in stripped and (
            (i + 1 < len(lines) and "|" in lines[i + 1] and _TABLE_DELIMITER.match(lines[i + 1]))
            or (stripped.startswith("|") and stripped.endswith("|") and len(stripped) > 1)
        ):
            flush()
            while i < len(lines) and "|" in lines[i]:
                i += 1
            continue
        elif _QUOTE.match(line):
            content = _QUOTE_MARKERS.sub("", line)
            item = _LIST.match(content)
            if kind != "quote" or item or not content.strip():
                flush()
                kind = "quote"
            para.append((i + 1, content[item.end() :] if item else content))
        elif item := _LIST.match(line):
            flush()
            kind, in_list = "li", True
            para.append((i + 1, line[item.end() :]))
        else:
            if not para:
                in_list = in_list and indent > 0
                kind = "li" if in_list else "p"
            para.append((i + 1, stripped))
        i += 1
    flush()
    return units


def _skip_fenced(lines: list[str], start: int, fence: str) -> int:
    """Index of the line after the fenced code block opened at ``start``."""
    closing = re.compile(rf"^\s*{re.escape(fence[0])}{{{len(fence)},}}\s*$")
    for j in range(start + 1, len(lines)):
        if closing.match(lines[j]):
            return j + 1
    return len(lines)


def _starts_html_block(m: re.Match[str]) -> bool:
    """Block-level tags start an HTML block; inline tags stay part of a paragraph."""
    name = m.group(2).lower()
    return name in _HTML_BLOCK_TAGS or (name in _HTML_RAW and not m.group(1))


def _html_block_end(lines: list[str], start: int, name: str) -> int:
    """Index after an HTML block: the next blank line, or the closing tag of script/pre."""
    if name in _HTML_RAW:
        closing = f"</{name}"
        for j in range(start, len(lines)):
            if closing in lines[j].lower():
                return j + 1
        return len(lines)
    j = start
    while j < len(lines) and lines[j].strip():
        j += 1
    return j


_OPEN_TAG = re.compile(r"<([A-Za-z][A-Za-z0-9]*)\b[^<>]*?(/?)>")
_CLOSE_TAG = re.compile(r"</([A-Za-z][A-Za-z0-9]*)\s*>")


def _html_balance(fragment: str) -> int:
    """Block-level elements opened minus closed in a fragment."""
    counted = _HTML_BLOCK_TAGS - _VOID
    opened = sum(
        1 for m in _OPEN_TAG.finditer(fragment) if m.group(1).lower() in counted and not m.group(2)
    )
    closed = sum(1 for m in _CLOSE_TAG.finditer(fragment) if m.group(1).lower() in counted)
    return opened - closed


def _strip_attributes(heading: str) -> str:
    """Drop a trailing ``{#id}`` / ``{.class}`` from a heading."""
    return re.sub(r"\s*\{[#:.][^}]*\}\s*$", "", heading)


# Inline markup. Code spans and escapes are stashed behind private-use markers first so
# that emphasis and link rules do not touch them.
_STASH = re.compile("\ue000(\\d+)\ue001")
_CODE_MARK = "\ue002"
_CODE_SPAN = re.compile(
    r"(`+)(.+?)(?<!`)\1(?!`)|<(code|kbd|samp)\b[^>]*>(.*?)</\3\s*>", re.DOTALL | re.IGNORECASE
)
_ESCAPE = re.compile(r"\\([!-/:-@\[-`{-~])")
_MATH = re.compile(r"\$(?=\S)[^$\n]+(?<=\S)\$")
_DEST = r"\(\s*(?:<[^>\n]*>|(?:[^()\s]|\([^()\s]*\))*)(?:\s+(?:\"[^\"]*\"|'[^']*'|\([^)]*\)))?\s*\)"
_IMAGE = re.compile(rf"!\[[^\]]*\](?:{_DEST}|\[[^\]]*\])")
_LINK = re.compile(rf"\[([^\[\]]*)\]{_DEST}")
_REF_LINK = re.compile(r"\[([^\[\]]+)\]\[[^\[\]]*\]")
_FOOTNOTE = re.compile(r"\[\^[^\]]+\]")
_AUTOLINK = re.compile(r"<(?:[A-Za-z][A-Za-z0-9+.-]{1,31}:[^<>\s]*|[^<>\s@]+@[^<>\s]+)>")
_RAW_ELEMENT = re.compile(r"<(script|style)\b.*?</\1\s*>", re.DOTALL | re.IGNORECASE)
_BR = re.compile(r"<br\s*/?>", re.IGNORECASE)
_TAG = re.compile(r"</?[A-Za-z][A-Za-z0-9-]*(?:\s[^<>]*)?/?>")
_EMPHASIS = [
    re.compile(r"\*\*(?=\S)(.+?)(?<=\S)\*\*", re.DOTALL),
    re.compile(r"(?<![\w\\])__(?=\S)(.+?)(?<=\S)__(?!\w)", re.DOTALL),
    re.compile(r"\*(?=[^\s*])([^*]+?)(?<=[^\s*])\*"),
    re.compile(r"(?<![\w\\])_(?=[^\s_])([^_]+?)(?<=[^\s_])_(?!\w)"),
    re.compile(r"~~(?=\S)(.+?)(?<=\S)~~", re.DOTALL),
]
_STRAY_STRONG = re.compile(r"\*{2,}")  # unmatched bold markers, e.g. "** text **"
_BREAK = "\ue003"  # <br>: splits a line without shifting line numbers


def _markdown_inline(lines: list[tuple[int, str]]) -> list[tuple[int, str]]:
    """Remove inline markup from a paragraph's lines, keeping one output line per input line.

    Lines left only with code (or nothing) become empty, which breaks the paragraph.
    """
    text = re.sub("[\ue000-\ue003]", "", "\n".join(s for _, s in lines))
    stash: list[str] = []

    def keep(s: str) -> str:
        stash.append(s)
        return f"\ue000{len(stash) - 1}\ue001"

    def keep_newlines(m: re.Match[str]) -> str:
        return _keeping_lines("", m.group())

    def code(m: re.Match[str]) -> str:
        content = m.group(2) if m.group(1) else unescape(_TAG.sub("", m.group(4)))
        return _keeping_lines(_CODE_MARK + keep(" ".join(content.split())), m.group())

    text = _CODE_SPAN.sub(code, text)
    text = _ESCAPE.sub(lambda m: keep(m.group(1)), text)
    text = _MATH.sub(lambda m: keep(m.group()), text)
    text = _RAW_ELEMENT.sub(keep_newlines, text)
    text = _IMAGE.sub(keep_newlines, text)
    text = _LINK.sub(lambda m: _keeping_lines(m.group(1), m.group()), text)
    text = _REF_LINK.sub(lambda m: _keeping_lines(m.group(1), m.group()), text)
    text = _FOOTNOTE.sub("", text)
    text = _AUTOLINK.sub("", text)
    text = _BR.sub(_BREAK, text)
    text = _TAG.sub(keep_newlines, text)
    for pattern in _EMPHASIS:
        text = pattern.sub(lambda m: m.group(1), text)
    text = _STRAY_STRONG.sub("", text)
    out: list[tuple[int, str]] = []
    for (n, _), line in zip(lines, text.split("\n")):
        line = re.sub(r"\\$", "", line.rstrip())  # backslash hard break
        for part in line.split(_BREAK):
            if _CODE_MARK in part and not _is_text(_STASH.sub("", part)):
                part = ""  # only code on this line
            part = unescape(part.replace(_CODE_MARK, ""))
            out.append((n, _STASH.sub(lambda m: stash[int(m.group(1))], part)))
    return out


def _keeping_lines(kept: str, whole: str) -> str:
    """``kept`` followed by the newlines of ``whole`` it lacks, so line numbers stay put."""
    return kept + "\n" * (whole.count("\n") - kept.count("\n"))


# --------------------------------------------------------------------------------------
# HTML

_VOID = _words("area base br col embed hr img input link meta param source track wbr")
_SKIP = _words(
    "script style nav footer aside noscript template svg button iframe title select label"
    " textarea object canvas datalist"
)
_BLOCK = _words(
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
        if tag in _VOID:
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
            text = _collapse(_CJK_NEWLINE.sub("", "".join(self._parts)))
            if _is_text(text):
                self.units.append((self._line + self._offset, self._kind, text))
        self._parts = []
        self._prose = False
        self._line = self.getpos()[0]


def _html_units(text: str, first_line: int = 1) -> list[Unit]:
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


_PARSERS: dict[str, Callable[[str], list[Unit]]] = {
    ".txt": _text_units,
    ".md": _markdown_units,
    ".markdown": _markdown_units,
    ".html": _html_units,
    ".htm": _html_units,
}

TEXT_SUFFIXES: frozenset[str] = frozenset(_PARSERS)
"""File extensions :func:`read_blocks` reads (lowercase, with the dot)."""
