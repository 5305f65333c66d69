"""A summary of a pair store: what was aligned, how well, and what was left out.

Computed with polars' streaming engine over the two Parquet tables, so it runs on stores
larger than memory.
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import polars as pl

from corpus.export import default_filter, drop_reason
from corpus.store import scan_documents, scan_pairs

BINS = 10
TEXT_LIST_LIMIT = 20


@dataclass
class StoreStats:
    """Counts of a store; ``to_json`` gives them as plain data."""

    store: str
    documents: int
    pairs: int
    sentences: dict[str, dict[str, int]]  # language → {"total", "aligned"}
    layouts: dict[str, int]  # pairs per layout, most first
    beads: dict[str, int]  # pairs per bead type, most first
    score_column: str  # `quality` when the store has it, else `align_score`
    histogram: list[int]  # pairs per score bin [0, 0.1), ..., [0.9, 1.0]
    score_missing: int  # pairs with no score
    statuses: dict[str, int]  # documents per status
    # {"status", "reason", "documents"} for non-ok documents; numbers in reasons read "N"
    reasons: list[dict[str, Any]]
    errors: list[dict[str, str]]  # {"doc_id", "reason"} of documents in error
    examples: list[dict[str, str]] = field(default_factory=list)  # {"doc_id", "en", "zh"}
    # What a default export leaves out: {"min_score" (None: no default filter), "reason",
    # "dropped", "why": {reason: pairs}}; decisions (accepted pairs pass) not counted.
    default_filter: dict[str, Any] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


def compute_stats(store: Path, examples: int = 0) -> StoreStats:
    """Summarise the store at ``store``; ``examples`` first pairs by doc_id and sentence."""
    pairs = scan_pairs(store)
    docs = scan_documents(store)
    schema = pairs.collect_schema()
    score = "quality" if "quality" in schema else "align_score"
    chosen = default_filter(store)
    threshold = chosen.min_score
    score_bin = (pl.col(score).fill_nan(None) * BINS).floor().clip(0, BINS - 1).cast(pl.Int8)
    queries = [
        pairs.select(pl.len()),
        pairs.group_by("layout").len(),
        pairs.group_by("bead").len(),
        pairs.group_by(score_bin.alias("bin")).len(),
        docs.select(
            pl.len(),
            *(
                pl.col(c).sum()
                for c in ("n_sent_en", "n_sent_en_aligned", "n_sent_zh", "n_sent_zh_aligned")
            ),
        ),
        docs.group_by("status").len(),
        docs.filter(pl.col("status") != "ok")
        .group_by("status", pl.col("reason").str.replace_all(r"\d+", "N"))
        .len()
        .sort("len", "status", "reason", descending=[True, False, False]),
        docs.filter(pl.col("status") == "error").select("doc_id", "reason").sort("doc_id"),
        pairs.sort(
            "doc_id",
            pl.col("sent_en").list.first(),
            pl.col("sent_zh").list.first(),
            nulls_last=True,
        )
        .head(examples)
        .select("doc_id", "en", "zh"),
        pairs.filter(~(pl.col("quality") >= threshold).fill_null(False))
        .group_by(drop_reason(schema).alias("why"))
        .len()
        if threshold is not None
        else pl.LazyFrame({"why": [], "len": []}, schema={"why": pl.String, "len": pl.UInt32}),
    ]
    (n_pairs, layouts, beads, bins, totals, statuses, reasons, errors, sample, dropped) = (
        pl.collect_all(queries, engine="streaming")
    )
    why = _most_first(dropped)
    histogram = [0] * BINS
    missing = 0
    for b, n in bins.iter_rows():
        if b is None:
            missing = n
        else:
            histogram[b] = n
    n_docs, sent_en, aligned_en, sent_zh, aligned_zh = totals.row(0)
    return StoreStats(
        store=str(store),
        documents=n_docs,
        pairs=n_pairs.item(),
        sentences={
            "en": {"total": sent_en or 0, "aligned": aligned_en or 0},
            "zh": {"total": sent_zh or 0, "aligned": aligned_zh or 0},
        },
        layouts=_most_first(layouts),
        beads=_most_first(beads),
        score_column=score,
        histogram=histogram,
        score_missing=missing,
        statuses=_most_first(statuses),
        reasons=[{"status": s, "reason": r, "documents": n} for s, r, n in reasons.iter_rows()],
        errors=errors.to_dicts(),
        examples=sample.to_dicts(),
        default_filter={"min_score": threshold, "reason": chosen.reason,
                        "dropped": sum(why.values()), "why": why},
    )


def _most_first(counts: pl.DataFrame) -> dict[str, int]:
    """``key, len`` rows as a dict, largest count first (ties by key)."""
    rows = sorted(counts.iter_rows(), key=lambda r: (-r[1], str(r[0])))
    return {str(k): n for k, n in rows}


def render_text(s: StoreStats) -> str:
    """The summary as compact, readable tables."""
    statuses = ", ".join(f"{k} {n:,}" for k, n in s.statuses.items())
    out = [
        f"{'store':<14}{s.store}",
        f"{'documents':<14}{s.documents:,} ({statuses})",
        f"{'pairs':<14}{s.pairs:,}",
    ]
    for lang in ("en", "zh"):
        total, aligned = s.sentences[lang]["total"], s.sentences[lang]["aligned"]
        share = f"{aligned / total:.1%}" if total else "–"
        out.append(f"{lang + ' sentences':<14}{total:,}, aligned {aligned:,} ({share})")
    out += _table("layout", s.layouts) + _table("bead", s.beads)
    peak = max(s.histogram) or 1
    out += ["", f"{s.score_column:<12}{'pairs':>10}"]
    for i, n in enumerate(s.histogram):
        label = f"{i / BINS:.1f}–{(i + 1) / BINS:.1f}"
        out.append(f"{label:<12}{n:>10,}  {'█' * round(24 * n / peak)}".rstrip())
    if s.score_missing:
        out.append(f"{'no score':<12}{s.score_missing:>10,}")
    out += _filter_lines(s)
    if s.reasons:
        out += ["", f"{'status':<10}{'docs':>6}  reason"]
        out += [
            f"{r['status']:<10}{r['documents']:>6,}  {r['reason']}"
            for r in s.reasons[:TEXT_LIST_LIMIT]
        ]
        out += _more(len(s.reasons))
    if s.errors:
        out += ["", "documents in error"]
        out += [f"  {e['reason']}" if (e["reason"] or "").startswith(e["doc_id"])
                else f"  {e['doc_id']}: {e['reason']}" for e in s.errors[:TEXT_LIST_LIMIT]]
        out += _more(len(s.errors))
    if s.examples:
        out += ["", "examples"]
        out += [f"  {_one_line(e['en'])} ⇄ {_one_line(e['zh'])}" for e in s.examples]
    return "\n".join(out)


def _filter_lines(s: StoreStats) -> list[str]:
    """What the default export filter drops, and why."""
    f = s.default_filter
    if not f:
        return []
    if f["min_score"] is None:
        return ["", f"{'export filter':<14}none: {f['reason']}"]
    share = f" ({f['dropped'] / s.pairs:.1%})" if s.pairs else ""
    out = ["", (f"{'export filter':<14}quality >= {f['min_score']:g} drops {f['dropped']:,} "
                f"of {s.pairs:,} pairs{share} ({f['reason']})")]
    width = max([len(w) for w in f["why"]] + [10]) + 4
    out += [f"  {w:<{width}}{n:>10,}" for w, n in f["why"].items()]
    return out


def _table(title: str, counts: dict[str, int]) -> list[str]:
    width = max([len(title), *map(len, counts)]) + 2
    return ["", f"{title:<{width}}{'pairs':>10}"] + [
        f"{k:<{width}}{n:>10,}" for k, n in counts.items()
    ]


def _more(n: int) -> list[str]:
    if n <= TEXT_LIST_LIMIT:
        return []
    return [f"  … {n - TEXT_LIST_LIMIT:,} more (--format json lists all)"]


def _one_line(text: str | None) -> str:
    return re.sub(r"\s+", " ", text or "").strip()
