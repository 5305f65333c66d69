"""``bitext decide``: merge a review page's ``decisions.jsonl`` into a store's decisions."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import click

SHOWN_UNKNOWN = 10  # unknown pair ids named in the summary


class DecisionFileError(Exception):
    """A decisions file that cannot be read as the review page writes it."""


def parse_decisions(path: Path) -> list[dict[str, object]]:
    """The lines of a ``decisions.jsonl`` as rows of ``corpus.store.DECISIONS_SCHEMA``.

    One JSON object a line: ``pair_id``, ``verdict`` (reject, accept, edit), ``at`` (ISO
    time), and for an edit ``en`` and ``zh``. Blank lines are skipped; anything else
    that is wrong stops the merge with the line's number, before the store is touched.
    """
    from corpus.store import VERDICTS

    rows = []
    try:
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as err:
        raise DecisionFileError(f"{path}: not UTF-8 ({err.reason})") from None
    for n, line in enumerate(text.splitlines(), 1):
        if not line.strip():
            continue
        where = f"{path}, line {n}"
        try:
            d = json.loads(line)
        except json.JSONDecodeError as err:
            raise DecisionFileError(f"{where}: not JSON ({err.msg})") from None
        if not isinstance(d, dict):
            raise DecisionFileError(f"{where}: expected an object with pair_id and verdict")
        pair_id, verdict, at = d.get("pair_id"), d.get("verdict"), d.get("at")
        if not isinstance(pair_id, str) or not pair_id:
            raise DecisionFileError(f"{where}: no pair_id")
        if verdict not in VERDICTS:
            raise DecisionFileError(
                f"{where}: verdict {verdict!r} is not one of {', '.join(VERDICTS)}")
        try:
            when = datetime.fromisoformat(at) if isinstance(at, str) else None
        except ValueError:
            when = None
        if when is None:
            raise DecisionFileError(f"{where}: 'at' {at!r} is not an ISO time")
        when = when.replace(tzinfo=UTC) if when.tzinfo is None else when.astimezone(UTC)
        en = zh = None
        if verdict == "edit":
            en, zh = d.get("en"), d.get("zh")
            if not isinstance(en, str) or not isinstance(zh, str):
                raise DecisionFileError(f"{where}: an edit needs the text of both sides, en and zh")
        rows.append({"pair_id": pair_id, "verdict": verdict, "en": en, "zh": zh, "at": when})
    return rows


@dataclass
class DecideReport:
    """What a merge did."""

    read: int = 0
    merged: dict[str, int] = field(default_factory=dict)  # verdict -> decisions taken
    older: int = 0  # decisions the store already had a later one for
    same: int = 0  # decisions the store already had, as they are
    unknown: list[str] = field(default_factory=list)  # pair ids not in the store
    total: int = 0  # decisions in the store after the merge

    def summary(self, store: Path) -> str:
        taken = sum(self.merged.values())
        kinds = ", ".join(f"{v} {n:,}" for v, n in self.merged.items() if n)
        line = f"read {_decisions(self.read)}; merged {taken:,}" + (f" ({kinds})" if kinds else "")
        if self.same:
            line += f"; {self.same:,} already in the store"
        if self.older:
            line += f"; {self.older:,} older than the store's own, left out"
        return line + f"; {store} now holds {_decisions(self.total)}"


def _decisions(n: int) -> str:
    return f"{n:,} decision" + ("" if n == 1 else "s")


def merge_file(store: Path, path: Path) -> DecideReport:
    """Merge the decisions in ``path`` into the store ``store`` (one atomic replace)."""
    import polars as pl

    from corpus.store import (
        DECISIONS_SCHEMA,
        VERDICTS,
        decisions_present,
        merge_decisions,
        read_decisions,
        scan_pairs,
        write_decisions,
    )

    scan_pairs(store)  # a store, or StoreError
    rows = parse_decisions(path)
    report = DecideReport(read=len(rows), merged=dict.fromkeys(VERDICTS, 0))
    new = pl.DataFrame(rows, schema=DECISIONS_SCHEMA)
    known = decisions_present(store, new)
    # In first-seen order, each unknown id once.
    report.unknown = [i for i in dict.fromkeys(new["pair_id"].to_list()) if i not in known]
    new = new.filter(pl.col("pair_id").is_in(list(known)))
    old = read_decisions(store)
    merged = merge_decisions(old, new)
    mine = merge_decisions(old.clear(), new)  # this file's latest per pair
    columns = list(DECISIONS_SCHEMA)
    won = mine.join(merged, on=columns, how="semi", nulls_equal=True)
    taken = won.join(old, on=columns, how="anti", nulls_equal=True)
    report.older = mine.height - won.height
    report.same = won.height - taken.height
    for verdict, n in taken.group_by("verdict").len().iter_rows():
        report.merged[verdict] = n
    report.total = merged.height
    if taken.height:
        write_decisions(store, merged)
    return report


@click.command()
@click.argument("store", metavar="OUT", type=click.Path(path_type=Path))
@click.argument(
    "decisions", metavar="DECISIONS.jsonl", type=click.Path(path_type=Path, dir_okay=False)
)
def decide(store: Path, decisions: Path) -> None:
    """Merge the review page's DECISIONS.jsonl into the store OUT's decisions table.

    The latest decision per pair wins (by its time); decisions naming a pair that the
    store does not have are listed and left out. `bitext export` then leaves rejected
    pairs out, writes edited pairs as edited and keeps accepted pairs whatever their
    score; re-running `bitext align` keeps the decisions.

    \b
    Example:
      bitext report out -o review.html     # review, then "download decisions.jsonl"
      bitext decide out ~/Downloads/decisions.jsonl
      bitext export out -f hf -o pairs.jsonl --min-score 0.5
    """
    from corpus.store import StoreError

    try:
        report = merge_file(store, decisions)
    except (StoreError, DecisionFileError) as err:
        raise click.ClickException(str(err)) from None
    except OSError as err:
        raise click.ClickException(f"{err.filename or decisions}: {err.strerror or err}") from None
    if report.unknown:
        shown = ", ".join(report.unknown[:SHOWN_UNKNOWN])
        more = len(report.unknown) - SHOWN_UNKNOWN
        click.echo(
            f"bitext: {_decisions(len(report.unknown))} "
            f"name{'s' if len(report.unknown) == 1 else ''} a pair_id that {store} does not "
            f"have, left out: {shown}" + (f" and {more:,} more" if more > 0 else ""),
            err=True,
        )
    click.echo(report.summary(store), err=True)
