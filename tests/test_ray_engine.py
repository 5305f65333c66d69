"""``bitext align --engine ray`` gives the same store as ``--engine local``.

Runs on a local Ray instance of 2 CPUs (started once for the module), on data/samples
and, when ``../shared`` is present, on the 149 articles of
``../shared/bench/articles-dev``: the pairs and documents tables must equal the local
run's exactly, with the same metadata (the run id aside). Also: reuse of unchanged
articles across engines, a worker killed mid-task (Ray retries it; no row twice), a
task failing for good (one line, the previous store kept), no Ray needed when nothing is
to align, and the one-line errors of the command line.
Skipped, with the reason, where Ray (the optional extra ``bitext[ray]``) is not
installed -- except the test of the message that says to install it.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import polars as pl
import pytest
from click.testing import CliRunner

from align import Settings
from corpus.cli import cli
from corpus.runner import run_align
from corpus.store import documents_path, pairs_path, read_metadata

REPO = Path(__file__).resolve().parents[1]
SAMPLES = REPO / "data" / "samples"
SHARED = Path(__file__).resolve().parents[2] / "shared"
ARTICLES_DEV = SHARED / "bench" / "articles-dev" / "articles"
NO_RAY = ("Ray is not installed: it is the optional extra of --engine ray "
          "(pip install 'bitext[ray]')")


@pytest.fixture(scope="module")
def ray_cluster():
    """A fresh local Ray instance with 2 CPUs for this module's tests."""
    ray = pytest.importorskip("ray", reason=NO_RAY)
    ray.init(address="local", num_cpus=2, include_dashboard=False, logging_level="ERROR")
    yield ray
    ray.shutdown()


def same_store(a: Path, b: Path) -> None:
    """The two stores hold the same rows in the same order, schema and metadata."""
    for path in (pairs_path, documents_path):
        left, right = pl.read_parquet(path(a)), pl.read_parquet(path(b))
        assert left.schema == right.schema
        assert left.height == right.height
        assert left.equals(right), path(a).name
    meta_a, meta_b = read_metadata(a), read_metadata(b)
    assert meta_a["bitext.signature"] == meta_b["bitext.signature"]
    assert {k: v for k, v in meta_a.items() if k != "bitext.run_id"} == \
        {k: v for k, v in meta_b.items() if k != "bitext.run_id"}


def test_samples_cli_same_as_local(ray_cluster, tmp_path: Path) -> None:
    local = run_align(SAMPLES, tmp_path / "local", Settings())
    result = CliRunner().invoke(
        cli, ["align", str(SAMPLES), "-o", str(tmp_path / "ray"), "--engine", "ray"])
    assert result.exit_code == 0, result.output
    assert (f"{local.articles} articles: {local.aligned} aligned, 0 unchanged, "
            f"{len(local.errors)} with errors; {local.pairs} pairs") in result.output
    assert "broken.txt: binary file, not text" in result.output
    same_store(tmp_path / "local", tmp_path / "ray")


@pytest.mark.skipif(not ARTICLES_DEV.is_dir(), reason=f"{ARTICLES_DEV} not present")
def test_articles_dev_same_as_local(ray_cluster, tmp_path: Path) -> None:
    from corpus.ray_engine import run_align_ray

    local = run_align(ARTICLES_DEV, tmp_path / "local", Settings())
    remote = run_align_ray(ARTICLES_DEV, tmp_path / "ray", Settings())
    assert (remote.articles, remote.aligned, remote.pairs, remote.errors) == \
        (local.articles, local.aligned, local.pairs, local.errors)
    assert remote.articles >= 149
    same_store(tmp_path / "local", tmp_path / "ray")


def test_reuse_across_engines(ray_cluster, tmp_path: Path) -> None:
    """A store written locally is reused by --engine ray as by a local re-run: only the
    changed article (and the one with an error) is aligned again; the rows equal a fresh
    local run's."""
    from corpus.ray_engine import run_align_ray

    root = tmp_path / "articles"
    shutil.copytree(SAMPLES, root)
    run_align(root, tmp_path / "ray", Settings())
    text = (root / "interleaved.txt").read_text(encoding="utf-8")
    (root / "interleaved.txt").write_text(
        text + "\nA new closing line was added.\n\n新加了一行结尾。\n", encoding="utf-8")
    again = run_align_ray(root, tmp_path / "ray", Settings())
    assert (again.aligned, again.reused) == (2, again.articles - 2)
    run_align(root, tmp_path / "local", Settings())
    same_store(tmp_path / "local", tmp_path / "ray")


def test_lost_worker_is_retried_without_duplicates(ray_cluster, tmp_path: Path,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    """The worker aligning blocked.md dies (os._exit) on the first try: Ray retries the
    task, and the store is still exactly the local one."""
    import corpus.ray_engine

    marker = tmp_path / "killed-once"

    def dies_once(batch, root, settings):  # pickled by value into the workers
        import os as worker_os

        from corpus.ray_engine import _align_block

        if "blocked.md" in batch["doc_id"].to_pylist() and not marker.exists():
            marker.touch()
            worker_os._exit(1)
        return _align_block(batch, root, settings)

    monkeypatch.setattr(corpus.ray_engine, "_align_block", dies_once)
    run_align(SAMPLES, tmp_path / "local", Settings())
    corpus.ray_engine.run_align_ray(SAMPLES, tmp_path / "ray", Settings())
    assert marker.exists()
    same_store(tmp_path / "local", tmp_path / "ray")


def test_failing_task_is_one_line_and_keeps_the_store(ray_cluster, tmp_path: Path,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    """A task that fails for good (here: a module missing on the worker, as when bitext
    is not installed on a node) stops the run with one line; the previous store stays."""
    import corpus.ray_engine

    def fails(batch, root, settings):  # pickled by value into the workers
        import bitext_is_not_installed_here  # noqa: F401

    out = tmp_path / "out"
    run_align(SAMPLES, out, Settings())
    before = pl.read_parquet(pairs_path(out))
    shutil.copy(SAMPLES / "blocked.md", tmp_path / "blocked.md")
    monkeypatch.setattr(corpus.ray_engine, "_align_block", fails)
    result = CliRunner().invoke(cli, ["align", str(tmp_path / "blocked.md"), "-o", str(out),
                                      "--engine", "ray"])
    assert result.exit_code == 1
    assert result.output.strip().splitlines()[-1] == (
        "Error: a Ray task failed: ModuleNotFoundError: "
        "No module named 'bitext_is_not_installed_here'")
    assert pl.read_parquet(pairs_path(out)).equals(before)
    assert not list(out.glob(".bitext-run-*"))


def test_nothing_to_align_needs_no_ray(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """When every article is unchanged the cluster is not contacted at all."""
    pytest.importorskip("ray", reason=NO_RAY)
    import corpus.ray_engine

    root = tmp_path / "articles"
    root.mkdir()
    shutil.copy(SAMPLES / "blocked.md", root)
    shutil.copy(SAMPLES / "interleaved.txt", root)
    run_align(root, tmp_path / "out", Settings())

    def no_cluster(self) -> None:
        raise AssertionError("Ray contacted with nothing to align")

    monkeypatch.setattr(corpus.ray_engine._Session, "connect", no_cluster)
    report = corpus.ray_engine.run_align_ray(root, tmp_path / "out", Settings(),
                                             address="192.0.2.1:6379")
    assert (report.articles, report.reused, report.aligned) == (2, 2, 0)


def test_unreachable_address_is_one_line(tmp_path: Path,
                                         monkeypatch: pytest.MonkeyPatch) -> None:
    """Fails within seconds (ray.init alone retries for minutes), without a traceback."""
    pytest.importorskip("ray", reason=NO_RAY)
    import corpus.ray_engine

    # As in a fresh process, even after the module's Ray instance was started here.
    monkeypatch.setattr(corpus.ray_engine.ray, "is_initialized", lambda: False)
    result = CliRunner().invoke(cli, ["align", str(SAMPLES), "-o", str(tmp_path / "out"),
                                      "--engine", "ray", "--address", "127.0.0.1:1"])
    assert result.exit_code == 1
    assert result.output.strip().splitlines()[-1].startswith(
        "Error: cannot reach Ray at 127.0.0.1:1")
    assert not (tmp_path / "out" / "pairs.parquet").exists()


def test_without_ray_the_error_says_what_to_install(tmp_path: Path) -> None:
    """Runs whether or not Ray is installed: the child process hides it."""
    code = ("import sys; sys.modules['ray'] = None\n"
            "from corpus.cli import main; main()")
    run = subprocess.run(
        [sys.executable, "-c", code, "align", str(SAMPLES), "-o", str(tmp_path / "out"),
         "--engine", "ray"], capture_output=True, text=True, cwd=REPO,
        env={**os.environ, "PYTHONPATH": str(REPO)}, timeout=120)
    assert run.returncode == 1
    assert run.stderr.strip() == \
        "Error: --engine ray needs Ray, an optional extra: pip install 'bitext[ray]'"
    assert not (tmp_path / "out").exists()


def test_engine_options_are_checked(tmp_path: Path) -> None:
    out = str(tmp_path / "out")
    result = CliRunner().invoke(cli, ["align", str(SAMPLES), "-o", out, "--address", "auto"])
    assert result.exit_code == 2 and "--address is for --engine ray" in result.output
    result = CliRunner().invoke(cli, ["align", str(SAMPLES), "-o", out, "--engine", "ray",
                                      "-j", "2"])
    assert result.exit_code == 2 and "--jobs is for --engine local" in result.output
