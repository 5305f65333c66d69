"""Train, calibrate and measure the pair-quality model (``corpus/quality_model.json``).

Positives are the gold pairs of every dev genre: mac-dev (literary chapters), ParaMed
(medicine), NTREX-128 (news), the Bible (001, verse-level gold) and the pairs of
articles-dev's ``gold.jsonl`` that those sets do not already give. Negatives are made from
them to look like the errors found in real stores (issue 20):

- ``neighbour``: a side replaced by the next or previous pair's (a shifted alignment)
- ``merged``: a side joined with its neighbour's (a 1-1 that should be 1-2)
- ``clause_dropped``: one clause (between commas, semicolons, colons) left out of a side
- ``cut``: a side cut mid-sentence, at 35-75 % of its characters
- ``same_article``: a sentence of the same document two or more pairs away
- ``shuffled``: a sentence of another document of the genre
- ``untranslated``: English in the Chinese column (or Chinese in the English one)
- ``copy``: the English side copied into the Chinese column
- ``gloss``: vocabulary glosses built from CC-CEDICT entries (``alas [əˈlæs]`` /
  ``唉；呜呼``: the entry itself with IPA or a part-of-speech tag, a gloss paired with a
  sentence of the article or with another gloss, lists of words and senses)

The aligner's real output is labelled too: ``align.align_sentences`` on each dev
document (and on copies with an untranslated stretch: a Chinese sentence in eight
deleted, or replaced by one of another document), each predicted bead with both sides
*right* when the gold has the identical bead (strict; the Bible at verse level, merged by
the Bertalign paper's rule). ``complete`` beads (exact unions of whole gold beads, a full
translation grouped coarser) are counted apart.

Every document is in one of two folds (NTREX articles alternately, ParaMed docs 1,4,5 /
2,3,6, mac-dev chapters odd / even, Bible chapters alternately); each fold is scored by
the model fitted on the other (synthetic pairs and aligner output of its documents), so
every figure below is on documents the model never saw. The calibration (Platt scaling
of the model's log-odds to the held-out aligner output, genres weighted alike) is itself
cross-fitted for the reliability table. The shipped model is fitted on both folds and
calibrated on all the held-out log-odds; its default threshold is the lowest quality
whose held-out precision on the aligner output (genres alike) is at least 0.97.

    .venv/bin/python benchmarks/train_quality.py [--write] [--refresh]

Aligner output and embedding similarities are cached in ``bench-out/quality/``
(``--refresh`` recomputes them).
"""

from __future__ import annotations

import argparse
import gzip
import json
import pickle
import random
import re
import sys
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, ClassVar

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _measure import DATA, ROOT, require_data

from align import Bead, align_sentences
from align.lexicon import _cedict_path
from corpus import quality
from corpus.beadfiles import read_beads, read_lines, verse_merge
from corpus.pipeline import MIN_EN_WORDS

CACHE = ROOT / "bench-out" / "quality"
GENRES = ("mac-dev", "ParaMed", "NTREX", "Bible")
SEED = 20
L2 = 1e-3  # ridge penalty on the standardised weights (per unit of total sample weight)
TARGET_PRECISION = 0.97
CAL_SYNTHETIC = 0.1  # synthetic negatives in the calibration, relative to aligner output
# Weight of each negative type, relative to the positives' total of 1 (per genre).
TYPE_WEIGHT = {"neighbour": 0.2, "merged": 0.15, "clause_dropped": 0.15, "cut": 0.15,
               "same_article": 0.05, "shuffled": 0.05, "untranslated": 0.05, "copy": 0.03,
               "gloss": 0.17}
NEGATIVES = tuple(TYPE_WEIGHT)
ALIGNER_WEIGHT = 3.0  # aligner output of the training fold, relative to the synthetic pairs
_WORD = re.compile(r"[A-Za-z]+")

# Inputs of each scorer (``corpus.quality.model_inputs``).
LEXICAL = (
    "len_ratio", "len_ratio_sq", "long_sq", "short_sq", "len_x_cov_zh", "len_x_cov_en",
    "cov_en", "cov_zh", "cov_min", "num_agree", "purity", "copy", "log_tokens",
    "cov_en_x_log_tokens", "cov_zh_x_log_tokens", "half_en", "half_zh", "ends_diff",
    "final_agree", "hits_en", "miss_en", "hits_zh", "miss_zh", "log_chars_en",
    "log_words_en", "few_words_en", "final_en", "final_zh", "ends_en", "ends_zh",
    "clause_ratio", "clause_ratio_sq", "sense_len_zh", "gloss", "unbalanced",
)
EMBEDDING = LEXICAL + ("sim", "sim_sq", "sim_x_log_tokens", "sim_x_cov_min", "sim_x_abs_len",
                       "sim_x_few_words")
# Boosted trees need no squares or products: each input once.
TREE_LEXICAL = (
    "len_ratio", "cov_en", "cov_zh", "cov_min", "num_agree", "purity", "copy", "log_tokens",
    "half_en", "half_zh", "ends_diff", "final_agree", "hits_en", "miss_en", "hits_zh",
    "miss_zh", "log_chars_en", "log_words_en", "final_en", "final_zh", "ends_en", "ends_zh",
    "clause_ratio", "sense_len_zh", "gloss", "unbalanced", "han_share_zh",
)
TREE_EMBEDDING = TREE_LEXICAL + ("sim",)
SCORER_FEATURES = {"embedding": EMBEDDING, "lexical": LEXICAL}
TREE_FEATURES = {"embedding": TREE_EMBEDDING, "lexical": TREE_LEXICAL}
TREES = {"n_trees": 300, "depth": 4, "rate": 0.1, "bins": 64, "min_hessian": 5.0, "l2": 1.0}


# -- the dev documents -------------------------------------------------------------------


@dataclass
class Doc:
    """A dev document: sentences, gold beads (English → Chinese) and folds."""

    genre: str
    name: str
    en: list[str]
    zh: list[str]
    gold: list[Bead]
    fold_en: list[int]  # fold of each English sentence (a document's, or its chapter's)
    verses: tuple[list[str], list[str]] | None = None  # the Bible: verse of each line
    align: bool = True  # articles-dev renders: their pairs only, not aligned again

    def fold_of(self, bead: Bead) -> int:
        return self.fold_en[bead.src[0]] if bead.src else self.fold_en[0]

    def text(self, bead: Bead) -> tuple[str, str]:
        return (" ".join(self.en[i] for i in bead.src).strip(),
                "".join(self.zh[j] for j in bead.tgt).strip())


def _flipped(path: Path) -> list[Bead]:
    return [Bead(b.tgt, b.src) for b in read_beads(path)]  # [zh]:[en] -> [en]:[zh]


def load_docs() -> list[Doc]:
    docs = []
    mac = DATA / "mac-dev"
    for n in range(1, 7):
        en, zh = read_lines(mac / f"00{n}.en"), read_lines(mac / f"00{n}.zh")
        docs.append(Doc("mac-dev", f"00{n}", en, zh, _flipped(mac / "gold" / f"00{n}.align"),
                        [n % 2] * len(en)))
    paramed = DATA / "paramed-dev"
    for n in range(1, 7):
        en, zh = read_lines(paramed / f"doc{n}.en"), read_lines(paramed / f"doc{n}.zh")
        docs.append(Doc("ParaMed", f"doc{n}", en, zh,
                        _flipped(paramed / "gold" / f"doc{n}.align"),
                        [int(n in (2, 3, 6))] * len(en)))
    ntrex = DATA / "ntrex"
    en_all = read_lines(ntrex / "newstest2019-src.eng.txt")
    zh_all = read_lines(ntrex / "newstest2019-ref.zho-CN.txt")
    order: dict[str, list[int]] = {}
    for i, doc_id in enumerate(read_lines(ntrex / "DOCUMENT_IDS.tsv")):
        order.setdefault(doc_id.strip(), []).append(i)
    for k, (doc_id, lines) in enumerate(order.items()):
        docs.append(Doc("NTREX", doc_id, [en_all[i] for i in lines], [zh_all[i] for i in lines],
                        [Bead((i,), (i,)) for i in range(len(lines))], [k % 2] * len(lines)))
    bible = DATA / "bible"
    en, zh = read_lines(bible / "001.en"), read_lines(bible / "001.zh")
    en_verse = read_lines(bible / "en.verse")[: len(en)]
    zh_verse = read_lines(bible / "zh.verse")[: len(zh)]
    chapters: dict[str, int] = {}
    fold_en = [chapters.setdefault(v.rsplit(":", 1)[0], len(chapters)) % 2 for v in en_verse]
    docs.append(Doc("Bible", "001", en, zh, read_beads(bible / "gold" / "001.align"), fold_en,
                    (en_verse, zh_verse)))
    return docs + load_articles_dev(docs)


def load_articles_dev(base: list[Doc]) -> list[Doc]:
    """articles-dev's gold pairs the base sets do not already give, one document per
    article, in the fold of the base document its pairs come from."""
    known: dict[str, tuple[str, int]] = {}
    seen: set[tuple[str, str]] = set()
    for d in base:
        for b in d.gold:
            if b.src and b.tgt:
                en, zh = d.text(b)
                seen.add((en, zh))
                for i in b.src:
                    known.setdefault(d.en[i].strip(), (d.genre, d.fold_en[i]))
    genre_of = {"bible": "Bible", "nejm": "ParaMed", "news": "NTREX"}
    docs = []
    for line in (DATA / "articles-dev" / "gold.jsonl").read_text(encoding="utf-8").splitlines():
        article = json.loads(line)
        pairs = [(p["en"].strip(), p["zh"].strip()) for p in article["pairs"]]
        folds = Counter(known[s][1] for e, _ in pairs for s in _sentences_in(e, known))
        if not folds:
            continue
        new = [(e, z) for e, z in pairs if (e, z) not in seen and e and z]
        if not new:
            continue
        genre = genre_of.get(re.sub(r"[_\d].*$", "", article["name"]), "NTREX")
        fold = folds.most_common(1)[0][0]
        docs.append(Doc(genre, f"articles-dev/{article['name']}", [e for e, _ in new],
                        [z for _, z in new], [Bead((i,), (i,)) for i in range(len(new))],
                        [fold] * len(new), align=False))
    return docs


def _sentences_in(text: str, known: dict[str, Any]) -> list[str]:
    if text in known:
        return [text]
    return [s for s in known if len(s) > 20 and s in text][:3]


# -- synthetic negatives -----------------------------------------------------------------


@dataclass
class Examples:
    """Labelled pairs and where they come from."""

    en: list[str] = field(default_factory=list)
    zh: list[str] = field(default_factory=list)
    label: list[int] = field(default_factory=list)  # 1: a full translation
    kind: list[str] = field(default_factory=list)  # "gold", a negative type, or "aligner"
    genre: list[str] = field(default_factory=list)
    fold: list[int] = field(default_factory=list)
    source: list[str] = field(default_factory=list)  # synthetic, aligner, aligner_corrupt
    complete: list[int] = field(default_factory=list)  # aligner: a union of gold beads
    run: list[int] = field(default_factory=list)  # aligner: the run (rows in order); -1

    def add(self, en: str, zh: str, label: int, kind: str, genre: str, fold: int,
            source: str = "synthetic", complete: int | None = None, run: int = -1) -> None:
        self.en.append(en)
        self.zh.append(zh)
        self.label.append(label)
        self.kind.append(kind)
        self.genre.append(genre)
        self.fold.append(fold)
        self.source.append(source)
        self.complete.append(label if complete is None else complete)
        self.run.append(run)

    def arrays(self) -> dict[str, np.ndarray]:
        return {k: np.asarray(getattr(self, k)) for k in
                ("label", "kind", "genre", "fold", "source", "complete", "run")}


class Glosses:
    """Vocabulary glosses in the shape study material prints them, from CC-CEDICT."""

    POS = ("n.", "v.", "vt.", "vi.", "adj.", "adv.", "prep.", "conj.", "int.")
    IPA: ClassVar[dict[str, tuple[str, ...]]] = {"a": ("æ", "ə", "eɪ", "ɑː"), "e": ("e", "ə", "iː"), "i": ("ɪ", "aɪ"),
           "o": ("ɒ", "əʊ", "ɔː"), "u": ("ʌ", "uː", "ʊ"), "y": ("ɪ", "aɪ"), "th": ("θ", "ð"),
           "sh": ("ʃ",), "ch": ("tʃ",), "ng": ("ŋ",), "c": ("k", "s"), "x": ("ks",),
           "r": ("r", "ɹ"), "j": ("dʒ",), "g": ("g", "dʒ")}

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        senses: dict[str, list[str]] = {}
        line_re = re.compile(r"^(\S+) (\S+) \[[^\]]*\] /(.*)/\s*$")
        with gzip.open(_cedict_path(), "rt", encoding="utf-8") as fh:
            for line in fh:
                m = line_re.match(line)
                if not m or line.startswith("#"):
                    continue
                first = m.group(3).split("/")[0].strip()
                first = re.sub(r"\([^)]*\)", "", first).strip()
                if re.fullmatch(r"(?:to )?[a-z]{3,}(?:-[a-z]+)?", first):
                    word = first.removeprefix("to ")
                    senses.setdefault(word, []).append(m.group(2))
        self.words = sorted(senses)
        self.senses = senses

    def ipa(self, word: str) -> str:
        out, i = [], 0
        while i < len(word):
            two = word[i:i + 2]
            if two in self.IPA:
                out.append(self.rng.choice(self.IPA[two]))
                i += 2
            else:
                out.append(self.rng.choice(self.IPA.get(word[i], (word[i],))))
                i += 1
        at = self.rng.randrange(max(1, len(out) - 1))
        body = "".join(out[:at]) + "ˈ" + "".join(out[at:])
        return self.rng.choice((f"[{body}]", f" [{body}]", f" /{body}/", f"/{body}/"))

    def entry(self) -> tuple[str, str]:
        """One gloss: ``word [IPA] pos.`` and its senses ``唉；呜呼``."""
        rng = self.rng
        word = rng.choice(self.words)
        senses = list(dict.fromkeys(self.senses[word]))[: rng.randint(1, 3)]
        if rng.random() < 0.4:
            senses.append(rng.choice(self.senses[rng.choice(self.words)]))
        pos = rng.choice(self.POS)
        en = word
        marks = rng.choice(("ipa", "ipa_pos", "pos", "pos_zh"))
        if "ipa" in marks:
            en += self.ipa(word)
        if marks in ("ipa_pos", "pos"):
            en += f" {pos}"
        zh = rng.choice(("；", ";", "，", "、")).join(senses)
        if marks == "pos_zh":
            zh = f"{pos} {zh}"
        return en, zh

    def word_list(self) -> tuple[str, str]:
        """A list of words and a list of senses that do not match them in order."""
        rng = self.rng
        words = rng.sample(self.words, rng.randint(3, 6))
        others = rng.sample(self.words, len(words))
        zh = rng.choice(("、", "；", " ")).join(self.senses[w][0] for w in others)
        return rng.choice((", ", " ", "; ")).join(words), zh


def _clauses(text: str, zh: bool) -> list[str]:
    pattern = r"(?<=[，；：,;:])" if zh else r"(?<=[,;:])\s+"
    return [p for p in re.split(pattern, text) if p.strip()]


def drop_clause(text: str, zh: bool, rng: random.Random) -> str | None:
    """The text with one of its clauses left out, or None for a single clause."""
    parts = _clauses(text, zh)
    if len(parts) < 2:
        return None
    k = rng.randrange(len(parts))
    final = re.search(r"[.!?。！？…][\"'”’」』)）]*\s*$", text)
    kept = parts[:k] + parts[k + 1:]
    if k == len(parts) - 1:  # the last clause went: end the text as it ended
        kept[-1] = re.sub(r"[，；：,;:]\s*$", "", kept[-1]) + (final.group(0).strip() if final
                                                           else "")
    out = ("" if zh else " ").join(p.strip() for p in kept)
    return out if len(out) >= 0.25 * len(text) else None


def cut(text: str, zh: bool, rng: random.Random) -> str | None:
    """The text cut mid-sentence at 35-75 % of its characters (at a space in English)."""
    at = round(len(text) * rng.uniform(0.35, 0.75))
    if not zh:
        at = text.rfind(" ", 0, at)
    piece = text[:at].rstrip(" ,;:，；：、")
    return piece if len(piece) >= 2 and piece != text else None


def make_examples(docs: list[Doc], seed: int = SEED) -> Examples:
    """Gold pairs and negatives of every type, made within each document."""
    rng = random.Random(seed)
    glosses = Glosses(rng)
    ex = Examples()
    pool: dict[str, list[Doc]] = {}
    for d in docs:
        pool.setdefault(d.genre, []).append(d)
    for d in docs:
        pairs = [(b, *d.text(b)) for b in d.gold if b.src and b.tgt]
        pairs = [(b, e, z) for b, e, z in pairs
                 if e and z and len(_WORD.findall(e)) >= MIN_EN_WORDS]
        n = len(pairs)
        others = [o for o in pool[d.genre] if o is not d and o.en and o.zh] or [d]
        for i, (b, en, zh) in enumerate(pairs):
            fold, g = d.fold_of(b), d.genre

            def neg(e: str | None, z: str | None, kind: str, pair: tuple[str, str] = (en, zh),
                    g: str = g, fold: int = fold) -> None:
                if e and z and (e, z) != pair:
                    ex.add(e, z, 0, kind, g, fold)

            ex.add(en, zh, 1, "gold", g, fold)
            if n > 1:
                j = i + 1 if (i == 0 or (i + 1 < n and rng.random() < 0.5)) else i - 1
                _, en_j, zh_j = pairs[j]
                if rng.random() < 0.6:
                    neg(en, zh_j, "neighbour")
                else:
                    neg(en_j, zh, "neighbour")
                if rng.random() < 0.6:
                    neg(en, zh + zh_j if j > i else zh_j + zh, "merged")
                else:
                    neg(f"{en} {en_j}" if j > i else f"{en_j} {en}", zh, "merged")
                far = [k for k in range(n) if abs(k - i) >= 2]
                if far:
                    zh_k = pairs[rng.choice(far)][2]
                    neg(en, zh_k, "same_article")
                neg(en, en_j, "untranslated") if rng.random() < 0.7 else neg(zh_j, zh,
                                                                            "untranslated")
            side_zh = rng.random() < 0.6
            dropped = drop_clause(zh if side_zh else en, side_zh, rng)
            if dropped is None:
                side_zh = not side_zh
                dropped = drop_clause(zh if side_zh else en, side_zh, rng)
            if dropped is not None:
                neg(en, dropped, "clause_dropped") if side_zh else neg(dropped, zh,
                                                                      "clause_dropped")
            side_zh = rng.random() < 0.6
            piece = cut(zh if side_zh else en, side_zh, rng)
            if piece is not None:
                neg(en, piece, "cut") if side_zh else neg(piece, zh, "cut")
            other = rng.choice(others)
            if other.zh:
                neg(en, rng.choice(other.zh).strip(), "shuffled")
            if rng.random() < 0.3:
                neg(en, en, "copy")
            shape = rng.random()
            if shape < 0.3:
                neg(*glosses.entry(), "gloss")
            elif shape < 0.55:
                neg(en, glosses.entry()[1], "gloss")
            elif shape < 0.75:
                neg(glosses.entry()[0], zh, "gloss")
            elif shape < 0.9:
                neg(glosses.entry()[0], glosses.entry()[1], "gloss")
            else:
                neg(*glosses.word_list(), "gloss")
    return ex


# -- the aligner's real output -----------------------------------------------------------


def _corrupted(d: Doc, how: str, rng: random.Random, others: list[str]
               ) -> tuple[list[str], list[int | None]]:
    """The Chinese sentences with one in eight deleted or replaced by another document's
    (an untranslated stretch of English); each kept sentence's original index."""
    zh, origin = list(d.zh), list[int | None](range(len(d.zh)))
    for _ in range(max(1, len(zh) // 8)):
        k = rng.randrange(len(zh))
        if how == "delete_zh" and len(zh) > 1:
            del zh[k], origin[k]
        else:
            zh[k], origin[k] = rng.choice(others), None
    return zh, origin


def aligner_beads(docs: list[Doc], refresh: bool) -> list[dict[str, Any]]:
    """Every document aligned as it is and with an untranslated stretch; cached."""
    path = CACHE / "aligner_beads.pickle"
    if path.is_file() and not refresh:
        return pickle.loads(path.read_bytes())
    rng = random.Random(SEED)
    runs = []
    for d in docs:
        if not d.align or not d.en or not d.zh:
            continue
        started = time.perf_counter()
        runs.append({"doc": d.name, "genre": d.genre, "how": "clean",
                     "zh": d.zh, "origin": list(range(len(d.zh))),
                     "beads": align_sentences(d.en, d.zh, "en", "zh")})
        if d.genre != "Bible" and len(d.en) >= 4:
            others = [z for o in docs if o.genre != d.genre for z in o.zh[:50]]
            for how in ("delete_zh", "replace_zh"):
                zh, origin = _corrupted(d, how, rng, others)
                runs.append({"doc": d.name, "genre": d.genre, "how": how, "zh": zh,
                             "origin": origin, "beads": align_sentences(d.en, zh, "en", "zh")})
        print(f"  aligned {d.genre} {d.name} ({len(d.en)} x {len(d.zh)}) in "
              f"{time.perf_counter() - started:.1f} s", file=sys.stderr)
    CACHE.mkdir(parents=True, exist_ok=True)
    path.write_bytes(pickle.dumps(runs))
    return runs


def add_aligner_output(ex: Examples, docs: list[Doc], runs: list[dict[str, Any]]) -> None:
    """Each predicted bead with both sides, labelled right when the gold has it (strict)."""
    by_name = {(d.genre, d.name): d for d in docs}  # mac-dev and the Bible both have "001"
    for number, run in enumerate(runs):
        d = by_name[run["genre"], run["doc"]]
        beads, origin, zh = run["beads"], run["origin"], run["zh"]
        gold = d.gold
        if d.verses is not None:
            beads = verse_merge(beads, *d.verses)
        gold_set = {(tuple(b.src), tuple(b.tgt)) for b in gold}
        gold_of_en = {i: k for k, b in enumerate(gold) for i in b.src}
        gold_of_zh = {j: k for k, b in enumerate(gold) for j in b.tgt}
        for b in beads:
            if not b.src or not b.tgt:
                continue
            en = " ".join(d.en[i] for i in b.src).strip()
            text_zh = "".join(zh[j] for j in b.tgt).strip()
            if not en or not text_zh or len(_WORD.findall(en)) < MIN_EN_WORDS:
                continue
            tgt = [origin[j] for j in b.tgt]
            right = None not in tgt and (tuple(b.src), tuple(tgt)) in gold_set
            complete = right
            if not right and None not in tgt:
                touched = {gold_of_en.get(i) for i in b.src} | {gold_of_zh.get(j) for j in tgt}
                if None not in touched:
                    ids_en = {i for k in touched for i in gold[k].src}
                    ids_zh = {j for k in touched for j in gold[k].tgt}
                    complete = ids_en == set(b.src) and ids_zh == set(tgt)
            source = "aligner" if run["how"] == "clean" else "aligner_corrupt"
            ex.add(en, text_zh, int(right), "aligner", d.genre, d.fold_of(b), source,
                   int(complete), number)


# -- features, fitting, calibration ------------------------------------------------------


def similarities(ex: Examples, refresh: bool) -> np.ndarray:
    """Embedding similarity of every pair, cached by pair."""
    path = CACHE / "similarity-raw.pickle"
    cache: dict[tuple[str, str], float] = {}
    if path.is_file() and not refresh:
        cache = pickle.loads(path.read_bytes())
    texts = list(zip(ex.en, ex.zh))  # as score_pairs embeds them: not normalised
    todo = list(dict.fromkeys(p for p in texts if p not in cache))
    if todo:
        started = time.perf_counter()
        for k in range(0, len(todo), 5_000):
            chunk = todo[k:k + 5_000]
            sims = quality.embedding_similarity([e for e, _ in chunk], [z for _, z in chunk])
            cache.update(zip(chunk, map(float, sims)))
            print(f"  embedded {k + len(chunk)} / {len(todo)} pairs "
                  f"({time.perf_counter() - started:.0f} s)", file=sys.stderr)
        CACHE.mkdir(parents=True, exist_ok=True)
        path.write_bytes(pickle.dumps(cache))
    return np.array([cache[p] for p in texts])


def fit_logistic(x: np.ndarray, y: np.ndarray, w: np.ndarray, l2: float = L2,
                 iterations: int = 60) -> tuple[np.ndarray, float]:
    """Weighted, L2-regularised logistic regression by Newton's method (x standardised)."""
    n, k = x.shape
    xb = np.column_stack([x, np.ones(n)])
    beta = np.zeros(k + 1)
    penalty = np.full(k + 1, l2 * w.sum())
    penalty[-1] = 0.0  # the bias goes free
    for _ in range(iterations):
        p = quality.sigmoid(xb @ beta)
        grad = xb.T @ (w * (p - y)) + penalty * beta
        hess = (xb * (w * p * (1 - p))[:, None]).T @ xb + np.diag(penalty)
        step = np.linalg.solve(hess, grad)
        beta -= step
        if np.abs(step).max() < 1e-8:
            break
    return beta[:-1], float(beta[-1])


def sample_weights(a: dict[str, np.ndarray], mask: np.ndarray) -> np.ndarray:
    """Per genre: the synthetic positives weigh 1, each negative type its ``TYPE_WEIGHT``,
    the aligner's beads ``ALIGNER_WEIGHT`` (right and wrong weighed as found)."""
    w = np.zeros(len(a["label"]))
    for g in GENRES:
        in_g = mask & (a["genre"] == g)
        for kind in ("gold", *NEGATIVES, "aligner"):
            m = in_g & (a["kind"] == kind)
            if m.any():
                share = {"gold": 1.0, "aligner": ALIGNER_WEIGHT}.get(kind, TYPE_WEIGHT.get(kind))
                w[m] = share / m.sum()
    return w * mask.sum() / w.sum()


def _grow(nodes: list[list[float]], idx: np.ndarray, level: int, g: np.ndarray, h: np.ndarray,
          xb: np.ndarray, edges: list[np.ndarray], width: int, depth: int,
          rate: float, min_hessian: float, l2: float) -> int:
    """Grow the node of rows ``idx`` (and below it); its index in ``nodes``."""
    k = xb.shape[1]
    at = len(nodes)
    nodes.append([-1, 0.0, 0, 0, 0.0])
    G, H = g[idx].sum(), h[idx].sum()
    nodes[at][4] = -rate * G / (H + l2)
    if level == depth or len(idx) < 2:
        return at
    flat = (xb[idx] + np.arange(k) * width).ravel()
    hist_g = np.bincount(flat, np.repeat(g[idx], k), k * width).reshape(k, width)
    hist_h = np.bincount(flat, np.repeat(h[idx], k), k * width).reshape(k, width)
    gl, hl = np.cumsum(hist_g, axis=1), np.cumsum(hist_h, axis=1)
    gr, hr = G - gl, H - hl
    gain = gl ** 2 / (hl + l2) + gr ** 2 / (hr + l2) - G ** 2 / (H + l2)
    gain[(hl < min_hessian) | (hr < min_hessian)] = -np.inf
    for f in range(k):
        gain[f, len(edges[f]):] = -np.inf  # past the last edge: nothing on the right
    f, b = np.unravel_index(int(np.argmax(gain)), gain.shape)
    if not np.isfinite(gain[f, b]) or gain[f, b] <= 1e-9:
        return at
    go_left = xb[idx, f] <= b
    nodes[at][0], nodes[at][1] = int(f), float(edges[f][b])
    args = (g, h, xb, edges, width, depth, rate, min_hessian, l2)
    nodes[at][2] = _grow(nodes, idx[go_left], level + 1, *args)
    nodes[at][3] = _grow(nodes, idx[~go_left], level + 1, *args)
    return at


def fit_trees(x: np.ndarray, y: np.ndarray, w: np.ndarray, n_trees: int, depth: int,
              rate: float, bins: int, min_hessian: float, l2: float) -> dict[str, Any]:
    """Gradient-boosted regression trees for the logistic loss (second-order steps,
    histogram splits on quantile bins): a small XGBoost in numpy."""
    n, k = x.shape
    edges = [np.unique(np.quantile(x[:, f], np.linspace(0, 1, bins + 1)[1:-1])) for f in range(k)]
    xb = np.column_stack([np.searchsorted(edges[f], x[:, f], side="left") for f in range(k)])
    width = bins  # bin b holds values in (edges[b-1], edges[b]]; left of split b: bins <= b
    base = float(np.log((w * y).sum() / (w * (1 - y)).sum()))
    margin = np.full(n, base)
    trees = []
    for _ in range(n_trees):
        p = quality.sigmoid(margin)
        g, h = w * (p - y), w * p * (1 - p)
        nodes: list[list[float]] = []  # feature, threshold, left, right, value
        _grow(nodes, np.arange(n), 0, g, h, xb, edges, width, depth, rate, min_hessian, l2)
        tree = {"depth": depth, "feature": [int(v[0]) for v in nodes],
                "threshold": [round(v[1], 6) for v in nodes],
                "left": [int(v[2]) for v in nodes], "right": [int(v[3]) for v in nodes],
                "value": [round(v[4], 6) for v in nodes]}
        margin += quality.tree_values(x, tree)
        trees.append(tree)
    return {"kind": "trees", "base": round(base, 6), "trees": trees}


def fit_scorer(cols: dict[str, np.ndarray], a: dict[str, np.ndarray], mask: np.ndarray,
               features: tuple[str, ...], expected: float, kind: str = "logistic"
               ) -> dict[str, Any]:
    sub = {k: v[mask] for k, v in cols.items()}
    sub["len_ratio"] = sub["log_ratio"] - expected
    x = quality.design_matrix(sub, features)
    if kind == "trees":
        return {"features": list(features), **fit_trees(
            x, a["label"][mask].astype(float), sample_weights(a, mask)[mask], **TREES)}
    mean, scale = x.mean(axis=0), x.std(axis=0)
    scale[scale == 0] = 1.0
    weights, bias = fit_logistic((x - mean) / scale, a["label"][mask].astype(float),
                                 sample_weights(a, mask)[mask])
    return {"features": list(features),
            "mean": [round(float(v), 6) for v in mean],
            "scale": [round(float(v), 6) for v in scale],
            "weights": [round(float(v), 6) for v in weights],
            "bias": round(bias, 6)}


def logit(cols: dict[str, np.ndarray], mask: np.ndarray, spec: dict[str, Any],
          expected: float) -> np.ndarray:
    sub = {k: v[mask] for k, v in cols.items()}
    sub["len_ratio"] = sub["log_ratio"] - expected
    return quality.model_logit(sub, spec)


def genre_weights(a: dict[str, np.ndarray], mask: np.ndarray) -> np.ndarray:
    """Weights that give each genre the same total over the masked rows."""
    w = np.zeros(len(a["label"]))
    for g in GENRES:
        m = mask & (a["genre"] == g)
        if m.any():
            w[m] = 1.0 / m.sum()
    return w * mask.sum() / max(w.sum(), 1e-12)


def calibration_weights(a: dict[str, np.ndarray], aligned: np.ndarray) -> np.ndarray:
    """The calibration's population: the aligner's output, genres alike, and the
    synthetic negatives at ``CAL_SYNTHETIC`` of its weight (real stores hold glosses,
    copies and unrelated pairs that the dev sets' aligner output lacks)."""
    w = genre_weights(a, aligned)
    negatives = (a["source"] == "synthetic") & (a["label"] == 0)
    w[negatives] = CAL_SYNTHETIC * w[aligned].sum() / max(int(negatives.sum()), 1)
    return w


def fit_platt(z: np.ndarray, y: np.ndarray, w: np.ndarray) -> dict[str, Any]:
    """Platt scaling ``sigmoid(a * z + b)``, targets smoothed as Platt (1999) advises."""
    n_pos, n_neg = (w * y).sum(), (w * (1 - y)).sum()
    t = np.where(y == 1, (n_pos + 1) / (n_pos + 2), 1 / (n_neg + 2))
    (a,), b = fit_logistic(z[:, None], t, w, l2=0.0)
    return {"method": "platt", "a": round(float(a), 6), "b": round(float(b), 6)}


def auc(scores: np.ndarray, labels: np.ndarray) -> float:
    """Area under the ROC curve by the rank-sum formula, ties given their mean rank."""
    pos = labels == 1
    n_pos, n_neg = int(pos.sum()), int((~pos).sum())
    if not n_pos or not n_neg:
        return float("nan")
    _, inverse, counts = np.unique(scores, return_inverse=True, return_counts=True)
    ranks = (np.cumsum(counts) - (counts - 1) / 2.0)[inverse]
    return float((ranks[pos].sum() - n_pos * (n_pos + 1) / 2.0) / (n_pos * n_neg))


def precision_threshold(q: np.ndarray, y: np.ndarray, w: np.ndarray,
                        target: float = TARGET_PRECISION) -> float:
    """The lowest threshold (a score of the data) whose weighted precision is >= target."""
    order = np.argsort(-q, kind="stable")
    qs, ys, ws = q[order], y[order], w[order]
    kept_right, kept = np.cumsum(ws * ys), np.cumsum(ws)
    precision = kept_right / np.maximum(kept, 1e-12)
    # Only at the last of a run of equal scores can a threshold stop.
    ends = np.r_[qs[1:] != qs[:-1], True]
    ok = np.flatnonzero(ends & (precision >= target))
    return float(qs[ok[-1]]) if len(ok) else 1.0


# -- reports -----------------------------------------------------------------------------


def synthetic_table(score: np.ndarray, a: dict[str, np.ndarray]) -> list[str]:
    syn = a["source"] == "synthetic"
    lines = [f"| gold vs | {' | '.join(GENRES)} | all |", "|---|" + "---:|" * (len(GENRES) + 1)]
    for kind in (*NEGATIVES, "all negatives"):
        cells = []
        for g in (*GENRES, None):
            m = syn & ((a["genre"] == g) if g else True)
            m = m & ((a["kind"] == "gold") | ((a["kind"] == kind) if kind in NEGATIVES else
                                              (a["kind"] != "gold")))
            cells.append(f"{auc(score[m], a['label'][m]):.3f}")
        lines.append(f"| {kind} | {' | '.join(cells)} |")
    return lines


def aligner_table(score: np.ndarray, a: dict[str, np.ndarray], label: str = "label"
                  ) -> list[str]:
    lines = ["| aligner output | " + " | ".join(GENRES) + " | all |",
             "|---|" + "---:|" * (len(GENRES) + 1)]
    for name, sources in (("as aligned", ("aligner",)),
                          ("untranslated stretch", ("aligner_corrupt",)),
                          ("both", ("aligner", "aligner_corrupt"))):
        cells = []
        for g in (*GENRES, None):
            m = np.isin(a["source"], sources) & ((a["genre"] == g) if g else True)
            y = a[label][m]
            cells.append(f"{auc(score[m], y):.3f} ({int(y.sum())}/{int((1 - y).sum())})"
                         if m.any() else "–")
        lines.append(f"| {name} | {' | '.join(cells)} |")
    return lines


def reliability(q: np.ndarray, y: np.ndarray) -> list[str]:
    lines = ["| quality | pairs | right | share right |", "|---|---:|---:|---:|"]
    bins = np.clip(np.floor(q * 10).astype(int), 0, 9)
    for k in range(10):
        m = bins == k
        share = f"{y[m].mean():.3f}" if m.any() else "–"
        lines.append(f"| {k / 10:.1f}–{(k + 1) / 10:.1f} | {int(m.sum())} | {int(y[m].sum())} "
                     f"| {share} |")
    return lines


def at_threshold(q: np.ndarray, a: dict[str, np.ndarray], mask: np.ndarray, t: float
                 ) -> list[str]:
    lines = ["| genre | pairs | right | kept | precision kept | right kept |",
             "|---|---:|---:|---:|---:|---:|"]
    for g in (*GENRES, None):
        m = mask & ((a["genre"] == g) if g else True)
        y, keep = a["label"][m], q[m] >= t
        lines.append(f"| {g or 'all'} | {int(m.sum())} | {int(y.sum())} | {int(keep.sum())} | "
                     f"{y[keep].mean() if keep.any() else float('nan'):.3f} | "
                     f"{(y & keep).sum() / max(y.sum(), 1):.3f} |")
    return lines


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--write", action="store_true", help=f"write {quality.MODEL_PATH}")
    parser.add_argument("--refresh", action="store_true", help="recompute the cached parts")
    parser.add_argument("--report", type=Path, help="also write the tables (Markdown) here")
    parser.add_argument("--kind", choices=("trees", "logistic"), default="trees",
                        help="boosted trees (default) or a logistic regression")
    opts = parser.parse_args()
    require_data(DATA / "mac-dev", DATA / "paramed-dev", DATA / "ntrex", DATA / "bible",
                 DATA / "articles-dev")
    started = time.perf_counter()
    docs = load_docs()
    ex = make_examples(docs)
    n_synthetic = len(ex.en)
    add_aligner_output(ex, docs, aligner_beads(docs, opts.refresh))
    a = ex.arrays()
    print(f"{n_synthetic} synthetic pairs ({int(a['label'][:n_synthetic].sum())} gold), "
          f"{len(ex.en) - n_synthetic} aligner beads, {len(docs)} documents "
          f"({time.perf_counter() - started:.0f} s)", file=sys.stderr)
    cols = quality.raw_features(ex.en, ex.zh)
    cols["similarity"] = similarities(ex, opts.refresh)
    gold = (a["kind"] == "gold")
    expected = float(np.median(cols["log_ratio"][gold]))
    out: list[str] = [f"# Pair-quality model: held-out figures ({time.strftime('%Y-%m-%d')})",
                      "", (f"{n_synthetic:,} synthetic pairs, {len(ex.en) - n_synthetic:,} "
                      f"aligner beads, {len(docs)} documents in two folds."), ""]
    aligned = np.isin(a["source"], ("aligner", "aligner_corrupt"))
    model: dict[str, Any] = {"version": quality.QUALITY_VERSION,
                             "expected_log_ratio": round(expected, 6), "scorers": {}}
    for scorer in SCORER_FEATURES:
        features = (TREE_FEATURES if opts.kind == "trees" else SCORER_FEATURES)[scorer]
        held = np.zeros(len(a["label"]))
        for fold in (0, 1):
            spec = fit_scorer(cols, a, a["fold"] != fold, features, expected, opts.kind)
            held[a["fold"] == fold] = logit(cols, a["fold"] == fold, spec, expected)
        # Calibration, cross-fitted: each fold calibrated on the other fold's held-out
        # log-odds of aligner output.
        q = np.zeros(len(held))
        gw = genre_weights(a, aligned)
        cw = calibration_weights(a, aligned)
        for fold in (0, 1):
            fit_on = (cw > 0) & (a["fold"] != fold)
            cal = fit_platt(held[fit_on], a["label"][fit_on], cw[fit_on])
            q[a["fold"] == fold] = quality.calibrate(held[a["fold"] == fold], cal)
        calibration = fit_platt(held[cw > 0], a["label"][cw > 0], cw[cw > 0])
        threshold = precision_threshold(q[aligned], a["label"][aligned], gw[aligned])
        full = fit_scorer(cols, a, np.ones(len(held), dtype=bool), features, expected,
                          opts.kind)
        full.update(calibration=calibration, threshold=round(threshold, 4),
                    target_precision=TARGET_PRECISION, align_weight=0.0)
        model["scorers"][scorer] = full
        out += [f"## Scorer `{scorer}` ({len(features)} inputs)", "",
                "Held-out AUC, gold against each synthetic negative type:", "",
                *synthetic_table(held, a), "",
                ("Held-out AUC on the aligner's output, right (strict) against wrong; "
                "cells: AUC (right/wrong):"), "", *aligner_table(held, a), "",
                "The same with *complete* beads (unions of whole gold beads) counted right:",
                "", *aligner_table(held, a, "complete"), "",
                "Reliability on the aligner's output (cross-fitted calibration), strict:", "",
                *reliability(q[aligned], a["label"][aligned]), "",
                (f"Default threshold {threshold:.4f} (precision >= {TARGET_PRECISION} held out, "
                "genres weighted alike), aligner output:"), "",
                *at_threshold(q, a, aligned, threshold), ""]
        if opts.kind == "logistic":
            out.append("Weights (standardised inputs): " + ", ".join(
                f"{n} {w:+.2f}" for n, w in zip(full["features"], full["weights"])))
        else:
            used = Counter(full["features"][f] for t in full["trees"] for f in t["feature"]
                           if f >= 0)
            out.append(f"{len(full['trees'])} trees of depth {TREES['depth']}; splits per "
                       "input: " + ", ".join(f"{n} {c}" for n, c in used.most_common()))
        out.append("")
    sets = "mac-dev+paramed-dev+ntrex+bible001+articles-dev"
    model["training"] = {
        "data_short": sets,
        "data": "gold pairs of mac-dev (6 chapters), ParaMed dev (6 docs), NTREX-128 "
                "newstest2019 eng/zho-CN (123 articles), Bible 001 (verse gold), "
                "articles-dev gold.jsonl (pairs not in those); the aligner's output on them",
        "kind": opts.kind, **({"trees": TREES} if opts.kind == "trees" else {"l2": L2}),
        "negatives": TYPE_WEIGHT, "aligner_weight": ALIGNER_WEIGHT, "seed": SEED,
        "n_pairs": len(ex.en), "n_synthetic": n_synthetic,
        "n_gold": int(gold.sum()), "script": "benchmarks/train_quality.py --write",
    }
    text = "\n".join(out)
    print(text)
    if opts.report:
        opts.report.write_text(text + "\n", encoding="utf-8")
    if opts.write:
        quality.MODEL_PATH.write_text(json.dumps(model, indent=1, ensure_ascii=False) + "\n",
                                      encoding="utf-8")
        print(f"\nwrote {quality.MODEL_PATH}", file=sys.stderr)
    print(f"({time.perf_counter() - started:.0f} s)", file=sys.stderr)


if __name__ == "__main__":
    main()
