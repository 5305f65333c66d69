"""Calibrate and measure the reference-free pair-quality score (``corpus.quality``).

Positives are gold pairs: NTREX-128 (WMT19 news, English with Simplified Chinese, one
line each) and ParaMed dev (gold beads ``[zh ids]:[en ids]``, sentences of a bead joined,
both sides non-empty); as in the store, pairs with fewer than ``MIN_EN_WORDS`` English
words are left out. Negatives are made from them, one of each type per gold pair:

- ``shuffled``: a random other Chinese side of the same set
- ``same_length``: a random other Chinese side of about the same length (within 20 %;
  the aligner's length model lets only such errors through)
- ``neighbour``: the Chinese side of the next or previous pair of the same document
  (the aligner's typical error)
- ``merged``: the Chinese side joined with its neighbour's (a 1-1 that should be 1-2)
- ``truncated``: the Chinese side cut to its first 30-60 % of characters
- ``untranslated``: an English sentence (the neighbour's) in the Chinese column
- ``unrelated``: a Chinese sentence from the other set (another topic)
- ``copy``: the English side copied into the Chinese column

Documents are split in two halves (NTREX articles at even / odd position in
``DOCUMENT_IDS.tsv``; ParaMed docs 1-3 / 4-6). The model fitted on the first half is
scored on the second (the ``held-out`` columns, as the split the issue names); a second
model fitted on the second half scores the first, so that every pair gets a held-out
score (the ``2-fold`` columns, about twice the pairs). AUC by the rank formula.

The aligner's bead score exists only for pairs the aligner made, so its weight in the
quality is chosen on those: each document is corrupted (sentences deleted or replaced),
aligned, and each bead labelled by the gold; the table gives the AUC of
``(1 - w) * model + w * align_score`` for several ``w`` and the best is kept.
``--fit`` then fits on all the data and writes ``corpus/quality_model.json``. The timing
scores distinct pairs (Bible and NTREX lines, numbered) with ``--jobs`` processes.

    .venv/bin/python benchmarks/quality_bench.py [--fit] [--timing 100000] [--jobs 2]
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import re

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _measure import DATA, require_data  # noqa: E402

from corpus import quality  # noqa: E402
from corpus.beadfiles import read_beads, read_lines  # noqa: E402
from corpus.pipeline import MIN_EN_WORDS  # noqa: E402

NTREX = DATA / "ntrex"
PARAMED = DATA / "paramed-dev"
BIBLE = DATA / "bible"
NEGATIVES = ("shuffled", "same_length", "neighbour", "merged", "truncated", "untranslated",
             "unrelated", "copy")
_WORD = re.compile(r"[A-Za-z]+")
SEED = 13
L2 = 1e-3  # ridge penalty on the standardised weights (per unit of total sample weight)
# Weight of each negative type in the fit, relative to the positives' total of 1.
TYPE_WEIGHT = {"shuffled": 0.1, "same_length": 0.1, "neighbour": 0.3, "merged": 0.15,
               "truncated": 0.15, "untranslated": 0.1, "unrelated": 0.1, "copy": 0.1}


@dataclass
class Doc:
    dataset: str
    name: str
    fold: int  # 0: first half, 1: second half
    en: list[str]
    zh: list[str]


@dataclass
class Examples:
    """Labelled pairs and where they come from."""

    en: list[str] = field(default_factory=list)
    zh: list[str] = field(default_factory=list)
    label: list[int] = field(default_factory=list)
    kind: list[str] = field(default_factory=list)  # "gold" or a negative type
    dataset: list[str] = field(default_factory=list)
    fold: list[int] = field(default_factory=list)

    def add(self, en: str, zh: str, kind: str, doc: Doc) -> None:
        self.en.append(en)
        self.zh.append(zh)
        self.label.append(int(kind == "gold"))
        self.kind.append(kind)
        self.dataset.append(doc.dataset)
        self.fold.append(doc.fold)


def load_ntrex() -> list[Doc]:
    en = read_lines(NTREX / "newstest2019-src.eng.txt")
    zh = read_lines(NTREX / "newstest2019-ref.zho-CN.txt")
    ids = read_lines(NTREX / "DOCUMENT_IDS.tsv")
    order: dict[str, list[int]] = {}
    for i, doc_id in enumerate(ids):
        order.setdefault(doc_id.strip(), []).append(i)
    return [
        Doc("NTREX", doc_id, k % 2, [en[i] for i in lines], [zh[i] for i in lines])
        for k, (doc_id, lines) in enumerate(order.items())
    ]


def load_paramed() -> list[Doc]:
    docs = []
    for n in range(1, 7):
        zh = read_lines(PARAMED / f"doc{n}.zh")
        en = read_lines(PARAMED / f"doc{n}.en")
        pairs = [(" ".join(en[j] for j in b.tgt).strip(), "".join(zh[i] for i in b.src).strip())
                 for b in read_beads(PARAMED / "gold" / f"doc{n}.align") if b.src and b.tgt]
        pairs = [(e, z) for e, z in pairs if e and z]
        docs.append(Doc("ParaMed", f"doc{n}", int(n > 3), [e for e, _ in pairs],
                        [z for _, z in pairs]))
    return docs


def make_examples(docs: list[Doc], seed: int = SEED) -> Examples:
    """Gold pairs and one negative of each type per gold pair."""
    rng = random.Random(seed)
    ex = Examples()
    pool: dict[str, list[str]] = {}
    for d in docs:
        pool.setdefault(d.dataset, []).extend(d.zh)
    by_length = {name: sorted(zs, key=len) for name, zs in pool.items()}
    lengths = {name: np.array([len(z) for z in zs]) for name, zs in by_length.items()}
    for d in docs:
        others = [z for name, zs in pool.items() if name != d.dataset for z in zs]
        n = len(d.en)
        for i, (en, zh) in enumerate(zip(d.en, d.zh)):
            if len(_WORD.findall(en)) < MIN_EN_WORDS:
                continue  # the store never holds these (labels, headings)
            ex.add(en, zh, "gold", d)
            same = pool[d.dataset]
            while (z := rng.choice(same)) == zh:
                pass
            ex.add(en, z, "shuffled", d)
            lo, hi = np.searchsorted(lengths[d.dataset], [len(zh) / 1.2, len(zh) * 1.2 + 1])
            near = [z for z in by_length[d.dataset][lo:hi] if z != zh]
            if near:
                ex.add(en, rng.choice(near), "same_length", d)
            if n > 1:
                j = i + 1 if (i == 0 or (i + 1 < n and rng.random() < 0.5)) else i - 1
                if d.zh[j] != zh:
                    ex.add(en, d.zh[j], "neighbour", d)
                ex.add(en, zh + d.zh[j] if j > i else d.zh[j] + zh, "merged", d)
                ex.add(en, d.en[j], "untranslated", d)
            cut = max(1, round(len(zh) * rng.uniform(0.3, 0.6)))
            ex.add(en, zh[:cut], "truncated", d)
            ex.add(en, rng.choice(others), "unrelated", d)
            ex.add(en, en, "copy", d)
    return ex


def auc(scores: np.ndarray, labels: np.ndarray) -> float:
    """Area under the ROC curve by the rank-sum formula, ties given their mean rank."""
    pos = labels == 1
    n_pos, n_neg = int(pos.sum()), int((~pos).sum())
    if not n_pos or not n_neg:
        return float("nan")
    values, inverse, counts = np.unique(scores, return_inverse=True, return_counts=True)
    ends = np.cumsum(counts)
    mean_rank = ends - (counts - 1) / 2.0  # 1-based ranks, ties averaged
    ranks = mean_rank[inverse]
    return float((ranks[pos].sum() - n_pos * (n_pos + 1) / 2.0) / (n_pos * n_neg))


def fit_logistic(x: np.ndarray, y: np.ndarray, w: np.ndarray, l2: float = L2,
                 iterations: int = 50) -> tuple[np.ndarray, float]:
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


def sample_weights(kinds: Sequence[str]) -> np.ndarray:
    """Positives weigh 1 in total; each negative type its ``TYPE_WEIGHT`` share of 1."""
    kinds_arr = np.asarray(kinds)
    w = np.zeros(len(kinds_arr))
    for kind in ("gold", *NEGATIVES):
        mask = kinds_arr == kind
        if mask.any():
            w[mask] = (1.0 if kind == "gold" else TYPE_WEIGHT[kind]) / mask.sum()
    return w * len(kinds_arr) / w.sum()


def fit_model(cols: dict[str, np.ndarray], mask: np.ndarray, kinds: np.ndarray,
              labels: np.ndarray) -> dict[str, Any]:
    """The model (as stored in ``corpus/quality_model.json``) fitted on the masked rows."""
    gold = mask & (labels == 1)
    expected = float(np.median(cols["log_ratio"][gold]))
    sub = {k: v[mask] for k, v in cols.items()}
    sub["len_ratio"] = sub["log_ratio"] - expected
    x = quality.design_matrix(sub)
    mean, scale = x.mean(axis=0), x.std(axis=0)
    scale[scale == 0] = 1.0
    weights, bias = fit_logistic((x - mean) / scale, labels[mask].astype(float),
                                 sample_weights(kinds[mask]))
    return {
        "version": quality.QUALITY_VERSION,
        "expected_log_ratio": round(expected, 6),
        "features": list(quality.MODEL_FEATURES),
        "mean": [round(float(v), 6) for v in mean],
        "scale": [round(float(v), 6) for v in scale],
        "weights": [round(float(v), 6) for v in weights],
        "bias": round(bias, 6),
    }


def predict(cols: dict[str, np.ndarray], mask: np.ndarray, model: dict[str, Any]) -> np.ndarray:
    sub = {k: v[mask] for k, v in cols.items()}
    sub["len_ratio"] = sub["log_ratio"] - model["expected_log_ratio"]
    return quality.model_probability(sub, model)


def table(title: str, scores: np.ndarray, ex: Examples, mask: np.ndarray) -> None:
    """AUC of gold against each negative type, per dataset, on the masked rows."""
    kinds, datasets = np.asarray(ex.kind), np.asarray(ex.dataset)
    labels = np.asarray(ex.label)
    names = ("NTREX", "ParaMed")
    print(f"\n{title}")
    print(f"{'gold vs':<14}" + "".join(f"{n:>18}" for n in (*names, "all")))
    for kind in (*NEGATIVES, "all negatives"):
        cells = []
        for ds in (*names, None):
            m = mask & ((datasets == ds) if ds else True)
            m = m & ((kinds == "gold") | ((kinds == kind) if kind in NEGATIVES else True))
            n_pos, n_neg = int((m & (labels == 1)).sum()), int((m & (labels == 0)).sum())
            cells.append(f"{auc(scores[m], labels[m]):.4f} ({n_pos}/{n_neg})")
        print(f"{kind:<14}" + "".join(f"{c:>18}" for c in cells))


def feature_table(cols: dict[str, np.ndarray], ex: Examples) -> None:
    """AUC of each column alone (higher = translation), all pairs, against each type."""
    kinds, labels = np.asarray(ex.kind), np.asarray(ex.label)
    signed: dict[str, Callable[[], np.ndarray]] = {
        "-|len_ratio|": lambda: -np.abs(cols["len_ratio"]),
        "cov_en": lambda: cols["cov_en"], "cov_zh": lambda: cols["cov_zh"],
        "num_agree": lambda: cols["num_agree"], "purity": lambda: cols["purity"],
        "-copy": lambda: -cols["copy"],
    }
    print("\nEach feature alone (AUC, all pairs, in-sample):")
    print(f"{'feature':<14}" + "".join(f"{k[:11]:>12}" for k in NEGATIVES))
    for name, get in signed.items():
        s = get()
        cells = []
        for kind in NEGATIVES:
            m = (kinds == "gold") | (kinds == kind)
            cells.append(f"{auc(s[m], labels[m]):.3f}")
        print(f"{name:<14}" + "".join(f"{c:>12}" for c in cells))


@dataclass
class AlignerPairs:
    """Pairs the aligner made from corrupted documents, labelled against the gold."""

    en: list[str]
    zh: list[str]
    align_score: np.ndarray
    label: np.ndarray  # 1: the bead is exactly a gold pair
    dataset: np.ndarray
    fold: np.ndarray


def aligner_pairs(docs: list[Doc], seed: int = SEED) -> AlignerPairs:
    """Align each document (4 pairs or more) three times, corrupted each time in one way
    at one position in eight: Chinese sentences deleted (their English has no
    translation), Chinese sentences replaced by unrelated ones, English sentences
    deleted. A bead with both sides is correct when its English and Chinese sentences
    are exactly those of gold pairs, the same ones. ParaMed "sentences" here are its gold
    beads, joined."""
    from align import align_sentences

    rng = random.Random(seed)
    others = [z for d in docs for z in d.zh]
    en_out: list[str] = []
    zh_out: list[str] = []
    scores, labels, datasets, folds = [], [], [], []
    for d in docs:
        if len(d.en) < 4:
            continue
        for corruption in ("delete_zh", "replace_zh", "delete_en"):
            en, zh = list(d.en), list(d.zh)
            en_gold: list[int] = list(range(len(en)))
            zh_gold: list[int | None] = list(range(len(zh)))
            for _ in range(max(1, len(d.en) // 8)):
                k = rng.randrange(len(zh) if corruption != "delete_en" else len(en))
                if corruption == "delete_zh":
                    del zh[k], zh_gold[k]
                elif corruption == "replace_zh":
                    zh[k], zh_gold[k] = rng.choice(others), None
                else:
                    del en[k], en_gold[k]
            for b in align_sentences(en, zh, "en", "zh"):
                if not b.src or not b.tgt:
                    continue
                text_en = " ".join(en[i] for i in b.src)
                if len(_WORD.findall(text_en)) < MIN_EN_WORDS:
                    continue
                correct = {en_gold[i] for i in b.src} == {zh_gold[j] for j in b.tgt}
                en_out.append(text_en)
                zh_out.append("".join(zh[j] for j in b.tgt))
                scores.append(b.score)
                labels.append(int(correct))
                datasets.append(d.dataset)
                folds.append(d.fold)
    return AlignerPairs(en_out, zh_out, np.array(scores), np.array(labels), np.array(datasets),
                        np.array(folds))


ALIGN_WEIGHTS = (0.0, 0.1, 0.2, 0.3, 0.5, 0.7, 1.0)


def align_weight_table(pairs: AlignerPairs, models: list[dict[str, Any]]) -> float:
    """AUC of the quality on aligner output for each weight of the bead score (each
    document scored by the model fitted on the other half); the best weight."""
    cols = quality.raw_features(pairs.en, pairs.zh)
    p = np.zeros(len(pairs.label))
    for fold, model in ((1, models[0]), (0, models[1])):
        m = pairs.fold == fold
        p[m] = predict(cols, m, model)
    names = ("NTREX", "ParaMed")
    counts = ", ".join(
        f"{n} {int((pairs.dataset == n).sum())} beads, "
        f"{int(((pairs.dataset == n) & (pairs.label == 0)).sum())} wrong" for n in names)
    print(f"\nPairs the aligner made from corrupted documents ({counts}): AUC of "
          "(1 - w) * model + w * align_score")
    print(f"{'w':<14}" + "".join(f"{n:>10}" for n in (*names, "all")))
    best, best_auc = 0.0, -1.0
    for w in ALIGN_WEIGHTS:
        q = quality.mix_align_score(p, list(pairs.align_score), w)
        aucs = [auc(q[pairs.dataset == n], pairs.label[pairs.dataset == n]) for n in names]
        total = auc(q, pairs.label)
        label = "align_score" if w == 1.0 else ("model" if w == 0.0 else f"{w:g}")
        print(f"{label:<14}" + "".join(f"{a:>10.4f}" for a in (*aucs, total)))
        if total > best_auc + 1e-4:
            best, best_auc = w, total
    print(f"chosen align_weight: {best:g}")
    return best


def timing(n: int, jobs: int) -> None:
    """Seconds for score_pairs on n distinct pairs (caches emptied first)."""
    en_lines = read_lines(BIBLE / "006.en") + read_lines(NTREX / "newstest2019-src.eng.txt")
    zh_lines = read_lines(BIBLE / "006.zh") + read_lines(NTREX / "newstest2019-ref.zho-CN.txt")
    m = min(len(en_lines), len(zh_lines))
    en = [f"{en_lines[k % m]} ({k})" for k in range(n)]
    zh = [f"{zh_lines[k % m]}（{k}）" for k in range(n)]
    quality._en_side.cache_clear()
    quality._zh_side.cache_clear()
    quality._lexicon()  # the dictionary loads once per process, not per batch
    pool = quality.scoring_pool(jobs)
    started, cpu = time.perf_counter(), time.process_time()
    try:
        for k in range(0, n, quality.BATCH_ROWS):
            batch = slice(k, k + quality.BATCH_ROWS)
            quality.score_pairs(en[batch], zh[batch], [0.5] * len(en[batch]), pool=pool)
    finally:
        if pool is not None:
            pool.shutdown()
    seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
    mean_en = sum(map(len, en)) / n
    print(f"\nscore_pairs: {n} distinct pairs (Bible 006 + NTREX lines, English {mean_en:.0f} "
          f"characters on average), {jobs} process(es): {seconds:.1f} s "
          f"({seconds / n * 1e5:.1f} s per 100k pairs; this process's CPU {cpu:.1f} s)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--fit", action="store_true",
                        help=f"fit on all the data and write {quality.MODEL_PATH}")
    parser.add_argument("--timing", type=int, default=100_000,
                        help="pairs to time score_pairs on (0: skip)")
    parser.add_argument("--jobs", type=int, default=1, help="processes for the timing")
    opts = parser.parse_args()
    require_data(NTREX, PARAMED)

    docs = load_ntrex() + load_paramed()
    ex = make_examples(docs)
    started = time.perf_counter()
    cols = quality.raw_features(ex.en, ex.zh)
    print(f"{len(ex.en)} pairs ({sum(ex.label)} gold) in {len(docs)} documents; "
          f"features in {time.perf_counter() - started:.1f} s")
    labels, kinds, folds = np.asarray(ex.label), np.asarray(ex.kind), np.asarray(ex.fold)

    held_out = np.zeros(len(labels))
    models = []
    for fold in (0, 1):
        model = fit_model(cols, folds == fold, kinds, labels)
        models.append(model)
        held_out[folds != fold] = predict(cols, folds != fold, model)
    table("Held-out AUC (fit: NTREX even articles + ParaMed docs 1-3; scored: the rest); "
          "cells: AUC (gold/negatives)", held_out, ex, folds == 1)
    table("2-fold held-out AUC (each half scored by the model fitted on the other half)",
          held_out, ex, np.ones(len(labels), dtype=bool))
    align_weight = align_weight_table(aligner_pairs(docs), models)

    full = fit_model(cols, np.ones(len(labels), dtype=bool), kinds, labels)
    full["align_weight"] = align_weight
    cols["len_ratio"] = cols["log_ratio"] - full["expected_log_ratio"]
    feature_table(cols, ex)
    print(f"\nexpected log(zh/en chars) {full['expected_log_ratio']:.3f} "
          f"(ratio {np.exp(full['expected_log_ratio']):.3f})")
    print("weights (standardised features):")
    for name, w in zip(full["features"], full["weights"]):
        print(f"  {name:<22} {w:+.3f}")
    print(f"  {'bias':<22} {full['bias']:+.3f}")

    if opts.fit:
        full["fit"] = {
            "data": "NTREX-128 newstest2019 eng/zho-CN + ParaMed dev gold beads",
            "negatives": {k: TYPE_WEIGHT[k] for k in NEGATIVES},
            "l2": L2, "seed": SEED, "n_pairs": len(labels), "n_gold": int(labels.sum()),
            "script": "benchmarks/quality_bench.py --fit",
        }
        quality.MODEL_PATH.write_text(json.dumps(full, indent=1) + "\n", encoding="utf-8")
        print(f"\nwrote {quality.MODEL_PATH}")
    if opts.timing:
        if quality.MODEL is None and not opts.fit:
            print("\n(no model yet: run with --fit before timing)")
        else:
            quality.MODEL = full if quality.MODEL is None else quality.MODEL
            timing(opts.timing, opts.jobs)


if __name__ == "__main__":
    main()
