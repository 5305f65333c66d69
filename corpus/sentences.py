"""Sentence splitting: English with Punkt (nupunkt's shipped model), Chinese by rule."""

from __future__ import annotations

import re
from functools import lru_cache

# A Chinese sentence ends at 。！？… (or ASCII !? after Han text), together with any
# closing quotes and brackets that follow. Not at ；: Punkt keeps English sentences
# whole at ";", and splitting one side only turns 1-1 beads into 1-2 beads.
_ZH_END = re.compile(r"(?:[。！？]+|…+|(?<=[\u4e00-\u9fff])[!?]+)[”’」』）》)\]]*")


@lru_cache(maxsize=1)
def _punkt():
    from nupunkt import sent_tokenize

    return sent_tokenize


def split_en(text: str) -> list[str]:
    """English sentences of a paragraph."""
    text = text.strip()
    if not text:
        return []
    return [s.strip() for s in _punkt()(text) if s.strip()]


def split_zh(text: str) -> list[str]:
    """Chinese sentences of a paragraph."""
    out, start = [], 0
    for m in _ZH_END.finditer(text):
        end = m.end()
        # An ASCII quote right after the end closes the sentence only if the sentence
        # opened one; otherwise it opens the next sentence.
        if end < len(text) and text[end] == '"' and text[start:end].count('"') % 2 == 1:
            end += 1
        piece = text[start:end].strip()
        if piece:
            out.append(piece)
        start = end
    rest = text[start:].strip()
    if rest:
        out.append(rest)
    return out


def split(text: str, lang: str) -> list[str]:
    """Sentences of a paragraph in ``lang`` (``en`` or ``zh``)."""
    return split_zh(text) if lang == "zh" else split_en(text)
