"""The ``market-entry`` command.

Exit codes: 0 success; 2 bad input (one line on stderr, nothing written); 1 a report
that failed (its folder is kept, marked failed); 130 interrupted.
"""

from __future__ import annotations

import argparse
import json
import logging
import signal
import sys
from pathlib import Path
from typing import Any

from models._version import __version__
from models.exceptions import MarketEntryError
from models.inputs.param_docs import parameters_cell, params_markdown, params_table
from models.inputs.schema import PARAMETERS, records

log = logging.getLogger("models")


def cmd_params(args: argparse.Namespace) -> int:
    if args.format == "json":
        print(json.dumps(records(), indent=2))
    elif args.format == "markdown":
        print(params_markdown())
    elif args.format == "notebook":
        print(parameters_cell())
    else:
        print(params_table())
    return 0


def cmd_run(args: argparse.Namespace) -> int:
    from models.inputs.scenario import parse_overrides
    from models.runner.run import run_report

    overrides = parse_overrides(args.param or [])
    progress = False if args.no_progress else None
    outcome = run_report(
        args.scenario,
        overrides,
        notebook=args.notebook,
        reports_dir=args.reports,
        progress=progress,
    )
    for html in outcome.htmls:
        print(html)
    if args.pdf:
        from models.runner.pdf import pdf_run

        for pdf in pdf_run(outcome.run_dir):
            print(pdf)
    return 0


def cmd_pdf(args: argparse.Namespace) -> int:
    from models.runner.pdf import pdf_run

    for pdf in pdf_run(Path(args.run_dir), [args.notebook] if args.notebook else None):
        print(pdf)
    return 0


def cmd_check(args: argparse.Namespace) -> int:
    from models._paths import SCENARIOS
    from models.inputs.scenario import load, parse_overrides

    scenario = args.scenario if args.scenario is not None else SCENARIOS / "base.yaml"
    params = load(scenario, parse_overrides(args.param or []))
    print(f"ok: {len(PARAMETERS)} parameters valid, hash {params.digest()}")
    return 0


def cmd_html(args: argparse.Namespace) -> int:
    import nbformat

    from models.exceptions import NotebookError, OutputError
    from models.runner.html import notebook_to_html

    src = Path(args.notebook)
    if not src.is_file():
        raise NotebookError(f"notebook file {src}: not found")
    try:
        nb = nbformat.read(src, as_version=4)
        nbformat.validate(nb)
    except Exception as exc:  # OSError, JSON, nbformat validation: all mean "not a notebook"
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise NotebookError(f"notebook file {src}: not a readable notebook ({first})") from None
    if not any(c.get("outputs") for c in nb.cells if c.cell_type == "code"):
        raise NotebookError(
            f"notebook file {src}: has no outputs; execute it first, e.g. "
            f"papermill {src} executed.ipynb"
        )
    dest = Path(args.output) if args.output else src.with_suffix(".html")
    if not dest.parent.is_dir():
        raise OutputError(f"output {dest}: folder {dest.parent} does not exist")
    try:
        dest.write_text(notebook_to_html(nb, title=src.stem), encoding="utf-8")
    except OSError as exc:
        raise OutputError(f"output {dest}: cannot be written ({exc.strerror})") from None
    print(dest)
    return 0


def cmd_index(args: argparse.Namespace) -> int:
    from models.runner.index import write_index

    print(write_index(Path(args.reports)))
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="market-entry",
        description="Scenario models and offline HTML reports for entering China's "
        "video-streaming market.",
    )
    parser.add_argument("-v", "--verbose", action="store_true", help="log debug messages")
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    p = sub.add_parser("params", help="list the parameters, their units, ranges and sources")
    p.add_argument(
        "--format",
        choices=["table", "json", "markdown", "notebook"],
        default="table",
        help="output format (notebook: the parameters cell)",
    )
    p.set_defaults(func=cmd_params)

    def scenario_args(p: argparse.ArgumentParser) -> None:
        p.add_argument(
            "scenario",
            nargs="?",
            default=None,
            metavar="SCENARIO.yaml",
            help="scenario file (default: data/scenarios/base.yaml)",
        )
        p.add_argument(
            "-p",
            "--param",
            nargs=2,
            action="append",
            metavar=("NAME", "VALUE"),
            help="override a parameter; VALUE is YAML: 0.08, -2, '[0.04, 0.06, 0.1]'",
        )

    p = sub.add_parser("run", help="execute a report notebook for a scenario")
    scenario_args(p)
    p.add_argument(
        "--notebook",
        default="entry_decision",
        metavar="NAME",
        help="notebook in notebooks/, or 'all' (default: entry_decision)",
    )
    p.add_argument(
        "--reports", default="reports", metavar="DIR", help="reports folder (default: ./reports)"
    )
    p.add_argument("--no-progress", action="store_true", help="hide the progress bar")
    p.add_argument(
        "--pdf", action="store_true", help="also print each report to a PDF (headless Chromium)"
    )
    p.set_defaults(func=cmd_run)

    p = sub.add_parser("pdf", help="print the reports of a run folder to PDFs (board pack)")
    p.add_argument("run_dir", metavar="RUN_DIR", help="a run folder, e.g. reports/base/latest")
    p.add_argument("--notebook", metavar="NAME", help="only this report (default: all)")
    p.set_defaults(func=cmd_pdf)

    p = sub.add_parser("check", help="validate a scenario and overrides without running")
    scenario_args(p)
    p.set_defaults(func=cmd_check)

    p = sub.add_parser("html", help="convert an executed notebook into an offline HTML report")
    p.add_argument("notebook", metavar="EXECUTED.ipynb")
    p.add_argument("-o", "--output", metavar="OUT.html")
    p.set_defaults(func=cmd_html)

    p = sub.add_parser("index", help="rebuild reports/index.html from the run manifests")
    p.add_argument("--reports", default="reports", metavar="DIR")
    p.set_defaults(func=cmd_index)
    return parser


def _terminate(signum: int, frame: Any) -> None:
    raise KeyboardInterrupt(f"signal {signum}")


def main(argv: list[str] | None = None) -> int:
    """Entry point of the ``market-entry`` console script."""
    parser = build_parser()
    args = parser.parse_args(argv)
    logging.basicConfig(
        level=logging.DEBUG if args.verbose else logging.INFO,
        format="%(levelname)s %(name)s: %(message)s",
        stream=sys.stderr,
    )
    for noisy in ("traitlets", "papermill", "nbconvert", "asyncio"):
        logging.getLogger(noisy).setLevel(logging.WARNING)
    signal.signal(signal.SIGTERM, _terminate)  # a scheduler's stop marks the run failed
    try:
        return args.func(args)
    except MarketEntryError as exc:
        print(f"market-entry: error: {exc}", file=sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt:
        print("market-entry: interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
