"""`bitext score` against the sacrebleu command line, on real files."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import polars as pl
import pytest
from click.testing import CliRunner, Result

from corpus.cli import cli
from corpus.metrics import is_mostly_chinese

REPO = Path(__file__).resolve().parents[1]
SAMPLES = REPO / "data" / "metrics"  # 20 sentences: ref.zh, mt-a.zh, mt-b.zh, ref.en, ...
NTREX = Path(__file__).resolve().parents[2] / "shared" / "bench" / "ntrex"

# sacrebleu's flags for what `bitext score` picks on its own for a Chinese target.
ZH_FLAGS = ["-tok", "zh", "--ter-normalized", "--ter-asian-support"]


def bitext(*args: str | Path) -> Result:
    return CliRunner().invoke(cli, ["score", *map(str, args)])


def sacrebleu(*args: str | Path) -> str:
    """Run the sacrebleu command line; its stdout."""
    cmd = [sys.executable, "-m", "sacrebleu", *map(str, args)]
    return subprocess.run(cmd, check=True, capture_output=True, text=True).stdout


def sacrebleu_lines(*args: str | Path) -> list[str]:
    """sacrebleu's text output, one score per line, without its alignment padding."""
    return [line.strip() for line in sacrebleu(*args, "-f", "text").splitlines()]


def bitext_lines(*args: str | Path) -> list[str]:
    result = bitext(*args)
    assert result.exit_code == 0, result.output
    return result.stdout.splitlines()


def sample(name: str) -> Path:
    return SAMPLES / name


def test_chinese_target_equals_sacrebleu_cli() -> None:
    hyp, ref = sample("mt-a.zh"), sample("ref.zh")
    expected = sacrebleu_lines(ref, "-i", hyp, "-m", "bleu", "chrf", "ter", *ZH_FLAGS, "-w", "2")
    expected += sacrebleu_lines(ref, "-i", hyp, "-m", "chrf", "--chrf-word-order", "2", "-w", "2")

    lines = bitext_lines(hyp, "-r", ref, "-w", "2")

    assert sorted(lines) == sorted(expected)
    assert lines[0].startswith("BLEU|nrefs:1|case:mixed|eff:no|tok:zh|")


def test_english_target_with_two_references_equals_sacrebleu_cli() -> None:
    hyp, refs = sample("mt.en"), [sample("ref.en"), sample("ref2.en")]
    expected = sacrebleu_lines(*refs, "-i", hyp, "-m", "bleu", "chrf", "ter", "-w", "2")

    lines = bitext_lines(hyp, "-r", refs[0], "-r", refs[1], "-m", "bleu,chrf,ter", "-w", "2")

    assert sorted(lines) == sorted(expected)
    assert "tok:13a" in lines[0] and "nrefs:2" in lines[0]


def test_tok_overrides_the_choice_from_the_references() -> None:
    lines = bitext_lines(sample("mt-a.zh"), "-r", sample("ref.zh"), "-m", "bleu", "--tok", "char")
    assert "tok:char" in lines[0]


def test_confidence_intervals_equal_sacrebleu_cli() -> None:
    hyp, ref = sample("mt-b.zh"), sample("ref.zh")
    expected = sacrebleu_lines(ref, "-i", hyp, "-m", "bleu", "ter", *ZH_FLAGS, "-ci", "-cin", "50")

    lines = bitext_lines(hyp, "-r", ref, "-m", "bleu,ter", "--confidence", "--confidence-n", "50")

    assert sorted(lines) == sorted(expected)
    assert all("bs:50" in line and "μ = " in line and " ± " in line for line in lines)


def test_json_output_has_score_signature_and_ci() -> None:
    hyp, ref = sample("mt.en"), sample("ref.en")
    cli_json = json.loads(sacrebleu(ref, "-i", hyp, "-m", "bleu", "-w", "4"))

    result = bitext(hyp, "-r", ref, "-f", "json", "--confidence", "--confidence-n", "20")
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)

    assert report["system"] == str(hyp) and report["segments"] == 20
    assert set(report["metrics"]) == {"BLEU", "chrF2", "chrF2++", "TER"}
    bleu = report["metrics"]["BLEU"]
    assert round(bleu["score"], 4) == cli_json["score"]
    assert bleu["signature"].startswith("nrefs:1|bs:20|seed:12345|case:mixed|eff:no|tok:13a")
    assert bleu["ci"] > 0 and abs(bleu["mean"] - bleu["score"]) < 10


def test_sentence_scores_equal_sacrebleu_cli() -> None:
    hyp, ref = sample("mt-a.zh"), sample("ref.zh")
    per_metric = {
        "BLEU": sacrebleu_lines(ref, "-i", hyp, "-sl", "-m", "bleu", *ZH_FLAGS, "-w", "4"),
        "TER": sacrebleu_lines(ref, "-i", hyp, "-sl", "-m", "ter", *ZH_FLAGS, "-w", "4"),
    }

    lines = bitext_lines(hyp, "-r", ref, "--sentence", "-m", "bleu,ter", "-w", "4")

    signatures, header, rows = lines[:2], lines[2], lines[3:]
    assert signatures[0].startswith("# BLEU|nrefs:1|case:mixed|eff:yes|tok:zh")
    assert header.split("\t") == ["segment", "BLEU", "TER"]
    assert len(rows) == 20
    for i, row in enumerate(rows):
        _, bleu, ter = row.split("\t")
        assert f"= {bleu} " in per_metric["BLEU"][i]
        assert per_metric["TER"][i].endswith(f"= {ter}")


def test_paired_bootstrap_lists_both_systems_with_p_values() -> None:
    base, new, ref = sample("mt-a.zh"), sample("mt-b.zh"), sample("ref.zh")
    cli_json = json.loads(
        sacrebleu(ref, "-i", base, new, "-m", "bleu", *ZH_FLAGS, "--paired-bs", "-pbsn", "100")
    )

    text = bitext_lines(base, new, "-r", ref, "-m", "bleu", "--paired-n", "100")
    result = bitext(base, new, "-r", ref, "-m", "bleu", "--paired-n", "100", "-f", "json")
    report = json.loads(result.stdout)

    assert text[0] == f"Paired bootstrap resampling test (100 resamples), baseline {base}"
    assert text[1].startswith("BLEU|nrefs:1|bs:100|seed:12345|")
    assert f"baseline {base}" in text[2] and "p = " not in text[2]
    assert str(new) in text[3] and "p = 0.0099 *" in text[3]
    systems = report["metrics"]["BLEU"]["systems"]
    assert [s["system"] for s in systems] == [str(base), str(new)]
    assert systems[0]["p_value"] is None
    assert systems[1] == cli_json[1]["BLEU"] | {"system": str(new)}


def test_paired_approximate_randomization() -> None:
    base, new, ref = sample("mt-a.zh"), sample("mt-b.zh"), sample("ref.zh")
    args = ["-m", "chrf", "--paired-ar", "--paired-n", "200"]
    text = bitext_lines(base, new, "-r", ref, *args)

    assert text[0].startswith("Paired approximate randomization test (200 trials)")
    assert "ar:200" in text[1]
    assert "p = 0.0050 *" in text[3]


def test_mismatched_line_counts_give_one_line_error(tmp_path: Path) -> None:
    short = tmp_path / "short.zh"
    short.write_text(
        "".join(sample("ref.zh").read_text(encoding="utf-8").splitlines(True)[:19]),
        encoding="utf-8",
    )

    result = bitext(sample("mt-a.zh"), "-r", short)

    assert result.exit_code == 2
    assert result.output == (
        f"Error: segment counts differ: {sample('mt-a.zh')} has 20, {short} has 19\n"
    )


def test_bad_requests_are_usage_errors(tmp_path: Path) -> None:
    hyp, ref = sample("mt.en"), sample("ref.en")
    not_utf8 = tmp_path / "gbk.zh"
    not_utf8.write_bytes("市议会周二晚上批准了新的预算。\n".encode("gb18030"))

    assert bitext(hyp, "-r", ref, "-m", "bleu,meteor").exit_code == 2
    assert bitext(hyp).exit_code == 2  # no reference
    assert bitext(hyp, "-r", ref, "--paired-ar").exit_code == 2  # one system
    assert bitext(hyp, hyp, "-r", ref, "--sentence").exit_code == 2
    result = bitext(not_utf8, "-r", not_utf8)
    assert result.exit_code == 2 and "not UTF-8" in result.output
    assert "Traceback" not in result.output


@pytest.fixture
def store(tmp_path: Path) -> Path:
    """A pair store whose rows carry a machine translation `mt` of `en` beside `zh`."""
    table = pl.DataFrame(
        {
            "en": (SAMPLES / "ref.en").read_text(encoding="utf-8").splitlines(),
            "zh": (SAMPLES / "ref.zh").read_text(encoding="utf-8").splitlines(),
            "mt": (SAMPLES / "mt-a.zh").read_text(encoding="utf-8").splitlines(),
        }
    )
    table.write_parquet(tmp_path / "pairs.parquet")
    return tmp_path


def test_pair_store_columns_score_like_files(store: Path) -> None:
    from_files = json.loads(bitext(sample("mt-a.zh"), "-r", sample("ref.zh"), "-f", "json").stdout)

    result = bitext(store, "--hyp-column", "mt", "--ref-column", "zh", "-f", "json")

    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["metrics"] == from_files["metrics"]


def test_pair_store_errors(store: Path) -> None:
    missing = bitext(store, "--hyp-column", "nmt", "--ref-column", "zh")
    assert missing.exit_code == 2
    assert "no column nmt; it has en, zh, mt" in missing.output
    assert bitext(store, "--ref-column", "zh").exit_code == 2  # which column is the system?
    assert bitext(sample("mt.en"), "-r", sample("ref.en"), "--hyp-column", "mt").exit_code == 2
    not_a_store = bitext(store / "missing-dir")
    assert not_a_store.exit_code == 2  # click: no such path
    (store / "empty").mkdir()
    result = bitext(store / "empty")
    assert result.exit_code == 2 and "not a pair store (no pairs.parquet)" in result.output


def test_chinese_is_detected_by_han_majority() -> None:
    assert is_mostly_chinese(["市议会周二晚上批准了新的 budget。"])
    assert not is_mostly_chinese(["The council approved the 新预算 on Tuesday."])
    assert not is_mostly_chinese(["", "2024"])


def test_ntrex_taiwan_against_mainland_reference_equals_sacrebleu_cli(tmp_path: Path) -> None:
    if not NTREX.is_dir():
        pytest.skip("../shared not present (user clone)")
    system, ref = tmp_path / "zho-TW.txt", tmp_path / "zho-CN.txt"
    for name, path in [
        ("newstest2019-ref.zho-TW.txt", system),
        ("newstest2019-ref.zho-CN.txt", ref),
    ]:
        lines = (NTREX / name).read_text(encoding="utf-8").splitlines(True)[:200]
        path.write_text("".join(lines), encoding="utf-8")
    expected = sacrebleu_lines(ref, "-i", system, "-m", "bleu", "chrf", *ZH_FLAGS, "-w", "3")

    lines = bitext_lines(system, "-r", ref, "-m", "bleu,chrf", "-w", "3")

    assert sorted(lines) == sorted(expected)
