"""Sentence splitting: English with Punkt (nupunkt's shipped model), Chinese by rule."""

from __future__ import annotations

import re
from functools import lru_cache
from importlib import resources

from align.refine import SENTENCE_OPENERS

# A Chinese sentence ends at 。！？… (or ASCII !? after Han text, or an ASCII full stop
# between Han characters: "收视率.其他"), together with any
# end marks typed after it, a space or a closing quote ("黑人吗? !", "好的信号。” 。",
# "方案。”。", "信息。.") and the closing quotes
# and brackets that follow. Not at ；: Punkt keeps English sentences
# whole at ";", and splitting one side only turns 1-1 beads into 1-2 beads.
_CLOSERS = "”’」』）》)\\]"
_ZH_END = re.compile(rf"(?:(?:[。！？][。！？!?.]*|(?<=[\u4e00-\u9fff])[!?]+)"
                     rf"(?:[{_CLOSERS}]*\s*[。!?！？]+)*|…+|"
                     rf"(?<=[\u4e00-\u9fff])\.(?=\s*[\u4e00-\u9fff“「]))[{_CLOSERS}]*")


# A heading or headline run into the next sentence without punctuation, as pages often
# render them: "Welsh AMs worried about 'looking like muppets' There is consternation".
# Split before a capitalised sentence opener that follows an unpunctuated word and is
# itself followed by a lowercase word (so Title Case titles such as "Would Be A Mistake"
# stay whole), and after a bare section name ("Methods We randomly assigned ...").
_OPENERS = "|".join(SENTENCE_OPENERS)
_RUN_ON = re.compile(rf"(?<=[a-z0-9'\")\]’”])\s+(?=(?:{_OPENERS})\s+[a-z])")
_SECTION = re.compile(
    r"^(Abstract|Background|Methods|Results|Conclusions?|Discussion|Introduction|Summary)"
    r"\s+(?=[A-Z])"
)
# The subsection headings of a research article, run in the same way ("Efficacy Overall,
# 94.6% of the patients ...", "Statistical analysis Primary end point The primary ..."):
# split only where a sentence of four words or more, with its full stop, follows.
_SUBSECTION = re.compile(
    r"^((?:Study |Trial )?(?:Design|Oversight|Patients|Population)|Participants|Setting|"
    r"Procedures|Interventions|Randomi[sz]ation|Outcomes|(?:Primary |Secondary )?[Ee]nd [Pp]oints?|"
    r"Statistical [Aa]nalys[ie]s|Efficacy|Safety|Adverse [Ee]vents|Follow-up|Limitations|"
    r"Patient [Cc]haracteristics|Measurements|Main [Oo]utcome [Mm]easures|Data [Aa]nalysis)"
    r"\s+(?=[A-Z]\S*(?:\s+\S+){3}.*[.!?]['\"’”)]*$)"
)


# A citation number printed right after the full stop ("... North Africa.1 More than"),
# as medical journals do: the sentence ends after the number.
_CITATION_END = re.compile(r"[a-z)\]]\.\d{1,3}(?:[,–-]\d{1,3})*\s+(?=[A-Z])")


# A colon or semicolon before a capitalised conjunction, or a semicolon before any
# capitalised sentence opener, starts a new sentence in older English (the King James
# Bible's verses: "... after the flood: And Shem lived ...", "... the herb of the field;
# In the sweat of thy face ..."); modern English writes a lowercase word after ";".
_COLON_CLAUSE = re.compile(
    r"(?<=[:;])\s+(?=(?:And|But|For|Then|Thus|Therefore|Wherefore|Behold)\s)"
    rf"|(?<=;)\s+(?=(?:{_OPENERS})\s)")


# Punkt keeps a sentence going after a lowercase word it lists as an abbreviation ("in the
# ark. And the waters", "and it was so. And God"): a full stop after a lowercase word
# of two letters or more, before a capitalised sentence opener, ends the sentence,
# unless the word is one of the abbreviations written in lower case.
_LOWER_STOP = re.compile(rf"\b([a-z]{{2,}})\.\s+(?=(?:{_OPENERS}|And|So|Then|Yet|Behold|I)\s)")
_LOWER_ABBREVIATIONS = frozenset(
    "al approx ca cf cp dept ed eds esp etc fig figs ibid incl no nos op pp resp vol vs viz"
    .split())


def _lower_stops(sentence: str) -> list[str]:
    out, start = [], 0
    for m in _LOWER_STOP.finditer(sentence):
        if m.group(1) not in _LOWER_ABBREVIATIONS:
            out.append(sentence[start:m.end(1) + 1])
            start = m.end()
    return out + [sentence[start:]]


def _run_ons(sentence: str) -> list[str]:
    head, rest = [], sentence
    while m := _SECTION.match(rest) or _SUBSECTION.match(rest):  # "Abstract Background ..."
        head.append(m.group(1))
        rest = rest[m.end():]
    out, start = [], 0
    for m in _CITATION_END.finditer(rest):
        out.append(rest[start:m.end()])
        start = m.end()
    out.append(rest[start:])
    return head + [p for piece in out for part in _colon_clauses(piece)
                   for p in _split_run_on(part) if p.strip()]


def _colon_clauses(text: str) -> list[str]:
    """``text`` divided where ``_COLON_CLAUSE`` starts a sentence, but not inside a quoted
    title ('"Just the Funny Parts: And a Few Hard Truths ..."')."""
    out, start = [], 0
    for m in _COLON_CLAUSE.finditer(text):
        if text[start:m.start()].count('"') % 2 == 0:
            out.append(text[start:m.start()])
            start = m.end()
    return out + [text[start:]]


# Openers that are nouns: after a capitalised word they end a name ("Louisiana State
# Police fugitive task force"), not a headline.
_NOUN_OPENERS = frozenset(
    "Researchers Patients Police Officials Experts Scientists Doctors People".split())


def _split_run_on(text: str) -> list[str]:
    """``text`` divided where ``_RUN_ON`` finds a heading run into its sentence."""
    out, start = [], 0
    for m in _RUN_ON.finditer(text):
        before, opener = text[start:m.start()].split(), text[m.end():].split(maxsplit=1)[0]
        if opener in _NOUN_OPENERS and before and before[-1][:1].isupper():
            continue
        out.append(text[start:m.start()])
        start = m.end()
    return out + [text[start:]]


@lru_cache(maxsize=1)
def _punkt():
    """nupunkt's shipped model, less the ordinary words it lists as abbreviations."""
    from nupunkt import load_default_model

    model = load_default_model()
    words = resources.files("corpus").joinpath("punkt_words.txt").read_text(encoding="utf-8")
    for word in words.split("\n"):
        if word and not word.startswith("#"):
            model.remove_abbreviation(word)
    return model.tokenize


# Punkt ends a sentence after "U.N." before any capitalised word; before a name-like
# word ("the U.N. General Assembly") the sentence goes on. So does it after a title
# before a name ("Republicans Sens. John Kennedy").
_INITIALISM_END = re.compile(r"\b(?:[A-Z]\.){2,}$")
_TITLE_END = re.compile(r"\b(?:Sens?|Reps?|Govs?|Gen|Lt|Col|Sgt|Capt|Cmdr|Adm|Prof|Rev|Drs?|"
                        r"Mr|Mrs|Ms|Messrs|Hon|Supt|Det)\.$")
_OPENER_START = re.compile(rf"^(?:{_OPENERS}|I|You|We|They|He|She|It)\b")


def _rejoin_initialisms(sentences: list[str]) -> list[str]:
    out: list[str] = []
    for s in sentences:
        if out and s[:1].isupper() and (_TITLE_END.search(out[-1]) or (
                _INITIALISM_END.search(out[-1]) and not _OPENER_START.match(s))):
            out[-1] = f"{out[-1]} {s}"
        else:
            out.append(s)
    return out


def split_en(text: str) -> list[str]:
    """English sentences of a paragraph."""
    text = text.strip()
    if not text:
        return []
    sentences = _rejoin_initialisms([s.strip() for s in _punkt()(text) if s.strip()])
    return [p.strip() for s in sentences for part in _lower_stops(s) for p in _run_ons(part)
            if p.strip()]


def split_zh(text: str) -> list[str]:
    """Chinese sentences of a paragraph."""
    out, start = [], 0
    for m in _ZH_END.finditer(text):
        end = m.end()
        # An ASCII quote right after the end closes the sentence only if the sentence
        # opened one; otherwise it opens the next sentence.
        if end < len(text) and text[end] == '"' and text[start:end].count('"') % 2 == 1:
            end += 1
        piece = text[start:end].strip()
        if piece:
            out.append(piece)
        start = end
    rest = text[start:].strip()
    if rest:
        out.append(rest)
    return out


def split(text: str, lang: str) -> list[str]:
    """Sentences of a paragraph in ``lang`` (``en`` or ``zh``)."""
    return split_zh(text) if lang == "zh" else split_en(text)
