"""``bitext align --engine ray``: the local runner's per-article step on Ray Data.

Only the alignment moves to the cluster. The driver (this process) does everything
else exactly as ``--engine local`` does, because it *is* ``corpus.runner.run_align``:
listing the input and pairing two-file articles (``find_articles``, so an article is
never split across workers), deciding which articles are unchanged and reused (content
hash + settings signature), and writing the store through the same ``StoreWriter``
(same schema, row order, key-value metadata, atomic replace). Ray Data only replaces
``run_align``'s local process pool:

    from_items(article descriptors, in doc_id order)
      -> map_batches(_align_block): corpus.runner._work on each article, the same
         function the local runner calls; one output row per article:
         (i, doc_id, pickled (documents row, pair rows))
      -> iter_batches on the driver: results put back in doc_id order (by position,
         duplicates dropped) and handed to run_align, which batches them into the store.

Rows are a pure function of the article, so a task Ray retries after losing a worker
gives the same rows, and the driver keeps one result per article whatever comes back.
Results travel pickled rather than as Arrow columns so that every value reaches the
store exactly as the local runner produces it (no type inference in between).

Workers read the articles themselves: the input directory must be at the same path on
every node (a shared file system), and bitext must be installed there (see
docs/scale-out.md). The store is written by the driver only.
"""

from __future__ import annotations

import logging
import math
import pickle
import re
import socket
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pyarrow as pa
import ray
import ray.data
import ray.exceptions

from align import Settings
from corpus.articles import Article
from corpus.runner import RunReport, _work, run_align

# Articles per Ray Data block, i.e. per task: enough tasks for TASKS_PER_CPU rounds on
# every CPU of the cluster (balance, and little to redo when a worker is lost), but at
# most MAX_ARTICLES_PER_BLOCK. Each task costs Ray tens of ms: on 2 CPUs and 1,000
# synthetic articles, 1 article a task took 43-51 s, 4 took 23-26 s, 16 took 17 s,
# 32-64 took 12-16 s (the local runner, one process: 22 s).
TASKS_PER_CPU = 4
MAX_ARTICLES_PER_BLOCK = 64
RESULT_SCHEMA = pa.schema([("i", pa.int64()), ("doc_id", pa.string()),
                           ("result", pa.large_binary())])

Result = tuple[dict[str, Any], list[dict[str, Any]]]


class RayEngineError(Exception):
    """Ray could not be started or reached, a task failed, or results were lost; the
    message is one line (the command line prints it without a traceback)."""


def run_align_ray(root: Path, out: Path, settings: Settings, address: str | None = None,
                  on_error: Callable[[str], None] | None = None,
                  on_article: Callable[[str], None] | None = None) -> RunReport:
    """Align every article under ``root`` into the store ``out`` on Ray Data.

    ``address``: the Ray cluster to join (``host:6379``, ``ray://host:10001``, ``auto``);
    ``None`` uses the Ray instance already initialised in this process, else
    ``RAY_ADDRESS`` or a cluster started on this machine by ``ray start``, else starts a
    local instance. Ray is only contacted when some article needs aligning; an instance
    started here is shut down before returning.
    """
    session = _Session(address)
    try:
        return run_align(root, out, settings, on_article=on_article, on_error=on_error,
                         compute=session.results)
    finally:
        session.close()


class _Session:
    """Connects to Ray on first use; shuts down only an instance it started."""

    def __init__(self, address: str | None) -> None:
        self.address = address
        self.started = False

    def connect(self) -> None:
        if ray.is_initialized():
            return
        _probe(self.address)
        options: dict[str, Any] = {"logging_level": logging.WARNING}
        if self.address is None:
            options["include_dashboard"] = False
        try:
            ray.init(address=self.address, **options)
        except (ConnectionError, RuntimeError, ValueError) as exc:
            where = self.address or "a local instance"
            msg = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
            raise RayEngineError(f"cannot start or reach Ray ({where}): {msg}") from exc
        self.started = True

    def close(self) -> None:
        if self.started and ray.is_initialized():
            ray.shutdown()
        self.started = False

    def results(self, root: Path, settings: Settings, todo: list[Article]) -> Iterator[Result]:
        """``_work``'s result for each article of ``todo``, in ``todo`` order."""
        if not todo:
            return
        self.connect()
        items = [{"i": k, "doc_id": a.doc_id, "files": list(a.files), "en": a.en, "zh": a.zh}
                 for k, a in enumerate(todo)]
        cpus = max(1, int(ray.cluster_resources().get("CPU", 1)))
        per_block = max(1, min(MAX_ARTICLES_PER_BLOCK,
                               math.ceil(len(items) / (TASKS_PER_CPU * cpus))))
        blocks = math.ceil(len(items) / per_block)
        try:
            ds = ray.data.from_items(items, override_num_blocks=blocks)
        except TypeError:  # Ray < 2.10 calls it parallelism
            ds = ray.data.from_items(items, parallelism=blocks)
        # Results leave Ray in input order, so the driver's reorder buffer stays small.
        ds.context.execution_options.preserve_order = True
        _quiet(ds.context)
        ds = ds.map_batches(_align_block, batch_size=None, batch_format="pyarrow",
                            fn_kwargs={"root": str(Path(root).absolute()),
                                       "settings": settings},
                            num_cpus=1)
        pending: dict[int, bytes] = {}
        done = 0
        batches = iter(ds.iter_batches(batch_size=None, batch_format="pyarrow"))
        while True:
            try:
                batch = next(batches, None)
            except ray.exceptions.RayError as exc:  # e.g. bitext missing on a node
                raise RayEngineError(f"a Ray task failed: {_cause(exc)}") from exc
            if batch is None:
                break
            for i, doc_id, blob in zip(batch["i"].to_pylist(), batch["doc_id"].to_pylist(),
                                       batch["result"].to_pylist()):
                if i < done or i in pending:
                    continue  # a retried task's second copy: rows are assembled once
                if doc_id != todo[i].doc_id:
                    raise RayEngineError(f"result {i} is for {doc_id}, not {todo[i].doc_id}")
                pending[i] = blob
            while done in pending:
                yield pickle.loads(pending.pop(done))
                done += 1
        if done != len(todo):
            raise RayEngineError(f"Ray returned {done} of {len(todo)} articles' results")


def _cause(exc: BaseException) -> str:
    """The root exception line of a Ray task error (Ray prints the stack itself)."""
    lines = [line.strip() for line in str(exc).splitlines() if line.strip()]
    for line in lines:
        if re.match(r"^[\w.]+(Error|Exception|Interrupt|Exit)\b.*:", line):
            return line
    return lines[0] if lines else type(exc).__name__


def _probe(address: str | None, timeout: float = 5.0) -> None:
    """Fail fast on a ``host:port`` nobody listens on (``ray.init`` retries for minutes)."""
    m = re.fullmatch(r"\[?([^\[\]/]+?)\]?:(\d+)", address or "")
    if not m:
        return  # None, "auto", "local", "ray://...": Ray's own resolution
    try:
        socket.create_connection((m[1], int(m[2])), timeout=timeout).close()
    except OSError as exc:
        raise RayEngineError(f"cannot reach Ray at {address}: {exc.strerror or exc}") from None


def _align_block(batch: pa.Table, root: str, settings: Settings) -> pa.Table:
    """Runs on a Ray worker: ``corpus.runner._work`` on each article of the block."""
    base = Path(root)
    i, ids, blobs = [], [], []
    for item in batch.to_pylist():
        article = Article(item["doc_id"], tuple(item["files"]), item["en"], item["zh"])
        i.append(item["i"])
        ids.append(article.doc_id)
        blobs.append(pickle.dumps(_work(base, settings, article),
                                  protocol=pickle.HIGHEST_PROTOCOL))
    return pa.Table.from_arrays(
        [pa.array(i, pa.int64()), pa.array(ids, pa.string()), pa.array(blobs, pa.large_binary())],
        schema=RESULT_SCHEMA)


def _quiet(ctx: ray.data.DataContext) -> None:
    """No Ray Data progress bars or per-dataset INFO lines: the CLI has its own bar."""
    ctx.enable_progress_bars = False
    ctx.enable_operator_progress_bars = False
    ctx.enable_auto_log_stats = False
    logging.getLogger("ray.data").setLevel(logging.WARNING)
    # ... nor the warning that progress bars are off.
    logging.getLogger("ray.data._internal.progress").setLevel(logging.ERROR)
