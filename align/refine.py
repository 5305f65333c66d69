"""Splitting one sentence in two where the other language has two.

Pages often run a headline into the first sentence without punctuation. When one
side of a 2-1 bead starts with such a headline, the single sentence of the other side
usually holds both translations back to back: find the word boundary that best divides
it between the two, by dictionary coverage and length.
"""

from __future__ import annotations

import re

from align.lexicon import STOP_WORDS, Lexicon, en_features, stem

_PUNCT_START = re.compile(r"[，。、；：！？,.;:!?）)\]」』”’]")
_TERMINAL = re.compile(r"[.!?。！？…:：;；\"'”’」』)）]\s*$")


def is_unpunctuated(sentence: str) -> bool:
    """True for a sentence with no final punctuation (a headline, a caption, a label)."""
    return not _TERMINAL.search(sentence)


_VERBS_OF_SAYING = {"said", "says", "told", "asked", "added", "wrote", "called", "named"}
_TITLES = {"president", "minister", "senator", "judge", "king", "queen", "prince", "general",
           "secretary", "governor", "mayor", "chancellor", "professor", "dr", "mr", "mrs", "ms",
           "sir", "lord", "pope", "chairman", "director", "coach", "captain", "officer"}
_HEADLINE_END = re.compile(r"(?<=[A-Za-z0-9'’\")])\s+(?=[A-Z][a-z]+\s+[a-z])")


def headline_ends(sentence: str) -> list[int]:
    """Offsets where an English headline of 3 to 20 words may end inside ``sentence``:
    an unpunctuated word followed by a capitalised word and a lowercase one."""
    gloss_stems = Lexicon.load().english_stems
    out = []
    for m in _HEADLINE_END.finditer(sentence):
        head = sentence[:m.start()]
        words = head.split()
        if not 3 <= len(words) <= 20 or re.search(r"[,;:，；：]", head):
            continue  # a headline has no clause punctuation
        last = words[-1].lower().strip("'\"’.")
        if last in STOP_WORDS or last in _VERBS_OF_SAYING or last in _TITLES:
            continue  # "... and God divided", "... said Trump was", "President Trump"
        opener = sentence[m.end():].split()[0]
        if opener.lower() in STOP_WORDS or stem(opener) not in gloss_stems:
            continue  # a name ("Theresa May said") rather than a sentence opener
        out.append(m.start())
    return out


def split_for(parts: list[str], sentence: str, parts_lang: str = "en",
              min_coverage: float = 0.15) -> tuple[str, str] | None:
    """Divide ``sentence`` into two pieces translating ``parts[0]`` and ``parts[1]``.

    :param parts_lang: language of ``parts`` (``sentence`` is in the other one).
    :return: the two pieces, or None when no division is convincing.
    """
    if len(parts) != 2:
        return None
    lex = Lexicon.load()
    if parts_lang == "en":
        import rjieba

        stems = [set(en_features(p)) for p in parts]
        # Traditional→Simplified maps character for character, so offsets carry over.
        tokens = rjieba.cut(lex.simplify(sentence))
        ends, pos = [], 0
        for t in tokens:
            pos += len(t)
            ends.append(pos)
        words = tokens
        feats = [set(lex.word_features(w)) if w.strip() else set() for w in words]
    else:
        stems = [{f for fs in lex.zh_features(p) for f in fs} for p in parts]
        spans = [m.span() for m in re.finditer(r"\S+", sentence)]
        words = [sentence[a:b] for a, b in spans]
        ends = [b for _, b in spans]
        feats = [set(en_features(w)) for w in words]
    if len(words) < 2 or not all(stems):
        return None
    share = len(parts[0]) / max(len(parts[0]) + len(parts[1]), 1)
    total = sum(len(w) for w in words)
    best, best_k = -1.0, 0
    prefix = 0
    for k in range(1, len(words)):
        prefix += len(words[k - 1])
        ratio = prefix / total
        if not 0.4 * share <= ratio <= min(1.0, 2.5 * share) or ratio >= 0.95:
            continue
        if _PUNCT_START.match(sentence[ends[k - 1]:].lstrip()):
            continue  # a piece never starts with punctuation
        a = _coverage(stems[0], feats[:k])
        b = _coverage(stems[1], feats[k:])
        if min(a, b) < min_coverage:
            continue
        score = a + b - abs(ratio - share)
        if score > best:
            best, best_k = score, k
    if best_k == 0:
        return None
    cut = ends[best_k - 1]
    return sentence[:cut].strip(), sentence[cut:].strip()


def _coverage(stems: set[str], feats: list[set[str]]) -> float:
    """Mean of: share of the stems some word translates, share of content words that
    translate some stem."""
    content = [f for f in feats if f]
    if not content or not stems:
        return 0.0
    covered = set().union(*content) & stems
    hit_words = sum(1 for f in content if f & stems)
    return 0.5 * (len(covered) / len(stems) + hit_words / len(content))
