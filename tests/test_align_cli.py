"""`bitext align` end to end: real files (data/samples, ../shared/seeds) through the CLI.

Checks the pairs of every sample layout, the documents table, errors, idempotent and
incremental runs, ``--jobs``, atomic replacement of the store (failed writes, interrupts,
SIGKILL), and the ``align-sentences`` / ``eval`` commands.
"""

from __future__ import annotations

import random
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

import polars as pl
import pytest
from click.testing import CliRunner, Result

import corpus.runner
import corpus.store
from corpus.cli import cli
from corpus.furniture import is_furniture
from corpus.read import TEXT_SUFFIXES

REPO = Path(__file__).resolve().parents[1]
SAMPLES = REPO / "data" / "samples"
SHARED = Path(__file__).resolve().parents[2] / "shared"
SUMMARY = re.compile(
    r"(\d+) articles: (\d+) aligned, (\d+) unchanged, (\d+) with errors; (\d+) pairs in ")

# One pair from each bilingual sample: (doc_id, English, Chinese).
KNOWN_PAIRS = [
    ("blocked.md",
     "The library sells the honey in small jars and uses the money to buy new books for "
     "children.",
     "图书馆把蜂蜜装进小罐出售，并用这笔钱为孩子们购买新书。"),
    ("interleaved.txt", "One reason is the climate.", "原因之一是气候。"),
    ("sentences.txt", "Now I cycle to work three days a week.", "现在我每周有三天骑车上班。"),
    ("same_line.txt", "Tea also travelled along trade routes to the rest of the world.",
     "茶也沿着贸易路线传到了世界其他地方。"),
    ("same_line.txt", "Why Tea Matters", "茶为何重要"),
    ("partial.txt",
     "A single large tree can lower the temperature of the air around it by several degrees.",
     "一棵大树就能让周围的气温降低好几度。"),
    ("garden.en.md", "Water in the early morning, when less water is lost to the sun.",
     "要在清晨浇水，那时被太阳蒸发掉的水分比较少。"),
    ("docs/en/intro.md",
     "If you change your mind, run tidy --undo and all files will return to where they were.",
     "如果你改变了主意，运行 tidy --undo，所有文件都会回到原来的位置。"),
    ("page.html",
     "Suppose a visitor types the text <script>alert(1)</script> into the comment box.",
     "假设一位访客在评论框中输入了文本 <script>alert(1)</script>。"),
    ("traditional.txt", "Most families prepare by buying food, water and batteries.",
     "大多數家庭會購買食物、飲用水和電池來做準備。"),
    ("gb18030.txt", "Whoever finds the coin is said to have good luck for the whole year.",
     "据说，吃到硬币的人一整年都会交好运。"),
    ("crlf.txt", "For forty years, Mr. Lin lived alone in a lighthouse on a small island.",
     "四十年来，林先生独自住在一座小岛的灯塔里。"),
]

# What each fully translated sample leaves unaligned (English, Chinese): only boilerplate
# and headings under the pipeline's three-word minimum. Every other sentence is paired.
LEFT_OUT = {
    "blocked.md": ([], []),
    "crlf.txt": ([], []),
    "docs/en/intro.md": ([], []),  # the heading pair "Introduction" / "简介" is kept
    "garden.en.md": ([], []),  # "Getting started" / "入门": skipped, then paired as a gap
    "gb18030.txt": ([], []),
    "interleaved.txt": (["Back to top"], ["分享到微信"]),
    "page.html": ([], []),
    "same_line.txt": ([], []),
    "sentences.txt": ([], []),
    "traditional.txt": ([], []),
}

# The translated sentences of partial.txt, in order.
PARTIAL_PAIRS = [
    ("Cities Need More Shade, Not More Air Conditioning", "城市需要更多树荫，而不是更多空调"),
    ("Every summer, heat waves are becoming longer and more dangerous in cities around the "
     "world.", "每年夏天，世界各地城市的热浪都变得更长、更危险。"),
    ("Concrete and asphalt absorb sunlight during the day and release the heat at night, so "
     "the streets never cool down.", "混凝土和沥青白天吸收阳光，夜里再把热量释放出来，所以街道始终凉不下来。"),
    ("Planting trees is one of the cheapest ways to fight this effect.",
     "种树是对抗这种效应最便宜的方法之一。"),
    ("A single large tree can lower the temperature of the air around it by several degrees.",
     "一棵大树就能让周围的气温降低好几度。"),
    ("Its leaves give shade, and the water they release cools the air like a natural fan.",
     "它的叶子提供树荫，叶子释放的水分像天然风扇一样让空气变凉。"),
    ("Studies in Europe found that neighbourhoods with more trees had fewer deaths during "
     "heat waves.", "欧洲的研究发现，树木较多的街区在热浪期间死亡人数较少。"),
    ("Air conditioning, by contrast, makes the problem worse outside.",
     "相比之下，空调会让室外的问题更加严重。"),
    ("Every machine that cools a room pushes hot air into the street and uses electricity "
     "that often comes from burning coal or gas.",
     "每台为房间降温的机器都会把热空气排到街上，而且它消耗的电力往往来自燃烧煤炭或天然气。"),
]

BOILERPLATE = ["Back to top", "分享到微信", "返回顶部", "Home", "首页", "Copyright", "版权所有",
               "Science News", "科学资讯", "热度", "质量", "影响力", "深度分析", "&lt;", "&gt;"]
WIDGET_WORDS = re.compile(r"\b(Hot|Quality|Impact|Analysis)\b")

NEW_ARTICLE = """\
The Town Clock

镇上的大钟

The clock on the town hall stopped working last winter. Nobody in the town knew how to repair it.

去年冬天，市政厅上的大钟停了。镇上没有人知道怎么修理它。

In the spring, a retired engineer climbed the tower and fixed it in three days.

到了春天，一位退休的工程师爬上钟楼，用三天时间把它修好了。
"""


# ------------------------------------------------------------------------------------
# helpers


def align(src: Path, out: Path, *args: str, ok: bool = True) -> Result:
    result = CliRunner().invoke(cli, ["align", str(src), "-o", str(out), "--no-progress", *args])
    if ok:
        assert result.exit_code == 0, (result.output, result.exception)
    return result


def summary(result: Result) -> dict[str, int]:
    m = SUMMARY.search(result.stderr)
    assert m, result.stderr
    return dict(zip(("articles", "aligned", "unchanged", "errors", "pairs"), map(int, m.groups())))


def read_store(out: Path) -> tuple[pl.DataFrame, pl.DataFrame]:
    return pl.read_parquet(out / "pairs.parquet"), pl.read_parquet(out / "documents.parquet")


def store_bytes(out: Path) -> tuple[bytes, bytes]:
    return (out / "pairs.parquet").read_bytes(), (out / "documents.parquet").read_bytes()


def assert_same_rows(a: Path, b: Path) -> None:
    for x, y in zip(read_store(a), read_store(b)):
        assert x.equals(y), (x, y)


def align_one(tmp_path: Path, name: str, text: str) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Align a directory holding the one article ``name`` with ``text``; the store."""
    src = tmp_path / "in"
    src.mkdir()
    (src / name).write_text(text, encoding="utf-8")
    align(src, tmp_path / "out")
    return read_store(tmp_path / "out")


def squash(text: str) -> str:
    return "".join(text.split())


def has_pair(pairs: pl.DataFrame, doc_id: str, en: str, zh: str) -> bool:
    rows = pairs.filter(pl.col("doc_id") == doc_id).select("en", "zh").iter_rows()
    return (squash(en), squash(zh)) in {(squash(e), squash(z)) for e, z in rows}


def scratch(out: Path) -> list[Path]:
    return list(out.glob(".bitext-run-*"))


def copy_samples(dest: Path, broken: bool = False) -> Path:
    ignore = None if broken else shutil.ignore_patterns("broken.txt")
    shutil.copytree(SAMPLES, dest, ignore=ignore)
    return dest


def sample_files() -> list[str]:
    return sorted(p.relative_to(SAMPLES).as_posix() for p in SAMPLES.rglob("*")
                  if p.is_file() and not p.name.startswith(".")
                  and p.suffix.lower() in TEXT_SUFFIXES)


# ------------------------------------------------------------------------------------
# data/samples


@pytest.fixture(scope="module")
def samples(tmp_path_factory: pytest.TempPathFactory) -> tuple[Result, Path]:
    out = tmp_path_factory.mktemp("samples") / "store"
    return align(SAMPLES, out), out


@pytest.fixture(scope="module")
def sample_pairs(samples: tuple[Result, Path]) -> pl.DataFrame:
    return read_store(samples[1])[0]


@pytest.fixture(scope="module")
def sample_docs(samples: tuple[Result, Path]) -> pl.DataFrame:
    return read_store(samples[1])[1].sort("doc_id")


def test_store_is_plain_parquet(samples: tuple[Result, Path]) -> None:
    _, out = samples
    # the two files, linked into the current generation (swapped in one rename)
    visible = {p.name for p in out.iterdir() if not p.name.startswith(".")}
    assert visible == {"pairs.parquet", "documents.parquet"}
    assert {p.name for p in out.iterdir()} - visible == {".bitext-store"}
    assert len([g for g in (out / ".bitext-store").iterdir() if not g.is_symlink()]) == 1
    pairs, docs = read_store(out)
    assert pairs.height > 50
    assert {"pair_id", "doc_id", "bead", "en", "zh", "align_score"} <= set(pairs.columns)
    assert pairs["pair_id"].n_unique() == pairs.height
    assert set(pairs["doc_id"]) <= set(docs["doc_id"])
    assert summary(samples[0]) == {"articles": docs.height, "aligned": docs.height,
                                   "unchanged": 0, "errors": 1, "pairs": pairs.height}


def test_one_document_row_per_article(sample_docs: pl.DataFrame) -> None:
    sources = [s for row in sample_docs["source"] for s in row]
    assert sorted(sources) == sample_files()
    assert sample_docs["doc_id"].n_unique() == sample_docs.height
    two = {d: s for d, s in sample_docs.select("doc_id", "source").iter_rows() if len(s) > 1}
    assert two == {"garden.en.md": ["garden.en.md", "garden.zh.md"],
                   "docs/en/intro.md": ["docs/en/intro.md", "docs/zh-CN/intro.md"]}
    layouts = dict(sample_docs.select("doc_id", "layout").iter_rows())
    assert layouts["garden.en.md"] == layouts["docs/en/intro.md"] == "two_files"
    assert layouts["blocked.md"] == layouts["traditional.txt"] == "blocked"
    assert layouts["same_line.txt"] == "same_line"
    assert layouts["interleaved.txt"] == "interleaved"


def test_binary_file_is_a_one_line_error_and_the_run_goes_on(
        samples: tuple[Result, Path], sample_docs: pl.DataFrame, tmp_path: Path) -> None:
    result, _ = samples
    row = sample_docs.filter(pl.col("doc_id") == "broken.txt").row(0, named=True)
    assert row["status"] == "error"
    assert "broken.txt" in row["reason"] and "\n" not in row["reason"]
    errors = [line for line in result.stderr.splitlines() if "broken.txt" in line]
    assert len(errors) == 1 and errors[0].startswith("bitext: ")
    assert sample_docs.filter(pl.col("status") == "ok").height == 14
    strict = align(SAMPLES, tmp_path / "strict", "--strict", ok=False)
    assert strict.exit_code != 0
    assert (tmp_path / "strict" / "pairs.parquet").is_file()  # the store is still written


def test_one_language_articles_have_no_pairs(sample_docs: pl.DataFrame) -> None:
    rows = {r["doc_id"]: r for r in sample_docs.iter_rows(named=True)}
    assert rows["chinese_only.txt"]["status"] == "no_pairs"
    assert rows["chinese_only.txt"]["layout"] == "zh_only"
    assert "Chinese only" in rows["chinese_only.txt"]["reason"]
    assert rows["README.md"]["status"] == "no_pairs"
    assert rows["README.md"]["layout"] == "en_only"


@pytest.mark.parametrize("doc_id,en,zh", KNOWN_PAIRS, ids=[f"{d}:{e[:20]}" for d, e, _ in
                                                             KNOWN_PAIRS])
def test_known_pair_of_each_sample(sample_pairs: pl.DataFrame, doc_id: str, en: str,
                                   zh: str) -> None:
    assert has_pair(sample_pairs, doc_id, en, zh)


def test_every_translated_sentence_is_paired(sample_pairs: pl.DataFrame,
                                             sample_docs: pl.DataFrame) -> None:
    rows = {r["doc_id"]: r for r in sample_docs.iter_rows(named=True)}
    for doc_id, (en, zh) in LEFT_OUT.items():
        row = rows[doc_id]
        assert row["status"] == "ok", doc_id
        assert (row["unaligned_en"], row["unaligned_zh"]) == (en, zh), doc_id
        # Page furniture ("Back to top") is left out before sentences are counted.
        sentences_left_out = [text for text in en if not is_furniture(text)]
        assert row["n_pairs"] == row["n_sent_en"] - len(sentences_left_out), doc_id
    per_doc = sample_pairs.group_by("doc_id").len()
    assert dict(per_doc.iter_rows()) == {d: rows[d]["n_pairs"] for d in per_doc["doc_id"]}
    assert set(sample_pairs["bead"]) == {"1-1"}  # the samples are translated sentence by sentence


def test_partial_article_pairs_its_translated_sentences(sample_pairs: pl.DataFrame,
                                                        sample_docs: pl.DataFrame) -> None:
    got = sample_pairs.filter(pl.col("doc_id") == "partial.txt")
    for en, zh in PARTIAL_PAIRS:
        assert has_pair(got, "partial.txt", en, zh), en
    assert got["en"].n_unique() == got.height and got["zh"].n_unique() == got.height
    row = sample_docs.filter(pl.col("doc_id") == "partial.txt").row(0, named=True)
    assert row["layout"] == "partial_interleaved"
    left = " ".join(row["unaligned_en"])
    for untranslated in ("It helps the people who can afford it", "Trees are not a quick fix.",
                         "Still, the choice is clear."):
        assert untranslated in left
        assert not got["en"].str.contains(untranslated, literal=True).any()


def test_partial_tag_line_is_not_paired(sample_pairs: pl.DataFrame,
                                        sample_docs: pl.DataFrame) -> None:
    """A line of alternating English and Chinese tags is a widget: left out, listed."""
    got = sample_pairs.filter(pl.col("doc_id") == "partial.txt")
    assert not got["zh"].str.contains("Climate", literal=True).any()
    assert not got["en"].str.contains("Cities that start planting", literal=True).any()
    row = sample_docs.filter(pl.col("doc_id") == "partial.txt").row(0, named=True)
    assert any(text.startswith("Climate 气候 Cities 城市") for text in row["unaligned_en"])


def test_no_boilerplate_pairs(sample_pairs: pl.DataFrame) -> None:
    for en, zh in sample_pairs.select("en", "zh").iter_rows():
        for junk in BOILERPLATE:
            assert junk not in en and junk not in zh, (junk, en, zh)
        assert not WIDGET_WORDS.search(en), en
        assert not en.strip().isdigit() and not zh.strip().isdigit()


def test_html_script_text_is_kept_as_text(sample_pairs: pl.DataFrame) -> None:
    page = sample_pairs.filter(pl.col("doc_id") == "page.html")
    assert page.height == 7
    assert page["en"].str.contains("<script>alert(1)</script>", literal=True).sum() == 1
    assert page["zh"].str.contains("<script>alert(1)</script>", literal=True).sum() == 1
    text = " ".join(page["en"]) + "".join(page["zh"])
    assert "analytics" not in text and "font-family" not in text  # <script>, <style> dropped
    assert "Our blog posts" not in text and "Example Blog" not in text  # <nav>, <footer>


def test_traditional_chinese_stays_traditional(sample_pairs: pl.DataFrame) -> None:
    zh = "".join(sample_pairs.filter(pl.col("doc_id") == "traditional.txt")["zh"])
    assert "颱風" in zh and "台灣" in zh and "恢復正常" in zh
    assert "台风" not in zh and "恢复" not in zh
    assert has_pair(sample_pairs, "traditional.txt", "Typhoon Season in Taiwan", "台灣的颱風季節")


def test_gb18030_and_crlf_files_give_their_pairs(sample_pairs: pl.DataFrame) -> None:
    assert (SAMPLES / "gb18030.txt").read_bytes().decode("gb18030").startswith("Making")
    with pytest.raises(UnicodeDecodeError):
        (SAMPLES / "gb18030.txt").read_bytes().decode("utf-8")
    assert b"\r\n" in (SAMPLES / "crlf.txt").read_bytes()
    gb = sample_pairs.filter(pl.col("doc_id") == "gb18030.txt")
    assert gb.height == 6
    assert has_pair(gb, "gb18030.txt", "Making Dumplings at New Year", "过年包饺子")
    crlf = sample_pairs.filter(pl.col("doc_id") == "crlf.txt")
    assert crlf.height == 5 and not any("\r" in s for s in [*crlf["en"], *crlf["zh"]])


# ------------------------------------------------------------------------------------
# idempotent and incremental runs, --jobs


def test_second_run_is_identical_and_reuses_everything(tmp_path: Path) -> None:
    src = copy_samples(tmp_path / "src")
    out = tmp_path / "store"
    first = summary(align(src, out))
    before = read_store(out)
    second = summary(align(src, out))
    assert second == {**first, "aligned": 0, "unchanged": first["articles"]}
    for x, y in zip(before, read_store(out)):
        assert x.equals(y)

    (src / "news" / "town").mkdir(parents=True)
    (src / "news" / "town" / "clock.txt").write_text(NEW_ARTICLE, encoding="utf-8")
    grown = align(src, out)
    assert "1 aligned" in grown.stderr
    assert summary(grown)["unchanged"] == first["articles"]
    pairs, docs = read_store(out)
    assert pairs.filter(pl.col("doc_id") != "news/town/clock.txt").equals(before[0])
    assert has_pair(pairs, "news/town/clock.txt",
                    "In the spring, a retired engineer climbed the tower and fixed it in three "
                    "days.", "到了春天，一位退休的工程师爬上钟楼，用三天时间把它修好了。")
    assert docs.height == before[1].height + 1

    clean = tmp_path / "clean"
    align(src, clean)
    assert_same_rows(out, clean)


def test_errored_articles_are_retried_and_rows_stay_the_same(
        samples: tuple[Result, Path], tmp_path: Path) -> None:
    out = tmp_path / "store"
    shutil.copytree(samples[1], out)
    again = align(SAMPLES, out)
    # broken.txt is read again (errors are never reused); every other article is reused
    assert summary(again)["aligned"] == 1 and summary(again)["errors"] == 1
    assert_same_rows(out, samples[1])


def test_jobs_2_gives_the_rows_of_jobs_1(samples: tuple[Result, Path], tmp_path: Path) -> None:
    out = tmp_path / "store"
    align(SAMPLES, out, "--jobs", "2")
    assert_same_rows(out, samples[1])


# ------------------------------------------------------------------------------------
# atomic replacement


@pytest.fixture
def grown_samples(tmp_path: Path) -> tuple[Path, Path, tuple[bytes, bytes]]:
    """A store of the samples, and the samples grown by one article and changed in one."""
    src = copy_samples(tmp_path / "src")
    out = tmp_path / "store"
    align(src, out)
    (src / "clock.txt").write_text(NEW_ARTICLE, encoding="utf-8")
    with open(src / "sentences.txt", "a", encoding="utf-8") as fh:
        fh.write("It takes me twenty minutes.\n我骑车要二十分钟。\n")
    return src, out, store_bytes(out)


def fail_second_rename(monkeypatch: pytest.MonkeyPatch) -> list[Path]:
    """Make the store's second file replacement fail; returns the files it was asked for."""
    real = corpus.store.replace_atomically
    calls: list[Path] = []

    def second_fails(tmp: Path, final: Path) -> None:
        calls.append(final)
        if len(calls) > 1:
            raise OSError(5, "I/O error (simulated)")
        real(tmp, final)

    monkeypatch.setattr(corpus.store, "replace_atomically", second_fails)
    return calls


def test_failed_write_leaves_previous_store(grown_samples: tuple[Path, Path, tuple[bytes, bytes]],
                                            monkeypatch: pytest.MonkeyPatch,
                                            tmp_path: Path) -> None:
    src, out, before = grown_samples

    def no_space(tmp: Path, final: Path) -> None:
        raise OSError(28, "No space left on device (simulated)")

    monkeypatch.setattr(corpus.store, "replace_atomically", no_space)
    failed = align(src, out, ok=False)
    assert failed.exit_code != 0 and isinstance(failed.exception, OSError)
    assert store_bytes(out) == before
    read_store(out)
    assert not scratch(out)
    monkeypatch.undo()
    align(src, out)
    align(src, tmp_path / "clean")
    assert_same_rows(out, tmp_path / "clean")


def test_failure_between_the_two_renames_is_repaired_by_the_next_run(
        grown_samples: tuple[Path, Path, tuple[bytes, bytes]], monkeypatch: pytest.MonkeyPatch,
        tmp_path: Path) -> None:
    src, out, before = grown_samples
    calls = fail_second_rename(monkeypatch)
    assert align(src, out, ok=False).exit_code != 0
    assert [p.name for p in calls] == ["pairs.parquet", "documents.parquet"]
    assert store_bytes(out)[1] == before[1]  # documents untouched
    read_store(out)
    monkeypatch.undo()
    align(src, out)
    align(src, tmp_path / "clean")
    assert_same_rows(out, tmp_path / "clean")
    assert not scratch(out)


def test_failure_between_the_two_renames_leaves_pairs_unchanged(
        grown_samples: tuple[Path, Path, tuple[bytes, bytes]],
        monkeypatch: pytest.MonkeyPatch) -> None:
    src, out, before = grown_samples
    fail_second_rename(monkeypatch)
    align(src, out, ok=False)
    assert store_bytes(out) == before


def test_interrupt_mid_run_leaves_previous_store(
        grown_samples: tuple[Path, Path, tuple[bytes, bytes]], monkeypatch: pytest.MonkeyPatch,
        tmp_path: Path) -> None:
    src, out, before = grown_samples
    real = corpus.runner.align_article
    seen: list[str] = []

    def interrupted(article, root, settings):  # type: ignore[no-untyped-def]
        seen.append(article.doc_id)
        if len(seen) == 2:
            raise KeyboardInterrupt
        return real(article, root, settings)

    monkeypatch.setattr(corpus.runner, "align_article", interrupted)
    # a hard kill runs no cleanup: keep the scratch folder as one would leave it
    monkeypatch.setattr(corpus.store.StoreWriter, "discard", lambda self: None)
    result = align(src, out, ok=False)
    assert result.exit_code != 0 and len(seen) == 2
    assert store_bytes(out) == before
    assert len(scratch(out)) == 1
    monkeypatch.undo()
    align(src, out)
    assert not scratch(out)
    align(src, tmp_path / "clean")
    assert_same_rows(out, tmp_path / "clean")


def test_sigkill_at_random_moments_leaves_previous_store(tmp_path: Path) -> None:
    big = tmp_path / "big"
    for k in range(5):
        copy_samples(big / f"copy{k}")
    out, clean = tmp_path / "store", tmp_path / "clean"
    align(SAMPLES, out)  # the previous store: another input, so old and new rows differ
    before = store_bytes(out)
    command = [sys.executable, "-c", "from corpus.cli import main; main()", "align", str(big),
               "-o"]

    def start(dest: Path) -> tuple[subprocess.Popen[bytes], float]:
        proc = subprocess.Popen([*command, str(dest), "--no-progress"], cwd=REPO,
                                stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        return proc, time.monotonic()

    def wait_for_scratch(proc: subprocess.Popen[bytes], dest: Path, old: set[Path]) -> float:
        while proc.poll() is None:
            if set(scratch(dest)) - old:
                return time.monotonic()
            time.sleep(0.005)
        return time.monotonic()

    # a clean run, timed: when its scratch folder appears (aligning starts) and when it ends
    proc, t0 = start(clean)
    t_scratch = wait_for_scratch(proc, clean, set())
    proc.wait(timeout=120)
    t_end = time.monotonic()
    assert proc.returncode == 0, proc.stderr.read() if proc.stderr else ""
    aligning = t_end - t_scratch
    assert aligning > 0.2, "the run is too fast to be killed mid-way"

    rng = random.Random()
    killed_mid_run = 0
    for k in range(4):
        proc, t0 = start(out)
        if k == 0:  # while starting up
            time.sleep(rng.uniform(0.05, 0.3))
            delay = "start-up"
        else:  # while aligning, before the store is written
            wait_for_scratch(proc, out, set(scratch(out)))
            wait = rng.uniform(0.0, 0.6 * aligning)
            time.sleep(wait)
            delay = f"{wait:.2f}s into aligning"
        finished = proc.poll() is not None
        proc.kill()
        proc.wait(timeout=30)
        if proc.stderr:
            proc.stderr.close()
        read_store(out)  # always readable
        if finished or store_bytes(out) != before:
            # the kill came after the swap (a loaded machine can be that slow): the store
            # must then be the new one, whole
            assert_same_rows(out, clean)
            for name, data in zip(("pairs.parquet", "documents.parquet"), before):
                (out / name).write_bytes(data)
            continue
        assert proc.returncode == -9, f"kill {k} ({delay})"
        killed_mid_run += k > 0
    assert killed_mid_run >= 1

    proc, _ = start(out)
    proc.wait(timeout=120)
    assert proc.returncode == 0
    if proc.stderr:
        proc.stderr.close()
    assert not scratch(out)
    assert_same_rows(out, clean)


# ------------------------------------------------------------------------------------
# ../shared/seeds (real scraped pages; present in the team's workspace, not in a clone)


@pytest.fixture(scope="module")
def seeds(tmp_path_factory: pytest.TempPathFactory) -> tuple[pl.DataFrame, pl.DataFrame]:
    if not (SHARED / "seeds").is_dir():
        pytest.skip("../shared not present (user clone)")
    out = tmp_path_factory.mktemp("seeds") / "store"
    align(SHARED / "seeds", out)
    return read_store(out)


SEED_001 = "001_32f6b6fce652599a.txt"
SEED_001_PAIRS = [
    ("Banning Open Source AI Would Be A Mistake", "禁止开源AI将是一个错误"),
    ("Let’s be clear: the regulatory energy is focused on centralized, opaque systems built by "
     "a handful of corporations.", "必须明确:当前监管焦点集中于少数企业构建的中心化封闭系统。"),
    ("Openness isn’t the flaw; it’s the feature. The code, the weights, the training data "
     "methodologies—all public.", "开放性并非缺陷,而是核心特征:代码、权重、训练数据方法论全部公开透明。"),
    ("It’s the invisible plumbing of the internet, the toolkit in every student’s hands, the "
     "silent partner in every startup’s garage.",
     "它是互联网隐形的基础设施,是每位学子手中的工具箱,是每家初创企业车库里的沉默伙伴。"),
]
# The first words of every translated Chinese sentence of seed 001's article paragraphs.
SEED_001_ZH = ["华盛顿在人工智能", "尽管行政命令", "这不仅是技术层面", "必须明确", "然而,对人工智能",
               "其高管们", "将开源技术", "所谓“开源即危险”", "开放性并非缺陷", "这使得全球审计者",
               "依赖不透明性", "恐惧人工智能开源", "历史是最好的证明", "它是互联网隐形", "它通过打破"]


def test_seed_001_pairs(seeds: tuple[pl.DataFrame, pl.DataFrame]) -> None:
    pairs = seeds[0].filter(pl.col("doc_id") == SEED_001)
    for en, zh in SEED_001_PAIRS:
        assert has_pair(pairs, SEED_001, en, zh), en
    for start in SEED_001_ZH:
        assert pairs["zh"].str.starts_with(start).sum() == 1, start
    assert pairs["en"].n_unique() == pairs.height and pairs["zh"].n_unique() == pairs.height
    for en, zh in pairs.select("en", "zh").iter_rows():
        assert not WIDGET_WORDS.search(en) and "Open Source 开源" not in en + zh, en
        assert not any(w in zh for w in ("热度", "质量", "影响力", "深度分析")), zh


def test_seeds_without_translations_give_no_pairs(
        seeds: tuple[pl.DataFrame, pl.DataFrame]) -> None:
    pairs, docs = seeds
    assert docs.height == 5
    assert set(pairs["doc_id"]) == {SEED_001}
    for row in docs.iter_rows(named=True):
        assert row["status"] == "ok" or (row["status"] == "no_pairs" and row["reason"]), row
    assert docs.filter(pl.col("status") == "ok")["doc_id"].to_list() == [SEED_001]


# ------------------------------------------------------------------------------------
# align-sentences and eval


def test_align_sentences_and_eval(tmp_path: Path) -> None:
    en = ["The museum opens at nine.", "Children under six enter for free.",
          "Photographs are not allowed in the east wing.", "The café closes at five."]
    zh = ["博物馆九点开门。", "六岁以下儿童免费入场。", "东翼禁止拍照。", "咖啡馆五点关门。"]
    (tmp_path / "doc.en").write_text("\n".join(en) + "\n", encoding="utf-8")
    (tmp_path / "doc.zh").write_text("\n".join(zh) + "\n", encoding="utf-8")
    runner = CliRunner()
    result = runner.invoke(cli, ["align-sentences", str(tmp_path / "doc.en"),
                                 str(tmp_path / "doc.zh")])
    assert result.exit_code == 0, result.output
    assert result.stdout.split() == ["[0]:[0]", "[1]:[1]", "[2]:[2]", "[3]:[3]"]

    pred = tmp_path / "pred.align"
    result = runner.invoke(cli, ["align-sentences", str(tmp_path / "doc.zh"),
                                 str(tmp_path / "doc.en"), "-o", str(pred), "--scores"])
    assert result.exit_code == 0, result.output
    assert [line.split("\t")[0] for line in pred.read_text().splitlines()] == \
        ["[0]:[0]", "[1]:[1]", "[2]:[2]", "[3]:[3]"]

    gold = tmp_path / "gold.align"
    gold.write_text("[0]:[0]\n[1]:[1]\n[2]:[2]\n[3]:[3]\n")
    result = runner.invoke(cli, ["eval", "--gold", str(gold), "--pred", str(pred)])
    assert result.exit_code == 0, result.output
    assert "P=1.0000" in result.stdout and "R=1.0000" in result.stdout
    assert "F1=1.0000" in result.stdout

    wrong = tmp_path / "wrong.align"
    wrong.write_text("[0]:[0]\n[1,2]:[1,2]\n[3]:[3]\n")
    result = runner.invoke(cli, ["eval", "--gold", str(gold), "--pred", str(wrong)])
    assert "P=0.6667" in result.stdout and "R=0.5000" in result.stdout


def test_run_in_section_headings_each_get_their_pair(tmp_path: Path) -> None:
    """An abstract that runs "Abstract", "Background" and a sentence into one paragraph
    on both sides (the Chinese doubling its headings) gives a pair for each."""
    pairs, _ = align_one(
        tmp_path, "trial.md",
        "Abstract Background Aspirin lowers the risk of heart attack in older adults. "
        "Methods We randomly assigned 100 patients to aspirin or placebo.\n\n"
        "摘要背景背景阿司匹林可降低老年人心脏病发作的风险。"
        "方法方法我们将100名患者随机分配至阿司匹林组或安慰剂组。\n")
    for en, zh in [("Abstract", "摘要"), ("Background", "背景背景"),
                   ("Aspirin lowers the risk of heart attack in older adults.",
                    "阿司匹林可降低老年人心脏病发作的风险。"), ("Methods", "方法方法")]:
        assert has_pair(pairs, "trial.md", en, zh), pairs.select("en", "zh").rows()


def test_one_english_sentence_translated_as_two_chinese_sentences_stays_whole(
        tmp_path: Path) -> None:
    """English marks its sentence ends: against two Chinese sentences one English
    sentence is a 1-2 translation, never cut in two as if it ran two together."""
    pairs, _ = align_one(
        tmp_path, "museum.md",
        "The museum opens at nine in the morning and children under six enter the museum "
        "for free. The shop sells books and maps.\n\n"
        "博物馆早上九点开门。六岁以下儿童免费进入博物馆。商店出售书籍和地图。\n")
    assert has_pair(pairs, "museum.md", "The museum opens at nine in the morning and children "
                    "under six enter the museum for free.", "博物馆早上九点开门。六岁以下儿童免费进入博物馆。"), \
        pairs.select("en", "zh").rows()


def test_a_headline_run_into_a_sentence_translated_as_two_is_divided(tmp_path: Path) -> None:
    """A news page runs its headline into the first sentence on both sides, and the
    Chinese translates that sentence as two: the headline still gets its own pair."""
    pairs, _ = align_one(
        tmp_path, "news.txt",
        "City council approves new bridge over the river City officials voted on Monday to "
        "build a new bridge over the river, a project that will cost 40 million dollars and "
        "take three years to finish.\n\n"
        "市议会批准在河上修建新桥市议会周一投票决定在河上修建一座新桥。"
        "该项目将耗资4000万美元，需要三年时间才能完成。\n\n"
        "The old bridge was closed last year after engineers found cracks in its supports.\n\n"
        "去年，工程师在旧桥的支撑结构中发现裂缝后，旧桥被关闭。\n")
    assert has_pair(pairs, "news.txt", "City council approves new bridge over the river",
                    "市议会批准在河上修建新桥"), pairs.select("en", "zh").rows()


def test_a_closing_quote_typed_as_an_opening_one_goes_back_to_its_sentence() -> None:
    from corpus.pipeline import _return_closing_quotes, pair_id

    def row(en: str, zh: str, j: int) -> dict:
        return {"en": en, "zh": zh, "sent_zh": [j], "pair_id": pair_id(en, zh)}

    rows = [row('"Now we have a great relationship."', "我们现在的关系非常好。", 3),
            row("He said his efforts had worked.", "“他说他的努力奏效了。", 4),
            row("He said it again.", "“他又说了一遍。”", 5)]
    _return_closing_quotes(rows)
    assert [r["zh"] for r in rows] == ["我们现在的关系非常好。“", "他说他的努力奏效了。",
                                       "“他又说了一遍。”"]
    assert rows[0]["pair_id"] == pair_id(rows[0]["en"], rows[0]["zh"])
    # A quote the Chinese opens and closes (the translator moved it) stays.
    rows = [row('He said "no."', "他说不。", 0), row("It was late.", "“太晚了，”他说。", 1)]
    _return_closing_quotes(rows)
    assert [r["zh"] for r in rows] == ["他说不。", "“太晚了，”他说。"]


def test_a_bracketed_gloss_of_an_english_heading_is_a_repeat_not_a_sentence() -> None:
    from corpus.blocks import Block
    from corpus.pipeline import _stream

    blocks = [Block(t, "g.md", k, "p", lang) for k, (t, lang) in enumerate([
        ("attribute directives", "en"), ("属性型指令", "zh"), ("（attribute directives）", "en"),
        ("Interpolation", "en"), ("interpolation", "en")])]
    sentences, repeated = _stream(blocks, "en")
    assert [s.text for s in sentences] == ["attribute directives", "Interpolation",
                                           "interpolation"]
    assert repeated == ["（attribute directives）"]


def test_a_clause_on_the_wrong_side_of_a_chinese_sentence_end_moves_to_its_pair() -> None:
    from corpus.pipeline import Sentence, _redivide

    zh = [Sentence("为了减少动态生成样式的次数。", 0, 1), Sentence(
        "我们以组件为维度制定了缓存策略，同一个组件只会插入一次样式，这样会减少序列化时的性能损耗。", 0, 1)]
    en = ["To reduce how often styles are generated, antd has implemented a caching strategy "
          "at the component level.",
          "The same component will only insert styles once, reducing the performance cost of "
          "serialization."]
    rows = [{"en": e, "zh": z.text, "bead": "1-1", "sent_en": [k], "sent_zh": [k],
             "para_zh": [0], "pair_id": "", "align_score": 0.2}
            for k, (e, z) in enumerate(zip(en, zh))]
    _redivide(rows, zh)
    assert [(r["zh"], r["sent_zh"]) for r in rows] == [
        ("为了减少动态生成样式的次数。我们以组件为维度制定了缓存策略，", [0, 1]),
        ("同一个组件只会插入一次样式，这样会减少序列化时的性能损耗。", [1])]
    # Pairs that already agree stay as they are.
    zh[0] = Sentence("为了减少动态生成样式的次数，我们以组件为维度制定了缓存策略。", 0, 1)
    zh[1] = Sentence("同一个组件只会插入一次样式，这样会减少序列化时的性能损耗。", 0, 1)
    rows = [{"en": e, "zh": z.text, "bead": "1-1", "sent_en": [k], "sent_zh": [k],
             "para_zh": [0], "pair_id": "", "align_score": 0.2}
            for k, (e, z) in enumerate(zip(en, zh))]
    _redivide(rows, zh)
    assert [r["zh"] for r in rows] == [z.text for z in zh]


def test_a_weak_pair_between_two_left_out_sentences_is_left_out() -> None:
    from align import Bead
    from corpus.pipeline import _stranded

    beads = [Bead((0,), (0,), 0.8), Bead((1,), ()), Bead((2,), (1,), 0.2), Bead((3,), ()),
             Bead((4,), (2,), 0.2), Bead((5,), (3,), 0.9)]
    assert [k for k in range(len(beads)) if _stranded(beads, k)] == [2]
