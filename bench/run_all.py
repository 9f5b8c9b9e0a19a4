"""The whole performance suite as one command (issue 8).

    python bench/run_all.py [--data-dir bench-out/ui-100k] [--quick] [--runs N] [--out FILE]
                            [--database URL]

Builds the demo data folder if it is missing (signed in as `admin` / `bench-tre-2026`, as the
other scripts), then runs each benchmark script as a subprocess, one after the other, never
two at once: demo build, window (`ui_bench.py`), opening a large case, the month, quarter
and year reports (one process each, so that each has its own peak memory), import, backup
and `check`, the audit log's verification, and the province's consolidation of 100 units'
packages (`--quick`: 10 units of 50 rows). Each script prints its own figures and,
given `--json`, one JSON line last (`figure` below makes its records); `ui_bench.py` has no
`--json`, its text is parsed.

Writes `bench-out/results.md`: every figure's median and spread beside its baseline measured
in the same run, the ratio and the target; the peak resident memory of each script's
process (from `os.wait4`, so one script's peak is not carried into the next as the
cumulative `getrusage(RUSAGE_CHILDREN)` would); the machine, its load before and after each
script, and the date.

`--quick` runs the same on a folder of 2,000 cases, one run each, into
`bench-out/results-quick.md`: a try of the command in a few minutes, not figures to publish.
`--runs N` gives the scripts whose runs take minutes (demo build, reports, import, backup,
consolidation) N runs instead of their own default (the year's report and the consolidated
files keep one).

`--only NAMES` runs only the steps named (comma-separated: `demo build`, `window`, `case
open`, `month report`, `quarter report`, `year report`, `import`, `backup and check`, `audit
log`, `province consolidation`). The year's report leaves its Word file out (minutes and
hundreds of MB, no target; the month and the quarter measure it).

`--database URL` (server mode, docs/architecture.md) measures both engines in the same run:
the demo build, the window and the three reports on the SQLite folder, then the same
scripts with the demo built into that PostgreSQL database (which must be empty or hold the
demo; the PC's own folder is the data folder's name with `-server`). The other scripts are
SQLite's alone: run without `--database` for them. The results
(`bench-out/results-server.md` by default) end with each figure measured on both engines
side by side, their ratio, and for the list, the search and the report the aim of issue 16:
PostgreSQL within 1.5 × SQLite. The raw baselines (SQLCipher alone, sqlite3 on an
unencrypted copy, the report's plain SQL) are SQLite's and are left out on the server.

`--before CHECKOUT` (issue 17: before and after in the same run) first runs the scripts whose
figures have a raw bound — the three reports, the import and the backup — with another
checkout's `app` (e.g. a `git worktree add --detach` of the commit before a change) on a
demo folder that checkout builds (the data folder's name with `-before`, same seed and day),
then the whole suite as usual; the results end with each of those figures before and after
side by side, each against its bound measured in its own run.

Each script runs with this checkout's `app` first on its path (`--before`: that checkout's):
a git worktree may share a virtualenv whose editable install points at another checkout.

The other scripts import `figure` and `print_json` from here, so this module loads only the
standard library.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import sqlite3
import statistics
import subprocess
import sys
import time
from collections.abc import Sequence
from contextlib import closing
from dataclasses import dataclass, field
from datetime import datetime
from importlib import metadata
from pathlib import Path
from typing import Any

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
JSON_KEY = "bench"  # the first key of a script's JSON line
SERVER = "PostgreSQL"
SERVER_AIM = 1.5  # issue 16: PostgreSQL within 1.5 × SQLite for the list, search and report


def figure(what: str, values: Sequence[float], *, unit: str = "s", baseline: str = "",
           baseline_values: Sequence[float] = (), ratio_at_most: float | None = None,
           at_most: float | None = None, note: str = "") -> dict[str, Any]:
    """One row of the results: `values` of the runs in `unit` (`s` or `MB`), the baseline's
    runs measured in the same process, and the target, either as a ratio to the baseline
    (`ratio_at_most`) or as a limit in `unit` (`at_most`)."""
    record: dict[str, Any] = {
        "what": what, "unit": unit, "median": statistics.median(values), "min": min(values),
        "max": max(values), "runs": len(values), "baseline": None,
        "ratio_at_most": ratio_at_most, "at_most": at_most, "note": note}
    if baseline_values:
        record["baseline"] = {"what": baseline, "median": statistics.median(baseline_values)}
    return record


def print_json(script: str, figures: list[dict[str, Any]], **facts: Any) -> None:
    """The machine-readable line `run_all` reads: the last line of standard output."""
    print(json.dumps({JSON_KEY: script, "figures": figures, **facts}, ensure_ascii=False),
          flush=True)


@dataclass
class Step:
    """One script run: its arguments, then what it printed and what it cost."""
    name: str
    argv: list[str]
    exit_code: int = 0
    seconds: float = 0.0
    peak_mb: float = 0.0
    load: tuple[float, float] = (0.0, 0.0)  # 1-minute load average before and after
    text_only: bool = False  # no `--json`: its figures are read from its text
    engine: str = ""  # "SQLite" or SERVER for a script measured on both engines
    figures_optional: bool = False  # the server's demo build: none when built already
    checkout: Path = ROOT  # whose `app` the script runs (`--before`: an earlier commit's)
    figures: list[dict[str, Any]] = field(default_factory=list)
    problem: str = ""


def shown(argv: list[str]) -> str:
    """A command as printed: a server's URL may hold its password."""
    return " ".join("URL" if index and argv[index - 1] == "--database" else word
                    for index, word in enumerate(argv))


def run_step(step: Step) -> None:
    """Run the script, echoing its output as it comes, and keep its figures and peak memory."""
    print(f"\n=== {step.name}: {shown(step.argv)}", flush=True)
    step.load = (os.getloadavg()[0], 0.0)
    started = time.perf_counter()
    lines: list[str] = []
    path = [str(step.checkout), os.environ.get("PYTHONPATH", "")]
    environment = {**os.environ, "PYTHONPATH": os.pathsep.join(p for p in path if p)}
    with subprocess.Popen([sys.executable, *step.argv], cwd=ROOT, stdout=subprocess.PIPE,
                          text=True, bufsize=1, env=environment) as child:
        assert child.stdout is not None
        for line in child.stdout:
            lines.append(line.rstrip("\n"))
            if not line.startswith(f'{{"{JSON_KEY}"'):
                print(line, end="", flush=True)
        # wait4 gives this child's own resource use (with its waited-for children), where
        # getrusage(RUSAGE_CHILDREN) keeps the largest peak of every child so far.
        _pid, status, usage = os.wait4(child.pid, 0)
        child.returncode = os.waitstatus_to_exitcode(status)
    step.seconds = time.perf_counter() - started
    step.load = (step.load[0], os.getloadavg()[0])
    step.exit_code = child.returncode
    step.peak_mb = usage.ru_maxrss / 1024  # kilobytes on Linux
    if step.text_only:
        step.figures = parse_ui_bench(lines, int(step.argv[step.argv.index("--runs") + 1]))
    else:
        step.figures = next((json.loads(line)["figures"] for line in reversed(lines)
                             if line.startswith(f'{{"{JSON_KEY}"')), [])
    if step.exit_code:
        step.problem = f"exit status {step.exit_code}"
    elif not step.figures and not step.figures_optional:
        step.problem = "no figures recognised in its output"


# `ui_bench.py` prints `label: 123 ms (min 110, max 140)  … [≤ 150 ms]`.
_UI_LINE = re.compile(r"^(?P<what>[^:]+?)\s*:\s+(?P<median>\d+) ms \(min (?P<min>\d+), "
                      r"max (?P<max>\d+)\)(?P<rest>.*)$")
_UI_LIMIT = re.compile(r"\[≤ (?P<limit>[\d.]+) (?P<unit>ms|MB)\]")
_UI_MEMORY = re.compile(r"^(?P<what>peak memory[^:]*):\s+(?P<mb>\d+) MB(?P<rest>.*)$")
_UI_IDLE = re.compile(r"^(?P<what>idle memory[^:]*):\s+(?P<median>\d+) MB \(min (?P<min>\d+), "
                      r"max (?P<max>\d+)\)(?P<rest>.*)$")
_UI_SCROLL = re.compile(r"^(?P<what>scrolling[^:]*):.*?(?P<ms>\d+) ms")
# A sort's or search's baselines on the same line: `SQLCipher alone 12 ms (min 11, max 13)`.
_UI_ALONE = re.compile(r"(?P<who>SQLCipher|unencrypted SQLite) alone (?P<median>\d+) ms "
                       r"\(min (?P<min>\d+), max (?P<max>\d+)\)")
_SQLCIPHER, _UNENCRYPTED = "SQLCipher alone", "sqlite3 alone on an unencrypted copy"
_EMPTY_WINDOW = "empty PySide6 window painted"
_SIGN_IN = "sign-in dialog painted"


def _ms_record(what: str, match: re.Match[str], runs: int) -> dict[str, Any]:
    seconds = [int(match[key]) / 1000 for key in ("median", "min", "max")]
    return {"what": what, "unit": "s", "median": seconds[0], "min": seconds[1],
            "max": seconds[2], "runs": runs, "baseline": None, "ratio_at_most": None,
            "at_most": None, "note": ""}


def parse_ui_bench(lines: list[str], runs: int) -> list[dict[str, Any]]:
    """The figures of `ui_bench.py`'s text (it has no `--json`): medians and spreads as
    printed (whole milliseconds), the sign-in against the empty window of the same run, a
    sort or search against SQLCipher alone running its SQL, and SQLCipher alone against
    sqlite3 on an unencrypted copy (the encryption's cost)."""
    figures: list[dict[str, Any]] = []
    empty: float | None = None
    for line in lines:
        if match := _UI_LINE.match(line.strip()):
            what, rest = " ".join(match["what"].split()), match["rest"]
            limit = _UI_LIMIT.search(rest)
            record = _ms_record(what, match, runs)
            record["at_most"] = float(limit["limit"]) / 1000 if limit else None
            alone = {found["who"]: _ms_record(f"{what}: {_SQLCIPHER}", found, runs)
                     for found in _UI_ALONE.finditer(rest)}
            if keyed := alone.get("SQLCipher"):
                record["baseline"] = {"what": _SQLCIPHER, "median": keyed["median"]}
                figures.append(record)
                if plain := alone.get("unencrypted SQLite"):
                    keyed["baseline"] = {"what": _UNENCRYPTED, "median": plain["median"]}
                    figures.append(keyed)
                continue
            if what == _EMPTY_WINDOW:
                empty = record["median"]
                continue  # the sign-in's baseline, not a row of its own
            if what == _SIGN_IN and empty is not None:
                paired = re.search(r"ratio (?P<ratio>[\d.]+)", rest)
                record.update(baseline={"what": _EMPTY_WINDOW, "median": empty},
                              ratio_at_most=1.3, at_most=None,
                              ratio=float(paired["ratio"]) if paired else None)
                heavy = rest.partition("heavy modules loaded:")[2].strip()
                record["note"] = f"a new process each run (OS file cache warm), each after " \
                                 f"an empty window's: the ratio is the median of the pairs'; " \
                                 f"heavy modules loaded before the first paint: {heavy or '?'}"
            figures.append(record)
        elif match := _UI_IDLE.match(line.strip()):
            limit = _UI_LIMIT.search(match["rest"])
            figures.append({
                "what": "window, idle memory", "unit": "MB", "median": float(match["median"]),
                "min": float(match["min"]), "max": float(match["max"]), "runs": runs,
                "baseline": None, "ratio_at_most": None,
                "at_most": float(limit["limit"]) if limit else None,
                "note": "resident memory of a new process signed in on the register, its "
                        "first 200 rows painted, after 2 s idle"})
        elif match := _UI_MEMORY.match(line.strip()):
            figures.append({
                "what": "ui_bench, peak memory of the whole process", "unit": "MB",
                "median": float(match["mb"]), "min": float(match["mb"]),
                "max": float(match["mb"]), "runs": 1, "baseline": None,
                "ratio_at_most": None, "at_most": None,
                "note": "the window after sorts, searches, the dashboard and scrolling "
                        "(no target: the target is the idle memory above)"})
        elif match := _UI_SCROLL.match(line.strip()):
            ms = int(match["ms"]) / 1000
            figures.append({"what": match["what"] + ", worst step", "unit": "s",
                            "median": ms, "min": ms, "max": ms, "runs": 1, "baseline": None,
                            "ratio_at_most": None, "at_most": None, "note": ""})
    return figures


def _amount(value: float, unit: str) -> str:
    if unit == "MB":
        return f"{value:.0f} MB"
    return f"{value * 1000:.0f} ms" if value < 1 else f"{value:.2f} s"


def _spread(record: dict[str, Any]) -> str:
    amount, unit = _amount(record["median"], record["unit"]), record["unit"]
    if record["runs"] == 1:  # memory is one figure for all runs: its note says which
        return amount if unit == "MB" else f"{amount} (1 run)"
    low, high = _amount(record["min"], unit), _amount(record["max"], unit)
    return f"{amount} ({low}–{high}, {record['runs']} runs)"


def measured_ratio(record: dict[str, Any]) -> float | None:
    """A figure against its baseline: the ratio measured run by run where there is one (the
    sign-in's, in pairs), else of the medians; None without a baseline."""
    base = record["baseline"]
    if record.get("ratio") is not None:
        return float(record["ratio"])
    return record["median"] / base["median"] if base and base["median"] else None


def table_row(record: dict[str, Any], mark: str) -> str:
    baseline, ratio, target, met = "—", "—", "—", "—"
    base = record["baseline"]
    measured = measured_ratio(record)
    if base:
        baseline = f"{base['what']}: {_amount(base['median'], record['unit'])}"
        ratio = _ratio(record)
    if record["ratio_at_most"] is not None and measured is not None:
        target = f"≤ {record['ratio_at_most']:g} × baseline"
        met = "yes" if measured <= record["ratio_at_most"] else "**no**"
    elif record["at_most"] is not None:
        target = f"≤ {_amount(record['at_most'], record['unit'])}"
        met = "yes" if record["median"] <= record["at_most"] else "**no**"
    return (f"| {record['what']}{mark} | {_spread(record)} | {baseline} | {ratio} | {target} "
            f"| {met} |")


def machine() -> list[str]:
    cpu = next((line.split(":", 1)[1].strip()
                for line in Path("/proc/cpuinfo").read_text().splitlines()
                if line.startswith("model name")), platform.processor() or "?")
    memory = next((int(line.split()[1]) / 2**20
                   for line in Path("/proc/meminfo").read_text().splitlines()
                   if line.startswith("MemTotal:")), 0.0)
    import PySide6  # for its version: this process never starts Qt

    return [f"- CPU: {cpu}, {os.cpu_count()} cores; RAM {memory:.1f} GB; "
            f"{platform.system()} {platform.release()}",
            f"- Python {platform.python_version()}, {sqlcipher_version()}, "
            f"PySide6 {PySide6.__version__}; the unencrypted baselines' sqlite3: SQLite "
            f"{sqlite3.sqlite_version}"]


def sqlcipher_version() -> str:
    """The database engine the program runs on: SQLCipher, its SQLite and crypto library."""
    import sqlcipher3

    with closing(sqlcipher3.connect(":memory:")) as connection:
        connection.execute(f"PRAGMA key = \"x'{'00' * 32}'\"")  # the provider needs a key
        version, provider, provider_version = (
            connection.execute(f"PRAGMA {pragma}").fetchone()[0]
            for pragma in ("cipher_version", "cipher_provider", "cipher_provider_version"))
    return (f"SQLCipher {version} (sqlcipher3 {metadata.version('sqlcipher3')}, SQLite "
            f"{sqlcipher3.sqlite_version}, {provider} {provider_version})")


def folder_cases(folder: Path) -> str:
    """The cases the folder holds (read after the run: it may have been there before)."""
    # Loaded here: the other scripts import this module for `figure` alone.
    from demo_build import PASSWORD, USER
    from keyed import data_key, sqlcipher

    key = data_key(folder, USER, PASSWORD)
    if key is None:
        return "?"
    with closing(sqlcipher(folder / "sovipham.sqlite3", key)) as db:
        count = db.execute("SELECT count(*) FROM cases WHERE deleted_at IS NULL").fetchone()
    return f"{count[0]:,}"


def write_results(target: Path, steps: list[Step], header: list[str]) -> None:
    rows, runs = [], []
    notes: dict[str, int] = {}  # a note's text and its number, shared by the rows it is for
    for step in steps:
        if step.problem:
            rows.append(f"| {step.name}: **failed** ({step.problem}) | | | | | |")
        for record in step.figures:
            mark = ""
            if record["note"]:
                mark = f" [{notes.setdefault(record['note'], len(notes) + 1)}]"
            rows.append(table_row(record, mark))
        runs.append(f"| {step.name} | `{shown(step.argv)}` | {step.seconds:.0f} s | "
                    f"{step.peak_mb:.0f} MB | {step.load[0]:.2f} → {step.load[1]:.2f} | "
                    f"{step.exit_code} |")
    text = [*header, "",
            "| what | median (spread) | baseline (median) | ratio | target | met? |",
            "|---|---|---|---|---|---|", *rows, "",
            *(["Notes:", "", *(f"{number}. {note}" for note, number in notes.items()), ""]
              if notes else []),
            "Each script as run, one after the other (peak memory: the script's process and "
            "its children, from `os.wait4`; load: the 1-minute load average before and after):",
            "", "| script | command | wall time | peak memory | load | exit |",
            "|---|---|---|---|---|---|", *runs, "", *engines_compared(steps),
            *before_and_after(steps)]
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text("\n".join(text), encoding="utf-8")


def _aimed(step: Step, record: dict[str, Any]) -> bool:
    """Whether issue 16's aim is for this figure: the list, the search and the report (not
    memory, nor the writing alone of figures computed once: no database in it)."""
    if record["unit"] != "s" or "writing alone" in record["what"]:
        return False
    return step.name.startswith(("window", "month", "quarter", "year")) and (
        "report" in step.name or record["what"].startswith(("main window", "sort ", "search ")))


def engines_compared(steps: list[Step]) -> list[str]:
    """Each figure measured on both engines side by side (empty without a server run)."""
    on_sqlite = {record["what"]: record for step in steps if step.engine == "SQLite"
                 for record in step.figures}
    rows = []
    for step in steps:
        if step.engine != SERVER:
            continue
        for record in step.figures:
            if (sqlite := on_sqlite.get(record["what"])) is None:
                continue
            ratio = record["median"] / sqlite["median"] if sqlite["median"] else None
            aim, met = "—", "—"
            if _aimed(step, record):
                aim = f"≤ {SERVER_AIM:g}"
                met = "—" if ratio is None else "yes" if ratio <= SERVER_AIM else "**no**"
            rows.append(f"| {record['what']} | {_spread(sqlite)} | {_spread(record)} | "
                        f"{'—' if ratio is None else f'{ratio:.2f}'} | {aim} | {met} |")
    if not rows:
        return []
    return [f"## SQLite | {SERVER}", "",
            f"The same scripts on the same demo (same seed and day) in the same run; ratio "
            f"{SERVER} / SQLite. The raw baselines (SQLCipher alone, sqlite3 unencrypted, the "
            "report's plain SQL) are SQLite's own: not measured on the server.", "",
            f"| what | SQLite | {SERVER} | ratio | aim | met? |", "|---|---|---|---|---|---|",
            *rows, ""]


BEFORE = "before"


def _ratio(record: dict[str, Any]) -> str:
    measured = measured_ratio(record)
    return "—" if measured is None else f"{measured:.2f}"


def _sizeless(what: str) -> str:
    """A figure's name without the sizes in it (`backup (database 264 MB, …)`): a change
    to the schema changes the file's size, not what is measured."""
    return re.sub(r"\s*\([^)]*\bMB\b[^)]*\)", "", what)


def before_and_after(steps: list[Step]) -> list[str]:
    """Each figure of a `--before` step beside the same figure of this checkout's run, each
    with its ratio to its own bound (empty without `--before`)."""
    after = {_sizeless(record["what"]): record for step in steps if step.engine != BEFORE
             for record in step.figures}
    rows = []
    for step in steps:
        if step.engine != BEFORE:
            continue
        for record in step.figures:
            if (now := after.get(_sizeless(record["what"]))) is None:
                continue
            limit = now["ratio_at_most"] or now["at_most"]
            rows.append(f"| {now['what']} | {_spread(record)} | {_ratio(record)} | "
                        f"{_spread(now)} | {_ratio(now)} | "
                        f"{'—' if limit is None else f'≤ {limit:g}'} |")
    if not rows:
        return []
    checkout = next(step.checkout for step in steps if step.engine == BEFORE)
    return ["## Before | after", "",
            f"The same scripts on the same demo (same seed and day) in the same run: before "
            f"with the `app` of {checkout}, after with this checkout's. Each ratio is to the "
            "bound measured in its own run (— where the figure has none).", "",
            "| what | before | ratio | after | ratio | target |", "|---|---|---|---|---|---|",
            *rows, ""]


def before_steps(checkout: Path, folder: Path, cases: int, quick: bool,
                 runs: int | None) -> list[Step]:
    """The scripts whose figures have a raw bound, run with `checkout`'s `app` on a folder
    it builds itself (an older program may not open a folder a newer one migrated)."""
    steps = [step for step in steps_for(folder, cases, quick, runs)
             if step.name.endswith("report") or step.name in ("import", "backup and check")]
    for step in steps:
        step.name, step.engine, step.checkout = f"{step.name} (before)", BEFORE, checkout
    return steps


def engine_steps(folder: Path, cases: int, quick: bool, runs: int | None,
                 server: str | None = None) -> list[Step]:
    """The demo build, the window and the reports: the scripts that run on both engines."""
    one = ["--runs", "1"] if quick else []
    slow = ["--runs", str(runs)] if runs and not quick else one  # the steps of minutes
    data = ["--data-dir", str(folder), *(["--database", server] if server else [])]
    engine, suffix = (SERVER, f" ({SERVER})") if server else ("SQLite", "")
    size = ["--cases", str(cases)]  # a folder missing (`--only`, `--before`) is built so
    return [
        Step(f"demo build{suffix}", ["bench/demo_build.py", "--cases", str(cases), *data,
                                      *slow, "--json"],
             engine=engine, figures_optional=server is not None),
        Step(f"window{suffix}", ["bench/ui_bench.py", *data, "--cases", str(cases),
                                 "--runs", "1" if quick else "5"], text_only=True,
             engine=engine),
        *(Step(f"{period} report{suffix}", ["bench/report_bench.py", *data, *size, "--period",
                                             period, *slow, *_YEAR_EXPORTS[period], "--json"],
               engine=engine)
          for period in ("month", "quarter", "year"))]


# The year's Word file takes many minutes and hundreds of MB (python-docx holds a document
# whole) and has no target: the month's and the quarter's measure it.
_YEAR_EXPORTS = {"month": [], "quarter": [], "year": ["--exports", "xlsx,pdf"]}


def steps_for(folder: Path, cases: int, quick: bool, runs: int | None) -> list[Step]:
    one = ["--runs", "1"] if quick else []
    slow = ["--runs", str(runs)] if runs and not quick else one  # the steps of minutes
    data = ["--data-dir", str(folder)]
    build, window, *reports = engine_steps(folder, cases, quick, runs)
    return [
        build, window,
        Step("case open", ["bench/case_open_bench.py", *one, "--json"]),
        *reports,
        Step("import", ["bench/import_bench.py", "--cases", str(cases), *slow, "--json"]),
        Step("backup and check", ["bench/backup_bench.py", *data, "--cases", str(cases),
                                  *slow, "--json"]),
        Step("audit log", ["bench/audit_bench.py", "--rows", str(cases), *slow, "--json"]),
        Step("province consolidation", ["bench/consolidation_bench.py",
                                        *(["--units", "10", "--cases", "50"] if quick else []),
                                        *slow, "--json"]),
    ]


def server_version(url: str) -> str:
    from sqlalchemy import text

    from app.db.storage import server_engine

    with server_engine(url, None) as engine, engine.connect() as connection:
        return str(connection.execute(text("SHOW server_version")).scalar())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data-dir", type=Path,
                        help="demo folder, built when missing (default bench-out/ui-100k, "
                             "bench-out/quick-2k with --quick)")
    parser.add_argument("--quick", action="store_true",
                        help="2,000 cases and one run of each: tries the command in minutes")
    parser.add_argument("--cases", type=int,
                        help="cases of the demo folder and of the imported register "
                             "(default 100,000, 2,000 with --quick)")
    parser.add_argument("--runs", type=int,
                        help="runs of the demo build, reports, import and backup (default "
                             "each script's own: 3)")
    parser.add_argument("--out", type=Path,
                        help="results file (default bench-out/results.md, "
                             "bench-out/results-quick.md with --quick, "
                             "bench-out/results-server.md with --database)")
    parser.add_argument("--database", metavar="URL",
                        help="also run the demo build, window and reports on this PostgreSQL "
                             "database, beside SQLite, in the same run")
    parser.add_argument("--before", metavar="CHECKOUT", type=Path,
                        help="first run the reports, import and backup with this checkout's "
                             "app (an earlier commit), for before and after in one run")
    parser.add_argument("--only", metavar="NAMES",
                        help="run only these steps, by name, comma-separated (e.g. "
                             "'month report,import,window'; `--before` steps go with theirs)")
    args = parser.parse_args()
    if args.before and args.database:
        parser.error("--before and --database: one comparison per run")
    cases = args.cases or (2_000 if args.quick else 100_000)
    folder = (args.data_dir or ROOT / "bench-out" / ("quick-2k" if args.quick
                                                      else "ui-100k")).resolve()
    out = args.out or ROOT / "bench-out" / (
        "results-server.md" if args.database else
        "results-quick.md" if args.quick else "results.md")
    started = datetime.now()
    if args.database:
        server_folder = folder.with_name(f"{folder.name}-server")  # the PC's own files
        steps = [*engine_steps(folder, cases, args.quick, args.runs),
                 *engine_steps(server_folder, cases, args.quick, args.runs, args.database)]
    else:
        steps = steps_for(folder, cases, args.quick, args.runs)
    if args.before:
        steps = [*before_steps(args.before.resolve(), folder.with_name(f"{folder.name}-before"),
                               cases, args.quick, args.runs), *steps]
    if args.only:
        chosen = {name.strip() for name in args.only.split(",")}
        steps = [step for step in steps if step.name.removesuffix(" (before)") in chosen]
        if not steps:
            parser.error(f"--only: no step named {args.only!r}")
    for step in steps:
        run_step(step)
    took = int((datetime.now() - started).total_seconds())
    header = [
        f"# Performance suite{' (--quick: not figures to publish)' if args.quick else ''}",
        "", f"Run on {started:%d/%m/%Y %H:%M}, {took // 60} min {took % 60:02d} s, by "
        f"`python bench/run_all.py {shown(sys.argv[1:])}`: the folder {folder} "
        f"({folder_cases(folder)} cases)" + (
            f" and the same demo in a PostgreSQL {server_version(args.database)} database"
            if args.database else f", an imported register of {cases:,} rows") + ".",
        "", *machine(),
        f"- Load average (1 minute) before the run {steps[0].load[0]:.2f}, during it up to "
        f"{max(max(step.load) for step in steps):.2f} (the suite itself adds about 1; the "
        "table at the end has it before and after each script)"]
    write_results(out, steps, header)
    failed = [step.name for step in steps if step.problem]
    print(f"\nresults written to {out}" + (f"; failed: {', '.join(failed)}" if failed else ""))
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
