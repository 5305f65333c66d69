"""Time `bitext align` end to end on the articles-dev set with --jobs 1 and 2; score it.

Each run writes a fresh store in a temporary folder (nothing is reused) from a child
process. Peak memory: the highest sum of VmRSS over the child and its worker processes
(polled every 50 ms; shared pages count once per process) and the highest VmHWM of any one
of them (see ``_measure.py``). A warm-up alignment first builds the dictionary cache and
compiles the aligner's kernels, so the timings leave out those one-time costs. The pairs
of the --jobs 1 store are then scored with the bench's ``tools/evalpairs.py --by-layout``,
and per source (news, medicine, Bible: the article names' prefixes), each scored by
evalpairs' ``evaluate`` on the gold and the pairs of that source's articles alone.
``articles_rows`` gives ``run.py``'s rows: one ``--jobs 1`` run, overall and per source.

    .venv/bin/python benchmarks/align_bench.py
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

import polars as pl
from _measure import DATA, ROOT, Measured, machine, require_data, run_cli, warm_caches
from _table import TIMEOUT, Row

from corpus.articles import find_articles

ARTICLES = DATA / "articles-dev" / "articles"
GOLD = DATA / "articles-dev" / "gold.jsonl"
EVALPAIRS = DATA / "tools" / "evalpairs.py"
# The source of an article of articles-dev, from the prefix of its name (gold.jsonl's
# "name", the store's doc_id file name): news_000, nejm_doc1, bible00.
SOURCES = {"news": "news_", "medicine": "nejm_", "Bible": "bible"}


def input_characters(root: Path) -> int:
    """Characters of every file under ``root``, decoded as UTF-8."""
    return sum(
        len(f.read_text(encoding="utf-8", errors="replace")) for f in root.rglob("*") if f.is_file()
    )


def align(out: Path, jobs: int) -> tuple[Measured, int, int]:
    """Run ``bitext align`` into the new store ``out``: the run, its number of pairs and
    of articles with errors (0 and 0 after a timeout)."""
    run = run_cli(["align", str(ARTICLES), "-o", str(out), "--jobs", str(jobs)],
                  timeout=TIMEOUT)
    if run.timed_out:
        return run, 0, 0
    if run.returncode != 0:
        raise SystemExit(f"failed: bitext align --jobs {jobs}\n{run.stderr}")
    pairs = pl.scan_parquet(out / "pairs.parquet").select(pl.len()).collect().item()
    errors = (
        pl.scan_parquet(out / "documents.parquet")
        .select((pl.col("status") == "error").sum())
        .collect()
        .item()
    )
    return run, pairs, errors


def evalpairs_evaluate():
    """The bench's ``evalpairs.evaluate(gold_jsonl, pred)`` (what ``evalpairs.py`` prints
    is computed by it), loaded from ``tools/evalpairs.py``."""
    spec = importlib.util.spec_from_file_location("evalpairs", EVALPAIRS)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.evaluate


def scores_by_source(pred: Path, tmp: Path) -> list[tuple[str, int, dict]]:
    """(source, articles, evalpairs result) of the pairs file ``pred`` (a store's
    pairs.parquet): first ``all`` (the whole gold), then each of ``SOURCES``, scored on
    the gold of that source's articles and the pairs of those articles alone."""
    evaluate = evalpairs_evaluate()
    gold_lines = [line for line in GOLD.read_text(encoding="utf-8").splitlines() if line]
    pairs = pl.read_parquet(pred, columns=["doc_id", "en", "zh"])
    names = pairs["doc_id"].map_elements(lambda d: Path(d).name, return_dtype=pl.String)
    out = [("all", len(gold_lines), evaluate(GOLD, pred))]
    for source, prefix in SOURCES.items():
        gold = tmp / f"gold-{source}.jsonl"
        mine = [line for line in gold_lines if json.loads(line)["name"].startswith(prefix)]
        gold.write_text("".join(f"{line}\n" for line in mine), encoding="utf-8")
        part = tmp / f"pairs-{source}.parquet"
        pairs.filter(names.str.starts_with(prefix)).select("en", "zh").write_parquet(part)
        out.append((source, len(mine), evaluate(gold, part)))
    return out


def articles_rows(tmp: Path) -> list[Row]:
    """``run.py``'s articles-dev rows: ``bitext align --jobs 1`` into a fresh store (its
    seconds, the peak VmHWM of its processes), scored overall and per source."""
    run, _, _ = align(tmp / "articles-store", 1)
    if run.timed_out:
        return [Row("articles-dev", f"{len(list(find_articles(ARTICLES)))} articles", None,
                    run.seconds, run.max_hwm_mib)]
    rows = []
    for source, n, res in scores_by_source(tmp / "articles-store" / "pairs.parquet", tmp):
        score = (res["P"], res["R"], res["F1"])
        if source == "all":
            rows.append(Row("articles-dev", f"{n} articles", score, run.seconds,
                            run.max_hwm_mib))
        else:
            rows.append(Row(f"  {source}", f"{n} articles", score, None, None))
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--jobs", default="1,2", help="comma-separated --jobs values to time (default: 1,2)"
    )
    opts = parser.parse_args()
    jobs = [int(j) for j in opts.jobs.split(",")]
    require_data(ARTICLES, GOLD, EVALPAIRS)
    articles = len(list(find_articles(ARTICLES)))
    characters = input_characters(ARTICLES)
    warm = warm_caches()
    print(
        f"{os.path.relpath(ARTICLES, ROOT)}: {articles} articles, {characters:,} characters; "
        f"{machine()}. Caches (dictionary, compiled kernels) warmed first ({warm:.1f} s), "
        "not in the timings."
    )
    print(
        f"{'jobs':>4}{'seconds':>9}{'chars':>10}{'chars/s':>9}{'articles/s':>11}{'pairs':>7}"
        f"{'errors':>7}{'tree peak MiB':>15}{'max proc MiB':>14}"
    )
    with tempfile.TemporaryDirectory(prefix="bitext-align-bench-") as tmp:
        for n in jobs:
            run, pairs, errors = align(Path(tmp) / f"jobs{n}", n)
            print(
                f"{n:>4}{run.seconds:>9.1f}{characters:>10,}{characters / run.seconds:>9,.0f}"
                f"{articles / run.seconds:>11.1f}{pairs:>7,}{errors:>7}"
                f"{run.group_rss_mib:>15.0f}{run.max_hwm_mib:>14.0f}",
                flush=True,
            )
        pred = Path(tmp) / f"jobs{jobs[0]}" / "pairs.parquet"
        print(f"\nevalpairs.py --by-layout on the --jobs {jobs[0]} store:", flush=True)
        scored = subprocess.run(
            [sys.executable, str(EVALPAIRS), str(GOLD), str(pred), "--by-layout"],
            cwd=ROOT,
            capture_output=True,
            text=True,
            check=False,
        )
        if scored.returncode != 0:
            raise SystemExit(f"failed: evalpairs.py\n{scored.stderr}")
        print(scored.stdout, end="")
        print("\nper source (the gold and the pairs of its articles alone):")
        for source, n, res in scores_by_source(pred, Path(tmp)):
            print(f"{source:<10}{n:>4} articles  gold={res['gold']:5d} pred={res['pred']:5d} "
                  f"strict={res['strict']:5d} P={res['P']:.4f} R={res['R']:.4f} "
                  f"F1={res['F1']:.4f}")


if __name__ == "__main__":
    main()
