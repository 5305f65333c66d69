"""`bitext export`: every format read back by a real reader, selection, dedupe, splits."""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
from pathlib import Path

import numpy as np
import polars as pl
import pytest
from click.testing import CliRunner

from corpus import __version__, export
from corpus.cli import cli
from corpus.export import HashSet, parse_split, traditional_to_simplified
from corpus.store import ALIGNMENT_COLUMNS, DOCUMENTS_SCHEMA

XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
LINE_BREAKING = re.compile("[\t\n\r\x0b\x0c\x1c-\x1e\x85\u2028\u2029]")
XML_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")

# (doc_id, layout, bead, en, zh, align_score)
# fmt: off
TRICKY = [
    ("guide/a.md", "blocked", "1-1", "Tabs\there and a\nnewline.", "制表符\t和\n换行。", 0.91),
    ("guide/a.md", "blocked", "1-1", "<script>alert('x & y')</script>", "脚本 <b>粗体</b> & 符号",
     0.8),
    ("guide/a.md", "blocked", "1-1", "Control\x01 char and emoji 😀", "控制字符\x01和表情😀", 0.7),
    ("guide/a.md", "blocked", "2-1", "The library opened after the war.", "战后图书馆开放了。", 0.6),
    ("news/b.html", "interleaved", "1-1", "The library opened after the war.",
     "戰後圖書館開放了。", 0.55),  # Traditional duplicate of the pair above
    ("news/b.html", "interleaved", "1-1", "  The library   opened after the war. ",
     "战后 图书馆开放了。", 0.5),  # whitespace duplicate
    ("news/b.html", "interleaved", "1-1", "Ｆｕｌｌ width", "全角", None),
    ("news/b.html", "interleaved", "0-1", "", "只有中文", 0.2),  # never exported
    ("c.txt", "same_line", "1-1", "Quotes \"double\" and 'single'", "引号“双”和‘单’", 0.3),
    ("c.txt", "same_line", "1-1", "Full width", "半角", 0.45),  # English side seen (NFKC)
    ("c.txt", "same_line", "1-2", "Line\u2028separator", "行\r\n分隔", 0.95),
]
# fmt: on
EXPORTED = [r for r in TRICKY if r[3] and r[4]]


def write_store(out: Path, rows: list[tuple], quality: list[float | None] | None = None) -> Path:
    """A pair store at ``out`` holding ``rows`` (doc_id, layout, bead, en, zh, align_score)."""
    out.mkdir(parents=True, exist_ok=True)
    records = []
    sent: dict[str, int] = {}
    for doc_id, layout, bead, en, zh, score in rows:
        i = sent[doc_id] = sent.get(doc_id, -1) + 1
        records.append(
            {
                "pair_id": f"p{len(records)}",
                "doc_id": doc_id,
                "source": doc_id,
                "layout": layout,
                "para_en": [0],
                "para_zh": [0],
                "sent_en": [i],
                "sent_zh": [i],
                "line_en": 1,
                "line_zh": 2,
                "bead": bead,
                "en": en,
                "zh": zh,
                "align_score": score,
            }
        )
    pairs = pl.DataFrame(records, schema=ALIGNMENT_COLUMNS)
    if quality is not None:
        pairs = pairs.with_columns(quality=pl.Series(quality, dtype=pl.Float64))
    pairs.write_parquet(out / "pairs.parquet")
    docs = [
        {
            "doc_id": d,
            "source": [d],
            "layout": "blocked",
            "status": "ok",
            "reason": None,
            "content_hash": d,
            "n_para_en": 1,
            "n_para_zh": 1,
            "n_sent_en": n,
            "n_sent_zh": n,
            "n_sent_en_aligned": n,
            "n_sent_zh_aligned": n,
            "n_pairs": n,
            "unaligned_en": [],
            "unaligned_zh": [],
        }
        for d, n in pairs.group_by("doc_id").len().iter_rows()
    ]
    pl.DataFrame(docs, schema=DOCUMENTS_SCHEMA).write_parquet(out / "documents.parquet")
    return out


@pytest.fixture
def store(tmp_path: Path) -> Path:
    return write_store(tmp_path / "store", TRICKY)


def run(*args: object) -> tuple[int, str, str]:
    """Run ``bitext`` in-process; exit code, stdout and stderr."""
    result = CliRunner().invoke(cli, [str(a) for a in args])
    if result.exception and not isinstance(result.exception, SystemExit):
        raise result.exception
    return result.exit_code, result.stdout, result.stderr


def one_line(text: str) -> str:
    return LINE_BREAKING.sub(" ", text)


def read_jsonl(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


# -- formats -----------------------------------------------------------------------------


@pytest.mark.parametrize("header", [False, True])
def test_tsv_reads_back_with_polars(store: Path, tmp_path: Path, header: bool) -> None:
    out = tmp_path / "pairs.tsv"
    code, _, err = run("export", store, "-f", "tsv", "-o", out, *(["--header"] if header else []))
    assert code == 0, err
    table = pl.read_csv(
        out,
        separator="\t",
        quote_char=None,
        has_header=header,
        infer_schema=False,
        new_columns=["en", "zh"],
    )
    assert table.rows() == [(one_line(r[3]), one_line(r[4])) for r in EXPORTED]
    assert f"wrote {len(EXPORTED)}" in err


def test_tsv_zh_en_direction_and_header(store: Path, tmp_path: Path) -> None:
    out = tmp_path / "pairs.tsv"
    run("export", store, "-f", "tsv", "-o", out, "--header", "--direction", "zh-en")
    table = pl.read_csv(out, separator="\t", quote_char=None, infer_schema=False)
    assert table.columns == ["zh", "en"]
    assert table["zh"].to_list() == [one_line(r[4]) for r in EXPORTED]


def test_hf_jsonl_reads_back_with_json_and_polars(store: Path, tmp_path: Path) -> None:
    out = tmp_path / "pairs.jsonl"
    run("export", store, "-f", "hf", "-o", out)
    expected = [{"en": r[3], "zh": r[4]} for r in EXPORTED]
    assert [row["translation"] for row in read_jsonl(out)] == expected
    assert pl.read_ndjson(out)["translation"].to_list() == expected
    assert "😀" in out.read_text(encoding="utf-8")  # ensure_ascii=False


def test_chat_jsonl_messages(store: Path, tmp_path: Path) -> None:
    out = tmp_path / "chat.jsonl"
    run("export", store, "-f", "chat", "-o", out, "--system", "Be exact.")
    rows = read_jsonl(out)
    assert len(rows) == len(EXPORTED)
    for row, r in zip(rows, EXPORTED, strict=True):
        system, user, assistant = row["messages"]
        assert system == {"role": "system", "content": "Be exact."}
        assert user == {
            "role": "user",
            "content": f"Translate the following English text into Chinese.\n\n{r[3]}",
        }
        assert assistant == {"role": "assistant", "content": r[4]}


def test_chat_template_direction_and_no_system(store: Path, tmp_path: Path) -> None:
    out = tmp_path / "chat.jsonl"
    run(
        "export",
        store,
        "-f",
        "chat",
        "-o",
        out,
        "--direction",
        "zh-en",
        "--system",
        "",
        "--template",
        "{src_lang}→{tgt_lang} {json: braces}: {source}",
    )
    first = read_jsonl(out)[0]["messages"]
    assert [m["role"] for m in first] == ["user", "assistant"]
    assert first[0]["content"] == f"Chinese→English {{json: braces}}: {EXPORTED[0][4]}"
    assert first[1]["content"] == EXPORTED[0][3]


def test_chat_template_without_source_is_an_error(store: Path, tmp_path: Path) -> None:
    code, _, err = run(
        "export", store, "-f", "chat", "-o", tmp_path / "c.jsonl", "--template", "Translate."
    )
    assert code == 1 and "{source}" in err
    assert list(tmp_path.iterdir()) == [store]


def test_moses_line_aligned_files(store: Path, tmp_path: Path) -> None:
    prefix = tmp_path / "corpus"
    run("export", store, "-f", "moses", "-o", prefix)
    en = (tmp_path / "corpus.en").read_text(encoding="utf-8").splitlines()
    zh = (tmp_path / "corpus.zh").read_text(encoding="utf-8").splitlines()
    assert len(en) == len(zh) == len(EXPORTED)
    assert en == [one_line(r[3]) for r in EXPORTED]
    assert zh == [one_line(r[4]) for r in EXPORTED]


@pytest.mark.parametrize("direction", ["en-zh", "zh-en"])
def test_tmx_is_well_formed_and_complete(store: Path, tmp_path: Path, direction: str) -> None:
    out = tmp_path / "pairs.tmx"
    run("export", store, "-f", "tmx", "-o", out, "--direction", direction)
    text = out.read_text(encoding="utf-8")
    assert text.startswith(
        '<?xml version="1.0" encoding="UTF-8"?>\n<!DOCTYPE tmx SYSTEM "tmx14.dtd">\n'
    )
    root = ET.parse(out).getroot()
    assert root.tag == "tmx" and root.get("version") == "1.4"
    header = root.find("header").attrib
    assert header == header | {
        "creationtool": "bitext",
        "creationtoolversion": __version__,
        "segtype": "sentence",
        "o-tmf": "bitext",
        "adminlang": "en",
        "srclang": direction[:2],
        "datatype": "plaintext",
    }
    assert re.fullmatch(r"\d{8}T\d{6}Z", header["creationdate"])
    units = root.findall("body/tu")
    assert len(units) == len(EXPORTED)
    for tu, (doc_id, layout, bead, en, zh, score) in zip(units, EXPORTED, strict=True):
        tuvs = tu.findall("tuv")
        assert [t.get(XML_LANG) for t in tuvs] == [direction[:2], direction[3:]]
        segs = {t.get(XML_LANG): t.findtext("seg") for t in tuvs}
        assert segs == {"en": XML_ILLEGAL.sub("", en), "zh": XML_ILLEGAL.sub("", zh)}
        props = {p.get("type"): p.text for p in tu.findall("prop")}
        expected = {"x-doc_id": doc_id, "x-source": doc_id, "x-layout": layout, "x-bead": bead}
        if score is not None:
            expected["x-align_score"] = str(score)
        assert props == expected


def test_tmx_carries_quality_and_min_score_selects(tmp_path: Path) -> None:
    quality = [0.9, 0.1, None, 0.5, 0.6, 0.7, 0.8, 0.9, 0.2, 0.3, 0.4]
    store = write_store(tmp_path / "store", TRICKY, quality=quality)
    out = tmp_path / "q.tmx"
    code, _, err = run("export", store, "-f", "tmx", "-o", out, "--min-score", "0.5")
    assert code == 0, err
    units = ET.parse(out).getroot().findall("body/tu")
    kept = [q for q, r in zip(quality, TRICKY, strict=True) if r[3] and q is not None and q >= 0.5]
    assert [float(tu.find("prop[@type='x-quality']").text) for tu in units] == kept
    assert "filtered out 6" in err


# -- selection ---------------------------------------------------------------------------


def hf_pairs(path: Path) -> list[tuple[str, str]]:
    return [(r["translation"]["en"], r["translation"]["zh"]) for r in read_jsonl(path)]


def test_where_bead_and_layout_filters(store: Path, tmp_path: Path) -> None:
    out = tmp_path / "o.jsonl"
    run(
        "export",
        store,
        "-f",
        "hf",
        "-o",
        out,
        "--where",
        "align_score>=0.5",
        "--where",
        "align_score < 0.9",
        "--bead",
        "1-1",
        "--layout",
        "blocked",
        "--layout",
        "interleaved",
    )
    assert hf_pairs(out) == [
        (r[3], r[4])
        for r in EXPORTED
        if r[5] is not None
        and 0.5 <= r[5] < 0.9
        and r[2] == "1-1"
        and r[1] in ("blocked", "interleaved")
    ]
    run("export", store, "-f", "hf", "-o", out, "--where", "doc_id==c.txt")
    assert hf_pairs(out) == [(r[3], r[4]) for r in EXPORTED if r[0] == "c.txt"]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--min-score", "0.5"], "`quality` column"),
        (["--where", "nope>=1"], "unknown column 'nope'"),
        (["--where", "align_score=>1"], "bad --where"),
        (["--where", "align_score>=high"], "not a number"),
        (["--where", "sent_en==1"], "cannot compare"),
        (["--bead", "one-one"], "bad --bead"),
        (["--split", "train=0.9,dev=0.2"], "sum to 1.1"),
        (["--split", "train=0.5,train=0.5"], "bad --split"),
        (["--split", "train"], "bad --split"),
    ],
)
def test_bad_options_give_one_line_and_exit_1(
    store: Path, tmp_path: Path, args: list[str], message: str
) -> None:
    code, _, err = run("export", store, "-f", "tsv", "-o", tmp_path / "o.tsv", *args)
    assert code == 1
    assert err.startswith("Error: ") and err.count("\n") == 1 and message in err
    assert not (tmp_path / "o.tsv").exists()


def test_not_a_store(tmp_path: Path) -> None:
    code, _, err = run("export", tmp_path, "-f", "tsv", "-o", tmp_path / "o.tsv")
    assert code == 1 and "not a pair store" in err


# -- dedupe ------------------------------------------------------------------------------


def test_dedupe_keeps_first_original_across_batches(
    store: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(export, "BATCH_ROWS", 2)  # duplicates fall in later batches
    out = tmp_path / "o.jsonl"
    code, _, err = run("export", store, "-f", "hf", "-o", out, "--dedupe")
    assert code == 0, err
    dropped = {4, 5}  # Traditional and whitespace variants of pair 3
    assert hf_pairs(out) == [
        (r[3], r[4]) for i, r in enumerate(TRICKY) if r[3] and i not in dropped
    ]
    assert "filtered out 1; duplicates dropped 2; wrote 8" in err


def test_dedupe_sides_drops_pairs_with_a_seen_side(
    store: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(export, "BATCH_ROWS", 3)
    out = tmp_path / "o.jsonl"
    run("export", store, "-f", "hf", "-o", out, "--dedupe-sides")
    pairs = hf_pairs(out)
    assert ("Full width", "半角") not in pairs  # "Ｆｕｌｌ width" came first
    assert len(pairs) == len(EXPORTED) - 3
    en_keys = [re.sub(r"\s+", " ", e).strip().replace("Ｆｕｌｌ", "Full") for e, _ in pairs]
    assert len(set(en_keys)) == len(en_keys)


def test_traditional_to_simplified_map() -> None:
    t2s = traditional_to_simplified()
    assert [t2s[c] for c in "後發髮乾圖書館"] == list("后发发干图书馆")
    assert "中" not in t2s
    assert not set(t2s.values()) & set(t2s)  # idempotent: no chains left


def test_hash_set_matches_a_python_set() -> None:
    rng = np.random.default_rng(0)
    members = HashSet()
    reference: set[int] = set()
    for _ in range(40):
        batch = np.unique(rng.integers(0, 5_000, size=300, dtype=np.uint64))
        found = members.contains(batch)
        assert found.tolist() == [int(h) in reference for h in batch]
        members.add(batch[~found])
        reference.update(int(h) for h in batch)
    assert len(members._levels) < 10


# -- splits ------------------------------------------------------------------------------


@pytest.fixture
def many_docs(tmp_path: Path) -> Path:
    rows = [
        (f"doc{d:02}.md", "blocked", "1-1", f"Doc {d} sentence {s}.", f"文档{d}第{s}句。", 0.9)
        for d in range(60)
        for s in range(d % 4 + 1)
    ]
    return write_store(tmp_path / "many", rows)


def docs_of(path: Path) -> set[str]:
    return {re.match(r"Doc (\d+)", en).group(1) for en, _ in hf_pairs(path)}


def test_split_by_document_is_deterministic_and_leak_free(many_docs: Path, tmp_path: Path) -> None:
    outputs = []
    for run_dir in ("a", "b"):
        out = tmp_path / run_dir / "pairs.jsonl"
        code, stdout, _ = run(
            "export",
            many_docs,
            "-f",
            "hf",
            "-o",
            out,
            "--seed",
            "7",
            "--split",
            "train=0.8,dev=0.1,test=0.1",
        )
        assert code == 0
        outputs.append(
            {
                s: (tmp_path / run_dir / f"pairs.{s}.jsonl").read_bytes()
                for s in ("train", "dev", "test")
            }
        )
        counts = {line.split("\t")[0]: int(line.split("\t")[1]) for line in stdout.splitlines()}
        assert counts == {s: len(b.splitlines()) for s, b in outputs[-1].items()}
    assert outputs[0] == outputs[1]
    docs = {s: docs_of(tmp_path / "a" / f"pairs.{s}.jsonl") for s in ("train", "dev", "test")}
    assert all(docs.values())
    assert not docs["train"] & docs["dev"] and not docs["train"] & docs["test"]
    assert not docs["dev"] & docs["test"]
    assert len(docs["train"] | docs["dev"] | docs["test"]) == 60

    run(
        "export",
        many_docs,
        "-f",
        "hf",
        "-o",
        tmp_path / "c" / "pairs.jsonl",
        "--seed",
        "8",
        "--split",
        "train=0.8,dev=0.1,test=0.1",
    )
    assert docs_of(tmp_path / "c" / "pairs.train.jsonl") != docs["train"]


def test_split_names_for_moses(many_docs: Path, tmp_path: Path) -> None:
    run(
        "export",
        many_docs,
        "-f",
        "moses",
        "-o",
        tmp_path / "corpus",
        "--split",
        "train=0.5,test=0.5",
    )
    names = sorted(p.name for p in tmp_path.iterdir() if p.name.startswith("corpus"))
    assert names == ["corpus.test.en", "corpus.test.zh", "corpus.train.en", "corpus.train.zh"]


def test_parse_split() -> None:
    assert parse_split("train=0.98, dev=0.01,test=0.01") == {
        "train": 0.98,
        "dev": 0.01,
        "test": 0.01,
    }


# -- atomic output -----------------------------------------------------------------------


def test_failed_export_leaves_previous_output_and_no_temp(
    store: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = tmp_path / "out" / "pairs.tsv"
    out.parent.mkdir()
    out.write_text("previous\n")
    calls = []

    def write_then_fail(self: export.TsvWriter, pairs: pl.DataFrame) -> None:
        calls.append(len(pairs))
        if len(calls) == 2:
            raise KeyboardInterrupt
        original(self, pairs)

    original = export.TsvWriter.write
    monkeypatch.setattr(export.TsvWriter, "write", write_then_fail)
    monkeypatch.setattr(export, "BATCH_ROWS", 2)
    with pytest.raises(KeyboardInterrupt):
        export.export_pairs(store, "tsv", out)
    assert out.read_text() == "previous\n"
    assert [p.name for p in out.parent.iterdir()] == ["pairs.tsv"]


def test_help_has_an_example() -> None:
    for command in ("export", "stats"):
        code, stdout, _ = run(command, "--help")
        assert code == 0 and "Example:" in stdout and f"bitext {command} out/" in stdout
