"""`bitext align` on a directory of bad input next to good articles.

One directory holds two good bilingual articles (copied from data/samples) and every kind
of file a crawl leaves behind: empty, binary with a ``.txt`` name, broken UTF-8, UTF-16
with and without BOM, GB18030, Big5, a 200 MB single-line file, 20,000 nested ``<div>``
elements, unclosed HTML, a symlink loop, a dangling symlink, an unreadable file and names
with spaces and non-ASCII characters. The real CLI runs over it once (module fixture);
each test checks one file's ``documents`` row, its pairs, and its line on stderr.
"""

from __future__ import annotations

import os
import shutil
import time
from dataclasses import dataclass
from pathlib import Path

import polars as pl
import pytest
from click.testing import CliRunner, Result

from corpus.cli import cli

REPO = Path(__file__).resolve().parents[1]
SAMPLES = REPO / "data" / "samples"
IS_ROOT = os.geteuid() == 0

HUGE_MB = 200
CHUNK = ("All work and no play makes Jack a dull boy. 只用功不玩耍，聪明孩子也变傻。 " * 64).encode()

# A short bilingual article, one sentence a line, English then its Chinese.
SIMPLIFIED = [
    ("Learning to Ride a Bicycle at Forty", "四十岁学骑自行车"),
    ("My daughter learned to ride a bicycle when she was six.", "我女儿六岁时就学会了骑自行车。"),
    ("Last spring, at the age of forty, I finally decided to try.",
     "去年春天，四十岁的我终于决定试一试。"),
    ("A friend lent me an old bike and took me to an empty car park on Sunday mornings.",
     "一位朋友借给我一辆旧自行车，每个星期天早上带我去一个空荡荡的停车场。"),
    ("Now I cycle to work three days a week.", "现在我每周有三天骑车上班。"),
]
TRADITIONAL = [
    ("Typhoon Season in Taiwan", "台灣的颱風季節"),
    ("Most families prepare by buying food, water and batteries.",
     "大多數家庭會購買食物、飲用水和電池來做準備。"),
    ("Convenience stores are often at their busiest on the evening before a typhoon.",
     "颱風來臨的前一天晚上，便利商店往往最為忙碌。"),
    ("Within a few days, life usually returns to normal.", "幾天之內，生活通常就會恢復正常。"),
]


def interleaved(pairs: list[tuple[str, str]]) -> str:
    """Paragraph by paragraph: English, blank line, Chinese, blank line."""
    return "".join(f"{en}\n\n{zh}\n\n" for en, zh in pairs)


def html_page(body: str) -> str:
    return f"<!DOCTYPE html>\n<html><head><title>t</title></head><body>\n{body}\n</body></html>\n"


NESTED_DEPTH = 20_000

# file name -> (expected status or None for "error", words the error reason must hold)
ERRORS = {
    "empty.txt": "empty file",
    "image.txt": "binary file",
    "broken_utf8_3.txt": "not valid UTF-8, UTF-16, GB18030 or Big5",
    "garbage.txt": "not valid UTF-8, UTF-16, GB18030 or Big5",
    "huge.txt": "file too large",
    "dangling.txt": "no such file",
}


@dataclass
class Run:
    root: Path
    out: Path
    result: Result
    seconds: float
    docs: pl.DataFrame
    pairs: pl.DataFrame

    def doc(self, doc_id: str) -> dict:
        rows = self.docs.filter(pl.col("doc_id") == doc_id).to_dicts()
        assert len(rows) == 1, (doc_id, self.docs["doc_id"].to_list())
        return rows[0]

    def pairs_of(self, doc_id: str) -> list[tuple[str, str]]:
        rows = self.pairs.filter(pl.col("doc_id") == doc_id)
        return list(zip(rows["en"].to_list(), rows["zh"].to_list()))

    def stderr_lines(self, name: str) -> list[str]:
        return [line for line in self.result.stderr.splitlines() if name in line]


def build(root: Path) -> None:
    root.mkdir()
    # Good articles.
    shutil.copy(SAMPLES / "blocked.md", root / "blocked.md")
    shutil.copy(SAMPLES / "garden.en.md", root / "garden.en.md")
    shutil.copy(SAMPLES / "garden.zh.md", root / "garden.zh.md")
    # Bad ones.
    (root / "empty.txt").write_bytes(b"")
    (root / "image.txt").write_bytes(
        b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x01\x00\x00\x00\x01\x00\x08\x06\x00\x00"
        + bytes(range(256)) * 8)
    # Broken UTF-8 in the middle of Chinese text: a stray byte, and a character cut short
    # (two bad spots, read with U+FFFD) ...
    text = interleaved(SIMPLIFIED).encode()
    stray, cut = text.index("空荡荡".encode()), text.index("停车场".encode())
    (root / "broken_utf8.txt").write_bytes(
        text[:stray] + b"\xff" + text[stray:cut + 2] + text[cut + 3:])
    # ... three bad spots: too many for a file this small (the limit is 2, or 1 byte
    # in 1,000) ...
    bad = text.index("骑自行车".encode())
    (root / "broken_utf8_3.txt").write_bytes(
        text[:bad] + b"\xc3\x28" + text[bad:stray] + b"\xff" + text[stray:cut + 2] + text[cut + 3:])
    # ... and text where every Chinese character is cut short: no encoding fits.
    (root / "garbage.txt").write_bytes(
        b"".join(c.encode()[:2] + b" " if ord(c) > 127 else c.encode()
                 for c in interleaved(SIMPLIFIED)))
    (root / "utf16_bom.txt").write_bytes(b"\xff\xfe" + interleaved(SIMPLIFIED).encode("utf-16-le"))
    (root / "utf16_nobom.txt").write_bytes(interleaved(SIMPLIFIED).encode("utf-16-le"))
    (root / "gb18030.txt").write_bytes(interleaved(SIMPLIFIED).encode("gb18030"))
    (root / "big5.txt").write_bytes(interleaved(TRADITIONAL).encode("big5"))
    with open(root / "huge.txt", "wb") as fh:
        chunk = CHUNK * (1_000_000 // len(CHUNK) + 1)
        for _ in range(HUGE_MB * 1_000_000 // len(chunk) + 1):
            fh.write(chunk)
    paragraphs = "".join(f"<p>{en}</p><p>{zh}</p>" for en, zh in SIMPLIFIED)
    (root / "nested.html").write_text(
        html_page("<div>" * NESTED_DEPTH + paragraphs + "</div>" * NESTED_DEPTH),
        encoding="utf-8")
    # Unclosed: <p>, <div>, <b>, a comment and the document itself left open.
    unclosed = "".join(f"<div><p><b>{en}\n<p>{zh}\n" for en, zh in SIMPLIFIED)
    (root / "unclosed.html").write_text(
        "<html><head><title>t</title><body>\n" + unclosed + "<p>Trailing <i>text <!-- never",
        encoding="utf-8")
    (root / "sub").mkdir()
    (root / "sub" / "loop").symlink_to("..")
    (root / "sub" / "inner.txt").write_text(interleaved(SIMPLIFIED[:3]), encoding="utf-8")
    (root / "dangling.txt").symlink_to(root / "does-not-exist.txt")
    secret = root / "secret.txt"
    secret.write_text(interleaved(SIMPLIFIED), encoding="utf-8")
    secret.chmod(0)
    (root / "新闻 稿.txt").write_text(interleaved(SIMPLIFIED), encoding="utf-8")
    (root / "café notes.md").write_text(
        "# Café Notes\n\n# 咖啡馆笔记\n\n" + interleaved(SIMPLIFIED[1:]), encoding="utf-8")


@pytest.fixture(scope="module")
def run(tmp_path_factory: pytest.TempPathFactory) -> Run:
    base = tmp_path_factory.mktemp("bad-input")
    root, out = base / "dir", base / "out"
    build(root)
    started = time.perf_counter()
    result = CliRunner().invoke(cli, ["align", str(root), "-o", str(out), "--no-progress"])
    seconds = time.perf_counter() - started
    assert result.exit_code == 0, (result.output, result.exception)
    docs = pl.read_parquet(out / "documents.parquet")
    pairs = pl.read_parquet(out / "pairs.parquet")
    yield Run(root, out, result, seconds, docs, pairs)
    (root / "secret.txt").chmod(0o644)
    (root / "huge.txt").unlink()  # do not leave 200 MB in the kept temp folders


def test_exit_zero_and_summary(run: Run) -> None:
    assert run.result.exit_code == 0
    n_errors = len(ERRORS) + (0 if IS_ROOT else 1)  # secret.txt
    assert f"{n_errors} with errors" in run.result.stderr, run.result.stderr
    assert run.seconds < 20, f"align took {run.seconds:.1f} s"


def test_every_file_has_one_row(run: Run) -> None:
    expected = {"blocked.md", "garden.en.md", "empty.txt", "image.txt", "broken_utf8.txt",
                "broken_utf8_3.txt",
                "garbage.txt", "utf16_bom.txt", "utf16_nobom.txt", "gb18030.txt", "big5.txt",
                "huge.txt", "nested.html", "unclosed.html", "sub/inner.txt", "dangling.txt",
                "secret.txt", "新闻 稿.txt", "café notes.md"}
    assert sorted(run.docs["doc_id"].to_list()) == sorted(expected)


def test_symlink_loop_not_followed(run: Run) -> None:
    # The walk ended (we got here) and did not come back in through sub/loop.
    assert not [d for d in run.docs["doc_id"].to_list() if "loop" in d]


@pytest.mark.parametrize("name", sorted(ERRORS))
def test_error_row_and_stderr_line(run: Run, name: str) -> None:
    doc = run.doc(name)
    assert doc["status"] == "error"
    assert doc["layout"] == "error"
    reason = doc["reason"]
    assert "\n" not in reason
    assert reason.startswith(f"{name}: "), reason
    assert ERRORS[name] in reason, reason
    assert doc["n_pairs"] == 0 and run.pairs_of(name) == []
    lines = run.stderr_lines(name)
    assert lines == [f"bitext: {reason}"], run.result.stderr


def test_huge_file_reported_quickly(run: Run) -> None:
    assert (run.root / "huge.txt").stat().st_size > HUGE_MB * 1_000_000
    assert "50 MB limit" in run.doc("huge.txt")["reason"]


def test_unreadable_file(run: Run) -> None:
    if IS_ROOT:
        pytest.skip("running as root: permission bits are not enforced, so a chmod 000 file "
                    "is still readable and cannot be made unreadable for the CLI")
    doc = run.doc("secret.txt")
    assert doc["status"] == "error"
    assert doc["reason"] == "secret.txt: cannot read: permission denied"
    assert run.stderr_lines("secret.txt") == [f"bitext: {doc['reason']}"]


def test_no_other_errors_on_stderr(run: Run) -> None:
    errors = set(ERRORS) | (set() if IS_ROOT else {"secret.txt"})
    lines = [line for line in run.result.stderr.splitlines() if line.startswith("bitext: ")]
    assert sorted(line.split(": ")[1] for line in lines) == sorted(errors), lines


@pytest.mark.parametrize("name", ["blocked.md", "garden.en.md"])
def test_good_articles_aligned(run: Run, name: str) -> None:
    doc = run.doc(name)
    assert doc["status"] == "ok" and doc["reason"] is None
    assert doc["n_pairs"] >= 3
    assert len(run.pairs_of(name)) == doc["n_pairs"]


def test_garden_is_two_files(run: Run) -> None:
    assert run.doc("garden.en.md")["source"] == ["garden.en.md", "garden.zh.md"]
    assert ("Water in the early morning, when less water is lost to the sun.",
            "要在清晨浇水，那时被太阳蒸发掉的水分比较少。") in run.pairs_of("garden.en.md")


@pytest.mark.parametrize("name,pairs", [
    ("utf16_bom.txt", SIMPLIFIED[1:]),
    ("utf16_nobom.txt", SIMPLIFIED[1:]),
    ("gb18030.txt", SIMPLIFIED[1:]),
    ("big5.txt", TRADITIONAL[1:]),
    ("nested.html", SIMPLIFIED[1:]),
    ("新闻 稿.txt", SIMPLIFIED[1:]),
    ("café notes.md", SIMPLIFIED[1:]),
    ("sub/inner.txt", SIMPLIFIED[1:3]),
])
def test_decodable_files_aligned(run: Run, name: str, pairs: list[tuple[str, str]]) -> None:
    """Every sentence with three English words or more is paired with its translation
    (the title, under the minimum, is left out)."""
    doc = run.doc(name)
    assert doc["status"] == "ok", doc
    got = run.pairs_of(name)
    for pair in pairs:
        assert pair in got, (name, got)
    n = len(pairs) + 1
    assert doc["n_sent_en"] == n and doc["n_sent_zh"] == n, doc
    assert not run.stderr_lines(name)


def test_unclosed_html_aligned(run: Run) -> None:
    doc = run.doc("unclosed.html")
    assert doc["status"] == "ok", doc
    got = run.pairs_of("unclosed.html")
    for pair in SIMPLIFIED[1:]:
        assert pair in got, got
    # The five Chinese sentences; the English ones and the trailing text left open.
    assert doc["n_sent_zh"] == 5 and doc["n_sent_en"] == 6, doc
    assert doc["unaligned_en"][-1].startswith("Trailing text"), doc["unaligned_en"]


def test_unclosed_comment_is_not_text(run: Run) -> None:
    doc = run.doc("unclosed.html")
    text = " ".join(doc["unaligned_en"] + doc["unaligned_zh"] + [
        en + zh for en, zh in run.pairs_of("unclosed.html")])
    assert "<!--" not in text and "never" not in text, text


def test_broken_utf8_read_with_replacement(run: Run) -> None:
    """Two bad spots are replaced (U+FFFD); the article aligns around them."""
    doc = run.doc("broken_utf8.txt")
    assert doc["status"] == "ok", doc
    got = dict(run.pairs_of("broken_utf8.txt"))
    for en, zh in SIMPLIFIED[1:]:
        if "空荡荡" in zh:
            assert got[en].count("\ufffd") == 2, got[en]
            assert got[en].replace("\ufffd", "") == zh.replace("停", "")
        else:
            assert got[en] == zh


def test_big5_keeps_traditional_characters(run: Run) -> None:
    zh = "".join(run.pairs.filter(pl.col("doc_id") == "big5.txt")["zh"].to_list())
    assert "颱風" in zh and "台风" not in zh


def test_strict_exits_non_zero(run: Run, tmp_path: Path) -> None:
    result = CliRunner().invoke(
        cli, ["align", str(run.root), "-o", str(tmp_path / "strict"), "--no-progress",
              "--strict"])
    assert result.exit_code != 0
    assert "with errors" in result.stderr
    # The store is still written: errors are rows, not a failed run.
    docs = pl.read_parquet(tmp_path / "strict" / "documents.parquet")
    assert docs.height == run.docs.height
