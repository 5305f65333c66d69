"""Sentences as vectors in one space, so that any bead's similarity comes from sums.

Each English sentence is a bag of stems weighted by inverse document frequency; each
Chinese sentence is a bag of the stems its words may translate to (CC-CEDICT glosses and
translations learned from the document, restricted to stems the English side uses).
A bead's similarity is the dot product of the summed vectors of its sentences over the
geometric mean of their masses, so the dynamic programme only needs sums of
single-sentence dot products and masses.
Vocabularies up to ``exact_dim`` features are kept exact; larger ones are projected to
``proj_dim`` dimensions with a fixed random matrix (dot products preserved on average).
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Sequence

import numpy as np

EnFeatures = Sequence[Sequence[str]]
ZhFeatures = Sequence[Sequence[Sequence[str]]]
Translations = dict[str, dict[str, float]]


def build_vectors(
    en: EnFeatures,
    zh: ZhFeatures,
    zh_words: Sequence[Sequence[str]] | None = None,
    learned: Translations | None = None,
    exact_dim: int = 4096,
    proj_dim: int = 512,
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Vectors (float32) of the English and Chinese sentences, and their masses.

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
    for j, words in enumerate(zh):
        acc: dict[int, float] = {}
        names = zh_words[j] if (learned and zh_words is not None) else None
        for k, feats in enumerate(words):
            cands: dict[str, float] = {f: 1.0 for f in feats if f in vocab}
            if names is not None:
                for f, w in learned.get(names[k], {}).items():  # type: ignore[union-attr]
                    cands[f] = max(cands.get(f, 0.0), w)
            if not cands:
                # Content the English side lacks still weighs on the Chinese side.
                mass_z[j] += (0.5 * unseen) ** 2
                continue
            top = max(idf[f] * w for f, w in cands.items())
            mass_z[j] += top * top
            for f, w in cands.items():
                col = vocab[f]
                acc[col] = acc.get(col, 0.0) + (idf[f] * w) ** 2
        for col, v in acc.items():  # repeats grow like sqrt(count), as on the English side
            rows_z.append(j)
            cols_z.append(col)
            vals_z.append(math.sqrt(v))

    dim = len(vocab)
    if dim <= exact_dim:
        E = _dense(len(en), dim, rows_e, cols_e, vals_e)
        Z = _dense(len(zh), dim, rows_z, cols_z, vals_z)
    else:
        rng = np.random.default_rng(12345)
        proj = (rng.standard_normal((dim, proj_dim)) / math.sqrt(proj_dim)).astype(np.float32)
        E = _project(len(en), proj, rows_e, cols_e, vals_e)
        Z = _project(len(zh), proj, rows_z, cols_z, vals_z)
    return E, Z, mass_e, mass_z


def _dense(n: int, dim: int, rows: list[int], cols: list[int], vals: list[float]) -> np.ndarray:
    out = np.zeros((n, max(dim, 1)), dtype=np.float32)
    np.add.at(out, (np.asarray(rows, dtype=np.int64), np.asarray(cols, dtype=np.int64)),
              np.asarray(vals, dtype=np.float32))
    return out


def _project(n: int, proj: np.ndarray, rows: list[int], cols: list[int],
             vals: list[float], chunk: int = 8192) -> np.ndarray:
    out = np.zeros((n, proj.shape[1]), dtype=np.float32)
    r = np.asarray(rows, dtype=np.int64)
    c = np.asarray(cols, dtype=np.int64)
    v = np.asarray(vals, dtype=np.float32)
    for s in range(0, len(r), chunk):
        np.add.at(out, r[s:s + chunk], proj[c[s:s + chunk]] * v[s:s + chunk, None])
    return out
