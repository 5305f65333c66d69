"""The one table of `run.py` (and of `aligner_bench.py` / `align_bench.py` on their own):
``set  sentences  F1 (P, R)  seconds  peak MiB``, a row per set."""

from __future__ import annotations

from dataclasses import dataclass

TIMEOUT = 15 * 60  # seconds per child process


@dataclass(frozen=True)
class Row:
    """A line of the table. ``score`` is (P, R, F1), None after a timeout; ``seconds``
    and ``peak_mib`` are None on a row that is part of the run of the row above it (the
    articles-dev sources)."""

    name: str
    size: str  # "5,000 × 6,301" (source × target sentences) or "149 articles"
    score: tuple[float, float, float] | None
    seconds: float | None
    peak_mib: float | None


def prf(correct: int, n_pred: int, n_gold: int) -> tuple[float, float, float]:
    """Strict (P, R, F1) from the counts of correct, predicted and gold beads."""
    p = correct / n_pred if n_pred else 0.0
    r = correct / n_gold if n_gold else 0.0
    return p, r, 2 * p * r / (p + r) if p + r else 0.0


def header() -> str:
    return f"{'set':<18}{'sentences':>17}  {'F1 (P, R)':<22}{'seconds':>9}{'peak MiB':>10}"


def format_row(row: Row) -> str:
    """The row as a line under ``header()``."""
    if row.score is None:
        score, seconds = "timeout", f">{TIMEOUT}"
    else:
        p, r, f = row.score
        score = f"{f:.4f} ({p:.3f}, {r:.3f})"
        seconds = "" if row.seconds is None else f"{row.seconds:.1f}"
    peak = "" if row.peak_mib is None else f"{row.peak_mib:.0f}"
    return f"{row.name:<18}{row.size:>17}  {score:<22}{seconds:>9}{peak:>10}"
