"""The review page in headless Chromium: keys, edits, the decisions file, decide, export.

Driven with Playwright over the system's Chromium (Debian: apt-get install chromium);
without one, or without the playwright package, these tests skip.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

import polars as pl
import pytest
from click.testing import CliRunner

from corpus.cli import cli

SAMPLES = Path(__file__).resolve().parent.parent / "data" / "samples"
SCRIPT = Path(__file__).resolve().parent.parent / "corpus" / "report_page" / "review.js"
CHROMIUM = os.environ.get("BITEXT_CHROMIUM") or shutil.which("chromium") or (
    "/usr/bin/chromium" if Path("/usr/bin/chromium").is_file() else None
)
try:
    from playwright.sync_api import Browser, Page, sync_playwright
except ImportError:  # the dev extra is not installed
    sync_playwright = None  # type: ignore[assignment]

pytestmark = pytest.mark.skipif(
    CHROMIUM is None or sync_playwright is None,
    reason="needs headless Chromium (Debian: apt-get install chromium) and playwright "
    "(pip install -e '.[dev]'): the review tests press keys in the page",
)


def run(*args: object) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, [str(a) for a in args])
    return result.exit_code, result.stdout, result.stderr


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        yield browser
        browser.close()


@pytest.fixture
def articles(tmp_path: Path) -> Path:
    src = tmp_path / "articles"
    src.mkdir()
    for name in ("interleaved.txt", "garden.en.md", "garden.zh.md"):
        shutil.copy(SAMPLES / name, src / name)
    return src


@pytest.fixture
def store(articles: Path, tmp_path: Path) -> Path:
    out = tmp_path / "out"
    code, _, err = run("align", articles, "-o", out)
    assert code == 0, err
    return out


def report(store: Path, page: Path, *args: str) -> Path:
    code, _, err = run("report", store, "-o", page, *args)
    assert code == 0, err
    return page


def open_page(browser: Browser, page: Path, fragment: str = "", context=None) -> Page:
    context = context or browser.new_context(accept_downloads=True)
    tab = context.new_page()
    errors: list[str] = []
    tab.on("pageerror", lambda e: errors.append(str(e)))
    tab.goto(page.resolve().as_uri() + fragment)
    tab.wait_for_selector("body[data-render-ms]")
    tab.errors = errors  # type: ignore[attr-defined]
    return tab


def press(tab: Page, *keys: str) -> None:
    for key in keys:
        tab.keyboard.press(key)


def beads(tab: Page) -> list[dict]:
    """The beads on the page: English, Chinese, classes, as the page shows them."""
    return tab.eval_on_selector_all(
        ".bead",
        "rows => rows.map(r => ({en: r.querySelector('.t.en').textContent,"
        " zh: r.querySelector('.t.zh').textContent, cls: r.className}))",
    )


def current(tab: Page) -> dict:
    return tab.eval_on_selector(
        ".bead.cur", "r => ({en: r.querySelector('.t.en').textContent, cls: r.className})"
    )


def download(tab: Page, tmp: Path) -> Path:
    with tab.expect_download() as info:
        tab.keyboard.press("d")
    assert info.value.suggested_filename == "decisions.jsonl"
    path = tmp / "decisions.jsonl"
    info.value.save_as(path)
    return path


def exported(store: Path, tmp: Path) -> list[tuple[str, str]]:
    out = tmp / "pairs.tsv"
    code, _, err = run("export", store, "-f", "tsv", "-o", out)
    assert code == 0, err
    return [tuple(line.split("\t")) for line in out.read_text("utf-8").splitlines()]


def test_keys_edit_download_decide_realign_export(
    browser: Browser, articles: Path, store: Path, tmp_path: Path
) -> None:
    tab = open_page(browser, report(store, tmp_path / "review.html"))
    shown = beads(tab)
    assert "next pair" in tab.inner_text("#keys") and "undo" in tab.inner_text("#keys")
    assert current(tab)["en"] == shown[0]["en"]  # the first pair starts selected
    press(tab, "j", "j", "k")
    assert current(tab)["en"] == shown[1]["en"]
    press(tab, "r")  # reject the second pair; the third is selected
    assert "d-reject" in beads(tab)[1]["cls"] and current(tab)["en"] == shown[2]["en"]
    press(tab, "a")  # accept the third
    press(tab, "e")  # edit the fourth: both sides
    tab.keyboard.press("Control+a")
    tab.keyboard.type("A sentence the reviewer wrote.")
    press(tab, "Tab", "Control+a")
    tab.keyboard.type("审校者写的句子。")
    press(tab, "Enter")
    edited = beads(tab)[3]
    assert "d-edit" in edited["cls"] and edited["en"].startswith("A sentence the reviewer wrote.")
    assert shown[3]["en"] in edited["en"]  # the aligned text is still shown, struck out
    press(tab, "r", "u")  # reject the fifth, then undo it
    assert "d-" not in beads(tab)[4]["cls"] and current(tab)["en"] == shown[4]["en"]
    counter = tab.inner_text("#decided")
    assert counter.startswith("3 decisions here: 1 rejected, 1 accepted, 1 edited")

    lines = [json.loads(x) for x in download(tab, tmp_path).read_text("utf-8").splitlines()]
    assert [d["verdict"] for d in lines] == ["reject", "accept", "edit"]
    assert set(lines[0]) == {"pair_id", "verdict", "at"}
    assert lines[2]["en"] == "A sentence the reviewer wrote."
    assert lines[2]["zh"] == "审校者写的句子。"
    assert lines[0]["at"].endswith("Z") and tab.errors == []

    code, _, err = run("decide", store, tmp_path / "decisions.jsonl")
    assert code == 0 and "merged 3" in err, err
    code, _, err = run("align", articles, "-o", store)  # the same directory again
    assert code == 0 and "review decision" not in err, err
    rows = exported(store, tmp_path)
    assert (shown[1]["en"], shown[1]["zh"]) not in rows
    assert (shown[3]["en"], shown[3]["zh"]) not in rows
    assert ("A sentence the reviewer wrote.", "审校者写的句子。") in rows
    assert (shown[2]["en"], shown[2]["zh"]) in rows
    assert len(rows) == pl.read_parquet(store / "pairs.parquet").height - 1


def test_decisions_survive_closing_the_tab(browser: Browser, store: Path, tmp_path: Path) -> None:
    page = report(store, tmp_path / "review.html")
    context = browser.new_context(accept_downloads=True)
    tab = open_page(browser, page, context=context)
    press(tab, "r", "r", "a")
    tab.close()
    tab = open_page(browser, page, context=context)
    assert tab.inner_text("#decided").startswith("3 decisions here: 2 rejected, 1 accepted")
    verdicts = [c for b in beads(tab)[:3] for c in b["cls"].split() if c.startswith("d-")]
    assert verdicts == ["d-reject", "d-reject", "d-accept"]
    # Another store's page (another path) has its own decisions.
    other = tmp_path / "other"
    shutil.copytree(store, other, symlinks=True)
    tab = open_page(browser, report(other, tmp_path / "other.html"), context=context)
    assert tab.inner_text("#decided").startswith("no decisions here yet")


def test_store_decisions_show_and_undecided_low_first_order(
    browser: Browser, store: Path, tmp_path: Path
) -> None:
    pairs = pl.read_parquet(store / "pairs.parquet")
    low = pairs.sort("quality", nulls_last=True).row(0, named=True)
    first = pairs.sort("doc_id").row(0, named=True)
    path = tmp_path / "d.jsonl"
    path.write_text(json.dumps({"pair_id": first["pair_id"], "verdict": "reject",
                                "at": "2026-11-27T10:00:00.000Z"}) + "\n", encoding="utf-8")
    assert run("decide", store, path)[0] == 0
    page = report(store, tmp_path / "review.html")

    tab = open_page(browser, page)
    assert "1 in the store" in tab.inner_text("#decided")
    assert tab.locator(".bead.d-reject .verdict").inner_text() == "rejected (store)"
    tab.check("#f-undecided")
    assert tab.inner_text("#shown") == f"{pairs.height - 1:,}"
    assert first["en"] not in [b["en"] for b in beads(tab)]
    tab.check("#f-low")
    assert beads(tab)[0]["en"] == low["en"]
    assert "order=low" in tab.url and "undecided=1" in tab.url
    # The keys act on the order shown: reject the lowest, the next lowest is selected.
    press(tab, "r")
    assert current(tab)["en"] == beads(tab)[1]["en"]
    # A later decision in the page overrides the store's: accept the stored reject.
    tab = open_page(browser, page)
    press(tab, "a")
    assert "d-accept" in beads(tab)[0]["cls"]


def test_edited_text_is_shown_as_text(browser: Browser, store: Path, tmp_path: Path) -> None:
    tab = open_page(browser, report(store, tmp_path / "review.html"))
    press(tab, "e")
    tab.keyboard.press("Control+a")
    tab.keyboard.type("<img src=x onerror=\"document.title='pwned'\"> as text")
    press(tab, "Enter")
    assert tab.locator("#pairs img").count() == 0
    assert "pwned" not in tab.title()
    assert beads(tab)[0]["en"].startswith("<img src=x")
    # Esc leaves an edit without a decision; the same text again makes none either.
    press(tab, "k", "e", "Escape", "e", "Enter")
    assert tab.inner_text("#decided").startswith("1 decision here")


def test_many_pairs_the_keys_turn_the_page(browser: Browser, tmp_path: Path) -> None:
    from test_report import document_row, pair_row, write_store

    pairs = [pair_row("d.txt", i, f"Sentence {i}.", f"句子{i}。") for i in range(25)]
    store = write_store(tmp_path / "many", pairs, [document_row("d.txt", 25)])
    tab = open_page(browser, report(store, tmp_path / "many.html", "--page-size", "10"))
    press(tab, *["a"] * 10)  # the tenth decision moves on to the second page
    assert current(tab)["en"] == "Sentence 10." and "page=2" in tab.url
    press(tab, "u")
    assert current(tab)["en"] == "Sentence 9." and "page=2" not in tab.url
    press(tab, "n")
    assert current(tab)["en"] == "Sentence 10."


@pytest.mark.skipif(shutil.which("node") is None, reason="node not installed")
def test_the_page_script_parses() -> None:
    subprocess.run(["node", "--check", str(SCRIPT)], check=True)
