"""Parallel files people already have, read and written back as streams of pairs.

Formats: ``tsv`` (one pair a line, tab-separated, language order detected or given),
``moses`` (two line-aligned files, ``x.en`` + ``x.zh``), ``hf`` (JSON Lines,
``{"translation": {"en", "zh"}}`` or flat ``{"en", "zh"}``), ``tmx`` (TMX, ``<tu>`` with
``<tuv xml:lang>`` segments) and ``parquet`` (``en`` and ``zh`` columns, or a
``translation`` struct). Readers yield a ``Pair`` per usable row and a ``BadRow`` per
unusable one (wrong column count, an empty side, a line that is not JSON or not UTF-8),
so a caller reports it and goes on; only a file that cannot be read at all (TMX that is
not well-formed XML, a Parquet file without the columns) raises ``PairFileError``.
Writers put each pair back as it was read, with a ``quality`` field added when asked;
output goes to a file beside its final path, renamed into place when all is written.
"""

from __future__ import annotations

import json
import re
import shutil
import tempfile
import xml.etree.ElementTree as ET
from abc import ABC, abstractmethod
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from itertools import zip_longest
from pathlib import Path
from typing import Any

import polars as pl

from corpus.export import AtomicFile

FILE_FORMATS = ("tsv", "moses", "hf", "tmx", "parquet")
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
DETECT_ROWS = 1_000  # TSV rows read before deciding which column is Chinese
_HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
_ZH_KEYS = ("zh", "zh-cn", "zh_cn", "zh-hans", "zh-tw", "zh_tw", "zh-hant", "cmn", "zho", "chinese")
_EN_KEYS = ("en", "en-us", "en_us", "en-gb", "eng", "english")
_HEADER_NAMES = {"en", "zh", "english", "chinese", "eng", "zho", "cmn", "zh-cn", "zh_cn"}


class PairFileError(Exception):
    """A parallel file that cannot be read at all (one line for the user)."""


@dataclass(slots=True)
class Pair:
    en: str
    zh: str
    record: Any  # what the writer needs to write the row back (line, dict, element)


@dataclass(frozen=True, slots=True)
class BadRow:
    where: str  # "FILE:LINE"
    problem: str

    def __str__(self) -> str:
        return f"{self.where}: {self.problem}"


def detect_format(paths: Sequence[Path]) -> str:
    """The format named by the files' suffixes: two files are a Moses pair."""
    if len(paths) == 2:
        return "moses"
    if len(paths) != 1:
        raise PairFileError("give one parallel file, or the two files of a Moses pair")
    suffix = paths[0].suffix.lower()
    by_suffix = {".tsv": "tsv", ".txt": "tsv", ".tab": "tsv", ".jsonl": "hf", ".json": "hf",
                 ".ndjson": "hf", ".tmx": "tmx", ".parquet": "parquet", ".pq": "parquet"}
    if suffix not in by_suffix:
        raise PairFileError(f"{paths[0]}: cannot tell its format from {suffix or 'no suffix'!r}; "
                            f"give --pairs-format ({', '.join(FILE_FORMATS)})")
    return by_suffix[suffix]


def _lines(path: Path) -> Iterator[tuple[int, str | None]]:
    """(line number, text) of a file, text None where the line is not UTF-8. Lines end at
    \\n only (a stray \\r or \\x85 inside a field stays in it)."""
    with open(path, "rb") as fh:
        for number, raw in enumerate(fh, 1):
            raw = raw.rstrip(b"\n").removesuffix(b"\r")
            if number == 1:
                raw = raw.removeprefix(b"\xef\xbb\xbf")
            try:
                yield number, raw.decode("utf-8")
            except UnicodeDecodeError:
                yield number, None


def _han_share(text: str) -> float:
    letters = sum(c.isalpha() for c in text)
    return len(_HAN.findall(text)) / letters if letters else 0.0


def _blank(pair_en: str, pair_zh: str) -> str | None:
    if not pair_en.strip() and not pair_zh.strip():
        return "both sides empty"
    if not pair_en.strip():
        return "empty English side"
    if not pair_zh.strip():
        return "empty Chinese side"
    return None


# -- readers -----------------------------------------------------------------------------


class PairReader(ABC):
    """Rows of a parallel file: ``Pair`` or ``BadRow``, in file order."""

    def __init__(self, paths: Sequence[Path], direction: str | None = None) -> None:
        self.paths = list(paths)
        self.direction = direction  # "en-zh" / "zh-en" where the format does not say

    @abstractmethod
    def rows(self) -> Iterator[Pair | BadRow]: ...


class TsvReader(PairReader):
    """Tab-separated lines; the first two columns are the pair. The language order comes
    from ``direction``, a header line (``en<TAB>zh``), or the first rows' scripts.
    Every row must have as many columns as the first."""

    header: str | None = None  # the header line, if the file has one
    columns: int = 0

    def rows(self) -> Iterator[Pair | BadRow]:
        path = self.paths[0]
        lines = _lines(path)
        buffered: list[tuple[int, str | None]] = []
        zh_first = None if self.direction is None else self.direction == "zh-en"
        for number, text in lines:
            if number == 1 and text is not None:
                names = [c.strip().lower() for c in text.split("\t")]
                if len(names) >= 2 and {names[0], names[1]} <= _HEADER_NAMES:
                    self.header, self.columns = text, len(names)
                    if zh_first is None:
                        zh_first = names[0] not in _EN_KEYS
                    continue
            buffered.append((number, text))
            if zh_first is not None or len(buffered) >= DETECT_ROWS:
                break
        if zh_first is None:
            votes = 0
            for _, text in buffered:
                fields = (text or "").split("\t")
                if len(fields) >= 2:
                    votes += 1 if _han_share(fields[0]) > _han_share(fields[1]) else -1
            zh_first = votes > 0
        self.zh_first = zh_first
        for number, text in (*buffered, *lines):
            yield self._row(path, number, text)

    def _row(self, path: Path, number: int, text: str | None) -> Pair | BadRow:
        where = f"{path}:{number}"
        if text is None:
            return BadRow(where, "not UTF-8")
        fields = text.split("\t")
        if not self.columns:
            self.columns = max(2, len(fields))
        if len(fields) != self.columns:
            return BadRow(where, f"{len(fields)} column{'s' * (len(fields) != 1)}, "
                                 f"expected {self.columns}")
        en, zh = (fields[1], fields[0]) if self.zh_first else (fields[0], fields[1])
        problem = _blank(en, zh)
        return BadRow(where, problem) if problem else Pair(en, zh, text)


class MosesReader(PairReader):
    """Two line-aligned files; which is which from their suffixes (``.en``, ``.zh``) or
    the given order (English first)."""

    def __init__(self, paths: Sequence[Path], direction: str | None = None) -> None:
        super().__init__(paths, direction)
        a, b = self.paths
        if direction == "zh-en" or (direction is None and _lang_of(a) == "zh"
                                    and _lang_of(b) != "zh"):
            a, b = b, a
        self.en_path, self.zh_path = a, b

    def rows(self) -> Iterator[Pair | BadRow]:
        for (n_en, en), (n_zh, zh) in zip_longest(_lines(self.en_path), _lines(self.zh_path),
                                                  fillvalue=(None, None)):
            if n_zh is None:
                yield BadRow(f"{self.en_path}:{n_en}", f"no line {n_en} in {self.zh_path}")
                continue
            if n_en is None:
                yield BadRow(f"{self.zh_path}:{n_zh}", f"no line {n_zh} in {self.en_path}")
                continue
            if en is None or zh is None:
                bad = self.en_path if en is None else self.zh_path
                yield BadRow(f"{bad}:{n_en}", "not UTF-8")
                continue
            problem = _blank(en, zh)
            yield BadRow(f"{self.en_path}:{n_en}", problem) if problem else Pair(en, zh, None)


def _lang_of(path: Path) -> str | None:
    suffix = path.suffix.lower().lstrip(".")
    if suffix in _ZH_KEYS:
        return "zh"
    if suffix in _EN_KEYS:
        return "en"
    return None


def _pick(record: dict[str, Any], keys: tuple[str, ...]) -> tuple[str | None, Any]:
    for key, value in record.items():
        if isinstance(key, str) and key.lower() in keys:
            return key, value
    return None, None


def record_sides(record: Any) -> tuple[Any, Any] | str:
    """The English and Chinese values of a JSON record (top level or ``translation``), or
    what is wrong with it."""
    if not isinstance(record, dict):
        return "not a JSON object"
    inner = record.get("translation")
    source = inner if isinstance(inner, dict) else record
    (k_en, en), (k_zh, zh) = _pick(source, _EN_KEYS), _pick(source, _ZH_KEYS)
    if k_en is None or k_zh is None:
        missing = " and ".join(n for n, k in (("English", k_en), ("Chinese", k_zh)) if k is None)
        return f"no {missing} field"
    return en, zh


class JsonlReader(PairReader):
    """JSON Lines: one object a line, the pair at the top level or under ``translation``;
    language keys ``en`` / ``zh`` (also ``zh-CN``, ``zh_TW``, ``eng``, ``cmn``...)."""

    def rows(self) -> Iterator[Pair | BadRow]:
        path = self.paths[0]
        for number, text in _lines(path):
            where = f"{path}:{number}"
            if text is None:
                yield BadRow(where, "not UTF-8")
                continue
            if not text.strip():
                continue  # blank lines separate nothing in JSON Lines
            try:
                record = json.loads(text)
            except json.JSONDecodeError as e:
                yield BadRow(where, f"not JSON ({e.msg})")
                continue
            sides = record_sides(record)
            if isinstance(sides, str):
                yield BadRow(where, sides)
                continue
            en, zh = sides
            if not isinstance(en, str) or not isinstance(zh, str):
                yield BadRow(where, "a side is not a string")
                continue
            problem = _blank(en, zh)
            yield BadRow(where, problem) if problem else Pair(en, zh, record)


class TmxReader(PairReader):
    """TMX, parsed incrementally: each ``<tu>``'s English and Chinese ``<tuv>`` (by
    ``xml:lang``, e.g. ``en-US``, ``zh-CN``), inline markup kept as text."""

    header: ET.Element | None = None
    version: str = "1.4"

    def rows(self) -> Iterator[Pair | BadRow]:
        path = self.paths[0]
        count = 0
        try:
            context = ET.iterparse(path, events=("start", "end"))
            for event, elem in context:
                if event == "start":
                    if elem.tag == "tmx":
                        self.version = elem.get("version", "1.4")
                    continue
                if elem.tag == "header":
                    self.header = elem
                elif elem.tag == "tu":
                    count += 1
                    yield self._row(path, count, elem)
                    elem.clear()
        except ET.ParseError as e:
            raise PairFileError(f"{path}: not well-formed XML ({e})") from None

    @staticmethod
    def _row(path: Path, count: int, tu: ET.Element) -> Pair | BadRow:
        where = f"{path}:tu {count}"
        sides: dict[str, str] = {}
        for tuv in tu.findall("tuv"):
            lang = (tuv.get(XML_LANG) or tuv.get("lang") or "").lower()
            seg = tuv.find("seg")
            code = "zh" if lang.startswith(("zh", "cmn", "zho")) else \
                "en" if lang.startswith("en") else None
            if code and seg is not None and code not in sides:
                sides[code] = "".join(seg.itertext())
        if "en" not in sides or "zh" not in sides:
            missing = " and ".join(n for c, n in (("en", "English"), ("zh", "Chinese"))
                                   if c not in sides)
            return BadRow(where, f"no {missing} segment")
        problem = _blank(sides["en"], sides["zh"])
        if problem:
            return BadRow(where, problem)
        return Pair(sides["en"], sides["zh"], ET.tostring(tu, encoding="unicode").strip())


class ParquetReader(PairReader):
    """Parquet, in batches: ``en`` and ``zh`` columns (or language-named ones), or a
    ``translation`` struct; a null or blank side is a bad row."""

    BATCH = 20_000
    schema: pl.Schema | None = None

    def rows(self) -> Iterator[Pair | BadRow]:
        path = self.paths[0]
        try:
            scan = pl.scan_parquet(path)
            schema = scan.collect_schema()
        except (OSError, pl.exceptions.PolarsError) as e:
            raise PairFileError(f"{path}: not a Parquet file ({e})") from None
        en_col, zh_col = self.columns_of(path, schema)
        self.schema = schema
        row = 0
        for batch in scan.collect_batches(chunk_size=self.BATCH):
            en_values = self._values(batch, en_col)
            zh_values = self._values(batch, zh_col)
            for k, (en, zh) in enumerate(zip(en_values, zh_values)):
                where = f"{path}:row {row + k + 1}"
                problem = _blank(en or "", zh or "")
                yield BadRow(where, problem) if problem else Pair(en or "", zh or "", (batch, k))
            row += batch.height

    @staticmethod
    def columns_of(path: Path, schema: pl.Schema) -> tuple[Any, Any]:
        if "translation" in schema and isinstance(schema["translation"], pl.Struct):
            fields = {f.name: f.name for f in schema["translation"].fields}  # type: ignore[union-attr]
            en = _pick(fields, _EN_KEYS)[0]
            zh = _pick(fields, _ZH_KEYS)[0]
            if en and zh:
                return ("translation", en), ("translation", zh)
        names = {c: c for c in schema}
        en, zh = _pick(names, _EN_KEYS)[0], _pick(names, _ZH_KEYS)[0]
        if en is None or zh is None:
            raise PairFileError(f"{path}: no en and zh columns (it has {', '.join(schema)})")
        return en, zh

    @staticmethod
    def _values(batch: pl.DataFrame, col: Any) -> list[str | None]:
        if isinstance(col, tuple):
            return batch[col[0]].struct.field(col[1]).cast(pl.String).to_list()
        return batch[col].cast(pl.String).to_list()


READERS: dict[str, type[PairReader]] = {
    "tsv": TsvReader, "moses": MosesReader, "hf": JsonlReader, "tmx": TmxReader,
    "parquet": ParquetReader,
}


# -- writers -----------------------------------------------------------------------------


class PairFileWriter(ABC):
    """Pairs written back in the reader's format, each with its quality if ``column``."""

    def __init__(self, output: Path, reader: PairReader, column: bool) -> None:
        self.output, self.reader, self.column = output, reader, column

    @abstractmethod
    def write(self, pairs: list[Pair], quality: list[float]) -> None: ...

    @abstractmethod
    def commit(self) -> list[Path]:
        """Move the output into place; the paths written."""

    @abstractmethod
    def abort(self) -> None: ...


def _q(value: float) -> str:
    return f"{value:.4f}"


class _LineWriter(PairFileWriter):
    def __init__(self, output: Path, reader: PairReader, column: bool) -> None:
        super().__init__(output, reader, column)
        self.file = AtomicFile(output)

    def commit(self) -> list[Path]:
        self.end()
        self.file.commit()
        return [self.output]

    def end(self) -> None:
        """Write what follows the pairs."""

    def abort(self) -> None:
        self.file.abort()


class TsvFileWriter(_LineWriter):
    """The lines as read, with a ``quality`` column last; a header line gains its name."""

    started = False

    def write(self, pairs: list[Pair], quality: list[float]) -> None:
        reader = self.reader
        if not self.started:
            self.started = True
            header = getattr(reader, "header", None)
            if header is not None:
                self.file.write(header + ("\tquality" if self.column else "") + "\n")
        if self.column:
            self.file.write("".join(f"{p.record}\t{_q(q)}\n" for p, q in zip(pairs, quality)))
        else:
            self.file.write("".join(f"{p.record}\n" for p in pairs))


class JsonlFileWriter(_LineWriter):
    """Each object as read, with a top-level ``quality`` field."""

    def write(self, pairs: list[Pair], quality: list[float]) -> None:
        lines = []
        for p, q in zip(pairs, quality):
            record = dict(p.record)
            if self.column:
                record["quality"] = round(q, 4)
            lines.append(json.dumps(record, ensure_ascii=False))
        self.file.write("\n".join(lines) + ("\n" if lines else ""))


class TmxFileWriter(_LineWriter):
    """The input's header, then each ``<tu>`` as read with an ``x-quality`` prop first."""

    started = False

    def _begin(self) -> None:
        reader = self.reader
        header = getattr(reader, "header", None)
        head = ET.tostring(header, encoding="unicode").strip() if header is not None else \
            '<header creationtool="bitext" segtype="sentence" o-tmf="bitext" ' \
            'adminlang="en" srclang="en" datatype="plaintext"/>'
        self.file.write('<?xml version="1.0" encoding="UTF-8"?>\n'
                        f'<tmx version="{getattr(reader, "version", "1.4")}">\n  {head}\n'
                        "  <body>\n")

    def write(self, pairs: list[Pair], quality: list[float]) -> None:
        if not self.started:
            self.started = True
            self._begin()
        out = []
        for p, q in zip(pairs, quality):
            tu = p.record
            if self.column:
                at = tu.index(">") + 1
                tu = f'{tu[:at]}<prop type="x-quality">{_q(q)}</prop>{tu[at:]}'
            out.append(f"    {tu}\n")
        self.file.write("".join(out))

    def end(self) -> None:
        if not self.started:
            self.started = True
            self._begin()
        self.file.write("  </body>\n</tmx>\n")


class MosesFileWriter(PairFileWriter):
    """``OUT.en`` and ``OUT.zh`` (and ``OUT.quality``, a score a line)."""

    def __init__(self, output: Path, reader: PairReader, column: bool) -> None:
        super().__init__(output, reader, column)
        names = ["en", "zh"] + (["quality"] if column else [])
        self.files = [AtomicFile(output.with_name(f"{output.name}.{n}")) for n in names]

    def write(self, pairs: list[Pair], quality: list[float]) -> None:
        self.files[0].write("".join(f"{p.en}\n" for p in pairs))
        self.files[1].write("".join(f"{p.zh}\n" for p in pairs))
        if self.column:
            self.files[2].write("".join(f"{_q(q)}\n" for q in quality))

    def commit(self) -> list[Path]:
        for f in self.files:
            f.commit()
        return [f.path for f in self.files]

    def abort(self) -> None:
        for f in self.files:
            f.abort()


class ParquetFileWriter(PairFileWriter):
    """The rows as read (every column), with a ``quality`` column; parts merged at the
    end by a streaming sink, so memory stays bounded."""

    def __init__(self, output: Path, reader: PairReader, column: bool) -> None:
        super().__init__(output, reader, column)
        output.parent.mkdir(parents=True, exist_ok=True)
        self.scratch = Path(tempfile.mkdtemp(prefix=".bitext-score-", dir=output.parent))
        self.parts: list[Path] = []

    def write(self, pairs: list[Pair], quality: list[float]) -> None:
        if not pairs:
            return
        by_batch: dict[int, tuple[pl.DataFrame, list[int], list[float]]] = {}
        for p, q in zip(pairs, quality):
            batch, k = p.record
            entry = by_batch.setdefault(id(batch), (batch, [], []))
            entry[1].append(k)
            entry[2].append(q)
        for batch, rows, scores in by_batch.values():
            frame = batch[rows]
            if self.column:
                frame = frame.with_columns(pl.Series("quality", scores, dtype=pl.Float32))
            part = self.scratch / f"part-{len(self.parts):06d}.parquet"
            frame.write_parquet(part)
            self.parts.append(part)

    def commit(self) -> list[Path]:
        tmp = self.scratch / "out.parquet"
        try:
            if self.parts:
                pl.scan_parquet(self.parts).sink_parquet(tmp)
            else:
                schema = dict(getattr(self.reader, "schema", None) or {})
                if self.column:
                    schema["quality"] = pl.Float32()
                pl.DataFrame(schema=schema).write_parquet(tmp)
            tmp.replace(self.output)
        finally:
            shutil.rmtree(self.scratch, ignore_errors=True)
        return [self.output]

    def abort(self) -> None:
        shutil.rmtree(self.scratch, ignore_errors=True)


WRITERS: dict[str, type[PairFileWriter]] = {
    "tsv": TsvFileWriter, "moses": MosesFileWriter, "hf": JsonlFileWriter,
    "tmx": TmxFileWriter, "parquet": ParquetFileWriter,
}


def open_reader(paths: Sequence[Path], fmt: str | None = None, direction: str | None = None
                ) -> tuple[str, PairReader]:
    fmt = fmt or detect_format(paths)
    if fmt == "moses" and len(paths) != 2:
        raise PairFileError("a Moses pair is two files: give both (x.en x.zh)")
    if fmt != "moses" and len(paths) != 1:
        raise PairFileError(f"{fmt}: give one file")
    return fmt, READERS[fmt](paths, direction)

