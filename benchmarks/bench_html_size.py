"""Benchmark of the reports' weight: each executed notebook of a run converted to HTML
with plotly.js inlined as it is (before issue 22) and compressed (now,
:func:`models.runner.html.plotly_script`), and what that makes of the run folder.

    python benchmarks/bench_html_size.py [RUN_DIR]

RUN_DIR defaults to ``reports/base/latest``; without a run there, one notebook with a
single chart (the weight of plotly.js and the page alone) stands in. Also prints how
long the compression takes (once per process). Prints figures; nothing is asserted.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from models.runner.html import notebook_to_html, plotly_script  # noqa: E402

MB = 1_000_000


def one_chart() -> dict[str, nbformat.NotebookNode]:
    """A stand-in run: one notebook whose one output is a chart, as the reports emit it."""
    import plotly.graph_objects as go

    from models.reporting.display import ReportRenderer

    fig = go.Figure(go.Bar(x=["solo", "partner", "license"], y=[-12.5, 30.25, 48.0]))
    html = ReportRenderer().to_mimebundle(fig.to_dict())["text/html"]
    out = nbformat.v4.new_output("display_data", data={"text/html": html})
    cell = nbformat.v4.new_code_cell("chart", outputs=[out])
    return {"one chart": nbformat.v4.new_notebook(cells=[cell])}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("run_dir", nargs="?", type=Path, default=ROOT / "reports/base/latest")
    args = ap.parse_args()

    t0 = time.perf_counter()
    plotly_script(compress=True)
    packing = time.perf_counter() - t0
    print(
        f"plotly.js: {len(plotly_script(compress=False)) / MB:.2f} MB minified, "
        f"{len(plotly_script(compress=True)) / MB:.2f} MB compressed in the page "
        f"(compressed in {packing:.2f} s, once per process)"
    )

    run = args.run_dir
    notebooks = sorted(run.glob("*.ipynb")) if run.is_dir() else []
    if notebooks:
        books = {p.stem: nbformat.read(p, as_version=4) for p in notebooks}
        print(f"run folder {run}:")
    else:
        books = one_chart()
        print(f"no executed notebooks in {run}; a one-chart notebook stands in:")

    before_total = after_total = 0
    print(f"  {'report':<20} {'before':>9} {'after':>9} {'ratio':>6}")
    for name, nb in books.items():
        before = len(notebook_to_html(nb, title=name, compress_plotly=False).encode("utf-8"))
        after = len(notebook_to_html(nb, title=name).encode("utf-8"))
        before_total += before
        after_total += after
        print(f"  {name:<20} {before / MB:7.2f}MB {after / MB:7.2f}MB {after / before:6.2f}")
    print(
        f"  {'all reports':<20} {before_total / MB:7.2f}MB {after_total / MB:7.2f}MB "
        f"{after_total / before_total:6.2f}"
    )
    if notebooks:
        rest = sum(p.stat().st_size for p in run.rglob("*") if p.is_file() and p.suffix != ".html")
        print(
            f"  {'run folder':<20} {(rest + before_total) / MB:7.2f}MB "
            f"{(rest + after_total) / MB:7.2f}MB (its other files: {rest / MB:.2f} MB)"
        )


if __name__ == "__main__":
    main()
