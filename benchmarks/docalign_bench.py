"""Document alignment (corpus/docalign.py): file-pair precision and recall, time, memory.

Writes N English and N Chinese files of the same articles under random names, the
English in ``posts/`` and the Chinese in ``translations/2024/``, with one-language files
beside them (``--extra`` of N in each folder, whose translations are not there), and
lists the articles with ``corpus.articles.find_articles`` as ``bitext align`` does:
names say nothing, so every pair must come from content.

Articles (from ``../shared/bench``):
- ``real``: whole documents: NTREX news documents (DOCUMENT_IDS.tsv, 123), ParaMed
  articles (6), mac-dev chapters (6, halved: 12) and the Bible chapters of Bible 006
  (verse ids in en.verse / zh.verse: 1,096); N of them drawn at random. Neighbouring
  Bible chapters (genealogies, laws) are the hard cases.
- ``mixed``: for N beyond what ``real`` holds, articles of 8 to 24 sentence pairs drawn
  at random from all the gold pairs above (35,000); they share few sentences.

``--fit`` chooses MIN_SCORE and MIN_MARGIN (see ``fit``) on sets of its own (seeds
100-116 of real, N=200 and 500, and mixed N=1,000; the seeds measured are 1-3): the
constants to put in corpus/docalign.py.

    .venv/bin/python benchmarks/docalign_bench.py                 # P/R at 200, time at 10,000
    .venv/bin/python benchmarks/docalign_bench.py --fit
    .venv/bin/python benchmarks/docalign_bench.py --sizes 1000,3000,10000 --kind mixed

Each size runs in a child process, so its peak memory (VmHWM) is its own.

Measured on this machine (2 cores shared with other jobs, load average 3-4), 10 %
one-language files in each folder, seeds 1-3 (the fit used 100-116):

    kind        N  files  pairs      P      R       s    MiB
    real      200    440    199  1.000  0.995     1.6    348   (seed 2: R 0.980, 3: 0.990)
    mixed    1000   2200    990  1.000  0.990     4.9    384
    mixed    3000   6600   2924  1.000  0.974    11.3    527
    mixed   10000  22000   9157  1.000  0.915    50.7   1040

About half of the time is reading the files and mapping their words (the rest the
index and the scores); it grows a little faster than the number of files. Mixed
articles are bags of Bible verses, novel and news sentences: at 10,000 their stems are
so alike that about 8 % of the right pairs are never candidates (bounded postings).
"""

from __future__ import annotations

import argparse
import functools
import json
import os
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT.parent / "shared" / "bench"
NTREX = DATA / "ntrex"
BIBLE = DATA / "bible"
Article = tuple[list[str], list[str]]  # English paragraphs, Chinese paragraphs


def _lines(path: Path) -> list[str]:
    return path.read_text(encoding="utf-8").splitlines()


def _beads(path: Path) -> list[tuple[list[int], list[int]]]:
    out = []
    for line in _lines(path):
        src, tgt = line.split(":")
        out.append((json.loads(src), json.loads(tgt)))
    return out


DUPLICATE = 0.2  # English texts this similar are one text (parallel passages, one story)


@functools.cache
def real_articles() -> list[Article]:
    """Whole documents of the bench gold, each as its paragraphs in both languages; of
    articles whose English says the same (placed cosine of English against English at
    least DUPLICATE: 2 Samuel 22 and Psalm 18, 2 Kings 19 and Isaiah 37, two reports of
    one shooting) only the first, since each is a translation of the other."""
    return _distinct(_real_articles())


def _distinct(articles: list[Article]) -> list[Article]:
    from corpus.docalign import english_features, score_candidates

    feats = [english_features("\n".join(a[0])) for a in articles]
    scored = score_candidates({f"{k}": f for k, f in enumerate(feats)},
                              {f"{k}": [(s,) for s in f] for k, f in enumerate(feats)})
    drop = set()
    for a, b, w in scored.select("en", "zh", "whole").iter_rows():
        if a != b and w >= DUPLICATE and int(a) not in drop:
            drop.add(max(int(a), int(b)))
    return [a for k, a in enumerate(articles) if k not in drop]


def _real_articles() -> list[Article]:
    out: list[Article] = []
    ids = [x.split("\t")[0] for x in _lines(NTREX / "DOCUMENT_IDS.tsv")]
    en, zh = _lines(NTREX / "newstest2019-src.eng.txt"), _lines(NTREX / "newstest2019-ref.zho-CN.txt")
    docs: dict[str, Article] = {}
    for d, e, z in zip(ids, en, zh):
        docs.setdefault(d, ([], []))
        docs[d][0].append(e)
        docs[d][1].append(z)
    out += docs.values()
    for i in range(1, 7):
        out.append((_lines(DATA / "paramed-dev" / f"doc{i}.en"),
                    _lines(DATA / "paramed-dev" / f"doc{i}.zh")))
    for i in range(1, 7):
        e, z = _lines(DATA / "mac-dev" / f"{i:03d}.en"), _lines(DATA / "mac-dev" / f"{i:03d}.zh")
        beads = _beads(DATA / "mac-dev" / "gold" / f"{i:03d}.align")  # zh -> en
        half = len(beads) // 2
        for part in (beads[:half], beads[half:]):
            out.append(([e[j] for _, t in part for j in t], [z[j] for s, _ in part for j in s]))
    n_en = len(_lines(BIBLE / "006.en"))
    n_zh = len(_lines(BIBLE / "006.zh"))
    chapters: dict[str, Article] = {}
    for line, verse in zip(_lines(BIBLE / "006.en"), _lines(BIBLE / "en.verse")[:n_en]):
        chapters.setdefault(verse.rsplit(":", 1)[0], ([], []))[0].append(line)
    for line, verse in zip(_lines(BIBLE / "006.zh"), _lines(BIBLE / "zh.verse")[:n_zh]):
        chapters.setdefault(verse.rsplit(":", 1)[0], ([], []))[1].append(line)
    out += [c for c in chapters.values() if c[0] and c[1]]
    return out


def gold_pairs() -> list[tuple[str, str]]:
    """Every sentence (or bead) pair of the bench gold, for the mixed articles."""
    pairs = list(zip(_lines(NTREX / "newstest2019-src.eng.txt"),
                     _lines(NTREX / "newstest2019-ref.zho-CN.txt")))  # line-aligned
    for name in ("006",):
        e, z = _lines(BIBLE / f"{name}.en"), _lines(BIBLE / f"{name}.zh")
        pairs += [(" ".join(e[i] for i in s), "".join(z[j] for j in t))
                  for s, t in _beads(BIBLE / "gold" / f"{name}.align") if s and t]
    for i in range(1, 7):
        e, z = _lines(DATA / "mac-dev" / f"{i:03d}.en"), _lines(DATA / "mac-dev" / f"{i:03d}.zh")
        pairs += [(" ".join(e[j] for j in t), "".join(z[k] for k in s))  # zh -> en beads
                  for s, t in _beads(DATA / "mac-dev" / "gold" / f"{i:03d}.align") if s and t]
    return pairs


def make_articles(kind: str, n: int, rng: random.Random) -> list[Article]:
    """``n`` articles plus as many again for the one-language files to come from."""
    if kind == "real":
        pool = real_articles()
        if 2 * n > len(pool):
            raise SystemExit(f"real: {len(pool)} documents, fewer than 2 x {n}")
        return rng.sample(pool, 2 * n)
    pairs = gold_pairs()
    out = []
    for _ in range(2 * n):
        chosen = rng.sample(pairs, rng.randint(8, 24))
        out.append(([e for e, _ in chosen], [z for _, z in chosen]))
    return out


def write_set(root: Path, kind: str, n: int, extra: float, seed: int) -> set[tuple[str, str]]:
    """Write the files; the gold file pairs (English path, Chinese path)."""
    rng = random.Random(seed)
    articles = make_articles(kind, n, rng)
    names = iter(rng.sample(range(16 ** 8), 4 * n))
    gold = set()

    def write(folder: str, paragraphs: list[str]) -> str:
        rel = f"{folder}/{next(names):08x}.md"
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("\n\n".join(paragraphs) + "\n", encoding="utf-8")
        return rel

    for en, zh in articles[:n]:
        gold.add((write("posts", en), write("translations/2024", zh)))
    k = round(extra * n)
    spare = articles[n:]
    for en, _ in spare[:k]:
        write("posts", en)  # its Chinese is not there
    for _, zh in spare[k:2 * k]:
        write("translations/2024", zh)  # nor this one's English
    return gold


def measure(kind: str, n: int, extra: float, seed: int) -> dict[str, float]:
    """Pair the files of one set in this process: P, R, seconds (listing and pairing)."""
    from corpus.articles import find_articles

    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        gold = write_set(root, kind, n, extra, seed)
        start = time.perf_counter()
        articles = list(find_articles(root))
        seconds = time.perf_counter() - start
    found = {(a.en, a.zh) for a in articles if a.paired_by == "content"}
    right = len(found & gold)
    return {"n": n, "files": 2 * n + 2 * round(extra * n), "found": len(found),
            "right": right, "precision": right / len(found) if found else 1.0,
            "recall": right / len(gold), "seconds": seconds}


Match = tuple[float, float, bool, float, bool]  # score, margin, large, whole, right


def fit_scores(kind: str, n: int, extra: float, seed: int) -> list[Match]:
    """(score, margin, large, whole, right) of every mutual best match of one fit set.
    ``small``: ``n`` folders of 1 to 50 articles in two files and as many files again of
    one language each, half English, half Chinese."""
    from corpus.articles import discover
    from corpus.docalign import chinese_features, english_features, file_profile, score_candidates

    if kind == "small":
        rng = random.Random(seed)
        pool = real_articles()
        out: list[Match] = []
        for _ in range(n):
            m = rng.randint(1, 50)
            chosen = rng.sample(pool, 3 * m)  # m in two files, m English, m Chinese alone
            en = {f"e{k}": english_features("\n".join(a[0]))
                  for k, a in enumerate(chosen[:2 * m])}
            zh = {f"z{k}": chinese_features("\n".join(a[1])) for k, a in enumerate(chosen[:m])}
            zh |= {f"z{k + 2 * m}": chinese_features("\n".join(a[1]))
                   for k, a in enumerate(chosen[2 * m:])}
            scored = score_candidates(en, zh).filter("mutual")
            out += [(s, mg, lg, w, e[1:] == z[1:]) for e, z, s, mg, lg, w in scored.select(
                "en", "zh", "score", "margin", "large", "whole").iter_rows()]
        return out
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        gold = write_set(root, kind, n, extra, seed)
        en, zh = {}, {}
        for rel in discover(root):
            found = file_profile(root, rel)
            if found:
                (en if found[0] == "en" else zh)[rel] = found[1]
    scored = score_candidates(en, zh).filter("mutual")
    return [(s, m, c, w, (e, z) in gold) for e, z, s, m, c, w in
            scored.select("en", "zh", "score", "margin", "large", "whole").iter_rows()]


FIT_SETS = [("real", 200, seed) for seed in range(100, 116)] + [
    ("real", 450, 116), ("mixed", 1000, 100), ("small", 40, 100)]


def fit(extra: float, margin: float) -> None:
    """Choose MIN_SCORE and MIN_MARGIN on the large folders of FIT_SETS: for each floor on
    the score, the highest margin of a wrong match above the floor; the highest floor
    whose recall is within 0.002 of the best; ``margin`` added to that margin. Then
    SMALL_MIN on the small folders: the highest whole cosine of a wrong match that the
    two pass, plus ``margin``."""
    rows: list[Match] = []
    gold = 0
    for kind, n, seed in FIT_SETS:
        got = fit_scores(kind, n, extra, seed)
        wrong = [r for r in got if not r[4]]
        print(f"fit {kind} N={n} seed {seed}: {len(got)} mutual best, {len(wrong)} wrong"
              + (f" (highest score {max(r[0] for r in wrong):.3f}, margin "
                 f"{max(r[1] for r in wrong):.3f})" if wrong else ""), flush=True)
        rows += got
        gold += n if kind != "small" else 0
    large = [r for r in rows if r[2]]
    table = []
    for floor in [k / 100 for k in range(31)]:
        least = max((r[1] for r in large if not r[4] and r[0] >= floor), default=0.0)
        right = sum(r[4] for r in large if r[0] >= floor and r[1] > least)
        table.append((floor, least, right / gold))
        print(f"  score >= {floor:.2f}: wrong matches' highest margin {least:.4f}, "
              f"recall {right / gold:.4f}")
    best = max(r for _, _, r in table)
    floor, least, _ = max(t for t in table if t[2] >= best - 0.002)
    min_margin = least + margin
    kept = sum(r[4] for r in large if r[0] >= floor and r[1] >= min_margin)
    small = [r for r in rows if not r[2] and r[0] >= floor and r[1] >= min_margin]
    small_min = max((r[3] for r in small if not r[4]), default=0.0) + margin
    right_small = sum(r[4] for r in rows if not r[2])
    kept_small = sum(r[4] for r in small if r[3] >= small_min)
    print(f"MIN_SCORE = {floor:.2f}\nMIN_MARGIN = {min_margin:.3f}  (highest wrong "
          f"{least:.4f} + {margin}); recall in the large fit folders {kept / gold:.4f}\n"
          f"SMALL_MIN = {small_min:.3f}  (highest wrong + {margin}); keeps {kept_small} of "
          f"the {right_small} right mutual matches in the small folders")


def child(args: argparse.Namespace, n: int) -> dict[str, float]:
    """``measure`` in a child process, with its peak resident memory."""
    here, kind = str(Path(__file__).parent), args.kind_for(n)
    code = (f"import json, sys; sys.path.insert(0, {here!r}); import docalign_bench as b; "
            f"r = b.measure({kind!r}, {n}, {args.extra!r}, {args.seed}); "
            "r['peak_mib'] = int(next(l for l in open('/proc/self/status') "
            "if l.startswith('VmHWM')).split()[1]) / 1024; print(json.dumps(r))")
    env = dict(os.environ, PYTHONHASHSEED="0")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env,
                         check=False)
    if out.returncode:
        raise SystemExit(out.stderr)
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="200,10000")
    parser.add_argument("--kind", choices=("auto", "real", "mixed"), default="auto",
                        help="auto: real documents where there are enough, else mixed")
    parser.add_argument("--extra", type=float, default=0.1,
                        help="one-language files in each folder, as a share of N")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--fit", action="store_true")
    parser.add_argument("--margin", type=float, default=0.005)
    args = parser.parse_args()
    args.kind_for = lambda n: args.kind if args.kind != "auto" else ("real" if n <= 500 else "mixed")
    if args.fit:
        fit(args.extra, args.margin)
        return
    print(f"{'kind':6} {'N':>6} {'files':>6} {'pairs':>6} {'P':>6} {'R':>6} {'s':>7} {'MiB':>6}")
    for n in map(int, args.sizes.split(",")):
        r = child(args, n)
        print(f"{args.kind_for(n):6} {n:6d} {int(r['files']):6d} {int(r['found']):6d} "
              f"{r['precision']:6.3f} {r['recall']:6.3f} {r['seconds']:7.1f} "
              f"{r['peak_mib']:6.0f}", flush=True)


if __name__ == "__main__":
    main()
