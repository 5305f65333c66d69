"""Run the ``bitext`` command line in a child process; measure its time and peak memory.

Linux only (reads ``/proc``). The child reports its own peak resident memory (``VmHWM``
from ``/proc/self/status``) when it exits. ``ru_maxrss`` from ``wait4`` /
``RUSAGE_CHILDREN`` is not used: a child spawned by a (large) benchmark process inherits
the parent's high-water mark. The child's worker processes (``--jobs``) exit without
reporting, so while the command runs the parent also polls every process of the child's
process group (the child and everything it starts) every ``POLL`` seconds: the highest sum
of their ``VmRSS`` (an upper bound: pages shared between processes count once per
process) and the highest ``VmHWM`` of any one of them. Seconds include the interpreter
start-up.
"""

from __future__ import annotations

import math
import os
import signal
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from align import Settings

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT.parent / "shared" / "bench"
# Seconds between samples of the process group's memory: 50 ms at first, then longer as
# the run goes on (at most 0.5 s), since each sample reads all of /proc and took ~10 % of
# a CPU away from --jobs 2 workers on long runs. Each process's own peak (VmHWM) is exact
# whatever the interval; only the tree sum is sampled.
POLL = 0.05
POLL_MAX = 0.5

# Runs the CLI (or only imports it) and writes the peak RSS in KiB to $BENCH_HWM at exit.
CHILD = """
import atexit, os, sys
def report_peak():
    with open("/proc/self/status") as status, open(os.environ["BENCH_HWM"], "w") as out:
        out.write(next(line for line in status if line.startswith("VmHWM")).split()[1])
atexit.register(report_peak)
import polars, corpus.cli
if len(sys.argv) > 1:
    corpus.cli.main()
"""


@dataclass(frozen=True)
class Measured:
    """What one child run took. Memory in MiB; ``returncode`` is None after a timeout."""

    seconds: float
    returncode: int | None
    stdout: str
    stderr: str
    peak_mib: float  # VmHWM of the child itself
    group_rss_mib: float  # highest polled sum of VmRSS over the child's process group
    max_hwm_mib: float  # highest VmHWM of any one process of the group

    @property
    def timed_out(self) -> bool:
        """Whether the child was killed for running past its time limit."""
        return self.returncode is None


def machine() -> str:
    """CPUs and the 1-minute load average, to judge timings on a shared machine."""
    return f"{os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.1f}"


def require_data(*paths: Path) -> None:
    """Exit with a clear message when the benchmark data (``../shared/bench``) is absent."""
    missing = [str(p) for p in paths if not p.exists()]
    if missing:
        raise SystemExit(
            "benchmark data not found: " + ", ".join(missing) + f"\n(expected under {DATA}, "
            "the shared bench data checked out next to the project)"
        )


def _group_memory(pgid: int) -> dict[int, tuple[int, int]]:
    """pid -> (VmRSS, VmHWM) in KiB of every live process in process group ``pgid``."""
    memory: dict[int, tuple[int, int]] = {}
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            stat = Path(entry.path, "stat").read_text()
            if int(stat.rsplit(")", 1)[1].split()[2]) != pgid:
                continue
            fields = dict(
                line.split(":", 1) for line in Path(entry.path, "status").read_text().splitlines()
            )
        except (OSError, ValueError):
            continue  # the process exited while we looked
        if "VmRSS" in fields:  # absent for a zombie
            memory[int(entry.name)] = (
                int(fields["VmRSS"].split()[0]),
                int(fields["VmHWM"].split()[0]),
            )
    return memory


def run_cli(args: list[str] | None, timeout: float | None = None) -> Measured:
    """Run ``bitext ARGS`` (``None``: only import the CLI) in a child process, in the
    project root, killing its process group after ``timeout`` seconds."""
    with tempfile.TemporaryDirectory(prefix="bitext-measure-") as tmp:
        peak, out, err = Path(tmp, "peak"), Path(tmp, "stdout"), Path(tmp, "stderr")
        group_rss = 0
        hwm: dict[int, int] = {}
        with open(out, "w") as stdout, open(err, "w") as stderr:
            started = time.perf_counter()
            child = subprocess.Popen(
                [sys.executable, "-c", CHILD, *(args or [])],
                cwd=ROOT,
                env={**os.environ, "BENCH_HWM": str(peak)},
                stdout=stdout,
                stderr=stderr,
                start_new_session=True,  # its own process group, workers included
            )
            returncode: int | None = None
            while returncode is None:
                memory = _group_memory(child.pid)
                group_rss = max(group_rss, sum(rss for rss, _ in memory.values()))
                hwm.update((pid, h) for pid, (_, h) in memory.items())
                try:
                    returncode = child.wait(
                        min(POLL_MAX, POLL + (time.perf_counter() - started) / 100))
                except subprocess.TimeoutExpired:
                    if timeout is not None and time.perf_counter() - started > timeout:
                        os.killpg(child.pid, signal.SIGKILL)
                        child.wait()
                        break
            seconds = time.perf_counter() - started
        own = int(peak.read_text()) if peak.is_file() else hwm.get(child.pid, 0)
        max_hwm = max([own, *hwm.values()])
        return Measured(
            seconds=seconds,
            returncode=returncode,
            stdout=out.read_text(),
            stderr=err.read_text(),
            peak_mib=own / 1024,
            group_rss_mib=group_rss / 1024,
            max_hwm_mib=max_hwm / 1024,
        )


def warm_caches() -> float:
    """Align one synthetic pair of files so that the one-time builds are not timed later:
    the dictionary cache (about 5 s, under ~/.cache/bitext) and numba's compiled aligner
    kernels (about 10 s after each change to align/dp.py). The files are just long enough
    for the banded search, so that every kernel runs. The seconds it took."""
    n = math.isqrt(Settings().full_cells) + 1
    en_words = "river sea mountain city king people water light house road".split()
    zh_words = "河 海 山 城 王 民 水 光 房 路".split()
    with tempfile.TemporaryDirectory(prefix="bitext-warm-") as tmp:
        en, zh = Path(tmp, "a.en"), Path(tmp, "a.zh")
        en.write_text(
            "".join(
                f"The {en_words[i % 10]} of the {en_words[i // 10 % 10]} was {i}.\n"
                for i in range(n)
            ),
            encoding="utf-8",
        )
        zh.write_text(
            "".join(f"{zh_words[i // 10 % 10]}的{zh_words[i % 10]}是{i}。\n" for i in range(n)),
            encoding="utf-8",
        )
        run = run_cli(["align-sentences", str(en), str(zh), "-o", str(Path(tmp, "a.align"))])
    if run.returncode != 0:
        raise SystemExit(f"failed: bitext align-sentences (warm-up)\n{run.stderr}")
    return run.seconds
