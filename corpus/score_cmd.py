"""``bitext score``: sacrebleu scores of system output against references."""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import click
import polars as pl
from sacrebleu.significance import Result

from corpus.metrics import (
    BLEU_TOKENIZERS,
    METRIC_NAMES,
    CorpusScore,
    PairedComparison,
    SegmentCountError,
    build_metrics,
    check_segment_counts,
    corpus_scores,
    paired_test,
    read_segments,
    sentence_scores,
)
from corpus.store import StoreError, pairs_path, scan_pairs

Stream = tuple[str, list[str]]  # a name (file, or store column) and its segments


class InputError(click.ClickException):
    """Unusable input: one line on stderr and exit status 2."""

    exit_code = 2


def _read_file(path: Path) -> Stream:
    try:
        return str(path), read_segments(path)
    except UnicodeDecodeError as e:
        raise InputError(f"{path}: not UTF-8 text (byte {e.start}: {e.reason})") from e
    except OSError as e:
        raise InputError(f"{path}: {e.strerror}") from e


def _scan_store(store: Path) -> pl.LazyFrame:
    try:
        return scan_pairs(store)
    except StoreError as e:
        raise InputError(str(e)) from e


def _read_columns(store: Path, columns: Sequence[str]) -> list[Stream]:
    """The named string columns of a store's pairs, in row order."""
    pairs = _scan_store(store)
    available = pairs.collect_schema().names()
    missing = [c for c in columns if c not in available]
    if missing:
        raise InputError(
            f"{pairs_path(store)}: no column {', '.join(missing)}; it has {', '.join(available)}"
        )
    table = pairs.select(pl.col(c).cast(pl.String) for c in columns).collect()
    streams = []
    for column in columns:
        n_null = table[column].null_count()
        if n_null:
            raise InputError(f"{pairs_path(store)}: column {column} has {n_null} empty (null) rows")
        streams.append((f"{store}:{column}", table[column].to_list()))
    return streams


def _parse_metrics(_ctx: click.Context, _param: click.Parameter, value: str) -> list[str]:
    names = list(dict.fromkeys(n.strip().lower() for n in value.split(",") if n.strip()))
    unknown = [n for n in names if n not in METRIC_NAMES]
    if unknown or not names:
        raise click.BadParameter(
            f"{', '.join(unknown) or 'none given'}; choose from {','.join(METRIC_NAMES)}"
        )
    return names


@click.command()
@click.argument("hyp", nargs=-1, required=True, type=click.Path(exists=True, path_type=Path))
@click.option(
    "-r",
    "--ref",
    "ref_files",
    multiple=True,
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="Reference file, one segment a line; repeat for several references.",
)
@click.option("--hyp-column", multiple=True, help="With a pair store: the system column(s).")
@click.option("--ref-column", multiple=True, help="With a pair store: the reference column(s).")
@click.option(
    "-m",
    "--metrics",
    "metric_names",
    default=",".join(METRIC_NAMES),
    show_default=True,
    callback=_parse_metrics,
    help="Comma-separated metrics.",
)
@click.option(
    "--tok",
    type=click.Choice(BLEU_TOKENIZERS),
    help="BLEU tokenizer [default: zh for Chinese references, else 13a].",
)
@click.option("--confidence", is_flag=True, help="Add bootstrap 95% confidence intervals.")
@click.option(
    "--confidence-n",
    default=1000,
    show_default=True,
    type=click.IntRange(min=2),
    help="Bootstrap resamples for --confidence.",
)
@click.option(
    "--paired-ar",
    is_flag=True,
    help="Compare systems by approximate randomization instead of paired bootstrap.",
)
@click.option(
    "--paired-n",
    default=0,
    type=click.IntRange(min=0),
    help="Resamples (bootstrap) or trials (AR) of the paired test [default: 1000 / 10000].",
)
@click.option("--sentence", is_flag=True, help="Score each segment: one line per segment.")
@click.option(
    "-f", "--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True
)
@click.option(
    "-w",
    "--width",
    default=1,
    show_default=True,
    type=click.IntRange(0, 10),
    help="Decimals in text output (as sacrebleu's --width).",
)
def score(
    hyp: tuple[Path, ...],
    ref_files: tuple[Path, ...],
    hyp_column: tuple[str, ...],
    ref_column: tuple[str, ...],
    metric_names: list[str],
    tok: str | None,
    confidence: bool,
    confidence_n: int,
    paired_ar: bool,
    paired_n: int,
    sentence: bool,
    fmt: str,
    width: int,
) -> None:
    """Score system output HYP against references with sacrebleu (BLEU, chrF, chrF++, TER).

    Numbers and signatures equal those of the sacrebleu command line with the same
    settings. BLEU uses the zh tokenizer when the references are mostly Chinese (13a
    otherwise), and TER then splits Han characters (sacrebleu's --ter-normalized
    --ter-asian-support). With several systems, each is compared to the first (the
    baseline) by sacrebleu's paired significance test.

    HYP may also be a pair store: --hyp-column and --ref-column pick its columns. A store
    with no references given recomputes its pair-quality columns.

    \b
    Examples:
      bitext score mt.zh -r ref.zh
      bitext score mt.en -r ref1.en -r ref2.en --metrics bleu,chrf --confidence
      bitext score base.zh new.zh -r ref.zh            # paired bootstrap test
      bitext score OUT --hyp-column mt --ref-column zh -f json
      bitext score OUT                                 # recompute pair-quality columns
    """
    is_store = [p.is_dir() for p in hyp]
    if any(is_store) and len(hyp) > 1:
        raise click.UsageError("give one pair store, or system files, not both")
    if any(is_store):
        store = hyp[0]
        _scan_store(store)  # a directory must be a pair store
        if not (ref_files or hyp_column or ref_column):
            from corpus.quality import ModelError, rescore_store

            try:
                rescore_store(store)
            except ModelError as exc:
                raise click.ClickException(str(exc)) from exc
            click.echo(f"recomputed the pair-quality columns of {store}", err=True)
            return
        if not hyp_column:
            raise click.UsageError(
                f"{store} is a pair store: name its system column with --hyp-column "
                f"(`bitext score {store}` alone recomputes its pair-quality columns)"
            )
        systems = _read_columns(store, hyp_column)
        references = _read_columns(store, ref_column) + [_read_file(p) for p in ref_files]
    else:
        if hyp_column or ref_column:
            raise click.UsageError("--hyp-column and --ref-column need HYP to be a pair store")
        systems = [_read_file(p) for p in hyp]
        references = [_read_file(p) for p in ref_files]
    if not references:
        raise click.UsageError("no references: give -r REF (or --ref-column with a pair store)")
    if sentence and (len(systems) > 1 or confidence):
        raise click.UsageError("--sentence scores one system, without --confidence")
    if paired_ar and len(systems) == 1:
        raise click.UsageError("--paired-ar compares two or more systems")

    try:
        check_segment_counts(systems + references)
    except SegmentCountError as e:
        raise InputError(str(e)) from e
    if not systems[0][1]:
        raise InputError(f"{systems[0][0]}: no segments")

    ref_streams = [segments for _, segments in references]
    metrics = build_metrics(metric_names, ref_streams, tokenize=tok, sentence_level=sentence)
    header: dict[str, Any] = {
        "references": [name for name, _ in references],
        "segments": len(ref_streams[0]),
    }

    if sentence:
        name, hypotheses = systems[0]
        rows = sentence_scores(hypotheses, ref_streams, metrics)
        signatures = {row: m.get_signature().format() for row, m in zip(rows[0], metrics.values())}
        _echo_sentences({"system": name, **header}, signatures, rows, fmt, width)
    elif len(systems) == 1:
        name, hypotheses = systems[0]
        n_bootstrap = confidence_n if confidence else 1
        _echo_corpus(
            {"system": name, **header}, corpus_scores(hypotheses, metrics, n_bootstrap), fmt, width
        )
    else:
        comparison = paired_test(
            systems,
            metrics,
            test_type="ar" if paired_ar else "bs",
            n_samples=paired_n,
            n_ar_confidence=confidence_n if confidence and paired_ar else -1,
        )
        _echo_paired(header, comparison, fmt, width)


def _echo_corpus(header: dict[str, Any], scores: list[CorpusScore], fmt: str, width: int) -> None:
    if fmt == "text":
        for s in scores:
            click.echo(s.score.format(width, signature=s.signature))
        return
    metrics: dict[str, Any] = {}
    for s in scores:
        entry: dict[str, Any] = {"score": s.score.score, "signature": s.signature}
        if s.score._verbose:
            entry["verbose"] = s.score._verbose
        if s.confidence:
            entry["mean"], entry["ci"] = map(float, s.confidence)  # numpy floats in sacrebleu
        metrics[s.score.name] = entry
    click.echo(json.dumps({**header, "metrics": metrics}, ensure_ascii=False, indent=1))


def _echo_sentences(
    header: dict[str, Any],
    signatures: dict[str, str],
    rows: list[dict[str, float]],
    fmt: str,
    width: int,
) -> None:
    if fmt == "json":
        body = {"signatures": signatures, "sentences": rows}
        click.echo(json.dumps({**header, **body}, ensure_ascii=False, indent=1))
        return
    for name, signature in signatures.items():
        click.echo(f"# {name}|{signature}")
    click.echo("\t".join(["segment", *signatures]))
    for i, row in enumerate(rows, 1):
        click.echo("\t".join([str(i), *(f"{v:.{width}f}" for v in row.values())]))


def _result_fields(result: Result) -> dict[str, float | None]:
    """A paired-test result as plain JSON numbers (sacrebleu leaves numpy floats in it)."""
    return {k: None if v is None else float(v) for k, v in vars(result).items()}


def _echo_paired(
    header: dict[str, Any], comparison: PairedComparison, fmt: str, width: int
) -> None:
    baseline = comparison.systems[0]
    if fmt == "json":
        metrics = {
            metric: {
                "signature": comparison.signatures[metric],
                "systems": [
                    {"system": system, **_result_fields(result)}
                    for system, result in zip(comparison.systems, results)
                ],
            }
            for metric, results in comparison.results.items()
        }
        test = {"test": comparison.test_type, "n_samples": comparison.n_samples}
        click.echo(
            json.dumps(
                {**header, **test, "baseline": baseline, "metrics": metrics},
                ensure_ascii=False,
                indent=1,
            )
        )
        return
    if comparison.test_type == "bs":
        test_name, unit = "bootstrap resampling", "resamples"
    else:
        test_name, unit = "approximate randomization", "trials"
    click.echo(f"Paired {test_name} test ({comparison.n_samples} {unit}), baseline {baseline}")
    label_width = max(len(s) for s in comparison.systems) + len("baseline ")
    for metric, results in comparison.results.items():
        click.echo(f"{metric}|{comparison.signatures[metric]}")
        for i, (system, result) in enumerate(zip(comparison.systems, results)):
            label = f"baseline {system}" if i == 0 else system
            line = f"  {label:>{label_width}}  {result.score:{width + 4}.{width}f}"
            if result.mean is not None:
                line += f" (μ = {result.mean:.{width}f} ± {result.ci:.{width}f})"
            if result.p_value is not None:
                star = " *" if result.p_value < 0.05 else ""
                line += f"  p = {result.p_value:.4f}{star}"
            click.echo(line)
    click.echo("* p < 0.05: the difference from the baseline is unlikely to be chance.")
