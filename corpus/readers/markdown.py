"""Markdown (``.md``): headings, list items, quotes and paragraphs, markup dropped."""

from __future__ import annotations

import re
from html import unescape

from corpus.readers.base import TextReader
from corpus.readers.html import VOID_ELEMENTS, html_units
from corpus.readers.paragraphs import (
    Unit,
    front_matter_range,
    group_paragraphs,
    has_text,
    kept_units,
    word_set,
)

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
_HTML_BLOCK_TAGS = word_set(
    "address article aside blockquote body caption center col colgroup dd details dialog"
    " dir div dl dt fieldset figcaption figure footer form h1 h2 h3 h4 h5 h6 head header"
    " hr html iframe legend li link main menu nav noscript ol optgroup option p param"
    " section source summary table tbody td tfoot th thead title tr track ul"
)


def markdown_units(text: str) -> list[Unit]:
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
            units.extend(kept_units(group_paragraphs(_markdown_inline(para)), kind))
        para = []

    start, i = front_matter_range(lines)
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
            units += html_units(fragment, first_line=i + 1)
            html_open = max(0, html_open + _html_balance(fragment))
            i = end
            continue
        elif (m := _ATX.match(line)) and indent < 4:
            flush()
            heading = _strip_attributes(m.group(2) or "")
            units += kept_units(group_paragraphs(_markdown_inline([(i + 1, heading)])), "h")
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
    counted = _HTML_BLOCK_TAGS - VOID_ELEMENTS
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
            if _CODE_MARK in part and not has_text(_STASH.sub("", part)):
                part = ""  # only code on this line
            part = unescape(part.replace(_CODE_MARK, ""))
            out.append((n, _STASH.sub(lambda m: stash[int(m.group(1))], part)))
    return out


def _keeping_lines(kept: str, whole: str) -> str:
    """``kept`` followed by the newlines of ``whole`` it lacks, so line numbers stay put."""
    return kept + "\n" * (whole.count("\n") - kept.count("\n"))


class Markdown(TextReader):
    suffixes = (".md", ".markdown")

    def units(self, text: str) -> list[Unit]:
        return markdown_units(text)
