"""The default export filter: the quality model's threshold, shown by `bitext stats`."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import polars as pl
import pytest
from click.testing import CliRunner

from corpus.cli import cli
from corpus.quality import SIGNATURE_KEY, default_min_score
from corpus.store import pairs_path


def run(*args: object) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, [str(a) for a in args])
    return result.exit_code, result.stdout, result.stderr


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("filter") / "out"
    code, _, err = run("align", "data/samples", "-o", out)
    assert code == 0, err
    return out


def exported(path: Path) -> list[tuple[str, str]]:
    return [tuple(line.split("\t")) for line in path.read_text(encoding="utf-8").splitlines()]


def test_export_keeps_pairs_at_the_models_threshold_by_default(store: Path, tmp_path: Path):
    threshold = default_min_score()
    pairs = pl.read_parquet(pairs_path(store))
    above = pairs.filter(pl.col("quality") >= threshold)
    assert 0 < above.height < pairs.height  # the samples hold pairs on either side

    code, _, err = run("export", store, "-f", "tsv", "-o", tmp_path / "default.tsv")
    assert code == 0, err
    assert f"default filter: quality >= {threshold:g}" in err
    assert exported(tmp_path / "default.tsv") == list(above.select("en", "zh").iter_rows())

    code, _, err = run("export", store, "-f", "tsv", "-o", tmp_path / "all.tsv", "--min-score", 0)
    assert code == 0, err
    assert "default filter" not in err
    assert len(exported(tmp_path / "all.tsv")) == pairs.height


def test_stats_says_how_many_pairs_the_default_filter_drops_and_why(store: Path):
    threshold = default_min_score()
    pairs = pl.read_parquet(pairs_path(store))
    dropped = pairs.filter(~(pl.col("quality") >= threshold).fill_null(False)).height

    code, out, err = run("stats", store)
    assert code == 0, err
    line = next(line for line in out.splitlines() if line.startswith("export filter"))
    assert f"quality >= {threshold:g} drops {dropped:,} of {pairs.height:,} pairs" in line

    code, out, _ = run("stats", store, "--format", "json")
    data = json.loads(out)["default_filter"]
    assert data["min_score"] == threshold and data["dropped"] == dropped
    assert sum(data["why"].values()) == dropped


def test_a_store_scored_by_another_model_is_not_filtered(store: Path, tmp_path: Path):
    old = tmp_path / "old"
    shutil.copytree(store, old)
    pairs = pl.read_parquet(pairs_path(store))
    metadata = dict(pl.read_parquet_metadata(pairs_path(store)))
    metadata.pop("ARROW:schema", None)
    metadata[SIGNATURE_KEY] = "quality:1|lex:cedict|model:0123456789|align_weight:0"
    pairs.write_parquet(pairs_path(old), metadata=metadata)
    code, _, err = run("export", old, "-f", "tsv", "-o", tmp_path / "old.tsv")
    assert code == 0, err
    assert "no default filter" in err and "another model version" in err
    assert len(exported(tmp_path / "old.tsv")) == pairs.height
    code, out, err = run("stats", old)
    assert code == 0, err
    assert "export filter" in out and "none" in out
