"""Finding the articles of a directory: which files hold one article together.

An article is one file carrying both languages, or two files carrying one language
each. Files pair by name first: ``x.en.md`` + ``x.zh.md``, ``x.en-US.md`` + ``x.zh-CN.md``,
``README.md`` + ``README.zh-CN.md`` / ``README-zh-Hans.md``; by folder: parallel trees
``en/…`` + ``zh/…`` (also ``zh_cn``, ``zh-CN``, ``cn``, ``zh-hans``, ``zh-tw``, ...), with
or without the tag in the names too (``en/x.en-US.md`` + ``zh/x.zh-CN.md``), and
Docusaurus sites (``blog/x.mdx`` + ``i18n/zh/docusaurus-plugin-content-blog/x.mdx``,
``docs/…`` + ``i18n/zh/docusaurus-plugin-content-docs/current/…``). The English-only and
Chinese-only files left over are then paired by content (:mod:`corpus.docalign`).
``Article.paired_by`` says which of the three made a pair.
"""

from __future__ import annotations

import hashlib
import os
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from corpus.read import TEXT_SUFFIXES

_EN_TAG = r"en(?:[-_](?:us|gb|uk|au))?|english"
_ZH_TAG = r"zh(?:[-_](?:cn|hans|hant|tw|hk|sg|hans[-_]cn|hant[-_]tw))?|cn|chs|cht|chinese|zh_?cn"
_NAME_TAG = re.compile(rf"^(?P<base>.+?)[._-](?P<tag>{_EN_TAG}|{_ZH_TAG})$", re.IGNORECASE)
_DIR_EN = re.compile(rf"^(?:{_EN_TAG})$", re.IGNORECASE)
_DIR_ZH = re.compile(rf"^(?:{_ZH_TAG})$", re.IGNORECASE)
_DOCUSAURUS_PLUGIN = re.compile(r"^docusaurus-plugin-content-(?P<kind>blog|docs|pages)"
                                r"(?:-(?P<id>[\w-]+))?$")

@dataclass(frozen=True)
class Article:
    """The files of one article, relative to the root; ``en``/``zh`` set for two files.

    :param paired_by: how two files were paired: ``name``, ``folder`` or ``content``
        (then ``pair_score`` is the cosine of their word profiles); None for one file.
    """

    doc_id: str
    files: tuple[str, ...]
    en: str | None = None
    zh: str | None = None
    paired_by: str | None = None
    pair_score: float | None = None

    @property
    def two_files(self) -> bool:
        return self.en is not None and self.zh is not None

    def content_hash(self, root: Path) -> str:
        """Hash of the files' names and bytes: an article changes when this changes."""
        h = hashlib.sha256()
        for f in self.files:
            h.update(f.encode("utf-8") + b"\0")
            try:
                with open(root / f, "rb") as fh:
                    for chunk in iter(lambda: fh.read(1 << 20), b""):
                        h.update(chunk)
            except OSError as exc:
                h.update(f"unreadable:{exc.errno}".encode())
        return h.hexdigest()[:32]


def discover(root: Path) -> list[str]:
    """Relative paths of the text files under ``root``, sorted; symlinks are not
    followed into directories, so link loops cannot trap the walk."""
    root = Path(root)
    if root.is_file():
        return [root.name] if root.suffix.lower() in TEXT_SUFFIXES else []
    found = []
    for dirpath, dirnames, filenames in os.walk(root, followlinks=False):
        dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
        for name in filenames:
            if name.startswith(".") or Path(name).suffix.lower() not in TEXT_SUFFIXES:
                continue
            found.append(Path(dirpath, name).relative_to(root).as_posix())
    return sorted(found)


def _docusaurus_key(parts: list[str]) -> tuple[str, str] | None:
    """The key and language of a Docusaurus translation: ``i18n/LOCALE/docusaurus-plugin-
    content-blog/x.md`` is ``blog/x.md``, ``…-docs/current/a.md`` is ``docs/a.md``,
    ``…-docs/version-2/a.md`` is ``versioned_docs/version-2/a.md``, ``…-pages/p.md`` is
    ``src/pages/p.md``, and a docs plugin with an id (``…-docs-community``) is that id."""
    for k in range(len(parts) - 3):
        if parts[k] != "i18n":
            continue
        m = _DOCUSAURUS_PLUGIN.match(parts[k + 2])
        locale = parts[k + 1]
        if not m or not (_DIR_EN.match(locale) or _DIR_ZH.match(locale)):
            continue
        lang = "en" if _DIR_EN.match(locale) else "zh"
        rest = parts[k + 3:]
        if m["kind"] == "blog":
            source = [m["id"] or "blog", *rest]
        elif m["kind"] == "pages":
            source = ["src", "pages", *rest]
        elif rest[0] == "current" and len(rest) > 1:
            source = [m["id"] or "docs", *rest[1:]]
        elif rest[0].startswith("version-") and len(rest) > 1:
            source = [f"{m['id']}_versioned_docs" if m["id"] else "versioned_docs", *rest]
        else:
            continue
        return "/".join(parts[:k] + source), lang
    return None


def _language_key(rel: str) -> tuple[str, str | None, str | None]:
    """The article key of a file, the language its name or folder declares, and which of
    the two declared it (``name`` or ``folder``; the name's tag wins where both do)."""
    parts = rel.split("/")
    docusaurus = _docusaurus_key(parts)
    if docusaurus:
        return docusaurus[0], docusaurus[1], "folder"
    stem, dot, suffix = parts[-1].rpartition(".")
    if not dot:
        stem, suffix = parts[-1], ""
    name, lang, how = parts[-1], None, None
    m = _NAME_TAG.match(stem)
    if m:
        lang = "en" if re.fullmatch(_EN_TAG, m["tag"], re.IGNORECASE) else "zh"
        name, how = f"{m['base']}.{suffix}", "name"
    dirs = parts[:-1]
    for k, part in enumerate(dirs):
        if _DIR_EN.match(part) or _DIR_ZH.match(part):
            if lang is None:
                lang, how = ("en" if _DIR_EN.match(part) else "zh"), "folder"
            dirs = dirs[:k] + ["*"] + dirs[k + 1:]
            break
    return "/".join(dirs + [name]), lang, how


def group_articles(files: list[str]) -> list[Article]:
    """Pair the files of two-file articles by name and folder; every other file is an
    article of its own.

    An untagged file (``README.md``) pairs with a Chinese-tagged one of the same key
    (``README.zh-CN.md``) as its English side, or with an English-tagged one
    (``README.en.md``) as its Chinese side. A pair is ``folder``-made when a folder
    (``en/``, ``i18n/zh/…``) told either file's language, else ``name``-made.
    """
    by_key: dict[str, dict[str | None, list[tuple[str, str | None]]]] = {}
    for rel in files:
        key, lang, how = _language_key(rel)
        by_key.setdefault(key, {}).setdefault(lang, []).append((rel, how))
    articles: list[Article] = []
    for langs in by_key.values():
        en = langs.get("en", [])
        zh = langs.get("zh", [])
        plain = langs.get(None, [])
        if not en and len(plain) == 1 and len(zh) == 1:
            en, plain = plain, []
        elif not zh and len(plain) == 1 and len(en) == 1:
            zh, plain = plain, []
        if len(en) == 1 and len(zh) == 1:
            (e, how_en), (z, how_zh) = en[0], zh[0]
            how = "folder" if "folder" in (how_en, how_zh) else "name"
            articles.append(Article(e, (e, z), e, z, paired_by=how))
            en, zh = [], []
        for rel, _ in en + zh + plain:
            articles.append(Article(rel, (rel,)))
    return sorted(articles, key=lambda a: a.doc_id)


def pair_leftovers(root: Path, articles: list[Article]) -> list[Article]:
    """``articles`` with the one-file articles that hold one language each paired by
    content where they match (:func:`corpus.docalign.match_files`)."""
    from corpus.docalign import match_files

    singles = [a.doc_id for a in articles if len(a.files) == 1]
    matches = match_files(root, singles)
    if not matches:
        return articles
    paired = {f for m in matches for f in (m.en, m.zh)}
    out = [a for a in articles if a.doc_id not in paired]
    out += [Article(m.en, (m.en, m.zh), m.en, m.zh, paired_by="content",
                    pair_score=round(m.score, 4)) for m in matches]
    return sorted(out, key=lambda a: a.doc_id)


_LAST: tuple[tuple[str, tuple[tuple[str, int, int], ...]], list[Article]] | None = None


def find_articles(root: Path) -> Iterator[Article]:
    """The articles under ``root``, in ``doc_id`` order: paired by name and folder, then
    the leftovers by content. The last answer is kept while no file under ``root``
    changes (the CLI lists the articles for its progress bar, then the run lists them)."""
    global _LAST
    root = Path(root)
    files = discover(root)
    stamp = (str(root.resolve()), tuple(_stat(root, f) for f in files))
    if _LAST is not None and _LAST[0] == stamp:
        yield from _LAST[1]
        return
    articles = group_articles(files)
    if root.is_dir():
        articles = pair_leftovers(root, articles)
    _LAST = (stamp, articles)
    yield from articles


def _stat(root: Path, rel: str) -> tuple[str, int, int]:
    try:
        st = (root / rel).stat() if root.is_dir() else root.stat()
        return rel, st.st_size, st.st_mtime_ns
    except OSError:
        return rel, -1, -1
