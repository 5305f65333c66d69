"""The dynamic programme over beads, inside a band of allowed cells.

Cell ``(i, j)`` means the first ``i`` source and ``j`` target sentences are aligned.
Row ``i`` may use columns ``lo[i]..hi[i]`` (inclusive); ``lo`` and ``hi`` never
decrease, ``lo[0] == 0`` and ``hi[n] == m``. Work and memory grow with the band's area,
so a band of constant width makes the cost linear in the text length. Rows are computed
with numpy over their whole column range; the chain of target skips inside a row is a
running maximum, since every skip costs the same.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

NEG = np.float32(-1e9)


@dataclass(frozen=True)
class Params:
    """What a bead is worth; every field appears in the aligner's signature."""

    threshold: float = 0.1  # similarity at which a bead scores zero
    skip_penalty: float = 0.0  # cost of leaving one sentence unaligned
    length_weight: float = 0.12  # weight of the squared log length-ratio deviation
    merge_penalty: float = 0.45  # cost of each sentence beyond a 1-1 bead
    cross_penalty: float = 0.4  # cost of a bead spanning a paragraph break on one side
    max_merge: int = 4  # largest side of a bead (1-4 / 4-1), 2-2 always allowed


def bead_types(max_merge: int) -> list[tuple[int, int]]:
    """The bead shapes searched: 1-0, 0-1 (handled apart), 1-1, 1-n, n-1, 2-2."""
    types = [(1, 0), (1, 1), (2, 2)]
    for k in range(2, max_merge + 1):
        types += [(1, k), (k, 1)]
    return types


@dataclass
class Band:
    lo: np.ndarray  # int64, length n+1
    hi: np.ndarray  # int64, length n+1, inclusive

    @classmethod
    def full(cls, n: int, m: int) -> Band:
        return cls(np.zeros(n + 1, dtype=np.int64), np.full(n + 1, m, dtype=np.int64))

    @property
    def cells(self) -> int:
        return int((self.hi - self.lo + 1).sum())


class BeadScorer:
    """Scores of all bead shapes ending in the cells of one row, from sentence vectors."""

    def __init__(self, E: np.ndarray, Z: np.ndarray, mass_e: np.ndarray, mass_z: np.ndarray,
                 len_e: np.ndarray, len_z: np.ndarray, para_e: np.ndarray,
                 para_z: np.ndarray, band: Band, params: Params) -> None:
        self.params = params
        self.band = band
        n, m = len(E), len(Z)
        K = params.max_merge
        self.K = K
        # Mass of every run of up to K sentences ending at a prefix: masses plus twice
        # the dot products within the run, as the squared norm of a sum would have.
        self.me = _run_masses(E, mass_e, K)  # me[a][i]: run E[i-a:i]
        self.mz = _run_masses(Z, mass_z, K)
        self.cle = np.concatenate([[0.0], np.cumsum(len_e)])
        self.clz = np.concatenate([[0.0], np.cumsum(len_z)])
        total_e, total_z = self.cle[-1], self.clz[-1]
        self.ratio = (total_z + 1.0) / (total_e + 1.0)
        # Paragraph breaks: brk[i] = 1 when sentence i starts a new paragraph (i > 0).
        self.brk_e = np.concatenate([[0], np.cumsum(np.diff(para_e) != 0)]) if n else np.zeros(0)
        self.brk_z = np.concatenate([[0], np.cumsum(np.diff(para_z) != 0)]) if m else np.zeros(0)
        # Dot products of each source sentence with the target sentences it can meet.
        lo, hi = band.lo, band.hi
        self.qlo = np.empty(n, dtype=np.int64)
        self.qhi = np.empty(n, dtype=np.int64)
        for p in range(n):
            self.qlo[p] = max(0, lo[p + 1] - K)
            self.qhi[p] = min(m, hi[min(p + K, n)])
        self.cum = _band_dots(E, Z, self.qlo, self.qhi)

    def row(self, i: int, j: np.ndarray) -> dict[tuple[int, int], np.ndarray]:
        """Scores of the beads (a, b) with a >= 1 ending at cells (i, j) for all j."""
        p_ = self.params
        out: dict[tuple[int, int], np.ndarray] = {}
        K = self.K
        # dots[a][b] = sum of E[i-a:i] . Z[j-b:j]
        dots: dict[tuple[int, int], np.ndarray] = {}
        for a in range(1, min(K, i) + 1):
            p = i - a
            cum = self.cum[p]
            base = j - self.qlo[p]
            upper = np.clip(base, 0, len(cum) - 1)
            for b in range(1, K + 1):
                lower = np.clip(base - b, 0, len(cum) - 1)
                d = cum[upper] - cum[lower]
                prev = dots.get((a - 1, b))
                dots[(a, b)] = d if prev is None else prev + d
        m = len(self.mz[1]) - 1
        for a, b in bead_types(K):
            if a > i or b > m:
                continue
            if b == 0:
                out[(a, b)] = np.full(len(j), -p_.skip_penalty, dtype=np.float32)
                continue
            valid = j >= b
            jj = np.where(valid, j, b)
            dot = dots[(a, b)]
            mz = self.mz[b][jj]
            me = self.me[a][i]
            sim = np.minimum(dot / np.sqrt(np.maximum(me * mz, 1e-12)), 1.0)
            le = self.cle[i] - self.cle[i - a]
            lz = self.clz[jj] - self.clz[jj - b]
            delta = np.log((lz + 2.0 * self.ratio) / (self.ratio * (le + 2.0)))
            cross = (self.brk_e[i - 1] - self.brk_e[i - a]) + \
                (self.brk_z[jj - 1] - self.brk_z[jj - b])
            score = (a + b) / 2.0 * (sim - p_.threshold - p_.length_weight * delta * delta) \
                - p_.merge_penalty * (a + b - 2) - p_.cross_penalty * cross
            out[(a, b)] = np.where(valid, score, NEG).astype(np.float32)
        return out


def _run_masses(X: np.ndarray, mass: np.ndarray, K: int) -> list[np.ndarray]:
    """out[a][i] = mass of X[i-a:i] + 2 * sum of dot products of its pairs."""
    n = len(X)
    cross = [np.einsum("ij,ij->i", X[: n - k], X[k:]) if n > k else np.zeros(0)
             for k in range(1, K)]
    out = [np.zeros(n + 1)]
    for a in range(1, K + 1):
        v = np.zeros(n + 1)
        if n >= a:
            for s in range(a):  # the run X[i-a:i] holds sentence i-a+s and its followers
                v[a:] += mass[s: n - a + s + 1]
                for k in range(1, a - s):
                    v[a:] += 2.0 * cross[k - 1][s: n - a + s + 1]
        out.append(v)
    return out


def _band_dots(E: np.ndarray, Z: np.ndarray, qlo: np.ndarray, qhi: np.ndarray,
               block: int = 128) -> list[np.ndarray]:
    """Per source sentence p, cumulative sums of E[p] . Z[q] for q in qlo[p]..qhi[p]-1."""
    n = len(E)
    out: list[np.ndarray] = []
    for s in range(0, n, block):
        e = min(n, s + block)
        c0, c1 = int(qlo[s:e].min()), int(qhi[s:e].max())
        dots = E[s:e] @ Z[c0:c1].T if c1 > c0 else np.zeros((e - s, 0), dtype=np.float32)
        for p in range(s, e):
            row = dots[p - s, qlo[p] - c0: qhi[p] - c0]
            out.append(np.concatenate([[0.0], np.cumsum(row, dtype=np.float64)]))
    return out


def best_path(scorer: BeadScorer, n: int, m: int) -> list[tuple[int, int, float]]:
    """The highest-scoring sequence of beads as ``(a, b, score)`` in order."""
    band = scorer.band
    lo, hi = band.lo, band.hi
    types = bead_types(scorer.K)
    D: list[np.ndarray] = []
    B: list[np.ndarray] = []
    skip = len(types)  # back-pointer code of the 0-1 bead
    for i in range(n + 1):
        j = np.arange(lo[i], hi[i] + 1)
        best = np.full(len(j), NEG, dtype=np.float32)
        back = np.full(len(j), -1, dtype=np.int8)
        if i == 0:
            best[j == 0] = 0.0
        else:
            scores = scorer.row(i, j)
            for t, (a, b) in enumerate(types):
                if (a, b) not in scores:
                    continue
                prev = D[i - a]
                k = j - b - lo[i - a]
                ok = (k >= 0) & (k < len(prev))
                cand = np.where(ok, prev[np.clip(k, 0, max(len(prev) - 1, 0))], NEG) + scores[(a, b)]
                better = cand > best
                best = np.where(better, cand, best)
                back = np.where(better, t, back)
        # Target skips inside the row: run[j] = max_k best[k] - skip * (j - k).
        ramp = scorer.params.skip_penalty * np.arange(len(j), dtype=np.float32)
        run = np.maximum.accumulate(best + ramp) - ramp
        back = np.where(run > best, skip, back).astype(np.int8)
        D.append(run)
        B.append(back)
    # Trace back from (n, m).
    path: list[tuple[int, int, float]] = []
    i, jv = n, m
    while i > 0 or jv > 0:
        code = int(B[i][jv - lo[i]])
        a, b = (0, 1) if code == skip else types[code]
        here = float(D[i][jv - lo[i]])
        pi, pj = i - a, jv - b
        there = float(D[pi][pj - lo[pi]])
        path.append((a, b, here - there))
        i, jv = pi, pj
    path.reverse()
    return path
