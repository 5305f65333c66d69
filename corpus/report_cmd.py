"""``bitext report``: a self-contained HTML page to review the pairs of a store."""

from __future__ import annotations

import sys
from pathlib import Path

import click

DEFAULT_PAGE_SIZE = 200  # corpus.report.PAGE_SIZE; kept here so --help loads no polars


@click.command()
@click.argument("store", metavar="OUT", type=click.Path(path_type=Path))
@click.option(
    "-o",
    "--output",
    type=click.Path(path_type=Path, dir_okay=False),
    required=True,
    help="The HTML file to write (replaced atomically).",
)
@click.option(
    "--page-size",
    type=click.IntRange(10, 5000),
    default=DEFAULT_PAGE_SIZE,
    show_default=True,
    help="Beads on one page of the review.",
)
@click.option("--title", help="Page title (default: 'bitext review: ' and the store's name).")
def report(store: Path, output: Path, page_size: int, title: str | None) -> None:
    """Write a review page of the store OUT: one HTML file, no server, no network.

    The page shows a summary (documents, pairs, layouts, bead types, the quality
    distribution, the share of sentences aligned per document), then each document's
    English and Chinese sentences side by side, bead by bead, coloured by quality, with
    the text left unaligned; filters (quality threshold, bead type, layout, search) run
    in the browser.

    \b
    Example:
      bitext align data/samples -o demo-out
      bitext report demo-out -o review.html    # open review.html in a browser
    """
    from corpus.report import write_report  # polars and the store only when run
    from corpus.store import StoreError

    try:
        with click.progressbar(
            length=_pair_count(store),
            label="writing the review",
            file=sys.stderr,
            hidden=not sys.stderr.isatty(),
        ) as bar:
            done = write_report(
                store, output, page_size=page_size, title=title, progress=bar.update
            )
    except StoreError as err:
        raise click.ClickException(str(err)) from None
    except OSError as err:
        raise click.ClickException(f"{output}: {err.strerror or err}") from None
    click.echo(
        f"wrote {done.path}: {done.pairs:,} pairs, {done.documents:,} documents, "
        f"{_size(done.bytes)} in {done.seconds:.1f} s",
        err=True,
    )


def _pair_count(store: Path) -> int:
    import polars as pl

    from corpus.store import scan_pairs

    return scan_pairs(store).select(pl.len()).collect().item()


def _size(n: int) -> str:
    return f"{n / 1e6:.1f} MB" if n >= 1e6 else f"{n / 1e3:.0f} kB"
