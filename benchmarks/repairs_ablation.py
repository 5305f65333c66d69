"""What each repair after the aligner is worth: articles-dev pair F1 with it left out.

The pipeline (``corpus/pipeline.py``) mends the aligner's beads in a few steps; a step
whose removal costs nothing on the dev sets is a repair the aligner's model has made
unnecessary, and goes. Each step is replaced in turn by one that leaves the beads or
rows as they are, and the whole pipeline runs on articles-dev (``fit_aligner``'s
``articles_f1``, the bench's evalpairs).

    .venv/bin/python benchmarks/repairs_ablation.py [--only NAME,...]
"""

from __future__ import annotations

import argparse
from contextlib import contextmanager

from fit_aligner import articles_f1

import corpus.pipeline as pipeline
from align import Settings


def _keep_beads(beads, *_args, **_kwargs):
    return beads


def _no_rows_change(*_args, **_kwargs):
    return None


def _whole(b, en, zh, *_args, **_kwargs):
    return [(b.src, b.tgt, " ".join(en[i].text for i in b.src),
             "".join(zh[j].text for j in b.tgt))]


# The repairs, and what stands in for each when it is left out.
REPAIRS = {
    "rejoin_left_out": ("_rejoin_left_out", _keep_beads),
    "stranded": ("_stranded", lambda *_a: False),
    "fill_gaps": ("_fill_gaps", _keep_beads),
    "pieces": ("_pieces", _whole),
    "redivide": ("_redivide", _no_rows_change),
    "return_closing_quotes": ("_return_closing_quotes", _no_rows_change),
    # Divisions inside ``_pieces``, left out by asking more of the dictionary than it
    # can give (coverage above 1).
    "run_on_division": ("RUN_ON_MIN_COVERAGE", 2.0),
    "clause_division": ("CLAUSE_MIN_COVERAGE", 2.0),
}


@contextmanager
def without(name: str):
    attr, stand_in = REPAIRS[name]
    saved = getattr(pipeline, attr)
    setattr(pipeline, attr, stand_in)
    try:
        yield
    finally:
        setattr(pipeline, attr, saved)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", default=",".join(REPAIRS))
    opts = parser.parse_args()
    settings = Settings()
    full = articles_f1(settings)
    print(f"{'pipeline':<24}F1 {full:.4f}", flush=True)
    for name in opts.only.split(","):
        with without(name):
            f1 = articles_f1(settings)
        print(f"{'without ' + name:<24}F1 {f1:.4f}  ({f1 - full:+.4f})", flush=True)


if __name__ == "__main__":
    main()
