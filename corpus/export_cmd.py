"""``bitext export`` and ``bitext stats``: the pair store out to training formats, summed up."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from corpus.export import (
    DEFAULT_SYSTEM,
    DEFAULT_TEMPLATE,
    DIRECTIONS,
    FORMATS,
    Condition,
    ExportError,
    FormatOptions,
    Selection,
    count_pairs,
    default_filter,
    export_pairs,
    parse_split,
)
from corpus.stats import compute_stats, render_text
from corpus.store import VERDICTS, StoreError, decisions_present, read_decisions


@click.command()
@click.argument("store", metavar="OUT", type=click.Path(path_type=Path))
@click.option(
    "-f",
    "--format",
    "fmt",
    type=click.Choice(FORMATS),
    required=True,
    help="tsv, hf (JSON Lines translation), chat (JSON Lines messages), "
    "moses (PATH.en + PATH.zh) or tmx (TMX 1.4b).",
)
@click.option(
    "-o",
    "--output",
    type=click.Path(path_type=Path, dir_okay=False),
    required=True,
    help="Output file (for moses: the prefix).",
)
@click.option(
    "--direction",
    type=click.Choice(DIRECTIONS),
    default="en-zh",
    show_default=True,
    help="Source-target order of the columns, TMX srclang, chat prompt.",
)
@click.option("--header", is_flag=True, help="tsv: first line names the languages.")
@click.option(
    "--system",
    default=DEFAULT_SYSTEM,
    show_default=True,
    help="chat: the system prompt; '' leaves the system turn out.",
)
@click.option(
    "--template",
    default=DEFAULT_TEMPLATE,
    show_default=repr(DEFAULT_TEMPLATE),
    help="chat: the user turn; {source}, {src_lang} and {tgt_lang} are filled in "
    "(in bash, $'...\\n...' gives a newline).",
)
@click.option(
    "--min-score",
    type=float,
    help="Keep pairs whose `quality` is at least X [default: the quality model's threshold "
    "for precision >= 0.97 on the dev sets, where the store was scored by this model; "
    "0 keeps every pair].",
)
@click.option(
    "--where",
    "where",
    multiple=True,
    metavar="COL OP X",
    help="Keep pairs where COL OP X holds, OP one of >= <= > < == != "
    "(repeatable), e.g. 'align_score>=0.5'.",
)
@click.option(
    "--bead", "beads", multiple=True, metavar="N-M", help="Keep only these bead types, e.g. 1-1."
)
@click.option(
    "--layout", "layouts", multiple=True, metavar="LAYOUT", help="Keep only these article layouts."
)
@click.option(
    "--dedupe",
    is_flag=True,
    help="Drop repeated pairs (NFKC, whitespace, Traditional→Simplified folded "
    "for matching; the first occurrence is written as it is).",
)
@click.option(
    "--dedupe-sides",
    is_flag=True,
    help="Also drop pairs whose English or Chinese side was already written.",
)
@click.option(
    "--split",
    "split_spec",
    metavar="NAME=FRAC,...",
    help="Split by document, e.g. train=0.98,dev=0.01,test=0.01; one file per "
    "split (out.jsonl → out.train.jsonl).",
)
@click.option(
    "--seed",
    type=int,
    default=0,
    show_default=True,
    help="Seed of the split (hashed with each doc_id).",
)
@click.option(
    "--ignore-decisions",
    is_flag=True,
    help="Export as aligned, ignoring the review decisions (`bitext decide`); by default "
    "rejected pairs are left out, edited ones written edited, accepted ones kept whatever "
    "their score.",
)
def export(
    store: Path,
    fmt: str,
    output: Path,
    direction: str,
    header: bool,
    system: str,
    template: str,
    min_score: float | None,
    where: tuple[str, ...],
    beads: tuple[str, ...],
    layouts: tuple[str, ...],
    dedupe: bool,
    dedupe_sides: bool,
    split_spec: str | None,
    seed: int,
    ignore_decisions: bool,
) -> None:
    """Export the pairs of the store OUT for training.

    By default only pairs at or above the quality model's threshold are written (the
    calibrated `quality` at which 97% of the pairs kept were right on the dev sets);
    `bitext stats OUT` shows how many that drops, --min-score 0 keeps them all.

    \b
    Example:
      bitext export out/ -f hf -o data/pairs.jsonl --where 'align_score>=0.5' \\
          --bead 1-1 --dedupe --split train=0.98,dev=0.01,test=0.01
    """
    try:
        chosen = default_filter(store) if min_score is None else None
        if chosen is not None:
            min_score = chosen.min_score
        selection = Selection(min_score, tuple(Condition.parse(w) for w in where), beads, layouts)
        splits = parse_split(split_spec) if split_spec else None
        options = FormatOptions(direction, header, system, template)
        total = count_pairs(store)
        with click.progressbar(
            length=total, label="exporting", file=sys.stderr, hidden=not sys.stderr.isatty()
        ) as bar:
            report = export_pairs(
                store,
                fmt,
                output,
                selection=selection,
                options=options,
                dedupe=dedupe,
                dedupe_sides=dedupe_sides,
                splits=splits,
                seed=seed,
                ignore_decisions=ignore_decisions,
                progress=bar.update,
            )
    except (ExportError, StoreError) as err:
        raise click.ClickException(str(err)) from None
    if splits:
        for name, paths in report.paths.items():
            click.echo(f"{name}\t{report.splits[name]}\t{' + '.join(map(str, paths))}")
    if chosen is not None and (chosen.min_score is not None or chosen.stale):
        click.echo(chosen.describe(), err=True)
    click.echo(report.summary(), err=True)


@click.command()
@click.argument("store", metavar="OUT", type=click.Path(path_type=Path))
@click.option(
    "--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True
)
@click.option(
    "--examples",
    type=click.IntRange(min=0),
    default=0,
    metavar="N",
    help="Also show the first N pairs (by doc_id and sentence).",
)
def stats(store: Path, fmt: str, examples: int) -> None:
    """Summarise the store OUT: pairs per layout and bead, scores, documents, coverage.

    \b
    Example:
      bitext stats out/ --examples 5
      bitext stats out/ --format json > stats.json
    """
    try:
        summary = compute_stats(store, examples=examples)
        decisions = decision_counts(store)
    except StoreError as err:
        raise click.ClickException(str(err)) from None
    if fmt == "json":
        data = summary.to_json()
        data["decisions"] = decisions
        click.echo(json.dumps(data, ensure_ascii=False, indent=2))
    else:
        lines = render_text(summary).split("\n")
        at = next((i + 1 for i, line in enumerate(lines) if line.startswith("pairs ")), len(lines))
        lines.insert(at, f"{'decisions':<14}{decision_line(decisions)}")
        click.echo("\n".join(lines))


def decision_counts(store: Path) -> dict[str, int]:
    """Review decisions of a store: per verdict (of pairs it has), and ``without_pair``."""
    decisions = read_decisions(store)
    present = decisions_present(store, decisions)
    counts = dict.fromkeys(VERDICTS, 0)
    for pair_id, verdict in decisions.select("pair_id", "verdict").iter_rows():
        if pair_id in present:
            counts[verdict] = counts.get(verdict, 0) + 1
    counts["without_pair"] = decisions.height - len(present)
    return counts


def decision_line(counts: dict[str, int]) -> str:
    """``12 (reject 3, accept 8, edit 1)``, and how many name no pair of the store."""
    total = sum(n for v, n in counts.items() if v != "without_pair")
    kinds = ", ".join(f"{v} {n:,}" for v, n in counts.items() if v != "without_pair")
    line = f"{total:,} ({kinds})" if total else "none (bitext decide OUT decisions.jsonl)"
    if counts.get("without_pair"):
        line += f"; {counts['without_pair']:,} name a pair the store no longer has"
    return line
