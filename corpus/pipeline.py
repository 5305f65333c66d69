"""One article in, its pair rows and its documents row out: the step every runner shares.

Read the article's file(s) into blocks, split mixed blocks by language, build the
English and Chinese streams of paragraphs and sentences, align the sentences of the two
streams (paragraph breaks guide the search), and keep the beads that pair real text.
"""

from __future__ import annotations

import hashlib
import itertools
import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from align import Bead, Settings, align_sentences, is_unpunctuated, split_for, split_headline
from align.refine import QUOTE_CLOSED
from align.semantic import forget as forget_embeddings
from corpus.articles import Article
from corpus.blocks import Block, ReadError
from corpus.furniture import is_furniture
from corpus.langsplit import split_blocks
from corpus.layout import detect_layout, is_partial
from corpus.quality import QUALITY_SIGNATURE, score_pairs
from corpus.read import read_blocks
from corpus.sentences import split

# Bumped whenever reading, splitting or pairing changes the rows an article gives, so
# that a re-run does not keep rows made by older code.
PIPELINE_VERSION = 70
# An English side needs a word: a number alone ("70") is a score widget. One-word headings
# ("Methods" / "方法") are kept; widget lines ("Hot 热度") are left out by is_widget.
MIN_EN_WORDS = 1
CLAUSE_MIN_COVERAGE = 0.15  # both pieces of a sentence divided at a colon
RUN_ON_MIN_COVERAGE = 0.3  # both pieces of two Chinese sentences run together
MINOR_SHARE = 0.1  # a language with at most this share of the other's sentences is a guest
GUEST_MIN_QUALITY = 0.5  # pairs in such an article need at least this quality
STRANDED_MAX = 0.4  # a 1-1 bead between two left-out sentences needs this similarity
REDIVIDE_BELOW = 0.3  # only pairs one of which is this similar or less (embedding costs)
REDIVIDE_GAIN = 0.2  # summed similarity a clause moved across a sentence end must add
REDIVIDE_TOLERANCE = 0.02  # and what either pair may lose
_WORD = re.compile(r"[A-Za-z]+")
_FIRST_CLAUSE = re.compile(r"[^，。！？]*，")


@dataclass(frozen=True)
class Sentence:
    text: str
    para: int  # index of its paragraph in the language's stream
    line: int


def pipeline_signature(settings: Settings) -> str:
    """Every setting of the article step that changes its rows."""
    return (f"pipeline:{PIPELINE_VERSION}|{settings.signature()}|split:nupunkt+zh-rule|"
            f"min_en_words:{MIN_EN_WORDS}|minor_share:{MINOR_SHARE}|"
            f"guest_min_quality:{GUEST_MIN_QUALITY}|stranded_max:{STRANDED_MAX}|"
            f"redivide:{REDIVIDE_BELOW},{REDIVIDE_GAIN},{REDIVIDE_TOLERANCE}|"
            f"{QUALITY_SIGNATURE}")


def pair_id(en: str, zh: str) -> str:
    """Stable id of a pair: hash of both sides, width- and whitespace-normalised."""
    def norm(s: str) -> str:
        return " ".join(unicodedata.normalize("NFKC", s).split())

    return hashlib.sha1(f"{norm(en)}\x1f{norm(zh)}".encode()).hexdigest()[:16]


_SCRIPT_RUN = re.compile(r"(?P<latin>[A-Za-z][A-Za-z'’&.\-]*(?:\s+[A-Za-z][A-Za-z'’&.\-]*)*)"
                         r"|(?P<han>[\u3400-\u9fff]+)")


def is_widget(text: str) -> bool:
    """A line of alternating short English and Chinese labels ("Climate 气候 Cities 城市",
    "Open Source 开源 Policy 政策"): tags and buttons, not text to translate."""
    if re.search(r"[。！？，,.!?;；:：]", text):
        return False
    runs = [(m.lastgroup, m.group()) for m in _SCRIPT_RUN.finditer(text)]
    if len(runs) < 4 or runs[0][0] != "latin" or any(
            kind == "latin" and not run[0].isupper() for kind, run in runs) or any(
            (kind == "latin" and len(run.split()) > 3) or (kind == "han" and len(run) > 8)
            for kind, run in runs):
        return False
    return sum(a[0] != b[0] for a, b in itertools.pairwise(runs)) >= 3


def _stream(blocks: list[Block], lang: str) -> tuple[list[Sentence], list[str]]:
    """The sentences of one language's paragraphs, and the repeated paragraphs left out
    (a page that shows a paragraph twice holds one translation of it; a bracketed gloss
    repeats the term it glosses: "（attribute directives）" after "attribute directives")."""
    out: list[Sentence] = []
    repeated: list[str] = []
    seen: set[str] = set()
    para = 0
    for b in blocks:
        if b.lang != lang:
            continue
        key = " ".join(unicodedata.normalize("NFKC", b.text).split())
        if key in seen or (key[:1] in "([" and key[-1:] in ")]" and key[1:-1].strip() in seen):
            repeated.append(b.text)
            continue
        seen.add(key)
        sents = split(b.text, lang)
        out.extend(Sentence(s, para, b.line) for s in sents)
        para += bool(sents)
    return out, repeated


def align_article(article: Article, root: Path, settings: Settings) -> tuple[dict[str, Any],
                                                                            list[dict[str, Any]]]:
    """The documents row and the pair rows of one article; errors become the row's reason."""
    doc: dict[str, Any] = {
        "doc_id": article.doc_id, "source": list(article.files), "layout": "error",
        "status": "error", "reason": None, "content_hash": article.content_hash(root),
        "n_para_en": 0, "n_para_zh": 0, "n_sent_en": 0, "n_sent_zh": 0,
        "n_sent_en_aligned": 0, "n_sent_zh_aligned": 0, "n_pairs": 0,
        "unaligned_en": [], "unaligned_zh": [],
    }
    try:
        if article.two_files:
            assert article.en is not None and article.zh is not None
            raw = [(b, "en") for b in read_blocks(root / article.en, root)]
            raw += [(b, "zh") for b in read_blocks(root / article.zh, root)]
        else:
            raw = [(b, "") for b in read_blocks(root / article.files[0], root)]
    except ReadError as exc:
        doc["reason"] = str(exc)
        return doc, []
    forget_embeddings()  # the same rows whichever articles a worker aligned before
    widgets = [b.text for b, _ in raw if is_widget(b.text)]
    blocks: list[Block] = []
    furniture: dict[str, list[str]] = {"en": [], "zh": []}
    for b, want in raw:
        for part in split_blocks([b]) if b.text not in widgets else []:
            if want and part.lang != want:
                continue
            if is_furniture(part.text):
                furniture.setdefault(part.lang, []).append(part.text)
            else:
                blocks.append(part)
    (en, repeated_en), (zh, repeated_zh) = _stream(blocks, "en"), _stream(blocks, "zh")
    layout = block_layout = detect_layout(blocks, article.two_files)
    if layout not in ("two_files", "empty"):
        # A few quoted fragments do not make an article bilingual.
        if len(en) <= MINOR_SHARE * len(zh):
            layout = "zh_only"
        elif len(zh) <= MINOR_SHARE * len(en):
            layout = "en_only"
    doc.update(layout=layout, n_sent_en=len(en), n_sent_zh=len(zh),
               n_para_en=len({s.para for s in en}), n_para_zh=len({s.para for s in zh}))
    beads = align_sentences([s.text for s in en], [s.text for s in zh], "en", "zh",
                            [s.para for s in en], [s.para for s in zh], settings) \
        if en and zh else [Bead((i,), ()) for i in range(len(en))] + \
        [Bead((), (j,)) for j in range(len(zh))]
    beads = [left for k, b in enumerate(beads) for left in (
        [Bead(b.src, ()), Bead((), b.tgt)] if _stranded(beads, k) else [b])]
    source = " + ".join(article.files)
    rows: list[dict[str, Any]] = []
    used_en: set[int] = set()
    used_zh: set[int] = set()
    first = True
    for bead in beads:
        if not bead.src or not bead.tgt:
            continue
        pieces, first = _pieces(bead, en, zh, first), False
        for src, tgt, text_en, text_zh in pieces:
            if len(_WORD.findall(text_en)) < MIN_EN_WORDS:
                continue
            used_en.update(src)
            used_zh.update(tgt)
            rows.append({
                "pair_id": pair_id(text_en, text_zh), "doc_id": article.doc_id,
                "source": source, "layout": layout,
                "para_en": sorted({en[i].para for i in src}),
                "para_zh": sorted({zh[j].para for j in tgt}),
                "sent_en": list(src), "sent_zh": list(tgt),
                "line_en": en[src[0]].line, "line_zh": zh[tgt[0]].line,
                "bead": f"{len(src)}-{len(tgt)}", "en": text_en, "zh": text_zh,
                "align_score": bead.score,
            })
    _redivide(rows, zh)
    _return_closing_quotes(rows)
    if rows:
        quality = score_pairs([r["en"] for r in rows], [r["zh"] for r in rows],
                              [r["align_score"] for r in rows])
        for k, r in enumerate(rows):
            r.update({name: values[k] for name, values in quality.items()})
    if layout in ("zh_only", "en_only"):
        # A stray line of the guest language ("Back to top") pairs only if it is plainly
        # a translation.
        rows = [r for r in rows if r["quality"] >= GUEST_MIN_QUALITY]
        used_en = {i for r in rows for i in r["sent_en"]}
        used_zh = {j for r in rows for j in r["sent_zh"]}
    doc.update(
        n_pairs=len(rows), n_sent_en_aligned=len(used_en), n_sent_zh_aligned=len(used_zh),
        unaligned_en=_left_out(en, used_en, " ") + repeated_en + widgets + furniture["en"],
        unaligned_zh=_left_out(zh, used_zh, "") + repeated_zh + furniture["zh"],
        status="ok" if rows else "no_pairs",
    )
    if layout in ("blocked", "interleaved", "two_files") and rows and is_partial(
            [s.text for s in en], used_en, [s.text for s in zh], used_zh):
        doc["layout"] = layout = f"partial_{layout}"
        for r in rows:
            r["layout"] = layout
    if rows and layout in ("zh_only", "en_only"):
        # The guest language held translations after all: keep the layout of the blocks.
        doc["layout"] = layout = block_layout
        for r in rows:
            r["layout"] = layout
    if not rows:
        doc["reason"] = _why_no_pairs(layout, en, zh)
    return doc, rows


def _pieces(b: Bead, en: list[Sentence], zh: list[Sentence], first: bool) -> list[
        tuple[tuple[int, ...], tuple[int, ...], str, str]]:
    """The pairs of a bead: usually the bead itself. Where one side has two sentences
    (or a heading and more) and the other runs them into one, two pairs, the other side
    divided where the dictionary agrees: after a headline or heading, at a colon before
    a new verse (1-2), or where the Chinese runs two sentences together without
    punctuation (2-1; English marks its sentence ends, so one English sentence against
    two Chinese ones is a 1-2 translation, not a run-on, and stays whole). The
    article's first bead with one English sentence may run a title into its first
    sentence on both sides (the Chinese then may go on with more sentences). The pairs
    of a divided bead name the same divided sentence."""
    text_en = " ".join(en[i].text for i in b.src)
    text_zh = "".join(zh[j].text for j in b.tgt)
    if len(b.src) > 1 and len(b.tgt) == 1:
        out, src, text = [], b.src, text_zh
        while len(src) > 1:  # "Abstract" + "Background" + a sentence / "摘要背景背景..."
            head, rest = en[src[0]].text, " ".join(en[i].text for i in src[1:])
            pieces = split_for([head, rest], text, "en") if is_unpunctuated(head) else None
            if pieces is None and b.kind == "2-1":
                pieces = split_for([head, rest], text, "en", RUN_ON_MIN_COVERAGE, "run_on")
            if not pieces:
                break
            out.append(((src[0],), b.tgt, head, pieces[0]))
            src, text = src[1:], pieces[1]
        if out:
            return out + [(src, b.tgt, " ".join(en[i].text for i in src), text)]
    if len(b.src) == 1 and len(b.tgt) > 1:
        out, tgt, text = [], b.tgt, text_en
        while len(tgt) > 1:
            head, rest = zh[tgt[0]].text, "".join(zh[j].text for j in tgt[1:])
            pieces = None
            if is_unpunctuated(head):
                pieces = split_for([head, rest], text, "zh")
            elif b.kind == "1-2":  # "...freely eat: But of the tree..." / "...随意吃。只是..."
                pieces = split_for([head, rest], text, "zh", CLAUSE_MIN_COVERAGE, "clause")
            if not pieces:
                break
            out.append((b.src, (tgt[0],), pieces[0], head))
            tgt, text = tgt[1:], pieces[1]
        if out:
            return out + [(b.src, tgt, text, "".join(zh[j].text for j in tgt))]
    if len(b.src) == 1 and first:
        found = split_headline(text_en, text_zh)
        if found:
            return [(b.src, b.tgt, *found[0]), (b.src, b.tgt, *found[1])]
    return [(b.src, b.tgt, text_en, text_zh)]


def _redivide(rows: list[dict[str, Any]], zh: list[Sentence]) -> None:
    """Between two consecutive 1-1 pairs, one of them less than REDIVIDE_BELOW similar,
    the first clause of the second's Chinese moves to the first pair, or the last clause
    of the first's Chinese to the second, when the clause translates a stem only the
    other English sentence has (``_leans``: embedding every candidate doubled the time of
    long articles) and the embeddings of both pairs then agree REDIVIDE_GAIN better in
    sum and neither worse by more than REDIVIDE_TOLERANCE: the translator ended the
    sentence elsewhere
    ("...减少动态生成样式的次数。我们以组件为维度制定了缓存策略，| 同一个组件只会插入一次样式...")."""
    from align.semantic import similarities

    for prev, row in itertools.pairwise(rows):
        if prev["bead"] != "1-1" or row["bead"] != "1-1" or \
                prev["sent_en"][0] + 1 != row["sent_en"][0] or \
                prev["sent_zh"][-1] + 1 != row["sent_zh"][0] or \
                min(prev["align_score"], row["align_score"]) >= REDIVIDE_BELOW:
            continue
        options = []  # (first pair's Chinese, second's, the sentence both now share)
        first = _FIRST_CLAUSE.match(row["zh"])
        if first and first.end() < len(row["zh"]) and \
                _leans(first.group(), prev["en"], row["en"]):
            options.append((prev["zh"] + first.group(), row["zh"][first.end():],
                            row["sent_zh"][0]))
        cut = prev["zh"][:-1].rfind("，")
        if cut > 0 and _leans(prev["zh"][cut + 1:], row["en"], prev["en"]):
            options.append((prev["zh"][:cut + 1], prev["zh"][cut + 1:] + row["zh"],
                            prev["sent_zh"][-1]))
        if not options:
            continue
        sims = similarities([(prev["en"], prev["zh"]), (row["en"], row["zh"])] + [
            pair for a, b, _ in options for pair in ((prev["en"], a), (row["en"], b))])
        best = max(range(len(options)), key=lambda k: sims[2 + 2 * k] + sims[3 + 2 * k])
        a_sim, b_sim = sims[2 + 2 * best], sims[3 + 2 * best]
        if a_sim + b_sim >= sims[0] + sims[1] + REDIVIDE_GAIN and \
                min(a_sim - sims[0], b_sim - sims[1]) >= -REDIVIDE_TOLERANCE:
            prev["zh"], row["zh"], shared = options[best]
            for r in (prev, row):
                r["sent_zh"] = sorted(set(r["sent_zh"]) | {shared})
                r["para_zh"] = sorted({zh[j].para for j in r["sent_zh"]})
                r["pair_id"] = pair_id(r["en"], r["zh"])


def _leans(clause: str, to: str, away: str) -> bool:
    """True if the Chinese ``clause`` translates at least one English stem of ``to`` that
    ``away`` lacks (the cheap test before embedding a move)."""
    from align.lexicon import Lexicon, en_features

    feats = {f for fs in Lexicon.load().zh_features(clause) for f in fs}
    return bool(feats & (set(en_features(to)) - set(en_features(away))))


def _return_closing_quotes(rows: list[dict[str, Any]]) -> None:
    """Give back a closing quote the Chinese typed as an opening one ("...会客室。“" /
    "“至于教堂，...") to the pair it closes: when a pair's English ends with a closing
    quote its Chinese lacks, and the next pair's Chinese opens with a quote that nothing
    closes while its English opens none."""
    for prev, row in itertools.pairwise(rows):
        zh, prev_zh = row["zh"], prev["zh"]
        if zh.startswith("“") and not row["en"].lstrip().startswith(('"', "“", "'", "‘")) \
                and zh.count("“") > zh.count("”") and QUOTE_CLOSED.search(prev["en"]) \
                and not prev_zh.endswith(("”", "“")) \
                and prev["sent_zh"][-1] + 1 == row["sent_zh"][0]:
            prev["zh"], row["zh"] = prev_zh + "“", zh[1:]
            for r in (prev, row):
                r["pair_id"] = pair_id(r["en"], r["zh"])


def _stranded(beads: list[Bead], k: int) -> bool:
    """True for a weak 1-1 bead between two left-out sentences: at the edge of an
    untranslated stretch the aligner pairs leftovers ("And God said, This is the token
    of the covenant ... | 因为神造人是照自己的形像造的。")."""
    b = beads[k]
    if b.kind != "1-1" or b.score >= STRANDED_MAX or k == 0 or k == len(beads) - 1:
        return False
    return all(not (n.src and n.tgt) for n in (beads[k - 1], beads[k + 1]))


def _left_out(stream: list[Sentence], used: set[int], joiner: str) -> list[str]:
    """Unaligned text, consecutive sentences of one paragraph joined."""
    out: list[str] = []
    last_para, last_idx = -1, -2
    for k, s in enumerate(stream):
        if k in used:
            continue
        if s.para == last_para and k == last_idx + 1:
            out[-1] += joiner + s.text
        else:
            out.append(s.text)
        last_para, last_idx = s.para, k
    return out


def _why_no_pairs(layout: str, en: list[Sentence], zh: list[Sentence]) -> str:
    if layout == "empty":
        return "no English or Chinese text found"
    if layout == "zh_only":
        return f"Chinese only ({len(zh)} sentences, {len(en)} English fragments, no pairs)"
    if layout == "en_only":
        return f"English only ({len(en)} sentences, {len(zh)} Chinese fragments, no pairs)"
    return (f"no translated sentences found ({len(en)} English, {len(zh)} Chinese sentences "
            "left unaligned)")
