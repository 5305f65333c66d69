"""Time `bitext align` on N synthetic articles (default 300 and 1,200) with --jobs 1 and 2.

Shows how time and memory scale with the size of the input directory: the runner keeps
one batch of rows in memory, so peak memory should stay flat as N grows, and what a
second job buys. The articles are built from the NTREX news sentences
(``../shared/bench/ntrex``: ``newstest2019-src.eng.txt`` and ``-ref.zho-CN.txt``,
line-aligned), 6 to 24 sentence pairs each in 2 to 8 paragraphs, in rotating layouts:
blocked Markdown, interleaved text (English or Chinese first), two files
(``x.en.md`` + ``x.zh.md``) and interleaved HTML, with a few boilerplate lines (share
buttons, "back to top", a copyright line). Without ``../shared`` the sentence pairs of
``data/samples/sentences.txt`` are used instead.

Each run writes a fresh store from a child process (see ``_measure.py``: seconds include
the interpreter start-up; tree peak MiB sums VmRSS over the process group, max proc MiB
is the highest VmHWM of any one process). A warm-up alignment first builds the
dictionary cache and compiles the aligner's kernels.

    .venv/bin/python benchmarks/scale_bench.py [--sizes 300,1200] [--jobs 1,2]
"""

from __future__ import annotations

import argparse
import multiprocessing
import random
import tempfile
import time
from html import escape
from pathlib import Path

import polars as pl
from _measure import DATA, ROOT, Measured, machine, run_cli, warm_caches

NTREX = DATA / "ntrex"
NTREX_EN = NTREX / "newstest2019-src.eng.txt"
NTREX_ZH = NTREX / "newstest2019-ref.zho-CN.txt"
SAMPLE = ROOT / "data" / "samples" / "sentences.txt"
LAYOUTS = ("blocked", "interleaved_en", "two_files", "interleaved_zh", "html")
PER_FOLDER = 100  # articles per sub-folder

BOILER_EN = ["Back to top", "Share this article", "Copyright 2019 News Agency. All rights "
             "reserved.", "Related: More from this section"]
BOILER_ZH = ["返回顶部", "分享到微信", "版权所有 © 2019 新闻社", "相关阅读"]


def sentence_pairs() -> tuple[list[tuple[str, str]], str]:
    """The (English, Chinese) sentence pairs to build articles from, and their source."""
    if NTREX_EN.is_file() and NTREX_ZH.is_file():
        en = NTREX_EN.read_text(encoding="utf-8").splitlines()
        zh = NTREX_ZH.read_text(encoding="utf-8").splitlines()
        assert len(en) == len(zh), (len(en), len(zh))
        pairs = [(e.strip(), z.strip()) for e, z in zip(en, zh) if e.strip() and z.strip()]
        return pairs, str(NTREX.relative_to(ROOT.parent))
    lines = [x.strip() for x in SAMPLE.read_text(encoding="utf-8").splitlines() if x.strip()]
    return list(zip(lines[0::2], lines[1::2])), str(SAMPLE.relative_to(ROOT))


def paragraphs(pairs: list[tuple[str, str]], rng: random.Random) -> list[tuple[str, str]]:
    """Group consecutive sentence pairs into 1-4 sentence paragraphs (en, zh)."""
    out, i = [], 0
    while i < len(pairs):
        k = rng.randint(1, 4)
        chunk = pairs[i:i + k]
        out.append((" ".join(e for e, _ in chunk), "".join(z for _, z in chunk)))
        i += k
    return out


def write_article(folder: Path, name: str, layout: str, title: tuple[str, str],
                  paras: list[tuple[str, str]], rng: random.Random) -> list[Path]:
    """Write one article in ``layout``; the files written."""
    boiler = rng.sample(range(len(BOILER_EN)), 2)
    tail_en = "\n\n".join(BOILER_EN[b] for b in boiler)
    tail_zh = "\n\n".join(BOILER_ZH[b] for b in boiler)
    if layout == "blocked":
        text = (f"---\ntitle: {name}\n---\n\n# {title[0]}\n\n"
                + "\n\n".join(e for e, _ in paras) + f"\n\n{tail_en}\n\n# {title[1]}\n\n"
                + "\n\n".join(z for _, z in paras) + f"\n\n{tail_zh}\n")
        files = {f"{name}.md": text}
    elif layout in ("interleaved_en", "interleaved_zh"):
        order = (0, 1) if layout == "interleaved_en" else (1, 0)
        text = "\n\n".join(f"{p[order[0]]}\n\n{p[order[1]]}" for p in [title, *paras])
        files = {f"{name}.txt": f"{text}\n\n{tail_zh}\n{tail_en}\n"}
    elif layout == "two_files":
        files = {
            f"{name}.en.md": f"# {title[0]}\n\n" + "\n\n".join(e for e, _ in paras)
            + f"\n\n{tail_en}\n",
            f"{name}.zh.md": f"# {title[1]}\n\n" + "\n\n".join(z for _, z in paras)
            + f"\n\n{tail_zh}\n",
        }
    else:  # html
        body = "\n".join(f"<p>{escape(e)}</p>\n<p>{escape(z)}</p>" for e, z in paras)
        files = {f"{name}.html": (
            f"<!DOCTYPE html>\n<html><head><title>{escape(title[0])}</title>"
            "<script>var x = 1;</script></head><body>\n"
            f"<nav><a href='/'>Home</a> <a href='/zh'>首页</a></nav>\n"
            f"<h1>{escape(title[0])}</h1>\n<h1>{escape(title[1])}</h1>\n{body}\n"
            f"<footer>{escape(BOILER_EN[2])} {escape(BOILER_ZH[2])}</footer>\n</body></html>\n")}
    written = []
    for file, text in files.items():
        path = folder / file
        path.write_text(text, encoding="utf-8")
        written.append(path)
    return written


def generate(root: Path, n: int, pairs: list[tuple[str, str]], seed: int = 0,
             sentences: tuple[int, int] = (6, 24)) -> int:
    """Write ``n`` articles of ``sentences`` (lowest, highest) sentence pairs under
    ``root``; the number of characters written."""
    rng = random.Random(seed)
    chars = 0
    for k in range(n):
        folder = root / f"part{k // PER_FOLDER:03d}"
        folder.mkdir(parents=True, exist_ok=True)
        size = rng.randint(*sentences)
        start = rng.randrange(len(pairs))
        chosen = [pairs[(start + i) % len(pairs)] for i in range(size + 1)]
        layout = LAYOUTS[k % len(LAYOUTS)]
        files = write_article(folder, f"article{k:05d}", layout, chosen[0],
                              paragraphs(chosen[1:], rng), rng)
        chars += sum(len(f.read_text(encoding="utf-8")) for f in files)
    return chars


def _spin(_: int) -> float:
    start = time.perf_counter()
    x = 0
    for i in range(30_000_000):
        x += i
    return time.perf_counter() - start


def parallel_ceiling(repeats: int = 3) -> float:
    """How much faster two processes do two equal CPU-bound loops than one process does
    one (median of ``repeats``): the best any ``--jobs 2`` can do on this machine, 2.0
    on two free cores, less where the cores share a physical core or a busy host."""
    ratios = []
    with multiprocessing.get_context("spawn").Pool(2) as pool:
        for _ in range(repeats):
            one = _spin(0)
            start = time.perf_counter()
            pool.map(_spin, [0, 1])
            ratios.append(2 * one / (time.perf_counter() - start))
    return sorted(ratios)[len(ratios) // 2]


def megabytes(root: Path) -> float:
    return sum(f.stat().st_size for f in root.rglob("*") if f.is_file()) / 1e6


def align(root: Path, out: Path, jobs: int) -> tuple[Measured, int, int, int]:
    """Run ``bitext align``: the run, its pairs, its articles and errors."""
    run = run_cli(["align", str(root), "-o", str(out), "--jobs", str(jobs)])
    if run.returncode != 0:
        raise SystemExit(f"failed: bitext align --jobs {jobs}\n{run.stderr}")
    pairs = pl.scan_parquet(out / "pairs.parquet").select(pl.len()).collect().item()
    docs = pl.read_parquet(out / "documents.parquet", columns=["status"])
    return run, pairs, docs.height, int((docs["status"] == "error").sum())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="300,1200",
                        help="comma-separated numbers of articles (default: 300,1200)")
    parser.add_argument("--jobs", default="1,2",
                        help="comma-separated --jobs values to time (default: 1,2)")
    parser.add_argument("--sentences", default="6,24",
                        help="lowest,highest sentence pairs per article (default: 6,24; "
                        "200,300 makes 10,000 articles about 500 MB)")
    parser.add_argument("--tmp", type=Path, default=None,
                        help="directory for the articles and stores (default: the system's "
                        "temporary directory)")
    opts = parser.parse_args()
    lo, hi = (int(x) for x in opts.sentences.split(","))
    sizes = [int(n) for n in opts.sizes.split(",")]
    jobs = [int(j) for j in opts.jobs.split(",")]
    pairs, source = sentence_pairs()
    warm = warm_caches()
    ceiling = parallel_ceiling()
    print(f"Articles built from {len(pairs):,} sentence pairs of {source}, layouts rotating "
          f"over {', '.join(LAYOUTS)}; {machine()}. Caches warmed first ({warm:.1f} s), "
          f"not in the timings. Two CPU-bound processes run {ceiling:.2f}x one here "
          "(the ceiling for --jobs 2).")
    print(f"{'N':>7}{'files':>8}{'MB':>8}{'chars':>13}{'jobs':>5}{'seconds':>9}"
          f"{'articles/s':>11}{'chars/s':>10}{'pairs':>11}{'errors':>7}{'tree peak MiB':>15}"
          f"{'max proc MiB':>14}", flush=True)
    with tempfile.TemporaryDirectory(prefix="bitext-scale-bench-", dir=opts.tmp) as tmp:
        for n in sizes:
            root = Path(tmp) / f"articles{n}"
            chars = generate(root, n, pairs, sentences=(lo, hi))
            files = sum(1 for f in root.rglob("*") if f.is_file())
            size = megabytes(root)
            for j in jobs:
                out = Path(tmp) / f"out{n}-{j}"
                run, n_pairs, n_docs, errors = align(root, out, j)
                assert n_docs == n, (n_docs, n)
                print(f"{n:>7,}{files:>8,}{size:>8.1f}{chars:>13,}{j:>5}{run.seconds:>9.1f}"
                      f"{n / run.seconds:>11.1f}{chars / run.seconds:>10,.0f}{n_pairs:>11,}"
                      f"{errors:>7}{run.group_rss_mib:>15.0f}{run.max_hwm_mib:>14.0f}",
                      flush=True)
    print(f"(load average after the runs: {machine()})")


if __name__ == "__main__":
    main()
