"""Export a pair store for training: selection, dedupe, splits and the format writers.

Pairs stream from ``pairs.parquet`` in batches (polars' streaming engine), so memory stays
bounded whatever the store's size; only the dedupe state (8 bytes per unique key) and the
split of each document seen grow with the corpus. Every output file is written beside its
final path and renamed into place when the export succeeds, so a killed export never
leaves a partial file under the final name.

Formats: ``tsv`` (``en<TAB>zh``), ``hf`` (``{"translation": {"en", "zh"}}`` JSON Lines),
``chat`` (``{"messages": [...]}`` JSON Lines), ``moses`` (``PREFIX.en`` + ``PREFIX.zh``)
and ``tmx`` (TMX 1.4b). Pairs with a null or blank side (``0-1`` / ``1-0`` beads) are
never exported.

The store's review decisions (``decisions.parquet``) are honoured unless asked not to: a
rejected pair is never written, an edited pair is written as edited, and an accepted or
edited pair is kept whatever its scores (``--min-score`` and ``--where`` pass it; bead
and layout filters, blank sides and dedupe still apply).
"""

from __future__ import annotations

import hashlib
import operator
import os
import re
from abc import ABC, abstractmethod
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import reduce
from pathlib import Path
from typing import BinaryIO

import numpy as np
import polars as pl

from align.lexicon import traditional_to_simplified
from corpus import __version__
from corpus.store import read_decisions, read_metadata, scan_pairs

FORMATS = ("tsv", "hf", "chat", "moses", "tmx")
DIRECTIONS = ("en-zh", "zh-en")
LANGUAGE_NAMES = {"en": "English", "zh": "Chinese"}
DEFAULT_SYSTEM = "You are a professional English–Chinese translator."
DEFAULT_TEMPLATE = "Translate the following {src_lang} text into {tgt_lang}.\n\n{source}"
TMX_PROPS = ("doc_id", "source", "layout", "bead", "align_score", "quality")
BATCH_ROWS = 20_000

# Characters that end a line for some reader (Python's universal newlines, str.splitlines,
# Unicode line/paragraph separators) or split a TSV field: a space in line formats.
_LINE_BREAKING = r"[\t\n\r\x0B\x0C\x1C-\x1E\x{85}\x{2028}\x{2029}]"
# Not allowed in XML 1.0. Lone surrogates cannot occur: Parquet strings are valid UTF-8.
_XML_ILLEGAL = r"[\x00-\x08\x0B\x0C\x0E-\x1F\x{FFFE}\x{FFFF}]"
# Line breaks JSON may leave raw but str.splitlines() and some readers split on.
_JSON_ESCAPES = {"\x85": "\\u0085", "\u2028": "\\u2028", "\u2029": "\\u2029"}
# \r is escaped because XML parsers turn a literal one into \n.
_XML_ESCAPES = {"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&apos;", "\r": "&#13;"}
_CONDITION = re.compile(r"^\s*([A-Za-z_][A-Za-z0-9_]*)\s*(>=|<=|==|!=|>|<)\s*(.+?)\s*$")
_BEAD = re.compile(r"^\d+-\d+$")
_SPLIT_NAME = re.compile(r"^[A-Za-z0-9_-]+$")


class ExportError(Exception):
    """An export that cannot run as asked (bad option, column missing from the store)."""


# -- selection ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Condition:
    """One ``--where`` filter: ``column op value``, e.g. ``align_score>=0.5``."""

    column: str
    op: str
    value: str

    @classmethod
    def parse(cls, text: str) -> Condition:
        m = _CONDITION.match(text)
        if not m:
            raise ExportError(
                f"bad --where {text!r}: expected COLUMN OP VALUE with OP one of "
                ">=, <=, >, <, ==, != (e.g. 'align_score>=0.5')"
            )
        return cls(*m.groups())

    def expr(self, schema: pl.Schema) -> pl.Expr:
        """The filter as a polars expression, its value typed after the column."""
        if self.column not in schema:
            raise ExportError(
                f"unknown column {self.column!r} in --where; the store has: {', '.join(schema)}"
            )
        dtype = schema[self.column]
        value: object
        if dtype.is_numeric():
            try:
                value = float(self.value)
            except ValueError:
                raise ExportError(
                    f"--where {self.column}: {self.value!r} is not a number"
                ) from None
        elif dtype == pl.String:
            value = self.value.strip("'\"")
        elif dtype == pl.Boolean and self.value.lower() in ("true", "false"):
            value = self.value.lower() == "true"
        else:
            raise ExportError(f"--where cannot compare column {self.column!r} of type {dtype}")
        compare = {
            ">=": operator.ge,
            "<=": operator.le,
            ">": operator.gt,
            "<": operator.lt,
            "==": operator.eq,
            "!=": operator.ne,
        }[self.op]
        return compare(pl.col(self.column), value)


@dataclass(frozen=True)
class Selection:
    """Which pairs to export. Rows with a null in a filtered column are left out."""

    min_score: float | None = None
    where: tuple[Condition, ...] = ()
    beads: tuple[str, ...] = ()
    layouts: tuple[str, ...] = ()

    def columns(self) -> set[str]:
        cols = {c.column for c in self.where}
        if self.min_score is not None:
            cols.add("quality")
        if self.beads:
            cols.add("bead")
        if self.layouts:
            cols.add("layout")
        return cols

    def predicate(self, schema: pl.Schema, reviewed: pl.Expr | None = None) -> pl.Expr:
        """One expression keeping the selected pairs (always requires both sides).

        :param reviewed: true for pairs a person kept (accepted or edited): the score
            filters (``min_score``, ``where``) pass them.
        """
        for bead in self.beads:
            if not _BEAD.match(bead):
                raise ExportError(f"bad --bead {bead!r}: expected N-M, e.g. 1-1 or 2-1")
        if self.min_score is not None and "quality" not in schema:
            raise ExportError(
                "--min-score needs the `quality` column, which this store does not have "
                "yet; run `bitext score OUT` first, or filter with --where align_score>=X"
            )
        parts = [
            pl.col("en").str.strip_chars().str.len_chars() > 0,
            pl.col("zh").str.strip_chars().str.len_chars() > 0,
        ]
        scores: list[pl.Expr] = []
        if self.min_score is not None:
            scores.append(pl.col("quality") >= self.min_score)
        scores.extend(c.expr(schema) for c in self.where)
        if scores:
            passed = reduce(lambda a, b: a & b, scores).fill_null(False)
            parts.append(passed if reviewed is None else passed | reviewed)
        if self.beads:
            parts.append(pl.col("bead").is_in(list(self.beads)))
        if self.layouts:
            parts.append(pl.col("layout").is_in(list(self.layouts)))
        return reduce(lambda a, b: a & b, parts).fill_null(False)


@dataclass(frozen=True)
class DefaultFilter:
    """The ``--min-score`` an export uses when none is given: the quality model's
    threshold (precision >= 0.97 on the dev sets' aligner output), or None with the
    reason it does not apply to this store."""

    min_score: float | None
    reason: str
    stale: bool = False  # the store was scored by another model: worth saying

    def describe(self) -> str:
        if self.min_score is None:
            return f"no default filter: {self.reason}"
        return (f"default filter: quality >= {self.min_score:g} ({self.reason}); "
                "--min-score 0 keeps every pair")


def default_filter(store: Path) -> DefaultFilter:
    """The default filter of ``store``: it applies when the store's quality columns come
    from this version's model (``bitext.quality_signature``), since the threshold is that
    model's."""
    from corpus.quality import (
        SCORERS,
        SIGNATURE_KEY,
        ModelError,
        default_min_score,
        quality_signature,
    )

    schema = scan_pairs(store).collect_schema()
    if "quality" not in schema:
        return DefaultFilter(None, "the store has no quality column (run `bitext score OUT`)")
    signature = read_metadata(store).get(SIGNATURE_KEY, "")
    scorer = next((s for s in SCORERS if signature == quality_signature(s)), None)
    if scorer is None:
        return DefaultFilter(None, "its quality was computed by another model version "
                                   "(`bitext score OUT` recomputes it)", stale=True)
    try:
        threshold = default_min_score(scorer)
    except ModelError as e:
        return DefaultFilter(None, str(e))
    return DefaultFilter(threshold, "precision >= 0.97 on the dev sets, documents held out")


# Why the default filter drops a pair: the first of these its stored columns show.
DROP_REASONS: tuple[tuple[str, pl.Expr], ...] = (
    ("untranslated or copied", (pl.col("copy") >= 0.5) | (pl.col("purity") < 0.7)),
    ("lengths disagree", pl.col("len_ratio").abs() > 0.7),
    ("numbers or names disagree", pl.col("num_agree") < 0.5),
    ("meanings differ (embeddings)", pl.col("similarity") < 0.35),
    ("few words translated", pl.max_horizontal("cov_en", "cov_zh") < 0.2),
)


def drop_reason(schema: pl.Schema) -> pl.Expr:
    """A pair's most evident weakness, from the quality columns the store has."""
    expr: pl.Expr = pl.lit("weak overall")
    for name, test in reversed(DROP_REASONS):
        if all(c in schema for c in test.meta.root_names()):
            expr = pl.when(test.fill_null(False)).then(pl.lit(name)).otherwise(expr)
    return expr


# -- dedupe ------------------------------------------------------------------------------


def match_keys(pairs: pl.DataFrame) -> pl.DataFrame:
    """64-bit hashes of the normalised pair, English and Chinese sides (for matching only).

    Both sides: NFKC (folds full-width forms, ligatures). English: whitespace runs become
    one space, ends stripped, case kept ("US" is not "us"). Chinese: Traditional mapped to
    Simplified, all whitespace removed. The hashes hold within one process only.
    """
    en = pl.col("en").str.normalize("NFKC").str.replace_all(r"\s+", " ").str.strip_chars()
    zh = (
        pl.col("zh")
        .str.normalize("NFKC")
        .str.replace_many(traditional_to_simplified())
        .str.replace_all(r"\s+", "")
    )
    keys = pairs.select(en.alias("en"), zh.alias("zh"))
    return keys.select(
        pl.concat_str("en", "zh", separator="\x00").hash(1).alias("pair"),
        pl.col("en").hash(2),
        pl.col("zh").hash(3),
    )


class HashSet:
    """A set of 64-bit hashes as a few sorted numpy arrays (8 bytes per member).

    Arrays merge like a binary counter, so there are O(log n) of them and each hash is
    copied O(log n) times overall.
    """

    def __init__(self) -> None:
        self._levels: list[np.ndarray] = []

    def contains(self, hashes: np.ndarray) -> np.ndarray:
        found = np.zeros(len(hashes), dtype=bool)
        for level in self._levels:
            at = np.minimum(np.searchsorted(level, hashes), len(level) - 1)
            found |= level[at] == hashes
        return found

    def add(self, hashes: np.ndarray) -> None:
        """Add hashes that are not members yet."""
        if len(hashes) == 0:
            return
        self._levels.append(np.sort(hashes))
        while len(self._levels) > 1 and len(self._levels[-2]) <= 2 * len(self._levels[-1]):
            last = self._levels.pop()
            self._levels[-1] = np.sort(np.concatenate([self._levels[-1], last]))


class Deduper:
    """Keeps the first occurrence of each pair, across batches.

    With ``sides``, a pair is also dropped when its English or its Chinese side (after
    normalisation) is already in the output.
    """

    def __init__(self, sides: bool = False) -> None:
        self.sides = sides
        self._pairs = HashSet()
        self._en = HashSet()
        self._zh = HashSet()

    def keep(self, pairs: pl.DataFrame) -> np.ndarray:
        """A mask of the pairs to keep; records them as seen."""
        keys = match_keys(pairs)
        keep = np.zeros(len(pairs), dtype=bool)
        if not self.sides:
            hashes = keys["pair"].to_numpy()
            _, first = np.unique(hashes, return_index=True)
            keep[first] = True
            keep &= ~self._pairs.contains(hashes)
            self._pairs.add(hashes[keep])
            return keep
        en, zh = keys["en"].to_numpy(), keys["zh"].to_numpy()
        fresh = ~(self._en.contains(en) | self._zh.contains(zh))
        en_seen: set[int] = set()
        zh_seen: set[int] = set()
        ens, zhs = en.tolist(), zh.tolist()
        for i in np.flatnonzero(fresh).tolist():
            if ens[i] not in en_seen and zhs[i] not in zh_seen:
                en_seen.add(ens[i])
                zh_seen.add(zhs[i])
                keep[i] = True
        self._en.add(en[keep])
        self._zh.add(zh[keep])
        return keep


# -- splits ------------------------------------------------------------------------------


def parse_split(spec: str) -> dict[str, float]:
    """``train=0.98,dev=0.01,test=0.01`` → ``{"train": 0.98, ...}`` (fractions sum to 1)."""
    splits: dict[str, float] = {}
    for part in spec.split(","):
        name, eq, fraction = part.partition("=")
        name = name.strip()
        try:
            value = float(fraction) if eq else -1.0
        except ValueError:
            value = -1.0
        if not _SPLIT_NAME.match(name) or not 0 < value <= 1 or name in splits:
            raise ExportError(
                f"bad --split {spec!r}: expected NAME=FRACTION,... with distinct names and "
                "fractions in (0, 1], e.g. train=0.98,dev=0.01,test=0.01"
            )
        splits[name] = value
    total = sum(splits.values())
    if abs(total - 1) > 1e-6:
        raise ExportError(f"bad --split {spec!r}: fractions sum to {total:g}, not 1")
    return splits


def split_of(doc_id: str, seed: int, splits: dict[str, float]) -> str:
    """The split a document falls in: a hash of seed and doc_id, not order of arrival."""
    digest = hashlib.blake2b(f"{seed}\x00{doc_id}".encode(), digest_size=8).digest()
    point = int.from_bytes(digest, "big") / 2**64
    upper = 0.0
    for name, fraction in splits.items():
        upper += fraction
        if point < upper:
            return name
    return next(reversed(splits))  # rounding: fractions summed a hair below 1


def split_path(path: Path, split: str, fmt: str) -> Path:
    """``out.jsonl`` → ``out.train.jsonl``; a Moses prefix ``corpus`` → ``corpus.train``."""
    if fmt == "moses" or not path.suffix:
        return path.with_name(f"{path.name}.{split}")
    return path.with_name(f"{path.stem}.{split}{path.suffix}")


# -- writers -----------------------------------------------------------------------------


@dataclass(frozen=True)
class FormatOptions:
    """Settings of the writers: direction, TSV header, chat prompt."""

    direction: str = "en-zh"
    header: bool = False
    system: str = DEFAULT_SYSTEM
    template: str = DEFAULT_TEMPLATE

    @property
    def src(self) -> str:
        return self.direction.split("-")[0]

    @property
    def tgt(self) -> str:
        return self.direction.split("-")[1]


class AtomicFile:
    """A UTF-8 file written beside its final path and renamed into place on commit."""

    def __init__(self, path: Path) -> None:
        self.path = path
        path.parent.mkdir(parents=True, exist_ok=True)
        self._tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
        # Closed by commit or abort, not a with-block: the file lives across batches.
        self._file: BinaryIO = open(self._tmp, "wb")  # noqa: SIM115

    def write(self, text: str) -> None:
        self._file.write(text.encode())

    def write_lines(self, lines: pl.Series) -> None:
        """Each string of ``lines`` followed by a newline, as it is (no quoting)."""
        lines.to_frame().write_csv(self._file, include_header=False, quote_style="never")

    def commit(self) -> None:
        self._file.flush()
        os.fsync(self._file.fileno())
        self._file.close()
        os.replace(self._tmp, self.path)

    def abort(self) -> None:
        self._file.close()
        self._tmp.unlink(missing_ok=True)


def one_line(expr: pl.Expr) -> pl.Expr:
    """Text with tabs and line breaks replaced by spaces."""
    return expr.str.replace_all(_LINE_BREAKING, " ")


def json_line(fields: pl.Expr) -> pl.Expr:
    """A struct as one line of JSON, non-ASCII kept, every line break escaped."""
    return fields.struct.json_encode().str.replace_many(_JSON_ESCAPES)


def xml_text(expr: pl.Expr) -> pl.Expr:
    """Text safe in XML 1.0 content: illegal characters removed, markup escaped."""
    return expr.str.replace_all(_XML_ILLEGAL, "").str.replace_many(_XML_ESCAPES)


class PairWriter(ABC):
    """One export output (one file, two for Moses) fed batches of pairs.

    Subclasses render a batch to text lines; the base class handles the files.
    """

    def __init__(self, path: Path, options: FormatOptions) -> None:
        self.options = options
        self.files = [AtomicFile(p) for p in self.paths(path)]
        try:
            self.begin()
        except BaseException:
            self.abort()
            raise

    @staticmethod
    def paths(path: Path) -> list[Path]:
        return [path]

    def begin(self) -> None:
        """Write what precedes the pairs (a header)."""

    def end(self) -> None:
        """Write what follows the pairs."""

    @abstractmethod
    def write(self, pairs: pl.DataFrame) -> None:
        """Write a batch of pairs (columns ``en``, ``zh`` and the store's others)."""

    def commit(self) -> None:
        self.end()
        for f in self.files:
            f.commit()

    def abort(self) -> None:
        for f in self.files:
            f.abort()


class TsvWriter(PairWriter):
    """``source<TAB>target`` lines, no quoting; tabs and line breaks in text become spaces."""

    def begin(self) -> None:
        if self.options.header:
            self.files[0].write(f"{self.options.src}\t{self.options.tgt}\n")

    def write(self, pairs: pl.DataFrame) -> None:
        src, tgt = one_line(pl.col(self.options.src)), one_line(pl.col(self.options.tgt))
        self.files[0].write_lines(pairs.select(pl.concat_str(src, tgt, separator="\t")).to_series())


class HfWriter(PairWriter):
    """JSON Lines ``{"translation": {"en": ..., "zh": ...}}`` (Hugging Face translation)."""

    def write(self, pairs: pl.DataFrame) -> None:
        o = self.options
        row = json_line(pl.struct(pl.struct(o.src, o.tgt).alias("translation")))
        self.files[0].write_lines(pairs.select(row).to_series())


class ChatWriter(PairWriter):
    """JSON Lines ``{"messages": [system, user, assistant]}`` for chat fine-tuning.

    The user turn is the template with ``{source}``, ``{src_lang}`` and ``{tgt_lang}``
    filled in; an empty system prompt leaves the system turn out.
    """

    def begin(self) -> None:
        o = self.options
        if "{source}" not in o.template:
            raise ExportError("--template must contain {source}")
        template = o.template.replace("{src_lang}", LANGUAGE_NAMES[o.src]).replace(
            "{tgt_lang}", LANGUAGE_NAMES[o.tgt]
        )
        before, *after = template.split("{source}")
        user: list[pl.Expr] = [pl.lit(before)]
        for text in after:
            user += [pl.col(o.src), pl.lit(text)]
        turns = [
            pl.struct(role=pl.lit("user"), content=pl.concat_str(user)),
            pl.struct(role=pl.lit("assistant"), content=pl.col(o.tgt)),
        ]
        if o.system:
            turns.insert(0, pl.struct(role=pl.lit("system"), content=pl.lit(o.system)))
        self._row = json_line(pl.struct(pl.concat_list(turns).alias("messages")))

    def write(self, pairs: pl.DataFrame) -> None:
        self.files[0].write_lines(pairs.select(self._row).to_series())


class MosesWriter(PairWriter):
    """Two line-aligned files, ``PREFIX.en`` and ``PREFIX.zh``; line breaks become spaces."""

    @staticmethod
    def paths(path: Path) -> list[Path]:
        return [path.with_name(f"{path.name}.en"), path.with_name(f"{path.name}.zh")]

    def write(self, pairs: pl.DataFrame) -> None:
        for f, lang in zip(self.files, ("en", "zh"), strict=True):
            f.write_lines(pairs.select(one_line(pl.col(lang))).to_series())


class TmxWriter(PairWriter):
    """TMX 1.4b, streamed: one ``<tu>`` per pair with provenance and scores as props."""

    def begin(self) -> None:
        created = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
        self.files[0].write(
            '<?xml version="1.0" encoding="UTF-8"?>\n'
            '<!DOCTYPE tmx SYSTEM "tmx14.dtd">\n'
            '<tmx version="1.4">\n'
            f'  <header creationtool="bitext" creationtoolversion="{__version__}" '
            'segtype="sentence" o-tmf="bitext" adminlang="en" '
            f'srclang="{self.options.src}" datatype="plaintext" creationdate="{created}"/>\n'
            "  <body>\n"
        )

    def end(self) -> None:
        self.files[0].write("  </body>\n</tmx>\n")

    def write(self, pairs: pl.DataFrame) -> None:
        parts: list[pl.Expr] = [pl.lit("    <tu")]
        if "pair_id" in pairs.columns:
            parts.append(_optional(' tuid="', pl.col("pair_id"), '"'))
        parts.append(pl.lit(">\n"))
        for name in TMX_PROPS:
            if name in pairs.columns:
                parts.append(_optional(f'      <prop type="x-{name}">', pl.col(name), "</prop>\n"))
        for lang in (self.options.src, self.options.tgt):
            parts += [
                pl.lit(f'      <tuv xml:lang="{lang}"><seg>'),
                xml_text(pl.col(lang)),
                pl.lit("</seg></tuv>\n"),
            ]
        parts.append(pl.lit("    </tu>"))
        self.files[0].write_lines(pairs.select(pl.concat_str(parts)).to_series())


def _optional(before: str, value: pl.Expr, after: str) -> pl.Expr:
    """``before + escaped value + after``, or nothing when the value is null."""
    text = xml_text(value.cast(pl.String))
    return (
        pl.when(value.is_not_null())
        .then(pl.concat_str(pl.lit(before), text, pl.lit(after)))
        .otherwise(pl.lit(""))
    )


WRITERS: dict[str, type[PairWriter]] = {
    "tsv": TsvWriter,
    "hf": HfWriter,
    "chat": ChatWriter,
    "moses": MosesWriter,
    "tmx": TmxWriter,
}


# -- the export --------------------------------------------------------------------------


@dataclass
class ExportReport:
    """What an export read, dropped and wrote."""

    read: int = 0
    rejected: int = 0  # left out by a reviewer's decision
    edited: int = 0  # written as a reviewer edited them
    accepted: int = 0  # written with a reviewer's accept
    ignored: int = 0  # decisions in the store, not applied (ignore_decisions)
    filtered: int = 0
    duplicates: int = 0
    written: int = 0
    splits: dict[str, int] = field(default_factory=dict)
    paths: dict[str, list[Path]] = field(default_factory=dict)

    def summary(self) -> str:
        """One line: read, filtered out, duplicates dropped, written (and where)."""
        where = " → " + " + ".join(map(str, self.paths[""])) if "" in self.paths else ""
        review = ""
        if self.rejected or self.edited or self.accepted:
            review = (f"review: rejected {self.rejected:,}, edited {self.edited:,}, "
                      f"accepted {self.accepted:,}; ")
        elif self.ignored:
            review = f"review: {self.ignored:,} decisions ignored; "
        return (
            f"read {self.read:,} pairs; {review}filtered out {self.filtered:,}; "
            f"duplicates dropped {self.duplicates:,}; wrote {self.written:,}{where}"
        )


def export_pairs(
    store: Path,
    fmt: str,
    path: Path,
    *,
    selection: Selection = Selection(),
    options: FormatOptions = FormatOptions(),
    dedupe: bool = False,
    dedupe_sides: bool = False,
    splits: dict[str, float] | None = None,
    seed: int = 0,
    ignore_decisions: bool = False,
    progress: Callable[[int], None] | None = None,
) -> ExportReport:
    """Export the selected pairs of ``store`` to ``path`` in ``fmt``; see the module doc.

    :param dedupe_sides: also drop pairs whose English or Chinese side was already written
        (implies ``dedupe``).
    :param splits: split name → fraction of documents; one output per split.
    :param ignore_decisions: export as aligned, whatever the review decided.
    :param progress: called with the number of pairs read after each batch.
    """
    if fmt not in WRITERS:
        raise ExportError(f"unknown format {fmt!r}; choose one of {', '.join(FORMATS)}")
    if options.direction not in DIRECTIONS:
        raise ExportError(f"unknown direction {options.direction!r}; use en-zh or zh-en")
    scan = scan_pairs(store)
    schema = scan.collect_schema()
    missing = {"en", "zh"} - set(schema)
    if missing:
        raise ExportError(f"{store}: pairs have no {' or '.join(sorted(missing))} column")
    decisions = read_decisions(store).select("pair_id", _VERDICT, _EDIT_EN, _EDIT_ZH)
    report = ExportReport()
    if ignore_decisions or "pair_id" not in schema:
        report.ignored, decisions = decisions.height, decisions.clear()
    reviewed = None
    if not decisions.is_empty():
        reviewed = pl.col("__verdict").is_in(["accept", "edit"]).fill_null(False)
    keep = selection.predicate(schema, reviewed)
    wanted = {"en", "zh"} | selection.columns()
    if reviewed is not None:
        wanted.add("pair_id")
    if splits:
        wanted.add("doc_id")
    if fmt == "tmx":
        wanted |= {"pair_id", *TMX_PROPS}
    columns = [c for c in schema if c in wanted]
    deduper = Deduper(sides=dedupe_sides) if dedupe or dedupe_sides else None

    names = list(splits) if splits else [""]
    outputs = {n: split_path(path, n, fmt) if n else path for n in names}
    writers: dict[str, PairWriter] = {}
    report.splits = {n: 0 for n in names}
    try:
        for n in names:
            writers[n] = WRITERS[fmt](outputs[n], options)
        doc_splits: dict[str, str] = {}
        batches = scan.select(columns).collect_batches(chunk_size=BATCH_ROWS)
        for batch in batches:
            report.read += len(batch)
            if reviewed is not None:
                batch = _apply_decisions(batch, decisions, report)
            selected = batch.filter(keep)
            report.filtered += len(batch) - len(selected)
            if reviewed is not None:
                report.edited += int((selected["__verdict"] == "edit").sum())
                report.accepted += int((selected["__verdict"] == "accept").sum())
                selected = selected.drop("__verdict")
            if deduper is not None:
                unique = selected.filter(pl.Series(deduper.keep(selected)))
                report.duplicates += len(selected) - len(unique)
                selected = unique
            if splits:
                for doc_id in selected["doc_id"].fill_null("").unique().to_list():
                    if doc_id not in doc_splits:
                        doc_splits[doc_id] = split_of(doc_id, seed, splits)
                split = (
                    pl.col("doc_id")
                    .fill_null("")
                    .replace_strict(doc_splits, return_dtype=pl.String)
                )
                for (name,), part in (
                    selected.with_columns(split.alias("__split"))
                    .partition_by("__split", as_dict=True, include_key=False)
                    .items()
                ):
                    writers[str(name)].write(part)
                    report.splits[str(name)] += len(part)
            else:
                writers[""].write(selected)
                report.splits[""] += len(selected)
            report.written += len(selected)
            if progress is not None:
                progress(len(batch))
        for writer in writers.values():
            writer.commit()
    except BaseException:
        for writer in writers.values():
            writer.abort()
        raise
    report.paths = {n: writers[n].paths(outputs[n]) for n in names}
    return report


_VERDICT = pl.col("verdict").alias("__verdict")
_EDIT_EN = pl.col("en").alias("__en")
_EDIT_ZH = pl.col("zh").alias("__zh")


def _apply_decisions(
    batch: pl.DataFrame, decisions: pl.DataFrame, report: ExportReport
) -> pl.DataFrame:
    """The batch less its rejected pairs, edits in place, and a ``__verdict`` column."""
    joined = batch.join(decisions, on="pair_id", how="left", maintain_order="left")
    rejected = pl.col("__verdict") == "reject"
    report.rejected += int(joined.select(rejected.sum()).item())
    edit = pl.col("__verdict") == "edit"
    return joined.filter(~rejected.fill_null(False)).with_columns(
        pl.when(edit).then(pl.col("__en")).otherwise(pl.col("en")).alias("en"),
        pl.when(edit).then(pl.col("__zh")).otherwise(pl.col("zh")).alias("zh"),
    ).drop("__en", "__zh")


def count_pairs(store: Path) -> int:
    """Number of pairs in a store (from the Parquet metadata)."""
    return int(scan_pairs(store).select(pl.len()).collect().item())
