"""`bitext eval` (strict bead P/R/F1, Bible verse level, folders pooled) and
`bitext align-sentences --jobs` (many file pairs in one process), through the CLI."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner

from corpus.cli import cli

EN = ["The museum opens at nine.", "Children under six enter for free.",
      "Photographs are not allowed in the east wing.", "The café closes at five."]
ZH = ["博物馆九点开门。", "六岁以下儿童免费入场。", "东翼禁止拍照。", "咖啡馆五点关门。"]


def write(path: Path, lines: list[str]) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("".join(f"{line}\n" for line in lines), encoding="utf-8")
    return path


def bitext(*args: str | Path):
    return CliRunner().invoke(cli, [str(a) for a in args])


# ------------------------------------------------------------------------------------
# eval


def test_eval_merges_beads_of_one_verse_and_an_empty_side_takes_the_others_verse(
        tmp_path: Path) -> None:
    en_verse = write(tmp_path / "en.verse", ["Gen:1:1", "Gen:1:2", "Gen:1:2", "Gen:1:3"])
    zh_verse = write(tmp_path / "zh.verse", ["Gen:1:1", "Gen:1:2", "Gen:1:3", "Gen:1:3"])
    gold = write(tmp_path / "gold.align", ["[0]:[0]", "[1,2]:[1]", "[3]:[2,3]"])
    pred = write(tmp_path / "pred.align", ["[0]:[0]", "[1]:[1]", "[2]:[]", "[3]:[2]", "[]:[3]"])

    result = bitext("eval", "--gold", gold, "--pred", pred)
    assert result.exit_code == 0, result.output
    assert result.stdout == "all\tP=0.2000\tR=0.3333\tF1=0.2500\t(gold 3, pred 5)\n"

    result = bitext("eval", "--gold", gold, "--pred", pred,
                    "--src-verse", en_verse, "--tgt-verse", zh_verse)
    assert result.exit_code == 0, result.output
    assert result.stdout == "all\tP=1.0000\tR=1.0000\tF1=1.0000\t(gold 3, pred 3)\n"


def test_eval_never_merges_a_bead_whose_sides_lie_in_different_verses(tmp_path: Path) -> None:
    """The Bertalign paper's rule: [1]:[1] has its English in Gen:1:1 and its Chinese in
    Gen:1:2, so it has no verse and stays apart. A merge by the verse of the bead's first
    sentence would join it to [0]:[0] and find the gold's [0,1]:[0,1] (F1 1.0)."""
    en_verse = write(tmp_path / "en.verse", ["Gen:1:1", "Gen:1:1", "Gen:1:2"])
    zh_verse = write(tmp_path / "zh.verse", ["Gen:1:1", "Gen:1:2", "Gen:1:2"])
    gold = write(tmp_path / "gold.align", ["[0,1]:[0,1]", "[2]:[2]"])
    pred = write(tmp_path / "pred.align", ["[0]:[0]", "[1]:[1]", "[2]:[2]"])

    result = bitext("eval", "--gold", gold, "--pred", pred,
                    "--src-verse", en_verse, "--tgt-verse", zh_verse)
    assert result.exit_code == 0, result.output
    assert result.stdout == "all\tP=0.3333\tR=0.5000\tF1=0.4000\t(gold 2, pred 3)\n"


def test_eval_a_bead_without_a_verse_breaks_a_run_of_one_verse(tmp_path: Path) -> None:
    en_verse = write(tmp_path / "en.verse", ["Gen:1:1", "Gen:1:1", "Gen:1:1"])
    zh_verse = write(tmp_path / "zh.verse", ["Gen:1:1", "Gen:1:2", "Gen:1:1"])
    gold = write(tmp_path / "gold.align", ["[0,1,2]:[0,1,2]"])
    pred = write(tmp_path / "pred.align", ["[0]:[0]", "[1]:[1]", "[2]:[2]"])

    result = bitext("eval", "--gold", gold, "--pred", pred,
                    "--src-verse", en_verse, "--tgt-verse", zh_verse)
    assert result.stdout == "all\tP=0.0000\tR=0.0000\tF1=0.0000\t(gold 1, pred 3)\n"


def test_eval_of_folders_gives_a_line_per_file_and_a_pooled_line(tmp_path: Path) -> None:
    write(tmp_path / "gold" / "001.align", ["[0]:[0]", "[1]:[1]", "[2]:[2]", "[3]:[3]"])
    write(tmp_path / "gold" / "002.align", ["[0]:[0]", "[1,2]:[1]"])
    write(tmp_path / "pred" / "001.align", ["[0]:[0]", "[1,2]:[1,2]", "[3]:[3]"])
    write(tmp_path / "pred" / "002.align", ["[0]:[0]", "[1,2]:[1]"])

    result = bitext("eval", "--gold", tmp_path / "gold", "--pred", tmp_path / "pred")
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines() == [
        "001.align\tP=0.6667\tR=0.5000\tF1=0.5714\t(gold 4, pred 3)",
        "002.align\tP=1.0000\tR=1.0000\tF1=1.0000\t(gold 2, pred 2)",
        "pooled\tP=0.8000\tR=0.6667\tF1=0.7273\t(gold 6, pred 5)",  # 4 of 5, 4 of 6
    ]

    (tmp_path / "pred" / "002.align").unlink()  # a missing prediction is no silent skip
    result = bitext("eval", "--gold", tmp_path / "gold", "--pred", tmp_path / "pred")
    assert result.exit_code == 1
    assert "lacks predicted files for 1 of 2 gold files: 002.align" in result.stderr


# ------------------------------------------------------------------------------------
# align-sentences --jobs


def test_jobs_file_aligns_every_pair_like_one_pair_at_a_time(tmp_path: Path) -> None:
    write(tmp_path / "text" / "a.en", EN)
    write(tmp_path / "text" / "a.zh", ZH)
    write(tmp_path / "b.zh", ZH[:3])
    write(tmp_path / "b.en", EN[:3])
    (tmp_path / "out").mkdir()
    jobs = write(tmp_path / "all.jobs", [
        "# SRC TGT OUT, relative to this file's folder or absolute",
        "text/a.en  text/a.zh  out/a.align",
        "",
        f"{tmp_path / 'b.zh'}\t{tmp_path / 'b.en'} out/b.align  # Chinese first",
    ])

    result = bitext("align-sentences", "--jobs", jobs, "--scores")
    assert result.exit_code == 0, result.output
    assert result.stdout == ""
    assert result.stderr == "bitext: 2 of 2 pairs aligned\n"
    for name, src, tgt in [("a", "text/a.en", "text/a.zh"), ("b", "b.zh", "b.en")]:
        one = bitext("align-sentences", tmp_path / src, tmp_path / tgt, "--scores")
        assert (tmp_path / "out" / f"{name}.align").read_text() == one.stdout
        assert one.stdout.splitlines()[0].startswith("[0]:[0]\t")
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == ["a.align", "b.align"]


def test_a_bad_job_line_is_a_one_line_error_and_the_other_jobs_still_run(
        tmp_path: Path) -> None:
    write(tmp_path / "a.en", EN)
    write(tmp_path / "a.zh", ZH)
    jobs = write(tmp_path / "all.jobs", [
        "a.en missing.zh a1.align",
        "a.en a.zh",
        "a.en a.zh a3.align",
        "a.en a.zh no-such-folder/a4.align",
    ])

    result = bitext("align-sentences", "--jobs", jobs, "--src-lang", "en")
    assert result.exit_code == 1
    assert result.stdout == ""
    assert result.stderr.splitlines() == [
        f"bitext: {jobs}:1: no such file: {tmp_path / 'missing.zh'}",
        f"bitext: {jobs}:2: expected 3 paths (SRC TGT OUT), got 2",
        (f"bitext: {jobs}:4: {tmp_path / 'no-such-folder' / 'a4.align'}: cannot write: "
         "No such file or directory"),
        "bitext: 1 of 4 pairs aligned, 3 failed",
    ]
    assert (tmp_path / "a3.align").read_text().split() == [f"[{k}]:[{k}]" for k in range(4)]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.en", "a.zh", "a3.align",
                                                          "all.jobs"]


def test_align_sentences_takes_src_and_tgt_or_a_jobs_file(tmp_path: Path) -> None:
    src, tgt = write(tmp_path / "a.en", EN), write(tmp_path / "a.zh", ZH)
    jobs = write(tmp_path / "all.jobs", ["a.en a.zh a.align"])

    for args, problem in [((), "give SRC and TGT, or --jobs FILE"),
                          ((src,), "give SRC and TGT, or --jobs FILE"),
                          ((src, tgt, "--jobs", jobs), "not both"),
                          (("--jobs", jobs, "-o", tmp_path / "x.align"), "each line names")]:
        result = bitext("align-sentences", *args)
        assert result.exit_code == 2, args
        assert problem in result.stderr
    assert not (tmp_path / "a.align").exists()
