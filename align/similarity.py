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

import itertools
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
    def from_lists(cls, n: int, rows: Sequence[int], cols: Sequence[int],
                   vals: Sequence[float], dim: int) -> SparseRows:
        """Rows from entries sorted by row."""
        counts = np.bincount(np.asarray(rows, dtype=np.int64), minlength=n)
        return cls(np.concatenate([[0], np.cumsum(counts)]).astype(np.int64),
                   np.asarray(cols, dtype=np.int32),
                   np.asarray(vals, dtype=np.float64), max(dim, 1))


@dataclass(frozen=True)
class ZhTokens:
    """The content words of Chinese sentences as ids of distinct (word, features) pairs,
    so that work per word is done once per distinct word."""

    words: list[str]  # per distinct word
    features: list[tuple[str, ...]]  # per distinct word, the stems it may stand for
    word: np.ndarray  # per token, its distinct word
    sentence: np.ndarray  # per token, its sentence (tokens in sentence order)
    n: int  # sentences

    @classmethod
    def of(cls, words: Sequence[Sequence[str]], features: ZhFeatures) -> ZhTokens:
        """From per sentence its words and, aligned with them, their features."""
        ids: dict[tuple[str, tuple[str, ...]], int] = {}
        word = [ids.setdefault((w, tuple(f)), len(ids))
                for ws, fs in zip(words, features) for w, f in zip(ws, fs)]
        return cls([w for w, _ in ids], [f for _, f in ids], np.asarray(word, dtype=np.int64),
                   np.repeat(np.arange(len(words), dtype=np.int64), [len(ws) for ws in words]),
                   len(words))


def concat_ranges(starts: np.ndarray, counts: np.ndarray, dtype=np.int64) -> np.ndarray:
    """``starts[k] .. starts[k] + counts[k] - 1`` for every ``k``, one range after another
    (the entries of several items laid end to end)."""
    counts = np.asarray(counts)
    out = np.repeat((np.asarray(starts) - np.cumsum(counts) + counts).astype(dtype), counts)
    out += np.arange(len(out), dtype=dtype)
    return out


CHUNK_SENTENCES = 1000  # Chinese sentences expanded at a time (bounds the memory used)


def build_vectors(en: EnFeatures, zh: ZhTokens, learned: Translations | None = None
                  ) -> tuple[SparseRows, SparseRows, np.ndarray, np.ndarray]:
    """Vectors of the English and Chinese sentences, and their masses.

    A Chinese word stands for each of its candidate stems with full weight, so a word
    whose translation is in the English sentence contributes ``idf**2`` to the dot
    product, as the English stem contributes to the English mass. The mass of a
    sentence is the sum of its words' ``idf**2``: additive over the sentences of a
    bead, and ``dot / sqrt(mass_en * mass_zh)`` is 1 when every word finds its match.

    :param en: per English sentence, its feature tokens (stems, numbers).
    :param zh: the Chinese sentences' content words and the features they stand for.
    :param learned: maps a Chinese word to more English stems, with weights.
    """
    df: Counter[str] = Counter()
    for sent in en:
        df.update(set(sent))
    n = max(len(en), 1)
    vocab = {f: k for k, f in enumerate(sorted(df))}
    idf = np.array([math.log(1.0 + n / df[f]) for f in vocab], dtype=np.float64)
    unseen = math.log(1.0 + n)
    dim = len(vocab)
    width = max(dim, 1)  # key of an entry: sentence * width + stem (sorts by sentence)

    # English: each distinct feature of a sentence weighs idf * sqrt(count).
    rows = np.repeat(np.arange(len(en), dtype=np.int64), [len(s) for s in en])
    cols = np.fromiter((vocab[f] for s in en for f in s), dtype=np.int64, count=len(rows))
    keys, counts = np.unique(rows * width + cols, return_counts=True)
    rows, cols = keys // width, keys % width
    mass_e = np.bincount(rows, counts * idf[cols] ** 2, minlength=len(en)).astype(np.float64)
    E = SparseRows.from_lists(len(en), rows, cols, idf[cols] * np.sqrt(counts), dim)

    # Chinese: a word's contribution depends on the word alone: computed once per word.
    lacking = (0.5 * unseen) ** 2  # content the English side lacks still weighs
    unit_mass = np.empty(len(zh.words))
    unit_cols: list[np.ndarray] = []
    unit_sq: list[np.ndarray] = []
    for u, (word, feats) in enumerate(zip(zh.words, zh.features)):
        cands: dict[str, float] = {f: 1.0 for f in feats if f in vocab}
        for f, w in (learned or {}).get(word, {}).items():
            cands[f] = max(cands.get(f, 0.0), w)
        c = np.array([vocab[f] for f in cands], dtype=np.int64)
        v = idf[c] * np.array(list(cands.values()))
        unit_mass[u] = float(v.max() ** 2) if len(c) else lacking
        unit_cols.append(c)
        unit_sq.append(v * v)
    tu, ts = zh.word, zh.sentence
    mass_z = np.bincount(ts, unit_mass[tu], minlength=zh.n).astype(np.float64)
    sizes = np.array([len(c) for c in unit_cols], dtype=np.int64)
    starts = np.concatenate([[0], np.cumsum(sizes)[:-1]]) if len(sizes) else sizes
    flat_cols = np.concatenate(unit_cols) if unit_cols else np.zeros(0, np.int64)
    flat_sq = np.concatenate(unit_sq) if unit_sq else np.zeros(0)
    # The entries of every token (its unit's entries), summed per sentence and stem, some
    # sentences at a time: a token of a learned word may stand for many stems.
    col_parts: list[np.ndarray] = []
    val_parts: list[np.ndarray] = []
    per_sentence = np.zeros(zh.n, dtype=np.int64)
    cuts = np.searchsorted(ts, np.arange(0, zh.n + CHUNK_SENTENCES, CHUNK_SENTENCES))
    for lo, hi in itertools.pairwise(cuts):
        units, rows = tu[lo:hi], ts[lo:hi]
        token_sizes = sizes[units]
        at = concat_ranges(starts[units], token_sizes)
        keys, inverse = np.unique(np.repeat(rows, token_sizes) * width + flat_cols[at],
                                  return_inverse=True)
        # Repeats grow like sqrt(count), as on the English side.
        val_parts.append(np.sqrt(np.bincount(inverse, flat_sq[at], minlength=len(keys))))
        col_parts.append((keys % width).astype(np.int32))
        per_sentence += np.bincount(keys // width, minlength=zh.n)
    Z = SparseRows(np.concatenate([[0], np.cumsum(per_sentence)]).astype(np.int64),
                   np.concatenate([*col_parts, np.zeros(0, np.int32)]),
                   np.concatenate([*val_parts, np.zeros(0)]), width)
    return E, Z, mass_e, mass_z

