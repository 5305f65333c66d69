"""Sentence splitting on the cases that real pages get wrong."""

from corpus.sentences import split_zh


def test_mixed_width_question_and_exclamation_marks_end_one_sentence():
    assert split_zh("又是另一个黑人吗？!纽约一名保姆起诉了一对夫妇。") == [
        "又是另一个黑人吗？!", "纽约一名保姆起诉了一对夫妇。"]


def test_closing_quotes_stay_with_their_sentence():
    assert split_zh("他说：“我们赢了。”比赛结束了。") == ["他说：“我们赢了。”", "比赛结束了。"]
