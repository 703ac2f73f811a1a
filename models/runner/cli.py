"""The ``market-entry`` command.

Exit codes: 0 success; 2 bad input (one line on stderr, nothing written); 1 a report
that failed (its folder is kept, marked failed); 124 a run that took longer than
``--timeout`` or ``--cell-timeout`` (kept, marked timed out); 75 another run of the
same scenario holds its lock (nothing written; retry); 130 interrupted. ``batch`` exits
1 if any scenario failed (its summary line says why); ``reproduce`` exits 1 if the
headline does not match.

``run`` and ``batch`` move a scenario's ``latest`` only for an official run, one whose
``-p`` overrides change none of its scenario's values; ``--latest`` promotes a variant,
``--variant`` keeps an official run out (:mod:`models.runner.run`). ``diff`` and
``reproduce`` print text for people (labels, units, US$ m) and log below WARNING only
when ``--log-level`` asks; ``diff --json`` keeps raw names and never prints NaN.
"""

from __future__ import annotations

import argparse
import json
import logging
import math
import os
import signal
import sys
from pathlib import Path
from typing import Any

from models._version import __version__
from models.exceptions import MarketEntryError
from models.inputs.param_docs import parameters_cell, params_markdown, params_table
from models.inputs.schema import PARAMETERS, records
from models.runner.limits import MIN_LIMIT_S
from models.runner.logs import LEVELS, OneLineFormatter, one_line

log = logging.getLogger("models")

#: Put before a ``-p`` value that starts with ``-`` (``-1.5e0``, ``-inf``, ``-draft``) so
#: that argparse takes it as the value it is, not as an option; removed on parsing.
_GUARD = "\x1f"


class _Parser(argparse.ArgumentParser):
    """argparse with usage errors in one line, naming where to find help."""

    def error(self, message: str) -> None:  # type: ignore[override]
        self.exit(2, f"market-entry: error: {one_line(message)} (see {self.prog} --help)\n")


def _seconds(text: str) -> float:
    """An argparse type: a number of seconds >= 0."""
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r}: expected a number of seconds") from None
    if not 0 <= value < 1e9:
        raise argparse.ArgumentTypeError(f"{text!r}: expected a number of seconds >= 0")
    return value


def _limit(whole: bool):
    """An argparse type: ``--timeout`` (a number of seconds, ``whole`` False) or
    ``--cell-timeout`` (whole seconds, nbclient's unit), from :data:`MIN_LIMIT_S` to
    10^9; the same rule on ``run`` and ``batch`` (and in :func:`run_report`)."""
    what = "a whole number of seconds" if whole else "a number of seconds"

    def parse(text: str) -> float | int:
        try:
            value = float(text)
        except ValueError:
            value = math.nan
        if not MIN_LIMIT_S <= value < 1e9 or (whole and not value.is_integer()):
            raise argparse.ArgumentTypeError(f"{text!r}: expected {what} >= {MIN_LIMIT_S}")
        return int(value) if whole else value

    return parse


def _whole(minimum: int, what: str):
    """An argparse type: a whole number >= ``minimum``; ``what`` completes the error."""

    def parse(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            value = minimum - 1
        if value < minimum:
            raise argparse.ArgumentTypeError(f"{text!r}: expected {what}")
        return value

    return parse


_count = _whole(1, "a whole number >= 1")
_workers = _whole(0, "a whole number of workers >= 0 (0: in this process)")


class _ParamAction(argparse.Action):
    """``-p NAME VALUE``: collects ``(NAME, VALUE)`` pairs, the value verbatim."""

    def __call__(self, parser, namespace, values, option_string=None) -> None:
        pairs = list(getattr(namespace, self.dest) or [])
        name, value = values
        pairs.append((name, value.removeprefix(_GUARD)))
        setattr(namespace, self.dest, pairs)


def _guard_values(argv: list[str]) -> list[str]:
    """Mark the value of every ``-p NAME VALUE`` that starts with ``-`` (see _GUARD)."""
    out = list(argv)
    i = 0
    while i < len(out):
        if out[i] in ("-p", "--param") and i + 2 < len(out):
            if out[i + 2].startswith("-"):
                out[i + 2] = _GUARD + out[i + 2]
            i += 3
        else:
            i += 1
    return out


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
        timeout=args.timeout,
        cell_timeout=args.cell_timeout,
        keep=args.keep,
        wait=args.wait,
        log_level=args.log_level,
        latest=_latest_choice(args),
    )
    pdfs = []
    if args.pdf:
        from models.runner.board import print_run

        pdfs = print_run(outcome.run_dir)
    if args.json:
        m = outcome.manifest
        print(
            json.dumps(
                {
                    "run_dir": str(outcome.run_dir),
                    "run_id": m["run_id"],
                    "scenario": m["scenario"],
                    "status": outcome.status,
                    "reports": [str(h) for h in outcome.htmls],
                    "pdfs": [str(p) for p in pdfs],
                    "headline": m.get("headline", {}),
                    "parameters_hash": m["parameters_hash"],
                    "official": m["official"],
                    "variant_overrides": m["variant_overrides"],
                    "seconds": m["timings_s"]["total"],
                },
                indent=2,
                default=str,
            )
        )
        return 0
    for html in outcome.htmls:
        print(html)
    for pdf in pdfs:
        print(pdf)
    return 0


def _latest_choice(args: argparse.Namespace) -> bool | None:
    """``--latest``: True; ``--variant``: False; neither: None (official runs only)."""
    if getattr(args, "latest", False):
        return True
    if getattr(args, "variant", False):
        return False
    return None


def cmd_pdf(args: argparse.Namespace) -> int:
    from models.runner.board import print_run

    names = [args.notebook] if args.notebook is not None else None  # "" is refused
    for pdf in print_run(Path(args.run_dir), names):
        print(one_line(pdf))
    return 0


def cmd_check(args: argparse.Namespace) -> int:
    from models.inputs.scenario import parse_overrides
    from models.runner.validation import run_parameters

    params = run_parameters(args.scenario, parse_overrides(args.param or []))  # as run does
    print(f"ok: {len(PARAMETERS)} parameters valid, hash {params.digest()}")
    return 0


def cmd_html(args: argparse.Namespace) -> int:
    import nbformat

    from models.exceptions import NotebookError, OutputError
    from models.runner.files import write_atomic
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
    from models.runner.html import foreign_reason

    reason = foreign_reason(nb)
    if reason:
        raise NotebookError(
            f"notebook file {src}: not a market-entry report ({reason}); only notebooks "
            "executed from notebooks/ (market-entry run, papermill or JupyterLab) are "
            "converted, since a report page runs what the notebook's outputs contain"
        )
    dest = Path(args.output) if args.output else src.with_suffix(".html")
    if dest.suffix.lower() not in (".html", ".htm"):
        raise OutputError(f"output {dest}: expected a file name ending in .html")
    if dest.exists() and dest.resolve() == src.resolve():
        raise OutputError(f"output {dest}: is the input notebook; choose another name")
    if not dest.parent.is_dir():
        raise OutputError(f"output {dest}: folder {dest.parent} does not exist")
    try:
        write_atomic(dest, notebook_to_html(nb, title=src.stem))
    except OSError as exc:
        raise OutputError(f"output {dest}: cannot be written ({exc.strerror})") from None
    print(dest)
    return 0


def _run_args(args: argparse.Namespace) -> list[str]:
    """The options of ``run`` a batch passes on to each scenario's run."""
    out = []
    for name, value in args.param or []:
        out += ["-p", name, _GUARD + value if value.startswith("-") else value]
    for flag in ("timeout", "cell_timeout", "keep", "wait"):
        value = getattr(args, flag, None)
        if value is not None:  # each value already checked by the option's own rule
            out += [f"--{flag.replace('_', '-')}", str(value)]
    for flag in ("latest", "variant"):
        if getattr(args, flag, False):
            out.append(f"--{flag}")
    out += ["--notebook", args.notebook]
    if args.log_level:  # else each run's own default
        out += ["--log-level", args.log_level]
    return [a.removeprefix(_GUARD) for a in out]


def cmd_batch(args: argparse.Namespace) -> int:
    from models.inputs.scenario import load, parse_overrides
    from models.runner.batch import run_batch
    from models.runner.files import reports_folder

    overrides = parse_overrides(args.param or [])
    # absolute paths: each run is a process of its own, started in the project's folder,
    # which must read the file validated here and write where this command was asked to
    # (and a file named -x.yaml must not read as an option there)
    scenarios = [Path(s).absolute() for s in args.scenarios]
    for scenario in scenarios:  # the overrides must suit every scenario
        load(scenario, overrides)
    runs, html, seconds = run_batch(
        scenarios,
        reports_dir=reports_folder(args.reports).absolute(),
        jobs=args.jobs,
        run_args=_run_args(args),
        compare=not args.no_compare,
    )
    for job in runs:
        print(job.summary())
    total = sum(j.seconds for j in runs)
    failed = [j for j in runs if not j.ok]
    print(
        f"batch: {len(runs) - len(failed)} of {len(runs)} scenarios succeeded in {seconds:.0f} s "
        f"(the runs took {total:.0f} s together: {total / max(seconds, 1e-9):.1f}x)"
    )
    if html is not None:
        print(html)
    return 1 if failed else 0


def cmd_reproduce(args: argparse.Namespace) -> int:
    from models.runner.rerun import reproduce

    matched, text = reproduce(
        Path(args.run_dir),
        reports_dir=Path(args.reports) if args.reports else None,
        show_all=args.all,
        progress=False if args.no_progress else None,
    )
    print(_printable(text))
    return 0 if matched else 1


def _printable(text: str) -> str:
    """``text`` with its lines kept and every other control character escaped
    (:func:`one_line`): names and values read from a manifest (an ANSI escape in a
    scenario's title) never reach the terminal raw."""
    return "\n".join(one_line(line) for line in text.split("\n"))


def _finite(value: Any) -> Any:
    """``value`` with every non-finite number (NaN, infinity) as None, for strict JSON."""
    if isinstance(value, dict):
        return {str(k): _finite(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_finite(v) for v in value]
    if hasattr(value, "item") and getattr(value, "shape", None) == ():  # numpy scalar
        value = value.item()
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value


def cmd_diff(args: argparse.Namespace) -> int:
    from models.runner.rerun import diff

    comparison, attribution, text = diff(Path(args.run_a), Path(args.run_b), show_all=args.all)
    if args.json:
        out = {
            "parameters": {k: list(v) for k, v in comparison.parameters.items()},
            "data": {k: list(v) for k, v in comparison.data.items()},
            "notebooks": {k: list(v) for k, v in comparison.notebooks.items()},
            "commit": list(comparison.commit) if comparison.commit else None,
            "packages": {k: list(v) for k, v in comparison.packages.items()},
            "headline": comparison.headline.astype(object).to_dict(orient="records"),
            "drivers_usd_m": None if attribution is None else attribution.to_dict(orient="index"),
        }
        print(json.dumps(_finite(out), indent=2, default=str, allow_nan=False))
    else:
        print(_printable(text))
    return 0


def cmd_export(args: argparse.Namespace) -> int:
    from models.exceptions import ParameterError

    if not args.xlsx:
        raise ParameterError(
            f"export {args.run_dir}: no format given; expected --xlsx (the only format for now)"
        )
    from models.runner.export import write_workbook

    out = Path(args.output) if args.output else None
    print(one_line(write_workbook(Path(args.run_dir), out, overwrite=args.force)))
    return 0


def cmd_sweep(args: argparse.Namespace) -> int:
    from models.inputs.scenario import parse_overrides
    from models.runner.sweep_run import run_sweep

    outcome = run_sweep(
        args.sweep,
        reports_dir=args.reports,
        workers=args.workers,
        scheduler=args.scheduler,
        resume=args.resume,
        overrides=parse_overrides(args.param or []),
        progress=_chunk_bar(args.no_progress),
        report=not args.no_report,
    )
    print(outcome.table)
    if (outcome.run_dir / "sweep.html").is_file():
        print(outcome.run_dir / "sweep.html")
    return 0


def _chunk_bar(hidden: bool):
    """A progress bar of a sweep's chunks on a terminal's stderr (None elsewhere: the log
    says how far it is)."""
    if hidden or not sys.stderr.isatty():
        return None
    from tqdm import tqdm

    bars: list = []

    def tick(done: int, total: int) -> None:
        if not bars:  # made at the first tick, when the number of chunks is known
            bars.append(
                tqdm(total=total, initial=done, unit="chunk", desc="sweep", file=sys.stderr)
            )
        bar = bars[0]
        bar.update(done - bar.n)
        if done >= total:
            bar.close()

    return tick


def cmd_index(args: argparse.Namespace) -> int:
    from models.runner.files import reports_folder
    from models.runner.index import write_index

    print(write_index(reports_folder(args.reports)))
    return 0


def _param_option(p: argparse.ArgumentParser, help: str) -> None:
    """``-p NAME VALUE``, repeatable (see :class:`_ParamAction`)."""
    p.add_argument(
        "-p", "--param", nargs=2, action=_ParamAction, metavar=("NAME", "VALUE"), help=help
    )


def _limit_options(p: argparse.ArgumentParser) -> None:
    """The options of a scheduled run, shared by ``run`` and ``batch``."""
    p.add_argument(
        "--timeout",
        type=_limit(whole=False),
        metavar="SECONDS",
        help="stop a run that takes longer (exit 124; the folder is kept, marked timed out)",
    )
    p.add_argument(
        "--cell-timeout",
        type=_limit(whole=True),
        metavar="SECONDS",
        help="stop a run in which one notebook cell takes longer (exit 124)",
    )
    p.add_argument(
        "--keep",
        type=_count,
        metavar="N",
        help="after a successful run, keep only the scenario's newest N runs "
        "(never latest, nor a run in progress)",
    )
    p.add_argument(
        "--wait",
        type=_seconds,
        default=0.0,
        metavar="SECONDS",
        help="wait this long for another run of the same scenario to finish "
        "(default: exit 75 at once)",
    )


def _latest_options(p: argparse.ArgumentParser) -> None:
    """``--latest`` and ``--variant``: whether a run may become the scenario's latest."""
    g = p.add_mutually_exclusive_group()
    g.add_argument(
        "--latest",
        action="store_true",
        help="make this run the scenario's latest even if -p changed its parameters "
        "(a variant promoted; recorded in its manifest)",
    )
    g.add_argument(
        "--variant",
        action="store_true",
        help="keep this run a variant (latest left alone) even with the scenario's own "
        "parameters, e.g. a test run",
    )


def _quiet_log_level(p: argparse.ArgumentParser) -> None:
    """``--log-level`` of a command whose output is its printed text (default WARNING)."""
    p.add_argument(
        "--log-level",
        choices=LEVELS,
        type=str.upper,
        default=argparse.SUPPRESS,
        help="least severe records to log on stderr (default WARNING)",
    )
    p.set_defaults(default_log_level="WARNING")


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="market-entry",
        description="Scenario models and offline HTML reports for entering China's "
        "video-streaming market.",
    )
    parser.add_argument("-v", "--verbose", action="store_true", help="log debug messages")
    parser.add_argument(
        "--log-level",
        choices=LEVELS,
        default=None,
        type=str.upper,
        help="least severe records to log, on stderr and in each run's run.log (default "
        "INFO; WARNING for diff, reproduce and export)",
    )
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
        _param_option(p, "override a parameter; VALUE is YAML: 0.08, -2, '[0.04, 0.06, 0.1]'")

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
        "--pdf",
        action="store_true",
        help="also print the run into a board-pack PDF (headless Chromium)",
    )
    _limit_options(p)
    _latest_options(p)
    p.add_argument("--json", action="store_true", help="print the run's headline as JSON on stdout")
    p.add_argument(
        "--log-level",
        choices=LEVELS,
        type=str.upper,
        default=argparse.SUPPRESS,  # the top-level option's value unless given here
        help="least severe records to log, on stderr and in the run's run.log",
    )
    p.set_defaults(func=cmd_run)

    p = sub.add_parser(
        "batch", help="run several scenarios in parallel, then a report comparing them"
    )
    p.add_argument("scenarios", nargs="+", metavar="SCENARIO.yaml")
    _param_option(p, "override a parameter in every scenario")
    p.add_argument("--jobs", type=_count, metavar="N", help="runs at a time (default: cores)")
    p.add_argument("--reports", default="reports", metavar="DIR")
    p.add_argument("--notebook", default="entry_decision", metavar="NAME")
    _limit_options(p)
    _latest_options(p)
    p.add_argument("--no-compare", action="store_true", help="skip the comparison report")
    p.set_defaults(func=cmd_batch)

    p = sub.add_parser(
        "reproduce", help="rerun a run with its recorded inputs and check the headline"
    )
    p.add_argument("run_dir", metavar="RUN_DIR", help="a run folder, e.g. reports/base/latest")
    p.add_argument("--reports", metavar="DIR", help="where to write the rerun (default: RUN_DIR's)")
    p.add_argument("--no-progress", action="store_true", help="hide the progress bar")
    p.add_argument("--all", action="store_true", help="list every headline number that differs")
    _quiet_log_level(p)
    p.set_defaults(func=cmd_reproduce)

    p = sub.add_parser(
        "sweep", help="evaluate many parameter points (grid, Latin hypercube, scenarios)"
    )
    p.add_argument(
        "sweep", metavar="SWEEP.yaml", help="a sweep file, e.g. data/sweeps/partner_terms.yaml"
    )
    _param_option(p, "set a parameter at every point")
    p.add_argument("--reports", default="reports", metavar="DIR")
    p.add_argument(
        "--workers",
        type=_workers,
        metavar="N",
        help="local Dask worker processes (default: the cores; 0: in this process)",
    )
    p.add_argument("--scheduler", metavar="ADDRESS", help="an existing Dask scheduler")
    p.add_argument("--resume", metavar="SWEEP_DIR", help="complete an interrupted sweep")
    p.add_argument("--no-report", action="store_true", help="write the table only")
    p.add_argument("--no-progress", action="store_true", help="hide the progress bar")
    p.set_defaults(func=cmd_sweep)

    p = sub.add_parser("diff", help="what changed between two runs, and what it did")
    p.add_argument("run_a", metavar="RUN_A")
    p.add_argument("run_b", metavar="RUN_B")
    p.add_argument("--json", action="store_true", help="print the comparison as JSON")
    p.add_argument("--all", action="store_true", help="list every change (default: the first ones)")
    _quiet_log_level(p)
    p.set_defaults(func=cmd_diff)

    p = sub.add_parser("export", help="write a run's numbers to a spreadsheet (.xlsx)")
    p.add_argument("run_dir", metavar="RUN_DIR", help="a run folder, e.g. reports/base/latest")
    p.add_argument("--xlsx", action="store_true", help="an Excel workbook (the only format)")
    p.add_argument(
        "-o", "--output", metavar="OUT.xlsx", help="where to write it (default: in RUN_DIR)"
    )
    p.add_argument("--force", action="store_true", help="replace the workbook if it exists")
    _quiet_log_level(p)
    p.set_defaults(func=cmd_export)

    p = sub.add_parser(
        "pdf", help="print a run folder into one board-pack PDF (summary, reports, parameters)"
    )
    p.add_argument("run_dir", metavar="RUN_DIR", help="a run folder, e.g. reports/base/latest")
    p.add_argument(
        "--notebook",
        metavar="NAME",
        help="print only this report, to NAME.pdf beside it (default: the board pack)",
    )
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


def _quiet_event_loop(record: logging.LogRecord) -> bool:
    """Keep asyncio's records off the terminal: when a signal or ``--timeout`` stops a
    notebook, the tasks left in nbclient's event loop log their tracebacks ("Task
    exception was never retrieved") as the process exits, after the run has said in
    one line how it ended. ``--log-level DEBUG`` shows them."""
    return record.name != "asyncio" and not record.name.startswith("asyncio.")


def _terminate(signum: int, frame: Any) -> None:
    raise KeyboardInterrupt(f"signal {signum}")


def main(argv: list[str] | None = None) -> int:
    """Entry point of the ``market-entry`` console script."""
    parser = build_parser()
    args = parser.parse_args(_guard_values(sys.argv[1:] if argv is None else list(argv)))
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(OneLineFormatter("%(levelname)s %(name)s: %(message)s"))
    if args.log_level is None:  # neither the command's nor the top-level option given
        args.log_level = getattr(args, "default_log_level", "INFO")
    if args.verbose:
        args.log_level = "DEBUG"
    # the terminal gets what was asked for; the root logger lets INFO through all the same,
    # for the run.log a rerun (`reproduce`) writes at INFO while the terminal stays quiet
    handler.setLevel(args.log_level)
    if args.log_level != "DEBUG":  # nbclient's event loop, stopped by a signal or a limit
        handler.addFilter(_quiet_event_loop)
    root = min(logging.getLevelName(args.log_level), logging.INFO)
    logging.basicConfig(level=root, handlers=[handler], force=True)
    for noisy in ("traitlets", "papermill", "nbconvert", "asyncio"):
        logging.getLogger(noisy).setLevel(logging.WARNING)
    signal.signal(signal.SIGTERM, _terminate)  # a scheduler's stop marks the run failed
    try:
        code = args.func(args)
        sys.stdout.flush()  # a closed pipe shows here, not at exit
        return code
    except MarketEntryError as exc:
        print(f"market-entry: error: {one_line(exc)}", file=sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt as exc:
        from models.runner.limits import RunInterrupted

        where = f": {one_line(exc)}" if isinstance(exc, RunInterrupted) else ""
        print(f"market-entry: interrupted{where}", file=sys.stderr)
        return 130
    except BrokenPipeError:
        # the reader stopped reading (`market-entry params | head`): not an error here;
        # point stdout at /dev/null so that Python's own flush at exit stays quiet
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
