"""Page furniture: the buttons, counters and labels a web page puts around an article
("Share this article", "分享到微信", "Comments (12)", "2,418 views", "返回顶部").

A page often carries them in both languages, and the English and the Chinese label then
look like a translation pair; they are no text to learn from, so the pipeline leaves them
out before aligning (and reports them with the rest of the left-out text). A block is
furniture only when the whole of it is one such label, with at most a count.
"""

from __future__ import annotations

import re

_COUNT = r"(?:[(（\[]?\s*[\d,.]+[kKwW万]?\s*[)）\]]?)"
# Counters ("Comments (12)", "2,418 views", "阅读 1.2万") are furniture only with their count:
# alone, "Comments" or "评论" may head a section.
_COUNTERS = r"(?:comments?|replies|likes?|views?|shares?|reads?|评论|回复|点赞|收藏|转发|阅读|浏览)"
_EN = (
    r"share(?: (?:this|the) (?:article|story|post|page))?(?: (?:on|to|via) \w+)?",
    r"(?:read|see|view) (?:more|the original|full (?:article|story)|original article)",
    r"(?:leave|add|post|write) a (?:comment|reply)", r"back to (?:top|home)",
    r"advertisement|sponsored(?: content)?", r"related (?:articles|posts|stories|reading)",
    r"(?:previous|next) (?:article|post|page|story)", r"print(?: this (?:article|page))?",
    r"(?:subscribe|follow us)(?: on \w+)?", r"all rights reserved",
    r"(?:subscribe|sign up) (?:to|for) (?:our|the) (?:newsletter|mailing list|channel)",
    r"hot", r"(?:english|chinese) (?:version|translation)",
    r"disclaimer", r"tags?", r"loading\.*",
)
_ZH = (
    r"分享(?:到|至)?(?:微信|微博|朋友圈|QQ|QQ空间|好友)?", r"阅读(?:原文|全文|更多)", r"查看(?:原文|全文|更多)",
    r"(?:发表|写|添加)评论", r"返回(?:顶部|首页)", r"广告|赞助内容", r"相关(?:文章|阅读|新闻|推荐)",
    r"(?:上|下)一(?:篇|页)", r"打印(?:本文|本页)?", r"(?:点击)?(?:订阅|关注)(?:我们|本号|公众号)?",
    r"版权所有", r"免责声明(?:[:：]本文仅供参考。?)?", r"(?:责任)?编辑[:：]\s*\w{1,6}", r"热度",
    r"【?(?:中文|英文)(?:翻译|版)?】?", r"标签", r"加载中\.*",
)
_FURNITURE = re.compile(
    rf"^{_COUNT}?\s*(?:{'|'.join(_EN + _ZH)})\s*[:：]?\s*{_COUNT}?$"
    rf"|^{_COUNT}\s*[条次人]?\s*{_COUNTERS}(?:数|量|次数)?$"
    rf"|^{_COUNTERS}(?:数|量|次数)?\s*[:：]?\s*{_COUNT}$", re.IGNORECASE)


_BILINGUAL = re.compile(r"^([^\u3400-\u9fff]+?)\s*([\u3400-\u9fff].*)$")


def is_furniture(text: str) -> bool:
    """True if ``text`` is a page's button, counter or label and nothing more, in one
    language or in both on one line ("Disclaimer 免责声明")."""
    text = " ".join(text.split()).strip(" ·|•-–—>»")
    if _FURNITURE.match(text):
        return True
    both = _BILINGUAL.match(text)
    return both is not None and all(_FURNITURE.match(part.strip(" ·|•-–—>»/"))
                                    for part in both.groups())
