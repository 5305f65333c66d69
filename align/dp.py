"""The dynamic programme over beads, inside a band of allowed cells.

Cell ``(i, j)`` means the first ``i`` source and ``j`` target sentences are aligned.
Row ``i`` may use columns ``lo[i]..hi[i]`` (inclusive); ``lo`` and ``hi`` never
decrease, ``lo[0] == 0`` and ``hi[n] == m``. Work and memory grow with the band's area,
so a band of constant width makes the cost linear in the text length.

A bead's similarity is the dot product of its summed sentence vectors over the geometric
mean of their masses (see ``align.similarity``); only the dot products of single
sentences inside the band are computed (sparse, in numba), and every bead sums them.
The search itself is a small numba kernel.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from align.similarity import SparseRows


@dataclass(frozen=True)
class Params:
    """What a bead is worth; every field appears in the aligner's signature."""

    threshold: float = 0.1  # similarity at which a bead scores zero
    skip_penalty: float = 0.15  # cost of leaving unaligned a sentence that shares its
    # paragraph with others or is longer than a label (a short paragraph of one
    # sentence, often a label, skips free)
    length_weight: float = 0.12  # weight of the squared log length-ratio deviation
    merge_penalty: float = 0.45  # cost of each sentence beyond a 1-1 bead
    cross_penalty: float = 0.4  # cost of a bead spanning a paragraph break on one side
    max_merge: int = 4  # largest side of a bead (1-4 / 4-1), 2-2 always allowed
    size_power: float = 1.0  # a bead's score grows as ((a + b) / 2) ** size_power


# A paragraph of one sentence this short (English, Chinese characters, spaces aside) is
# likely a label, a caption or page furniture: leaving it out costs nothing.
LABEL_CHARS = (60, 24)
RATIO_RANGE = (0.2, 0.8)  # Chinese/English character ratios of real translations


def bead_types(max_merge: int) -> list[tuple[int, int]]:
    """The bead shapes searched, in order of preference on ties."""
    types = [(1, 0), (1, 1), (2, 2)]
    for k in range(2, max_merge + 1):
        types += [(1, k), (k, 1)]
    if max_merge >= 3:
        types += [(2, 3), (3, 2)]
    return types + [(0, 1)]


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


def kernels():
    """The compiled kernels, imported on first use: numba costs ~150 MB and seconds to
    load, which commands that never align should not pay."""
    from align import kernels as k

    return k


def best_path(E: SparseRows, Z: SparseRows, mass_e: np.ndarray, mass_z: np.ndarray,
              len_e: np.ndarray, len_z: np.ndarray, para_e: np.ndarray, para_z: np.ndarray,
              band: Band, params: Params, ratio: float | None = None) -> list[tuple[int, int]]:
    """The highest-scoring sequence of beads, as ``(a, b)`` shapes in order.

    :param ratio: Chinese characters per English character of a translation (default:
        the two texts' own ratio, which a partly translated text understates)."""
    n, m = len(E), len(Z)
    K = params.max_merge
    lo, hi = band.lo.astype(np.int64), band.hi.astype(np.int64)
    qlo = np.maximum(0, lo[1:] - K) if n else np.zeros(0, dtype=np.int64)
    qhi = np.minimum(m, hi[np.minimum(np.arange(n) + K, n)]) if n else np.zeros(0, np.int64)
    cum, cum_off = kernels().band_dots(E.indptr, E.indices, E.values, Z.indptr, Z.indices,
                                       Z.values, qlo.astype(np.int64), qhi.astype(np.int64),
                                       E.dim)
    me, mz = run_masses(E, mass_e, K), run_masses(Z, mass_z, K)
    cle = np.concatenate([[0.0], np.cumsum(len_e, dtype=np.float64)])
    clz = np.concatenate([[0.0], np.cumsum(len_z, dtype=np.float64)])
    # Chinese characters per English character, from the text, within the range seen in
    # translations (a page with one stray English line must not set it).
    if ratio is None:
        ratio = (clz[-1] + 1.0) / (cle[-1] + 1.0)
    ratio = min(max(ratio, RATIO_RANGE[0]), RATIO_RANGE[1])
    brk_e = _breaks(para_e)
    brk_z = _breaks(para_z)
    types = bead_types(K)
    ta = np.array([a for a, _ in types], dtype=np.int64)
    tb = np.array([b for _, b in types], dtype=np.int64)
    off = np.concatenate([[0], np.cumsum(hi - lo + 1)]).astype(np.int64)
    skip_e = params.skip_penalty * _not_a_label(para_e, len_e, LABEL_CHARS[0])
    skip_z = params.skip_penalty * _not_a_label(para_z, len_z, LABEL_CHARS[1])
    size = (ta + tb) / 2.0
    tw = size ** params.size_power
    tc = params.merge_penalty * (ta + tb - 2).astype(np.float64)
    back = kernels().search(n, lo, hi, off, ta, tb, tw, tc, qlo, qhi, cum, cum_off, me, mz,
                            cle, clz, brk_e, brk_z, skip_e, skip_z, ratio, params.threshold,
                            params.length_weight, params.cross_penalty)
    path: list[tuple[int, int]] = []
    i, j = n, m
    while i > 0 or j > 0:
        t = int(back[off[i] + j - lo[i]])
        if t < 0:
            raise RuntimeError("no path through the band")  # the band always has one
        path.append(types[t])
        i, j = i - types[t][0], j - types[t][1]
    path.reverse()
    return path


def _not_a_label(para: np.ndarray, length: np.ndarray, label_chars: int) -> np.ndarray:
    """1.0 for a sentence whose paragraph holds other sentences too, or that is longer
    than a label (``label_chars`` characters, spaces aside), else 0.0."""
    para = np.asarray(para)
    if len(para) == 0:
        return np.zeros(0)
    _, inverse, counts = np.unique(para, return_inverse=True, return_counts=True)
    return ((counts[inverse] > 1) | (np.asarray(length) > label_chars)).astype(np.float64)


def _breaks(para: np.ndarray) -> np.ndarray:
    """brk[k] = number of paragraph breaks among sentences 0..k."""
    if len(para) == 0:
        return np.zeros(1, dtype=np.float64)
    return np.concatenate([[0], np.cumsum(np.diff(np.asarray(para)) != 0)]).astype(np.float64)


def run_masses(X: SparseRows, mass: np.ndarray, K: int) -> np.ndarray:
    """out[a, i] = mass of rows i-a..i-1 plus twice the dot products of their pairs, as
    the squared norm of a sum would have."""
    n = len(X)
    cross = kernels().neighbour_dots(X.indptr, X.indices, X.values, K, X.dim)  # [k-1, p]
    out = np.zeros((K + 1, n + 1))
    for a in range(1, K + 1):
        if n < a:
            continue
        for s in range(a):  # the run holds row i-a+s and its followers
            out[a, a:] += mass[s: n - a + s + 1]
            for k in range(1, a - s):
                out[a, a:] += 2.0 * cross[k - 1, s: n - a + s + 1]
    return out


def block_masses(X: SparseRows, mass: np.ndarray, size: int) -> np.ndarray:
    """Masses of consecutive blocks of ``size`` rows summed: the rows' masses plus the
    dot products between different rows of a block."""
    return kernels().block_masses(X.indptr, X.indices, X.values, mass.astype(np.float64),
                                  size, X.dim)


def span_dots(X: SparseRows, Y: SparseRows, spans: np.ndarray) -> np.ndarray:
    """Per row ``(i0, i1, j0, j1)`` of ``spans``, the dot product of the sums of rows
    i0..i1-1 of X and j0..j1-1 of Y."""
    s = np.asarray(spans, dtype=np.int64).reshape(-1, 4)
    return kernels().span_dots(X.indptr, X.indices, X.values, Y.indptr, Y.indices, Y.values,
                               s[:, 0].copy(), s[:, 1].copy(), s[:, 2].copy(), s[:, 3].copy(),
                               X.dim)
