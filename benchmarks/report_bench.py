"""Time `bitext report` on a synthetic store of N pairs (default 100,000) and load the page.

The store is written with polars in ``corpus.store.PAIRS_SCHEMA`` / ``DOCUMENTS_SCHEMA``:
documents of 20 to 180 pairs (one in ten without pairs), rotating layouts and bead types,
random scores, and two or three unaligned paragraphs per document. The sentences come from
NTREX (``../shared/bench/ntrex``) when it is there, else from made-up words of typical
length. Reported: the page's size; ``bitext report`` in a child process (seconds with
the interpreter start-up, and its peak memory, which should stay well below the page's
size times a few, as the pairs are streamed in batches); and, when Chromium is installed,
the wall time of ``chromium --headless --screenshot`` of the page against a blank page,
and the page's own timings (``data-start-ms``: navigation start to its script, i.e.
reading and parsing the HTML; ``data-render-ms``: JSON.parse of the island, filtering,
rendering the first page of beads), unfiltered and with a text search and a quality
threshold in the fragment. (``--dump-dom`` is not timed: it spends seconds serialising
the 30-odd MB island back out.)

    .venv/bin/python benchmarks/report_bench.py [--pairs 100000] [--keep DIR]
"""

from __future__ import annotations

import argparse
import random
import re
import shutil
import subprocess
import tempfile
import time
from pathlib import Path

import polars as pl
from _measure import DATA, machine, run_cli

from corpus.store import DOCUMENTS_SCHEMA, PAIRS_SCHEMA

NTREX_EN = DATA / "ntrex" / "newstest2019-src.eng.txt"
NTREX_ZH = DATA / "ntrex" / "newstest2019-ref.zho-CN.txt"
LAYOUTS = ("blocked", "interleaved", "two_files", "same_line", "partial_interleaved")
BEADS = ("1-1",) * 17 + ("2-1", "1-2", "2-2")


def sentences(rng: random.Random) -> list[tuple[str, str]]:
    if NTREX_EN.is_file() and NTREX_ZH.is_file():
        en = NTREX_EN.read_text(encoding="utf-8").splitlines()
        zh = NTREX_ZH.read_text(encoding="utf-8").splitlines()
        return [(e, z) for e, z in zip(en, zh, strict=True) if e.strip() and z.strip()]
    words = ["market", "city", "report", "year", "people", "water", "school", "river", "policy"]
    han = "市场城市报告年人们水学校河政策发展经济社会"
    return [
        (
            " ".join(rng.choice(words) for _ in range(rng.randint(8, 30))).capitalize() + ".",
            "".join(rng.choice(han) for _ in range(rng.randint(15, 60))) + "。",
        )
        for _ in range(2000)
    ]


def write_store(out: Path, n_pairs: int, seed: int = 0) -> tuple[int, int]:
    """A store of ``n_pairs`` pairs; returns (pairs, documents)."""
    rng = random.Random(seed)
    pool = sentences(rng)
    pairs: dict[str, list] = {name: [] for name in PAIRS_SCHEMA}
    docs: dict[str, list] = {name: [] for name in DOCUMENTS_SCHEMA}
    d = 0
    while len(pairs["en"]) < n_pairs:
        doc_id = f"news/{d // 100:03d}/article-{d:05d}.html"
        layout = LAYOUTS[d % len(LAYOUTS)]
        n = 0 if d % 10 == 9 else min(rng.randint(20, 180), n_pairs - len(pairs["en"]))
        sent = 0
        for i in range(n):
            bead = rng.choice(BEADS)
            k_en, k_zh = (int(x) for x in bead.split("-"))
            chosen = rng.sample(pool, max(k_en, k_zh))
            quality = min(1.0, max(0.0, rng.betavariate(5, 1.2)))
            row = {
                "pair_id": f"{d}-{i}",
                "doc_id": doc_id,
                "source": doc_id,
                "layout": layout,
                "para_en": [i // 4],
                "para_zh": [i // 4],
                "sent_en": list(range(sent, sent + k_en)),
                "sent_zh": list(range(sent, sent + k_zh)),
                "line_en": 2 * i + 1,
                "line_zh": 2 * i + 2,
                "bead": bead,
                "en": " ".join(e for e, _ in chosen[:k_en]),
                "zh": "".join(z for _, z in chosen[:k_zh]),
                "align_score": rng.random(),
                "len_ratio": rng.gauss(0, 0.3),
                "cov_en": rng.random(),
                "cov_zh": rng.random(),
                "num_agree": 1.0,
                "purity": 1.0,
                "copy": 0.0,
                "quality": quality,
            }
            sent += max(k_en, k_zh)
            for name in PAIRS_SCHEMA:
                pairs[name].append(row.get(name))
        unaligned_en = [e for e, _ in rng.sample(pool, rng.randint(0, 3))]
        unaligned_zh = [z for _, z in rng.sample(pool, rng.randint(0, 3))]
        doc = {
            "doc_id": doc_id,
            "source": [doc_id],
            "layout": layout if n else "zh_only",
            "status": "ok" if n else "no_pairs",
            "reason": None if n else "Chinese only (N sentences, 0 English fragments, no pairs)",
            "content_hash": str(d),
            "n_para_en": n // 4 + 1,
            "n_para_zh": n // 4 + 1,
            "n_sent_en": sent + len(unaligned_en),
            "n_sent_zh": sent + len(unaligned_zh),
            "n_sent_en_aligned": sent,
            "n_sent_zh_aligned": sent,
            "n_pairs": n,
            "unaligned_en": unaligned_en,
            "unaligned_zh": unaligned_zh,
        }
        for name in DOCUMENTS_SCHEMA:
            docs[name].append(doc.get(name))
        d += 1
    out.mkdir(parents=True, exist_ok=True)
    pl.DataFrame(pairs, schema=PAIRS_SCHEMA).write_parquet(out / "pairs.parquet")
    pl.DataFrame(docs, schema=DOCUMENTS_SCHEMA).write_parquet(out / "documents.parquet")
    return len(pairs["en"]), d


def chromium(page: Path, fragment: str, profile: Path, *mode: str) -> tuple[float, str]:
    """Wall seconds and stdout of headless Chromium on ``page`` in ``mode``."""
    started = time.perf_counter()
    result = subprocess.run(
        [
            shutil.which("chromium") or "chromium",
            "--headless",
            "--disable-gpu",
            "--no-sandbox",
            "--hide-scrollbars",
            f"--user-data-dir={profile}",
            *mode,
            page.resolve().as_uri() + fragment,
        ],
        capture_output=True,
        text=True,
        timeout=600,
        check=True,
    )
    return time.perf_counter() - started, result.stdout


def in_page_ms(page: Path, fragment: str, profile: Path) -> tuple[int, int]:
    """(navigation start to the page's script, the script to the first page of beads) in ms."""
    _, dom = chromium(page, fragment, profile, "--dump-dom")
    match = re.search(r'data-start-ms="(\d+)" data-render-ms="(\d+)"', dom)
    assert match, "the page's script did not finish"
    return int(match.group(1)), int(match.group(2))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--pairs", type=int, default=100_000)
    parser.add_argument("--keep", type=Path, help="Write the store and page here and keep them.")
    args = parser.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="bitext-report-bench-"))
    root = args.keep or tmp
    try:
        store, page = root / "store", root / "review.html"
        started = time.perf_counter()
        n_pairs, n_docs = write_store(store, args.pairs)
        print(f"machine: {machine()}")
        print(
            f"store: {n_pairs:,} pairs, {n_docs:,} documents, "
            f"{(store / 'pairs.parquet').stat().st_size / 1e6:.1f} MB pairs.parquet "
            f"(written in {time.perf_counter() - started:.1f} s)"
        )
        start_up = run_cli(None)
        measured = run_cli(["report", str(store), "-o", str(page)])
        if measured.returncode != 0:
            raise SystemExit(measured.stderr)
        print(f"page: {page.stat().st_size / 1e6:.1f} MB")
        print(
            f"bitext report: {measured.seconds:.2f} s "
            f"(interpreter and CLI import alone {start_up.seconds:.2f} s), "
            f"peak memory {measured.peak_mib:.0f} MiB "
            f"(import alone {start_up.peak_mib:.0f} MiB)"
        )
        if not shutil.which("chromium"):
            print("chromium: not installed, load time not measured")
            return
        blank = root / "blank.html"
        blank.write_text("<!DOCTYPE html><title>blank</title><p>blank</p>\n")
        profile = root / "chromium-profile"
        shot = ("--screenshot=" + str(root / "shot.png"), "--window-size=1280,900")
        chromium(blank, "", profile, *shot)  # first start: the profile is created
        base = min(chromium(blank, "", profile, *shot)[0] for _ in range(3))
        wall = min(chromium(page, "", profile, *shot)[0] for _ in range(3))
        print(
            f"chromium --screenshot: {wall:.2f} s wall (blank page {base:.2f} s, "
            f"so {wall - base:.2f} s to load, run and paint the page)"
        )
        for fragment, label in (("", "unfiltered"), ("#q=the%20government&min=0.8", "filtered")):
            start, render = min(in_page_ms(page, fragment, profile) for _ in range(3))
            print(
                f"in page, {label}: {start} ms from navigation start to the script "
                f"(reading and parsing the HTML), {render} ms in the script "
                f"(JSON.parse, filter, first page of beads)"
            )
    finally:
        if not args.keep:
            shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
