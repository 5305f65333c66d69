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
"""

from __future__ import annotations

import base64
import hashlib
import html
import json
import math
import os
import secrets
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import polars as pl

from corpus.stats import BINS, StoreStats, compute_stats
from corpus.store import read_metadata, replace_atomically, scan_documents, scan_pairs

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
<style>{_CSS}</style>
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
<div class="status"><span id="shown">…</span> of <span id="total">{s.pairs:,}</span> pairs match
<button type="button" id="expand">expand all</button><button type="button" id="collapse">collapse all</button></div>
</nav>
<main id="pairs"><noscript>The pairs need JavaScript to show; the summary above does not.</noscript></main>
<div class="pager" id="pager-bottom"></div>
<section class="nopairs"><h2>Documents without pairs <span id="nopairs-n"></span></h2><div id="nopairs"></div></section>
<footer>settings signature: <code>{_e(signature)}</code></footer>
<script type="application/json" id="data">"""


def _page_tail() -> str:
    return f"</script>\n<script>{_JS}</script>\n</body>\n</html>\n"


def _script_hash() -> str:
    digest = hashlib.sha256(_JS.encode("utf-8")).digest()
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


_CSS = """
:root { --low: #d64545; --mid: #e0a021; --high: #2f9e55; --none: #999;
  --low-bg: #fdeeee; --mid-bg: #fdf6e6; --high-bg: #f1faf3; --line: #e3e3e8;
  --en: #3b6fd6; --zh: #d9772b; --ink: #1d1d24; --muted: #6a6a75; }
* { box-sizing: border-box; }
body { margin: 0; font: 14px/1.45 system-ui, -apple-system, "Segoe UI", "Noto Sans",
  "Noto Sans CJK SC", "PingFang SC", "Microsoft YaHei", sans-serif; color: var(--ink);
  background: #f6f6f8; }
header { padding: 14px 20px 4px; }
h1 { font-size: 20px; margin: 0; }
h2 { font-size: 16px; margin: 20px 0 8px; }
.store { color: var(--muted); font-size: 12px; }
.summary { padding: 6px 20px; }
.cards { display: flex; gap: 10px; flex-wrap: wrap; }
.card { background: #fff; border: 1px solid var(--line); border-radius: 8px;
  padding: 8px 14px; min-width: 150px; }
.card .k { color: var(--muted); font-size: 12px; }
.card .v { font-size: 22px; font-weight: 600; }
.card .s { color: var(--muted); font-size: 12px; }
.charts { display: flex; gap: 14px; flex-wrap: wrap; margin-top: 10px; align-items: flex-start; }
figure { margin: 0; background: #fff; border: 1px solid var(--line); border-radius: 8px;
  padding: 8px 10px; }
figcaption { font-size: 12px; color: var(--muted); margin-bottom: 4px; }
.coverage-wrap { max-height: 260px; overflow: auto; }
svg.chart text { font-size: 10px; text-anchor: middle; fill: var(--muted); }
svg.chart text.n { fill: var(--ink); }
svg.chart text.lbl { text-anchor: end; fill: var(--ink); }
svg.chart text.pct, svg.chart text.key { text-anchor: start; }
svg .axis { stroke: #bbb; }
svg .q-low { fill: var(--low); } svg .q-mid { fill: var(--mid); } svg .q-high { fill: var(--high); }
svg .en { fill: var(--en); } svg .zh { fill: var(--zh); } svg .bg { fill: #eef0f4; }
svg .en-t { fill: var(--en); } svg .zh-t { fill: var(--zh); }
.tables { display: flex; flex-direction: column; gap: 10px; }
table { background: #fff; border: 1px solid var(--line); border-radius: 8px;
  border-collapse: separate; border-spacing: 0; font-size: 12px; }
th, td { padding: 2px 8px; text-align: left; }
td:nth-child(2) { text-align: right; font-variant-numeric: tabular-nums; }
.bar { display: inline-block; height: 8px; background: #9aa6bd; border-radius: 2px; }
.filters { position: sticky; top: 0; z-index: 2; display: flex; flex-wrap: wrap; gap: 6px 16px;
  align-items: center; padding: 8px 20px; background: #fff; border-bottom: 1px solid var(--line);
  border-top: 1px solid var(--line); margin-top: 12px; }
.filters label { display: flex; gap: 6px; align-items: center; }
.filters .grow { flex: 1 1 220px; } .filters .grow input { width: 100%; }
.legend i { display: inline-block; width: 10px; height: 10px; border-radius: 2px;
  margin: 0 3px 0 8px; vertical-align: -1px; }
.legend .q-low, .q-low > .score b { background: var(--low); }
.legend .q-mid, .q-mid > .score b { background: var(--mid); }
.legend .q-high, .q-high > .score b { background: var(--high); }
.q-none > .score b { background: var(--none); }
.status { color: var(--muted); } .status span { color: var(--ink); font-weight: 600; }
button { font: inherit; font-size: 12px; margin-left: 6px; padding: 1px 8px; cursor: pointer; }
.pager { display: flex; gap: 4px; align-items: center; }
.pager:empty { display: none; }
#pager-bottom { padding: 8px 20px; }
main { padding: 8px 20px; }
details.doc { background: #fff; border: 1px solid var(--line); border-radius: 8px;
  margin: 10px 0; }
details.doc > summary { padding: 8px 12px; cursor: pointer; display: flex; gap: 12px;
  flex-wrap: wrap; align-items: baseline; border-bottom: 1px solid var(--line); }
details.doc:not([open]) > summary { border-bottom: 0; }
summary .id { font-weight: 600; }
summary .meta, .bead .meta { color: var(--muted); font-size: 12px; }
.bead { display: grid; grid-template-columns: 84px 1fr 1fr 190px; gap: 12px;
  padding: 6px 12px; border-left: 5px solid var(--none); border-bottom: 1px solid #f0f0f3; }
.bead.q-low { border-left-color: var(--low); background: var(--low-bg); }
.bead.q-mid { border-left-color: var(--mid); background: var(--mid-bg); }
.bead.q-high { border-left-color: var(--high); background: var(--high-bg); }
.bead .t { white-space: pre-wrap; overflow-wrap: anywhere; }
.bead .type { font-weight: 600; font-family: ui-monospace, monospace; }
.score b { display: inline-block; color: #fff; border-radius: 4px; padding: 0 6px;
  font-variant-numeric: tabular-nums; }
.score .meta { display: block; line-height: 1.35; margin-top: 2px; }
.unaligned { margin: 0; padding: 8px 12px 10px; background: #fafafa; border-top: 1px dashed #ccc; }
.unaligned h3 { font-size: 12px; margin: 0 0 4px; color: var(--muted); font-weight: 600; }
.unaligned .cols { display: grid; grid-template-columns: 1fr 1fr; gap: 12px; }
.unaligned .col { max-height: 18em; overflow: auto; }
.unaligned p { margin: 0 0 4px; padding: 2px 6px; border-left: 3px solid #c8c8d0;
  color: #45454f; white-space: pre-wrap; overflow-wrap: anywhere; }
.nopairs { padding: 0 20px 12px; }
.nopairs details { background: #fff; border: 1px solid var(--line); border-radius: 6px;
  margin: 4px 0; }
.nopairs summary { padding: 4px 10px; cursor: pointer; }
.nopairs .error { color: var(--low); }
.empty { color: var(--muted); padding: 8px 0; }
footer { color: var(--muted); font-size: 11px; padding: 8px 20px 30px; }
@media (max-width: 800px) { .bead { grid-template-columns: 1fr; } }
"""

# The page's script. It reads the data island, never writes article text as markup
# (textContent only), and keeps at most one page of beads in the DOM.
_JS = r"""
(function () {
  "use strict";
  var t0 = performance.now();
  var DATA = JSON.parse(document.getElementById("data").textContent);
  var F = {};
  DATA.fields.forEach(function (n, i) { F[n] = i; });
  var pairs = DATA.pairs, docs = DATA.docs, PAGE = DATA.page_size;
  var state = { dir: "ge", min: 0, bead: "", layout: "", text: "", page: 0 };
  var collapsed = {};
  var view = [], lowered = null, noPairsShown = 100;
  var $ = function (id) { return document.getElementById(id); };

  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text !== undefined && text !== null) e.textContent = String(text);
    return e;
  }
  function num(x, d) { return x === null || x === undefined ? "–" : x.toFixed(d === undefined ? 2 : d); }
  function band(q) {
    if (q === null || q === undefined) return "q-none";
    return q < DATA.low ? "q-low" : q < DATA.high ? "q-mid" : "q-high";
  }
  function pct(a, n) { return n ? Math.round(100 * (a || 0) / n) + "%" : "–"; }
  function fillSelect(sel, values) {
    values.forEach(function (v) { var o = el("option", null, v); o.value = v; sel.appendChild(o); });
  }

  function textOf(i) {
    if (lowered === null) lowered = new Array(pairs.length);
    var s = lowered[i];
    if (s === undefined) {
      var p = pairs[i];
      s = lowered[i] = (p[F.en] + "\n" + p[F.zh] + "\n" + docs[p[F.doc]].id).toLowerCase();
    }
    return s;
  }

  function filter() {
    var out = [], q, p, i, text = state.text.toLowerCase();
    var useMin = state.dir === "lt" || state.min > 0;
    for (i = 0; i < pairs.length; i++) {
      p = pairs[i];
      if (useMin) {
        q = p[F.quality];
        if (q === null) continue;
        if (state.dir === "ge" ? q < state.min : q >= state.min) continue;
      }
      if (state.bead && p[F.bead] !== state.bead) continue;
      if (state.layout && docs[p[F.doc]].layout !== state.layout) continue;
      if (text && textOf(i).indexOf(text) < 0) continue;
      out.push(i);
    }
    view = out;
    var pages = Math.max(1, Math.ceil(view.length / PAGE));
    if (state.page >= pages) state.page = pages - 1;
  }

  function pager(box) {
    box.replaceChildren();
    var pages = Math.ceil(view.length / PAGE);
    if (pages <= 1) return;
    function go(label, page, disabled) {
      var b = el("button", null, label);
      b.type = "button";
      b.disabled = disabled;
      b.addEventListener("click", function () { state.page = page; render(); window.scrollTo(0, $("pairs").offsetTop - 60); });
      box.appendChild(b);
    }
    go("«", 0, state.page === 0);
    go("‹ prev", state.page - 1, state.page === 0);
    var input = el("input");
    input.type = "number"; input.min = 1; input.max = pages; input.value = state.page + 1;
    input.style.width = "5em";
    input.addEventListener("change", function () {
      var n = parseInt(input.value, 10);
      if (n >= 1 && n <= pages) { state.page = n - 1; render(); }
    });
    box.appendChild(el("span", null, "page "));
    box.appendChild(input);
    box.appendChild(el("span", null, " of " + pages.toLocaleString()));
    go("next ›", state.page + 1, state.page >= pages - 1);
    go("»", pages - 1, state.page >= pages - 1);
  }

  function beadRow(i) {
    var p = pairs[i], q = p[F.quality];
    var row = el("div", "bead " + band(q));
    var meta = el("div");
    meta.appendChild(el("div", "type", p[F.bead]));
    meta.appendChild(el("div", "meta", "s " + p[F.sent_en].join(",") + " ⇄ " + p[F.sent_zh].join(",")));
    meta.appendChild(el("div", "meta", "¶ " + p[F.para_en].join(",") + " ⇄ " + p[F.para_zh].join(",")));
    if (p[F.line_en] !== null) meta.appendChild(el("div", "meta", "line " + p[F.line_en] + " ⇄ " + p[F.line_zh]));
    row.appendChild(meta);
    var en = el("div", "t en", p[F.en]); en.lang = "en";
    var zh = el("div", "t zh", p[F.zh]); zh.lang = "zh";
    row.appendChild(en);
    row.appendChild(zh);
    var sc = el("div", "score");
    var b = el("b", null, DATA.score + " " + num(q));
    sc.appendChild(b);
    sc.appendChild(el("span", "meta", "align " + num(p[F.align_score]) + " · len " + num(p[F.len_ratio])));
    sc.appendChild(el("span", "meta", "cov " + num(p[F.cov_en]) + " / " + num(p[F.cov_zh]) + " · copy " + num(p[F.copy])));
    sc.appendChild(el("span", "meta", "num " + num(p[F.num_agree]) + " · purity " + num(p[F.purity])));
    sc.title = "bead score, log length ratio, coverage en/zh, number agreement, script purity, copy";
    row.appendChild(sc);
    return row;
  }

  function unalignedBlock(d, open) {
    var en = d.unaligned_en || [], zh = d.unaligned_zh || [];
    if (!en.length && !zh.length) return null;
    var box = el("div", "unaligned");
    box.appendChild(el("h3", null, "Left unaligned: " + en.length + " English, " + zh.length + " Chinese paragraph" + (en.length + zh.length === 1 ? "" : "s")));
    var cols = el("div", "cols");
    [[en, "en"], [zh, "zh"]].forEach(function (c) {
      var col = el("div", "col " + c[1]);
      col.lang = c[1];
      c[0].forEach(function (t) { col.appendChild(el("p", null, t)); });
      cols.appendChild(col);
    });
    box.appendChild(cols);
    return box;
  }

  function docHeader(d, cont) {
    var s = el("summary");
    s.appendChild(el("span", "id", d.id + (cont ? " (continued)" : "")));
    s.appendChild(el("span", "meta", d.layout || ""));
    s.appendChild(el("span", "meta", (d.pairs || 0).toLocaleString() + " pairs"));
    s.appendChild(el("span", "meta", "aligned: English " + pct(d.aligned_en, d.sent_en) + " of " + (d.sent_en || 0) + ", Chinese " + pct(d.aligned_zh, d.sent_zh) + " of " + (d.sent_zh || 0)));
    if (d.source && d.source !== d.id) s.appendChild(el("span", "meta", d.source));
    return s;
  }

  function renderPairs() {
    var main = $("pairs");
    main.replaceChildren();
    var from = state.page * PAGE, to = Math.min(view.length, from + PAGE);
    var box = null, lastDoc = -1;
    for (var k = from; k < to; k++) {
      var i = view[k], di = pairs[i][F.doc];
      if (di !== lastDoc) {
        var d = docs[di];
        box = el("details", "doc");
        box.dataset.doc = di;
        box.open = !collapsed[di];
        box.addEventListener("toggle", (function (di, box) {
          return function () { if (box.open) delete collapsed[di]; else collapsed[di] = true; };
        })(di, box));
        box.appendChild(docHeader(d, k > 0 && pairs[view[k - 1]][F.doc] === di));
        main.appendChild(box);
        lastDoc = di;
      }
      box.appendChild(beadRow(i));
      var nextDoc = k + 1 < view.length ? pairs[view[k + 1]][F.doc] : -1;
      if (nextDoc !== di) {
        var u = unalignedBlock(docs[di]);
        if (u) box.appendChild(u);
      }
    }
    if (from >= to) main.appendChild(el("p", "empty", "No pair matches the filters."));
  }

  function renderNoPairs() {
    var box = $("nopairs"), text = state.text.toLowerCase(), list = [];
    docs.forEach(function (d) {
      if (d.pairs) return;
      if (state.layout && d.layout !== state.layout) return;
      if (text) {
        var hay = [d.id, d.reason || ""].concat(d.unaligned_en || [], d.unaligned_zh || []).join("\n").toLowerCase();
        if (hay.indexOf(text) < 0) return;
      }
      list.push(d);
    });
    $("nopairs-n").textContent = "(" + list.length.toLocaleString() + ")";
    box.replaceChildren();
    list.slice(0, noPairsShown).forEach(function (d) {
      var det = el("details");
      var s = el("summary");
      s.appendChild(el("b", null, d.id));
      s.appendChild(el("span", d.status === "error" ? "error" : "meta", " · " + (d.status || "") + (d.reason ? ": " + d.reason : "")));
      det.appendChild(s);
      var u = unalignedBlock(d);
      det.appendChild(u || el("p", "empty", "no text kept"));
      box.appendChild(det);
    });
    if (list.length > noPairsShown) {
      var more = el("button", null, "show " + Math.min(100, list.length - noPairsShown) + " more");
      more.type = "button";
      more.addEventListener("click", function () { noPairsShown += 100; renderNoPairs(); });
      box.appendChild(more);
    }
    if (!list.length) box.appendChild(el("p", "empty", "none"));
  }

  // The filters and the page live in the URL's fragment (#min=0.5&bead=2-1&q=...), so a
  // view can be bookmarked or shared as a link to the same file.
  function readHash() {
    var h = new URLSearchParams(location.hash.slice(1));
    if (h.get("dir") === "lt") state.dir = "lt";
    var m = parseFloat(h.get("min"));
    if (m >= 0 && m <= 1) state.min = m;
    if (DATA.beads.indexOf(h.get("bead")) >= 0) state.bead = h.get("bead");
    if (DATA.layouts.indexOf(h.get("layout")) >= 0) state.layout = h.get("layout");
    state.text = (h.get("q") || "").trim();
    var pg = parseInt(h.get("page"), 10);
    state.page = pg > 0 ? pg - 1 : 0;
    $("f-dir").value = state.dir;
    $("f-min").value = state.min;
    $("f-min-v").textContent = state.min.toFixed(2);
    $("f-bead").value = state.bead;
    $("f-layout").value = state.layout;
    $("f-text").value = state.text;
  }
  function writeHash() {
    var h = new URLSearchParams();
    if (state.dir !== "ge") h.set("dir", state.dir);
    if (state.min > 0) h.set("min", state.min.toFixed(2));
    if (state.bead) h.set("bead", state.bead);
    if (state.layout) h.set("layout", state.layout);
    if (state.text) h.set("q", state.text);
    if (state.page > 0) h.set("page", state.page + 1);
    var s = h.toString();
    try { history.replaceState(null, "", s ? "#" + s : location.pathname + location.search); } catch (e) { /* some file:// setups */ }
  }

  function render() {
    writeHash();
    $("shown").textContent = view.length.toLocaleString("en");
    pager($("pager-top"));
    pager($("pager-bottom"));
    renderPairs();
  }

  function refilter() { state.page = 0; filter(); render(); renderNoPairs(); }

  fillSelect($("f-bead"), DATA.beads);
  fillSelect($("f-layout"), DATA.layouts);
  $("f-min").addEventListener("input", function (e) {
    state.min = parseFloat(e.target.value);
    $("f-min-v").textContent = state.min.toFixed(2);
    refilter();
  });
  $("f-dir").addEventListener("change", function (e) { state.dir = e.target.value; refilter(); });
  $("f-bead").addEventListener("change", function (e) { state.bead = e.target.value; refilter(); });
  $("f-layout").addEventListener("change", function (e) { state.layout = e.target.value; refilter(); });
  var timer = null;
  $("f-text").addEventListener("input", function (e) {
    clearTimeout(timer);
    timer = setTimeout(function () { state.text = e.target.value.trim(); refilter(); }, 150);
  });
  function setAll(open) {
    document.querySelectorAll("details.doc").forEach(function (d) { d.open = open; });
    if (open) collapsed = {};
    else docs.forEach(function (_, i) { collapsed[i] = true; });
  }
  $("expand").addEventListener("click", function () { setAll(true); });
  $("collapse").addEventListener("click", function () { setAll(false); });

  readHash();
  filter();
  render();
  renderNoPairs();
  // For measurements: ms from navigation start to this script, and this script's own ms.
  document.body.setAttribute("data-start-ms", Math.round(t0));
  document.body.setAttribute("data-render-ms", Math.round(performance.now() - t0));
})();
"""
