"""The reference-free pair-quality score: `score_pairs`, `rescore_store`, `bitext score OUT`."""

from __future__ import annotations

import hashlib
import math
from pathlib import Path

import polars as pl
import pytest
from click.testing import CliRunner

from corpus import quality
from corpus.cli import cli
from corpus.quality import QUALITY_COLUMNS, QUALITY_SIGNATURE, rescore_store, score_pairs
from corpus.store import ALIGNMENT_COLUMNS, pairs_path

PAIRS = [
    ("The government will build three new hospitals in the capital next year.",
     "政府明年将在首都新建三家医院。"),
    ("Scientists found that the drug reduced the risk of heart attack by 20 percent.",
     "科学家发现，这种药物使心脏病发作的风险降低了20%。"),
    ("Apple released the new iPhone in September, and sales rose quickly.",
     "苹果公司在九月发布了新款iPhone，销量迅速上升。"),
    ("Heavy rain caused flooding in many villages along the river.",
     "暴雨导致河流沿岸许多村庄发生洪水。"),
    ("The children were playing football in the park after school.",
     "放学后，孩子们在公园里踢足球。"),
]


def quality_of(en: list[str], zh: list[str]) -> list[float]:
    return score_pairs(en, zh)["quality"]


def test_true_pairs_score_higher_than_broken_ones():
    en = [e for e, _ in PAIRS]
    zh = [z for _, z in PAIRS]
    true = quality_of(en, zh)
    shuffled = quality_of(en, zh[1:] + zh[:1])
    copied = quality_of(en, en)
    untranslated = quality_of(en, en[1:] + en[:1])  # English in the Chinese column
    truncated = quality_of(en, [z[: len(z) // 3] for z in zh])
    for i in range(len(PAIRS)):
        assert true[i] > 0.5, PAIRS[i]
        for broken in (shuffled, copied, untranslated, truncated):
            assert true[i] > broken[i], (PAIRS[i], broken[i])
    # Every broken pair falls below the default export threshold.
    assert max(shuffled + copied + untranslated + truncated) < quality.default_min_score()


def test_columns_and_ranges():
    en = [e for e, _ in PAIRS] + ["", "Numbers 1, 2 and 3.", "中文在英文这边。"]
    zh = [z for _, z in PAIRS] + ["", "数字1、2和3。", "中文在英文这边。"]
    scores = score_pairs(en, zh, align_score=[0.9] * len(en))
    assert list(scores) == list(QUALITY_COLUMNS)
    for name, values in scores.items():
        assert len(values) == len(en)
        assert all(math.isfinite(v) for v in values), name
        if name != "len_ratio":  # a signed log ratio, 0 = typical
            assert all(0.0 <= v <= 1.0 for v in values), (name, values)
    assert scores["num_agree"][-2] == 1.0  # 1, 2, 3 on both sides
    assert scores["purity"][-1] < 0.5  # Han characters on the English side
    assert scores["copy"][-1] == 1.0
    assert scores["copy"][0] == 0.0


def test_features_say_what_is_wrong():
    en = "The company earned 3,000 dollars from GPT-5 in 2019."
    right = "该公司在2019年从GPT-5赚了3000美元。"
    scores = score_pairs([en, en, en], [right, "该公司在2018年从GPT-4赚了5000美元。",
                                        right[:6]])
    assert scores["num_agree"][0] == 1.0
    assert scores["num_agree"][1] < 0.5
    assert scores["cov_en"][0] > scores["cov_en"][2]
    assert scores["len_ratio"][2] < -0.5 < scores["len_ratio"][0]


def test_align_score_is_optional_and_checked():
    en = [e for e, _ in PAIRS]
    zh = [z for _, z in PAIRS]
    without = score_pairs(en, zh)["quality"]
    missing = score_pairs(en, zh, align_score=[None, math.nan, 0.5, 0.5, 0.5])["quality"]
    assert missing[:2] == without[:2]
    with pytest.raises(ValueError):
        score_pairs(en, zh, align_score=[0.5])
    with pytest.raises(ValueError):
        score_pairs(en, zh[:2])


def test_process_pool_gives_the_same_scores(monkeypatch):
    en = [f"{e} ({k})" for k in range(6) for e, _ in PAIRS]
    zh = [f"{z}（{k}）" for k in range(6) for _, z in PAIRS]
    monkeypatch.setattr(quality, "PARALLEL_MIN", 10)
    monkeypatch.setattr(quality, "PARALLEL_CHUNK", 7)
    pool = quality.scoring_pool(2)
    assert pool is not None
    try:
        assert score_pairs(en, zh, pool=pool) == score_pairs(en, zh)
    finally:
        pool.shutdown()


def test_signature_names_version_lexicon_and_model():
    assert QUALITY_SIGNATURE.startswith(f"quality:{quality.QUALITY_VERSION}|lex:cedict|model:")
    assert "model:missing" not in QUALITY_SIGNATURE


def write_store(out: Path, rows: list[tuple[str, str, float | None]]) -> None:
    out.mkdir()
    frame = pl.DataFrame(
        [{
            "pair_id": f"p{k}", "doc_id": "doc.txt", "source": "doc.txt", "layout": "blocked",
            "para_en": [0], "para_zh": [0], "sent_en": [k], "sent_zh": [k],
            "line_en": k + 1, "line_zh": k + 10, "bead": "1-1", "en": en, "zh": zh,
            "align_score": score,
        } for k, (en, zh, score) in enumerate(rows)],
        schema=ALIGNMENT_COLUMNS,
    )
    frame.write_parquet(pairs_path(out), metadata={"bitext.signature": "test-signature",
                                                   "bitext.version": "0.1.0"})


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_rescore_store_adds_columns_keeps_the_rest_and_is_idempotent(tmp_path):
    out = tmp_path / "out"
    rows = [(e, z, 0.8) for e, z in PAIRS] + [(PAIRS[0][0], PAIRS[1][1], None)]
    write_store(out, rows)
    before = pl.read_parquet(pairs_path(out))

    rescore_store(out)
    after = pl.read_parquet(pairs_path(out))
    assert after.height == before.height
    assert after.columns == [*ALIGNMENT_COLUMNS, *QUALITY_COLUMNS]
    assert after.select(list(ALIGNMENT_COLUMNS)).equals(before)
    assert dict(after.schema) == {**ALIGNMENT_COLUMNS, **QUALITY_COLUMNS}
    assert after["quality"][0] > after["quality"][-1]  # a true pair, a mismatched one
    metadata = pl.read_parquet_metadata(pairs_path(out))
    assert metadata["bitext.signature"] == "test-signature"
    assert metadata["bitext.version"] == "0.1.0"
    assert metadata["bitext.quality_signature"] == QUALITY_SIGNATURE
    assert not list(out.glob(".bitext-quality-*"))  # no scratch left behind

    first = digest(pairs_path(out))
    rescore_store(out)
    assert digest(pairs_path(out)) == first


def test_rescore_store_replaces_stale_columns_in_place(tmp_path):
    out = tmp_path / "out"
    write_store(out, [(e, z, 0.5) for e, z in PAIRS])
    path = pairs_path(out)
    stale = pl.read_parquet(path).with_columns(pl.lit(0.0, pl.Float32()).alias("quality"))
    stale.write_parquet(path, metadata={"bitext.quality_signature": "old"})
    rescore_store(out)
    after = pl.read_parquet(path)
    assert after.columns.count("quality") == 1
    assert after["quality"].min() > 0.5
    assert pl.read_parquet_metadata(path)["bitext.quality_signature"] == QUALITY_SIGNATURE


def test_rescore_empty_store(tmp_path):
    out = tmp_path / "out"
    write_store(out, [])
    rescore_store(out)
    after = pl.read_parquet(pairs_path(out))
    assert after.height == 0
    assert dict(after.schema) == {**ALIGNMENT_COLUMNS, **QUALITY_COLUMNS}


def test_bitext_score_out_rescores_an_aligned_store(tmp_path):
    out = tmp_path / "out"
    runner = CliRunner()
    aligned = runner.invoke(cli, ["align", "data/samples", "-o", str(out)])
    assert aligned.exit_code == 0, aligned.output
    before = pl.read_parquet(pairs_path(out))
    signature = pl.read_parquet_metadata(pairs_path(out))["bitext.signature"]

    scored = runner.invoke(cli, ["score", str(out)])
    assert scored.exit_code == 0, scored.output
    after = pl.read_parquet(pairs_path(out))
    assert after.height == before.height > 0
    assert set(QUALITY_COLUMNS) <= set(after.columns)
    assert after.select(before.columns).equals(before)
    metadata = pl.read_parquet_metadata(pairs_path(out))
    assert metadata["bitext.signature"] == signature
    assert metadata["bitext.quality_signature"] == QUALITY_SIGNATURE
    assert after["quality"].null_count() == 0
