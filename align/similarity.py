"""Sentences as vectors in one space, so that any bead's similarity comes from sums.

Each English sentence is a bag of stems weighted by inverse document frequency; each
Chinese sentence is a bag of the stems its words may translate to (CC-CEDICT glosses and
translations learned from the document, restricted to stems the English side uses).
A bead's similarity is the dot product of the summed vectors of its sentences over the
geometric mean of their masses, so the dynamic programme only needs sums of
single-sentence dot products and masses. Vectors are sparse rows, exact whatever the
vocabulary size.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Sequence

from dataclasses import dataclass

import numpy as np

EnFeatures = Sequence[Sequence[str]]
ZhFeatures = Sequence[Sequence[Sequence[str]]]
Translations = dict[str, dict[str, float]]


@dataclass(frozen=True)
class SparseRows:
    """Sentence vectors in compressed-row form; ``dim`` is the feature count."""

    indptr: np.ndarray  # int64, len(rows) + 1
    indices: np.ndarray  # int32
    values: np.ndarray  # float64
    dim: int

    def __len__(self) -> int:
        return len(self.indptr) - 1

    def blocks(self, size: int) -> SparseRows:
        """Rows summed in consecutive blocks of ``size`` (repeated features allowed)."""
        ptr = np.concatenate([self.indptr[:-1:size], self.indptr[-1:]])
        return SparseRows(ptr, self.indices, self.values, self.dim)

    @classmethod
    def from_lists(cls, n: int, rows: list[int], cols: list[int], vals: list[float],
                   dim: int) -> SparseRows:
        r = np.asarray(rows, dtype=np.int64)
        indptr = np.zeros(n + 1, dtype=np.int64)
        np.add.at(indptr, r + 1, 1)
        return cls(np.cumsum(indptr), np.asarray(cols, dtype=np.int32),
                   np.asarray(vals, dtype=np.float64), max(dim, 1))


def build_vectors(
    en: EnFeatures,
    zh: ZhFeatures,
    zh_words: Sequence[Sequence[str]] | None = None,
    learned: Translations | None = None,
) -> tuple[SparseRows, SparseRows, np.ndarray, np.ndarray]:
    """Vectors of the English and Chinese sentences, and their masses.

    A Chinese word stands for each of its candidate stems with full weight, so a word
    whose translation is in the English sentence contributes ``idf**2`` to the dot
    product, as the English stem contributes to the English mass. The mass of a
    sentence is the sum of its words' ``idf**2``: additive over the sentences of a
    bead, and ``dot / sqrt(mass_en * mass_zh)`` is 1 when every word finds its match.

    :param en: per English sentence, its feature tokens (stems, numbers).
    :param zh: per Chinese sentence, per content word, the features it may stand for.
    :param zh_words: per Chinese sentence its words, aligned with ``zh``; needed with
        ``learned``, which maps a Chinese word to English stems with weights.
    """
    df: Counter[str] = Counter()
    for sent in en:
        df.update(set(sent))
    n = max(len(en), 1)
    idf = {f: math.log(1.0 + n / c) for f, c in df.items()}
    vocab = {f: k for k, f in enumerate(sorted(df))}
    unseen = math.log(1.0 + n)

    rows_e, cols_e, vals_e = [], [], []
    mass_e = np.zeros(len(en))
    for i, sent in enumerate(en):
        for f, c in Counter(sent).items():
            rows_e.append(i)
            cols_e.append(vocab[f])
            vals_e.append(idf[f] * math.sqrt(c))
            mass_e[i] += c * idf[f] ** 2

    rows_z, cols_z, vals_z = [], [], []
    mass_z = np.zeros(len(zh))
    lacking = (0.5 * unseen) ** 2  # content the English side lacks still weighs
    # A word's contribution depends on the word alone: compute it once per word.
    memo: dict[object, tuple[float, list[tuple[int, float]]]] = {}
    for j, words in enumerate(zh):
        acc: dict[int, float] = {}
        names = zh_words[j] if (learned and zh_words is not None) else None
        for k, feats in enumerate(words):
            key = (feats, names[k]) if names is not None else feats
            hit = memo.get(key)
            if hit is None:
                cands: dict[str, float] = {f: 1.0 for f in feats if f in vocab}
                if names is not None:
                    for f, w in learned.get(names[k], {}).items():  # type: ignore[union-attr]
                        cands[f] = max(cands.get(f, 0.0), w)
                if cands:
                    top = max(idf[f] * w for f, w in cands.items())
                    hit = (top * top, [(vocab[f], (idf[f] * w) ** 2) for f, w in cands.items()])
                else:
                    hit = (lacking, [])
                memo[key] = hit
            mass_z[j] += hit[0]
            for col, sq in hit[1]:
                acc[col] = acc.get(col, 0.0) + sq
        for col, v in acc.items():  # repeats grow like sqrt(count), as on the English side
            rows_z.append(j)
            cols_z.append(col)
            vals_z.append(math.sqrt(v))

    dim = len(vocab)
    E = SparseRows.from_lists(len(en), rows_e, cols_e, vals_e, dim)
    Z = SparseRows.from_lists(len(zh), rows_z, cols_z, vals_z, dim)
    return E, Z, mass_e, mass_z
