"""`bitext score FILE`: any parallel file scored pair by pair, streamed, bad rows reported."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from pathlib import Path

import polars as pl
import pytest
from click.testing import CliRunner

from corpus.cli import cli
from corpus.quality import score_pairs

PAIRS = [
    ("The government will build three new hospitals in the capital next year.",
     "政府明年将在首都新建三家医院。"),
    ("Scientists found that the drug reduced the risk of heart attack by 20 percent.",
     "科学家发现，这种药物使心脏病发作的风险降低了20%。"),
    ("Apple released the new iPhone in September, and sales rose quickly.",
     "苹果公司在九月发布了新款iPhone，销量迅速上升。"),
    ("Heavy rain caused flooding in many villages along the river.",
     "暴雨导致河流沿岸许多村庄发生洪水。"),
]
# Each English sentence with the next one's Chinese: the aligner's typical error.
SHIFTED = [(PAIRS[k][0], PAIRS[(k + 1) % len(PAIRS)][1]) for k in range(len(PAIRS))]
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"


def run(*args: object) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, ["score", *map(str, args)])
    return result.exit_code, result.stdout, result.stderr


def test_tsv_gets_a_quality_column_and_bad_rows_one_line_each(tmp_path: Path) -> None:
    path = tmp_path / "corpus.tsv"
    lines = [f"{e}\t{z}" for e, z in PAIRS + SHIFTED]
    lines.insert(2, "three\tcolumns\there")  # line 3
    lines.insert(5, f"{PAIRS[0][0]}\t ")  # line 6: empty Chinese side
    path.write_bytes("\n".join(lines).encode() + b"\n" + "坏行\t".encode("gb18030") + b"\n")
    out = tmp_path / "scored.tsv"

    code, _, err = run(path, "-o", out)

    assert code == 0, err
    assert err.splitlines()[:3] == [
        f"bitext: {path}:3: 3 columns, expected 2",
        f"bitext: {path}:6: empty Chinese side",
        f"bitext: {path}:11: not UTF-8",
    ]
    assert "3 bad rows left out" in err and "Traceback" not in err
    rows = [line.split("\t") for line in out.read_text(encoding="utf-8").splitlines()]
    assert [(e, z) for e, z, _ in rows] == PAIRS + SHIFTED
    quality = [float(q) for _, _, q in rows]
    assert all(0.0 <= q <= 1.0 for q in quality)
    true, shifted = quality[:4], quality[4:]
    assert min(true) > 0.5 > max(shifted)
    # The same model as the store's: the score of score_pairs, to its 4 decimals.
    expected = score_pairs([e for e, _ in PAIRS], [z for _, z in PAIRS])["quality"]
    assert true == pytest.approx(expected, abs=1e-4)


def test_tsv_language_order_and_header_are_detected(tmp_path: Path) -> None:
    path = tmp_path / "zh-en.tsv"
    path.write_text("zh\ten\n" + "".join(f"{z}\t{e}\n" for e, z in PAIRS), encoding="utf-8")
    out = tmp_path / "out.tsv"
    code, _, err = run(path, "-o", out)
    assert code == 0, err
    lines = out.read_text(encoding="utf-8").splitlines()
    assert lines[0] == "zh\ten\tquality"
    assert all(float(line.split("\t")[2]) > 0.5 for line in lines[1:])


def test_min_score_filters_and_leaves_rows_as_they_were(tmp_path: Path) -> None:
    path = tmp_path / "mixed.tsv"
    path.write_text("".join(f"{e}\t{z}\n" for e, z in PAIRS + SHIFTED), encoding="utf-8")
    out = tmp_path / "clean.tsv"
    code, _, err = run(path, "-o", out, "--min-score", "0.5")
    assert code == 0, err
    assert out.read_text(encoding="utf-8") == "".join(f"{e}\t{z}\n" for e, z in PAIRS)
    assert "kept 4 (quality >= 0.5)" in err


def test_moses_pair_with_a_missing_line(tmp_path: Path) -> None:
    en, zh = tmp_path / "x.en", tmp_path / "x.zh"
    en.write_text("".join(f"{e}\n" for e, _ in PAIRS), encoding="utf-8")
    zh.write_text("".join(f"{z}\n" for _, z in PAIRS[:3]), encoding="utf-8")
    code, _, err = run(zh, en, "-o", tmp_path / "scored")  # order: by suffix
    assert code == 0, err
    assert f"bitext: {en}:4: no line 4 in {zh}" in err
    assert (tmp_path / "scored.en").read_text(encoding="utf-8").splitlines() == \
        [e for e, _ in PAIRS[:3]]
    assert (tmp_path / "scored.zh").read_text(encoding="utf-8").splitlines() == \
        [z for _, z in PAIRS[:3]]
    quality = (tmp_path / "scored.quality").read_text(encoding="utf-8").splitlines()
    assert len(quality) == 3 and all(float(q) > 0.5 for q in quality)


def test_jsonl_keeps_its_fields_and_reports_bad_lines(tmp_path: Path) -> None:
    path = tmp_path / "data.jsonl"
    records = [{"id": k, "translation": {"en": e, "zh": z}} for k, (e, z) in enumerate(PAIRS)]
    lines = [json.dumps(r, ensure_ascii=False) for r in records]
    lines += ['{"translation": {"en": "no Chinese"}}', "{not json", json.dumps(
        {"en": SHIFTED[0][0], "zh-CN": SHIFTED[0][1]}, ensure_ascii=False)]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    out = tmp_path / "scored.jsonl"
    code, _, err = run(path, "-o", out)
    assert code == 0, err
    assert f"bitext: {path}:5: no Chinese field" in err
    assert f"bitext: {path}:6: not JSON" in err
    written = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert [w["id"] for w in written[:4]] == [0, 1, 2, 3]
    assert [w["translation"] for w in written[:4]] == [r["translation"] for r in records]
    assert all(w["quality"] > 0.5 for w in written[:4])
    assert written[4]["zh-CN"] == SHIFTED[0][1] and written[4]["quality"] < 0.5


def test_tmx_gets_a_quality_prop(tmp_path: Path) -> None:
    units = "".join(
        f'<tu tuid="{k}"><tuv xml:lang="en-US"><seg>{e}</seg></tuv>'
        f'<tuv xml:lang="zh-CN"><seg>{z}</seg></tuv></tu>\n'
        for k, (e, z) in enumerate(PAIRS + SHIFTED))
    units += '<tu tuid="x"><tuv xml:lang="en"><seg>alone</seg></tuv></tu>\n'
    path = tmp_path / "memory.tmx"
    path.write_text('<?xml version="1.0" encoding="UTF-8"?>\n<tmx version="1.4">'
                    '<header srclang="en-US" creationtool="t" segtype="sentence" o-tmf="t" '
                    f'adminlang="en" datatype="plaintext"/><body>\n{units}</body></tmx>\n',
                    encoding="utf-8")
    out = tmp_path / "scored.tmx"
    code, _, err = run(path, "-o", out)
    assert code == 0, err
    assert f"bitext: {path}:tu 9: no Chinese segment" in err
    root = ET.parse(out).getroot()
    assert root.find("header").get("srclang") == "en-US"
    tus = root.find("body").findall("tu")
    assert [tu.get("tuid") for tu in tus] == [str(k) for k in range(8)]
    quality = [float(tu.find("prop[@type='x-quality']").text) for tu in tus]
    assert min(quality[:4]) > 0.5 > max(quality[4:])
    assert tus[0].find("tuv").get(XML_LANG) == "en-US"


def test_broken_tmx_is_one_line_and_writes_nothing(tmp_path: Path) -> None:
    path = tmp_path / "broken.tmx"
    path.write_text("<tmx><body><tu><tuv xml:lang='en'><seg>a</seg></tuv>", encoding="utf-8")
    out = tmp_path / "out.tmx"
    code, _, err = run(path, "-o", out)
    assert code == 2 and "not well-formed XML" in err and err.count("\n") == 1
    assert not out.exists() and not list(tmp_path.glob(".out.tmx*"))


def test_parquet_keeps_its_columns(tmp_path: Path) -> None:
    path = tmp_path / "pairs.parquet"
    rows = PAIRS + SHIFTED + [(PAIRS[0][0], None)]
    pl.DataFrame({"en": [e for e, _ in rows], "zh": [z for _, z in rows],
                  "origin": [f"doc{k}" for k in range(len(rows))]}).write_parquet(path)
    out = tmp_path / "scored.parquet"
    code, _, err = run(path, "-o", out, "--scorer", "lexical")
    assert code == 0, err
    assert f"bitext: {path}:row 9: empty Chinese side" in err
    scored = pl.read_parquet(out)
    assert scored.columns == ["en", "zh", "origin", "quality"]
    assert scored["origin"].to_list() == [f"doc{k}" for k in range(8)]
    assert scored["quality"][:4].min() > scored["quality"][4:].max()


def test_unknown_format_without_references_says_what_to_do(tmp_path: Path) -> None:
    path = tmp_path / "mt.en"
    path.write_text("A sentence.\n", encoding="utf-8")
    code, _, err = run(path, "-o", tmp_path / "o")
    assert code == 2 and "give -r REF" in err and "--pairs-format" in err
