"""Fit the sentence aligner's few parameters on all dev sets together.

Aligns mac-dev (literary, zh→en), ParaMed dev (medicine, zh→en), Bible 001 (en→zh, scored
at verse level by the Bertalign script's merge) and NTREX news documents (en→zh) in this
process and searches the parameters of ``align.dp.Params`` (and the embedding weight) by
coordinate ascent: each parameter in turn is multiplied or shifted by a few steps, and a
step is kept when the objective improves. The objective is the mean strict F1 over the
sets, less a heavy penalty for any set that falls more than ``--slack`` below its figure
with the shipped parameters (``Settings()``): no genre is bought with another.

Sentence embeddings do not depend on the parameters, so each document is embedded once
(the first evaluation) and reused.

    .venv/bin/python benchmarks/fit_aligner.py                 # the embedding model
    .venv/bin/python benchmarks/fit_aligner.py --no-semantic   # the lexical model

It prints every step and, at the end, the ``Params(...)`` to put in ``align/dp.py``.
"""

from __future__ import annotations

import argparse
import time
from dataclasses import asdict, dataclass, replace
from pathlib import Path

from _measure import DATA, require_data

import align.semantic as semantic
from align import Bead, Params, Settings, align_sentences
from corpus.beadfiles import read_beads, read_lines, score_beads, verse_merge


@dataclass(frozen=True)
class Doc:
    """One document to align: ``src`` → ``tgt`` against ``gold``."""

    genre: str
    src: list[str]
    tgt: list[str]
    src_lang: str
    gold: list[Bead]


def ntrex_docs(limit: int) -> list[Doc]:
    """The first ``limit`` NTREX documents, line-aligned 1-1 (en → zh-CN)."""
    root = DATA / "ntrex"
    en = read_lines(root / "newstest2019-src.eng.txt")
    zh = read_lines(root / "newstest2019-ref.zho-CN.txt")
    ids = [line.split("\t")[-1] for line in read_lines(root / "DOCUMENT_IDS.tsv")]
    if len(ids) == len(en) + 1:  # a header line
        ids = ids[1:]
    docs: dict[str, list[int]] = {}
    for k, d in enumerate(ids):
        docs.setdefault(d, []).append(k)
    out = []
    for lines in list(docs.values())[:limit]:
        gold = [Bead((i,), (i,)) for i in range(len(lines))]
        out.append(Doc("news", [en[k] for k in lines], [zh[k] for k in lines], "en", gold))
    return out


def load(sets: list[str], ntrex_limit: int) -> list[Doc]:
    docs: list[Doc] = []
    if "mac" in sets:
        d = DATA / "mac-dev"
        docs += [Doc("mac", read_lines(d / f"00{i}.zh"), read_lines(d / f"00{i}.en"), "zh",
                     read_beads(d / "gold" / f"00{i}.align")) for i in range(1, 7)]
    if "paramed" in sets:
        d = DATA / "paramed-dev"
        docs += [Doc("paramed", read_lines(d / f"doc{i}.zh"), read_lines(d / f"doc{i}.en"),
                     "zh", read_beads(d / "gold" / f"doc{i}.align")) for i in range(1, 7)]
    if "bible" in sets:
        d = DATA / "bible"
        docs.append(Doc("bible", read_lines(d / "001.en"), read_lines(d / "001.zh"), "en",
                        read_beads(d / "gold" / "001.align")))
    if "ntrex" in sets:
        docs += ntrex_docs(ntrex_limit)
    return docs


class _CachedEncoder:
    """The sentence encoder, each text encoded once for the whole search."""

    def __init__(self, encoder) -> None:
        self.encoder, self.seen = encoder, {}

    def encode(self, texts):
        import numpy as np

        new = [t for t in dict.fromkeys(texts) if t not in self.seen]
        if new:
            self.seen.update(zip(new, self.encoder.encode(new)))
        return np.array([self.seen[t] for t in texts])


ARTICLES = DATA / "articles-dev"


def articles_f1(settings: Settings) -> float:
    """Pair F1 of the whole pipeline on articles-dev (the bench's evalpairs)."""
    import importlib.util
    import tempfile

    from corpus.articles import find_articles
    from corpus.pipeline import align_article

    spec = importlib.util.spec_from_file_location("evalpairs", DATA / "tools" / "evalpairs.py")
    evalpairs = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(evalpairs)
    root = ARTICLES / "articles"
    lines = []
    for article in find_articles(root):
        _, rows = align_article(article, root, settings)
        lines += [f"{r['en']}\t{r['zh']}".replace("\n", " ") for r in rows]
    with tempfile.TemporaryDirectory() as tmp:
        pred = Path(tmp) / "pairs.tsv"
        pred.write_text("en\tzh\n" + "\n".join(lines) + "\n", encoding="utf-8")
        return evalpairs.evaluate(ARTICLES / "gold.jsonl", pred)["F1"]


def evaluate(docs: list[Doc], settings: Settings, verses, articles: bool = False
             ) -> dict[str, float]:
    """Pooled strict F1 per genre (and articles-dev's pair F1)."""
    counts: dict[str, list[int]] = {}
    for doc in docs:
        tgt_lang = "en" if doc.src_lang == "zh" else "zh"
        beads = align_sentences(doc.src, doc.tgt, doc.src_lang, tgt_lang, settings=settings)
        gold = doc.gold
        if doc.genre == "bible":
            gold, beads = verse_merge(gold, *verses), verse_merge(beads, *verses)
        c = counts.setdefault(doc.genre, [0, 0, 0])
        for k, v in enumerate(score_beads(gold, beads)):
            c[k] += v
    out = {}
    for genre, (c, p, g) in counts.items():
        prec, rec = c / max(p, 1), c / max(g, 1)
        out[genre] = 2 * prec * rec / (prec + rec) if prec + rec else 0.0
    if articles:
        out["articles"] = articles_f1(settings)
    return out


def objective(f1: dict[str, float], base: dict[str, float], slack: float) -> float:
    loss = sum(max(0.0, base[g] - slack - f) for g, f in f1.items())
    return sum(f1.values()) / len(f1) - 10.0 * loss


# Each parameter and the steps tried from its current value.
STEPS: dict[str, list] = {
    "threshold": [("add", -0.05), ("add", 0.05)],
    "skip_penalty": [("mul", 0.7), ("mul", 1.4)],
    "merge_penalty": [("mul", 0.6), ("mul", 1.5), ("add", 0.02)],
    "size_power": [("add", -0.25), ("add", 0.25)],
    "length_weight": [("mul", 0.6), ("mul", 1.6)],
    "cross_penalty": [("mul", 0.6), ("mul", 1.6)],
    "semantic": [("mul", 0.7), ("mul", 1.4)],
}


def step(settings: Settings, name: str, how: str, by: float, field: str) -> Settings | None:
    """``settings`` with one parameter of the model ``field`` (``params`` or
    ``lexical``) moved by one step; None where the step leaves the valid range."""
    if name == "semantic":
        if not settings.semantic:
            return None
        value = settings.semantic * by if how == "mul" else settings.semantic + by
        return replace(settings, semantic=round(value, 4))
    model = getattr(settings, field)
    current = getattr(model, name)
    value = current * by if how == "mul" else current + by
    if value < 0:
        return None
    return replace(settings, **{field: replace(model, **{name: round(value, 4)})})


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sets", default="mac,paramed,bible,ntrex,articles")
    parser.add_argument("--no-semantic", action="store_true",
                        help="fit the lexical model (no embeddings)")
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--slack", type=float, default=0.003)
    parser.add_argument("--ntrex-docs", type=int, default=40)
    parser.add_argument("--start", default="",
                        help="parameters to start from, e.g. 'merge_penalty=0.1,semantic=1'")
    opts = parser.parse_args()
    require_data(DATA / "mac-dev", DATA / "paramed-dev", DATA / "bible", DATA / "ntrex")
    cached = _CachedEncoder(semantic._encoder())
    semantic._encoder = lambda: cached
    docs = load(opts.sets.split(","), opts.ntrex_docs)
    arts = "articles" in opts.sets.split(",")
    verses = read_lines(DATA / "bible" / "en.verse"), read_lines(DATA / "bible" / "zh.verse")
    field = "lexical" if opts.no_semantic else "params"
    settings = Settings()
    settings = replace(settings, semantic=0.0 if opts.no_semantic else settings.semantic or 1.0)
    for item in filter(None, opts.start.split(",")):
        key, value = item.split("=")
        if key == "semantic":
            settings = replace(settings, semantic=float(value))
        else:
            model = getattr(settings, field)
            kind = type(getattr(model, key))
            settings = replace(settings, **{field: replace(model, **{key: kind(value)})})
    t = time.time()
    # The figures of the landed model (commit 6385cfd: the lexical costs, no embeddings).
    base = evaluate(docs, Settings(semantic=0.0, lexical=Params()), verses, arts)
    print(f"shipped model: {_show(base)}", flush=True)
    best = objective(evaluate(docs, settings, verses, arts), base, opts.slack)
    print(f"start {asdict(getattr(settings, field))} semantic={settings.semantic}: "
          f"objective {best:.4f} ({time.time() - t:.1f} s)", flush=True)
    for _ in range(opts.rounds):
        improved = False
        for name, steps in STEPS.items():
            for how, by in steps:
                trial = step(settings, name, how, by, field)
                if trial is None:
                    continue
                f1 = evaluate(docs, trial, verses, arts)
                score = objective(f1, base, opts.slack)
                keep = score > best + 1e-4
                print(f"{name} {how} {by}: {_show(f1)} objective {score:.4f}"
                      f"{'  kept' if keep else ''}", flush=True)
                if keep:
                    settings, best, improved = trial, score, True
        if not improved:
            break
    print(f"\nfitted {field}: {getattr(settings, field)!r} semantic={settings.semantic}")
    print(_show(evaluate(docs, settings, verses, arts)))


def _show(f1: dict[str, float]) -> str:
    return " ".join(f"{g} {f:.4f}" for g, f in sorted(f1.items()))


if __name__ == "__main__":
    main()
