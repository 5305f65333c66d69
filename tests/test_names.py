"""Transliterated names as features shared by both sides (``align.lexicon``).

A name the dictionary does not know (陈清扬, written Chen Qingyang in the translation) is
matched through the pinyin readings of its characters; English words that happen to read
as pinyin ("Women", "Change") are not names.
"""

from __future__ import annotations

from align.lexicon import Lexicon


def test_a_pinyin_name_gives_its_syllable_pairs():
    lex = Lexicon.load()
    feats = lex.name_features("Then Chen Qingyang came down the hill with Bao-yu.")
    assert {"py:chenqing", "py:qingyang", "py:baoyu"} <= set(feats)


def test_english_words_and_stop_words_are_not_names():
    lex = Lexicon.load()
    assert lex.name_features("Women Change The World, Then Go Home.") == []


def test_the_characters_that_read_as_the_name_are_found():
    lex = Lexicon.load()
    wanted = set(lex.name_features("Chen Qingyang laughed."))
    found = {chars for chars, _ in lex.han_pairs("陈清扬笑了起来。", wanted)}
    assert found == {"陈清", "清扬"}
    assert lex.han_pairs("她笑了起来。", wanted) == []
