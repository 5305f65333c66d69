"""Rules every text format shares: joining hard-wrapped lines into paragraphs, collapsing
whitespace, front matter."""

from __future__ import annotations

import re

# A unit is what the format parsers produce: (line, kind, text).
Unit = tuple[int, str, str]


def word_set(text: str) -> frozenset[str]:
    """The space-separated words of ``text``, for writing word sets compactly."""
    return frozenset(text.split())


_FINAL = frozenset(".!?。！？…‼⁇⁈⁉．｡")
_TRAILERS = "\"'”’）)」』】》]*_"  # may follow a sentence end: closing quotes, brackets
_CJK_JOINERS = frozenset("，、；（《“‘「『—")
_LATIN_JOINERS = frozenset(",;(–—&/")
_FUNCTION_WORDS = word_set(
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


def group_paragraphs(lines: list[tuple[int, str]]) -> list[tuple[int, str]]:
    """Group the lines of one blank-line-separated block into paragraphs.

    A block of short lines (widgets, bylines) keeps every line apart; otherwise lines join
    only where :func:`_separator` says so. Empty lines act as breaks.
    """
    kept = [(n, collapse_space(s)) for n, s in lines]
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


def collapse_space(text: str) -> str:
    """Collapse whitespace runs (NBSP and U+3000 included) to one space; drop controls."""
    text = _CONTROLS.sub("", _ZERO_WIDTH.sub("", text))
    return " ".join(text.split())


def has_text(text: str) -> bool:
    """Whether a block has any letter or digit (not only punctuation or symbols)."""
    return any(c.isalnum() for c in text)


def kept_units(paragraphs: list[tuple[int, str]], kind: str) -> list[Unit]:
    return [(n, kind, s) for n, s in paragraphs if has_text(s)]


_FRONT_MATTER_LINE = re.compile(r"^(\s|-|#|\[|[^\s:=][^:=]*[:=])")


def front_matter_range(lines: list[str]) -> tuple[int, int]:
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



_CJK = "\u3000-\u303f\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uff00-\uffef"
_CJK_MARKS = "\u3000-\u303f\uff00-\uffef"  # CJK punctuation and fullwidth forms
_CJK_BREAK = re.compile(rf"(?<=[{_CJK}])[ \t\r\f]*\n\s*(?=[{_CJK}])"
                        rf"|(?<=[{_CJK_MARKS}])[ \t\r\f]*\n\s*|[ \t\r\f]*\n\s*(?=[{_CJK_MARKS}])")


def join_lines(text: str) -> str:
    """One paragraph's lines as one line: no space where a line break falls between two
    Chinese characters or next to a Chinese punctuation mark, one space elsewhere (for
    formats whose paragraphs are known, such as a PDF text box or a subtitle cue)."""
    return collapse_space(_CJK_BREAK.sub("", text))
