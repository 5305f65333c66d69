"""Subtitles (``.srt``, ``.vtt``, ``.ass`` / ``.ssa``), parsed by pysubs2: one block a
cue, its lines joined, timing, styling tags and comments dropped.

A cue of two lines, "English line" over "中文 line", is one block holding both: the
language split divides it, as it does a same-line article. ``line`` is the cue's number
in the file; ``where`` names it with its start time.
"""

from __future__ import annotations

import re

from corpus.blocks import Block
from corpus.readers.base import FormatError, Reader
from corpus.readers.decoding import decode
from corpus.readers.paragraphs import has_text, join_lines

_FORMATS = {".srt": "srt", ".vtt": "vtt", ".ass": "ass", ".ssa": "ssa"}
_TAG = re.compile(r"</?[A-Za-z0-9.:_ -]+>|<\d+:\d+[:.\d]*>|\{[^{}]*\}")  # <i>, <c.x>, <00:01.000>
_DRAWING = re.compile(r"\{[^{}]*\\p[1-9]")  # an ASS vector drawing, not text
_SPEAKER = re.compile(r"^\s*-\s+")  # "- Where?" in a two-speaker cue


class Subtitles(Reader):
    suffixes = tuple(_FORMATS)

    def blocks(self, data: bytes, source: str) -> list[Block]:
        import pysubs2  # imported here: 13 ms every command would pay

        text = decode(data, source)
        suffix = source[source.rfind("."):].lower()
        try:
            subs = pysubs2.SSAFile.from_string(text, format_=_FORMATS.get(suffix))
        except Exception as exc:  # noqa: BLE001 -- pysubs2 raises its own and plain errors on bad input
            raise FormatError(f"not valid {suffix[1:]} subtitles ({type(exc).__name__}: "
                              f"{exc})") from None
        out: list[Block] = []
        for n, event in enumerate((e for e in subs if not e.is_comment), start=1):
            if _DRAWING.search(event.text):
                continue
            lines = [_SPEAKER.sub("", _TAG.sub("", line)) for line in
                     event.plaintext.split("\n")]
            cue = join_lines("\n".join(lines))
            if has_text(cue):
                where = f"cue {n} ({pysubs2.time.ms_to_str(event.start, fractions=True)})"
                out.append(Block(cue, source, n, "p", where=where))
        if not out and not subs:
            raise FormatError(f"no subtitle cues found (not {suffix[1:]}?)")
        return out
