"""Reference-based scores through sacrebleu: BLEU, chrF, chrF++ and TER.

Nothing here re-implements a metric: each is a ``sacrebleu.metrics`` object, built with
the settings its command line would use for the same target language, so every number
and signature equals that of ``sacrebleu REF -i HYP`` with the matching flags:

- BLEU: ``-tok zh`` when the references are mostly Chinese, ``13a`` otherwise;
- chrF++: ``--chrf-word-order 2``;
- TER on Chinese: ``--ter-normalized --ter-asian-support`` (sacrebleu's ``asian_support``
  only splits Han characters when ``normalized`` is on; without it a Chinese sentence
  would be a single TER word).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import cast

from sacrebleu.metrics import BLEU, CHRF, TER
from sacrebleu.metrics.base import Metric, Score
from sacrebleu.significance import PairedTest, Result

METRIC_NAMES = ("bleu", "chrf", "chrf++", "ter")
BLEU_TOKENIZERS: tuple[str, ...] = tuple(BLEU.TOKENIZERS)


class SegmentCountError(ValueError):
    """Hypotheses and references do not have the same number of segments."""


def read_segments(path: Path) -> list[str]:
    """One segment per line of a UTF-8 file, trailing whitespace dropped (as sacrebleu)."""
    with open(path, encoding="utf-8", newline="\n") as f:
        return [line.rstrip() for line in f]


def check_segment_counts(streams: Sequence[tuple[str, Sequence[str]]]) -> None:
    """Raise :class:`SegmentCountError` unless all named streams have the same length."""
    if len({len(segments) for _, segments in streams}) > 1:
        listed = ", ".join(f"{name} has {len(segments)}" for name, segments in streams)
        raise SegmentCountError(f"segment counts differ: {listed}")


def _is_han(char: str) -> bool:
    return (
        "\u4e00" <= char <= "\u9fff"
        or "\u3400" <= char <= "\u4dbf"
        or "\uf900" <= char <= "\ufaff"
        or "\U00020000" <= char <= "\U0003134f"
    )


def is_mostly_chinese(segments: Iterable[str]) -> bool:
    """True when Han characters are the majority of the letters in the segments."""
    han = letters = 0
    for segment in segments:
        for char in segment:
            if char.isalpha():
                letters += 1
                han += _is_han(char)
    return letters > 0 and 2 * han > letters


def build_metrics(
    names: Sequence[str],
    references: Sequence[Sequence[str]],
    tokenize: str | None = None,
    sentence_level: bool = False,
) -> dict[str, Metric]:
    """The sacrebleu metrics ``names`` (from :data:`METRIC_NAMES`), references cached.

    :param references: one stream per reference, each as long as the hypotheses.
    :param tokenize: BLEU's tokenizer; chosen from the references when ``None``.
    :param sentence_level: BLEU with effective order, as sentence scores need.
    """
    chinese = is_mostly_chinese(s for stream in references for s in stream)
    metrics: dict[str, Metric] = {}
    for name in names:
        if name == "bleu":
            metrics[name] = BLEU(
                tokenize=tokenize or ("zh" if chinese else "13a"),
                effective_order=sentence_level,
                references=references,
            )
        elif name == "chrf":
            metrics[name] = CHRF(references=references)
        elif name == "chrf++":
            metrics[name] = CHRF(word_order=2, references=references)
        elif name == "ter":
            metrics[name] = TER(normalized=chinese, asian_support=chinese, references=references)
        else:
            raise ValueError(f"unknown metric {name!r}; choose from {', '.join(METRIC_NAMES)}")
    return metrics


@dataclass(frozen=True)
class CorpusScore:
    """One metric's corpus score with its sacrebleu signature."""

    score: Score
    signature: str

    @property
    def confidence(self) -> tuple[float, float] | None:
        """Bootstrap mean and 95% half-width, when resampled (sacrebleu keeps them private)."""
        return (self.score._mean, self.score._ci) if self.score._mean > 0 else None


def corpus_scores(
    hypotheses: Sequence[str], metrics: dict[str, Metric], n_bootstrap: int = 1
) -> list[CorpusScore]:
    """Score one system with every metric; ``n_bootstrap > 1`` adds a 95% interval."""
    results = []
    for metric in metrics.values():
        score = metric.corpus_score(hypotheses, None, n_bootstrap=n_bootstrap)
        results.append(CorpusScore(score, metric.get_signature().format()))
    return results


def sentence_scores(
    hypotheses: Sequence[str], references: Sequence[Sequence[str]], metrics: dict[str, Metric]
) -> list[dict[str, float]]:
    """Per-segment scores, keyed by sacrebleu's metric name (``BLEU``, ``chrF2``, ...)."""
    rows = []
    for hypothesis, *segment_refs in zip(hypotheses, *references, strict=True):
        row = {}
        for metric in metrics.values():
            score = metric.sentence_score(hypothesis, segment_refs)
            row[score.name] = score.score
        rows.append(row)
    return rows


@dataclass(frozen=True)
class PairedComparison:
    """Systems compared to the first (the baseline) by sacrebleu's paired test."""

    systems: list[str]
    signatures: dict[str, str]  # metric name -> signature (with test type, n and seed)
    results: dict[str, list[Result]]  # metric name -> one result per system
    test_type: str  # "bs" (paired bootstrap) or "ar" (approximate randomization)
    n_samples: int


def paired_test(
    named_systems: Sequence[tuple[str, Sequence[str]]],
    metrics: dict[str, Metric],
    test_type: str = "bs",
    n_samples: int = 0,
    n_ar_confidence: int = -1,
) -> PairedComparison:
    """Run ``sacrebleu.significance.PairedTest``; the first system is the baseline.

    :param n_samples: resamples (``bs``) or trials (``ar``); 0 for sacrebleu's defaults.
    :param n_ar_confidence: bootstrap resamples for intervals under ``ar``; -1 for none.
    """
    test = PairedTest(
        list(named_systems),
        metrics,
        references=None,
        test_type=test_type,
        n_samples=n_samples,
        n_ar_confidence=n_ar_confidence,
    )
    signatures, table = test()
    # the table's first column holds the system names, the others one Result per system
    results = {name: cast(list[Result], col) for name, col in table.items() if name != "System"}
    return PairedComparison(
        systems=[name for name, _ in named_systems],
        signatures={name: sig.format() for name, sig in signatures.items()},
        results=results,
        test_type=test_type,
        n_samples=test.n_samples,
    )
