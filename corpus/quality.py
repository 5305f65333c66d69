"""The reference-free pair-quality score: how likely an English–Chinese pair is a full translation.

Scoring is kept apart from deciding (as OpusFilter does): ``score_pairs`` turns pairs into
numbers stored beside each pair; thresholds are chosen later, at export time.

Columns, each computed from the two sides alone:

- ``len_ratio``: log of (Chinese characters / English characters) minus its log on gold
  data; 0 is a typical pair, below 0 a Chinese side too short (truncated), above 0 too long.
- ``cov_en``: share of the English content stems that some Chinese word may translate to
  (CC-CEDICT glosses, see ``align.lexicon``); stems the dictionary lacks are left out.
- ``cov_zh``: share of the Chinese content words with a gloss among the English stems.
- ``num_agree``: Jaccard agreement of the numbers and Latin tokens (acronyms, names with
  digits) of the two sides; 1.0 when neither side has any.
- ``purity``: script purity, (1 - share of stray Latin letters on the Chinese side) ×
  (1 - share of Han characters on the English side). Latin tokens that also appear on the
  English side ("GPT-5", "AM") are not stray.
- ``copy``: how far the two sides are one text (a source copied into the target column):
  the smaller of the shares of either side's characters in tokens the other side has.
- ``similarity``: cosine of the two sides' multilingual sentence embeddings
  (``align.semantic.similarities``, USE multilingual v3); null when scored without them.
- ``quality``: the calibrated probability that the pair is a full translation. A logistic
  regression over the columns above and a few more numbers of the same analysis (coverage
  of each side's less covered half, sentence ends and final punctuation on each side,
  clauses, unbalanced quotes, the shape of vocabulary glosses: IPA, part-of-speech tags,
  lists of short senses), then Platt-calibrated on the aligner's real output. Trained by
  ``benchmarks/train_quality.py`` on gold pairs of every dev genre against errors made
  like the real ones (neighbour shifts, merged neighbours, a clause dropped, a side cut
  mid-sentence, glosses, unrelated sentences of the same article, untranslated text),
  documents held out; weights in ``corpus/quality_model.json`` (package data).

Two scorers share the analysis: ``embedding`` (the default, the one the store uses) and
``lexical`` (no embeddings: about ten times faster, for very large files, at some cost in
AUC); each has its own weights, calibration and default threshold (``default_min_score``).

``rescore_store`` recomputes these columns of an existing pair store in place.
"""

from __future__ import annotations

import gc
import hashlib
import json
import math
import multiprocessing
import os
import re
import shutil
import tempfile
import unicodedata
from collections.abc import Sequence
from concurrent.futures import Executor, ProcessPoolExecutor
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np
import polars as pl

from align.lexicon import Lexicon, en_features, number_feature, stem

QUALITY_VERSION = 2
MODEL_PATH = Path(__file__).resolve().parent / "quality_model.json"
SIGNATURE_KEY = "bitext.quality_signature"
SCRATCH_PREFIX = ".bitext-quality-"  # part files of a rescore, inside the store
BATCH_ROWS = 50_000  # rows of a store rescored at a time
PARALLEL_MIN = 20_000  # fewer pairs than this are scored in the calling process
PARALLEL_CHUNK = 5_000  # pairs a worker process takes at a time
SIDE_CACHE = 16_384  # sentences whose analysis is kept (repeated sentences, negatives)
EMBED_CHUNK = 1_000  # pairs embedded at a time (bounds the encoder's memory)
SCORERS = ("embedding", "lexical")
DEFAULT_SCORER = "embedding"

QUALITY_COLUMNS: dict[str, pl.DataType] = {
    "len_ratio": pl.Float32(),  # log(zh/en characters) minus its typical value; 0 = typical
    "cov_en": pl.Float32(),  # share of English content stems translated on the Chinese side
    "cov_zh": pl.Float32(),  # share of Chinese content words translated on the English side
    "num_agree": pl.Float32(),  # Jaccard of numbers and Latin tokens; 1.0 when none
    "purity": pl.Float32(),  # 1 = each side in its own script
    "copy": pl.Float32(),  # 1 = the two sides are one text
    "similarity": pl.Float32(),  # cosine of the sentence embeddings; null without them
    "quality": pl.Float32(),  # calibrated P(full translation), in [0, 1]
}

# Latin words ("GPT-5", "don't") on either side, and any digit.
_WORD = re.compile(r"[A-Za-z][A-Za-z0-9]*(?:[-'’][A-Za-z0-9]+)*")
_DIGIT = re.compile(r"\d")
# Some word may be special (see _is_special): two capitals, an inner capital, a digit.
_SPECIAL_HINT = re.compile(r"[A-Z][A-Za-z0-9]*[A-Z0-9]|[a-z0-9][A-Z]|[A-Za-z][0-9]")
_NUMBER = re.compile(r"\d+(?:[.,:]\d+)*")
_NOT_HAN = re.compile(r"[^\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+")
_NOT_LATIN = re.compile(r"[^A-Za-z]+")
# Numbers whose unit the other language writes differently: "1.5 million" / "150万".
_EN_SCALED = re.compile(r"(\d+(?:[.,]\d+)*)\s*(?:million|billion|trillion|thousand|m|bn)\b", re.IGNORECASE)
_ZH_SCALED = re.compile(r"(\d+(?:[.,]\d+)*)\s*(?:万|亿|千)")
_SPACE = re.compile(r"\s+")
# Sentence ends: English . ! ? before a space and a capital (or the end), Chinese 。！？.
_EN_END = re.compile(r"(?<![A-Z])[.!?]+[\"'”’)]*(?=\s+[\"'“‘(]*[A-Z0-9]|\s*$)")
_ZH_END = re.compile(r"[。！？!?]+[\"'”’」』)）]*|\.[\"'”’」』)）]*\s*$")
_FINAL = re.compile(r"[.!?。！？…][\"'”’」』)）]*\s*$")
_CLAUSE_EN = re.compile(r"[,;:]|\s[–—-]\s|—")
_CLAUSE_ZH = re.compile(r"[，；：、,;:]|——")
# Parts of a list of senses ("唉；呜呼", "n. 剃刀；adj. 极薄的").
_SENSE_BREAK = re.compile(r"[；;，,、/|]+")
# IPA in a gloss ("alas [əˈlæs]", "/ˈreɪzə/"): IPA extensions, stress and length marks.
_IPA = re.compile(r"[\u0250-\u02af\u02c8\u02cc\u02d0\u02d1æðθŋ]")
# A part-of-speech tag of a dictionary entry ("n.", "adj.", "vt."), not "Roe v. Wade".
_POS_TAG = re.compile(r"(?<![A-Za-z.])(?:n|v|vt|vi|adj|adv|prep|conj|pron|interj|aux|abbr)\."
                      r"(?!\s+[A-Z])(?=\s|$|[^\x00-\x7f])")
# Brackets and quotes that open and close; a side cut mid-sentence often leaves one open.
_PAIRED = (("“", "”"), ("(", ")"), ("（", "）"), ("《", "》"), ("「", "」"), ("『", "』"),
           ("[", "]"), ("【", "】"))


def _nfkc(text: str | None) -> str:
    return unicodedata.normalize("NFKC", text or "")


@dataclass(frozen=True, slots=True)
class _English:
    """What the score needs from an English sentence (NFKC-normalised)."""

    feats: tuple[str, ...]  # content stems and numbers, in order (``en_features``)
    known: tuple[bool, ...]  # per feature: the dictionary has it (or it is a number)
    stems: frozenset[str]
    words: frozenset[str]  # lower-cased words
    hard: frozenset[str]  # numbers in digits, acronyms, words with digits
    soft: frozenset[str]  # numbers in words, scaled numbers: count only when matched
    copy_tokens: frozenset[str]  # lower-cased words and Han characters (numbers carry over)
    copy_chars: int  # characters in copy tokens
    chars: int  # non-space characters
    han: int
    latin: int
    ends: int  # sentence ends
    final: bool  # ends with a sentence end
    n_words: int  # Latin words
    clauses: int  # clause breaks (commas, semicolons, colons, dashes)
    gloss: int  # IPA, part-of-speech tags: 1 each
    unbalanced: int  # brackets and quotes left open or closed without opening


@dataclass(frozen=True, slots=True)
class _Chinese:
    """What the score needs from a Chinese sentence (NFKC-normalised)."""

    per_word: tuple[tuple[str, ...], ...]  # per content word, the English stems it may mean
    matchable: frozenset[str]  # every feature an English word can match
    hard: frozenset[str]  # numbers in digits, Latin tokens (lower-cased)
    soft: frozenset[str]  # Chinese numerals, scaled numbers
    latin: tuple[tuple[str, int], ...]  # Latin tokens (lower-cased) and their letters
    copy_tokens: frozenset[str]
    copy_chars: int
    chars: int
    han: int
    ends: int
    final: bool
    clauses: int
    parts: int  # pieces between list separators (a gloss's senses)
    gloss: int
    unbalanced: int


def _unbalanced(text: str) -> int:
    """Kinds of paired brackets and quotes whose counts differ, and an odd ASCII quote."""
    return sum(text.count(a) != text.count(b) for a, b in _PAIRED) + text.count('"') % 2


def _gloss_marks(text: str) -> int:
    return int(bool(_IPA.search(text))) + int(bool(_POS_TAG.search(text)))


@lru_cache(maxsize=SIDE_CACHE)
def _en_side(text: str) -> _English:
    feats = tuple(en_features(text))
    lexical = Lexicon.load().english_stems
    lower = frozenset(_WORD.findall(text.lower()))
    hard: set[str] = set()
    if _SPECIAL_HINT.search(text):
        hard = {w.lower() for w in _WORD.findall(text) if _is_special(w)}
    soft = {f for f in feats if f[0] == "#"}
    if _DIGIT.search(text):
        scaled = {_number(m) for m in _EN_SCALED.findall(text)}
        digits = {_number(n) for n in _NUMBER.findall(text)}
        hard |= digits - scaled
        soft = soft - digits | scaled
    han = _NOT_HAN.sub("", text)
    copy_tokens = lower | set(han)
    return _English(
        feats=feats,
        known=tuple(f in lexical or f[0] == "#" for f in feats),
        stems=frozenset(feats),
        words=lower,
        hard=frozenset(hard),
        soft=frozenset(soft),
        copy_tokens=frozenset(copy_tokens),
        copy_chars=sum(map(len, copy_tokens)),
        chars=len(_SPACE.sub("", text)),
        han=len(han),
        latin=len(_NOT_LATIN.sub("", text)),
        ends=len(_EN_END.findall(text)),
        final=bool(_FINAL.search(text)),
        n_words=len(_WORD.findall(text)),
        clauses=len(_CLAUSE_EN.findall(text)),
        gloss=_gloss_marks(text),
        unbalanced=_unbalanced(text),
    )


@lru_cache(maxsize=100_000)
def _is_special(word: str) -> bool:
    """Whether a translation keeps a word as it is: an acronym, a name with digits or an
    inner capital ("NASA", "GPT-5", "iPhone")."""
    upper = sum(c.isupper() for c in word)
    return upper >= 2 or any(c.isdigit() for c in word) or (upper == 1 and not word[0].isupper())


@lru_cache(maxsize=SIDE_CACHE)
def _zh_side(text: str) -> _Chinese:
    per_word = tuple(f for f in map(_zh_word, Lexicon.load().zh_words(text)) if f)
    union = frozenset().union(*per_word)
    latin = tuple((t.lower(), len(_NOT_LATIN.sub("", t))) for t in _WORD.findall(text))
    words = {t for t, _ in latin}
    hard = set(words)
    soft = {f for f in union if f[0] == "#"}
    if _DIGIT.search(text):
        scaled = {_number(m) for m in _ZH_SCALED.findall(text)}
        digits = {_number(n) for n in _NUMBER.findall(text)}
        hard |= digits - scaled
        soft |= scaled
    han = _NOT_HAN.sub("", text)
    copy_tokens = words | set(han)
    return _Chinese(
        per_word=per_word,
        matchable=union | hard | soft | {stem(t) for t in words},
        hard=frozenset(hard),
        soft=frozenset(soft),
        latin=latin,
        copy_tokens=frozenset(copy_tokens),
        copy_chars=sum(map(len, copy_tokens)),
        chars=len(_SPACE.sub("", text)),
        han=len(han),
        ends=len(_ZH_END.findall(text)),
        final=bool(_FINAL.search(text)),
        clauses=len(_CLAUSE_ZH.findall(text)),
        parts=sum(1 for p in _SENSE_BREAK.split(text) if p.strip()),
        gloss=_gloss_marks(text),
        unbalanced=_unbalanced(text),
    )


@lru_cache(maxsize=100_000)
def _number(token: str) -> str:
    return number_feature(token)


@lru_cache(maxsize=300_000)
def _zh_word(word: str) -> tuple[str, ...]:
    """The English features of a Chinese content word; none for Latin tokens and numbers
    (num_agree and purity compare those) and function words."""
    if _WORD.fullmatch(word) or _NUMBER.fullmatch(word):
        return ()
    return Lexicon.load().word_features(word)


def _copy_share(a: frozenset[str], a_chars: int, b: frozenset[str]) -> float:
    """Share of a side's characters (in tokens) that are tokens of the other side."""
    return sum(map(len, a & b)) / a_chars if a_chars else 0.0


def _pair_row(en: str, zh: str) -> tuple[float, ...]:
    """Raw features of one pair, in the order of ``RAW_FEATURES``."""
    e, z = _en_side(en), _zh_side(zh)

    # English stems translated by some Chinese word (or written in Latin on that side);
    # stems the dictionary lacks count only when matched.
    matchable = z.matchable
    hits_en = [hit for hit, known in zip([f in matchable for f in e.feats], e.known)
               if hit or known]
    stems = e.stems
    hits_zh = [not stems.isdisjoint(feats) for feats in z.per_word]
    cov_en, half_en = _coverage(hits_en)
    cov_zh, half_zh = _coverage(hits_zh)

    legit = {t for t, _ in z.latin if t in e.words}  # Latin tokens the English side has
    soft = (e.soft & (z.hard | z.soft)) | (z.soft & (e.hard | e.soft))
    hard_en = e.hard | legit
    union = hard_en | z.hard | soft
    num_agree = len((hard_en & z.hard) | soft) / len(union) if union else 1.0

    stray = sum(n for t, n in z.latin if t not in legit)
    letters_zh = z.han + sum(n for _, n in z.latin)
    purity_zh = 1.0 - stray / letters_zh if letters_zh else 1.0
    purity_en = 1.0 - e.han / (e.han + e.latin) if e.han + e.latin else 1.0

    copy = min(_copy_share(e.copy_tokens, e.copy_chars, z.copy_tokens),
               _copy_share(z.copy_tokens, z.copy_chars, e.copy_tokens))
    return (
        math.log((z.chars + 1.0) / (e.chars + 1.0)), cov_en, cov_zh, num_agree,
        purity_zh * purity_en, copy, half_en, half_zh, float(e.chars),
        float(abs(e.ends - z.ends)), float(e.final == z.final),
        float(sum(hits_en)), float(len(hits_en)), float(sum(hits_zh)), float(len(hits_zh)),
        float(z.chars), float(e.ends), float(z.ends), float(e.final), float(z.final),
        float(e.clauses), float(z.clauses), float(e.n_words), float(z.han), float(z.parts),
        float(e.gloss + z.gloss), float(e.unbalanced + z.unbalanced),
    )


RAW_FEATURES = (
    "log_ratio", "cov_en", "cov_zh", "num_agree", "purity", "copy", "half_en", "half_zh",
    "chars_en", "ends_diff", "final_agree", "hits_en", "n_en", "hits_zh", "n_zh",
    "chars_zh", "ends_en", "ends_zh", "final_en", "final_zh", "clauses_en", "clauses_zh",
    "words_en", "han_zh", "parts_zh", "gloss", "unbalanced",
)


def _coverage(hits: list[bool]) -> tuple[float, float]:
    """Share of words translated, and its lower value over the sentence's two halves
    (low when one end is missing: a truncated translation, a neighbour merged in)."""
    n = len(hits)
    if not n:
        return 0.0, 0.0
    mid = (n + 1) // 2
    first, second = sum(hits[:mid]) / mid, sum(hits[mid:]) / (n - mid) if n > mid else 1.0
    return sum(hits) / n, min(first, second)


def raw_features(
    en: Sequence[str | None],
    zh: Sequence[str | None],
    pool: Executor | None = None,
    embeddings: bool = False,
) -> dict[str, np.ndarray]:
    """The per-pair features before the model (``RAW_FEATURES``): ``log_ratio`` (not yet
    centred), the quality columns but ``len_ratio``, ``similarity`` and ``quality``,
    ``half_en`` / ``half_zh`` (coverage of the less covered half of a side), lengths,
    sentence ends and final punctuation per side, clause breaks, the words counted
    (``n_en``, ``n_zh``) and translated (``hits_en``, ``hits_zh``) on each side, gloss marks
    and unbalanced brackets; with ``embeddings``, also ``similarity``.

    :param pool: processes to share the work among (for large batches).
    """
    if len(en) != len(zh):
        raise ValueError(f"{len(en)} English sides but {len(zh)} Chinese sides")
    if pool is None or len(en) < PARALLEL_MIN:
        arr = _feature_rows(list(en), list(zh), embeddings)
    else:
        step = PARALLEL_CHUNK
        chunks = [(list(en[k:k + step]), list(zh[k:k + step])) for k in range(0, len(en), step)]
        flags = [embeddings] * len(chunks)
        arr = np.concatenate(list(pool.map(_feature_rows, *zip(*chunks), flags)))
    names = RAW_FEATURES + (("similarity",) if embeddings else ())
    return {name: arr[:, k] for k, name in enumerate(names)}


def _feature_rows(en: list[str | None], zh: list[str | None], embeddings: bool = False
                  ) -> np.ndarray:
    """``RAW_FEATURES`` of each pair, a row each, and the similarity last with
    ``embeddings`` (also run in worker processes)."""
    enabled = gc.isenabled()
    gc.disable()  # millions of small sets alive: the collector would only slow us down
    try:
        en_n, zh_n = [_nfkc(e) for e in en], [_nfkc(z) for z in zh]
        rows = [_pair_row(e, z) for e, z in zip(en_n, zh_n)]
    finally:
        if enabled:
            gc.enable()
    arr = np.array(rows, dtype=np.float64).reshape(len(rows), len(RAW_FEATURES))
    if embeddings:
        # The texts as given, not NFKC'd: the aligner embedded them so (cache hits).
        arr = np.column_stack([arr, embedding_similarity([e or "" for e in en],
                                                         [z or "" for z in zh])])
    return arr


def embedding_similarity(en: Sequence[str], zh: Sequence[str]) -> np.ndarray:
    """Cosine of each pair's sentence embeddings (``align.semantic.similarities``),
    ``EMBED_CHUNK`` pairs at a time; 0 where a side is blank."""
    from align.semantic import similarities

    out = np.zeros(len(en))
    live = [k for k, (e, z) in enumerate(zip(en, zh)) if e.strip() and z.strip()]
    for k in range(0, len(live), EMBED_CHUNK):
        rows = live[k:k + EMBED_CHUNK]
        out[rows] = similarities([(en[i], zh[i]) for i in rows])
    return out


def scoring_pool(jobs: int | None = None) -> Executor | None:
    """Processes for ``score_pairs(..., pool=)``: ``jobs`` of them (default: the CPUs
    this process may use), or None for one job. The caller shuts the pool down."""
    if jobs is None:
        jobs = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else \
            os.cpu_count() or 1
    if jobs < 2:
        return None
    return ProcessPoolExecutor(jobs, mp_context=multiprocessing.get_context("spawn"))


def model_inputs(cols: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
    """Every input a scorer may use, from the raw columns (``len_ratio`` centred, and
    ``similarity`` when there). A scorer's ``features`` name the ones it uses."""
    r = np.clip(cols["len_ratio"], -3.0, 3.0)
    log_tokens = np.log1p(cols["n_en"] + cols["n_zh"])
    log_chars_en = np.log1p(cols["chars_en"])
    cov_min = np.minimum(cols["cov_en"], cols["cov_zh"])
    clause_ratio = np.log((cols["clauses_zh"] + 1.0) / (cols["clauses_en"] + 1.0))
    feats = {
        "len_ratio": r,
        "len_ratio_sq": r * r,
        "long_sq": np.maximum(r, 0) ** 2 * log_chars_en,
        "short_sq": np.minimum(r, 0) ** 2 * log_chars_en,
        "len_x_cov_zh": r * cols["cov_zh"],
        "len_x_cov_en": r * cols["cov_en"],
        "cov_en": cols["cov_en"],
        "cov_zh": cols["cov_zh"],
        "cov_min": cov_min,
        "num_agree": cols["num_agree"],
        "purity": cols["purity"],
        "copy": cols["copy"],
        "log_tokens": log_tokens,
        "cov_en_x_log_tokens": cols["cov_en"] * log_tokens,
        "cov_zh_x_log_tokens": cols["cov_zh"] * log_tokens,
        "half_en": cols["half_en"],
        "half_zh": cols["half_zh"],
        "ends_diff": np.minimum(cols["ends_diff"], 3.0),
        "final_agree": cols["final_agree"],
        "hits_en": np.sqrt(cols["hits_en"]),
        "miss_en": np.sqrt(cols["n_en"] - cols["hits_en"]),
        "hits_zh": np.sqrt(cols["hits_zh"]),
        "miss_zh": np.sqrt(cols["n_zh"] - cols["hits_zh"]),
        "log_chars_en": log_chars_en,
        "log_words_en": np.log1p(cols["words_en"]),
        "few_words_en": (cols["words_en"] <= 3).astype(np.float64),
        "final_en": cols["final_en"],
        "final_zh": cols["final_zh"],
        "ends_en": np.minimum(cols["ends_en"], 4.0),
        "ends_zh": np.minimum(cols["ends_zh"], 4.0),
        "clause_ratio": clause_ratio,
        "clause_ratio_sq": clause_ratio * clause_ratio,
        "sense_len_zh": np.log1p(cols["han_zh"] / np.maximum(cols["parts_zh"], 1.0)),
        "gloss": np.minimum(cols["gloss"], 2.0),
        "unbalanced": np.minimum(cols["unbalanced"], 2.0),
        "han_share_zh": cols["han_zh"] / np.maximum(cols["chars_zh"], 1.0),
    }
    if "similarity" in cols:
        sim = np.clip(cols["similarity"], -1.0, 1.0)
        feats.update({
            "sim": sim,
            "sim_sq": sim * sim,
            "sim_x_log_tokens": sim * log_tokens,
            "sim_x_cov_min": sim * cov_min,
            "sim_x_abs_len": sim * np.abs(r),
            "sim_x_few_words": sim * feats["few_words_en"],
        })
    return feats


def design_matrix(cols: dict[str, np.ndarray], features: Sequence[str]) -> np.ndarray:
    """The inputs named by ``features`` (a scorer's), one column each."""
    feats = model_inputs(cols)
    return np.column_stack([feats[name] for name in features]).astype(np.float64)


def sigmoid(z: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-np.clip(z, -40.0, 40.0)))


class ModelError(Exception):
    """The quality model's weights are missing or do not fit this code."""


def _read_model(path: Path) -> tuple[dict[str, Any] | None, str]:
    try:
        raw = path.read_bytes()
    except OSError:
        return None, "missing"
    return json.loads(raw), hashlib.sha1(raw).hexdigest()[:10]


MODEL, _MODEL_HASH = _read_model(MODEL_PATH)


def quality_signature(scorer: str = DEFAULT_SCORER) -> str:
    """What produced a ``quality`` column: code version, weights (hash), scorer, its
    inputs, training data and calibration, as stored in ``bitext.quality_signature``."""
    spec = ((MODEL or {}).get("scorers") or {}).get(scorer) or {}
    train = (MODEL or {}).get("training", {}).get("data_short", "?")
    calibration = spec.get("calibration", {}).get("method", "?")
    features = "+".join(spec.get("features", ())) or "?"
    return (f"quality:{QUALITY_VERSION}|lex:cedict|model:{_MODEL_HASH}|scorer:{scorer}"
            f"{'|emb:use-m3' if scorer == 'embedding' else ''}|train:{train}"
            f"|calib:{calibration}|features:{features}")


QUALITY_SIGNATURE = quality_signature(DEFAULT_SCORER)


def _scorer(name: str = DEFAULT_SCORER) -> dict[str, Any]:
    if name not in SCORERS:
        raise ModelError(f"unknown scorer {name!r}; choose {' or '.join(SCORERS)}")
    if MODEL is None:
        raise ModelError(
            f"{MODEL_PATH}: no quality model; run `python benchmarks/train_quality.py --write`"
        )
    spec = (MODEL.get("scorers") or {}).get(name)
    if MODEL.get("version") != QUALITY_VERSION or spec is None:
        raise ModelError(f"{MODEL_PATH}: not a version {QUALITY_VERSION} model with a "
                         f"{name!r} scorer; retrain it (benchmarks/train_quality.py)")
    known = set(model_inputs(_EXAMPLE_COLUMNS))
    unknown = [f for f in spec["features"] if f not in known]
    if unknown:
        raise ModelError(f"{MODEL_PATH}: inputs this version lacks: {', '.join(unknown)}")
    return spec


def default_min_score(scorer: str = DEFAULT_SCORER) -> float:
    """The ``quality`` threshold a default export keeps: the lowest that gave at least the
    model's target precision (0.97) on the dev sets' aligner output, documents held out."""
    return float(_scorer(scorer)["threshold"])


def model_logit(cols: dict[str, np.ndarray], spec: dict[str, Any]) -> np.ndarray:
    """The model's log-odds (before calibration) for each pair: a logistic regression
    (``kind: logistic``) or boosted trees (``kind: trees``)."""
    x = design_matrix(cols, spec["features"])
    if spec.get("kind", "logistic") == "trees":
        return float(spec["base"]) + sum(
            (tree_values(x, tree) for tree in spec["trees"]), np.zeros(len(x)))
    z = (x - np.asarray(spec["mean"])) / np.asarray(spec["scale"])
    return z @ np.asarray(spec["weights"]) + float(spec["bias"])


def tree_values(x: np.ndarray, tree: dict[str, Any]) -> np.ndarray:
    """One regression tree's leaf value for each row of ``x``: nodes as parallel lists
    (``feature`` -1 at a leaf; left when ``x[feature] <= threshold``)."""
    feature = np.asarray(tree["feature"])
    threshold = np.asarray(tree["threshold"], dtype=np.float64)
    left, right = np.asarray(tree["left"]), np.asarray(tree["right"])
    node = np.zeros(len(x), dtype=np.int64)
    rows = np.arange(len(x))
    for _ in range(int(tree["depth"])):
        f = feature[node]
        go = np.where(x[rows, np.maximum(f, 0)] <= threshold[node], left[node], right[node])
        node = np.where(f < 0, node, go)
    return np.asarray(tree["value"], dtype=np.float64)[node]


def calibrate(logit: np.ndarray, calibration: dict[str, Any]) -> np.ndarray:
    """Platt scaling: ``sigmoid(a * logit + b)``, fitted on held-out aligner output."""
    return sigmoid(float(calibration["a"]) * logit + float(calibration["b"]))


def model_probability(cols: dict[str, np.ndarray], spec: dict[str, Any]) -> np.ndarray:
    """The calibrated probability that each pair is a full translation."""
    return calibrate(model_logit(cols, spec), spec["calibration"])


def score_pairs(
    en: Sequence[str | None],
    zh: Sequence[str | None],
    align_score: Sequence[float | None] | None = None,
    *,
    pool: Executor | None = None,
    scorer: str = DEFAULT_SCORER,
) -> dict[str, list]:
    """The quality columns (``QUALITY_COLUMNS``) of a batch of pairs, as lists.

    :param align_score: the aligner's bead scores in [0, 1], checked for length. Where one
        is given (not None or NaN), ``quality`` is ``(1 - w) * p + w * align_score`` with
        ``w`` the model's ``align_weight`` (0 in the shipped model: the bead score is
        left out, so a pair scores the same wherever it comes from).
    :param pool: worker processes from ``scoring_pool`` for large batches.
    :param scorer: ``embedding`` (the store's) or ``lexical`` (no embeddings; faster).
    """
    spec = _scorer(scorer)
    if align_score is not None and len(align_score) != len(en):
        raise ValueError(f"{len(align_score)} align scores for {len(en)} pairs")
    cols = raw_features(en, zh, pool, embeddings=scorer == "embedding")
    cols["len_ratio"] = cols["log_ratio"] - float(MODEL["expected_log_ratio"])  # type: ignore[index]
    quality = model_probability(cols, spec)
    if align_score is not None:
        quality = mix_align_score(quality, align_score, float(spec.get("align_weight", 0.0)))
    cols["quality"] = quality
    out = {name: np.round(cols[name], 4).astype(np.float32).tolist()
           for name in QUALITY_COLUMNS if name in cols}
    if "similarity" not in out:
        out["similarity"] = [None] * len(en)
    return {name: out[name] for name in QUALITY_COLUMNS}


def mix_align_score(p: np.ndarray, align_score: Sequence[float | None], weight: float
                    ) -> np.ndarray:
    """``(1 - weight) * p + weight * align_score`` where the bead score is present."""
    if weight == 0.0:
        return p
    a = np.array([np.nan if s is None else s for s in align_score], dtype=np.float64)
    mixed = (1.0 - weight) * p + weight * np.clip(np.nan_to_num(a), 0.0, 1.0)
    return np.where(np.isfinite(a), mixed, p)


# One row of raw columns, to check a model's inputs against this version's.
_EXAMPLE_COLUMNS = {name: np.zeros(1) for name in (*RAW_FEATURES, "len_ratio", "similarity")}


def _scored(batch: pl.DataFrame, pool: Executor | None) -> pl.DataFrame:
    """A batch of pair rows with its quality columns (re)computed."""
    scores = score_pairs(
        batch["en"].to_list(),
        batch["zh"].to_list(),
        batch["align_score"].to_list() if "align_score" in batch.columns else None,
        pool=pool,
    )
    return batch.drop(list(QUALITY_COLUMNS), strict=False).with_columns(
        pl.Series(name, scores[name], dtype=dtype) for name, dtype in QUALITY_COLUMNS.items()
    )


def rescore_store(out: Path, jobs: int | None = None) -> None:
    """Recompute the quality columns of a store's ``pairs.parquet`` in place.

    Other columns and the key-value metadata are kept; ``bitext.quality_signature`` is
    added or replaced. Rows go through in batches written to part files beside the store,
    merged by a streaming sink, and the result replaces the file atomically: a killed run
    leaves the old file whole, and a second run writes the same content. A store of
    ``PARALLEL_MIN`` rows or more is scored by ``jobs`` processes (default: one per CPU).
    """
    from corpus.store import StoreError, pairs_path, replace_atomically

    final = pairs_path(Path(out))
    if not final.is_file():
        raise StoreError(f"{out}: not a pair store (no {final.name}); run `bitext align` first")
    _scorer()  # fail before any work when there is no model
    metadata = dict(pl.read_parquet_metadata(final))
    metadata.pop("ARROW:schema", None)  # the writer makes its own
    metadata[SIGNATURE_KEY] = QUALITY_SIGNATURE
    metadata = dict(sorted(metadata.items()))  # the order a reader gives back: same bytes
    lazy = pl.scan_parquet(final)
    schema = lazy.collect_schema()
    missing = [c for c in ("en", "zh") if c not in schema]
    if missing:
        raise StoreError(f"{final}: no column {', '.join(missing)}")
    n_rows = lazy.select(pl.len()).collect().item()
    pool = scoring_pool(jobs) if n_rows >= PARALLEL_MIN else None
    for stale in final.parent.glob(f"{SCRATCH_PREFIX}*"):  # left by a killed run
        shutil.rmtree(stale, ignore_errors=True)
    scratch = Path(tempfile.mkdtemp(prefix=SCRATCH_PREFIX, dir=final.parent))
    try:
        parts = []
        for k, batch in enumerate(lazy.collect_batches(chunk_size=BATCH_ROWS)):
            part = scratch / f"part-{k:06d}.parquet"
            _scored(batch, pool).write_parquet(part)
            parts.append(part)
        tmp = scratch / final.name
        if parts:
            pl.scan_parquet(parts).sink_parquet(tmp, metadata=metadata)
        else:
            empty = pl.DataFrame(schema=schema).with_columns(
                pl.lit(None, dtype=dtype).alias(name) for name, dtype in QUALITY_COLUMNS.items()
            )
            empty.write_parquet(tmp, metadata=metadata)
        replace_atomically(tmp, final)
    finally:
        if pool is not None:
            pool.shutdown(cancel_futures=True)
        shutil.rmtree(scratch, ignore_errors=True)
