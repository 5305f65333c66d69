"""``bitext align``, ``bitext align-sentences`` and ``bitext eval``."""

from __future__ import annotations

import os
import sys
from functools import partial
from pathlib import Path
from typing import Self

import click

from align import Settings, align_sentences
from corpus.beadfiles import read_beads, read_lines, score_beads, verse_merge
from corpus.runner import run_align


@click.command("align")
@click.argument("directory", type=click.Path(exists=True, file_okay=True, path_type=Path))
@click.option("-o", "--out", required=True, type=click.Path(path_type=Path),
              help="The pair store to write (a folder; replaced atomically).")
@click.option("-j", "--jobs", default=1, show_default=True, type=click.IntRange(1),
              help="Articles aligned in parallel processes (same rows as one job).")
@click.option("--engine", type=click.Choice(["local", "ray"]), default="local",
              show_default=True,
              help="Where articles are aligned: local processes (--jobs), or Ray Data on a "
                   "Ray cluster (optional extra: pip install 'bitext[ray]'). Same rows.")
@click.option("--address", default=None, metavar="ADDR",
              help="With --engine ray: the Ray cluster to join (host:6379, ray://host:10001, "
                   "auto; default: RAY_ADDRESS, a `ray start` cluster here, else a local "
                   "instance).")
@click.option("--strict", is_flag=True, help="Exit non-zero when any file had an error.")
@click.option("--semantic/--no-semantic", default=True, show_default=True,
              help="Score beads with multilingual sentence embeddings beside the dictionary "
                   "(texts up to 10,000 sentences); --no-semantic: the dictionary alone "
                   "(faster, weaker on free translation).")
@click.option("--progress/--no-progress", default=None,
              help="Progress bar (default: on when stderr is a terminal).")
def align(directory: Path, out: Path, jobs: int, engine: str, address: str | None,
          strict: bool, semantic: bool, progress: bool | None) -> None:
    """Align every dual-language article under DIRECTORY into a Parquet pair store.

    Reads .txt, .md and .html files (any depth), pairs two-file articles
    (x.en.md + x.zh.md, en/ + zh/ trees), finds the English and Chinese paragraphs,
    aligns their sentences and writes OUT/pairs.parquet and OUT/documents.parquet.
    Re-running only aligns new or changed articles.

    Example: bitext align articles/ -o store && bitext stats store

    \b
    On a Ray cluster (docs/scale-out.md):
      bitext align /shared/articles -o store --engine ray --address auto
    """
    settings = _settings(semantic)
    run = partial(run_align, jobs=jobs)
    engine_errors: tuple[type[Exception], ...] = ()
    if engine == "ray":
        if jobs != 1:
            raise click.UsageError("--jobs is for --engine local; Ray uses the cluster's CPUs")
        try:
            import ray  # noqa: F401
        except ImportError:
            raise click.ClickException(
                "--engine ray needs Ray, an optional extra: pip install 'bitext[ray]'") from None
        from corpus.ray_engine import RayEngineError, run_align_ray
        run = partial(run_align_ray, address=address)
        engine_errors = (RayEngineError,)
    elif address is not None:
        raise click.UsageError("--address is for --engine ray")
    show = sys.stderr.isatty() if progress is None else progress
    errors: list[str] = []

    def on_error(msg: str) -> None:
        errors.append(msg)
        click.echo(f"bitext: {msg}", err=True)

    from corpus.articles import find_articles

    total = len(list(find_articles(directory))) if show else 0
    with click.progressbar(length=total, label="aligning", file=sys.stderr,
                           show_pos=True) if show else _NoBar() as bar:
        try:
            report = run(directory, out, settings, on_article=lambda _: bar.update(1),
                         on_error=on_error)
        except engine_errors as exc:  # Ray unreachable: one line, no traceback
            raise click.ClickException(str(exc)) from None
    click.echo(
        f"{report.articles} articles: {report.aligned} aligned, {report.reused} unchanged, "
        f"{len(report.errors)} with errors; {report.pairs} pairs in {out}", err=True)
    if strict and report.errors:
        sys.exit(1)


class _NoBar:
    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        return None

    def update(self, n: int) -> None:
        return None


def _settings(semantic: bool) -> Settings:
    """The aligner's settings: its fitted model, without the embeddings if not
    ``semantic``."""
    return Settings() if semantic else Settings(semantic=0.0)


@click.command("align-sentences")
@click.argument("src", required=False,
                type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.argument("tgt", required=False,
                type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("-o", "--out", type=click.Path(dir_okay=False, path_type=Path),
              help="Bead file to write (default: standard output).")
@click.option("--jobs", "jobs_file", metavar="FILE",
              type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="Align many pairs in this one process instead of SRC TGT: a file of "
                   "lines 'SRC TGT OUT' (paths relative to FILE's folder or absolute; blank "
                   "lines and # comments skipped).")
@click.option("--src-lang", type=click.Choice(["en", "zh"]), default=None,
              help="Language of SRC (default: guessed from its script, for each pair).")
@click.option("--scores", is_flag=True, help="Append each bead's score after a tab.")
@click.option("--semantic/--no-semantic", default=True, show_default=True,
              help="Score beads with multilingual sentence embeddings beside the dictionary "
                   "(texts up to 10,000 sentences); --no-semantic: the dictionary alone "
                   "(faster, weaker on free translation).")
def align_sentences_cmd(src: Path | None, tgt: Path | None, out: Path | None,
                        jobs_file: Path | None, src_lang: str | None, scores: bool,
                        semantic: bool) -> None:
    """Align two files of one sentence a line; print beads like [0,1]:[2].

    Example: bitext align-sentences doc.en doc.zh -o doc.align

    \b
    Many pairs in one process (one start-up), each OUT written atomically:
      bitext align-sentences --jobs chapters.jobs --src-lang zh
    where each line of chapters.jobs is e.g. '001.zh 001.en out/001.align'. A bad line
    is reported as 'bitext: FILE:LINE: problem' and the others still run; the exit
    status is then 1.
    """
    if jobs_file is None:
        if src is None or tgt is None:
            raise click.UsageError("give SRC and TGT, or --jobs FILE")
        text = _align_files(src, tgt, src_lang, scores, _settings(semantic))
        if out is None:
            click.echo(text, nl=False)
        else:
            _write_atomic(out, text)
        return
    if src is not None or tgt is not None:
        raise click.UsageError("give SRC and TGT, or --jobs FILE, not both")
    if out is not None:
        raise click.UsageError("-o is for SRC TGT; with --jobs each line names its OUT")
    jobs, failed = read_jobs(jobs_file), 0
    settings = _settings(semantic)
    for where, job in jobs:
        problem: str | None = None
        if isinstance(job, str):
            problem = job
        else:
            job_src, job_tgt, job_out = job
            try:
                text = _align_files(job_src, job_tgt, src_lang, scores, settings)
                _write_atomic(job_out, text)
            except (OSError, UnicodeError, ValueError) as exc:
                problem = (f"{exc.filename}: {exc.strerror}" if isinstance(exc, OSError)
                           and exc.strerror and exc.filename else str(exc))
        if problem is not None:
            failed += 1
            click.echo(f"bitext: {where}: {problem}", err=True)
    click.echo(f"bitext: {len(jobs) - failed} of {len(jobs)} pairs aligned"
               + (f", {failed} failed" if failed else ""), err=True)
    if failed:
        sys.exit(1)


def read_jobs(path: Path) -> list[tuple[str, tuple[Path, Path, Path] | str]]:
    """The jobs of a job file, each as (``FILE:LINE``, (src, tgt, out)), or
    (``FILE:LINE``, problem) for a line that names no job: not three paths, or a SRC or
    TGT that is no file. Relative paths are taken from the job file's folder; blank lines
    and comments (from a word starting with ``#`` to the end of the line) are skipped."""
    jobs: list[tuple[str, tuple[Path, Path, Path] | str]] = []
    for number, line in enumerate(read_lines(path), 1):
        words = line.split()
        words = words[:next((i for i, w in enumerate(words) if w.startswith("#")), len(words))]
        if not words:
            continue
        where = f"{path}:{number}"
        if len(words) != 3:
            jobs.append((where, f"expected 3 paths (SRC TGT OUT), got {len(words)}"))
            continue
        src, tgt, out = (path.parent / w for w in words)  # an absolute w stays as it is
        missing = next((p for p in (src, tgt) if not p.is_file()), None)
        jobs.append((where, f"no such file: {missing}" if missing else (src, tgt, out)))
    return jobs


def _align_files(src: Path, tgt: Path, src_lang: str | None, scores: bool,
                 settings: Settings) -> str:
    """The bead file text of aligning SRC with TGT (SRC's language guessed if None)."""
    s, t = read_lines(src), read_lines(tgt)
    if src_lang is None:
        han = sum(1 for line in s[:200] for c in line if "\u4e00" <= c <= "\u9fff")
        src_lang = "zh" if han > sum(len(line) for line in s[:200]) * 0.2 else "en"
    tgt_lang = "zh" if src_lang == "en" else "en"
    beads = align_sentences(s, t, src_lang, tgt_lang, settings=settings)
    return "".join(f"{b}\t{b.score:.4f}\n" if scores else f"{b}\n" for b in beads)


def _write_atomic(out: Path, text: str) -> None:
    """Write ``out`` through a temporary file beside it and a rename."""
    tmp = out.with_name(out.name + f".{os.getpid()}.tmp")
    try:
        tmp.write_text(text, encoding="utf-8")
        os.replace(tmp, out)
    except OSError as exc:  # name OUT, not the temporary file
        raise OSError(exc.errno, f"cannot write: {exc.strerror}", str(out)) from exc
    finally:
        tmp.unlink(missing_ok=True)


@click.command("eval")
@click.option("--gold", required=True, type=click.Path(exists=True, path_type=Path),
              help="Gold bead file, or a folder of them.")
@click.option("--pred", required=True, type=click.Path(exists=True, path_type=Path),
              help="Predicted bead file, or a folder with files of the same names.")
@click.option("--src-verse", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="Verse of each source line (Bible): score at verse level, the beads "
                   "merged as the Bertalign paper's evaluation script merges them.")
@click.option("--tgt-verse", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="Verse of each target line (with --src-verse).")
def eval_cmd(gold: Path, pred: Path, src_verse: Path | None, tgt_verse: Path | None) -> None:
    """Strict precision, recall and F1 of predicted beads against gold beads.

    A predicted bead is right only when the identical bead is in the gold; every bead
    counts, empty-sided ones included. With a folder of gold files: a line per file,
    then a 'pooled' line over all of them (summed counts).

    With --src-verse/--tgt-verse (the Bible) beads are first merged to verse level: a
    bead has a verse when each non-empty side lies within one verse and both sides in
    the same one; consecutive beads of one verse merge; a bead without one never merges.

    \b
    Example: bitext eval --gold gold/001.align --pred 001.align
             bitext eval --gold gold/ --pred pred/
    """
    if (src_verse is None) != (tgt_verse is None):
        raise click.UsageError("--src-verse and --tgt-verse go together")
    if gold.is_dir():
        if not pred.is_dir():
            raise click.UsageError(f"--gold {gold} is a folder: --pred must be one too")
        golds = sorted(g for g in gold.iterdir() if g.is_file() and not g.name.startswith("."))
        missing = [g.name for g in golds if not (pred / g.name).is_file()]
        if not golds:
            raise click.ClickException(f"no gold files in {gold}")
        if missing:
            raise click.ClickException(
                f"{pred} lacks predicted files for {len(missing)} of {len(golds)} gold "
                f"files: {', '.join(missing[:5])}{', ...' if len(missing) > 5 else ''}")
        pairs = [(g, pred / g.name) for g in golds]
    else:
        pairs = [(gold, pred / gold.name if pred.is_dir() else pred)]
    verses = (read_lines(src_verse), read_lines(tgt_verse)) if src_verse and tgt_verse else None
    total = [0, 0, 0]
    for g, p in pairs:
        gb, pb = read_beads(g), read_beads(p)
        if verses:
            gb, pb = verse_merge(gb, *verses), verse_merge(pb, *verses)
        c, n_pred, n_gold = score_beads(gb, pb)
        total = [total[0] + c, total[1] + n_pred, total[2] + n_gold]
        if gold.is_dir():
            click.echo(_prf_line(g.name, c, n_pred, n_gold))
    click.echo(_prf_line("pooled" if gold.is_dir() else "all", *total))


def _prf_line(name: str, correct: int, n_pred: int, n_gold: int) -> str:
    p = correct / n_pred if n_pred else 0.0
    r = correct / n_gold if n_gold else 0.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return f"{name}\tP={p:.4f}\tR={r:.4f}\tF1={f:.4f}\t(gold {n_gold}, pred {n_pred})"
