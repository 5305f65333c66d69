"""`bitext report`: the self-contained review page, read back as data and in Chromium."""

from __future__ import annotations

import html
import json
import re
import shutil
import subprocess
from pathlib import Path

import polars as pl
import pytest
from click.testing import CliRunner

from corpus.cli import cli
from corpus.store import DOCUMENTS_SCHEMA, PAIRS_SCHEMA

SAMPLES = Path(__file__).resolve().parent.parent / "data" / "samples"
ISLAND = re.compile(r'<script type="application/json" id="data">(.*?)</script>', re.DOTALL)
CHROMIUM = shutil.which("chromium") or (
    "/usr/bin/chromium" if Path("/usr/bin/chromium").is_file() else None
)
needs_chromium = pytest.mark.skipif(
    CHROMIUM is None,
    reason="headless Chromium not installed (Debian: apt-get install chromium); "
    "the DOM tests load the page in it",
)

HOSTILE_EN = (
    "Closing tags </script><script>document.title='pwned'</script> and "
    "<img src=x onerror=\"document.title='pwned'\"> stay text <!-- & -->\u2028."
)
HOSTILE_ZH = "标签 <img src=x onerror=\"document.title='pwned'\"> 只是文字。"


def island(page: str) -> dict:
    match = ISLAND.search(page)
    assert match, "no data island"
    return json.loads(match.group(1))


def run_report(store: Path, out: Path, *args: str) -> Path:
    result = CliRunner().invoke(cli, ["report", str(store), "-o", str(out), *args])
    assert result.exit_code == 0, result.output
    return out


def pair_row(doc_id: str, sent: int, en: str, zh: str, quality: float | None = 0.9) -> dict:
    """A row of the pairs table, with every column of PAIRS_SCHEMA."""
    row = dict.fromkeys(PAIRS_SCHEMA)
    row.update(
        pair_id=f"{doc_id}#{sent}",
        doc_id=doc_id,
        source=doc_id,
        layout="interleaved",
        para_en=[sent // 3],
        para_zh=[sent // 3],
        sent_en=[sent],
        sent_zh=[sent],
        line_en=sent + 1,
        line_zh=sent + 2,
        bead="1-1",
        en=en,
        zh=zh,
        align_score=0.5,
        quality=quality,
    )
    return row


def document_row(doc_id: str, pairs: int, unaligned_en=(), unaligned_zh=()) -> dict:
    row = dict.fromkeys(DOCUMENTS_SCHEMA)
    row.update(
        doc_id=doc_id,
        source=[doc_id],
        layout="interleaved",
        status="ok" if pairs else "no_pairs",
        reason=None if pairs else "English only",
        n_sent_en=pairs + len(unaligned_en),
        n_sent_zh=pairs + len(unaligned_zh),
        n_sent_en_aligned=pairs,
        n_sent_zh_aligned=pairs,
        n_pairs=pairs,
        unaligned_en=list(unaligned_en),
        unaligned_zh=list(unaligned_zh),
    )
    return row


def write_store(out: Path, pairs: list[dict], documents: list[dict]) -> Path:
    out.mkdir(parents=True, exist_ok=True)
    pl.DataFrame(pairs, schema=PAIRS_SCHEMA).write_parquet(out / "pairs.parquet")
    pl.DataFrame(documents, schema=DOCUMENTS_SCHEMA).write_parquet(out / "documents.parquet")
    return out


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The pair store of data/samples, made by the real `bitext align`."""
    out = tmp_path_factory.mktemp("samples") / "out"
    result = CliRunner().invoke(cli, ["align", str(SAMPLES), "-o", str(out)])
    assert result.exit_code == 0, result.output
    return out


@pytest.fixture(scope="module")
def page(store: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    return run_report(store, tmp_path_factory.mktemp("page") / "review.html")


@pytest.fixture
def hostile_store(tmp_path: Path) -> Path:
    """A document whose text tries to close the island and run script as it renders."""
    pairs = [pair_row("evil.html", 0, HOSTILE_EN, HOSTILE_ZH, 0.3)]
    pairs += [pair_row("evil.html", i, f"Plain sentence {i}.", f"普通句子{i}。") for i in (1, 2)]
    docs = [document_row("evil.html", 3, ["<script>document.title='pwned'</script>"], [])]
    return write_store(tmp_path / "evil", pairs, docs)


# -- the page as a file ---------------------------------------------------------------


def test_report_holds_every_pair_and_document_of_the_store(store: Path, page: Path) -> None:
    text = page.read_text(encoding="utf-8")
    assert text.startswith("<!DOCTYPE html>")
    data = island(text)
    pairs = pl.read_parquet(store / "pairs.parquet")
    docs = pl.read_parquet(store / "documents.parquet")
    assert len(data["pairs"]) == pairs.height == 95  # 81 + the mdx, rst and srt samples
    assert [d["id"] for d in data["docs"]] == sorted(docs["doc_id"])
    field = {name: i for i, name in enumerate(data["fields"])}
    rows = {
        (data["docs"][p[field["doc"]]]["id"], p[field["en"]], p[field["zh"]]) for p in data["pairs"]
    }
    assert rows == set(pairs.select("doc_id", "en", "zh").iter_rows())
    # Pairs come by document, then by sentence.
    order = [(p[field["doc"]], p[field["sent_en"]][0]) for p in data["pairs"]]
    assert order == sorted(order)
    assert f'id="n-pairs">{pairs.height}<' in text


def test_report_loads_nothing_from_the_network(page: Path) -> None:
    text = page.read_text(encoding="utf-8")
    assert not re.search(
        r"""(?:src|href|action)\s*=\s*["']?\s*(?:https?:)?//""", text, re.IGNORECASE
    )
    assert not re.search(r"""url\(\s*["']?\s*(?:https?:)?//|@import""", text, re.IGNORECASE)
    assert "<link" not in text
    assert "default-src 'none'" in text  # the CSP forbids loads the page does not make


def test_article_markup_is_escaped_in_the_island(page: Path) -> None:
    # page.html of the samples says: "... types the text <script>alert(1)</script> ..."
    text = page.read_text(encoding="utf-8")
    raw = ISLAND.search(text).group(1)
    assert r"\u003cscript\u003ealert(1)\u003c/script\u003e" in raw
    assert "<script>alert(1)" not in text
    assert not re.search(r"[<>&]", raw)
    assert any("<script>alert(1)</script>" in str(p) for p in island(text)["pairs"])


def test_island_round_trips_text_that_tries_to_close_it(
    hostile_store: Path, tmp_path: Path
) -> None:
    out = run_report(hostile_store, tmp_path / "evil.html")
    text = out.read_text(encoding="utf-8")
    assert text.count("</script>") == 2  # the island's and the page script's own
    data = island(text)
    en = data["fields"].index("en")
    assert data["pairs"][0][en] == HOSTILE_EN
    assert data["docs"][0]["unaligned_en"] == ["<script>document.title='pwned'</script>"]


def test_unaligned_text_and_documents_without_pairs_are_in_the_page(page: Path) -> None:
    docs = {d["id"]: d for d in island(page.read_text(encoding="utf-8"))["docs"]}
    assert {"Science News 科学资讯 3h ago Updated 20m ago 更新于 20分钟前 41",
            "Hot 热度"} <= set(docs["partial.txt"]["unaligned_zh"])
    assert docs["broken.txt"]["status"] == "error"
    assert "binary" in docs["broken.txt"]["reason"]
    assert docs["chinese_only.txt"]["pairs"] == 0


def test_report_replaces_the_page_atomically(store: Path, tmp_path: Path) -> None:
    out = tmp_path / "review.html"
    out.write_text("old page")
    run_report(store, out)
    assert island(out.read_text(encoding="utf-8"))["pairs"]
    assert [p.name for p in tmp_path.iterdir()] == ["review.html"]  # no temp file left


def test_a_store_without_quality_columns_is_scored_by_align_score(tmp_path: Path) -> None:
    out = tmp_path / "old"
    write_store(out, [pair_row("a.txt", 0, "One.", "一。")], [document_row("a.txt", 1)])
    pairs = pl.read_parquet(out / "pairs.parquet").drop("quality", "cov_en", "cov_zh")
    pairs.write_parquet(out / "pairs.parquet")
    data = island(run_report(out, tmp_path / "r.html").read_text(encoding="utf-8"))
    assert data["score"] == "align_score"
    assert data["pairs"][0][data["fields"].index("quality")] == 0.5


def test_report_on_a_missing_store_is_one_line(tmp_path: Path) -> None:
    out = tmp_path / "review.html"
    result = CliRunner().invoke(cli, ["report", str(tmp_path / "nowhere"), "-o", str(out)])
    assert result.exit_code == 1
    assert "not a pair store" in result.output
    assert "Traceback" not in result.output
    assert not out.exists()


def test_report_help_has_an_example() -> None:
    result = CliRunner().invoke(cli, ["report", "--help"])
    assert result.exit_code == 0
    assert "bitext report demo-out -o review.html" in result.output


# -- the page in a browser ------------------------------------------------------------


def rendered_dom(page: Path, fragment: str = "", tmp: Path | None = None) -> str:
    """The DOM after the page's script ran, without the data island."""
    profile = tmp or page.parent
    result = subprocess.run(
        [
            CHROMIUM,
            "--headless",
            "--disable-gpu",
            "--no-sandbox",
            f"--user-data-dir={profile / 'chromium-profile'}",
            "--dump-dom",
            page.resolve().as_uri() + fragment,
        ],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    dom = result.stdout
    assert "data-render-ms=" in dom, "the page's script did not finish"
    return ISLAND.sub("", dom)


def shown(dom: str) -> int:
    match = re.search(r'<span id="shown">([\d,]+)</span>', dom)
    assert match, "no pair count shown"
    return int(match.group(1).replace(",", ""))


def bead_rows(dom: str) -> int:
    return len(re.findall(r'<div class="bead q-', dom))


@needs_chromium
def test_page_in_chromium_shows_the_pairs_and_the_unaligned_text(
    store: Path, page: Path, tmp_path: Path
) -> None:
    dom = rendered_dom(page, tmp=tmp_path)
    pairs = pl.read_parquet(store / "pairs.parquet")
    docs = pl.read_parquet(store / "documents.parquet")
    assert shown(dom) == pairs.height
    assert re.search(rf'id="n-pairs">{pairs.height}<', dom)
    assert bead_rows(dom) == pairs.height  # 95 pairs: one page
    garden = pairs.filter(pl.col("doc_id") == "garden.en.md").row(1, named=True)
    assert f">{html.escape(garden['en'], quote=False)}<" in dom
    assert f">{html.escape(garden['zh'], quote=False)}<" in dom
    partial = docs.filter(pl.col("doc_id") == "partial.txt").row(0, named=True)
    assert f"<p>{html.escape(partial['unaligned_en'][0], quote=False)}</p>" in dom
    assert "Left unaligned: " in dom
    # Documents without pairs are listed with their reason.
    assert "broken.txt" in dom and "binary file, not text" in dom
    # The sample sentence with <script>alert(1)</script> shows as text, runs nothing.
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in dom
    assert len(re.findall(r"<script", dom)) == 1  # only the page's own script


@needs_chromium
def test_page_in_chromium_runs_no_script_from_the_text(hostile_store: Path, tmp_path: Path) -> None:
    dom = rendered_dom(run_report(hostile_store, tmp_path / "evil.html"), tmp=tmp_path)
    assert shown(dom) == 3
    assert "pwned</title>" not in dom
    assert "<title>bitext review: evil</title>" in dom
    assert "<img" not in dom
    assert len(re.findall(r"<script", dom)) == 1
    assert "&lt;img src=x onerror=\"document.title='pwned'\"&gt;" in dom
    assert "&lt;script&gt;document.title='pwned'&lt;/script&gt;" in dom  # unaligned, as text


@needs_chromium
def test_filters_from_the_fragment(store: Path, page: Path, tmp_path: Path) -> None:
    pairs = pl.read_parquet(store / "pairs.parquet")
    garden = pairs.filter(pl.col("doc_id") == "garden.en.md").height
    assert shown(rendered_dom(page, "#q=garden.en.md", tmp_path)) == garden
    data = island(page.read_text(encoding="utf-8"))
    q = data["fields"].index("quality")
    below = sum(1 for p in data["pairs"] if p[q] is not None and p[q] < 0.95)
    assert shown(rendered_dom(page, "#dir=lt&min=0.95", tmp_path)) == below
    two_files = pairs.filter(pl.col("layout") == "two_files").height
    assert shown(rendered_dom(page, "#layout=two_files", tmp_path)) == two_files


@needs_chromium
def test_many_pairs_are_paginated(tmp_path: Path) -> None:
    pairs = [
        pair_row(f"d{i // 150:02d}.txt", i % 150, f"Sentence {i}.", f"句子{i}。")
        for i in range(450)
    ]
    for row in pairs[::10]:
        row["bead"] = "2-1"
    docs = [document_row(f"d{i:02d}.txt", 150) for i in range(3)]
    out = run_report(write_store(tmp_path / "many", pairs, docs), tmp_path / "many.html")
    dom = rendered_dom(out, tmp=tmp_path)
    assert shown(dom) == 450
    assert bead_rows(dom) == 200
    assert "of 3" in dom
    last = rendered_dom(out, "#page=3", tmp_path)
    assert bead_rows(last) == 50
    assert "Sentence 449." in last and "Sentence 0." not in last
    assert "d01.txt (continued)" in rendered_dom(out, "#page=2", tmp_path)
    two_one = rendered_dom(out, "#bead=2-1", tmp_path)
    assert shown(two_one) == bead_rows(two_one) == 45
