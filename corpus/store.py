"""The pair store: a directory with ``pairs.parquet`` and ``documents.parquet``.

Any Parquet reader opens it. Each file is replaced atomically (written beside, fsynced,
then renamed), so a killed run leaves the previous files whole. Both files carry the
same key-value metadata: the tool version, the settings signature and the run id.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

import polars as pl

from corpus.quality import QUALITY_COLUMNS

PAIRS_FILE = "pairs.parquet"
DOCUMENTS_FILE = "documents.parquet"

ALIGNMENT_COLUMNS: dict[str, pl.DataType] = {
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
    # The pair-quality columns (corpus.quality.QUALITY_COLUMNS) follow.
}

# A store's pairs: the alignment columns, then the pair-quality columns.
PAIRS_SCHEMA: dict[str, pl.DataType] = {**ALIGNMENT_COLUMNS, **QUALITY_COLUMNS}

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


def read_metadata(out: Path) -> dict[str, str]:
    """The key-value metadata of a store's pairs file (version, signature, run id)."""
    path = pairs_path(out)
    if not path.is_file():
        return {}
    return dict(pl.read_parquet_metadata(path))


def _fsync_dir(path: Path) -> None:
    try:
        fd = os.open(path, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def replace_atomically(tmp: Path, final: Path) -> None:
    """Move a fully written file into place: fsync it, rename it, fsync the folder."""
    with open(tmp, "rb+") as fh:
        os.fsync(fh.fileno())
    os.replace(tmp, final)
    _fsync_dir(final.parent)


class StoreWriter:
    """Writes a new version of a store beside the old one, then swaps it in.

    Rows arrive in batches (one per group of articles) and go to part files in a
    scratch folder inside OUT, so memory holds one batch. ``commit`` merges the parts
    into ``pairs.parquet`` and ``documents.parquet`` (streaming) and renames each into
    place; until then the previous files stay untouched. Pairs are replaced before
    documents: a kill between the two renames leaves new pairs with old documents,
    which the next run repairs, since documents decide what is reprocessed.
    """

    def __init__(self, out: Path, metadata: dict[str, str]) -> None:
        self.out = Path(out)
        self.out.mkdir(parents=True, exist_ok=True)
        self.metadata = metadata
        self.scratch = Path(tempfile.mkdtemp(prefix=".bitext-run-", dir=self.out))
        self.parts = 0

    def add(self, pairs: pl.DataFrame, documents: pl.DataFrame) -> None:
        """Add one batch of rows."""
        name = f"{self.parts:06d}.parquet"
        pairs.write_parquet(self.scratch / f"pairs-{name}")
        documents.write_parquet(self.scratch / f"documents-{name}")
        self.parts += 1

    def commit(self) -> None:
        """Merge the batches and replace the store's files."""
        try:
            for kind, schema in (("pairs", PAIRS_SCHEMA), ("documents", DOCUMENTS_SCHEMA)):
                parts = sorted(self.scratch.glob(f"{kind}-*.parquet"))
                tmp = self.scratch / f"{kind}.parquet"
                if parts:
                    pl.scan_parquet(parts).sink_parquet(tmp, metadata=self.metadata)
                else:
                    pl.DataFrame(schema=schema).write_parquet(tmp, metadata=self.metadata)
            replace_atomically(self.scratch / "pairs.parquet", pairs_path(self.out))
            replace_atomically(self.scratch / "documents.parquet", documents_path(self.out))
        finally:
            self.discard()

    def discard(self) -> None:
        shutil.rmtree(self.scratch, ignore_errors=True)


def clean_scratch(out: Path) -> None:
    """Remove scratch folders left by killed runs."""
    for p in Path(out).glob(".bitext-run-*"):
        shutil.rmtree(p, ignore_errors=True)
