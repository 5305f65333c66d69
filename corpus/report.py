"""The review page: one self-contained HTML file to read a pair store side by side.

``write_report`` streams the store into a single page that needs no server and no
network: the summary and its charts are static HTML and inline SVG; the pairs and the
documents travel in a JSON data island that a small inline script filters (quality
threshold, bead type, layout, text search), paginates and renders with ``textContent``,
so article text is never parsed as markup. In the island ``<``, ``>`` and ``&`` are
written as ``\\u003c`` etc., so a ``</script>`` inside a sentence cannot end it; a
Content-Security-Policy allows only the page's own script (by hash), no loads at all.

Pairs are read with polars in batches (lazy scan, sorted by document and sentence) and
written out batch by batch; the file is written beside its destination and renamed into
place.

The page is also where a person reviews the pairs: keyboard first, each pair can be
rejected, accepted or edited; the decisions live in the browser's storage (keyed by the
store's path) and download as ``decisions.jsonl`` for ``bitext decide``. The store's own
decisions travel in the island, so the page shows what was decided before.
"""

from __future__ import annotations

import base64
import functools
import hashlib
import html
import json
import math
import os
import secrets
import time
from collections.abc import Callable
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

import polars as pl

from corpus.stats import BINS, StoreStats, compute_stats
from corpus.store import (
    read_decisions,
    read_metadata,
    replace_atomically,
    scan_documents,
    scan_pairs,
)

PAGE_SIZE = 200  # beads on one page of the review
BATCH_ROWS = 5_000  # pairs turned into JSON at a time
COVERAGE_ROWS = 40  # up to this many documents the coverage chart has a bar per document
SCORE_DIGITS = 3

# Quality bands, as the page colours them: below LOW red, below HIGH amber, else green.
LOW, HIGH = 0.5, 0.8

# The fields of one pair in the data island, in order.
PAIR_FIELDS = (
    "doc",  # index into the island's documents
    "bead",
    "en",
    "zh",
    "quality",
    "align_score",
    "len_ratio",
    "cov_en",
    "cov_zh",
    "num_agree",
    "purity",
    "copy",
    "sent_en",
    "sent_zh",
    "para_en",
    "para_zh",
    "line_en",
    "line_zh",
    "pair_id",
)
_SCORES = PAIR_FIELDS[4:12]
_INDICES = PAIR_FIELDS[12:16]
_LINES = PAIR_FIELDS[16:18]

# Characters written as \uXXXX in the data island: markup can neither end the island
# nor open a comment in it; U+2028/9 keep the text valid as JavaScript too. (Chained
# str.replace: on 36 MB of JSON it takes 0.1 s where str.translate took 3 s.)
_SCRIPT_SAFE = (
    ("&", "\\u0026"),
    ("<", "\\u003c"),
    (">", "\\u003e"),
    ("\u2028", "\\u2028"),
    ("\u2029", "\\u2029"),
)


@dataclass
class ReportSummary:
    """What ``write_report`` wrote."""

    path: Path
    pairs: int
    documents: int
    bytes: int
    seconds: float


def script_safe_json(value: Any) -> str:
    """Compact JSON that can sit inside ``<script type="application/json">``."""
    text = json.dumps(value, ensure_ascii=False, separators=(",", ":"))
    for char, escaped in _SCRIPT_SAFE:
        text = text.replace(char, escaped)
    return text


def write_report(
    store: Path,
    output: Path,
    *,
    page_size: int = PAGE_SIZE,
    title: str | None = None,
    progress: Callable[[int], None] | None = None,
) -> ReportSummary:
    """Write the review page of the pair store ``store`` to ``output`` (atomically).

    :param progress: called with the number of pairs written after each batch.
    """
    start = time.perf_counter()
    store, output = Path(store), Path(output)
    stats = compute_stats(store)
    pairs = scan_pairs(store)
    documents = _documents(store, pairs)
    output.parent.mkdir(parents=True, exist_ok=True)
    # Beside the destination, so the rename is atomic; "x" mode: the umask's permissions.
    tmp = output.parent / f".{output.name}.{os.getpid()}.{secrets.token_hex(4)}.tmp"
    try:
        with open(tmp, "x", encoding="utf-8", newline="\n") as fh:
            fh.write(_page_head(store, stats, documents, title or f"bitext review: {store.name}"))
            meta = {
                "score": stats.score_column,
                "page_size": page_size,
                "low": LOW,
                "high": HIGH,
                "fields": PAIR_FIELDS,
                "beads": list(stats.beads),
                "layouts": sorted({*stats.layouts, *documents["layout"].drop_nulls()}),
                "docs": _documents_json(documents),
                "store_key": str(store.resolve()),
                "decisions": _decisions_json(store),
            }
            fh.write(script_safe_json(meta)[:-1] + ',"pairs":[')
            first = True
            for batch in _pair_rows(pairs, documents, stats.score_column).collect_batches(
                chunk_size=BATCH_ROWS
            ):
                if not batch.height:
                    continue
                rows = script_safe_json(batch.rows())[1:-1]
                fh.write(rows if first else "," + rows)
                first = False
                if progress:
                    progress(batch.height)
            fh.write("]}")
            fh.write(_page_tail())
        replace_atomically(tmp, output)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return ReportSummary(
        path=output,
        pairs=stats.pairs,
        documents=documents.height,
        bytes=output.stat().st_size,
        seconds=time.perf_counter() - start,
    )


def _documents(store: Path, pairs: pl.LazyFrame) -> pl.DataFrame:
    """One row per document of the store (or of its pairs), sorted by ``doc_id``.

    Its row number is the document's index in the data island. ``pairs`` counts the
    document's rows in ``pairs.parquet``; documents known only from their pairs get
    their layout from them.
    """
    docs = scan_documents(store)
    per_doc = pairs.group_by("doc_id").agg(
        pl.col("layout").first().alias("pair_layout"), pl.len().alias("pairs")
    )
    return (
        pl.concat([docs.select("doc_id"), per_doc.select("doc_id")])
        .unique()
        .join(docs, on="doc_id", how="left")
        .join(per_doc, on="doc_id", how="left")
        .with_columns(
            pl.coalesce("layout", "pair_layout").alias("layout"),
            pl.col("pairs").fill_null(0),
            pl.col("source").list.join(" + "),
        )
        .sort("doc_id")
        .collect(engine="streaming")
    )


def _documents_json(documents: pl.DataFrame) -> list[dict[str, Any]]:
    """The island's documents; keys as the page's script reads them."""
    return documents.select(
        pl.col("doc_id").alias("id"),
        "source",
        "layout",
        "status",
        "reason",
        pl.col("n_sent_en").alias("sent_en"),
        pl.col("n_sent_en_aligned").alias("aligned_en"),
        pl.col("n_sent_zh").alias("sent_zh"),
        pl.col("n_sent_zh_aligned").alias("aligned_zh"),
        "pairs",
        pl.col("unaligned_en").fill_null([]),
        pl.col("unaligned_zh").fill_null([]),
    ).to_dicts()


def _decisions_json(store: Path) -> dict[str, list[str | None]]:
    """The store's decisions for the page: pair_id -> [verdict, en, zh, ISO time]."""
    decisions = read_decisions(store).select(
        "pair_id", "verdict", "en", "zh", pl.col("at").dt.strftime("%Y-%m-%dT%H:%M:%S%.3fZ")
    )
    return {pid: [v, en, zh, at] for pid, v, en, zh, at in decisions.iter_rows()}


def _pair_rows(pairs: pl.LazyFrame, documents: pl.DataFrame, score: str) -> pl.LazyFrame:
    """The pairs as island rows (``PAIR_FIELDS``), by document then sentence.

    ``quality`` holds the store's score column (``align_score`` in a store without
    pair-quality columns), so the page filters and colours by it.
    """
    columns = pairs.collect_schema()
    doc_index = documents.lazy().select("doc_id").with_row_index("doc")

    def number(name: str) -> pl.Expr:
        if name not in columns:
            return pl.lit(None, pl.Float64).alias(name)
        value = pl.col(name).cast(pl.Float64)
        return value.fill_nan(None).round(SCORE_DIGITS).alias(name)

    return (
        pairs.join(doc_index, on="doc_id", how="left")
        .sort(
            "doc",
            pl.col("sent_en").list.first(),
            pl.col("sent_zh").list.first(),
            nulls_last=True,
            maintain_order=True,
        )
        .select(
            pl.col("doc").cast(pl.Int64),
            "bead",
            "en",
            "zh",
            number(score).alias("quality"),
            *(number(c) for c in _SCORES[1:]),
            *(pl.col(c) for c in _INDICES),
            *(pl.col(c) for c in _LINES),
            "pair_id",
        )
    )


# -- the static part of the page ------------------------------------------------------


def _e(value: object) -> str:
    return html.escape(str(value), quote=True)


def _id(name: str) -> str:
    return f' id="{name}"' if name else ""


def _pct(part: int | None, whole: int | None) -> str:
    return f"{(part or 0) / whole:.1%}" if whole else "–"


def _page_head(store: Path, s: StoreStats, documents: pl.DataFrame, title: str) -> str:
    metadata = read_metadata(store)
    version = metadata.get("bitext.version", "?")
    signature = metadata.get("bitext.signature", "")
    statuses = ", ".join(f"{_e(k)} {n:,}" for k, n in s.statuses.items())
    csp = (
        "default-src 'none'; style-src 'unsafe-inline'; img-src data:; "
        f"script-src '{_script_hash()}'"
    )
    cards = [
        ("documents", f"{s.documents:,}", statuses, "n-docs"),
        (
            "pairs",
            f"{s.pairs:,}",
            f"{len(s.beads)} bead types, {len(s.layouts)} layouts",
            "n-pairs",
        ),
    ]
    for lang, name in (("en", "English"), ("zh", "Chinese")):
        total, aligned = s.sentences[lang]["total"], s.sentences[lang]["aligned"]
        cards.append(
            (f"{name} sentences aligned", _pct(aligned, total), f"{aligned:,} of {total:,}", "")
        )
    card_html = "".join(
        f'<div class="card"><div class="k">{_e(k)}</div>'
        f'<div class="v"{_id(i)}>{v}</div><div class="s">{sub}</div></div>'
        for k, v, sub, i in cards
    )
    return f"""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="{csp}">
<meta name="referrer" content="no-referrer">
<title>{_e(title)}</title>
<style>{_asset("review.css")}</style>
</head>
<body>
<header>
<h1>{_e(title)}</h1>
<div class="store">{_e(store)} · bitext {_e(version)}</div>
</header>
<section class="summary">
<div class="cards">{card_html}</div>
<div class="charts">
<figure><figcaption>{_e(s.score_column)}: pairs per bin</figcaption>{_quality_svg(s)}</figure>
<figure><figcaption>Share of sentences aligned per document</figcaption>
<div class="coverage-wrap">{_coverage_svg(documents)}</div></figure>
<div class="tables">{_count_table("layout", s.layouts)}{_count_table("bead", s.beads)}</div>
</div>
</section>
<nav class="filters" id="filters">
<label>{_e(s.score_column)} <select id="f-dir"><option value="ge">≥</option><option value="lt">&lt;</option></select>
<input type="range" id="f-min" min="0" max="1" step="0.01" value="0"> <output id="f-min-v">0.00</output></label>
<label>bead <select id="f-bead"><option value="">all</option></select></label>
<label>layout <select id="f-layout"><option value="">all</option></select></label>
<label class="grow"><input type="search" id="f-text" placeholder="search English, Chinese or document…"></label>
<span class="legend"><i class="q-low"></i>&lt; {LOW} <i class="q-mid"></i>&lt; {HIGH} <i class="q-high"></i>≥ {HIGH}</span>
<div class="pager" id="pager-top"></div>
<label><input type="checkbox" id="f-undecided"> undecided only</label>
<label><input type="checkbox" id="f-low"> low quality first</label>
<div class="status"><span id="shown">…</span> of <span id="total">{s.pairs:,}</span> pairs match
<button type="button" id="expand">expand all</button><button type="button" id="collapse">collapse all</button></div>
<div class="review"><span class="counter" id="decided">no decisions yet</span>
<button type="button" id="download">download decisions.jsonl</button>
<span class="keys" id="keys">{_KEYS}</span><span class="warn" id="storage-warn"></span></div>
</nav>
<main id="pairs"><noscript>The pairs need JavaScript to show; the summary above does not.</noscript></main>
<div class="pager" id="pager-bottom"></div>
<section class="nopairs"><h2>Documents without pairs <span id="nopairs-n"></span></h2><div id="nopairs"></div></section>
<footer>settings signature: <code>{_e(signature)}</code></footer>
<script type="application/json" id="data">"""


# The review's keys, as the page shows them (review.js binds them).
_KEYS = " · ".join(
    f"{' / '.join(f'<kbd>{k}</kbd>' for k in keys)} {what}"
    for keys, what in (
        (("j", "↓"), "next pair"),
        (("k", "↑"), "previous"),
        (("a",), "accept"),
        (("r",), "reject"),
        (("e",), "edit (<kbd>Enter</kbd> saves, <kbd>Esc</kbd> cancels)"),
        (("u",), "undo"),
        (("n", "p"), "next / previous page"),
        (("d",), "download"),
    )
)


def _page_tail() -> str:
    return f"</script>\n<script>{_asset('review.js')}</script>\n</body>\n</html>\n"


def _script_hash() -> str:
    digest = hashlib.sha256(_asset("review.js").encode("utf-8")).digest()
    return "sha256-" + base64.b64encode(digest).decode("ascii")


def _band(x: float) -> str:
    return "q-low" if x < LOW else "q-mid" if x < HIGH else "q-high"


def _quality_svg(s: StoreStats) -> str:
    """Pairs per score bin, one bar each, coloured by the band the bin falls in."""
    width, height, pad, base = 360, 150, 4, 120
    bar = (width - 2 * pad) / BINS
    peak = max(s.histogram) or 1
    parts = []
    for i, n in enumerate(s.histogram):
        h = round((base - 16) * n / peak, 1)
        x = round(pad + i * bar, 1)
        label = f"{i / BINS:.1f}–{(i + 1) / BINS:.1f}"
        parts.append(
            f"<g><title>{label}: {n:,} pairs</title>"
            f'<rect class="{_band(i / BINS)}" x="{x + 2}" y="{base - h}" '
            f'width="{bar - 4:.1f}" height="{h}"/>'
            f'<text x="{x + bar / 2:.1f}" y="{base - h - 3}" class="n">{n:,}</text>'
            f'<text x="{x + bar / 2:.1f}" y="{base + 13}">{i / BINS:.1f}</text></g>'
        )
    missing = f"; {s.score_missing:,} pairs without a score" if s.score_missing else ""
    return (
        f'<svg class="chart" viewBox="0 0 {width} {height}" width="{width}" height="{height}" '
        f'role="img" aria-label="pairs per {_e(s.score_column)} bin{missing}">'
        f'<line x1="{pad}" x2="{width - pad}" y1="{base}" y2="{base}" class="axis"/>'
        + "".join(parts)
        + f'<text x="{width / 2}" y="{height - 2}">{_e(s.score_column)}{missing}</text></svg>'
    )


def _coverage_svg(documents: pl.DataFrame) -> str:
    """Per document (or, for many documents, a histogram): share of sentences aligned."""
    docs = documents.filter(
        (pl.col("n_sent_en").fill_null(0) + pl.col("n_sent_zh").fill_null(0)) > 0
    ).select(
        "doc_id",
        (pl.col("n_sent_en_aligned") / pl.col("n_sent_en")).alias("en"),
        (pl.col("n_sent_zh_aligned") / pl.col("n_sent_zh")).alias("zh"),
    )
    if docs.is_empty():
        return '<p class="empty">no document has sentences</p>'
    if docs.height <= COVERAGE_ROWS:
        return _coverage_rows(docs)
    return _coverage_histogram(docs)


def _coverage_rows(docs: pl.DataFrame) -> str:
    label_w, bar_w, row_h = 190, 180, 22
    height = docs.height * row_h + 22
    width = label_w + bar_w + 84
    parts = []
    for r, (doc_id, en, zh) in enumerate(docs.iter_rows()):
        y = 18 + r * row_h
        short = doc_id if len(doc_id) <= 28 else doc_id[:27] + "…"
        parts.append(f"<g><title>{_e(doc_id)}: English {_share(en)}, Chinese {_share(zh)}</title>")
        parts.append(f'<text x="{label_w - 6}" y="{y + 12}" class="lbl">{_e(short)}</text>')
        for k, (lang, v) in enumerate((("en", en), ("zh", zh))):
            w = 0 if v is None or math.isnan(v) else round(bar_w * v, 1)
            parts.append(
                f'<rect class="bg" x="{label_w}" y="{y + k * 9}" width="{bar_w}" height="8"/>'
                f'<rect class="{lang}" x="{label_w}" y="{y + k * 9}" width="{w}" height="8"/>'
            )
        parts.append(
            f'<text x="{label_w + bar_w + 6}" y="{y + 12}" class="pct">'
            f"{_share(en)} / {_share(zh)}</text></g>"
        )
    legend = (
        f'<rect class="en" x="{label_w}" y="2" width="10" height="8"/>'
        f'<text x="{label_w + 14}" y="10" class="key">English</text>'
        f'<rect class="zh" x="{label_w + 70}" y="2" width="10" height="8"/>'
        f'<text x="{label_w + 84}" y="10" class="key">Chinese</text>'
    )
    return (
        f'<svg class="chart coverage" viewBox="0 0 {width} {height}" width="{width}" '
        f'height="{height}" role="img" aria-label="share of sentences aligned per document">'
        + legend
        + "".join(parts)
        + "</svg>"
    )


def _coverage_histogram(docs: pl.DataFrame) -> str:
    width, height, pad, base = 360, 150, 4, 120
    counts = {}
    for lang in ("en", "zh"):
        binned = (
            docs.select((pl.col(lang).fill_nan(None) * BINS).floor().clip(0, BINS - 1).alias("b"))
            .drop_nulls()
            .group_by("b")
            .len()
        )
        counts[lang] = dict(binned.iter_rows())
    peak = max([n for c in counts.values() for n in c.values()] or [1])
    bar = (width - 2 * pad) / BINS
    parts = []
    for i in range(BINS):
        x = pad + i * bar
        for k, lang in enumerate(("en", "zh")):
            n = counts[lang].get(i, 0)
            h = round((base - 16) * n / peak, 1)
            parts.append(
                f'<rect class="{lang}" x="{x + 2 + k * (bar - 4) / 2:.1f}" y="{base - h}" '
                f'width="{(bar - 4) / 2:.1f}" height="{h}"><title>{lang} {i / BINS:.1f}–'
                f"{(i + 1) / BINS:.1f}: {n:,} documents</title></rect>"
            )
        parts.append(f'<text x="{x + bar / 2:.1f}" y="{base + 13}">{i / BINS:.1f}</text>')
    return (
        f'<svg class="chart" viewBox="0 0 {width} {height}" width="{width}" height="{height}" '
        f'role="img" aria-label="documents per share of sentences aligned">'
        f'<line x1="{pad}" x2="{width - pad}" y1="{base}" y2="{base}" class="axis"/>'
        + "".join(parts)
        + f'<text x="{width / 2}" y="{height - 2}">documents by share aligned '
        f'(<tspan class="en-t">English</tspan>, <tspan class="zh-t">Chinese</tspan>)</text></svg>'
    )


def _share(v: float | None) -> str:
    return "–" if v is None or math.isnan(v) else f"{v:.0%}"


def _count_table(title: str, counts: dict[str, int]) -> str:
    total = sum(counts.values()) or 1
    rows = "".join(
        f"<tr><td>{_e(k)}</td><td>{n:,}</td>"
        f'<td><span class="bar" style="width:{60 * n / total:.0f}px"></span></td></tr>'
        for k, n in counts.items()
    )
    return f"<table><tr><th>{_e(title)}</th><th>pairs</th><th></th></tr>{rows}</table>"


# The page's style and script are package data (corpus/report_page/), read once and
# inlined, so the page stays one file. The script reads the data island, never writes
# article text as markup (textContent only), and keeps at most one page of beads in the
# DOM.
_PAGE_DATA = resources.files("corpus") / "report_page"


@functools.cache
def _asset(name: str) -> str:
    return (_PAGE_DATA / name).read_text(encoding="utf-8")
