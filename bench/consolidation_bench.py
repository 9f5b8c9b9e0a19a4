"""Benchmark: the province's consolidation of a month's report packages (issue 19).

    python bench/consolidation_bench.py [--units 100] [--cases 300] [--runs 3]
                                        [--file-runs 1] [--profile] [--json]

Made once, not measured: a commune's folder with a demo register whose month (October
2026) lists `--cases` cases in form 03, its report frozen («chốt số liệu») and packaged
(`write_package`); then `--units` packages of those figures, each under its own unit code
and name and signed with that unit's own key (a seed of `security.unit_keys.new_seed`),
with each unit's key file: the files `write_package` and `write_unit_key` would write for
such a unit (`report_packages.package_file`, `unit_keys.key_file_text`). Every unit sends
the same figures: the work of the province grows with the rows, not with their values.

Measured, each run on a new province folder where the units' key files are registered
(`trust_unit`), the median and spread of `--runs`, with how much each step raised the
resident memory of the process at its peak (`report_bench.timed_with_memory`):

- receiving the packages, one `receive_package` each (every signature and sum checked,
  each package stored in its own transaction);
- reading them alone (`received_packages`: the stored packages read and checked again),
  what every consolidation starts from;
- the consolidation (`consolidation_of`: the sums and their check);
- the consolidated workbook, PDF and Word file (`write_consolidated`, one file each, which
  adds the packages up again before writing), `--file-runs` runs (default 1: the PDF and
  the Word file of 30,000 rows take minutes).

`--profile` then runs the slowest step once more under cProfile and prints the functions
that took the most time.
"""

from __future__ import annotations

import argparse
import cProfile
import dataclasses
import io
import pstats
import resource
import statistics
import tempfile
from collections.abc import Callable
from datetime import date
from functools import partial
from pathlib import Path
from typing import Any

from demo_build import PASSWORD, USER  # bench/ is the script's folder
from report_bench import timed_with_memory
from run_all import figure, print_json

from app.db import Database
from app.domain.exchange import ReportPackage
from app.domain.periods import Period
from app.domain.report import ReportText
from app.domain.units import Unit
from app.paths import DataPaths
from app.security import unit_keys
from app.services import (
    accounts,
    consolidation,
    demo,
    legal_basis,
    report_packages,
    report_register,
    settings,
    setup,
)
from app.services.actor import Actor
from app.services.report_export import Targets
from app.services.unit_keys import key_file_text, trust_unit

PERIOD = Period.month(2026, 10)
TODAY = date(2026, 10, 31)  # the demo's last day: the month is whole and the busiest
ISSUED = date(2026, 11, 3)
SEED = 2026
COMMUNE = Unit("00004", "Xã Minh Tân")
PROVINCE = Unit("01", "Sở Văn hóa, Thể thao và Du lịch tỉnh Thử Nghiệm")
FILES = ("xlsx", "pdf", "docx")


def _listed(cases: list[Any]) -> int:
    """How many of the demo's cases form 03 of `PERIOD` lists: those detected in it and
    those with an event in it (`report_figures`)."""
    def within(day: date | None) -> bool:
        return day is not None and PERIOD.start <= day <= PERIOD.end

    return sum(1 for case in cases if within(case.data.detected_on) or any(
        within(event.occurred_on) for event in case.events))


def demo_size(db: Database, rows: int) -> int:
    """The fewest demo cases whose month lists `rows` cases in form 03. The demo draws its
    cases one after the other from one seed, so a larger demo holds a smaller one's cases
    and the rows grow with the count: a binary search over `demo.generate`, called as
    `add_demo_cases` calls it."""
    office = settings.load_office(db)
    provisions = legal_basis.all_provisions(db)

    def listed(count: int) -> int:
        return _listed(demo.generate(count, seed=SEED, today=TODAY, areas=office.areas,
                                     provisions=provisions))

    low, high = rows, rows * 4
    while listed(high) < rows:
        low, high = high, high * 2
    while low < high:
        middle = (low + high) // 2
        low, high = (middle + 1, high) if listed(middle) < rows else (low, middle)
    return low


def _office(root: Path, unit: Unit) -> tuple[Database, Actor]:
    office = dataclasses.replace(demo.demo_office(), unit_code=unit.code, unit_title=unit.name)
    db = setup.init_data_folder(DataPaths(root), USER, PASSWORD, office=office)
    return db, accounts.authenticate(db, USER, PASSWORD)


def commune_package(root: Path, rows: int) -> tuple[ReportPackage, Path]:
    """A commune's frozen report of `PERIOD` with `rows` cases in form 03, packaged."""
    db, admin = _office(root / "xa", COMMUNE)
    count = demo_size(db, rows)
    print(f"commune: a demo register of {count:,} cases, October 2026 frozen and packaged …",
          flush=True)
    demo.add_demo_cases(db, admin, count, seed=SEED, today=TODAY)
    report_register.send_report(db, admin, PERIOD, ReportText("12", ISSUED, ""))
    target = root / f"{COMMUNE.code}.svpbc"
    package = report_packages.write_package(db, admin, PERIOD, target)
    db.dispose()
    return package, target


def units_files(package: ReportPackage, count: int, folder: Path) -> list[tuple[Path, Path]]:
    """`count` units' key files and packages of `package`'s figures, each signed with its
    own unit's key."""
    folder.mkdir()
    made = []
    for number in range(1, count + 1):
        unit = Unit(f"{10_000 + number:05d}", f"Xã Thử Nghiệm {number}")
        seed = unit_keys.new_seed()
        key_file, package_file = folder / f"khoa-{unit.code}.json", folder / f"{unit.code}.svpbc"
        key_file.write_text(key_file_text(unit, seed), encoding="utf-8")
        package_file.write_bytes(report_packages.package_file(
            dataclasses.replace(package, unit=unit), partial(unit_keys.sign, seed)))
        made.append((key_file, package_file))
    return made


def province(root: Path, files: list[tuple[Path, Path]]) -> tuple[Database, Actor]:
    """A new province folder with every unit's key file registered."""
    db, admin = _office(root, PROVINCE)
    for key_file, _ in files:
        trust_unit(db, admin, key_file)
    return db, admin


def steps_of(db: Database, admin: Actor, files: list[tuple[Path, Path]],
             received: list[ReportPackage], root: Path) -> dict[str, Callable[[], object]]:
    """The measured steps on the province `db`, in order: `read` fills `received`, which
    the steps after it use."""
    def receive() -> None:
        for _, path in files:
            report_packages.receive_package(db, admin, path)

    def read() -> None:
        received[:] = report_packages.received_packages(db, admin, PERIOD)

    return {"receive": receive, "read": read,
            "consolidate": partial(consolidation.consolidation_of, db, admin, PERIOD, received),
            **{kind: partial(consolidation.write_consolidated, db, admin, PERIOD, received,
                             Targets(**{kind: root / f"tong-hop.{kind}"}))
               for kind in FILES}}


@dataclasses.dataclass
class Step:
    what: str
    seconds: list[float] = dataclasses.field(default_factory=list)
    grown_mb: float = 0.0

    def measure(self, job: Callable[[], object]) -> None:
        times, grown = timed_with_memory(1, job)
        self.seconds += times
        self.grown_mb = max(self.grown_mb, grown or 0.0)


def _spread(values: list[float]) -> str:
    return (f"{statistics.median(values):8.2f} s ({min(values):.2f}–{max(values):.2f}, "
            f"{len(values)} runs)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--units", type=int, default=100)
    parser.add_argument("--cases", type=int, default=300,
                        help="form 03 rows of each unit's package (default 300)")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--file-runs", type=int, default=1,
                        help="runs of the workbook, PDF and Word file, at most --runs")
    parser.add_argument("--profile", action="store_true",
                        help="then profile the slowest step once (cProfile)")
    parser.add_argument("--json", action="store_true", help="also print one JSON line last")
    args = parser.parse_args()
    steps = {name: Step(what) for name, what in (
        ("receive", "receiving the packages (receive_package each)"),
        ("read", "reading the received packages alone (received_packages)"),
        ("consolidate", "consolidating: the sums and their check (consolidation_of)"),
        ("xlsx", "consolidated workbook (write_consolidated)"),
        ("pdf", "consolidated PDF (write_consolidated)"),
        ("docx", "consolidated Word file (write_consolidated)"))}
    with tempfile.TemporaryDirectory(prefix="consolidation-bench-") as tmp:
        root = Path(tmp)
        package, _ = commune_package(root, args.cases)
        rows = len(package.figures.cases)
        files = units_files(package, args.units, root / "goi")
        size_mb = sum(path.stat().st_size for _, path in files) / 2**20
        print(f"{args.units} units' packages of {rows:,} form 03 rows each "
              f"({args.units * rows:,} rows, {size_mb:.1f} MB), {args.runs} runs", flush=True)
        for run in range(args.runs):
            db, admin = province(root / f"tinh-{run}", files)
            received: list[ReportPackage] = []
            jobs = steps_of(db, admin, files, received, root)
            for name, job in jobs.items():
                if name in FILES and run >= args.file_runs:
                    continue
                steps[name].measure(job)
                print(f"  run {run + 1}: {steps[name].what}: {steps[name].seconds[-1]:.2f} s",
                      flush=True)
            if run < args.runs - 1:
                db.dispose()
        total = consolidation.consolidation_of(db, admin, PERIOD, received).figures
        assert len(total.cases) == args.units * rows, len(total.cases)
        peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        print(f"\n{args.units} units × {rows:,} rows = {len(total.cases):,} rows in form 03")
        for step in steps.values():
            print(f"{step.what:62} {_spread(step.seconds)}  memory growth "
                  f"{step.grown_mb:6.1f} MB")
        print(f"peak memory of the process: {peak_mb:.0f} MB")
        if args.profile:
            slowest = max(steps, key=lambda name: statistics.median(steps[name].seconds))
            if slowest == "receive":  # on a province that has not received them yet
                db.dispose()
                db, admin = province(root / "tinh-profile", files)
                jobs = steps_of(db, admin, files, [], root)
            profile(steps[slowest].what, jobs[slowest])
        db.dispose()
    if args.json:
        what = f"{args.units} units × {rows:,} rows"
        # What the consolidation and each file are beside: reading the packages alone.
        read, base = steps["read"].seconds, "reading the packages alone"
        beside = ("consolidate", *FILES)
        print_json("consolidation_bench", [
            *(figure(f"{what}: {step.what}", step.seconds,
                     baseline=base if name in beside else "",
                     baseline_values=read if name in beside else [])
              for name, step in steps.items()),
            *(figure(f"{what}: memory growth, {step.what}", [step.grown_mb], unit="MB",
                     note="resident memory of the process at the step's peak beyond what it "
                          "held before, the largest of the runs")
              for step in steps.values()),
            figure("consolidation_bench, peak memory of the process", [peak_mb], unit="MB")])


def profile(what: str, job: Callable[[], object]) -> None:
    """`job` once under cProfile: the functions that took the most time."""
    profiler = cProfile.Profile()
    profiler.runcall(job)
    for order in ("tottime", "cumulative"):
        text = io.StringIO()
        pstats.Stats(profiler, stream=text).strip_dirs().sort_stats(order).print_stats(15)
        print(f"\nprofile of {what}, by {order}:\n{text.getvalue()}")


if __name__ == "__main__":
    main()
