"""Splitting one sentence in two where the other language has two.

Pages often run a headline into the first sentence without punctuation. When one
side of a 2-1 bead starts with such a headline, the single sentence of the other side
usually holds both translations back to back: find the word boundary that best divides
it between the two, by dictionary coverage and length, and among the dictionary's best
candidates by how close each piece's sentence embedding is to its part's
(``align.semantic``). When both sides run the headline in, search the English cut and
the Chinese cut together. The same search divides a sentence at a colon before a new
verse, or two sentences run together without punctuation (``split_for``'s modes; the
run-on mode uses the dictionary alone).
"""

from __future__ import annotations

import re

from align.lexicon import STOP_WORDS, Lexicon, en_features

_PUNCT_START = re.compile(r"[，。、；：！？,.;:!?）)\]」』”’》]")
# Final punctuation, possibly inside closing quotes or brackets (a headline may end in a
# quotation without punctuation: "... 'and then we fell in love'").
# Final punctuation, with the citation number a journal prints after it ("cycles.14").
_TERMINAL = re.compile(r"(?:[.!?。！？…:：;；][\"'”’」』)）]*|(?<=[a-z)\]])\.\d{1,3}(?:[,–-]\d{1,3})*)"
                       r"\s*$")
# Chinese words a phrase does not end with (prepositions, conjunctions, pronouns,
# determiners) or start with (aspect and structural particles).
_ZH_NO_END = frozenset("的 在 和 与 及 对 对于 关于 由于 至于 随着 根据 按照 通过 把 被 将 从 向 为 以 "
                       "如果 因为 虽然 但 而 你 我 他 她 它 "
                       "这 那 其 该 此 本 一 每 各 由".split())
_ZH_NO_START = frozenset("的 了 着 过 地 得 们".split())
# Nor with the measure word of a number the head ends with ("832 | 人").
_ZH_MEASURES = frozenset("人 个 名 岁 年 月 日 号 元 次 位 家 座 条 只 件 天 周 倍 度 分 秒".split())
# Nor with a number and its measure word, which want their noun ("几名男子被捕一辆 |").
_COUNTED = re.compile(r"[一二两三四五六七八九十几数多每这那该某][个名辆位只条家件项座本张次架艘]")
_NUMBER_END = re.compile(r"[0-9０-９零一二两三四五六七八九十百千万亿]\s*$")
# A piece that stands for an unpunctuated headline does not end in clause punctuation.
_CLAUSE_END = re.compile(r"[，、；：,;:（(“「『《]\s*$")
_CLAUSE_CUT = re.compile(r"[;:]$")
_HAN_WORD = re.compile(r"[\u4e00-\u9fff]")
# A piece ending at punctuation (closing quotes and brackets aside).
RUN_ON_TIE = 0.05  # dictionary score within which two cuts of a run-on are as good

_PUNCTUATED = re.compile(r"[，、；：,;:。.!?！？…]['\"’”」』）)]*\s*$")
# Clause punctuation within two characters of a cut ("太旧，有|可能", "一件|事，因为").
_NEAR_PUNCTUATION = re.compile(r"[，、；：,;:][^|]{0,2}\||\|[^|]{0,2}[，、；：,;:]")
_PAIRS = (("「", "」"), ("『", "』"), ("（", "）"), ("(", ")"), ("《", "》"), ("[", "]"))
# Weight of the embedding similarity of a division's two pieces (sum of two cosines)
# beside the dictionary score (up to about 3).
SEMANTIC_WEIGHT = 4.0
# Both pieces of a division at a quote or bracket (the mark is the evidence; names the
# dictionary lacks keep coverage low: "The Wellingborough MP added: '...Chequers.'").
MARK_MIN_COVERAGE = 0.1
# A sentence that ends inside quotes ('... Chequers.'', '...,"').
QUOTE_CLOSED = re.compile(r"[.!?,]['\"’”]\s*$")
_EN_QUOTE_OPEN = re.compile(r"(?:^|(?<=\s))[\"“‘']")
# Only candidates within this much of the dictionary's best can win (half the encoding).
MARGIN = 0.4


def is_unpunctuated(sentence: str) -> bool:
    """True for a sentence with no final punctuation (a headline, a caption, a label)."""
    return not _TERMINAL.search(sentence)


_VERBS_OF_SAYING = {"said", "says", "told", "asked", "added", "wrote", "called", "named"}
_TITLES = {"president", "minister", "senator", "judge", "king", "queen", "prince", "general",
           "secretary", "governor", "mayor", "chancellor", "professor", "dr", "mr", "mrs", "ms",
           "sir", "lord", "pope", "chairman", "director", "coach", "captain", "officer"}
# Not before a number: news sentences do not open with one ("China reports | 14% surge").
_BEFORE_CAPITAL = re.compile(r"(?<=[A-Za-z0-9'’\")%])\s+(?=['\"‘“]?[A-Z])")
_SENTENCE_END = re.compile(r"(?!vs\.)[a-z]{2}[.!?]\s|[!?]\s|[;；]")
# Stop words a headline may end with ("... yet again", "... Then Backed Off", "... near you").
_PHRASE_FINAL = frozenset("""again off out up down over you ye them him her me it us there
    here now then too once more most all both before after""".split())


# Capitalised words that open an English sentence: after an unpunctuated word, where a
# headline or heading ran into the text ("... in West Virginia The President ...").
SENTENCE_OPENERS = tuple("""The A An There It It's In We This That They He She His Her Our Its
    These Those Another Every Each Both But As At On For When After Before Some Many Most
    If While According However Researchers Patients Police Officials Experts Scientists
    Doctors People Now Today Yesterday Last Since During""".split())
_OPENER = re.compile(rf"['\"‘“]?(?:{'|'.join(SENTENCE_OPENERS)})\s")
_INITIALISM = re.compile(r"(?:[A-Z]\.){2,}")
# A headline's closing attribution: "..., says Foreign Minister", "... - Interior Secretary".
_ATTRIBUTION = re.compile(r"(?:\bsays|\bsaid|\s[-–—])\s+(?:[A-Z][\w'’.-]*\s+){0,3}[A-Z][\w'’.-]*$")


def _opens_sentence(head: str, rest: str) -> bool:
    """True if ``rest`` starts like a sentence after ``head``: with a capitalised opener
    ("The", "It's", "As") that is not a Title Case headline's inner word ("... Surgery
    After Suffering Head Injury")."""
    if not _OPENER.match(rest.lstrip()):
        return False
    words = [w for w in head.split() if w[:1].isalpha()]
    title_case = sum(w[0].isupper() for w in words) >= 0.75 * len(words)
    nxt = rest.split()[1:2]
    return not title_case or bool(nxt and nxt[0][:1].islower())


def headline_ends(sentence: str) -> list[int]:
    """Offsets where an English headline of 3 to 25 words may end inside ``sentence``:
    an unpunctuated word followed by a capitalised word, and the rest a
    sentence of 4 words or more with its final punctuation. A headline holds no sentence
    end and at most one colon, after a short label ("Watch: ...")."""
    restart = _restart(sentence)
    out = [] if restart is None else [restart]
    if is_unpunctuated(sentence):
        return out  # a title alone, unless it starts again
    for m in _BEFORE_CAPITAL.finditer(sentence):
        head = sentence[:m.start()]
        words = head.split()
        if not 3 <= len(words) <= 25 or _SENTENCE_END.search(head + " ") or \
                len(sentence[m.end():].split()) < 4 or not _balanced(head):
            continue
        colons = [k for k, w in enumerate(words) if w.endswith(":")]
        if len(colons) > 1 or (colons and colons[0] > 4):
            continue
        last = words[-1].lower().strip("'\"’.")
        after = sentence[m.end():].split(maxsplit=1)[0]
        if (last in STOP_WORDS and last not in _PHRASE_FINAL) or last in _VERBS_OF_SAYING \
                or (last in _TITLES and not _INITIALISM.match(after) and
                    not _OPENER.match(sentence[m.end():]) and not _ATTRIBUTION.search(head)):
            # "... and God divided", "... said Trump was", "President Trump"; but "...
            # for president U.S. Sen. Elizabeth Warren", "... Interior Secretary As ..."
            continue
        if sentence.lower().count(f"{words[-1]} {after}".lower()) > 1:
            continue  # inside a name the sentence repeats ("NIGEL FARAGE ... Nigel Farage")
        if _restart(sentence[m.end():]) is not None:
            continue  # the rest starts again itself: the headline ends later ("Watch:
            # Manchester City's | Sergio Aguero navigates ... goal Sergio Aguero and ...")
        if m.start() not in out:
            out.append(m.start())
    return out


def _restart(sentence: str) -> int | None:
    """Where a sentence starts again with its own first two words after 3 to 25 words,
    as a first sentence repeating its headline does ("New cancer vaccine can teach ...
    New cancer vaccine can teach ... and kill them"); else None."""
    spans = [m.span() for m in re.finditer(r"\S+", sentence)]
    words = [sentence[a:b] for a, b in spans]
    if len(words) < 8 or not words[0][:1].isupper():
        return None
    for k in range(3, min(len(words) - 4, 26)):
        if words[k:k + 2] == words[:2] and not _SENTENCE_END.search(
                sentence[:spans[k][0]]) and is_unpunctuated(sentence[:spans[k - 1][1]]):
            return spans[k - 1][1]
    return None


def split_for(parts: list[str], sentence: str, parts_lang: str = "en",
              min_coverage: float = 0.15, mode: str = "headline") -> tuple[str, str] | None:
    """Divide ``sentence`` into two pieces translating ``parts[0]`` and ``parts[1]``.

    :param parts_lang: language of ``parts`` (``sentence`` is in the other one).
    :param mode: where the cut may fall: ``headline`` (default): where an unpunctuated
        headline may end, never after clause punctuation; ``clause``: only after a colon
        or semicolon followed by a capital letter (in English, where a new verse or
        quotation starts); ``run_on``: anywhere, but only if the dictionary's best cut is
        not at punctuation nor within two characters of it (two sentences run together
        without it, rather than joined by a comma as translators do). First, though, where
        a quote or bracket marks the end or start of a translation (``_marks``), the cut
        falls there if it can (``quote_end``: only at a closing quote).
    :return: the two pieces, or None when no division is convincing.
    """
    tokens = _tokens(sentence, parts_lang)
    for mark in _marks(parts, parts_lang, mode):
        marked = [(parts, c) for c in _candidates(
            parts, tokens, sentence, parts_lang, MARK_MIN_COVERAGE, mark)]
        if marked:
            return marked[_by_dictionary(marked)[0]][1][1:]
    if mode == "quote_end":
        return None
    options = [(parts, c) for c in _candidates(
        parts, tokens, sentence, parts_lang, min_coverage, mode)]
    if mode == "run_on":
        # The dictionary's best cut (embedding these candidates cost 15 % of the time of
        # aligning generated articles for 0.001 F1), unless at or a word off punctuation.
        if not options:
            return None
        order = _by_dictionary(options)
        found = options[order[0]][1][1:]
        top = options[order[0]][1][0]
        # A cut at punctuation as good as the best (within RUN_ON_TIE) says the
        # translator joined the two with it: not a run-on.
        if any(_at_punctuation(*options[i][1][1:]) for i in order
               if options[i][1][0] >= top - RUN_ON_TIE):
            return None
        return found
    best = _choose(options, parts_lang)
    return None if best is None else options[best][1][1:]


def _marks(parts: list[str], parts_lang: str, mode: str) -> list[str]:
    """The cuts that quotes and brackets point to, as ``_candidates`` modes: after the
    Chinese closing quote when the first English sentence closes a quotation ("...放弃
    “契克斯”计划”|他在阐述..."), before the Chinese opening quote when the second opens
    one ("...她说“感觉很紧张”，|“每分钟都..."), after a Chinese closing bracket when the
    first English part ends in one ("...胸罩里(埃尔维/母亲)|又有人评论")."""
    if parts_lang != "en":
        return []
    out = []
    if mode in ("run_on", "quote_end") and _ends_quoting(parts[0]):
        out.append("quote_end")
    if mode == "run_on" and parts[1].lstrip()[:1] in "\"“":
        out.append("quote_start")
    if mode in ("run_on", "headline") and parts[0].rstrip()[-1:] in ")）":
        out.append("bracket_end")
    return out


def _ends_quoting(sentence: str) -> bool:
    """True if an English sentence ends by closing a quotation of four words or more
    (opened in it, or before it)."""
    if not QUOTE_CLOSED.search(sentence):
        return False
    body = sentence.rstrip()[:-1]
    opening = list(_EN_QUOTE_OPEN.finditer(body))
    return not opening or len(body[opening[-1].end():].split()) >= 4


def _quoted_tail(head: str) -> str:
    """The Chinese text the closing quote that ends ``head`` closes (all of ``head`` if
    the quote was opened before it)."""
    depth, start = 0, 0
    for k in range(len(head) - 2, -1, -1):
        if head[k] == "”":
            depth += 1
        elif head[k] == "“":
            if depth == 0:
                start = k + 1
                break
            depth -= 1
    return head[start:-1]


def _at_punctuation(head: str, rest: str) -> bool:
    """True if a cut falls at clause punctuation or within two characters of it."""
    return bool(_PUNCTUATED.search(head) or _NEAR_PUNCTUATION.search(f"{head[-3:]}|{rest[:3]}"))


def split_headline(en: str, zh: str, min_coverage: float = 0.1) -> tuple[
        tuple[str, str], tuple[str, str]] | None:
    """Divide a sentence pair that runs a headline into its first sentence on both sides.

    :return: ``((head_en, head_zh), (rest_en, rest_zh))``, or None when no pair of cuts
        gives two convincing translations.
    """
    tokens = _tokens(zh, "en")  # the Chinese words, once for every English cut
    options = []
    cuts = headline_ends(en)
    openers = [c for c in cuts if _opens_sentence(en[:c], en[c:])]
    for cut in openers or cuts:
        parts = [en[:cut].strip(), en[cut:].strip()]
        options += [(parts, c) for c in _candidates(parts, tokens, zh, "en", min_coverage)]
    best = _choose(options, "en")
    if best is None:
        return None
    (head_en, rest_en), (_, head_zh, rest_zh) = options[best]
    return (head_en, head_zh), (rest_en, rest_zh)


def _choose(options: list[tuple[list[str], tuple[float, str, str]]],
            parts_lang: str) -> int | None:
    """Index of the best (dictionary score plus SEMANTIC_WEIGHT times the
    embedding similarity of each piece with its part) among ``options``, each the two
    parts and a candidate ``(score, head, rest)`` of the other language; only candidates
    within MARGIN of the dictionary's best are embedded."""
    if not options:
        return None
    if len(options) == 1:
        return 0
    order = _by_dictionary(options)
    if not all(_sentence_like(part, parts_lang) for part in options[0][0]):
        # A one-word heading's embedding says no more than the dictionary does.
        return order[0]
    from align.semantic import similarities

    ceiling = options[order[0]][1][0]
    top = [i for i in order if options[i][1][0] >= ceiling - MARGIN]
    if len(top) == 1:
        return top[0]
    pairs = [(options[i][0][0], options[i][1][1]) for i in top] + \
        [(options[i][0][1], options[i][1][2]) for i in top]
    if parts_lang == "zh":
        pairs = [(b, a) for a, b in pairs]
    sims = similarities(pairs)
    n = len(top)
    best = max(range(n), key=lambda k: options[top[k]][1][0] +
               SEMANTIC_WEIGHT * (sims[k] + sims[n + k]))
    return top[best]


def _by_dictionary(options: list[tuple[list[str], tuple[float, str, str]]]) -> list[int]:
    """Indices of ``options`` from the best dictionary score down (ties: first first)."""
    return sorted(range(len(options)), key=lambda i: -options[i][1][0])


def _sentence_like(text: str, lang: str) -> bool:
    """At least three English words or six Chinese characters."""
    return len(text.split()) >= 3 if lang == "en" else len("".join(text.split())) >= 6


_Tokens = tuple[list[str], list[int], list[set[str]]]


def _tokens(sentence: str, parts_lang: str) -> _Tokens:
    """The words of ``sentence`` (in the language other than ``parts_lang``), the offset
    where each ends, and the English stems each stands for."""
    if parts_lang == "en":
        import rjieba

        lex = Lexicon.load()
        # Traditional→Simplified maps character for character, so offsets carry over.
        words = rjieba.cut(lex.simplify(sentence))
        ends, pos = [], 0
        for t in words:
            pos += len(t)
            ends.append(pos)
        return words, ends, [set(lex.word_features(w)) if w.strip() else set() for w in words]
    spans = [m.span() for m in re.finditer(r"\S+", sentence)]
    words = [sentence[a:b] for a, b in spans]
    return words, [b for _, b in spans], [set(en_features(w)) for w in words]


def _candidates(parts: list[str], tokens: _Tokens, sentence: str, parts_lang: str,
                min_coverage: float, mode: str = "headline") -> list[tuple[float, str, str]]:
    """Every allowed division of ``sentence`` (as ``tokens``) for ``parts`` with its
    dictionary score, as ``(score, head, rest)``."""
    if len(parts) != 2:
        return []
    if parts_lang == "en":
        stems = [set(en_features(p)) for p in parts]
    else:
        lex = Lexicon.load()
        stems = [{f for fs in lex.zh_features(p) for f in fs} for p in parts]
    words, ends, feats = tokens
    if len(words) < 2 or not all(stems):
        return []
    share = len(parts[0]) / max(len(parts[0]) + len(parts[1]), 1)
    total = sum(len(w) for w in words)
    out = []
    content = max(1, sum(1 for f in feats if f))
    anchored = stems[0] | stems[1]
    heading = not _sentence_like(parts[0], parts_lang)
    prefix = 0
    for k in range(1, len(words)):
        prefix += len(words[k - 1])
        ratio = prefix / total
        if not 0.4 * share <= ratio <= min(1.0, 2.5 * share) or ratio >= 0.95:
            continue
        head, rest = sentence[:ends[k - 1]], sentence[ends[k - 1]:].lstrip()
        if not _may_cut(mode, head, rest):
            continue
        if parts_lang == "en" and (words[k - 1] in _ZH_NO_END or words[k] in _ZH_NO_START
                                   or _COUNTED.fullmatch(words[k - 1])
                                   or _measure_after_number(head, words[k:])):
            continue  # nor ends on a preposition or pronoun, nor starts with a particle
        if parts_lang == "en" and heading and _HAN_WORD.match(words[k - 1]) and \
                _HAN_WORD.match(words[k]) and not (feats[k - 1] & anchored) and \
                not (feats[k] & anchored):
            # After a heading of a word or two, not between two words that translate
            # nothing (jieba's pieces of one name: "程序吉西 | 他滨").
            continue
        a = _coverage(stems[0], feats[:k])
        b = _coverage(stems[1], feats[k:])
        if min(a, b) < min_coverage:
            continue
        # Stems translated on each side, plus words placed with what they translate; a
        # word translating nothing moves by length alone, whichever piece is shorter.
        placed = sum(1 for f in feats[:k] if f & stems[0]) + \
            sum(1 for f in feats[k:] if f & stems[1])
        score = _recall(stems[0], feats[:k]) + _recall(stems[1], feats[k:]) + \
            placed / content - abs(ratio - share)
        out.append((score, head.strip(), rest.strip()))
    return out


def _may_cut(mode: str, head: str, rest: str) -> bool:
    """Whether a ``mode`` division may end a piece with ``head`` and start the next with
    ``rest`` (its leading space stripped); see ``split_for`` and ``_marks``."""
    if mode == "clause":
        return bool(_CLAUSE_CUT.search(head)) and rest[:1].isupper()
    if mode == "quote_start":
        return rest.startswith("“") and head.rstrip()[-1:] in "，,：:”"
    if _PUNCT_START.match(rest):
        return False  # a piece never starts with punctuation
    if mode == "run_on":
        return _balanced(head)
    if mode == "bracket_end":
        return head.rstrip()[-1:] in ")）"
    if mode == "quote_end":
        # '...一切如常，”该球员笑着补充道' goes on: the attribution.
        return head.endswith("”") and head[-2:-1] not in "，,、；;：:" and \
            len(_quoted_tail(head)) >= 8
    return _may_end(head)  # nor, for a headline, ends inside quotes


def _measure_after_number(head: str, rest: list[str]) -> bool:
    """True if the Chinese ``rest`` opens with the measure word of the number ``head``
    ends with ("上升到 832 | 人")."""
    first = next((w for w in rest if w.strip()), "")
    return first in _ZH_MEASURES and _NUMBER_END.search(head) is not None


def _may_end(head: str) -> bool:
    """True if an unpunctuated piece may end here: not after clause punctuation, not
    inside quotes or brackets."""
    return not _CLAUSE_END.search(head) and _balanced(head)


def _balanced(head: str) -> bool:
    """True if ``head`` closes every quote and bracket it opens."""
    if sum(head.count(q) for q in '"“”') % 2:
        return False  # curly and straight quotes together: "因“改写历史"引起争议"
    return all(head.count(a) == head.count(b) for a, b in _PAIRS)


def _recall(stems: set[str], feats: list[set[str]]) -> float:
    """Share of the stems some word translates."""
    content = [f for f in feats if f]
    if not content or not stems:
        return 0.0
    return len(set().union(*content) & stems) / len(stems)


def _coverage(stems: set[str], feats: list[set[str]]) -> float:
    """Mean of: share of the stems some word translates, share of content words that
    translate some stem."""
    content = [f for f in feats if f]
    if not content or not stems:
        return 0.0
    hit_words = sum(1 for f in content if f & stems)
    return 0.5 * (_recall(stems, content) + hit_words / len(content))
