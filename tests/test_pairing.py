"""Which files make one article: name and folder rules, then content (document alignment),
and how the documents table records it."""

from __future__ import annotations

import random
from pathlib import Path

import polars as pl
import pytest
from click.testing import CliRunner

from corpus.articles import Article, find_articles, group_articles
from corpus.cli import cli
from corpus.docalign import chinese_share, match_files

NTREX = Path(__file__).resolve().parents[2] / "shared" / "bench" / "ntrex"


def pairs_of(files: list[str]) -> dict[str, tuple[str, ...]]:
    return {a.doc_id: a.files for a in group_articles(files) if a.two_files}


def paired_by(files: list[str]) -> dict[str, str | None]:
    return {a.doc_id: a.paired_by for a in group_articles(files)}


# ------------------------------------------------------------------------------------
# Names and folders


def test_tag_in_the_folder_and_the_name() -> None:
    files = ["en/x.en-US.md", "zh/x.zh-CN.md", "en/y.md", "zh-Hans/y.md"]
    assert pairs_of(files) == {"en/x.en-US.md": ("en/x.en-US.md", "zh/x.zh-CN.md"),
                               "en/y.md": ("en/y.md", "zh-Hans/y.md")}
    assert paired_by(files) == {"en/x.en-US.md": "name", "en/y.md": "folder"}


@pytest.mark.parametrize("zh", ["zh/README-zh-Hans.md", "zh/README-zh.md", "README-zh-Hans.md",
                                "README.zh-CN.md", "README_zh.md"])
def test_readme_and_its_chinese(zh: str) -> None:
    en = "en/README.md" if zh.startswith("zh/") else "README.md"
    assert pairs_of([en, zh]) == {en: (en, zh)}


def test_chinese_readme_and_its_english() -> None:
    """An untagged file beside an English-tagged one is the Chinese side."""
    assert pairs_of(["README.md", "README.en.md"]) == {
        "README.en.md": ("README.en.md", "README.md")}


@pytest.mark.parametrize("en,zh", [
    ("blog/x.mdx", "i18n/zh/docusaurus-plugin-content-blog/x.mdx"),
    ("blog/2024-01-02-x/index.md", "i18n/zh-Hans/docusaurus-plugin-content-blog/2024-01-02-x/index.md"),
    ("docs/guide/intro.md", "i18n/zh/docusaurus-plugin-content-docs/current/guide/intro.md"),
    ("versioned_docs/version-2.0/a.md",
     "i18n/zh-CN/docusaurus-plugin-content-docs/version-2.0/a.md"),
    ("community/faq.md", "i18n/zh/docusaurus-plugin-content-docs-community/current/faq.md"),
    ("src/pages/about.md", "i18n/zh/docusaurus-plugin-content-pages/about.md"),
    ("website/blog/x.md", "website/i18n/zh/docusaurus-plugin-content-blog/x.md"),
])
def test_docusaurus_translations(en: str, zh: str) -> None:
    assert pairs_of([zh, en, "docs/other.md"]) == {en: (en, zh)}
    assert paired_by([en, zh])[en] == "folder"


def test_name_rules_as_before() -> None:
    files = ["a.en.md", "a.zh.md", "docs/en/b.md", "docs/zh_cn/b.md", "c.md", "d.zh.md"]
    assert pairs_of(files) == {"a.en.md": ("a.en.md", "a.zh.md"),
                               "docs/en/b.md": ("docs/en/b.md", "docs/zh_cn/b.md")}
    assert paired_by(files)["c.md"] is None


# ------------------------------------------------------------------------------------
# Content


def ntrex_articles() -> list[tuple[list[str], list[str]]]:
    if not NTREX.is_dir():
        pytest.skip("needs ../shared/bench/ntrex")
    ids = [x.split("\t")[0] for x in (NTREX / "DOCUMENT_IDS.tsv").read_text().splitlines()]
    en = (NTREX / "newstest2019-src.eng.txt").read_text(encoding="utf-8").splitlines()
    zh = (NTREX / "newstest2019-ref.zho-CN.txt").read_text(encoding="utf-8").splitlines()
    docs: dict[str, tuple[list[str], list[str]]] = {}
    for d, e, z in zip(ids, en, zh):
        docs.setdefault(d, ([], []))
        docs[d][0].append(e)
        docs[d][1].append(z)
    return [d for d in docs.values() if len(d[0]) >= 8]


def write_unnamed(root: Path, n: int, alone: int) -> set[tuple[str, str]]:
    """``n`` articles as English files in posts/ and Chinese ones in translations/2024/
    under unrelated names, and ``alone`` files of each language without a translation."""
    rng = random.Random(7)
    articles = ntrex_articles()[: n + 2 * alone]
    names = iter(f"{k:06x}" for k in rng.sample(range(1 << 24), 2 * len(articles)))
    (root / "posts").mkdir(parents=True)
    (root / "translations" / "2024").mkdir(parents=True)
    gold = set()
    for k, (en, zh) in enumerate(articles):
        e, z = f"posts/{next(names)}.md", f"translations/2024/{next(names)}.md"
        if k < n + alone:
            (root / e).write_text("\n\n".join(en), encoding="utf-8")
        if k < n or k >= n + alone:
            (root / z).write_text("\n\n".join(zh), encoding="utf-8")
        if k < n:
            gold.add((e, z))
    return gold


def test_files_under_unrelated_names_pair_by_content(tmp_path: Path) -> None:
    gold = write_unnamed(tmp_path, 20, 5)
    articles = list(find_articles(tmp_path))
    found = {(a.en, a.zh) for a in articles if a.paired_by == "content"}
    assert found == gold
    assert all(0.16 <= (a.pair_score or 0) <= 1 for a in articles if a.paired_by == "content")
    singles = [a for a in articles if not a.two_files]
    assert len(singles) == 10 and all(a.paired_by is None for a in singles)


def test_documents_record_how_files_were_paired(tmp_path: Path) -> None:
    root = tmp_path / "in"
    gold = write_unnamed(root, 3, 1)
    (root / "a.en.md").write_text("The cat sat on the mat.\n", encoding="utf-8")
    (root / "a.zh.md").write_text("猫坐在垫子上。\n", encoding="utf-8")
    result = CliRunner().invoke(cli, ["align", str(root), "-o", str(tmp_path / "out"),
                                      "--no-progress"])
    assert result.exit_code == 0, result.output
    docs = pl.read_parquet(tmp_path / "out" / "documents.parquet")
    how = {r["doc_id"]: (r["paired_by"], r["pair_score"]) for r in docs.iter_rows(named=True)}
    assert how["a.en.md"] == ("name", None)
    for en, _ in gold:
        assert how[en][0] == "content" and how[en][1] >= 0.16
    assert [h for h in how.values() if h[0] is None] == [(None, None)] * 2  # the two alone
    pairs = pl.read_parquet(tmp_path / "out" / "pairs.parquet")
    assert set(pairs["doc_id"]) >= {en for en, _ in gold}


def test_unrelated_files_are_never_forced_together(tmp_path: Path) -> None:
    articles = ntrex_articles()
    (tmp_path / "one.md").write_text("\n\n".join(articles[0][0]), encoding="utf-8")
    (tmp_path / "two.md").write_text("\n\n".join(articles[1][1]), encoding="utf-8")
    assert match_files(tmp_path, ["one.md", "two.md"]) == []
    assert [a.files for a in find_articles(tmp_path)] == [("one.md",), ("two.md",)]


def test_a_chinese_file_with_english_terms_pairs_with_its_english_file(tmp_path: Path) -> None:
    """The issue's case: identifiers and a heading in English do not make the Chinese file
    bilingual; it pairs with its English file instead of giving junk pairs alone."""
    en, zh = ntrex_articles()[2]
    zh = ["## Release notes", *[f"{z} 参见 useInsertionEffect 和 https://example.com/docs。"
                                for z in zh]]
    (tmp_path / "notes.md").write_text("\n\n".join(en), encoding="utf-8")
    (tmp_path / "译文.md").write_text("\n\n".join(zh), encoding="utf-8")
    assert chinese_share("\n".join(zh)) >= 0.6
    assert [(m.en, m.zh) for m in match_files(tmp_path, ["notes.md", "译文.md"])] == [
        ("notes.md", "译文.md")]


def test_bilingual_files_are_not_content_candidates(tmp_path: Path) -> None:
    en, zh = ntrex_articles()[3]
    (tmp_path / "both.md").write_text("\n\n".join(en + zh), encoding="utf-8")
    (tmp_path / "en.md").write_text("\n\n".join(en), encoding="utf-8")
    assert match_files(tmp_path, ["both.md", "en.md"]) == []


def test_article_pairing_fields_default_to_none() -> None:
    assert Article("a.md", ("a.md",)).paired_by is None
