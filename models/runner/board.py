"""The board pack: one PDF per run, a short summary first, then the reports.

``market-entry pdf RUN_DIR`` (and ``run --pdf``) prints a run folder into
``board-pack.pdf``, made of

1. **the summary** (when the run made the main report), at most
   :data:`MAX_SUMMARY_PAGES` pages: the main report's cells tagged :data:`SUMMARY_TAG`
   (its title, the executive summary, that is the
   recommendation and how sure, the main risk, what would change the answer, the terms a
   partner would accept, what information is worth, and one chart: each mode's NPV
   across the simulated futures);
2. **each report** of the run, the main one first, without its glossary and parameters
   sections (the cells tagged :data:`GLOSSARY_TAG` and :data:`PARAMETERS_TAG`);
3. **the glossary, once**: the main report's, every technical term in plain words;
4. **the parameters, once**: the first report's parameters section, the inputs changed
   from the defaults first.

Each part is printed by headless Chromium (:func:`models.runner.pdf.write_pdf`) with a
footer naming the run (and VARIANT for a variant run) and the part, and numbered within
the part; the parts are joined with pypdf, each with a bookmark. The pack is written
whole or not at all, and replaces the run's earlier pack: it is made from the run's
own files, so a new one differs only if the reports were converted again.
"""

from __future__ import annotations

import logging
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from models._files import replaced
from models.exceptions import NotebookError, OutputError, ReportError, SetupError
from models.reporting.provenance import read_manifest
from models.runner import pdf as printer

log = logging.getLogger(__name__)

#: The cell tag of the main report's cells that make the board pack's summary.
SUMMARY_TAG = "board-summary"
#: The cell tag of each report's parameters section (printed once, at the end).
PARAMETERS_TAG = "parameters-used"
#: The cell tag of each report's glossary (printed once, the main report's, before the
#: parameters).
GLOSSARY_TAG = "glossary"
#: The most pages the summary may take: a board reads the answer before the evidence.
MAX_SUMMARY_PAGES = 4
#: The report whose summary opens the pack and whose parameters close it.
MAIN = "entry_decision"
#: The board pack's file name in the run folder.
PACK_NAME = "board-pack.pdf"

#: Titles of the reports in the pack's bookmarks and footers.
REPORT_TITLES = {
    "entry_decision": "The entry decision",
    "content_cost": "Content cost",
    "regulatory_risk": "Regulatory risk",
    "subscriber_growth": "Subscriber growth",
    "validation": "Validation",
}


def _show_only(tag: str) -> str:
    """JavaScript that hides every notebook cell without ``tag`` (nbconvert's lab
    template puts a code cell's tag classes on the cell, a markdown cell's on the
    rendered markdown inside it)."""
    return (
        "() => document.querySelectorAll('.jp-Cell').forEach(c => {"
        f" if (!(c.classList.contains('celltag_{tag}') || c.querySelector('.celltag_{tag}')))"
        " c.style.display = 'none'; })"
    )


def _hide(*tags: str) -> str:
    """JavaScript that hides every notebook cell with any of ``tags``."""
    selector = ", ".join(f".celltag_{t}" for t in tags)
    return (
        f"() => document.querySelectorAll('{selector}')"
        ".forEach(e => { (e.closest('.jp-Cell') || e).style.display = 'none'; })"
    )


def _count_tagged(report: Path, tag: str) -> int:
    return report.read_text(encoding="utf-8", errors="replace").count(f"celltag_{tag}")


def run_label(m: dict, run_dir: Path) -> str:
    """The footer's name of a run: the scenario and the run id, and for a variant (a run
    whose parameters differ from its scenario file's; see README, "Official runs and
    variants") the word VARIANT, so that no page of it passes for the scenario's answer."""
    scenario = m.get("scenario_name") or m.get("scenario", "")
    label = f"{scenario} · run {m.get('run_id', run_dir.name)}"
    if m.get("official") is False:
        label += " · VARIANT, not the scenario's answer"
    return label


@dataclass(frozen=True)
class BoardPack:
    """A written board pack: its path and the pages of each part, in order."""

    path: Path
    parts: list[tuple[str, int]] = field(default_factory=list)

    @property
    def pages(self) -> int:
        """Pages of the whole pack."""
        return sum(n for _, n in self.parts)


def write_board_pack(run_dir: str | Path, out: str | Path | None = None) -> BoardPack:
    """Print the run folder ``run_dir`` into one board-pack PDF (see the module).

    Parameters
    ----------
    run_dir : path
        A finished run folder (``manifest.json`` and the HTML reports).
    out : path, optional
        Where to write the pack; default ``run_dir / "board-pack.pdf"``.

    Returns
    -------
    BoardPack
        The pack's path and each part's page count.

    Raises
    ------
    NotebookError
        The manifest lists no report, a name that is not a plain notebook name, or a
        report that is missing.
    ReportError
        The summary would take more than :data:`MAX_SUMMARY_PAGES` pages, or the main
        report carries no summary cells (a report made before the board pack).
    OutputError
        The run did not succeed; the pack cannot be written.
    SetupError
        Chromium or pypdf is missing.
    """
    try:
        from pypdf import PdfReader, PdfWriter
    except ImportError:
        raise SetupError(
            "pypdf: not installed; expected `pip install 'market-entry[pdf]'` to make a board pack"
        ) from None
    run_dir = Path(run_dir)
    m = read_manifest(run_dir)
    if m.get("status") != "succeeded":
        raise OutputError(
            f"{run_dir / 'manifest.json'}: status {str(m.get('status'))[:40]!r}; expected a "
            "finished run (status 'succeeded') for a board pack"
        )
    listed = m.get("notebooks")
    if not isinstance(listed, list) or not listed:
        raise NotebookError(f"{run_dir / 'manifest.json'}: lists no reports to print")
    names = [  # a name read from the manifest is checked as one from the command line
        printer.report_name(
            n.removesuffix(".ipynb") if isinstance(n, str) else n, f"{run_dir / 'manifest.json'}"
        )
        for n in listed
    ]
    names = sorted(names, key=lambda n: n != MAIN)  # the main report first
    reports = {n: run_dir / f"{n}.html" for n in names}
    for report in reports.values():
        if not report.is_file():
            raise NotebookError(f"run folder {run_dir}: no {report.name} to print")
    # a run without the main report (--notebook NAME) has no summary: its reports, then
    # the parameters of the first
    main = reports[names[0]]
    has_summary = names[0] == MAIN
    if has_summary and _count_tagged(main, SUMMARY_TAG) == 0:
        raise ReportError(
            f"{main}: no cells tagged {SUMMARY_TAG!r} (a report made before board packs); "
            f"rerun it with `market-entry reproduce {run_dir}` or print the reports "
            f"one by one with `--notebook`"
        )
    run = run_label(m, run_dir)
    target = Path(out) if out is not None else run_dir / PACK_NAME

    parts: list[tuple[str, Path, str | None]] = []
    if has_summary:
        parts.append(("Summary", main, _show_only(SUMMARY_TAG)))
    parts += [
        (REPORT_TITLES.get(n, n), reports[n], _hide(PARAMETERS_TAG, GLOSSARY_TAG)) for n in names
    ]
    if _count_tagged(main, GLOSSARY_TAG):
        parts.append(("Glossary", main, _show_only(GLOSSARY_TAG)))
    if _count_tagged(main, PARAMETERS_TAG):
        parts.append(("Parameters", main, _show_only(PARAMETERS_TAG)))

    written: list[tuple[str, int]] = []
    writer = PdfWriter()
    with tempfile.TemporaryDirectory(prefix="board-pack-") as tmp:
        for i, (title, report, prepare) in enumerate(parts):
            part = Path(tmp) / f"{i:02d}.pdf"
            pages = printer.write_pdf(report, part, f"{run} · {title}", prepare=prepare)
            if title == "Summary" and pages > MAX_SUMMARY_PAGES:
                raise ReportError(
                    f"{main}: the board pack's summary takes {pages} pages; expected at "
                    f"most {MAX_SUMMARY_PAGES} (cells tagged {SUMMARY_TAG!r})"
                )
            start = len(writer.pages)
            writer.append(PdfReader(part))
            writer.add_outline_item(title, start)
            written.append((title, pages))
        writer.add_metadata({"/Title": f"Board pack: {run}", "/Producer": "market-entry"})
        try:
            with replaced(target) as tmp_target, tmp_target.open("wb") as fh:
                writer.write(fh)
        except OSError as exc:
            raise OutputError(f"output {target}: cannot be written ({exc.strerror})") from None
    pack = BoardPack(target, written)
    log.info("%s: %d pages (%s)", target, pack.pages, ", ".join(f"{t} {n}" for t, n in written))
    return pack


def print_run(run_dir: str | Path, notebooks: list[str] | None = None) -> list[Path]:
    """Print a run folder (``market-entry pdf``, ``run --pdf``): by default its board
    pack, one PDF (:func:`write_board_pack`); with ``notebooks``, each of those reports
    to a PDF beside it, the footer naming the scenario and the run."""
    run_dir = Path(run_dir)
    if notebooks is None:
        return [write_board_pack(run_dir).path]
    label = run_label(read_manifest(run_dir), run_dir)
    out = []
    for name in notebooks:
        report = run_dir / f"{printer.report_name(name, '--notebook')}.html"
        if not report.is_file():
            raise NotebookError(f"run folder {run_dir}: no {report.name} to print")
        pdf = report.with_suffix(".pdf")
        printer.write_pdf(report, pdf, label)
        out.append(pdf)
    return out
