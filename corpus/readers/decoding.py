"""Bytes to text: the encodings people save English and Chinese files in."""

from __future__ import annotations

import unicodedata
from functools import lru_cache

from corpus.blocks import ReadError


def decode(data: bytes, path: str) -> str:
    """Decode a file's bytes to text with LF line ends.

    Tries UTF-8 (with or without BOM), UTF-16 (BOM, or BOM-less when the NUL bytes make
    it plain), then GB18030 and Big5, judging the last two by how common their characters
    are, and finally UTF-8 with a few bad bytes replaced.

    :raises ReadError: empty, binary, or in none of those encodings.
    """
    if not data:
        raise ReadError(path, "empty file")
    text = _decode(data)
    if text is None:
        if b"\x00" in data:
            raise ReadError(path, "binary file, not text")
        raise ReadError(path, "not valid UTF-8, UTF-16, GB18030 or Big5")
    sample = text[:10_000]
    controls = sum(1 for c in sample if _is_control(c))
    if controls > 0.3 * len(sample):
        raise ReadError(path, "binary file, not text")
    return text.replace("\r\n", "\n").replace("\r", "\n")


def _decode(data: bytes) -> str | None:
    """The text in the first plausible encoding, or None."""
    if data.startswith(b"\xef\xbb\xbf"):
        return _try(data[3:], "utf-8")
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return _try(data, "utf-16")
    utf16 = _bomless_utf16(data)
    if utf16:
        return _try(data, utf16)
    if b"\x00" in data:
        return None
    text = _try(data, "utf-8")
    if text is not None:
        return text
    scored = [
        (_common_share(t), t) for t in (_try(data, "gb18030"), _try(data, "big5")) if t is not None
    ]
    if scored:
        share, best = max(scored, key=lambda st: st[0])
        if share >= 0.8:
            return best
    lenient = data.decode("utf-8", errors="replace")
    if lenient.count("\ufffd") <= max(2, len(data) // 1000):
        return lenient
    return None


def _try(data: bytes, encoding: str) -> str | None:
    try:
        return data.decode(encoding)
    except UnicodeDecodeError:
        return None


def _bomless_utf16(data: bytes) -> str | None:
    """``utf-16-le`` or ``-be`` when NUL bytes sit at alternate positions, else None."""
    half = len(data) // 2
    if half < 2:
        return None
    even, odd = data[0::2].count(0), data[1::2].count(0)
    if odd >= 0.2 * half and even <= odd // 10:
        return "utf-16-le"
    if even >= 0.2 * half and odd <= even // 10:
        return "utf-16-be"
    return None


def _common_share(text: str) -> float:
    """Share of the non-ASCII characters that are common in real Chinese text.

    A GB18030 file read as Big5 (or the reverse) still decodes, but into rare characters.
    """
    sample = [c for c in text[:50_000] if c > "\x7f"][:5000]
    if not sample:
        return 1.0
    return sum(map(_is_common, sample)) / len(sample)


@lru_cache(maxsize=65536)
def _is_common(c: str) -> bool:
    if "\u3000" <= c <= "\u303f" or "\uff00" <= c <= "\uffef" or "\u2000" <= c <= "\u206f":
        return True
    if "\u4e00" <= c <= "\u9fff":
        try:
            c.encode("gb2312")
            return True
        except UnicodeEncodeError:
            pass
        try:
            return c.encode("big5") < b"\xc6\xa1"  # Big5 level 1: the frequent characters
        except UnicodeEncodeError:
            return False
    return "\u00c0" <= c < "\u0250"  # accented Latin letters


def _is_control(c: str) -> bool:
    return unicodedata.category(c) == "Cc" and c not in "\t\n\r\f\v"

