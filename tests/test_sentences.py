"""Sentence splitting on the cases that real pages get wrong."""

from corpus.sentences import split_en, split_zh


def test_mixed_width_question_and_exclamation_marks_end_one_sentence():
    assert split_zh("又是另一个黑人吗？!纽约一名保姆起诉了一对夫妇。") == [
        "又是另一个黑人吗？!", "纽约一名保姆起诉了一对夫妇。"]
    # Typeset with a space between the marks, as the Chinese of news_111 is.
    assert split_zh("又是另一个黑人吗? !纽约一名保姆起诉了一对夫妇。真的吗？ ！") == [
        "又是另一个黑人吗? !", "纽约一名保姆起诉了一对夫妇。", "真的吗？ ！"]
    assert split_zh("这是他输的第二场比赛。 。他说“这是好的信号。” 。没有好方案。”。好的信息。.") == [
        "这是他输的第二场比赛。 。", "他说“这是好的信号。” 。", "没有好方案。”。", "好的信息。."]


def test_closing_quotes_stay_with_their_sentence():
    assert split_zh("他说：“我们赢了。”比赛结束了。") == ["他说：“我们赢了。”", "比赛结束了。"]


def test_a_sentence_ending_in_an_ordinary_word_that_punkt_lists_as_an_abbreviation_ends():
    assert split_en("I suffered a stroke. I could not walk. Doctors said only time will "
                    "tell. He has cancer. Approx. 5 people came.") == [
        "I suffered a stroke.", "I could not walk.", "Doctors said only time will tell.",
        "He has cancer.", "Approx. 5 people came."]


def test_a_sentence_ends_after_a_name_punkt_lists_as_an_abbreviation():
    assert split_en("It was filed in New York. Both counts carry a death penalty.") == [
        "It was filed in New York.", "Both counts carry a death penalty."]


def test_a_sentence_ends_after_a_citation_number_printed_after_its_full_stop():
    assert split_en("Rates are highest in North Africa.1 More than 70% are advanced. "
                    "The sample was 476 (238 per group).19,20 Analyses were done. "
                    "It grew 3.5 Times.") == [
        "Rates are highest in North Africa.1", "More than 70% are advanced.",
        "The sample was 476 (238 per group).19,20", "Analyses were done.",
        "It grew 3.5 Times."]


def test_a_colon_before_a_capitalised_conjunction_starts_a_sentence():
    assert split_en("And Arphaxad lived five and thirty years, and begat Salah: And "
                    "Arphaxad lived after he begat Salah four hundred and three years. "
                    "He called; But none came. Note: and then the list: apples, pears.") == [
        "And Arphaxad lived five and thirty years, and begat Salah:",
        "And Arphaxad lived after he begat Salah four hundred and three years.",
        "He called;", "But none came.", "Note: and then the list: apples, pears."]
    assert split_en("Thou shalt eat the herb of the field; In the sweat of thy face shalt "
                    "thou eat bread; the end.") == [
        "Thou shalt eat the herb of the field;",
        "In the sweat of thy face shalt thou eat bread; the end."]


def test_a_full_stop_after_a_lowercase_word_before_a_sentence_opener_ends_the_sentence():
    # Punkt lists "ark" and "so" as abbreviations.
    assert split_en("They that were with him in the ark. And the waters prevailed. "
                    "And it was so. And God saw it.") == [
        "They that were with him in the ark.", "And the waters prevailed.",
        "And it was so.", "And God saw it."]
    assert split_en("Compare it with Smith et al. and the others.") == [
        "Compare it with Smith et al. and the others."]


def test_a_research_article_subsection_heading_run_into_its_text_is_a_sentence():
    assert split_en("Efficacy Overall, 94.6% of the patients had a response. Statistical "
                    "analysis Primary end point The primary end point was survival.") == [
        "Efficacy", "Overall, 94.6% of the patients had a response.", "Statistical analysis",
        "Primary end point", "The primary end point was survival."]
    # Only before a sentence: a title or a sentence about safety stays whole.
    assert split_en("Design Patterns Explained in Depth Today") == [
        "Design Patterns Explained in Depth Today"]
    assert split_en("Safety was assessed every week.") == ["Safety was assessed every week."]


def test_a_caption_run_into_the_next_sentence_ends_before_its_opener():
    assert split_en("The pump fits inside a nursing bra (Elvie/Mother) Another commented: "
                    "\"Traumatic for both.\"") == [
        "The pump fits inside a nursing bra (Elvie/Mother)",
        "Another commented: \"Traumatic for both.\""]


def test_a_title_before_a_name_a_name_ending_in_a_noun_opener_and_a_quoted_colon_go_on():
    assert split_en('Scott Pelley asked Republicans Sens. John Kennedy and Lindsey Graham '
                    'whether the FBI could find anything.') == [
        "Scott Pelley asked Republicans Sens. John Kennedy and Lindsey Graham whether the FBI "
        "could find anything."]
    assert split_en("The department is crediting the Louisiana State Police fugitive task force "
                    "for the arrest.") == [
        "The department is crediting the Louisiana State Police fugitive task force for the "
        "arrest."]
    assert split_en('She is the author of "Just the Funny Parts: And a Few Hard Truths About '
                    'Hollywood," a memoir.') == [
        'She is the author of "Just the Funny Parts: And a Few Hard Truths About Hollywood," '
        'a memoir.']
    # Still divided: a headline before a noun opener, a verse after a colon.
    assert split_en("Hospital beds run short in winter Doctors say the wards are full.") == [
        "Hospital beds run short in winter", "Doctors say the wards are full."]
    assert split_en("And he called the place Bethel: And Jacob said, I will go.") == [
        "And he called the place Bethel:", "And Jacob said, I will go."]
