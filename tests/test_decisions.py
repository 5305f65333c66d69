"""Review decisions: `bitext decide` merges them, export honours them, re-runs keep them."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import polars as pl
import pytest
from click.testing import CliRunner

from corpus.cli import cli
from corpus.store import read_decisions

SAMPLES = Path(__file__).resolve().parent.parent / "data" / "samples"


def run(*args: object) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, [str(a) for a in args])
    return result.exit_code, result.stdout, result.stderr


def write_jsonl(path: Path, decisions: list[dict]) -> Path:
    path.write_text("".join(json.dumps(d, ensure_ascii=False) + "\n" for d in decisions),
                    encoding="utf-8")
    return path


def exported(store: Path, tmp: Path, *args: str) -> tuple[list[tuple[str, str]], str]:
    out = tmp / "pairs.jsonl"
    # --min-score 0: the decisions alone, not the default quality filter, decide here.
    code, _, err = run("export", store, "-f", "hf", "-o", out, "--min-score", "0", *args)
    assert code == 0, err
    rows = [json.loads(line)["translation"] for line in out.read_text("utf-8").splitlines()]
    return [(r["en"], r["zh"]) for r in rows], err


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


def pairs_of(store: Path) -> pl.DataFrame:
    return pl.read_parquet(store / "pairs.parquet").sort("doc_id", "pair_id")


def test_decide_then_export_leaves_out_rejects_and_writes_edits(store: Path, tmp_path: Path):
    pairs = pairs_of(store)
    reject, edit, accept = (pairs.row(i, named=True) for i in range(3))
    decisions = write_jsonl(tmp_path / "decisions.jsonl", [
        {"pair_id": reject["pair_id"], "verdict": "reject", "at": "2026-11-27T10:00:00.000Z"},
        {"pair_id": edit["pair_id"], "verdict": "edit", "en": "Edited English.",
         "zh": "改过的中文。", "at": "2026-11-27T10:00:01.000Z"},
        {"pair_id": accept["pair_id"], "verdict": "accept", "at": "2026-11-27T10:00:02.000Z"},
    ])
    code, _, err = run("decide", store, decisions)
    assert code == 0, err
    assert "merged 3 (reject 1, accept 1, edit 1)" in err
    table = read_decisions(store)
    assert table.height == 3 and set(table["verdict"]) == {"reject", "accept", "edit"}

    rows, err = exported(store, tmp_path)
    assert (reject["en"], reject["zh"]) not in rows
    assert (edit["en"], edit["zh"]) not in rows
    assert ("Edited English.", "改过的中文。") in rows
    assert (accept["en"], accept["zh"]) in rows
    assert len(rows) == pairs.height - 1
    assert "review: rejected 1, edited 1, accepted 1" in err

    rows, err = exported(store, tmp_path, "--ignore-decisions")
    assert len(rows) == pairs.height and (reject["en"], reject["zh"]) in rows
    assert ("Edited English.", "改过的中文。") not in rows
    assert "review: 3 decisions ignored" in err


def test_accepted_pairs_pass_the_score_filters(store: Path, tmp_path: Path):
    pairs = pairs_of(store)
    low = pairs.sort("align_score").row(0, named=True)
    threshold = f"align_score>{low['align_score']}"
    rows, _ = exported(store, tmp_path, "--where", threshold)
    assert (low["en"], low["zh"]) not in rows
    write_jsonl(tmp_path / "d.jsonl", [
        {"pair_id": low["pair_id"], "verdict": "accept", "at": "2026-11-27T10:00:00Z"}])
    assert run("decide", store, tmp_path / "d.jsonl")[0] == 0
    rows, _ = exported(store, tmp_path, "--where", threshold)
    assert (low["en"], low["zh"]) in rows
    # Bead filters still apply to accepted pairs.
    other = "9-9"
    rows, _ = exported(store, tmp_path, "--bead", other)
    assert rows == []


def test_the_latest_decision_per_pair_wins(store: Path, tmp_path: Path):
    pid = pairs_of(store)["pair_id"][0]
    write_jsonl(tmp_path / "a.jsonl", [
        {"pair_id": pid, "verdict": "reject", "at": "2026-11-27T10:00:05Z"},
        {"pair_id": pid, "verdict": "accept", "at": "2026-11-27T10:00:01Z"},
    ])
    code, _, err = run("decide", store, tmp_path / "a.jsonl")
    assert code == 0, err
    assert read_decisions(store)["verdict"].to_list() == ["reject"]
    # An older decision from a second file does not replace it; a newer one does.
    write_jsonl(tmp_path / "b.jsonl", [
        {"pair_id": pid, "verdict": "accept", "at": "2026-11-27T09:00:00+00:00"}])
    code, _, err = run("decide", store, tmp_path / "b.jsonl")
    assert code == 0 and "1 older than the store's own, left out" in err
    assert read_decisions(store)["verdict"].to_list() == ["reject"]
    write_jsonl(tmp_path / "c.jsonl", [
        {"pair_id": pid, "verdict": "accept", "at": "2026-11-27T13:00:00+02:00"}])
    assert run("decide", store, tmp_path / "c.jsonl")[0] == 0
    assert read_decisions(store)["verdict"].to_list() == ["accept"]
    code, _, err = run("decide", store, tmp_path / "c.jsonl")
    assert code == 0 and "1 already in the store" in err


def test_unknown_pair_ids_are_reported_not_fatal(store: Path, tmp_path: Path):
    pid = pairs_of(store)["pair_id"][0]
    write_jsonl(tmp_path / "d.jsonl", [
        {"pair_id": "0000000000000000", "verdict": "reject", "at": "2026-11-27T10:00:00Z"},
        {"pair_id": pid, "verdict": "reject", "at": "2026-11-27T10:00:00Z"},
    ])
    code, _, err = run("decide", store, tmp_path / "d.jsonl")
    assert code == 0, err
    assert "1 decision names a pair_id" in err and "0000000000000000" in err
    assert read_decisions(store)["pair_id"].to_list() == [pid]


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ("{not json", "line 2: not JSON"),
        ('{"pair_id": "x", "verdict": "maybe", "at": "2026-11-27T10:00:00Z"}',
         "line 2: verdict 'maybe' is not one of reject, accept, edit"),
        ('{"pair_id": "x", "verdict": "edit", "en": "only English", "at": "2026-11-27T10:00:00Z"}',
         "line 2: an edit needs the text of both sides"),
        ('{"pair_id": "x", "verdict": "reject", "at": "yesterday"}', "line 2: 'at' 'yesterday'"),
        ('["x", "reject"]', "line 2: expected an object"),
    ],
)
def test_a_bad_line_stops_the_merge_and_leaves_the_store(store: Path, tmp_path: Path,
                                                        line: str, message: str):
    pid = pairs_of(store)["pair_id"][0]
    path = tmp_path / "bad.jsonl"
    path.write_text(json.dumps({"pair_id": pid, "verdict": "reject", "at": "2026-11-27T10:00:00Z"})
                    + "\n" + line + "\n", encoding="utf-8")
    code, _, err = run("decide", store, path)
    assert code == 1 and err.startswith("Error: ") and message in err, err
    assert "Traceback" not in err
    assert not (store / "decisions.parquet").exists()


def test_decide_on_a_missing_store_or_file_is_one_line(tmp_path: Path, store: Path):
    code, _, err = run("decide", tmp_path / "nothing", tmp_path / "d.jsonl")
    assert code == 1 and "not a pair store" in err
    code, _, err = run("decide", store, tmp_path / "missing.jsonl")
    assert code == 1 and err.startswith("Error: ") and "missing.jsonl" in err


def test_re_align_keeps_decisions_and_names_the_ones_whose_pair_went(
    articles: Path, store: Path, tmp_path: Path
):
    pairs = pairs_of(store)
    garden = pairs.filter(pl.col("doc_id") == "garden.en.md")
    night = pairs.filter(pl.col("doc_id") == "interleaved.txt")
    rejected = garden.row(0, named=True)
    edited, gone = night.row(0, named=True), night.row(1, named=True)
    write_jsonl(tmp_path / "d.jsonl", [
        {"pair_id": rejected["pair_id"], "verdict": "reject", "at": "2026-11-27T10:00:00Z"},
        {"pair_id": edited["pair_id"], "verdict": "edit", "en": "The night train is back.",
         "zh": "夜班火车回来了。", "at": "2026-11-27T10:00:00Z"},
        {"pair_id": gone["pair_id"], "verdict": "accept", "at": "2026-11-27T10:00:00Z"},
    ])
    assert run("decide", store, tmp_path / "d.jsonl")[0] == 0

    # The same directory again: every decision kept and honoured.
    code, _, err = run("align", articles, "-o", store)
    assert code == 0, err
    assert "review decision" not in err
    rows, _ = exported(store, tmp_path)
    assert (rejected["en"], rejected["zh"]) not in rows
    assert ("The night train is back.", "夜班火车回来了。") in rows

    # The article changes and one decided pair is no more: named, and the rest kept.
    text = (articles / "interleaved.txt").read_text(encoding="utf-8")
    (articles / "interleaved.txt").write_text(text.replace(gone["en"], "Something else entirely."),
                                              encoding="utf-8")
    code, _, err = run("align", articles, "-o", store)
    assert code == 0, err
    assert "1 review decision names a pair this run no longer has" in err
    assert gone["pair_id"] in err
    assert read_decisions(store).height == 3
    code, out, _ = run("stats", store, "--format", "json")
    counts = json.loads(out)["decisions"]
    assert counts == {"reject": 1, "accept": 0, "edit": 1, "without_pair": 1}
    code, out, _ = run("stats", store)
    assert ("decisions     2 (reject 1, accept 0, edit 1); 1 name a pair the store no longer has"
            in out.splitlines())
    assert not list(store.glob(".bitext-run-*"))
