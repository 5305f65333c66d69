"""Reading files into blocks: encodings, plain text, Markdown, HTML, and errors."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from corpus.blocks import Block, ReadError
from corpus.read import TEXT_SUFFIXES, decode, read_blocks

SHARED = Path(__file__).parents[1].parent / "shared"


def write(tmp_path: Path, name: str, content: str | bytes) -> Path:
    path = tmp_path / name
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(content, str):
        content = content.encode("utf-8")
    path.write_bytes(content)
    return path


def read(tmp_path: Path, name: str, content: str | bytes) -> list[Block]:
    return read_blocks(write(tmp_path, name, content), tmp_path)


def texts(blocks: list[Block]) -> list[str]:
    return [b.text for b in blocks]


# --------------------------------------------------------------------------------------
# Encodings

ARTICLE = "The opening shot.\n\n华盛顿的首场战役已经打响。\n"


@pytest.mark.parametrize(
    "data",
    [
        ARTICLE.encode("utf-8"),
        b"\xef\xbb\xbf" + ARTICLE.encode("utf-8"),
        b"\xff\xfe" + ARTICLE.encode("utf-16-le"),
        b"\xfe\xff" + ARTICLE.encode("utf-16-be"),
        ARTICLE.encode("utf-16-le"),
        ARTICLE.encode("utf-16-be"),
        ARTICLE.encode("gb18030"),
        ARTICLE.replace("\n", "\r\n").encode("utf-8"),
        ARTICLE.replace("\n", "\r").encode("utf-8"),
    ],
    ids=[
        "utf8",
        "utf8-bom",
        "utf16le-bom",
        "utf16be-bom",
        "utf16le",
        "utf16be",
        "gb18030",
        "crlf",
        "cr",
    ],
)
def test_every_encoding_reads_to_the_same_blocks(tmp_path: Path, data: bytes) -> None:
    blocks = read(tmp_path, "a.txt", data)
    assert blocks == [
        Block("The opening shot.", "a.txt", 1),
        Block("华盛顿的首场战役已经打响。", "a.txt", 3),
    ]


def test_big5_traditional_chinese(tmp_path: Path) -> None:
    text = "當開發人員不同意您的建議時，請先花點時間考慮他們是否正確。"
    assert texts(read(tmp_path, "tw.txt", text.encode("big5"))) == [text]


def test_gb18030_is_not_mistaken_for_big5_and_back() -> None:
    simplified = "李开复在金融时报发文，中国开源人工智能是一项国家优势。" * 3
    traditional = "開發人員常會提出的一種反對意見是，他們希望完成工作。" * 3
    assert decode(simplified.encode("gb18030"), "x") == simplified
    assert decode(traditional.encode("big5"), "x") == traditional


def test_mostly_utf8_with_a_stray_byte_still_reads() -> None:
    data = ("华盛顿的首场战役已经打响。" * 200).encode("utf-8") + b"\xff"
    assert decode(data, "x").startswith("华盛顿")


@pytest.mark.parametrize(
    ("data", "problem"),
    [
        (b"", "empty file"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)), "binary file, not text"),
        (bytes(range(1, 32)) * 20, "binary file, not text"),
        (b"caf\xe9 au lait " * 500, "not valid UTF-8, UTF-16, GB18030 or Big5"),
    ],
    ids=["empty", "png", "controls", "latin1"],
)
def test_unreadable_content_raises_one_line_problem(
    tmp_path: Path, data: bytes, problem: str
) -> None:
    with pytest.raises(ReadError) as err:
        read(tmp_path, "sub/bad.txt", data)
    assert err.value.problem == problem
    assert err.value.path == "sub/bad.txt"
    assert str(err.value) == f"sub/bad.txt: {problem}"


@settings(max_examples=300, deadline=None)
@given(st.binary(max_size=400))
def test_decode_raises_only_read_error(data: bytes) -> None:
    try:
        text = decode(data, "x")
    except ReadError:
        return
    assert "\r" not in text


# --------------------------------------------------------------------------------------
# Files


def test_source_is_relative_posix_path_and_suffix_dispatch(tmp_path: Path) -> None:
    blocks = read(tmp_path, "news/a.MD", "# Title\n")
    assert blocks == [Block("Title", "news/a.MD", 1, "h")]
    assert TEXT_SUFFIXES == {".txt", ".md", ".markdown", ".mdx", ".html", ".htm", ".rst",
                             ".rest", ".srt", ".vtt", ".ass", ".ssa", ".docx", ".epub", ".pdf"}


def test_file_too_large(tmp_path: Path) -> None:
    path = write(tmp_path, "big.txt", "x" * 2_000_000)
    with pytest.raises(ReadError, match=r"file too large \(2.0 MB > 1 MB limit\)"):
        read_blocks(path, tmp_path, max_bytes=1_000_000)


def test_permission_denied(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = write(tmp_path, "secret.txt", "text")
    path.chmod(0)
    if os.access(path, os.R_OK):  # running as root: permissions do not apply

        def denied(self: Path) -> bytes:
            raise PermissionError(13, "Permission denied")

        monkeypatch.setattr(Path, "read_bytes", denied)
    with pytest.raises(ReadError, match="cannot read: permission denied"):
        read_blocks(path, tmp_path)


def test_missing_directory_and_unsupported_files(tmp_path: Path) -> None:
    with pytest.raises(ReadError, match="cannot read: no such file"):
        read_blocks(tmp_path / "gone.txt", tmp_path)
    (tmp_path / "dir.md").mkdir()
    with pytest.raises(ReadError, match="cannot read: is a directory"):
        read_blocks(tmp_path / "dir.md", tmp_path)
    with pytest.raises(ReadError, match=r"unsupported file type '\.odt'"):
        read(tmp_path, "a.odt", "text")


# --------------------------------------------------------------------------------------
# Plain text


def test_plain_text_keeps_widget_lines_apart(tmp_path: Path) -> None:
    blocks = read(tmp_path, "w.txt", "70\nHot 热度\n75\nQuality 质量\n\nAnalysis 深度分析\n")
    assert [(b.line, b.text) for b in blocks] == [
        (1, "70"),
        (2, "Hot 热度"),
        (3, "75"),
        (4, "Quality 质量"),
        (6, "Analysis 深度分析"),
    ]


def test_plain_text_joins_hard_wrapped_lines_only(tmp_path: Path) -> None:
    text = (
        "Sometimes a developer will push back on a code review. Either they will disagree\n"
        "with your suggestion or they will complain that you are being too strict in\n"
        "general. It is possible that open source projects or other organisations and\n"
        "Google teams would benefit.\n"
        "A new sentence on its own line.\n"
        "\n"
        "组件使用服务。服务提供者可以作为依赖被注入到组件中，\n"
        "这能让你的代码更加模块化。\n"
        "Angular 本身就是用 TypeScript 写成的。\n"
    )
    assert texts(read(tmp_path, "p.txt", text)) == [
        (
            "Sometimes a developer will push back on a code review. Either they will disagree"
            " with your suggestion or they will complain that you are being too strict in"
            " general. It is possible that open source projects or other organisations and"
            " Google teams would benefit."
        ),
        "A new sentence on its own line.",
        "组件使用服务。服务提供者可以作为依赖被注入到组件中，这能让你的代码更加模块化。",
        "Angular 本身就是用 TypeScript 写成的。",
    ]


def test_plain_text_one_paragraph_per_line(tmp_path: Path) -> None:
    text = "First paragraph ends here.\n“Second, quoted.”\n第三段。\n第四段？\n"
    assert len(read(tmp_path, "p.txt", text)) == 4


def test_plain_text_whitespace_and_symbol_only_blocks(tmp_path: Path) -> None:
    text = "  a\u00a0\u00a0b\u3000c\t d  \n\n—\n\n* * *\n\n  中文\u200b段落  \n"
    assert texts(read(tmp_path, "p.txt", text)) == ["a b c d", "中文段落"]


def test_txt_that_is_markdown_is_read_as_markdown(tmp_path: Path) -> None:
    text = '---\ntitle: "标题"\ntags:\n  - "qq"\n---\n\n正文。\n\n![图片](/a.png)\n'
    blocks = read(tmp_path, "a.txt", text)
    assert blocks == [Block("正文。", "a.txt", 7)]


# --------------------------------------------------------------------------------------
# Markdown

MARKDOWN = """\
---
title: "Sainsbury's plans push into UK beauty ma"
lang: en,zh
---

# Heading **one** {#one}

Intro with a [link](https://example.com "title") and ![an image](img.png) and
`inline_code` and *emphasis* and __strong__ and snake_case_name and 2 * 3 * 4.

<!-- a comment
spanning lines -->

```python
def hidden(): pass
```

~~~
hidden too
~~~

    indented code is hidden

| a | b |
|---|---|
| 1 | 2 |

* item one
* item [two][ref] is a longer item
  that continues here
1. numbered

> quoted **text**

***

See <https://example.com> for more.
Line with a hard break.  
Next line after the break.
Split.<br>By br.

[ref]: https://example.com/ref

Setext heading
==============

<div class="note">
  <p>Inside <b>HTML</b> block.</p>
  <script>alert("no")</script>
</div>

`only code`
"""


INTRO = (
    "Intro with a link and and inline_code and emphasis and strong and snake_case_name"
    " and 2 * 3 * 4."
)


def test_markdown_drops_markup_and_keeps_prose(tmp_path: Path) -> None:
    blocks = read(tmp_path, "a.md", MARKDOWN)
    assert [(b.line, b.kind, b.text) for b in blocks] == [
        (6, "h", "Heading one"),
        (8, "p", INTRO),
        (28, "li", "item one"),
        (29, "li", "item two is a longer item that continues here"),
        (31, "li", "numbered"),
        (33, "quote", "quoted text"),
        (37, "p", "See for more."),
        (38, "p", "Line with a hard break."),
        (39, "p", "Next line after the break."),
        (40, "p", "Split."),
        (40, "p", "By br."),
        (44, "h", "Setext heading"),
        (48, "p", "Inside HTML block."),
    ]


def test_front_matter_below_a_scraped_line_is_dropped_and_the_line_kept(tmp_path: Path) -> None:
    text = '阅读原文\n\n---\ntitle: "Syria tells US"\nlang: en,zh\n---\n\nSyria said so.\n'
    for name in ("a.md", "a.txt"):
        blocks = read(tmp_path, name, text)
        assert [b.text for b in blocks] == ["阅读原文", "Syria said so."]


def test_markdown_toml_front_matter_and_interleaved_layout(tmp_path: Path) -> None:
    text = (
        '+++\ntitle = "x"\n+++\n\n## Modules\n\n## 模块\n\n'
        "* Components define *views*.\n\n   组件定义*视图*。\n\n"
        '*   **CL**: Stands for "changelist", which means one\n'
        "    self-contained change.\n\n"
        "    **CL**: 代表 “changelist”。\n\n"
        "Back to the top level.\n"
    )
    blocks = read(tmp_path, "a.md", text)
    assert [(b.kind, b.text) for b in blocks] == [
        ("h", "Modules"),
        ("h", "模块"),
        ("li", "Components define views."),
        ("li", "组件定义视图。"),
        ("li", 'CL: Stands for "changelist", which means one self-contained change.'),
        ("li", "CL: 代表 “changelist”。"),
        ("p", "Back to the top level."),
    ]


def test_markdown_html_table_keeps_prose_cells_and_drops_code(tmp_path: Path) -> None:
    text = (
        '<table class="t">\n<tr>\n\n<td>\n\n    <code>bootstrap: [MyAppComponent]</code>\n\n'
        "</td>\n\n<td>\n\n    <p>List of components to bootstrap.</p>\n\n"
        "    <p>随之启动的组件列表。</p>\n\n</td>\n\n</tr>\n</table>\n"
    )
    blocks = read(tmp_path, "a.md", text)
    assert [(b.line, b.text) for b in blocks] == [
        (12, "List of components to bootstrap."),
        (14, "随之启动的组件列表。"),
    ]


def test_markdown_unclosed_fence_and_comment_hide_the_rest(tmp_path: Path) -> None:
    assert texts(read(tmp_path, "a.md", "Text.\n\n```\ncode\n\nmore code\n")) == ["Text."]
    assert texts(read(tmp_path, "b.md", "Text.\n\n<!-- never closed\n\nhidden\n")) == ["Text."]


# --------------------------------------------------------------------------------------
# HTML

HTML = """<!DOCTYPE html>
<html><head><title>Site title</title><style>p { color: red }</style>
<script>var x = "<p>not text</p>";</script></head>
<body>
<header><div class="logo">MySite</div><h1>The Title 标题</h1></header>
<nav><ul><li>Home</li><li>About</li></ul></nav>
<article>
<p>First paragraph with <b>bold</b>, <a href="#">a link</a> &amp; entities&nbsp;here.
<p>Second, unclosed paragraph
<p>中文段落第一行
第二行。</p>
<ul><li>item one<li>item two</ul>
<blockquote>quoted text</blockquote>
<table><tr><td>cell 1</td><td><code>code()</code></td></tr></table>
<pre><code>def f(): pass</code></pre>
<p>line one<br>line two</p>
<!-- a comment -->
<form><label>Name</label><input name="n"><button>Send</button></form>
<svg><text>svg text</text></svg>
</article>
<aside>Related stuff</aside>
<footer>Copyright 2024</footer>
</body></html>
"""


def test_html_keeps_content_and_drops_boilerplate(tmp_path: Path) -> None:
    blocks = read(tmp_path, "page.html", HTML)
    assert [(b.line, b.kind, b.text) for b in blocks] == [
        (5, "h", "The Title 标题"),
        (8, "p", "First paragraph with bold, a link & entities here."),
        (9, "p", "Second, unclosed paragraph"),
        (10, "p", "中文段落第一行第二行。"),
        (12, "li", "item one"),
        (12, "li", "item two"),
        (13, "quote", "quoted text"),
        (14, "cell", "cell 1"),
        (16, "p", "line one"),
        (16, "p", "line two"),
    ]


def test_html_survives_deep_nesting_and_garbage(tmp_path: Path) -> None:
    deep = "<div>" * 10_000 + "deep text" + "</div>" * 10_000
    assert texts(read(tmp_path, "deep.htm", deep)) == ["deep text"]
    unclosed = "<div><span><b>" * 5_000 + "still read" + "</i></p>" * 5_000
    assert texts(read(tmp_path, "unclosed.html", unclosed)) == ["still read"]
    assert texts(read(tmp_path, "junk.html", "<<p>a</b></p><p <x>b")) != []
    assert texts(read(tmp_path, "marked.html", "<![foo[ x ]]><p>after")) == ["after"]


@settings(max_examples=60, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("<>/!-=\"' \n\tabp#*_`[]()|>~中文.。")), max_size=200))
def test_parsers_never_crash_on_arbitrary_markup(text: str) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        for name in ("a.txt", "a.md", "a.html"):
            (root / name).write_text(text or "x", encoding="utf-8")
            try:
                blocks = read_blocks(root / name, root)
            except ReadError:
                continue
            assert all(b.text and b.text == b.text.strip() and "  " not in b.text for b in blocks)


# --------------------------------------------------------------------------------------
# The seed articles (in ../shared, absent from a user's clone)


def seed(prefix: str) -> Path:
    if not SHARED.is_dir():
        pytest.skip("../shared not present (user clone)")
    return next((SHARED / "seeds").glob(f"{prefix}_*.txt"))


def test_seed_001_same_line_pairs_and_widgets() -> None:
    path = seed("001")
    blocks = read_blocks(path, SHARED)
    assert blocks[1].text == "Banning Open Source AI Would Be A Mistake 禁止开源AI将是一个错误"
    assert blocks[1].source == f"seeds/{path.name}" and blocks[1].line == 3
    assert "Hot 热度" in texts(blocks) and "70" in texts(blocks)


def test_seed_002_front_matter_and_images_are_gone() -> None:
    blocks = read_blocks(seed("002"), SHARED)
    assert blocks[0].text == "AI真的已经危险到要如此监管的地步了吗？"
    assert not any("![" in b.text or "title:" in b.text or "/images/" in b.text for b in blocks)
    assert "法案链接：leginfo.legislature.ca.gov/faces/billT…" in texts(blocks)
