"""Time a review decision in headless Chromium on the review page of N pairs (100,000).

The store is report_bench's synthetic one. The page is written with `bitext report`,
opened in the system's Chromium through playwright (the dev extra), and each key is sent
as a keydown event to the page's handler from inside the page, with ``performance.now()``
around the dispatch: **handler** is the handler's own time (the decision, localStorage,
the bead redrawn, the next one selected and scrolled to; a page turn when the selection
moves past the page's last bead); **+ layout** also forces the style and layout the
change needs (``document.body.offsetHeight``); **to the next frame**: until a task after
the next animation frame runs, an upper bound on the time to paint that includes waiting
for the frame (up to 16.7 ms at 60 Hz). Runs in document order and with "low quality
first"; with no earlier decisions and with ``--prior`` decisions already in the browser's
storage. Also: the page's size, its load, and re-filtering with "undecided only".

    .venv/bin/python benchmarks/review_bench.py [--pairs 100000] [--keys 400] [--prior 5000]
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import tempfile
import time
from pathlib import Path

from _measure import machine, run_cli
from report_bench import write_store

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"

# Sends `keys` one by one to the page's keydown handler, timing each; returns
# [[key, handler ms, handler + layout ms, page turned, to the next frame ms], ...].
TIME_KEYS = """async keys => {
  const out = [];
  for (const key of keys) {
    const page = location.hash;
    const t = performance.now();
    document.dispatchEvent(new KeyboardEvent("keydown", {key, bubbles: true, cancelable: true}));
    const handler = performance.now() - t;
    void document.body.offsetHeight;
    const layout = performance.now() - t;
    await new Promise(done => requestAnimationFrame(() => setTimeout(done, 0)));
    out.push([key, handler, layout, location.hash !== page, performance.now() - t]);
  }
  return out;
}"""


def summary(label: str, timings: list[list]) -> str:
    decisions = [t for t in timings if t[0] in "ar"]
    handler = sorted(t[1] for t in decisions)
    layout = sorted(t[2] for t in decisions)
    turns = [t[2] for t in timings if t[3]]
    frame = sorted(t[4] for t in decisions)

    def p(xs: list[float], q: float) -> float:
        return xs[min(len(xs) - 1, round(q * (len(xs) - 1)))]

    line = (
        f"{label}: {len(decisions)} decisions, handler median {statistics.median(handler):.1f} "
        f"ms, p95 {p(handler, 0.95):.1f}, max {handler[-1]:.1f}; + layout median "
        f"{statistics.median(layout):.1f} ms, p95 {p(layout, 0.95):.1f}, max {layout[-1]:.1f}; "
        f"to the next frame median {statistics.median(frame):.1f} ms, p95 {p(frame, 0.95):.1f}, "
        f"max {frame[-1]:.1f}"
    )
    slow = sorted(decisions, key=lambda t: -t[4])[:3]
    line += " (slowest frames: " + ", ".join(
        f"{t[4]:.0f} ms{' with a page turn' if t[3] else ''}" for t in slow) + ")"
    if turns:
        line += (f"; the {len(turns)} keys that turned the page (decisions or j): "
                 f"{max(turns):.1f} ms at most with layout")
    return line


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--pairs", type=int, default=100_000)
    parser.add_argument("--keys", type=int, default=400, help="Decisions per run.")
    parser.add_argument("--prior", type=int, default=5_000,
                        help="Decisions already in the browser's storage, second run.")
    parser.add_argument("--keep", type=Path, help="Write the store and page here and keep them.")
    args = parser.parse_args()
    from playwright.sync_api import sync_playwright

    tmp = Path(tempfile.mkdtemp(prefix="bitext-review-bench-"))
    root = args.keep or tmp
    try:
        store, page = root / "store", root / "review.html"
        n_pairs, n_docs = write_store(store, args.pairs)
        measured = run_cli(["report", str(store), "-o", str(page)])
        if measured.returncode != 0:
            raise SystemExit(measured.stderr)
        print(f"machine: {machine()}")
        print(f"store: {n_pairs:,} pairs, {n_docs:,} documents; page "
              f"{page.stat().st_size / 1e6:.1f} MB, written in {measured.seconds:.1f} s")
        # Six keys a round (not a divisor of the page's 200): decisions fall on page ends.
        keys = ["a", "r", "r", "a", "a", "j"] * (args.keys // 5)
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
            context = browser.new_context(viewport={"width": 1280, "height": 900})
            tab = context.new_page()
            for fragment, label in (("", "document order"), ("#order=low", "low quality first")):
                for prior in (0, args.prior):
                    tab.goto(page.resolve().as_uri() + fragment)
                    tab.wait_for_selector("body[data-render-ms]", timeout=120_000)
                    # Fill the browser's storage with `prior` decisions of other pairs.
                    tab.evaluate(
                        """n => {
                        const d = JSON.parse(document.getElementById("data").textContent);
                        const prefix = "bitext.decision:" + d.store_key + "\\u0000";
                        const at = new Date().toISOString(), id = d.fields.indexOf("pair_id");
                        for (let i = d.pairs.length - n; i < d.pairs.length; i++)
                          localStorage.setItem(prefix + d.pairs[i][id],
                                               JSON.stringify(["reject", null, null, at])); }""",
                        prior,
                    )
                    started = time.perf_counter()
                    tab.reload()
                    tab.wait_for_selector("body[data-render-ms]", timeout=120_000)
                    loaded = time.perf_counter() - started
                    render = tab.get_attribute("body", "data-render-ms")
                    timings = tab.evaluate(TIME_KEYS, keys)
                    print(summary(f"{label}, {prior:,} earlier decisions (page loaded in "
                                  f"{loaded:.1f} s, script {render} ms)", timings))
                    started = time.perf_counter()
                    tab.check("#f-undecided")
                    print(f"  'undecided only' on: {(time.perf_counter() - started) * 1e3:.0f} ms"
                          f" (filter {tab.inner_text('#shown')} of {n_pairs:,} and draw, from"
                          " the driver)")
                    tab.uncheck("#f-undecided")
                    tab.evaluate("() => localStorage.clear()")
            browser.close()
    finally:
        if not args.keep:
            shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
