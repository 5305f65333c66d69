"""The pair store: a directory with ``pairs.parquet`` and ``documents.parquet``.

Any Parquet reader opens it. Each file is replaced atomically (written beside, fsynced,
then renamed), so a killed run leaves the previous files whole. Both files carry the
same key-value metadata: the tool version, the settings signature and the run id.
"""

from __future__ import annotations

from pathlib import Path

import polars as pl

PAIRS_FILE = "pairs.parquet"
DOCUMENTS_FILE = "documents.parquet"

PAIRS_SCHEMA: dict[str, pl.DataType] = {
    "pair_id": pl.String(),  # stable hash of the normalised pair
    "doc_id": pl.String(),  # the article: its primary file's relative path
    "source": pl.String(),  # relative path(s) of the article's file(s), joined by " + "
    "layout": pl.String(),  # how the article carries its languages
    "para_en": pl.List(pl.Int32()),  # paragraph indices in the article's English stream
    "para_zh": pl.List(pl.Int32()),
    "sent_en": pl.List(pl.Int32()),  # sentence indices in the article's English stream
    "sent_zh": pl.List(pl.Int32()),
    "line_en": pl.Int32(),  # 1-based line of the first English sentence's block
    "line_zh": pl.Int32(),
    "bead": pl.String(),  # "1-1", "2-1", ...
    "en": pl.String(),
    "zh": pl.String(),
    "align_score": pl.Float64(),  # the aligner's bead score in [0, 1]
}

DOCUMENTS_SCHEMA: dict[str, pl.DataType] = {
    "doc_id": pl.String(),
    "source": pl.List(pl.String()),  # relative paths of the article's files
    "layout": pl.String(),  # blocked, interleaved, ..., zh_only, en_only, error
    "status": pl.String(),  # ok, no_pairs, error
    "reason": pl.String(),  # one line: why no pairs, or the error met
    "content_hash": pl.String(),
    "n_para_en": pl.Int32(),
    "n_para_zh": pl.Int32(),
    "n_sent_en": pl.Int32(),
    "n_sent_zh": pl.Int32(),
    "n_sent_en_aligned": pl.Int32(),
    "n_sent_zh_aligned": pl.Int32(),
    "n_pairs": pl.Int32(),
    "unaligned_en": pl.List(pl.String()),  # paragraphs (or their parts) left out
    "unaligned_zh": pl.List(pl.String()),
}


def pairs_path(out: Path) -> Path:
    return Path(out) / PAIRS_FILE


def documents_path(out: Path) -> Path:
    return Path(out) / DOCUMENTS_FILE


class StoreError(Exception):
    """A path that is not a readable pair store."""


def scan_pairs(out: Path) -> pl.LazyFrame:
    """Lazily scan the pairs of a store (streaming-friendly)."""
    path = pairs_path(out)
    if not path.is_file():
        raise StoreError(f"{out}: not a pair store (no {PAIRS_FILE}); run `bitext align` first")
    return pl.scan_parquet(path)


def scan_documents(out: Path) -> pl.LazyFrame:
    """Lazily scan the documents table of a store."""
    path = documents_path(out)
    if not path.is_file():
        raise StoreError(f"{out}: not a pair store (no {DOCUMENTS_FILE}); run `bitext align` first")
    return pl.scan_parquet(path)
