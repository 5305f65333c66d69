"""Finding the articles of a directory: which files hold one article together.

An article is one file carrying both languages, or two files carrying one language
each: ``x.en.md`` + ``x.zh.md``, ``x.en-US.md`` + ``x.zh-CN.md``, ``README.md`` +
``README.zh-CN.md`` / ``README-zh.md``, or parallel trees ``en/…`` + ``zh/…`` (also
``zh_cn``, ``zh-CN``, ``cn``, ``zh-hans``, ``zh-tw``, ...).
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
_ZH_TAG = r"zh(?:[-_](?:cn|hans|hant|tw|hk|sg))?|cn|chs|cht|chinese|zh_?cn"
_NAME_TAG = re.compile(rf"^(?P<base>.+?)[._-](?P<tag>{_EN_TAG}|{_ZH_TAG})$", re.IGNORECASE)
_DIR_EN = re.compile(rf"^(?:{_EN_TAG})$", re.IGNORECASE)
_DIR_ZH = re.compile(rf"^(?:{_ZH_TAG})$", re.IGNORECASE)


@dataclass(frozen=True)
class Article:
    """The files of one article, relative to the root; ``en``/``zh`` set for two files."""

    doc_id: str
    files: tuple[str, ...]
    en: str | None = None
    zh: str | None = None

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


def _language_key(rel: str) -> tuple[str, str | None]:
    """The article key of a file and the language its name or folder declares."""
    parts = rel.split("/")
    stem, dot, suffix = parts[-1].rpartition(".")
    if not dot:
        stem, suffix = parts[-1], ""
    m = _NAME_TAG.match(stem)
    if m:
        lang = "en" if re.fullmatch(_EN_TAG, m["tag"], re.IGNORECASE) else "zh"
        return "/".join(parts[:-1] + [f"{m['base']}.{suffix}"]), lang
    for k, part in enumerate(parts[:-1]):
        if _DIR_EN.match(part) or _DIR_ZH.match(part):
            lang = "en" if _DIR_EN.match(part) else "zh"
            return "/".join(parts[:k] + ["*"] + parts[k + 1:]), lang
    return rel, None


def group_articles(files: list[str]) -> list[Article]:
    """Pair the files of two-file articles; every other file is an article of its own.

    An untagged file (``README.md``) pairs with a Chinese-tagged one of the same key
    (``README.zh-CN.md``) as its English side.
    """
    by_key: dict[str, dict[str | None, list[str]]] = {}
    for rel in files:
        key, lang = _language_key(rel)
        by_key.setdefault(key, {}).setdefault(lang, []).append(rel)
    articles: list[Article] = []
    for key, langs in by_key.items():
        en = langs.get("en", [])
        zh = langs.get("zh", [])
        plain = langs.get(None, [])
        if not en and len(plain) == 1 and len(zh) == 1:
            en, plain = plain, []
        if len(en) == 1 and len(zh) == 1:
            articles.append(Article(en[0], (en[0], zh[0]), en[0], zh[0]))
            en, zh = [], []
        for rel in en + zh + plain:
            articles.append(Article(rel, (rel,)))
    return sorted(articles, key=lambda a: a.doc_id)


def find_articles(root: Path) -> Iterator[Article]:
    """The articles under ``root``, in ``doc_id`` order."""
    yield from group_articles(discover(root))
