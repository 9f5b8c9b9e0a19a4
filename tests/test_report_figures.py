"""The counting rules of shared/spec/report-forms.md, on hand-built cases at the period's edges."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import update

from app.db import Database
from app.domain.case import ChildInput
from app.domain.events import EventInput
from app.domain.labels import ClosingResult, SanctionForm, Sex
from app.domain.periods import Period, parse_half, parse_month, parse_quarter
from app.domain.report import Counts, FiguresInconsistent, figures_from_json, figures_to_json
from app.errors import UserError
from app.models import Case, Event
from app.services import cases, events
from app.services.actor import Actor
from app.services.case_rows import event_columns
from app.services.report_figures import compute_figures, compute_summaries, compute_summary
from tests.conftest import TODAY, make_case

OCTOBER = Period.month(2026, 10)


def _case(db: Database, officer: Actor, detected: date, *steps: EventInput,
          **fields: object) -> int:
    case_id = cases.create_case(db, officer, make_case(detected_on=detected, **fields),
                                today=TODAY).id
    for step in steps:
        events.add_event(db, officer, case_id, step, today=TODAY)
    return case_id


def _event(kind: str, day: date, **fields: object) -> EventInput:
    return EventInput(kind, day, **fields)  # type: ignore[arg-type]


def _close(day: date) -> EventInput:
    return EventInput("KT", day, closing_result=ClosingResult.HANDLED)


def _fine(day: date, amount: int | None) -> EventInput:
    form = SanctionForm.FINE if amount else SanctionForm.WARNING
    return EventInput("XP", day, sanction_form=form, fine_amount=amount)


def _total(db: Database, period: Period = OCTOBER) -> Counts:
    return compute_summary(db, period).total


def test_detection_counts_both_edge_days_and_nothing_outside(db: Database,
                                                             officer: Actor) -> None:
    for day in (date(2026, 9, 30), date(2026, 10, 1), date(2026, 10, 31), date(2026, 11, 1)):
        _case(db, officer, day)
    assert _total(db) == Counts(carried_in=1, detected=2, unidentified=2, carried_out=3)
    # The case of 1 November belongs to November only.
    assert _total(db, Period.month(2026, 11)) == Counts(carried_in=3, detected=1,
                                                        unidentified=1, carried_out=4)


@pytest.mark.parametrize(
    ("closed", "expected"),
    [
        (date(2026, 9, 30), Counts()),  # closed before the period: counts nowhere
        (date(2026, 10, 1), Counts(carried_in=1, closed=1)),
        (date(2026, 10, 31), Counts(carried_in=1, closed=1)),
        (date(2026, 11, 1), Counts(carried_in=1, carried_out=1)),  # still open on 31/10
    ],
)
def test_carried_in_closed_and_carried_out_follow_the_closing_date(
        db: Database, officer: Actor, closed: date, expected: Counts) -> None:
    _case(db, officer, date(2026, 9, 15), _close(closed), offender_name="Lê Văn Tám")
    assert _total(db) == expected


def test_case_detected_and_closed_inside_the_period(db: Database, officer: Actor) -> None:
    _case(db, officer, date(2026, 10, 1), _close(date(2026, 10, 31)), offender_name="Lê Văn Tám")
    assert _total(db) == Counts(detected=1, closed=1)


def test_events_count_once_per_case_and_only_when_dated_in_the_period(
        db: Database, officer: Actor) -> None:
    _case(db, officer, date(2026, 9, 20), _event("GB", date(2026, 9, 30)))  # before
    _case(db, officer, date(2026, 9, 20), _event("GB", date(2026, 10, 1)),
          _event("GB", date(2026, 10, 31)))  # twice in the period: one case
    _case(db, officer, date(2026, 10, 20), _event("CA", date(2026, 10, 31)),
          _event("KN", date(2026, 10, 31)), _event("GB", date(2026, 11, 1)))  # GB after
    total = _total(db)
    assert (total.removed, total.to_police, total.escalated) == (1, 1, 1)
    assert _total(db, Period.month(2026, 11)).removed == 1


def test_several_fines_in_one_case_sum_within_the_period(db: Database, officer: Actor) -> None:
    # Several decisions for one act: refused since the sanction path's rules, but a register
    # recorded before them keeps them and its figures still add up.
    several = _case(db, officer, date(2026, 10, 2), offender_name="Công ty TNHH Quảng Cáo Sao Mai",
                    group_code="QC", platform_code="TT")
    with db.write() as session:
        for step in (_event("BB", date(2026, 10, 2)), _fine(date(2026, 10, 5), 5_000_000),
                     _fine(date(2026, 10, 20), 7_500_000), _fine(date(2026, 11, 2), 2_000_000)):
            session.add(Event(case_id=several, officer="canbo", **event_columns(step)))
    _case(db, officer, date(2026, 10, 3), _fine(date(2026, 10, 4), None),
          offender_name="Phạm Thị Hoa")  # a warning: a sanctioned case without money
    figures = compute_figures(db, OCTOBER)
    assert (figures.summary.total.sanctioned, figures.summary.total.fines) == (2, 12_500_000)
    by_platform = {line.code: line.counts for line in figures.summary.platforms}
    assert (by_platform["TT"].sanctioned, by_platform["TT"].fines) == (1, 12_500_000)
    assert [line.fines for line in figures.cases] == [12_500_000, 0]
    assert "phạt tiền 5.000.000 đồng" in figures.cases[0].results
    assert "02/11/2026" not in figures.cases[0].results
    assert figures.cases[1].results.endswith("cảnh cáo")


def test_reopened_case_loses_its_closing_and_voided_events_count_nowhere(
        db: Database, officer: Actor) -> None:
    first = _case(db, officer, date(2026, 10, 2), _event("GB", date(2026, 10, 3)),
                  _close(date(2026, 10, 10)))
    events.reopen_case(db, officer, first, "Đối tượng đăng lại")
    second = _case(db, officer, date(2026, 9, 2), _close(date(2026, 9, 10)))
    events.reopen_case(db, officer, second, "Phát hiện thêm tình tiết")
    detail = cases.get_case(db, officer, first)
    removal = next(e for e in detail.events if e.kind == "GB")
    events.void_event(db, officer, removal.id, "Ghi nhầm")
    total = _total(db)
    assert (total.carried_in, total.detected, total.removed, total.closed,
            total.carried_out) == (1, 1, 0, 0, 2)
    # Closed again later in the month: counted once, on the new date.
    events.add_event(db, officer, first, _close(date(2026, 10, 25)), today=TODAY)
    assert (_total(db).closed, _total(db).carried_out) == (1, 1)
    assert _total(db, Period.month(2026, 9)).closed == 0  # the voided closing of 10/09


def test_a_counted_event_is_found_whatever_the_closing_date_says(db: Database,
                                                                 officer: Actor) -> None:
    # The summary reads only the cases not closed before the period or with a counted
    # event in it: a case whose closing date (a cache) went wrong still shows its removal.
    case_id = _case(db, officer, date(2026, 9, 10), _event("GB", date(2026, 10, 5)))
    with db.write() as session:
        session.execute(update(Case).where(Case.id == case_id)
                        .values(closed_on=date(2026, 9, 20)))
    assert _total(db) == Counts(removed=1)


def test_deleted_cases_count_nowhere(db: Database, officer: Actor, leader: Actor) -> None:
    kept = _case(db, officer, date(2026, 10, 5))
    gone = _case(db, officer, date(2026, 10, 6), _event("BB", date(2026, 10, 6)),
                 _fine(date(2026, 10, 7), 5_000_000),
                 _close(date(2026, 10, 8)), offender_name="Lê Văn Tám",
                 children=(ChildInput("Nguyễn Văn An", birth_year=2013),))
    cases.delete_case(db, leader, gone, "Nhập trùng")
    figures = compute_figures(db, OCTOBER)
    assert figures.summary.total == Counts(detected=1, unidentified=1, carried_out=1)
    assert [line.code for line in figures.cases] == [cases.get_case(db, officer, kept).code]


def test_unidentified_offenders_and_children_count_for_cases_detected_in_the_period(
        db: Database, officer: Actor) -> None:
    two = (ChildInput("Nguyễn Văn An", birth_year=2013, sex=Sex.MALE),
           ChildInput("Trần Thị Bé", birth_year=2015, sex=Sex.FEMALE))
    _case(db, officer, date(2026, 10, 5), group_code="TE", children=two)
    _case(db, officer, date(2026, 10, 6), offender_name="Lê Văn Tám")
    _case(db, officer, date(2026, 9, 6), group_code="TE", children=two[:1])  # carried in
    figures = compute_figures(db, OCTOBER)
    children_row = figures.summary.groups[0]
    assert children_row.code == "TE"
    assert (children_row.counts.detected, children_row.counts.unidentified,
            children_row.counts.children) == (1, 1, 2)
    assert (figures.summary.total.unidentified, figures.summary.total.children) == (1, 2)


def test_groups_are_always_six_rows_in_order(db: Database) -> None:
    summary = compute_summary(db, OCTOBER)
    assert [line.code for line in summary.groups] == ["TE", "DD", "TG", "PC", "QC", "KH"]
    assert summary.groups[2].label == "Tin giả, tin sai sự thật"
    assert all(line.counts == Counts() for line in summary.groups)
    assert summary.platforms == ()


def test_platforms_only_with_a_figure_in_vocabulary_order(db: Database, officer: Actor) -> None:
    _case(db, officer, date(2026, 10, 5), platform_code="TT")
    _case(db, officer, date(2026, 10, 6), platform_code="FB")
    _case(db, officer, date(2026, 9, 6), platform_code="YT")  # only carried in: no form 02 row
    summary = compute_summary(db, OCTOBER)
    assert [(line.code, line.label) for line in summary.platforms] == [
        ("FB", "Facebook"), ("TT", "TikTok")]
    assert summary.platform_total.detected == summary.total.detected == 2


def test_form_03_lists_cases_detected_or_handled_in_the_period(db: Database,
                                                               officer: Actor) -> None:
    _case(db, officer, date(2026, 10, 9), code="VV-B")
    _case(db, officer, date(2026, 10, 9), code="VV-A")
    _case(db, officer, date(2026, 9, 1), _event("XM", date(2026, 10, 31),
                                                document_number="01/BB"), code="VV-C")
    _case(db, officer, date(2026, 9, 1), code="VV-D")  # nothing in October
    voided = _case(db, officer, date(2026, 9, 2), _event("MLV", date(2026, 10, 3)), code="VV-E")
    events.void_event(db, officer, cases.get_case(db, officer, voided).events[0].id, "Ghi nhầm")
    _case(db, officer, date(2026, 10, 1), _close(date(2026, 11, 1)), code="VV-F",
          offender_name="Lê Văn Tám")
    _case(db, officer, date(2026, 10, 2), _close(date(2026, 10, 30)), code="VV-G",
          offender_name="Lê Văn Tám")
    lines = compute_figures(db, OCTOBER).cases
    assert [line.code for line in lines] == ["VV-C", "VV-F", "VV-G", "VV-A", "VV-B"]
    by_code = {line.code: line for line in lines}
    assert by_code["VV-C"].results == "31/10/2026: Xác minh, thu thập chứng cứ (số 01/BB)"
    assert by_code["VV-F"].status == "Đang xử lý"  # closed after the period's last day
    assert by_code["VV-G"].status == "Đã kết thúc"
    assert by_code["VV-A"].offender == "Chưa xác định"
    assert by_code["VV-G"].offender == "Lê Văn Tám"


def test_a_broken_row_is_refused_before_anything_is_written(db: Database,
                                                            officer: Actor) -> None:
    case_id = _case(db, officer, date(2026, 10, 5))
    with db.write() as session:  # a closing date before detection: impossible via the services
        session.execute(update(Case).where(Case.id == case_id)
                        .values(closed_on=date(2026, 9, 30)))
    with pytest.raises(FiguresInconsistent, match="không khớp ở dòng «Tin giả"):
        compute_figures(db, OCTOBER)


def test_every_row_of_a_realistic_register_keeps_the_invariant(db: Database,
                                                               admin: Actor) -> None:
    from app.services.demo import add_demo_cases

    add_demo_cases(db, admin, 600, seed=7, today=TODAY)
    for period in (OCTOBER, Period.quarter(2026, 3), Period.year_of(2026),
                   Period.between(date(2026, 1, 15), date(2026, 11, 20))):
        figures = compute_figures(db, period)
        assert all(line.counts.balanced for line in figures.summary.groups)
        assert figures.summary.total.detected == figures.summary.platform_total.detected
        assert figures.summary.total.fines == sum(line.fines for line in figures.cases)
        assert figures_from_json(figures_to_json(figures)) == figures


def test_periods_summed_together_equal_each_summed_alone(db: Database, admin: Actor) -> None:
    from app.services.demo import add_demo_cases

    add_demo_cases(db, admin, 300, seed=11, today=TODAY)
    # Adjacent, overlapping and far apart: the shared prefilter must not change a figure.
    for periods in ([Period.month(2026, 9), OCTOBER], [OCTOBER, Period.month(2025, 12)],
                    [Period.year_of(2026), OCTOBER, Period.quarter(2026, 1)]):
        assert compute_summaries(db, periods) == tuple(compute_summary(db, p) for p in periods)


@pytest.mark.parametrize(
    ("period", "label", "start", "end", "previous"),
    [
        (Period.month(2026, 10), "Tháng 10/2026", date(2026, 10, 1), date(2026, 10, 31),
         "Tháng 9/2026"),
        (Period.month(2026, 1), "Tháng 1/2026", date(2026, 1, 1), date(2026, 1, 31),
         "Tháng 12/2025"),
        (Period.month(2028, 2), "Tháng 2/2028", date(2028, 2, 1), date(2028, 2, 29),
         "Tháng 1/2028"),
        (parse_quarter("2026-4"), "Quý IV/2026", date(2026, 10, 1), date(2026, 12, 31),
         "Quý III/2026"),
        (parse_quarter("2026-Q1"), "Quý I/2026", date(2026, 1, 1), date(2026, 3, 31),
         "Quý IV/2025"),
        (parse_half("2026-1"), "6 tháng đầu năm 2026", date(2026, 1, 1), date(2026, 6, 30),
         "6 tháng cuối năm 2025"),
        (parse_half("2026-H2"), "6 tháng cuối năm 2026", date(2026, 7, 1), date(2026, 12, 31),
         "6 tháng đầu năm 2026"),
        (Period.year_of(2026), "Năm 2026", date(2026, 1, 1), date(2026, 12, 31), "Năm 2025"),
        (Period.between(date(2026, 10, 1), date(2026, 11, 15)),
         "Từ ngày 01/10/2026 đến ngày 15/11/2026", date(2026, 10, 1), date(2026, 11, 15),
         "Từ ngày 16/08/2026 đến ngày 30/09/2026"),  # as many days, just before
    ],
)
def test_period_labels_bounds_and_previous(period: Period, label: str, start: date, end: date,
                                           previous: str) -> None:
    assert (period.label, period.start, period.end) == (label, start, end)
    assert period.previous().label == previous
    assert parse_month("2026-10") == Period.month(2026, 10)
    assert period.previous().kind is period.kind


@pytest.mark.parametrize("text", ["2026-13", "2026-Q4", "26-10", "2026/10"])
def test_bad_months_are_refused_in_vietnamese(text: str) -> None:
    with pytest.raises(UserError, match=r"Tháng «.*» không hợp lệ"):
        parse_month(text)
