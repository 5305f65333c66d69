"""How an article carries its two languages, decided from the order of its English and
Chinese blocks after reading, whatever the format.

- ``two_files``: one language a file.
- ``same_line``: most changes of language happen inside one block ("English 中文" on a
  line, a subtitle cue of two lines), not between blocks. Two HTML elements that share
  a line (``<p>English</p><p class="zh">中文</p>``) are two blocks, not one.
- ``blocked``: one cut separates the languages (all English, then all Chinese, or the
  reverse) for at least BLOCKED_SHARE of the text; a title or a line of page furniture
  in the other language does not make it interleaved.
- ``interleaved``: anything else with both languages (paragraph by paragraph, sentence by
  sentence).
- ``en_only`` / ``zh_only`` / ``empty``.

After alignment, a ``blocked``, ``interleaved`` or ``two_files`` article of which either
language has less than PARTIAL_SHARE of its text in pairs is ``partial_<layout>``
(``is_partial``): measured in text, not sentences, so that a few short lines of page
furniture left out do not make a fully translated article partial.
"""

from __future__ import annotations

from collections.abc import Sequence

from corpus.blocks import Block

BLOCKED_SHARE = 0.9  # of the text (Chinese characters weighing HAN_WEIGHT letters)
SAME_LINE_SHARE = 0.5  # of the changes of language, inside one block
HAN_WEIGHT = 3.0
PARTIAL_SHARE = 0.7  # of a language's text in pairs, below which an article is partial


def detect_layout(blocks: Sequence[Block], two_files: bool) -> str:
    """The layout of an article from its blocks after the language split."""
    if two_files:
        return "two_files"
    seq = [b for b in blocks if b.lang in ("en", "zh")]
    langs = [b.lang for b in seq]
    if not seq:
        return "empty"
    if "en" not in langs:
        return "zh_only"
    if "zh" not in langs:
        return "en_only"
    changes = [k for k in range(len(seq) - 1) if langs[k] != langs[k + 1]]
    inside = sum(1 for k in changes if _one_block(seq[k], seq[k + 1]))
    if inside >= max(2, SAME_LINE_SHARE * len(changes)):
        return "same_line"
    if _blocked_share(seq) >= BLOCKED_SHARE:
        return "blocked"
    return "interleaved"


def _one_block(a: Block, b: Block) -> bool:
    """Two consecutive parts of one block the language split divided."""
    return a.part > 0 and b.part == a.part + 1 and (a.source, a.line) == (b.source, b.line)


def _weight(b: Block) -> float:
    return len(b.text) * (HAN_WEIGHT if b.lang == "zh" else 1.0)


def _blocked_share(seq: Sequence[Block]) -> float:
    """The largest share of the text on the right side of one cut: English before and
    Chinese after, or the reverse."""
    weights = [_weight(b) for b in seq]
    total = sum(weights)
    en_total = sum(w for w, b in zip(weights, seq) if b.lang == "en")
    zh_total = total - en_total
    best = 0.0
    en_before = zh_before = 0.0
    for k in range(len(seq) + 1):
        # cut before block k: English-first keeps en_before + (zh_total - zh_before)
        best = max(best, en_before + zh_total - zh_before, zh_before + en_total - en_before)
        if k < len(seq):
            if seq[k].lang == "en":
                en_before += weights[k]
            else:
                zh_before += weights[k]
    return best / total


def is_partial(en: Sequence[str], used_en: set[int], zh: Sequence[str],
               used_zh: set[int]) -> bool:
    """Whether either language has less than PARTIAL_SHARE of its text (characters) in
    pairs; ``used_*`` are the indices of the sentences that are."""
    for texts, used in ((en, used_en), (zh, used_zh)):
        total = sum(len(t) for t in texts)
        if total and sum(len(texts[k]) for k in used) < PARTIAL_SHARE * total:
            return True
    return False
