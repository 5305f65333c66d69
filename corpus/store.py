"""The pair store: a directory with ``pairs.parquet`` and ``documents.parquet``.

Any Parquet reader opens it. The two names are links into the store's current
generation (``.bitext-store/current/``); a run writes a whole new generation beside it
and then swaps the one ``current`` link, a single atomic rename, so a run killed at any
moment leaves the previous pair of files whole and consistent. Both files carry the
same key-value metadata: the tool version, the settings signature and the run id.

``decisions.parquet``, when there is one, holds what a person decided in the review
page, one row per ``pair_id`` (the latest decision). It is a plain file beside the two
links, outside the generations: a run leaves it alone, so decisions outlive re-runs,
and ``bitext decide`` replaces it whole (written aside, then renamed).
"""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path
from typing import Any

import numpy as np
import polars as pl

from corpus import __version__
from corpus.quality import QUALITY_COLUMNS

PAIRS_FILE = "pairs.parquet"
DOCUMENTS_FILE = "documents.parquet"
DECISIONS_FILE = "decisions.parquet"

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
    "paired_by": pl.String(),  # two files: name, folder or content; one file: null
    "pair_score": pl.Float64(),  # paired by content: the files' profiles' cosine
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


VERDICTS = ("reject", "accept", "edit")

DECISIONS_SCHEMA: dict[str, pl.DataType] = {
    "pair_id": pl.String(),
    "verdict": pl.String(),  # reject, accept or edit
    "en": pl.String(),  # the edited text (edits only)
    "zh": pl.String(),
    "at": pl.Datetime("ms", "UTC"),  # when the reviewer decided
}


def frame(rows: list[dict[str, Any]], schema: dict[str, pl.DataType]) -> pl.DataFrame:
    """Rows (dicts) as a frame of ``schema``, built column by column.

    Polars builds a list value from Python one Series at a time; flattening each list
    column and grouping it back is 6x faster, and this runs in the one process that
    writes while ``--jobs`` workers align.
    """
    n = len(rows)
    columns: dict[str, pl.Series] = {}
    for name, dtype in schema.items():
        if not isinstance(dtype, pl.List):
            columns[name] = pl.Series(name, [r[name] for r in rows], dtype=dtype)
            continue
        lengths = [len(r[name]) for r in rows]
        flat = pl.DataFrame({
            "row": np.repeat(np.arange(n, dtype=np.int64), lengths),
            name: pl.Series([x for r in rows for x in r[name]], dtype=dtype.inner),
        })
        grouped = flat.group_by("row", maintain_order=True).agg(name)
        if grouped.height < n:  # rows with an empty list
            grouped = pl.DataFrame({"row": np.arange(n, dtype=np.int64)}).join(
                grouped, on="row", how="left", maintain_order="left").with_columns(
                pl.col(name).fill_null(pl.lit([], dtype=dtype)))
        columns[name] = grouped[name].alias(name)
    return pl.DataFrame(columns, schema=schema)


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


def decisions_path(out: Path) -> Path:
    return Path(out) / DECISIONS_FILE


def read_decisions(out: Path) -> pl.DataFrame:
    """The store's review decisions (``DECISIONS_SCHEMA``), empty when there are none."""
    path = decisions_path(out)
    if not path.is_file():
        return pl.DataFrame(schema=DECISIONS_SCHEMA)
    return pl.read_parquet(path).select(list(DECISIONS_SCHEMA)).cast(pl.Schema(DECISIONS_SCHEMA))


def merge_decisions(old: pl.DataFrame, new: pl.DataFrame) -> pl.DataFrame:
    """One row per pair: the latest decision by ``at``; on a tie, ``new``'s later row."""
    both = pl.concat(
        [d.select(list(DECISIONS_SCHEMA)).cast(pl.Schema(DECISIONS_SCHEMA)) for d in (old, new)])
    return (
        both.sort("at", maintain_order=True, nulls_last=False)
        .unique("pair_id", keep="last", maintain_order=True)
        .sort("pair_id")
    )


def write_decisions(out: Path, decisions: pl.DataFrame) -> None:
    """Replace the store's decisions table: written in a scratch folder, then renamed."""
    out = Path(out)
    scratch = Path(tempfile.mkdtemp(prefix=".bitext-run-", dir=out))
    try:
        tmp = scratch / DECISIONS_FILE
        decisions.select(list(DECISIONS_SCHEMA)).cast(pl.Schema(DECISIONS_SCHEMA)).write_parquet(
            tmp, metadata={"bitext.version": __version__})
        replace_atomically(tmp, decisions_path(out))
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


def decisions_present(out: Path, decisions: pl.DataFrame) -> set[str]:
    """The ``pair_id``s of ``decisions`` that the store's pairs have."""
    if decisions.is_empty() or not pairs_path(out).is_file():
        return set()
    ids = decisions["pair_id"].implode()
    found = scan_pairs(out).select("pair_id").filter(pl.col("pair_id").is_in(ids)).unique()
    return set(found.collect()["pair_id"].to_list())


def replace_atomically(tmp: Path, final: Path) -> None:
    """Move a fully written file into place: fsync it, rename it, fsync the folder.
    A link (a store's file name) is followed: the file it names is replaced."""
    if final.is_symlink():
        final = final.resolve()
    with open(tmp, "rb+") as fh:
        os.fsync(fh.fileno())
    os.replace(tmp, final)
    _fsync_dir(final.parent)


class StoreWriter:
    """Writes a new generation of a store beside the old one, then swaps it in.

    Rows arrive in batches (one per group of articles) and go to part files in a
    scratch folder inside OUT, so memory holds one batch. ``commit`` merges the parts
    into ``pairs.parquet`` and ``documents.parquet`` (streaming), moves them into a new
    generation folder and points ``current`` at it: until that last rename the previous
    generation is what every reader sees.
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
        """Merge the batches and make them the store's current generation."""
        try:
            generations = self.out / GENERATIONS
            generations.mkdir(exist_ok=True)
            gen = Path(tempfile.mkdtemp(prefix="g-", dir=generations))
            gen.chmod(0o755)
            for name, schema in ((PAIRS_FILE, PAIRS_SCHEMA), (DOCUMENTS_FILE, DOCUMENTS_SCHEMA)):
                parts = sorted(self.scratch.glob(f"{name.split('.')[0]}-*.parquet"))
                tmp = self.scratch / name
                if parts:
                    pl.scan_parquet(parts).sink_parquet(tmp, metadata=self.metadata)
                else:
                    pl.DataFrame(schema=schema).write_parquet(tmp, metadata=self.metadata)
                replace_atomically(tmp, gen / name)
            _point_current(self.out, gen.name)
        finally:
            self.discard()

    def discard(self) -> None:
        shutil.rmtree(self.scratch, ignore_errors=True)


GENERATIONS = ".bitext-store"  # folder of generations inside a store


def _point_current(out: Path, gen_name: str) -> None:
    """Swap ``current`` to the generation ``gen_name`` (one atomic rename), make sure the
    store's file names link through it, and drop the generations no longer current."""
    generations = out / GENERATIONS
    link = generations / f"current.{os.getpid()}.tmp"
    link.unlink(missing_ok=True)
    link.symlink_to(gen_name)
    os.replace(link, generations / "current")
    _fsync_dir(generations)
    for name in (PAIRS_FILE, DOCUMENTS_FILE):
        target = Path(GENERATIONS) / "current" / name
        final = out / name
        if final.is_symlink() and Path(os.readlink(final)) == target:
            continue
        tmp = out / f".{name}.{os.getpid()}.tmp"
        tmp.unlink(missing_ok=True)
        tmp.symlink_to(target)
        os.replace(tmp, final)  # first run, or a store from before generations
    _fsync_dir(out)
    for old in generations.iterdir():
        if old.is_dir() and not old.is_symlink() and old.name != gen_name:
            shutil.rmtree(old, ignore_errors=True)


def clean_scratch(out: Path) -> None:
    """Remove scratch folders and unfinished generations left by killed runs."""
    for p in Path(out).glob(".bitext-run-*"):
        shutil.rmtree(p, ignore_errors=True)
    generations = Path(out) / GENERATIONS
    current = generations / "current"
    if generations.is_dir():
        keep = os.readlink(current) if current.is_symlink() else None
        for old in generations.iterdir():
            if old.is_dir() and not old.is_symlink() and old.name != keep:
                shutil.rmtree(old, ignore_errors=True)
