"""The numba kernels of the dynamic programme (see ``align.dp``); compiled once, cached."""

from __future__ import annotations

import numba
import numpy as np

NEG = -1e30


@numba.njit(cache=True)
def block_masses(xp, xi, xv, mass, size, dim):  # pragma: no cover - compiled
    n = len(xp) - 1
    nb = (n + size - 1) // size
    out = np.zeros(nb)
    acc = np.zeros(dim)
    for b in range(nb):
        lo, hi = b * size, min(n, (b + 1) * size)
        own = 0.0  # sum of the rows' squared norms
        for p in range(lo, hi):
            for k in range(xp[p], xp[p + 1]):
                acc[xi[k]] += xv[k]
            for k in range(xp[p], xp[p + 1]):
                own += acc[xi[k]] * xv[k]
            for k in range(xp[p], xp[p + 1]):
                acc[xi[k]] = 0.0
        for k in range(xp[lo], xp[hi]):
            acc[xi[k]] += xv[k]
        total = 0.0  # squared norm of the rows' sum
        for k in range(xp[lo], xp[hi]):
            total += acc[xi[k]] * xv[k]
        for k in range(xp[lo], xp[hi]):
            acc[xi[k]] = 0.0
        out[b] = mass[lo:hi].sum() + total - own
    return out


@numba.njit(cache=True)
def span_dots(xp, xi, xv, yp, yi, yv, i0, i1, j0, j1, dim):  # pragma: no cover - compiled
    """Per span s, the dot product of the sums of rows i0[s]..i1[s]-1 of X and
    j0[s]..j1[s]-1 of Y."""
    out = np.zeros(len(i0))
    acc = np.zeros(dim)
    for s in range(len(i0)):
        for k in range(xp[i0[s]], xp[i1[s]]):
            acc[xi[k]] += xv[k]
        dot = 0.0
        for k in range(yp[j0[s]], yp[j1[s]]):
            dot += acc[yi[k]] * yv[k]
        out[s] = dot
        for k in range(xp[i0[s]], xp[i1[s]]):
            acc[xi[k]] = 0.0
    return out


@numba.njit(cache=True)
def neighbour_dots(xp, xi, xv, K, dim):  # pragma: no cover - compiled
    n = len(xp) - 1
    out = np.zeros((max(K - 1, 1), n))
    acc = np.zeros(dim)
    for p in range(n):
        for k in range(xp[p], xp[p + 1]):
            acc[xi[k]] += xv[k]
        for d in range(1, K):
            q = p + d
            if q >= n:
                break
            dot = 0.0
            for k in range(xp[q], xp[q + 1]):
                dot += acc[xi[k]] * xv[k]
            out[d - 1, p] = dot
        for k in range(xp[p], xp[p + 1]):
            acc[xi[k]] = 0.0
    return out


@numba.njit(cache=True)
def band_dots(xp, xi, xv, yp, yi, yv, qlo, qhi, dim):  # pragma: no cover - compiled
    """Per row p of X, cumulative sums of X[p] . Y[q] for q in qlo[p]..qhi[p]-1,
    flattened: row p is ``cum[off[p]:off[p+1]]`` and starts with 0."""
    n = len(xp) - 1
    off = np.zeros(n + 1, dtype=np.int64)
    for p in range(n):
        off[p + 1] = off[p] + qhi[p] - qlo[p] + 1
    cum = np.zeros(off[n])
    acc = np.zeros(dim)
    for p in range(n):
        for k in range(xp[p], xp[p + 1]):
            acc[xi[k]] += xv[k]
        run = 0.0
        for q in range(qlo[p], qhi[p]):
            dot = 0.0
            for k in range(yp[q], yp[q + 1]):
                dot += acc[yi[k]] * yv[k]
            run += dot
            cum[off[p] + q - qlo[p] + 1] = run
        for k in range(xp[p], xp[p + 1]):
            acc[xi[k]] = 0.0
    return cum, off


@numba.njit(cache=True)
def search(n, lo, hi, off, ta, tb, tw, tc, qlo, qhi, cum, cum_off, me, mz, cle, clz, brk_e,
            brk_z, skip_e, skip_z, ratio, threshold, length_weight,
            cross_penalty):  # pragma: no cover - compiled
    D = np.full(off[-1], NEG)
    back = np.full(off[-1], -1, dtype=np.int8)
    D[0] = 0.0
    for i in range(n + 1):
        for j in range(lo[i], hi[i] + 1):
            cell = off[i] + j - lo[i]
            best = D[cell]
            bk = -1
            for t in range(len(ta)):
                a, b = ta[t], tb[t]
                if a > i or b > j:
                    continue
                pi, pj = i - a, j - b
                if pj < lo[pi] or pj > hi[pi]:
                    continue
                prev = D[off[pi] + pj - lo[pi]]
                if prev <= NEG / 2:
                    continue
                if b == 0:
                    score = -skip_e[i - 1]
                elif a == 0:
                    score = -skip_z[j - 1]
                else:
                    dot = 0.0
                    for p in range(pi, i):
                        length = qhi[p] - qlo[p]
                        u = min(max(j - qlo[p], 0), length)
                        v = min(max(pj - qlo[p], 0), length)
                        dot += cum[cum_off[p] + u] - cum[cum_off[p] + v]
                    den = me[a, i] * mz[b, j]
                    sim = dot / np.sqrt(den) if den > 1e-12 else 0.0
                    le = cle[i] - cle[pi]
                    lz = clz[j] - clz[pj]
                    delta = np.log((lz + 2.0 * ratio) / (ratio * (le + 2.0)))
                    cross = (brk_e[i - 1] - brk_e[pi]) + (brk_z[j - 1] - brk_z[pj])
                    score = tw[t] * (sim - threshold - length_weight * delta * delta) \
                        - tc[t] - cross_penalty * cross
                if prev + score > best:
                    best = prev + score
                    bk = t
            D[cell] = best
            back[cell] = bk
    return back


@numba.njit(cache=True)
def ibm1(together, occurrence, given, n_occurrences, n_given, iterations,
         null):  # pragma: no cover - compiled
    """IBM model 1 by EM over meetings grouped by pair; see ``align.aligner._ibm1``."""
    t = np.ones(len(together))
    den = np.empty(n_occurrences)
    norm = np.empty(n_given)
    for _ in range(iterations):
        den[:] = null
        k = 0
        for p in range(len(together)):
            for _ in range(together[p]):
                den[occurrence[k]] += t[p]
                k += 1
        norm[:] = 0.0
        k = 0
        for p in range(len(together)):
            count = 0.0
            for _ in range(together[p]):
                count += t[p] / den[occurrence[k]]
                k += 1
            t[p] = count
            norm[given[p]] += count
        for p in range(len(together)):
            t[p] /= norm[given[p]]
    return t
