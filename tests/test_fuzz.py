"""Property tests (hypothesis): the sentence splitters and the article step on random input.

``split_en`` / ``split_zh`` never raise and lose or add no text (only whitespace may
change). ``align_article`` on a random small article (English, Chinese and mixed
paragraphs, written as UTF-8, UTF-16 or GB18030, one file or two) never raises, and its
rows agree with each other and with the documents row.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from align import Settings
from corpus.articles import Article
from corpus.pipeline import align_article
from corpus.sentences import split_en, split_zh
from corpus.store import DOCUMENTS_SCHEMA, PAIRS_SCHEMA

# BITEXT_FUZZ=20 runs 20 times as many examples (a longer hunt than the suite's < 30 s).
SCALE = int(os.environ.get("BITEXT_FUZZ", "1"))
FAST = settings(max_examples=150 * SCALE, deadline=None,
                suppress_health_check=[HealthCheck.too_slow])
SLOW = settings(max_examples=25 * SCALE, deadline=None,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])

EN = [
    "The clock on the town hall stopped working last winter.",
    "Nobody in the town knew how to repair it.",
    "In the spring, a retired engineer climbed the tower and fixed it in three days.",
    "Dr. Smith arrived at 3 p.m. on Jan. 5, and the U.N. General Assembly met later.",
    "Why Tea Matters",
    "\"Is it true?\" she asked. 'Yes,' he said!",
    "Prices rose 4.5% in Q3... then fell.",
    "Back to top",
]
ZH = [
    "去年冬天，市政厅上的大钟停了。",
    "镇上没有人知道怎么修理它。",
    "到了春天，一位退休的工程师爬上钟楼，用三天时间把它修好了。",
    "史密斯博士于1月5日下午3点到达，联合国大会随后召开。",
    "茶为何重要",
    "“这是真的吗？”她问。“是的！”他说……",
    "第三季度物价上涨4.5%，然后下降。",
    "返回顶部",
]

# Text with the characters the splitters care about: sentence ends, quotes, brackets,
# abbreviations, CJK and fullwidth forms, odd whitespace.
PUNCTUATION = ".!?。！？…‼；;:,，、\"'“”‘’「」『』（）()[]《》—–-"
SPACES = " \t\n\r\u3000\u00a0\u2028\u200b"
SNIPPETS = st.sampled_from(EN + ZH + ["U.S.", "Mr.", "e.g.", "No.", "i.e.", "A.", "3.14",
                                      "...", "?!", "!?", "。”", "！」", '."', "Dr"])
CHARS = st.characters(codec="utf-8")
TEXT = st.lists(
    st.one_of(SNIPPETS, st.sampled_from(PUNCTUATION), st.sampled_from(SPACES),
              st.text(alphabet=st.sampled_from("abcXYZ 中文字。."), max_size=8),
              st.text(alphabet=CHARS, max_size=5)),
    max_size=25,
).map("".join)


def squash(text: str) -> str:
    return "".join(text.split())


@pytest.mark.parametrize("split", [split_en, split_zh])
@FAST
@given(TEXT)
def test_splitter_keeps_text(split: Callable[[str], list[str]], text: str) -> None:
    sentences = split(text)
    assert all(s and s == s.strip() for s in sentences), sentences
    assert squash("".join(sentences)) == squash(text)


@FAST
@given(st.text(alphabet=CHARS, max_size=60))
def test_splitters_on_any_text(text: str) -> None:
    for split in (split_en, split_zh):
        assert squash("".join(split(text))) == squash(text)


# --------------------------------------------------------------------------------------
# align_article

CLEAN_PARAGRAPH = st.one_of(
    st.lists(st.sampled_from(EN), min_size=1, max_size=3).map(" ".join),  # English
    st.lists(st.sampled_from(ZH), min_size=1, max_size=3).map("".join),  # Chinese
    st.tuples(st.sampled_from(EN), st.sampled_from(ZH)).map(" ".join),  # same line
    st.tuples(st.sampled_from(ZH), st.sampled_from(EN)).map("".join),
)
PARAGRAPH = st.one_of(  # and random text (NULs, rare characters, markup characters)
    CLEAN_PARAGRAPH,
    st.lists(st.one_of(st.sampled_from(EN + ZH), TEXT), min_size=1, max_size=3).map(" ".join),
)
ENCODINGS = st.sampled_from(["utf-8", "utf-16", "gb18030"])
SUFFIXES = st.sampled_from([".txt", ".md", ".html"])


def _write(path: Path, paragraphs: list[str], encoding: str) -> None:
    if path.suffix == ".html":
        from html import escape

        text = "<html><body>\n" + "\n".join(f"<p>{escape(p)}</p>" for p in paragraphs) + \
            "\n</body></html>\n"
    else:
        text = "\n\n".join(paragraphs) + "\n"
    path.write_bytes(text.encode(encoding))


def _check(article: Article, root: Path) -> dict:
    doc, rows = align_article(article, root, Settings())
    event(f"status {doc['status']}, layout {doc['layout']}")
    if doc["status"] == "error":
        event(f"error: {doc['reason'].split(': ', 1)[1]}")
    # the runner adds how the files were paired (corpus.articles), not the article step
    assert set(doc) == set(DOCUMENTS_SCHEMA) - {"paired_by", "pair_score"}
    assert doc["doc_id"] == article.doc_id
    assert doc["status"] in ("ok", "no_pairs", "error")
    if doc["status"] == "error":
        assert rows == [] and doc["reason"] and "\n" not in doc["reason"]
        assert doc["reason"].startswith(article.files[0] + ": ") or \
            doc["reason"].startswith(article.files[-1] + ": "), doc["reason"]
        return doc
    assert (doc["status"] == "ok") == bool(rows)
    assert doc["n_pairs"] == len(rows)
    assert 0 <= doc["n_sent_en_aligned"] <= doc["n_sent_en"]
    assert 0 <= doc["n_sent_zh_aligned"] <= doc["n_sent_zh"]
    assert doc["n_para_en"] <= doc["n_sent_en"] and doc["n_para_zh"] <= doc["n_sent_zh"]
    if not rows:
        assert doc["reason"] and "\n" not in doc["reason"]
    used_en: set[int] = set()
    used_zh: set[int] = set()
    for r in rows:
        assert set(r) == set(PAIRS_SCHEMA)
        assert r["doc_id"] == article.doc_id and r["layout"] == doc["layout"]
        assert r["sent_en"] and r["sent_zh"]
        assert all(0 <= i < doc["n_sent_en"] for i in r["sent_en"]), (r, doc)
        assert all(0 <= j < doc["n_sent_zh"] for j in r["sent_zh"]), (r, doc)
        assert r["sent_en"] == sorted(r["sent_en"]) and r["sent_zh"] == sorted(r["sent_zh"])
        assert all(0 <= p < doc["n_para_en"] for p in r["para_en"]), (r, doc)
        assert all(0 <= p < doc["n_para_zh"] for p in r["para_zh"]), (r, doc)
        assert r["bead"] == f"{len(r['sent_en'])}-{len(r['sent_zh'])}"
        assert r["line_en"] >= 1 and r["line_zh"] >= 1
        assert r["en"].strip() and r["zh"].strip()
        assert 0.0 <= r["align_score"] <= 1.0
        used_en.update(r["sent_en"])
        used_zh.update(r["sent_zh"])
    assert doc["n_sent_en_aligned"] == len(used_en)
    assert doc["n_sent_zh_aligned"] == len(used_zh)
    # Beads move forward: each row starts after the sentences of the row before it
    # (pieces of one divided sentence share it).
    for a, b in zip(rows, rows[1:]):
        assert b["sent_en"][0] >= a["sent_en"][0] and b["sent_zh"][0] >= a["sent_zh"][0]
    return doc


@SLOW
@given(st.lists(PARAGRAPH, min_size=0, max_size=8), ENCODINGS, SUFFIXES)
def test_align_article_one_file(paragraphs: list[str], encoding: str, suffix: str) -> None:
    with tempfile.TemporaryDirectory(prefix="bitext-fuzz-") as tmp:
        root = Path(tmp)
        name = f"article{suffix}"
        _write(root / name, paragraphs, encoding)
        _check(Article(name, (name,)), root)


@SLOW
@given(st.lists(PARAGRAPH, max_size=5), st.lists(PARAGRAPH, max_size=5), ENCODINGS,
       ENCODINGS)
def test_align_article_two_files(en: list[str], zh: list[str], enc_en: str,
                                 enc_zh: str) -> None:
    with tempfile.TemporaryDirectory(prefix="bitext-fuzz-") as tmp:
        root = Path(tmp)
        _write(root / "a.en.md", en, enc_en)
        _write(root / "a.zh.md", zh, enc_zh)
        _check(Article("a.en.md", ("a.en.md", "a.zh.md"), "a.en.md", "a.zh.md"), root)


@SLOW
@given(st.lists(CLEAN_PARAGRAPH, min_size=1, max_size=8), ENCODINGS, SUFFIXES)
def test_align_article_reads_clean_text(paragraphs: list[str], encoding: str,
                                        suffix: str) -> None:
    """Ordinary English and Chinese text is read in each encoding: no error row."""
    with tempfile.TemporaryDirectory(prefix="bitext-fuzz-") as tmp:
        root = Path(tmp)
        name = f"article{suffix}"
        _write(root / name, paragraphs, encoding)
        doc = _check(Article(name, (name,)), root)
        assert doc["status"] != "error", doc["reason"]
        # Every paragraph is a sentence or, page furniture ("Back to top"), left out.
        assert doc["n_sent_en"] + doc["n_sent_zh"] > 0 or doc["unaligned_en"] or \
            doc["unaligned_zh"], doc
