"""The ``bitext`` command line."""

from __future__ import annotations

import click

from corpus import __version__


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="bitext")
def cli() -> None:
    """bitext: English–Chinese parallel corpora from dual-language articles."""


# Commands register here, one line each.
# -- commands --
from corpus.report_cmd import report

cli.add_command(report)
from corpus.align_cmd import align, align_sentences_cmd, eval_cmd

cli.add_command(align)
cli.add_command(align_sentences_cmd)
cli.add_command(eval_cmd)
from corpus.export_cmd import export, stats

cli.add_command(export)
cli.add_command(stats)

from corpus.score_cmd import score

cli.add_command(score)
from corpus.decide_cmd import decide

cli.add_command(decide)


def main() -> None:
    cli()
