"""Time `bitext export` and `bitext stats` on a synthetic store; report peak memory.

Each command runs in its own child process, which reports its own peak resident memory
(``VmHWM``, Linux only; see ``_measure.py``). Seconds include the interpreter start-up.

    .venv/bin/python benchmarks/export_bench.py --pairs 1000000
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

import numpy as np
import polars as pl
from _measure import machine, run_cli

from corpus.quality import QUALITY_COLUMNS
from corpus.store import DOCUMENTS_SCHEMA, PAIRS_SCHEMA

CHUNK = 250_000
VOCABULARY = (
    "the of and to in a is that for it as was with be by on not he this are or his from at "
    "which but have an they you were her she there been one all we their has would when if "
    "library war city river language translation market history science music water light"
)
HAN = np.array([chr(c) for c in range(0x4E00, 0x4E00 + 3000)])
CASES = {
    "import only (baseline)": None,
    "export -f tsv": ["-f", "tsv", "-o", "{out}/pairs.tsv"],
    "export -f tsv --dedupe": ["-f", "tsv", "-o", "{out}/pairs.tsv", "--dedupe"],
    "export -f hf --split": [
        "-f",
        "hf",
        "-o",
        "{out}/pairs.jsonl",
        "--split",
        "train=0.98,dev=0.01,test=0.01",
    ],
    "export -f tmx": ["-f", "tmx", "-o", "{out}/pairs.tmx"],
    "stats": [],
}


def _draws(seeds: np.ndarray, k: int, n: int) -> np.ndarray:
    """``k`` pseudo-random indices below ``n`` per seed, a pure function of the seed."""
    x: np.ndarray = seeds.astype(np.uint64)[:, None] * np.uint64(64)
    x = x + np.arange(k, dtype=np.uint64)
    x = (x ^ (x >> np.uint64(30))) * np.uint64(0xBF58476D1CE4E5B9)  # splitmix64 finaliser
    x = (x ^ (x >> np.uint64(27))) * np.uint64(0x94D049BB133111EB)
    return ((x ^ (x >> np.uint64(31))) % np.uint64(n)).astype(np.int64)


def synthetic_chunk(
    rng: np.random.Generator, start: int, n: int, doc_size: int, dup_rate: float
) -> pl.DataFrame:
    """``n`` pairs numbered from ``start``; about ``dup_rate`` of them repeat an earlier one."""
    index = np.arange(start, start + n)
    source = np.where(rng.random(n) < dup_rate, rng.integers(0, np.maximum(index, 1)), index)
    words = np.array(VOCABULARY.split())
    en = [" ".join(w).capitalize() + "." for w in words[_draws(source, 12, len(words))]]
    zh = ["".join(c) + "。" for c in HAN[_draws(source, 20, len(HAN))]]
    doc = index // doc_size
    sent = (index % doc_size).astype(np.int32)
    sent_list = pl.Series(sent).reshape((n, 1)).arr.to_list()
    return pl.DataFrame(
        {
            "pair_id": [f"{i:016x}" for i in index.tolist()],
            "doc_id": [f"docs/{d:07}.md" for d in doc.tolist()],
            "source": [f"docs/{d:07}.md" for d in doc.tolist()],
            "layout": np.array(["blocked", "interleaved", "same_line"])[doc % 3],
            "para_en": sent_list // 4,
            "para_zh": sent_list // 4,
            "sent_en": sent_list,
            "sent_zh": sent_list,
            "line_en": sent + 1,
            "line_zh": sent + 1,
            "bead": np.where(rng.random(n) < 0.9, "1-1", "2-1"),
            "en": en,
            "zh": zh,
            "align_score": rng.random(n),
            **{name: rng.random(n).astype(np.float32) for name in QUALITY_COLUMNS},
        },
        schema_overrides=PAIRS_SCHEMA,
    ).select(list(PAIRS_SCHEMA))


def build_store(out: Path, pairs: int, doc_size: int, dup_rate: float) -> None:
    """Write a store of ``pairs`` pairs in chunks (memory stays bounded)."""
    rng = np.random.default_rng(0)
    chunks = []
    for i, start in enumerate(range(0, pairs, CHUNK)):
        path = out / f"chunk{i}.parquet"
        synthetic_chunk(rng, start, min(CHUNK, pairs - start), doc_size, dup_rate).write_parquet(
            path
        )
        chunks.append(path)
    pl.concat([pl.scan_parquet(c) for c in chunks]).sink_parquet(out / "pairs.parquet")
    for c in chunks:
        c.unlink()
    n_docs = -(-pairs // doc_size)
    docs = pl.DataFrame({"doc_id": [f"docs/{d:07}.md" for d in range(n_docs)]}).with_columns(
        source=pl.concat_list("doc_id"),
        layout=pl.lit("blocked"),
        status=pl.lit("ok"),
        reason=pl.lit(None, pl.String),
        content_hash=pl.col("doc_id"),
        n_para_en=pl.lit(doc_size // 4),
        n_para_zh=pl.lit(doc_size // 4),
        n_sent_en=pl.lit(doc_size),
        n_sent_zh=pl.lit(doc_size),
        n_sent_en_aligned=pl.lit(doc_size),
        n_sent_zh_aligned=pl.lit(doc_size),
        n_pairs=pl.lit(doc_size),
        unaligned_en=pl.lit([], pl.List(pl.String)),
        unaligned_zh=pl.lit([], pl.List(pl.String)),
    )
    docs.cast(pl.Schema(DOCUMENTS_SCHEMA)).write_parquet(out / "documents.parquet")


def measure(args: list[str] | None, store: Path, out: Path) -> tuple[float, float, float]:
    """Seconds, peak RSS (MiB) and output size (MiB) of one command in a child process."""
    command = (
        []
        if args is None
        else ["export" if args else "stats", str(store), *(a.format(out=out) for a in args)]
    )
    for f in out.iterdir():
        f.unlink()
    run = run_cli(command)
    if run.returncode != 0:
        raise SystemExit(f"failed: bitext {' '.join(command)}\n{run.stderr}")
    size = sum(f.stat().st_size for f in out.iterdir())
    return run.seconds, run.peak_mib, size / 2**20


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pairs", type=int, default=1_000_000)
    parser.add_argument("--doc-size", type=int, default=40, help="pairs per document")
    parser.add_argument("--dup-rate", type=float, default=0.1, help="share of repeated pairs")
    opts = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bitext-bench-") as tmp:
        store, out = Path(tmp) / "store", Path(tmp) / "out"
        store.mkdir()
        out.mkdir()
        started = time.perf_counter()
        build_store(store, opts.pairs, opts.doc_size, opts.dup_rate)
        size = (store / "pairs.parquet").stat().st_size / 2**20
        print(
            f"store: {opts.pairs:,} pairs, {-(-opts.pairs // opts.doc_size):,} documents, "
            f"pairs.parquet {size:.0f} MiB (built in {time.perf_counter() - started:.0f} s); "
            f"{machine()}, polars {pl.__version__}"
        )
        print(f"{'command':<26}{'seconds':>9}{'peak RSS MiB':>14}{'output MiB':>12}")
        for name, args in CASES.items():
            seconds, rss, written = measure(args, store, out)
            print(f"{name:<26}{seconds:>9.1f}{rss:>14.0f}{written:>12.0f}", flush=True)


if __name__ == "__main__":
    main()
