"""reStructuredText (``.rst``), parsed by docutils: titles, paragraphs, list items, table
cells and admonitions; literal blocks, comments, raw output and directives docutils does
not know (Sphinx's ``toctree``, ``code-block``) left out.

Sphinx's roles (``:ref:`text <target>```, ``:doc:``, ``:func:`` ...) keep their text.
Nothing is read from other files (``include`` and ``raw`` are off).
"""

from __future__ import annotations

import re
from functools import cache
from typing import Any

from docutils import nodes

from corpus.readers.base import FormatError, TextReader
from corpus.readers.paragraphs import Unit, has_text, join_lines, word_set

_SETTINGS = {
    "report_level": 5,  # no messages on stderr
    "halt_level": 5,  # never stop on an error: unknown markup is left out
    "warning_stream": False,
    "file_insertion_enabled": False,  # ``include`` reads no other file
    "raw_enabled": False,
    "input_encoding": "unicode",
    "syntax_highlight": "none",
}
_SKIPPED = (nodes.literal_block, nodes.doctest_block, nodes.comment, nodes.system_message,
            nodes.raw, nodes.substitution_definition, nodes.target, nodes.docinfo,
            nodes.problematic, nodes.footnote, nodes.citation, nodes.image)
_TEXT_NODES = (nodes.paragraph, nodes.title, nodes.subtitle, nodes.line, nodes.term,
               nodes.rubric)
_SPHINX_ROLES = word_set(
    "ref doc term abbr command dfn file guilabel kbd menuselection mimetype newsfragment"
    " program regexp samp pep rfc envvar token keyword option download numref any class"
    " func meth attr mod obj data const exc py:class py:func py:meth py:attr py:mod"
    " py:obj py:data py:const py:exc c:func c:type cpp:class cpp:func js:func confval"
)
_TARGET = re.compile(r"\s*<[^<>]*>$")


def _text_role(name: str, rawtext: str, text: str, lineno: int, inliner: Any,
               options: Any = None, content: Any = None) -> tuple[list[nodes.Node], list[Any]]:
    """A Sphinx role as its text: ``:ref:`the guide <guide>``` is ``the guide``."""
    title = _TARGET.sub("", text).lstrip("~!") or text
    return [nodes.Text(title)], []


@cache
def _parse() -> Any:
    """docutils' parser, with Sphinx's roles registered (once)."""
    from docutils.core import publish_doctree
    from docutils.parsers.rst import roles

    for name in sorted(_SPHINX_ROLES):
        roles.register_local_role(name, _text_role)
    return publish_doctree


def rst_units(text: str) -> list[Unit]:
    """The blocks of an reST document, each with the line docutils gives it."""
    try:
        doctree = _parse()(text, settings_overrides=_SETTINGS)
    except Exception as exc:  # noqa: BLE001 -- docutils raises many kinds on malformed input
        raise FormatError(f"not valid reStructuredText ({type(exc).__name__}: {exc})") from None
    units: list[Unit] = []
    last = 1
    stack: list[nodes.Node] = [doctree]
    while stack:
        node = stack.pop()
        if isinstance(node, _SKIPPED):
            continue
        if isinstance(node, _TEXT_NODES):
            line = node.line or _parent_line(node) or last
            if isinstance(node, nodes.title) and node.line:
                line -= 1  # docutils gives a section title the line of its underline
            last = line
            content = join_lines(_text(node))
            if has_text(content):
                units.append((line, _kind(node), content))
            continue
        if isinstance(node, nodes.Element):
            stack.extend(reversed(node.children))
    return units


def _text(node: nodes.Node) -> str:
    """A node's text without the parts left out (a problematic role, a footnote mark)."""
    if isinstance(node, (nodes.problematic, nodes.footnote_reference,
                         nodes.citation_reference, nodes.system_message)):
        return ""
    if isinstance(node, nodes.Text):
        return str(node)
    if isinstance(node, nodes.Element):
        return "".join(_text(c) for c in node.children)
    return ""


def _parent_line(node: nodes.Node) -> int | None:
    parent = node.parent
    while parent is not None:
        if parent.line:
            return int(parent.line)
        parent = parent.parent
    return None


def _kind(node: nodes.Node) -> str:
    if isinstance(node, (nodes.title, nodes.subtitle, nodes.rubric)):
        return "h"
    parent = node.parent
    while parent is not None:
        if isinstance(parent, (nodes.list_item, nodes.definition_list_item)):
            return "li"
        if isinstance(parent, nodes.entry):
            return "cell"
        if isinstance(parent, nodes.block_quote):
            return "quote"
        parent = parent.parent
    return "p"


class ReStructuredText(TextReader):
    suffixes = (".rst", ".rest")

    def units(self, text: str) -> list[Unit]:
        return rst_units(text)
