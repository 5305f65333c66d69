"""MDX (``.mdx``, Docusaurus and other React sites): Markdown with ``import`` / ``export``
lines, JSX elements and ``{expressions}``.

The ESM lines, JSX tags, expressions and Docusaurus ``:::note`` fences are blanked (the
line numbers stay), then the Markdown reader reads what is left: the text children of
components (``<Tabs><TabItem>text</TabItem></Tabs>``) are kept, self-closing components
and their props dropped.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from corpus.readers.base import TextReader
from corpus.readers.markdown import markdown_units
from corpus.readers.paragraphs import Unit, front_matter_range

_ESM = re.compile(r"^(?:import|export)\b")
# An {expression}, innermost first: each becomes _HOLE (and its newlines) until none is left.
_INNERMOST = re.compile(r"\{[^{}]*\}")
_HOLE = "\ue010"
# A JSX tag: capitalised or dotted names (<Tabs>, <Foo.Bar>), fragments (<>, </>); props
# hold strings or expressions (holes by then), over several lines.
_JSX_TAG = re.compile(
    r"</?>|</?(?:[A-Z][\w.]*|[a-z]+\.[\w.]+)"
    rf"(?:\s+(?:[\w:-]+(?:\s*=\s*(?:\"[^\"]*\"|'[^']*'|{_HOLE}\n*))?|{_HOLE}\n*))*\s*/?>"
)
_ADMONITION = re.compile(r"^\s*:::")
_FENCE = re.compile(r"^\s*(`{3,}|~{3,})")


def mdx_to_markdown(text: str) -> str:
    """The Markdown of an MDX file: ESM, JSX and expressions blanked, line count kept."""
    lines = text.split("\n")
    end = front_matter_range(lines)[1]
    out = lines[:end]
    i, fence = end, ""
    while i < len(lines):
        line = lines[i]
        if fence:
            out.append(line)
            if line.strip().startswith(fence):
                fence = ""
            i += 1
            continue
        if m := _FENCE.match(line):
            fence = m.group(1)
            out.append(line)
            i += 1
            continue
        if _ESM.match(line):
            j = _statement_end(lines, i)
            out += [""] * (j - i)
            i = j
            continue
        if _ADMONITION.match(line):
            out.append("")
            i += 1
            continue
        out.append(line)
        i += 1
    body = "\n".join(out[end:])
    body = _outside_code(_without_jsx, body)
    return "\n".join(out[:end] + body.split("\n"))


def _without_jsx(text: str) -> str:
    """Expressions and JSX tags blanked to their newlines."""
    def newlines(m: re.Match[str]) -> str:
        return "\n" * m.group().count("\n")

    text = text.replace(_HOLE, "")
    while True:
        holed = _INNERMOST.sub(lambda m: _HOLE + newlines(m), text)
        if holed == text:
            break
        text = holed
    return _JSX_TAG.sub(newlines, text).replace(_HOLE, "")


_CODE = re.compile(r"(^[ \t]*(?:`{3,}|~{3,})[^\n]*\n(?:.*\n)*?[ \t]*(?:`{3,}|~{3,})[ \t]*$"
                   r"|`[^`\n]+`)", re.MULTILINE)


def _outside_code(change: Callable[[str], str], text: str) -> str:
    """``text`` changed by ``change`` outside fenced code and code spans."""
    pieces = _CODE.split(text)
    return "".join(p if k % 2 else change(p) for k, p in enumerate(pieces))


def _statement_end(lines: list[str], start: int) -> int:
    """Index after an ``import`` / ``export`` statement: its brackets closed and a line
    that does not go on (``from`` on the next line, an open ``{``)."""
    depth = 0
    for j in range(start, len(lines)):
        depth += sum(lines[j].count(c) for c in "{([") - sum(lines[j].count(c) for c in "})]")
        nxt = lines[j + 1].strip() if j + 1 < len(lines) else ""
        if depth <= 0 and not nxt.startswith(("from ", "from'", 'from"')) and \
                not lines[j].rstrip().endswith((",", "=", "(", "{")):
            return j + 1
    return len(lines)


class MDX(TextReader):
    suffixes = (".mdx",)

    def units(self, text: str) -> list[Unit]:
        return markdown_units(mdx_to_markdown(text))
