"""The aligner's fitted model on free, literary translation (``align.aligner``).

Literary translators split and join sentences freely and translate short dialogue lines
into their neighbour's sentence. The landed lexical costs (a merge 0.45, leaving a
sentence out 0.15) left such a line out; the fitted model with the embeddings merges it.
The passage was written for this test.
"""

from __future__ import annotations

from align import Params, Settings, align_sentences

ZH = [
    "雨下了一整夜，村口的土路全成了泥塘。",
    "天刚亮，二叔就敲开了我家的门。",
    "“走吧。”他只说了这两个字，便转身往山上去了。",
    "我跟在他后面，一路上谁也没有开口。",
    "到了半山腰，他忽然停下来，指着一棵老槐树叫我看。",
]
EN = [
    "It rained all night, and the dirt road at the edge of the village turned into a swamp.",
    "At first light Second Uncle was knocking at our door.",
    '"Come on."',
    "That was all he said before he turned and set off up the hill.",
    "I followed behind him, and neither of us spoke the whole way.",
    "Halfway up he stopped all at once and pointed at an old locust tree for me to look at.",
]
GOLD = ["[0]:[0]", "[1]:[1]", "[2]:[2,3]", "[3]:[4]", "[4]:[5]"]


def test_a_short_dialogue_line_joins_its_neighbours_bead():
    beads = align_sentences(ZH, EN, "zh", "en")
    assert [str(b) for b in beads] == GOLD


def test_the_landed_lexical_costs_left_it_out():
    """What the test above guards against: the same passage under the old costs."""
    old = Settings(semantic=0.0, lexical=Params())
    beads = [str(b) for b in align_sentences(ZH, EN, "zh", "en", settings=old)]
    assert "[]:[2]" in beads and "[2]:[2,3]" not in beads


def test_long_texts_use_the_lexical_model_and_the_signature_names_both():
    s = Settings()
    assert s.model(s.semantic_max) == (s.params, s.semantic)
    assert s.model(s.semantic_max + 1) == (s.lexical, 0.0)
    sig = s.signature()
    assert f"semantic:usem3:{s.semantic}" in sig and "model:" in sig and "lexical:" in sig
    assert "semantic" not in Settings(semantic=0.0).signature()
