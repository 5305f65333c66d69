"""Run the article step over a directory and write the pair store.

Articles are processed in ``doc_id`` order (in ``jobs`` processes, results kept in
order), so the rows do not depend on the number of jobs. An article whose content hash
and settings signature match the previous store's row is not aligned again: its rows
are copied. Rows go to the store in batches, so memory holds one batch. The review
decisions (``decisions.parquet``) are left as they are; a run counts those whose pair it
kept and names those whose pair it no longer has.
"""

from __future__ import annotations

import multiprocessing
import os
import sys
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import Any

import polars as pl

from align import Settings
from corpus import __version__
from corpus.articles import Article, find_articles
from corpus.docalign import SIGNATURE as PAIRING_SIGNATURE
from corpus.pipeline import align_article, pipeline_signature
from corpus.quality import QUALITY_SIGNATURE, SIGNATURE_KEY
from corpus.store import (
    DOCUMENTS_SCHEMA,
    PAIRS_SCHEMA,
    StoreWriter,
    clean_scratch,
    decisions_present,
    documents_path,
    frame,
    pairs_path,
    read_decisions,
    read_metadata,
)

BATCH = 200  # articles per batch written to the store
# Articles per task sent to a --jobs worker: with one article a task, the pool's
# bookkeeping thread woke for every task and took a third of the writing process's CPU.
CHUNK = 8


@dataclass
class RunReport:
    """What a run did, for the command line's summary."""

    articles: int = 0
    aligned: int = 0
    reused: int = 0
    pairs: int = 0
    errors: list[str] = field(default_factory=list)
    decisions_kept: int = 0  # review decisions whose pair is in the new store
    decisions_gone: list[str] = field(default_factory=list)  # pair ids this run lost


def _work(root: Path, settings: Settings, article: Article) -> tuple[dict[str, Any],
                                                                    list[dict[str, Any]]]:
    try:
        return align_article(article, root, settings)
    except Exception as exc:  # noqa: BLE001 (one bad article must not stop the run)
        doc: dict[str, Any] = {k: None for k in DOCUMENTS_SCHEMA}
        doc.update(doc_id=article.doc_id, source=list(article.files), layout="error",
                   status="error",
                   reason=f"{article.doc_id}: internal error: {type(exc).__name__}: {exc}",
                   content_hash=article.content_hash(root), unaligned_en=[], unaligned_zh=[])
        return doc, []


def _previous(out: Path, signature: str) -> dict[str, str]:
    """doc_id -> content hash of the previous store's documents made with ``signature``."""
    if read_metadata(out).get("bitext.signature") != signature or \
            not documents_path(out).is_file():
        return {}
    docs = pl.read_parquet(documents_path(out), columns=["doc_id", "content_hash", "status"])
    return {d: h for d, h, s in docs.iter_rows() if h is not None and s != "error"}


def run_align(root: Path, out: Path, settings: Settings, jobs: int = 1,
              on_article: Callable[[str], None] | None = None,
              on_error: Callable[[str], None] | None = None,
              compute: Callable[[Path, Settings, list[Article]], Iterator[
                  tuple[dict[str, Any], list[dict[str, Any]]]]] | None = None) -> RunReport:
    """Align every article under ``root`` into the store ``out``.

    ``compute(root, settings, todo)`` yields ``_work``'s result for each article to
    align, in ``todo`` order; by default ``jobs`` local processes (corpus.ray_engine
    passes Ray Data's). Listing, reuse and writing stay here, whatever computes the rows.
    """
    root, out = Path(root), Path(out)
    signature = f"{pipeline_signature(settings)}|{PAIRING_SIGNATURE}"
    out.mkdir(parents=True, exist_ok=True)
    clean_scratch(out)
    previous = _previous(out, signature)
    articles = list(find_articles(root))
    report = RunReport(articles=len(articles))
    hashes = {a.doc_id: a.content_hash(root) for a in articles} if previous else {}
    reuse = {a.doc_id for a in articles
             if a.doc_id in previous and previous[a.doc_id] == hashes[a.doc_id]}
    todo = [a for a in articles if a.doc_id not in reuse]
    metadata = {"bitext.version": __version__, "bitext.signature": signature,
                SIGNATURE_KEY: QUALITY_SIGNATURE, "bitext.run_id": uuid.uuid4().hex,
                "bitext.root": str(root)}
    writer = StoreWriter(out, metadata)
    try:
        results = (_results(root, settings, todo, jobs) if compute is None
                   else compute(root, settings, todo))
        batch_docs: list[dict[str, Any]] = []
        batch_pairs: list[dict[str, Any]] = []
        pending_reuse: list[str] = []
        for article in articles:
            if article.doc_id in reuse:
                pending_reuse.append(article.doc_id)
                report.reused += 1
            else:
                doc, rows = next(results)
                doc.update(paired_by=article.paired_by, pair_score=article.pair_score)
                if doc["status"] == "error" and on_error:
                    on_error(doc["reason"])
                if doc["status"] == "error":
                    report.errors.append(doc["reason"])
                batch_docs.append(doc)
                batch_pairs.extend(rows)
                report.aligned += 1
            if on_article:
                on_article(article.doc_id)
            if len(batch_docs) + len(pending_reuse) >= BATCH:
                report.pairs += _flush(writer, out, batch_docs, batch_pairs, pending_reuse)
                batch_docs, batch_pairs, pending_reuse = [], [], []
        report.pairs += _flush(writer, out, batch_docs, batch_pairs, pending_reuse)
        decisions = read_decisions(out)
        before = decisions_present(out, decisions)
        writer.commit()
    except BaseException:
        writer.discard()
        raise
    after = decisions_present(out, decisions)
    report.decisions_kept = len(after)
    report.decisions_gone = sorted(before - after)
    if report.decisions_gone and on_error:
        gone = report.decisions_gone
        on_error(f"{len(gone)} review decision{'s name' if len(gone) > 1 else ' names'} a pair "
                 f"this run no longer has (kept in decisions.parquet, not applied): "
                 + ", ".join(gone[:10]) + (f" and {len(gone) - 10} more" if len(gone) > 10 else ""))
    return report


def _results(root: Path, settings: Settings, todo: list[Article],
             jobs: int) -> Iterator[tuple[dict[str, Any], list[dict[str, Any]]]]:
    work = partial(_work, root, settings)
    if jobs <= 1 or len(todo) <= 1:
        yield from map(work, todo)
        return
    if sys.platform == "win32":
        ctx = multiprocessing.get_context("spawn")
    else:
        # Workers fork from a server that has loaded the dictionary, the compiled
        # kernels and the encoder once (corpus.worker), instead of each loading them.
        ctx = multiprocessing.get_context("forkserver")
        ctx.set_forkserver_preload(["corpus.worker"])
    # One BLAS thread a worker: the encoder's matrix products in N workers with a thread
    # per core each took twice as long as one job (measured on 2 cores: 27 s vs 13 s).
    saved = {k: os.environ.get(k) for k in _BLAS_THREADS}
    os.environ.update(dict.fromkeys(_BLAS_THREADS, "1"))
    try:
        pool = ctx.Pool(jobs)
    finally:
        for k, v in saved.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v
    with pool:
        yield from pool.imap(work, todo, chunksize=CHUNK)


_BLAS_THREADS = ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS")


def _flush(writer: StoreWriter, out: Path, docs: list[dict[str, Any]],
           pairs: list[dict[str, Any]], reuse: list[str]) -> int:
    """Write one batch: new rows plus the previous store's rows of reused articles,
    in doc_id order."""
    if not docs and not reuse:
        return 0
    new_docs = frame(docs, DOCUMENTS_SCHEMA)
    new_pairs = frame(pairs, PAIRS_SCHEMA)
    if reuse:
        old_docs = pl.scan_parquet(documents_path(out)).filter(pl.col("doc_id").is_in(reuse))
        old_pairs = pl.scan_parquet(pairs_path(out)).filter(pl.col("doc_id").is_in(reuse))
        new_docs = pl.concat([new_docs, old_docs.select(list(DOCUMENTS_SCHEMA)).collect()])
        new_pairs = pl.concat([new_pairs, old_pairs.select(list(PAIRS_SCHEMA)).collect()])
    new_docs = new_docs.sort("doc_id", maintain_order=True)
    new_pairs = new_pairs.with_columns(pl.col("sent_en").list.first().alias("_k")).sort(
        ["doc_id", "_k"], maintain_order=True).drop("_k")
    writer.add(new_pairs, new_docs)
    return new_pairs.height
