"""Layout detection (corpus.layout) on a generated set of every layout, through
``bitext align``: the ``layout`` of every article in ``documents``, decided from the order
of its blocks after reading (whatever the format) and, for ``partial_*``, from the share
of its text that found a pair."""

from __future__ import annotations

import random
from html import escape
from pathlib import Path

import polars as pl
from click.testing import CliRunner

from corpus.blocks import Block
from corpus.cli import cli
from corpus.layout import detect_layout, is_partial

METRICS = Path(__file__).resolve().parents[1] / "data" / "metrics"  # 20 sentence pairs


def sentence_pairs() -> list[tuple[str, str]]:
    en = (METRICS / "ref.en").read_text(encoding="utf-8").splitlines()
    zh = (METRICS / "ref.zh").read_text(encoding="utf-8").splitlines()
    return list(zip(en, zh))


def paragraphs(pairs: list[tuple[str, str]], rng: random.Random) -> list[tuple[str, str]]:
    """Sentence pairs grouped into paragraph pairs of 1 to 3 sentences."""
    out, k = [], 0
    while k < len(pairs):
        n = rng.randint(1, 3)
        chunk = pairs[k:k + n]
        out.append((" ".join(e for e, _ in chunk), "".join(z for _, z in chunk)))
        k += n
    return out


def articles(seed: int) -> list[tuple[str, str, str]]:
    """(expected layout, file name, text) of one article in each layout."""
    rng = random.Random(seed)
    pairs = rng.sample(sentence_pairs(), rng.randint(6, 12))
    paras = paragraphs(pairs, rng)
    en, zh = [e for e, _ in paras], [z for _, z in paras]
    half = max(1, len(zh) // 2)
    return [
        ("blocked", "a.md", "\n\n".join(["# News", *en, "# 新闻", *zh])),
        ("blocked", "b.txt", "\n\n".join(["新闻 | 首页", *en, *zh])),  # furniture first
        ("blocked", "c.txt", "\n\n".join([*zh, "Reuters", *en])),  # Chinese first
        ("partial_blocked", "d.md", "\n\n".join([*en, *zh[:half]])),  # partly translated
        ("blocked", "l.md", "\n\n".join(["Share this story", *en, *zh, "Back to top",
                                           "Photo: Reuters", "图片来源：网络"])),  # furniture
        ("partial_interleaved", "m.txt", "\n\n".join(
            p for k, (e, z) in enumerate(paras) for p in ((e, z) if k < half else (e,)))),
        ("two_files", "n.en.md", "\n\n".join(en)),
        ("two_files", "n.zh.md", "\n\n".join(zh)),
        ("interleaved", "e.txt", "\n\n".join(p for ez in paras for p in ez)),
        ("interleaved", "f.txt", "\n\n".join(p for e, z in paras for p in (z, e))),
        ("interleaved", "g.txt", "\n\n".join(p for ez in pairs for p in ez)),  # sentences
        ("same_line", "h.txt", "\n\n".join(f"{e} {z}" for e, z in paras)),
        ("same_line", "i.srt", "\n".join(f"{k}\n00:00:{k:02d},000 --> 00:00:{k:02d},900\n"
                                         f"{e}\n{z}\n" for k, (e, z) in enumerate(pairs, 1))),
        ("interleaved", "j.html", "<html><body>\n" + "\n".join(
            f"<p>{escape(e)}</p><p class=\"zh\">{escape(z)}</p>" for e, z in paras)
            + "\n</body></html>"),
        ("blocked", "k.html", "<html><body>" + "".join(f"<p>{escape(p)}</p>" for p in en + zh)
            + "</body></html>"),
    ]


def layouts(tmp_path: Path, seeds: range) -> list[tuple[str, str, str]]:
    """(expected, detected, file) for every generated article, one ``bitext align`` run."""
    expected = {}
    for seed in seeds:
        folder = tmp_path / "in" / str(seed)
        folder.mkdir(parents=True)
        for layout, name, text in articles(seed):
            (folder / name).write_text(text, encoding="utf-8")
            expected[f"{seed}/{name}"] = layout
    out = tmp_path / "out"
    result = CliRunner().invoke(cli, ["align", str(tmp_path / "in"), "-o", str(out),
                                      "--no-progress"])
    assert result.exit_code == 0, (result.output, result.exception)
    docs = pl.read_parquet(out / "documents.parquet")
    got = []
    for row in docs.iter_rows(named=True):
        for f in row["source"]:
            got.append((expected.pop(f), row["layout"], f))
    assert not expected, f"no documents row for {sorted(expected)}"
    return got


def test_every_layout_is_named_right(tmp_path: Path) -> None:
    got = layouts(tmp_path, range(12))
    wrong = [(e, d, n) for e, d, n in got if e != d]
    assert len(wrong) <= 0.02 * len(got), wrong


def test_two_files_and_one_language() -> None:
    assert detect_layout([Block("Hello there.", "a", 1, lang="en")], True) == "two_files"
    assert detect_layout([Block("Hello there.", "a", 1, lang="en")], False) == "en_only"
    assert detect_layout([Block("你好。", "a", 1, lang="zh")], False) == "zh_only"
    assert detect_layout([Block("42", "a", 1, lang="other")], False) == "empty"


def test_elements_sharing_a_line_are_not_same_line() -> None:
    """Two <p> on one line are two blocks; the split of "English 中文" is one."""
    html = [Block(t, "a.html", 1, lang=g) for t, g in
            [("One.", "en"), ("一。", "zh"), ("Two.", "en"), ("二。", "zh")]]
    split = [Block(t, "a.txt", k // 2 + 1, lang=g, part=k % 2 + 1) for k, (t, g) in
             enumerate([("One.", "en"), ("一。", "zh"), ("Two.", "en"), ("二。", "zh")])]
    assert detect_layout(html, False) == "interleaved"
    assert detect_layout(split, False) == "same_line"


def test_partial_is_measured_in_text() -> None:
    """Short lines left out do not make an article partial; a long stretch does."""
    en = ["A long sentence of the article that found its translation, word by word."] * 4
    en_furniture = [*en, "Share", "Top", "Next"]
    assert not is_partial(en_furniture, {0, 1, 2, 3}, ["中文句子。"] * 4, {0, 1, 2, 3})
    assert is_partial(en, {0, 1}, ["中文句子。"] * 4, {0, 1, 2, 3})
    assert is_partial(en, {0, 1, 2, 3}, ["中文句子。"] * 4, {0})
