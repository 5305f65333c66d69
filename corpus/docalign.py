"""Document alignment: pair English-only and Chinese-only files by what they say.

For the files no name or folder rule paired (``corpus.articles``), as bitextor does for
crawled pages: each Chinese file's words are mapped to English stems through the
dictionary (``align.lexicon``, a word with k stems giving 1/k to each of those the
English files use), each English file's words stemmed. Candidates come from an inverted
index: TF-IDF profiles of stems, each file's most distinctive stems joined on (not all
n x m comparisons), the best few by cosine kept. A candidate pair is then scored by the
cosine of TF-IDF profiles of stems *at their place* in the file (which quarter, on two
grids offset by an eighth): a translation says the same things in the same order, while
two chapters of one book share their names and words everywhere (on the first fit
sets of ``benchmarks/docalign_bench.py``, at precision 1.0, placed profiles kept 0.984
of the right pairs, plain ones 0.929). A Chinese word stands for the SENSES of its
dictionary stems most English files of the folder have, and the score is damped when
the two files' lengths stray from the folder's usual ratio.

A pair is made only between two files that are each other's best match, score at least
``MIN_SCORE`` and beat the runner-up of either file by ``MIN_MARGIN``: two chapters of one
story can be each other's best match without being translations, but then a third file
scores nearly as well. Both are fitted by ``benchmarks/docalign_bench.py --fit``; a file
without such a match stays alone. Never forced: a wrong file pair poisons every sentence
pair from it.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import polars as pl

from corpus.blocks import ReadError

# Fitted by benchmarks/docalign_bench.py --fit on 18 sets of its own (every wrong mutual
# best match of them below one of the two); the figures are in that script's docstring.
MIN_SCORE = 0.14
MIN_MARGIN = 0.071
SMALL_MIN = 0.177  # the whole profiles' cosine needed among fewer than LARGE_FOLDER files
LARGE_FOLDER = 100  # files of each language that make the stems they share a vocabulary
TOP_STEMS = 40  # a profile's most distinctive stems, indexed to find candidates
POSTINGS = 200  # a stem's files in the index: those it weighs most in
PART_FILES = 500  # Chinese files whose candidates are found and scored at a time
SENSES = 3  # a Chinese word's stems kept: those most English files have
CANDIDATES = 4  # per file, scored in full
PLACES = 4  # a file's stretches for the placed profiles (two grids: 2 x PLACES + 1 keys)
ZH_MIN_SHARE = 0.6  # a Chinese file: at least this share of its text Chinese
EN_MAX_SHARE = 0.05  # an English file: at most this share
LATIN_PER_HAN = 3.0  # English letters that say about as much as one Chinese character
MIN_STEMS = 5  # a file with fewer distinct stems says too little to be matched
# Three standard deviations of the log ratio of Chinese words to English stems of the
# right pairs of benchmarks/docalign_bench.py's fit sets (0.095).
LENGTH_TOLERANCE = 0.3
SIGNATURE = (f"docalign:1|min_score:{MIN_SCORE}|min_margin:{MIN_MARGIN}|"
             f"small_min:{SMALL_MIN},{LARGE_FOLDER}|senses:{SENSES}|places:{PLACES}|postings:{POSTINGS}|"
             f"top:{TOP_STEMS}|candidates:{CANDIDATES}|length:{LENGTH_TOLERANCE}")
"""Every setting of document alignment that changes which files pair."""

_HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
_LATIN = re.compile(r"[A-Za-z]")


@dataclass(frozen=True)
class DocumentMatch:
    """Two files found to be translations of each other, and their placed cosine."""

    en: str
    zh: str
    score: float


def chinese_share(text: str) -> float:
    """How much of ``text`` is Chinese: Han characters against English letters, one
    character weighing LATIN_PER_HAN letters; 0.0 for text with neither."""
    han = len(_HAN.findall(text))
    latin = len(_LATIN.findall(text)) / LATIN_PER_HAN
    return han / (han + latin) if han + latin else 0.0


def english_features(text: str) -> list[str]:
    """Stems (and numbers) of English text, in order."""
    from align.lexicon import en_features

    return en_features(text)


def chinese_features(text: str) -> list[tuple[str, ...]]:
    """For each Chinese word of ``text`` that stands for any, in order, the English
    stems (numbers, English words) it stands for."""
    from align.lexicon import Lexicon

    lexicon = Lexicon.load()
    return [f for f in map(lexicon.word_features, lexicon.zh_words(text)) if f]


Profile = tuple[str, Sequence[str] | Sequence[tuple[str, ...]]]


def file_profile(root: Path, rel: str) -> Profile | None:
    """``("en", english_features)`` or ``("zh", chinese_features)`` of a file that holds
    one language; None for a bilingual, empty or unreadable file."""
    from corpus.read import read_blocks

    try:
        text = "\n".join(b.text for b in read_blocks(root / rel, root))
    except ReadError:
        return None  # the article's own row reports the error
    share = chinese_share(text)
    if share >= ZH_MIN_SHARE:
        return "zh", chinese_features(text)
    if share <= EN_MAX_SHARE and _LATIN.search(text):
        return "en", english_features(text)
    return None


def match_files(root: Path, files: Iterable[str]) -> list[DocumentMatch]:
    """The content matches among ``files`` (relative to ``root``)."""
    candidates = list(files)
    if len(candidates) < 2:
        return []
    en: dict[str, Sequence[str]] = {}
    zh: dict[str, Sequence[tuple[str, ...]]] = {}
    for rel in candidates:
        found = file_profile(root, rel)
        if found is not None:
            if found[0] == "en":
                en[rel] = found[1]  # type: ignore[assignment]
            else:
                zh[rel] = found[1]  # type: ignore[assignment]
    return match_profiles(en, zh)


def match_profiles(en: Mapping[str, Sequence[str]], zh: Mapping[str, Sequence[tuple[str, ...]]],
                   min_score: float = MIN_SCORE,
                   min_margin: float = MIN_MARGIN) -> list[DocumentMatch]:
    """The mutual best matches scoring ``min_score`` or more and ``min_margin`` more than
    either file's runner-up, by English name. Among fewer than LARGE_FOLDER files of a
    language the stems both languages use are few, and that score says less: there the
    whole profiles' cosine must reach SMALL_MIN too."""
    scored = score_candidates(en, zh)
    best = scored.filter(pl.col("mutual") & (pl.col("score") >= min_score)
                         & (pl.col("margin") >= min_margin)
                         & (pl.col("large") | (pl.col("whole") >= SMALL_MIN)))
    return [DocumentMatch(e, z, s) for e, z, s in
            best.sort("en").select("en", "zh", "score").iter_rows()]


def score_candidates(en: Mapping[str, Sequence[str]],
                     zh: Mapping[str, Sequence[tuple[str, ...]]]) -> pl.DataFrame:
    """Every candidate pair's placed cosine: columns ``en``, ``zh``, ``score`` (over the
    stems both languages of the directory use), ``mutual`` (each file is the other's
    best), ``margin`` (the score less the best other score of either file),
    ``large`` (LARGE_FOLDER files or more of each language) and ``whole`` (the cosine
    over all stems of both files, which a stem only one side uses lowers). For fitting
    the thresholds as well as for matching."""
    empty = pl.DataFrame(schema={"en": pl.String, "zh": pl.String, "score": pl.Float64,
                                 "mutual": pl.Boolean, "margin": pl.Float64,
                                 "large": pl.Boolean, "whole": pl.Float64})
    names_e = [k for k, v in en.items() if len(set(v)) >= MIN_STEMS]
    if not names_e or not zh:
        return empty
    stems: dict[str, int] = {}
    tokens_e = _english_tokens([en[k] for k in names_e], stems)
    df_e = np.bincount(tokens_e.unique(["doc", "stem"])["stem"].to_numpy(),
                       minlength=len(stems))
    names_z, tokens_z = _chinese_tokens(zh, stems, df_e)
    if not names_z:
        return empty
    bag_e, bag_z = _tfidf(tokens_e, tokens_z)
    top = pl.col("w").rank("ordinal", descending=True).over("doc") <= TOP_STEMS
    heaviest = pl.col("w").rank("ordinal", descending=True).over("key") <= POSTINGS

    def index(bag: pl.DataFrame) -> pl.DataFrame:
        """Each file's TOP_STEMS heaviest stems; of a stem's files, the POSTINGS it
        weighs most in: a bounded inverted index."""
        return bag.select("doc", "key", "w").filter(top).filter(heaviest)

    # Candidates: pairs found together in a posting list, by the dot product of the
    # stems they are found under; a few hundred Chinese files at a time, so that memory
    # holds their pairs only (a file's best few overall are among its best few of each).
    index_e, index_z = index(bag_e), index(bag_z)
    del bag_e, bag_z
    pair = (pl.col("doc").cast(pl.UInt64) * _SHIFT + pl.col("doc_e")).alias("pair")
    by_z, by_e = [], []
    for part in _parts(index_z):
        shared = (part.lazy().join(index_e.lazy(), on="key", suffix="_e")
                  .group_by(pair).agg((pl.col("w") * pl.col("w_e")).sum().alias("approx"))
                  .select(*_unpair(), "approx").collect(engine="streaming"))
        by_z.append(_best(shared, "doc").select("doc", "doc_e"))
        by_e.append(_best(shared, "doc_e"))
    pairs = pl.concat([*by_z, _best(pl.concat(by_e), "doc_e").select("doc", "doc_e")]).unique()
    del index_e, index_z, by_z, by_e
    placed_e, placed_z = _tfidf(_placed(tokens_e), _placed(tokens_z))
    lengths_e = pl.DataFrame({"doc_e": np.arange(len(names_e), dtype=np.uint32),
                              "n_e": [len(en[k]) for k in names_e]})
    lengths_z = tokens_z.group_by("doc").agg(pl.col("x").n_unique().alias("n"))
    del tokens_e, tokens_z
    whole_z = placed_z.group_by("doc").agg(pl.col("whole").first())
    whole_e = placed_e.group_by("doc").agg(pl.col("whole").first().alias("whole_e")).rename(
        {"doc": "doc_e"})
    placed_e = placed_e.select(pl.col("doc").alias("doc_e"), "key", pl.col("w").alias("w_e"))
    placed_z = placed_z.select(_place(), "w")
    # Each pair's English entries (the shorter profile: a Chinese word stands for several
    # stems) looked up among its Chinese ones, again part by part.
    exact = pl.concat([
        part.lazy().join(placed_e.lazy(), on="doc_e").select(_place(), pair, "w_e")
        .join(placed_z.lazy(), on="place").group_by("pair")
        .agg((pl.col("w") * pl.col("w_e")).sum().alias("score")).select(*_unpair(), "score")
        .collect(engine="streaming")
        for part in _parts(pairs)])
    exact = (exact.join(whole_z, on="doc").join(whole_e, on="doc_e")
             .join(lengths_z, on="doc").join(lengths_e, on="doc_e")
             .with_columns((pl.col("n") / pl.col("n_e")).log().alias("ratio")))
    # A translation's length follows its original's: the log ratio of Chinese words to
    # English stems is the folder's own (the median of the pairs that are each other's
    # best), give or take LENGTH_TOLERANCE.
    raw_best = ((pl.col("score") == pl.col("score").max().over("doc"))
                & (pl.col("score") == pl.col("score").max().over("doc_e")))
    usual = exact.filter(raw_best)["ratio"].median()
    prior = (-(((pl.col("ratio") - (usual or 0.0)) / LENGTH_TOLERANCE) ** 2) / 2).exp()
    exact = exact.with_columns(pl.col("score") * prior,
                               (pl.col("score") * prior * pl.col("whole") * pl.col("whole_e"))
                               .alias("full"))
    best = ((pl.col("score") == pl.col("score").max().over("doc"))
            & (pl.col("score") == pl.col("score").max().over("doc_e")))

    def runner_up(side: str) -> pl.Expr:  # the second score of a file: the best other one
        return (pl.col("score").sort(descending=True).get(1, null_on_oob=True)
                .over(side).fill_null(0.0))

    large = min(len(names_e), len(names_z)) >= LARGE_FOLDER
    out = exact.with_columns(best.alias("mutual"), (pl.col("score") - pl.max_horizontal(
        runner_up("doc"), runner_up("doc_e"))).alias("margin"),
        pl.lit(large).alias("large")).sort("doc_e", "doc")
    return pl.DataFrame({
        "en": [names_e[i] for i in out["doc_e"]],
        "zh": [names_z[i] for i in out["doc"]],
        "score": out["score"].cast(pl.Float64),
        "mutual": out["mutual"],
        "margin": out["margin"].cast(pl.Float64),
        "large": out["large"],
        "whole": out["full"].cast(pl.Float64),
    }, schema=empty.schema)


def _best(scored: pl.DataFrame, side: str) -> pl.DataFrame:
    """Each ``side`` file's CANDIDATES best pairs by ``approx``."""
    return scored.filter(pl.col("approx").rank("ordinal", descending=True).over(side)
                         <= CANDIDATES)


def _place() -> pl.Expr:
    """A Chinese file's key as one number (file and key packed), for a one-column join."""
    return (pl.col("doc").cast(pl.UInt64) * _SHIFT + pl.col("key")).alias("place")


def _unpair() -> list[pl.Expr]:
    return [(pl.col("pair") // _SHIFT).cast(pl.UInt32).alias("doc"),
            (pl.col("pair") % _SHIFT).cast(pl.UInt32).alias("doc_e")]


_SHIFT = 1 << 32


def _parts(frame: pl.DataFrame) -> list[pl.DataFrame]:
    """``frame`` cut by its Chinese file (``doc``) into PART_FILES files a part."""
    last = int(frame.select(pl.col("doc").max()).item() or 0)
    return [frame.filter(pl.col("doc").is_between(k, k + PART_FILES - 1))
            for k in range(0, last + 1, PART_FILES)]


def _english_tokens(docs: list[Sequence[str]], stems: dict[str, int]) -> pl.DataFrame:
    """English tokens as rows: ``doc``, ``stem`` (an id, added to ``stems``), ``x``
    (place in the file, 0 to 1) and ``w`` (1)."""
    ids = [np.fromiter((stems.setdefault(s, len(stems)) for s in feats), np.uint32,
                       len(feats)) for feats in docs]
    return pl.DataFrame({
        "doc": np.repeat(np.arange(len(docs), dtype=np.uint32), [len(i) for i in ids]),
        "stem": np.concatenate(ids),
        "x": np.concatenate([np.arange(len(i), dtype=np.float32) / len(i) for i in ids]),
        "w": np.ones(sum(map(len, ids)), np.float32),
    }, schema=_TOKENS)


def _df(df_e: np.ndarray, i: int) -> int:
    return int(df_e[i]) if i < len(df_e) else 0


def _chinese_tokens(zh: Mapping[str, Sequence[tuple[str, ...]]], stems: dict[str, int],
                    df_e: np.ndarray) -> tuple[list[str], pl.DataFrame]:
    """The Chinese files with MIN_STEMS stems, and their words as rows of their stems
    (``doc``, ``stem``, ``x``, ``w``): of a word's stems the SENSES most English files
    have (new ones numbered on in ``stems``), each weighing 1/k of the k kept. The words
    are numbered here; their stems join on in polars."""
    words: dict[tuple[str, ...], int] = {}
    word_stems: list[tuple[int, ...]] = []
    names: list[str] = []
    ids: list[np.ndarray] = []
    for name, feats in zh.items():
        doc: list[int] = []
        for f in feats:
            w = words.get(f)
            if w is None:
                w = words[f] = len(word_stems)
                senses = dict.fromkeys(stems.setdefault(s, len(stems)) for s in f)
                # The senses the English files use most: a word's rare glosses are noise.
                word_stems.append(tuple(sorted(senses, key=lambda i: -_df(df_e, i))[:SENSES]))
            if word_stems[w]:
                doc.append(w)
        if len({s for w in set(doc) for s in word_stems[w]}) >= MIN_STEMS:
            names.append(name)
            ids.append(np.asarray(doc, np.uint32))
    if not names:
        return [], pl.DataFrame(schema=_TOKENS)
    table = pl.DataFrame({
        "word": np.repeat(np.arange(len(word_stems), dtype=np.uint32),
                          [len(t) for t in word_stems]),
        "stem": np.fromiter((s for t in word_stems for s in t), np.uint32),
        "w": np.concatenate([np.full(len(t), 1 / len(t), np.float32) for t in word_stems
                             if t]),
    })
    tokens = pl.DataFrame({
        "doc": np.repeat(np.arange(len(ids), dtype=np.uint32), [len(i) for i in ids]),
        "word": np.concatenate(ids),
        "x": np.concatenate([np.arange(len(i), dtype=np.float32) / len(i) for i in ids]),
    })
    return names, tokens.join(table, on="word").select(list(_TOKENS))


_TOKENS = {"doc": pl.UInt32, "stem": pl.UInt32, "x": pl.Float32, "w": pl.Float32}


def _placed(tokens: pl.DataFrame) -> pl.LazyFrame:
    """Tokens keyed by stem and place: the quarter of the file, and on a second grid
    offset by an eighth (so that a boundary splits no pair of places on both)."""
    keys = 2 * PLACES + 1
    first = (pl.col("x") * PLACES).floor().cast(pl.UInt32)
    second = (pl.col("x") * PLACES + 0.5).floor().cast(pl.UInt32) + PLACES
    lazy = tokens.lazy()
    return pl.concat([
        lazy.select("doc", (pl.col("stem") * keys + first).alias("stem"), "w"),
        lazy.select("doc", (pl.col("stem") * keys + second).alias("stem"), "w"),
    ])


def _tfidf(tokens_e: pl.DataFrame | pl.LazyFrame,
           tokens_z: pl.DataFrame | pl.LazyFrame) -> tuple[pl.DataFrame, pl.DataFrame]:
    """TF-IDF vectors (``doc``, ``key``, ``w``, ``whole``) of both sides on the keys both
    use, of unit length there; tf is ``1 + ln(count)`` for a count of 1 or more, else the count (a share
    of a Chinese word); idf is ``ln(1 + n / df)`` over the files of both sides (not 0
    for a stem every file has, so that two files alone can still match)."""
    counts_e, counts_z = (t.lazy().group_by("doc", "stem").agg(pl.col("w").sum())
                          .collect(engine="streaming") for t in (tokens_e, tokens_z))
    n = counts_e["doc"].n_unique() + counts_z["doc"].n_unique()
    df = (counts_e.group_by("stem").len()
          .join(counts_z.group_by("stem").len(), on="stem", how="full", suffix="_z",
                coalesce=True)
          .select("stem", (1 + n / (pl.col("len").fill_null(0) + pl.col("len_z").fill_null(0)))
                  .log().cast(pl.Float32).alias("idf"),
                  (pl.col("len").is_not_null() & pl.col("len_z").is_not_null()).alias("both")))

    def vectors(counts: pl.DataFrame) -> pl.DataFrame:
        """Normalised over the keys both sides use (the others add to no dot product);
        ``whole`` is that norm over the norm of all the file's keys."""
        tf = pl.when(pl.col("w") >= 1).then(1 + pl.col("w").log()).otherwise(pl.col("w"))
        weighted = (counts.lazy().join(df.lazy(), on="stem")
                    .select("doc", pl.col("stem").alias("key"), (tf * pl.col("idf")).alias("w"),
                            "both")
                    .filter(pl.col("w") > 0))
        norms = weighted.group_by("doc").agg(
            (pl.col("w") ** 2).filter("both").sum().sqrt().alias("norm"),
            (pl.col("w") ** 2).sum().sqrt().alias("all"))
        return (weighted.filter("both").join(norms, on="doc")
                .select("doc", "key", (pl.col("w") / pl.col("norm")).cast(pl.Float32).alias("w"),
                        (pl.col("norm") / pl.col("all")).cast(pl.Float32).alias("whole"))
                .collect(engine="streaming"))

    return vectors(counts_e), vectors(counts_z)
