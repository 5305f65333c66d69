"""Label blocks English or Chinese by Unicode script, and split mixed blocks.

A block such as ``Banning Open Source AI Would Be A Mistake 禁止开源AI将是一个错误`` holds
a sentence and its translation; it becomes an English and a Chinese block. Latin inside
Chinese (``DeepSeek``, ``GPT-5``, a short quoted phrase, markup or code, or any Latin a
Chinese sentence runs into and goes on after) stays Chinese, and a Chinese word inside
English stays English.

How: the text is cut into pieces (whitespace-separated tokens, cut again where the script
changes), the pieces into runs of one script, and short runs are absorbed by the runs
around them. The block is split only where a substantial English run meets a substantial
Chinese run.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, replace
from itertools import pairwise

from corpus.blocks import Block

# A Latin run is substantial from this many words or letters, a Chinese run from this many
# Han characters. A Latin run of fewer than _EMBEDDED_WORDS words is part of the Chinese
# around it, or, at the start or end of the text, of the Chinese next to it when it weighs
# less than _EDGE_SHARE of that Chinese (a name opening a sentence, not a translation).
_MIN_WORDS = 3
_MIN_LETTERS = 15
_MIN_HAN = 4
_EMBEDDED_WORDS = 6
_EDGE_SHARE = 0.25
# Latin letters per Han character, roughly, in translated text (2.5 to 3.5); the high end,
# since English text seldom carries Han characters while Chinese often carries Latin.
_HAN_WEIGHT = 3.5

_OPENERS = frozenset("“‘「『（(［[【《〈\"'")
_CLOSERS = frozenset("”’」』）)］]】》〉\"'")
_TOUCHING = frozenset("-_/+#&@%·•'")  # may sit between a Latin word and Han it is part of
_TRAILING_PUNCT = ".,;:!?。，；：！？、"


# Han: CJK Unified Ideographs with Extensions A to H, compatibility ideographs, 〇.
# Latin: ASCII, Latin-1 and Latin Extended letters, fullwidth letters.
_HAN_CLASS = "\u3007\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U000323af"
_LATIN_CLASS = (
    "A-Za-z\u00aa\u00b5\u00ba\u00c0-\u00d6\u00d8-\u00f6\u00f8-\u024f\u1e00-\u1eff"
    "\uff21-\uff3a\uff41-\uff5a"
)
_HAN = re.compile(f"[{_HAN_CLASS}]")
_LATIN = re.compile(f"[{_LATIN_CLASS}]")
_LETTERS = re.compile(f"([{_HAN_CLASS}]+)|[{_LATIN_CLASS}]+")


def script_counts(text: str) -> tuple[int, int]:
    """Number of Han characters and of Latin letters in ``text``."""
    return len(_HAN.findall(text)), len(_LATIN.findall(text))


def label(text: str) -> str:
    """``zh``, ``en`` or ``other`` (no letters): the language most of the text is in.

    Uses the same runs as :func:`split_block`, so Latin names inside Chinese count as
    Chinese; between two languages, a Han character weighs about 3.5 Latin letters.
    """
    segments = _segments(text)
    if len(segments) <= 1:
        return segments[0][2] if segments else "other"
    weights = {"zh": 0.0, "en": 0.0}
    for start, end, lang in segments:
        han, latin = script_counts(text[start:end])
        weights[lang] += han * _HAN_WEIGHT + latin
    return max(weights, key=lambda lang: weights[lang])


def split_block(block: Block) -> list[Block]:
    """The block's English and Chinese parts, in order, with ``lang`` set.

    Parts keep the block's source, line and kind; where there are two or more, ``part``
    numbers them from 1. Only whitespace is dropped: the parts'
    texts without whitespace concatenate to the block's text without whitespace. A block
    with no letters is one part labelled ``other``; an empty block gives no parts.
    """
    out = []
    for start, end, lang in _segments(block.text):
        text = block.text[start:end].strip()
        if text:
            out.append(replace(block, text=text, lang=lang))
    if len(out) > 1:
        out = [replace(b, part=k) for k, b in enumerate(out, start=1)]
    return out


def split_blocks(blocks: Iterable[Block]) -> list[Block]:
    """:func:`split_block` applied to each block."""
    return [part for block in blocks for part in split_block(block)]


# --------------------------------------------------------------------------------------


@dataclass
class _Run:
    """Consecutive pieces of one script, ``zh`` or ``en``, from its first to its last piece."""

    lang: str
    start: int
    end: int
    han: int = 0
    letters: int = 0
    words: int = 0


def _segments(text: str) -> list[tuple[int, int, str]]:
    """Cut ``text`` into (start, end, lang) spans that cover it, one per language part."""
    if not text.strip():
        return []
    han, latin = script_counts(text)
    if not (han and latin):
        return [(0, len(text), "zh" if han else "en" if latin else "other")]
    runs = _runs(text)
    majors = [i for i in range(len(runs)) if _is_major(text, runs, i)]
    if not majors:
        return [(0, len(text), _heavier_lang(text, runs))]
    cuts = [0]
    langs = [runs[majors[0]].lang]
    for prev, nxt in pairwise(majors):
        if runs[nxt].lang != runs[prev].lang:
            cuts.append(runs[prev + 1].start)
            langs.append(runs[nxt].lang)
    cuts.append(len(text))
    return [(cuts[k], cuts[k + 1], langs[k]) for k in range(len(langs))]


def _is_major(text: str, runs: list[_Run], i: int) -> bool:
    """A run that stands as a language part of its own, not absorbed by its neighbours."""
    run = runs[i]
    if run.lang == "en":
        if _looks_like_code(text[run.start:run.end]):
            return False  # markup or code inside Chinese ("等价于<my-cmp [title]="name">")
        substantial = run.words >= _MIN_WORDS or run.letters >= _MIN_LETTERS
        embeddable = run.words < _EMBEDDED_WORDS
    else:
        substantial = run.han >= _MIN_HAN
        embeddable = not substantial
    if not substantial or len(runs) == 1:
        return substantial
    if 0 < i < len(runs) - 1:
        return not (embeddable or _enclosed(text, run) or (
            run.lang == "en" and _inside_sentence(text, run.start)))
    neighbour = runs[1] if i == 0 else runs[i - 1]
    light = run.letters < _EDGE_SHARE * neighbour.han * _HAN_WEIGHT
    return not (run.lang == "en" and embeddable and light)


_CODE = re.compile(r"[<>={}\[\]$;`|\\]|=>|\(\)")


def _looks_like_code(text: str) -> bool:
    """Markup or code rather than English: three or more of its symbols ("<", "=", "[",
    "{", "$", ";", backquotes) and fewer than eight letters to each."""
    marks = len(_CODE.findall(text))
    return marks >= 3 and len(_LATIN.findall(text)) < 8 * marks


def _inside_sentence(text: str, start: int) -> bool:
    """Whether the Chinese before ``start`` stops without ending its sentence: Latin
    there is part of that sentence ("...组织（european organisation ... eortc）qlq - c30问卷。")."""
    before = text[:start].rstrip().rstrip("".join(_OPENERS))
    return bool(before) and _HAN.match(before[-1]) is not None


def _enclosed(text: str, run: _Run) -> bool:
    """Whether the run sits inside brackets or quotes."""
    inner = text[run.start : run.end].rstrip(_TRAILING_PUNCT)
    before, after = run.start - 1, run.end
    while before >= 0 and text[before].isspace():
        before -= 1
    while after < len(text) and text[after].isspace():
        after += 1
    opens = inner[:1] in _OPENERS or (before >= 0 and text[before] in _OPENERS)
    closes = inner[-1:] in _CLOSERS or (after < len(text) and text[after] in _CLOSERS)
    return bool(inner) and opens and closes


def _heavier_lang(text: str, runs: list[_Run]) -> str:
    """The language of a text with no substantial run, by weight; a gloss in brackets or
    quotes (``注解（Annotation）``) does not count unless everything is one."""
    bare = [run for run in runs if not _enclosed(text, run)] or runs
    han = sum(run.han for run in bare)
    letters = sum(run.letters for run in bare)
    return "zh" if han * _HAN_WEIGHT >= letters else "en"


def _runs(text: str) -> list[_Run]:
    """Maximal runs of pieces in one script; neutral pieces (numbers, symbols) in between
    belong to the run before them, opening brackets and quotes to the run after."""
    runs: list[_Run] = []
    opener = None  # start of the bracket or quote tokens just before a run: part of it
    for start, end, lang in _pieces(text):
        if lang == "other":
            if not all(c in _OPENERS for c in text[start:end]):
                opener = None
            elif opener is None:
                opener = start
            continue
        han, letters = script_counts(text[start:end])
        if runs and runs[-1].lang == lang:
            run = runs[-1]
            run.end = end
        else:
            run = _Run(lang, start if opener is None else opener, end)
            runs.append(run)
        opener = None
        run.han += han
        if lang == "en":
            run.letters += letters
            run.words += 1
    return runs


_TOKEN = re.compile(r"\S+")


def _pieces(text: str) -> list[tuple[int, int, str]]:
    """Whitespace-separated tokens, cut where the script changes inside a token.

    Punctuation between two scripts goes with the text before it, except opening
    brackets and quotes, which go with the text after. A Latin word glued to Han
    (``AI资讯``, ``GPT-5模型``) is part of the Chinese piece.
    """
    pieces: list[tuple[int, int, str]] = []
    for m in _TOKEN.finditer(text):
        groups = _letter_groups(text, m.start(), m.end())
        if not groups:
            pieces.append((m.start(), m.end(), "other"))
            continue
        langs = [lang for _, _, lang in groups]
        for k in range(len(groups) - 1):
            gap = text[groups[k][1] : groups[k + 1][0]]
            if all(c.isalnum() or c in _TOUCHING for c in gap):
                langs[k] = langs[k + 1] = "zh"
        cuts = [m.start()]
        for k in range(1, len(groups)):
            if langs[k] != langs[k - 1]:
                cut = groups[k][0]
                while cut > groups[k - 1][1] and text[cut - 1] in _OPENERS:
                    cut -= 1
                cuts.append(cut)
        cuts.append(m.end())
        kinds = [langs[0]] + [langs[k] for k in range(1, len(langs)) if langs[k] != langs[k - 1]]
        pieces += [(cuts[k], cuts[k + 1], kinds[k]) for k in range(len(kinds))]
    return pieces


def _letter_groups(text: str, start: int, end: int) -> list[tuple[int, int, str]]:
    """Spans from the first to the last letter of each same-script stretch of a token."""
    groups: list[tuple[int, int, str]] = []
    for m in _LETTERS.finditer(text, start, end):
        lang = "zh" if m.group(1) else "en"
        if groups and groups[-1][2] == lang:
            groups[-1] = (groups[-1][0], m.end(), lang)
        else:
            groups.append((m.start(), m.end(), lang))
    return groups
