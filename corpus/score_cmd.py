"""``bitext score``: sacrebleu scores of system output against references; the pair-quality
score of a pair store (recomputed in place) or of any parallel file (streamed)."""

from __future__ import annotations

import json
import sys
import time
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
    "-o",
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Parallel file: where to write the scored pairs (Moses: the prefix).",
)
@click.option(
    "--min-score",
    type=click.FloatRange(0.0, 1.0),
    help="Parallel file: keep only pairs whose quality is at least X.",
)
@click.option(
    "--quality-column/--no-quality-column",
    default=None,
    help="Parallel file: add the quality to each row [default: yes, unless --min-score].",
)
@click.option(
    "--pairs-format",
    type=click.Choice(["tsv", "moses", "hf", "tmx", "parquet"]),
    help="Parallel file: its format [default: from the suffix; two files are Moses].",
)
@click.option(
    "--direction",
    type=click.Choice(["en-zh", "zh-en"]),
    help="Parallel file (TSV, Moses): which column is which [default: detected].",
)
@click.option(
    "--scorer",
    type=click.Choice(["embedding", "lexical"]),
    default="embedding",
    show_default=True,
    help="Parallel file: 'lexical' leaves the sentence embeddings out (several times "
    "faster, lower AUC; its own calibration).",
)
@click.option(
    "-j",
    "--jobs",
    type=click.IntRange(min=1),
    default=1,
    show_default=True,
    help="Parallel file: processes that score pairs.",
)
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
    output: Path | None,
    min_score: float | None,
    quality_column: bool | None,
    pairs_format: str | None,
    direction: str | None,
    scorer: str,
    jobs: int,
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

    A parallel file with no references (TSV, a Moses pair x.en x.zh, JSON Lines, TMX,
    Parquet) is scored pair by pair with the store's quality model, streamed, and written
    to -o in its own format with a quality column, or filtered with --min-score. A row
    that cannot be scored (wrong column count, an empty side, not JSON) is one line on
    stderr and left out.

    \b
    Examples:
      bitext score mt.zh -r ref.zh
      bitext score mt.en -r ref1.en -r ref2.en --metrics bleu,chrf --confidence
      bitext score base.zh new.zh -r ref.zh            # paired bootstrap test
      bitext score OUT --hyp-column mt --ref-column zh -f json
      bitext score OUT                                 # recompute pair-quality columns
      bitext score corpus.tsv -o scored.tsv            # add a quality column
      bitext score x.en x.zh -o clean --min-score 0.5  # Moses pair, filtered
      bitext score big.jsonl -o big.scored.jsonl --scorer lexical --jobs 2
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
        if not ref_files:
            _score_parallel_file(hyp, output, pairs_format, direction, scorer, min_score,
                                 quality_column, jobs)
            return
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


SCORE_BATCH = 5_000  # pairs scored at a time in this process (PARALLEL_MIN with --jobs)


def _score_parallel_file(
    paths: tuple[Path, ...],
    output: Path | None,
    pairs_format: str | None,
    direction: str | None,
    scorer: str,
    min_score: float | None,
    quality_column: bool | None,
    jobs: int,
) -> None:
    """Stream a parallel file through the quality model into ``output``."""
    from corpus import parallel_files as pf
    from corpus.quality import PARALLEL_MIN, ModelError, score_pairs, scoring_pool

    try:
        fmt, reader = pf.open_reader(paths, pairs_format, direction)
    except pf.PairFileError as e:
        raise InputError(f"{e}; to score against references, give -r REF") from None
    if output is None:
        raise click.UsageError("give -o OUTPUT: where to write the scored pairs")
    column = min_score is None if quality_column is None else quality_column
    writer = pf.WRITERS[fmt](output, reader, column)
    pool = scoring_pool(jobs)
    batch_size = PARALLEL_MIN if pool is not None else SCORE_BATCH
    started = time.perf_counter()
    counts = {"scored": 0, "bad": 0, "kept": 0}
    pending: list[pf.Pair] = []

    def flush() -> None:
        if not pending:
            return
        quality = score_pairs([p.en for p in pending], [p.zh for p in pending], pool=pool,
                              scorer=scorer)["quality"]
        counts["scored"] += len(pending)
        if min_score is not None:
            kept = [(p, q) for p, q in zip(pending, quality) if q >= min_score]
            writer.write([p for p, _ in kept], [q for _, q in kept])
            counts["kept"] += len(kept)
        else:
            writer.write(pending, quality)
            counts["kept"] += len(pending)
        pending.clear()

    try:
        for row in reader.rows():
            if isinstance(row, pf.BadRow):
                counts["bad"] += 1
                click.echo(f"bitext: {row}", err=True)
                continue
            pending.append(row)
            if len(pending) >= batch_size:
                flush()
        flush()
        written = writer.commit()
    except (pf.PairFileError, ModelError) as e:
        writer.abort()
        raise InputError(str(e)) from None
    except BaseException:
        writer.abort()
        raise
    finally:
        if pool is not None:
            pool.shutdown(cancel_futures=True)
    seconds = time.perf_counter() - started
    rate = counts["scored"] / seconds if seconds else 0.0
    kept = f"; kept {counts['kept']:,} (quality >= {min_score:g})" if min_score is not None else ""
    print(f"scored {counts['scored']:,} pairs ({scorer}) in {seconds:.1f} s ({rate:,.0f} pairs/s); "
          f"{counts['bad']:,} bad rows left out{kept} → {' + '.join(map(str, written))}",
          file=sys.stderr)
