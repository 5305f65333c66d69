"""One article in, its pair rows and its documents row out: the step every runner shares.

Read the article's file(s) into blocks, split mixed blocks by language, build the
English and Chinese streams of paragraphs and sentences, align the sentences of the two
streams (paragraph breaks guide the search), and keep the beads that pair real text.
"""

from __future__ import annotations

import hashlib
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
from corpus.quality import QUALITY_SIGNATURE, score_pairs
from corpus.read import read_blocks
from corpus.sentences import split

# Bumped whenever reading, splitting or pairing changes the rows an article gives, so
# that a re-run does not keep rows made by older code.
PIPELINE_VERSION = 68
# An English side needs a word: a number alone ("70") is a score widget. One-word headings
# ("Methods" / "方法") are kept; widget lines ("Hot 热度") are left out by is_widget.
MIN_EN_WORDS = 1
CLAUSE_MIN_COVERAGE = 0.15  # both pieces of a sentence divided at a colon
RUN_ON_MIN_COVERAGE = 0.3  # both pieces of two Chinese sentences run together
COMMA_MIN_COVERAGE = 0.1  # both pieces of two translations joined by a comma
MINOR_SHARE = 0.1  # a language with at most this share of the other's sentences is a guest
GUEST_MIN_QUALITY = 0.5  # pairs in such an article need at least this quality
STRANDED_MAX = 0.4  # a 1-1 bead between two left-out sentences needs this similarity
REDIVIDE_BELOW = 0.3  # only pairs one of which is this similar or less (embedding costs)
REDIVIDE_GAIN = 0.2  # summed similarity a clause moved across a sentence end must add
REDIVIDE_TOLERANCE = 0.02  # and what either pair may lose
GAP_MAX = 3  # sentences of each language left out between two pairs, paired in order
GAP_MIN_SIMILARITY = 0.2  # if every pair's embeddings are at least this similar
GAP_MARGIN = 0.15  # and one Chinese sentence's English this much more than any other
RUN_IN_MIN_SIMILARITY = 0.4  # a heading divided off an English sentence, with its Chinese
RUN_IN_TOLERANCE = 0.05  # the similarity the rest of that sentence may lose
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
            f"run_in:{RUN_IN_MIN_SIMILARITY},{RUN_IN_TOLERANCE}|"
            f"gap:{GAP_MAX},{GAP_MIN_SIMILARITY},{GAP_MARGIN}|"
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
    return sum(a[0] != b[0] for a, b in zip(runs, runs[1:])) >= 3


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


def detect_layout(blocks: list[Block], two_files: bool) -> str:
    """How the article carries its languages, from the order of its blocks."""
    if two_files:
        return "two_files"
    langs = [b.lang for b in blocks if b.lang in ("en", "zh")]
    if not langs:
        return "empty"
    n_en, n_zh = langs.count("en"), langs.count("zh")
    if n_en == 0:
        return "zh_only"
    if n_zh == 0:
        return "en_only"
    switches = sum(a != b for a, b in zip(langs, langs[1:]))
    lines = [(b.line, b.lang) for b in blocks if b.lang in ("en", "zh")]
    same_line = sum(1 for (l1, g1), (l2, g2) in zip(lines, lines[1:]) if l1 == l2 and g1 != g2)
    if same_line >= max(2, switches // 2):
        return "same_line"
    if switches <= 2:
        return "blocked"
    return "interleaved"


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
    run_ins: set[Bead] = set()
    beads = _rejoin_left_out(beads, en, zh, run_ins)
    beads = [left for k, b in enumerate(beads) for left in (
        [Bead(b.src, ()), Bead((), b.tgt)] if _stranded(beads, k) else [b])]
    beads = _fill_gaps(beads, en, zh)
    source = " + ".join(article.files)
    rows, used_en, used_zh = [], set(), set()
    first = True
    for b in beads:
        if not b.src or not b.tgt:
            continue
        pieces, first = _pieces(b, en, zh, first, b in run_ins), False
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
                "align_score": b.score,
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
    if layout in ("blocked", "interleaved", "two_files") and rows and (
            len(used_en) < 0.7 * len(en) or len(used_zh) < 0.7 * len(zh)):
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


def _pieces(b: Bead, en: list[Sentence], zh: list[Sentence], first: bool,
            run_in: bool = False) -> list[
        tuple[tuple[int, ...], tuple[int, ...], str, str]]:
    """The pairs of a bead: usually the bead itself. Where one side has two sentences
    (or a heading and more) and the other runs them into one, two pairs, the other side
    divided where the dictionary agrees: after a headline or heading, at a colon before
    a new verse (1-2), or where the Chinese runs two sentences together without
    punctuation (2-1; English marks its sentence ends, so one English sentence against
    two Chinese ones is a 1-2 translation, not a run-on, and stays whole, unless
    ``run_in``: a heading the English runs into its sentence, see ``_runs_in``). The
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
            if pieces is None and run_in:  # joined by _rejoin_left_out for its comma
                pieces = _comma_joined([head, rest], text)
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
            if pieces is None and run_in:
                pieces = split_for([head, rest], text, "zh", mode="run_in")
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

    for prev, row in zip(rows, rows[1:]):
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
    for prev, row in zip(rows, rows[1:]):
        zh, prev_zh = row["zh"], prev["zh"]
        if zh.startswith("“") and not row["en"].lstrip().startswith(('"', "“", "'", "‘")) \
                and zh.count("“") > zh.count("”") and QUOTE_CLOSED.search(prev["en"]) \
                and not prev_zh.endswith(("”", "“")) \
                and prev["sent_zh"][-1] + 1 == row["sent_zh"][0]:
            prev["zh"], row["zh"] = prev_zh + "“", zh[1:]
            for r in (prev, row):
                r["pair_id"] = pair_id(r["en"], r["zh"])


def _rejoin_left_out(beads: list[Bead], en: list[Sentence], zh: list[Sentence],
                     run_ins: set[Bead] | None = None) -> list[Bead]:
    """An unpunctuated sentence left out just before a bead with one Chinese sentence (or
    several: a heading and a subheading), or given to the bead before it, is often a
    headline or heading whose translation the other side ran into its next sentence:
    make them one n-1 (or 1-2) bead when that sentence divides convincingly between
    them. So is an English sentence left out after a 1-1 bead whose English closes a
    quotation and whose Chinese goes on after the closing quote, or after a comma, and
    one before a 1-1 bead whose Chinese opens with its translation and a comma. Beads
    joined because the English runs a heading into its sentence, or for a comma, are
    added to ``run_ins``."""
    out: list[Bead] = []
    moved = None  # the bead a heading was last moved into
    for b in beads:
        prev = out[-1] if out else None
        if prev is not None and b.kind == "1-0" and prev.kind == "1-1" and \
                prev.src[0] + 1 == b.src[0] and split_for(
                    [en[prev.src[0]].text, en[b.src[0]].text], zh[prev.tgt[0]].text, "en",
                    mode="quote_end"):
            # The sentence after a quotation, left out while its translation follows the
            # Chinese closing quote ("...的声音”埃文斯：“...").
            out[-1] = Bead(prev.src + b.src, prev.tgt, prev.score)
            continue
        if prev is not None and b.kind == "1-0" and prev.kind == "1-1" and \
                prev.src[0] + 1 == b.src[0] and _comma_joined(
                    [en[prev.src[0]].text, en[b.src[0]].text], zh[prev.tgt[0]].text):
            # The sentence after a pair whose Chinese goes on after a comma with its
            # translation ("...早上六点前结束，对于出现这样的情况我深感遗憾。").
            out[-1] = Bead(prev.src + b.src, prev.tgt, prev.score)
            if run_ins is not None:
                run_ins.add(out[-1])
            continue
        if prev is not None and b.kind == "1-0" and prev.kind == "1-1" and \
                prev.src[0] + 1 == b.src[0] and is_unpunctuated(en[prev.src[0]].text) and \
                not is_unpunctuated(en[b.src[0]].text) and _confirmed(
                    [en[prev.src[0]].text, en[b.src[0]].text], zh[prev.tgt[0]].text, 1):
            # A heading paired with the Chinese that runs it into the next sentence,
            # which the aligner left out ("...in race to find survivors" + "For
            # survivors, ..." / "...而陷入绝望情况对于幸存者来说变得越来越糟。").
            out[-1] = Bead(prev.src + b.src, prev.tgt, prev.score)
            continue
        if prev is not None and b.kind == "1-1" and prev.kind == "1-0" and \
                prev.src[0] + 1 == b.src[0] and _comma_joined(
                    [en[prev.src[0]].text, en[b.src[0]].text], zh[b.tgt[0]].text, 0):
            # The sentence before a pair whose Chinese opens with its translation and a
            # comma.
            out[-1] = Bead(prev.src + b.src, b.tgt, b.score)
            if run_ins is not None:
                run_ins.add(out[-1])
            continue
        if prev is not None and b.kind == "1-1" and len(prev.src) > 1 and prev.tgt and \
                prev is not moved and prev.src[-1] + 1 == b.src[0] and \
                _opens(en[prev.src[-1]].text, b, en, zh):
            # A heading the aligner gave to the sentence before it ("... progression." +
            # "End points" / "...进展。"), whose translation opens the next bead's Chinese
            # (once: the moved heading's sentence does not move on in turn).
            out[-1] = Bead(prev.src[:-1], prev.tgt, prev.score)
            moved = Bead(prev.src[-1:] + b.src, b.tgt, b.score)
            out.append(moved)
            continue
        if prev is not None and b.src and len(b.tgt) == 1 and _heads(prev, b, en, zh):
            while out and _heads(out[-1], b, en, zh):  # "Statistical analysis" +
                b = Bead(out.pop().src + b.src, b.tgt, b.score)  # "Primary end point"
            out.append(b)
            continue
        if prev is not None and {b.kind, prev.kind} == {"0-1", "1-1"}:
            one, left = (prev, b) if prev.src else (b, prev)
            joined = Bead(one.src, tuple(sorted(one.tgt + left.tgt)), one.score)
            if joined.tgt[0] + 1 == joined.tgt[1] and (
                    left is prev and is_unpunctuated(zh[left.tgt[0]].text) and split_for(
                        [zh[j].text for j in joined.tgt], en[one.src[0]].text, "zh") or
                    _runs_in(one, left, en, zh)):
                # A heading left out, run into its sentence on the other side: an
                # unpunctuated Chinese one before it, or a Chinese one before or after the
                # English that runs it in ("...blunt visitors Holt's team should ...").
                out[-1] = joined
                if run_ins is not None:
                    run_ins.add(joined)
                continue
        out.append(b)
    return out


def _runs_in(one: Bead, left: Bead, en: list[Sentence], zh: list[Sentence]) -> bool:
    """True if the English of the 1-1 bead ``one`` runs a heading into its sentence
    where the Chinese has two, ``left``'s (left out) and ``one``'s: it divides where a
    headline may end, as ``_confirmed`` checks."""
    ordered = sorted([one.tgt[0], left.tgt[0]])
    return _confirmed([zh[j].text for j in ordered], en[one.src[0]].text,
                      ordered.index(left.tgt[0]), "zh", mode="run_in") is not None


def _fill_gaps(beads: list[Bead], en: list[Sentence], zh: list[Sentence]) -> list[Bead]:
    """Sentences left out between two pairs, or between a pair and the start or end of
    the text, are translations the aligner missed when their embeddings agree: as many
    English as Chinese (up to GAP_MAX of each: a short quotation, "Today, there's
    neither." / "而如今，这两样什么都没有了。"; two headings) in order, each pair
    GAP_MIN_SIMILARITY similar or more; one sentence among several of the other language
    (the edge of an untranslated stretch) with the one that is that similar and
    GAP_MARGIN more similar than any other."""
    from align.semantic import similarities

    out: list[Bead] = []
    k = 0
    while k < len(beads):
        end = k
        while end < len(beads) and not (beads[end].src and beads[end].tgt):
            end += 1
        src = [i for b in beads[k:end] for i in b.src]
        tgt = [j for b in beads[k:end] for j in b.tgt]
        found: list[Bead] = []
        if end > k and tgt and (k > 0 or end < len(beads)):
            if len(src) == len(tgt) <= GAP_MAX:
                sims = similarities([(en[i].text, zh[j].text) for i, j in zip(src, tgt)])
                if min(sims) >= GAP_MIN_SIMILARITY:
                    found = [Bead((i,), (j,), 0.0) for i, j in zip(src, tgt)]
            elif min(len(src), len(tgt)) == 1:
                sims = similarities([(en[i].text, zh[j].text) for i in src for j in tgt])
                best, second = sorted(sims, reverse=True)[:2]
                if best >= GAP_MIN_SIMILARITY and best >= second + GAP_MARGIN:
                    i, j = [(i, j) for i in src for j in tgt][sims.index(best)]
                    found = [Bead((m,), ()) for m in src if m < i] + \
                        [Bead((), (m,)) for m in tgt if m < j] + [Bead((i,), (j,), 0.0)] + \
                        [Bead((m,), ()) for m in src if m > i] + \
                        [Bead((), (m,)) for m in tgt if m > j]
        if found:
            out += found
            k = end
            continue
        out += beads[k:max(end, k + 1)]
        k = max(end, k + 1)
    return out


def _confirmed(parts: list[str], text: str, left: int, parts_lang: str = "en",
               min_coverage: float = 0.15, mode: str = "headline") -> tuple[str, str] | None:
    """``text`` divided for ``parts`` (``split_for``) where the embeddings agree: the
    piece of ``parts[left]`` (the sentence the aligner left out) is RUN_IN_MIN_SIMILARITY
    similar to it or more, and the other piece loses no more than RUN_IN_TOLERANCE of
    the whole's similarity to its own part; else None."""
    from align.semantic import similarities

    found = split_for(parts, text, parts_lang, min_coverage, mode)
    if found is None:
        return None
    kept = 1 - left
    pairs = [(parts[left], found[left]), (parts[kept], found[kept]), (parts[kept], text)]
    if parts_lang == "zh":
        pairs = [(b, a) for a, b in pairs]
    sims = similarities(pairs)
    if sims[0] >= RUN_IN_MIN_SIMILARITY and sims[1] >= sims[2] - RUN_IN_TOLERANCE:
        return found
    return None


def _comma_joined(parts: list[str], text: str, left: int = 1) -> tuple[str, str] | None:
    """The Chinese ``text`` divided after the comma that joins the translations of two
    English sentences ``parts`` ("...早上六点前结束，|对于出现这样的情况我深感遗憾。"), the
    sentence ``parts[left]`` left out (``_confirmed``); else None."""
    return _confirmed(parts, text, left, min_coverage=COMMA_MIN_COVERAGE, mode="comma")


def _stranded(beads: list[Bead], k: int) -> bool:
    """True for a weak 1-1 bead between two left-out sentences: at the edge of an
    untranslated stretch the aligner pairs leftovers ("And God said, This is the token
    of the covenant ... | 因为神造人是照自己的形像造的。")."""
    b = beads[k]
    if b.kind != "1-1" or b.score >= STRANDED_MAX or k == 0 or k == len(beads) - 1:
        return False
    return all(not (n.src and n.tgt) for n in (beads[k - 1], beads[k + 1]))


def _heads(prev: Bead, b: Bead, en: list[Sentence], zh: list[Sentence]) -> bool:
    """True if ``prev`` leaves out an unpunctuated English sentence just before ``b``,
    not a bracketed gloss ("（dynamic component loading）"), whose Chinese divides
    between it and ``b``'s English."""
    if prev.kind != "1-0" or prev.src[0] + 1 != b.src[0]:
        return False
    heading = en[prev.src[0]].text
    return not (heading[:1] in "(（" and heading[-1:] in ")）") and _opens(heading, b, en, zh)


def _opens(heading: str, b: Bead, en: list[Sentence], zh: list[Sentence]) -> bool:
    """True if ``heading`` is unpunctuated and ``b``'s one Chinese sentence divides
    between it and ``b``'s English."""
    return is_unpunctuated(heading) and split_for(
        [heading, " ".join(en[i].text for i in b.src)], zh[b.tgt[0]].text, "en") is not None


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
