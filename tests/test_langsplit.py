"""The language split: label blocks by script, split mixed English–Chinese blocks."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from corpus.blocks import Block
from corpus.langsplit import label, script_counts, split_block, split_blocks
from corpus.read import read_blocks

SHARED = Path(__file__).parents[1].parent / "shared"


def parts(text: str) -> list[tuple[str, str]]:
    return [(b.lang, b.text) for b in split_block(Block(text, "a.txt", 7, "h"))]


def test_script_counts() -> None:
    assert script_counts("GPT-5 模型") == (2, 3)
    assert script_counts("開發人員 café 〇") == (5, 4)
    assert script_counts("70 — ！") == (0, 0)


@pytest.mark.parametrize(
    ("text", "lang"),
    [
        ("DeepSeek 最新的两款模型在推理性能上可媲美 OpenAI 的 GPT-5。", "zh"),
        ("當開發人員不同意您的建議時，請先花點時間考慮。", "zh"),
        ("他说“open source is the future”是对的", "zh"),
        ("The word “关系” is central to Chinese business culture.", "en"),
        ("Li Feifei (李飞飞) said open source matters.", "en"),
        ("Angular 元素（element）", "zh"),
        ("注解（Annotation）", "zh"),
        ("70", "other"),
        ("—", "other"),
        ("", "other"),
    ],
)
def test_label(text: str, lang: str) -> None:
    assert label(text) == lang


def test_title_pair_on_one_line() -> None:
    assert parts("Banning Open Source AI Would Be A Mistake 禁止开源AI将是一个错误") == [
        ("en", "Banning Open Source AI Would Be A Mistake"),
        ("zh", "禁止开源AI将是一个错误"),
    ]


def test_short_title_pair() -> None:
    assert parts("AI Safety Report 人工智能安全报告") == [
        ("en", "AI Safety Report"),
        ("zh", "人工智能安全报告"),
    ]


def test_paragraph_followed_by_its_translation() -> None:
    text = (
        "This isn’t just a technical oversight; it’s a profound strategic blunder."
        " 这不仅是技术层面的疏忽,更是对技术与民主运作本质的深刻战略误判。"
    )
    assert parts(text) == [
        ("en", "This isn’t just a technical oversight; it’s a profound strategic blunder."),
        ("zh", "这不仅是技术层面的疏忽,更是对技术与民主运作本质的深刻战略误判。"),
    ]


def test_sentence_alternating_without_spaces() -> None:
    text = "Who is right? 誰是對的？When a developer disagrees, consider it.請先花點時間考慮。"
    assert parts(text) == [
        ("en", "Who is right?"),
        ("zh", "誰是對的？"),
        ("en", "When a developer disagrees, consider it."),
        ("zh", "請先花點時間考慮。"),
    ]


def test_bracketed_translation_goes_with_its_language() -> None:
    assert parts("Cleaning It Up Later ( 稍後再清理 )") == [
        ("en", "Cleaning It Up Later"),
        ("zh", "( 稍後再清理 )"),
    ]


@pytest.mark.parametrize(
    "text",
    [
        "他说“open source is the future”是对的",
        "马其顿总统奥尔盖•伊万诺夫（ Gjorge Ivanov）反对进行国名变更",
        "Angular 是一个用 HTML 和 TypeScript 构建客户端应用的平台与框架。",
        'LGTM: 意思是 "Looks Good to Me"(我覺得不錯). 這是code reviewer 在批准 CL 時所說的話。',
        "NgModule 会把相关的代码收集到一些功能集中。",
        "HMP Long Lartin 关押了超过 500 名犯人，包括该国一些最危险的罪犯。",
        "The New York Times 报道称，美国总统周二表示将对进口商品征收关税。",
        # A long English name inside a Chinese sentence that goes on after it.
        "生活质量测量采用欧洲癌症研究与治疗组织（european organisation for research and "
        "treatment of cancer，eortc）qlq - c30问卷。",
        "该法案的全称是「Safe and Secure Innovation for Frontier Artificial Intelligence Act"
        "（《前沿人工智能模型安全创新法案》）」，试图建立安全标准。",
        # Markup or code the Chinese shows ("<code>" kept as text).
        '设置双向绑定。等价于<my-cmp [title]="name" (titleChange)="name=$event">。',
        '它等价于： <ng-template [myUnless]="myExpression"><p>...</p></ng-template>',
    ],
)
def test_latin_inside_chinese_stays_chinese(text: str) -> None:
    assert parts(text) == [("zh", text)]


@pytest.mark.parametrize(
    "text",
    [
        "The word “关系” is central to Chinese business culture, he said.",
        "Li Feifei (李飞飞) said open source matters.",
        "The character 人 means person.",
    ],
)
def test_chinese_inside_english_stays_english(text: str) -> None:
    assert parts(text) == [("en", text)]


def test_widgets_never_lose_text() -> None:
    assert parts("70") == [("other", "70")]
    assert parts("—") == [("other", "—")]
    assert parts("   ") == []
    widget = "AI News AI资讯 12h ago Updated 1h ago 更新于 1小时前 50"
    assert "".join(t for _, t in parts(widget)).replace(" ", "") == widget.replace(" ", "")


def test_parts_keep_provenance() -> None:
    block = Block("Analysis and more analysis here 深度分析报告", "x/a.md", 12, "h")
    out = split_block(block)
    assert [(b.source, b.line, b.kind) for b in out] == [("x/a.md", 12, "h")] * 2
    other = Block("70", "x/a.md", 13, lang="other")
    assert split_blocks([block, Block("70", "x/a.md", 13)]) == [*out, other]


MIXED = st.text(
    alphabet=st.one_of(
        st.sampled_from(
            list("Thequickfox ABC 中文开源人工智能 12 .,;:!?。，、！？“”‘’\"'()（）《》-—")
        ),
        st.characters(),
    ),
    max_size=120,
)


@settings(max_examples=400, deadline=None)
@given(MIXED)
def test_split_keeps_every_character_but_whitespace(text: str) -> None:
    out = split_block(Block(text, "a.txt", 1))
    assert "".join("".join(b.text.split()) for b in out) == "".join(text.split())
    assert all(b.text == b.text.strip() and b.lang in ("en", "zh", "other") for b in out)
    assert label(text) in ("en", "zh", "other")


def test_seed_001_blocks() -> None:
    if not SHARED.is_dir():
        pytest.skip("../shared not present (user clone)")
    path = next((SHARED / "seeds").glob("001_*.txt"))
    blocks = split_blocks(read_blocks(path, SHARED))
    pairs = [(b.lang, b.text) for b in blocks]
    assert pairs[1:3] == [
        ("en", "Banning Open Source AI Would Be A Mistake"),
        ("zh", "禁止开源AI将是一个错误"),
    ]
    assert pairs[3][0] == "en" and pairs[3][1].startswith("The opening shot")
    assert pairs[4][0] == "zh" and pairs[4][1].startswith("华盛顿在人工智能领域")
    assert ("other", "70") in pairs
    assert any(b.text == "Hot 热度" or b.text == "热度" for b in blocks)
