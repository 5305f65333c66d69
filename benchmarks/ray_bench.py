"""Throughput of `bitext align --engine ray` (2 CPUs) against --engine local, --jobs 1 and 2.

Aligns N synthetic articles (``scale_bench.generate``: NTREX sentence pairs from
``../shared/bench/ntrex``, or ``data/samples/sentences.txt`` without it; rotating
layouts, 100 articles a folder) into a fresh store with each configuration:

- ``local j1`` / ``local j2``: ``bitext align DIR -o OUT --jobs 1`` / ``--jobs 2``;
- ``ray new``: ``--engine ray`` with no cluster running, so the command starts (and
  stops) a local Ray instance of its own, with all the machine's CPUs;
- ``ray cluster``: ``--engine ray --address ADDR`` against a Ray instance of 2 CPUs that
  was started beforehand (by this script, in a helper process), as on a real cluster.

Each configuration also aligns a single article; its time is the fixed cost (interpreter,
imports, Ray start or connection, worker start-up with the dictionary load) and
``(T(N) - T(1)) / (N - 1)`` the marginal cost of an article. Ray's overhead is its fixed
cost beyond the local one, and its marginal cost beyond ``local j2``'s (same 2 CPUs). The
stores of all configurations are checked to hold the same rows. Seconds are wall-clock of
the command in a child process (``_measure.run_cli``); "driver MiB" is the peak resident
memory of that process (for Ray, the driver: the workers and the Ray daemons are not in it).

    .venv/bin/python benchmarks/ray_bench.py [--articles 2000] [--configs local1,local2,ray,cluster]
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
from pathlib import Path

import polars as pl
from _measure import ROOT, Measured, machine, run_cli, warm_caches
from scale_bench import generate, sentence_pairs

CONFIGS = {
    "local1": ("local j1", ["--jobs", "1"]),
    "local2": ("local j2", ["--jobs", "2"]),
    "ray": ("ray new", ["--engine", "ray"]),
    "cluster": ("ray cluster", ["--engine", "ray", "--address", "{address}"]),
}

# Keeps a Ray instance of 2 CPUs up until its standard input closes; prints its address.
HEAD = """
import sys, ray
ray.init(address="local", num_cpus=2, include_dashboard=False, logging_level="ERROR")
print(ray.get_runtime_context().gcs_address, flush=True)
sys.stdin.read()
ray.shutdown()
"""


def start_cluster() -> tuple[subprocess.Popen[str], str]:
    head = subprocess.Popen([sys.executable, "-c", HEAD], stdin=subprocess.PIPE,
                            stdout=subprocess.PIPE, text=True, cwd=ROOT)
    assert head.stdout is not None
    address = head.stdout.readline().strip()
    if not address:
        head.kill()
        raise SystemExit("could not start a Ray instance (is ray installed? "
                         "pip install 'bitext[ray]')")
    return head, address


def stop_cluster(head: subprocess.Popen[str]) -> None:
    assert head.stdin is not None
    head.stdin.close()
    try:
        head.wait(60)
    except subprocess.TimeoutExpired:
        head.kill()


def align(root: Path, out: Path, args: list[str]) -> Measured:
    run = run_cli(["align", str(root), "-o", str(out), "--no-progress", *args])
    if run.returncode != 0:
        raise SystemExit(f"failed: bitext align {' '.join(args)}\n{run.stderr}")
    return run


def same_rows(a: Path, b: Path) -> bool:
    return all(pl.read_parquet(a / f).equals(pl.read_parquet(b / f))
               for f in ("pairs.parquet", "documents.parquet"))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=2000,
                        help="number of synthetic articles (default: 2000)")
    parser.add_argument("--configs", default="local1,local2,ray,cluster",
                        help="comma-separated: local1, local2, ray, cluster (default: all)")
    opts = parser.parse_args()
    n = opts.articles
    configs = opts.configs.split(",")
    pairs, source = sentence_pairs()
    warm = warm_caches()
    # No cluster from the environment: "ray new" must start its own instance.
    os.environ.pop("RAY_ADDRESS", None)
    # Ray >= 2.5x starts local instances with token authentication; a driver that joins
    # one by address must be in token mode too (the token is in ~/.ray/auth_token).
    os.environ.setdefault("RAY_AUTH_MODE", "token")
    print(f"{n:,} articles built from {len(pairs):,} sentence pairs of {source}; {machine()}. "
          f"Caches warmed first ({warm:.1f} s), not in the timings.", flush=True)
    print(f"{'config':<12}{'T(1) s':>8}{'T(N) s':>9}{'articles/s':>11}{'ms/article':>11}"
          f"{'pairs':>8}{'driver MiB':>11}{'same rows':>10}", flush=True)
    head = None
    results: dict[str, tuple[float, float]] = {}
    with tempfile.TemporaryDirectory(prefix="bitext-ray-bench-") as tmp:
        root = Path(tmp) / "articles"
        one = Path(tmp) / "one"
        generate(root, n, pairs)
        generate(one, 1, pairs)
        reference: Path | None = None
        try:
            for name in configs:
                label, args = CONFIGS[name]
                if name == "cluster":
                    head, address = start_cluster()
                    args = [a.format(address=address) for a in args]
                t1 = align(one, Path(tmp) / f"one-{name}", args).seconds
                out = Path(tmp) / f"out-{name}"
                run = align(root, out, args)
                if name == "cluster" and head is not None:
                    stop_cluster(head)
                    head = None
                n_pairs = pl.scan_parquet(out / "pairs.parquet").select(pl.len()).collect().item()
                same = "ref" if reference is None else str(same_rows(reference, out))
                reference = reference or out
                marginal = (run.seconds - t1) / (n - 1) if n > 1 else float("nan")
                results[name] = (t1, marginal)
                print(f"{label:<12}{t1:>8.1f}{run.seconds:>9.1f}{n / run.seconds:>11.1f}"
                      f"{marginal * 1000:>11.1f}{n_pairs:>8,}{run.peak_mib:>11.0f}{same:>10}",
                      flush=True)
        finally:
            if head is not None:
                stop_cluster(head)
    base = results.get("local2") or results.get("local1")
    if base:
        for name in ("ray", "cluster"):
            if name in results:
                t1, marginal = results[name]
                print(f"{CONFIGS[name][0]}: fixed overhead {t1 - base[0]:+.1f} s, per-article "
                      f"overhead {(marginal - base[1]) * 1000:+.1f} ms against "
                      f"{'local j2' if 'local2' in results else 'local j1'}")
    print(f"(load average after the runs: {machine()})")


if __name__ == "__main__":
    main()
