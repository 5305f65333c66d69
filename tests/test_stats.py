"""`bitext stats`: counts per layout and bead, score histogram, documents, coverage."""

from __future__ import annotations

import json
from pathlib import Path

import polars as pl
import pytest
from click.testing import CliRunner

from corpus.cli import cli
from corpus.stats import compute_stats
from corpus.store import ALIGNMENT_COLUMNS, DOCUMENTS_SCHEMA


def pair(doc_id: str, sent: int, bead: str, layout: str, score: float | None) -> dict:
    return {
        "pair_id": f"{doc_id}#{sent}",
        "doc_id": doc_id,
        "source": doc_id,
        "layout": layout,
        "para_en": [0],
        "para_zh": [0],
        "sent_en": [sent],
        "sent_zh": [sent],
        "line_en": 1,
        "line_zh": 1,
        "bead": bead,
        "en": f"{doc_id} sentence\n{sent}",
        "zh": f"{doc_id} 第{sent}句",
        "align_score": score,
    }


def document(doc_id: str, status: str, reason: str | None, sent: tuple[int, int, int, int]) -> dict:
    en, en_aligned, zh, zh_aligned = sent
    return {
        "doc_id": doc_id,
        "source": [doc_id],
        "layout": "error" if status == "error" else "blocked",
        "status": status,
        "reason": reason,
        "content_hash": doc_id,
        "n_para_en": 1,
        "n_para_zh": 1,
        "n_sent_en": en,
        "n_sent_zh": zh,
        "n_sent_en_aligned": en_aligned,
        "n_sent_zh_aligned": zh_aligned,
        "n_pairs": 0,
        "unaligned_en": [],
        "unaligned_zh": [],
    }


@pytest.fixture
def store(tmp_path: Path) -> Path:
    """Two documents with pairs (written out of order), two empty, two in error."""
    pairs = [
        pair("b.md", 1, "1-1", "interleaved", 0.95),
        pair("b.md", 0, "2-1", "interleaved", 0.05),
        pair("a.md", 2, "1-1", "blocked", None),
        pair("a.md", 0, "1-1", "blocked", 0.5),
        pair("a.md", 1, "1-2", "blocked", 1.0),
    ]
    pl.DataFrame(pairs, schema=ALIGNMENT_COLUMNS).write_parquet(tmp_path / "pairs.parquet")
    docs = [
        document("a.md", "ok", None, (4, 3, 4, 4)),
        document("b.md", "ok", None, (3, 3, 2, 2)),
        document("c.md", "no_pairs", "English only (5 sentences)", (5, 0, 0, 0)),
        document("f.md", "no_pairs", "English only (12 sentences)", (12, 0, 0, 0)),
        document("d.html", "error", "cannot decode: not UTF-8 or GB18030", (0, 0, 0, 0)),
        document("e.pdf", "error", "unsupported file type", (0, 0, 0, 0)),
    ]
    pl.DataFrame(docs, schema=DOCUMENTS_SCHEMA).write_parquet(tmp_path / "documents.parquet")
    return tmp_path


def run(*args: object) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, [str(a) for a in args])
    return result.exit_code, result.stdout, result.stderr


def test_json_summary(store: Path) -> None:
    code, stdout, _ = run("stats", store, "--format", "json", "--examples", "2")
    assert code == 0
    s = json.loads(stdout)
    assert (s["documents"], s["pairs"]) == (6, 5)
    assert s["sentences"] == {"en": {"total": 24, "aligned": 6}, "zh": {"total": 6, "aligned": 6}}
    assert s["layouts"] == {"blocked": 3, "interleaved": 2}
    assert s["beads"] == {"1-1": 3, "1-2": 1, "2-1": 1}
    assert s["score_column"] == "align_score"
    assert s["histogram"] == [1, 0, 0, 0, 0, 1, 0, 0, 0, 2] and s["score_missing"] == 1
    assert s["statuses"] == {"error": 2, "no_pairs": 2, "ok": 2}
    assert s["reasons"][0] == {
        "status": "no_pairs",
        "reason": "English only (N sentences)",
        "documents": 2,
    }
    assert s["errors"] == [
        {"doc_id": "d.html", "reason": "cannot decode: not UTF-8 or GB18030"},
        {"doc_id": "e.pdf", "reason": "unsupported file type"},
    ]
    assert s["examples"] == [
        {"doc_id": "a.md", "en": "a.md sentence\n0", "zh": "a.md 第0句"},
        {"doc_id": "a.md", "en": "a.md sentence\n1", "zh": "a.md 第1句"},
    ]


def test_histogram_uses_quality_when_present(store: Path) -> None:
    pairs = pl.read_parquet(store / "pairs.parquet")
    pairs.with_columns(quality=pl.Series([0.15, 0.15, 0.85, None, None])).write_parquet(
        store / "pairs.parquet"
    )
    s = compute_stats(store)
    assert s.score_column == "quality"
    assert s.histogram == [0, 2, 0, 0, 0, 0, 0, 0, 1, 0] and s.score_missing == 2


def test_text_table(store: Path) -> None:
    code, stdout, _ = run("stats", store, "--examples", "1")
    assert code == 0
    lines = stdout.splitlines()
    assert "documents     6 (error 2, no_pairs 2, ok 2)" in lines
    assert "en sentences  24, aligned 6 (25.0%)" in lines
    assert any(line.split() == ["blocked", "3"] for line in lines)
    assert any(line.split() == ["1-2", "1"] for line in lines)
    assert any(line.startswith("0.9–1.0") and line.split()[1] == "2" for line in lines)
    assert "  e.pdf: unsupported file type" in lines
    assert lines[-1] == "  a.md sentence 0 ⇄ a.md 第0句"


def test_not_a_store(tmp_path: Path) -> None:
    code, _, err = run("stats", tmp_path)
    assert code == 1 and err.startswith("Error: ") and "not a pair store" in err
