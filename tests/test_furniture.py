"""Page furniture: labels and counters left out, headings and sentences kept."""

from pathlib import Path

import pytest

from corpus.furniture import is_furniture


@pytest.mark.parametrize("text", [
    "Share this article", "分享到微信", "Comments (12)", "评论（12）", "2,418 views",
    "阅读 1.2万", "1,234 次阅读", "Read more", "阅读原文", "Back to top", "返回顶部",
    "Advertisement", "广告", "Related articles", "相关文章", "上一篇", "Tags", "免责声明",
    "· Share on Twitter ·", "Disclaimer 免责声明", "Back to top / 返回顶部",
    "Subscribe to our newsletter", "点击关注我们", "免责声明：本文仅供参考。", "责任编辑：王明",
    "中文翻译", "【中文】", "Hot 热度"])
def test_labels_and_counters_are_furniture(text: str) -> None:
    assert is_furniture(text)


@pytest.mark.parametrize("text", [
    "Comments", "评论", "Methods", "方法", "Tags are useful for grouping posts.",
    "Comments are closed for good.", "Print the page twice", "Views from the hill",
    "阅读是一种习惯。", "12", "Methods 方法", "Disclaimer 我们不对内容负责。",
    "Hot weather is coming.", "热度很高", "The Chinese translation of the book is out."])
def test_headings_and_sentences_are_not(text: str) -> None:
    assert not is_furniture(text)


def test_furniture_in_both_languages_is_not_paired_but_reported(tmp_path: Path) -> None:
    from tests.test_align_cli import align_one

    pairs, docs = align_one(
        tmp_path, "clock.md",
        "The town clock stopped at noon.\n\nShare this article\n\nComments (12)\n\n"
        "镇上的钟在中午停了。\n\n分享到微信\n\n评论（12）\n")
    assert pairs.select("en", "zh").rows() == [("The town clock stopped at noon.",
                                                "镇上的钟在中午停了。")]
    row = docs.row(0, named=True)
    assert row["unaligned_en"] == ["Share this article", "Comments (12)"]
    assert row["unaligned_zh"] == ["分享到微信", "评论（12）"]
