"""Sentence splitting on the cases that real pages get wrong."""

from corpus.sentences import split_en, split_zh


def test_mixed_width_question_and_exclamation_marks_end_one_sentence():
    assert split_zh("又是另一个黑人吗？!纽约一名保姆起诉了一对夫妇。") == [
        "又是另一个黑人吗？!", "纽约一名保姆起诉了一对夫妇。"]


def test_closing_quotes_stay_with_their_sentence():
    assert split_zh("他说：“我们赢了。”比赛结束了。") == ["他说：“我们赢了。”", "比赛结束了。"]


def test_a_sentence_ending_in_an_ordinary_word_that_punkt_lists_as_an_abbreviation_ends():
    assert split_en("I suffered a stroke. I could not walk. Doctors said only time will "
                    "tell. He has cancer. Approx. 5 people came.") == [
        "I suffered a stroke.", "I could not walk.", "Doctors said only time will tell.",
        "He has cancer.", "Approx. 5 people came."]
