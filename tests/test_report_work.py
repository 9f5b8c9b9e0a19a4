"""What a Sở reads beside forms 01 and 02: the office's work counted from its events, the
year to date and the same period a year before, NĐ 09/2019 cut-off periods, the children as
counts only, and percentages as Vietnamese readers write them."""

from __future__ import annotations

import dataclasses
from datetime import date

import pytest

from app.db import Database
from app.domain.case import ChildInput
from app.domain.events import EventInput
from app.domain.labels import ClosingResult, PartyKind, SanctionForm, Sex
from app.domain.periods import Period
from app.domain.report import (
    Counts,
    ReportOption,
    Work,
    change_words,
    figures_from_json,
    figures_to_json,
    percent,
)
from app.domain.sanctions import DecisionFollowUp
from app.reports.narrative import comparison_table, draft, table_cells
from app.services import cases, events, settings
from app.services.actor import Actor
from app.services.dashboard import load_dashboard
from app.services.demo import demo_office
from app.services.report_export import office_period
from app.services.report_figures import compute_figures, compute_summary
from tests.conftest import TODAY, make_case

OCTOBER = Period.month(2026, 10)
ADULT = {"offender_name": "Trần Văn Hùng", "offender_birth_year": 1990}


def _case(db: Database, officer: Actor, detected: date, *steps: EventInput,
          **fields: object) -> int:
    case_id = cases.create_case(db, officer, make_case(detected_on=detected, **fields),
                                today=TODAY).id
    for step in steps:
        events.add_event(db, officer, case_id, step, today=TODAY)
    return case_id


def _event(kind: str, day: date, **fields: object) -> EventInput:
    return EventInput(kind, day, **fields)  # type: ignore[arg-type]


def _decision(day: date, amount: int | None = None) -> EventInput:
    form = SanctionForm.FINE if amount else SanctionForm.WARNING
    return EventInput("XP", day, sanction_form=form, fine_amount=amount)


def _void(db: Database, officer: Actor, case_id: int, kind: str) -> None:
    event = next(e for e in cases.get_case(db, officer, case_id).events if e.kind == kind)
    events.void_event(db, officer, event.id, "Ghi nhầm")


def _options(db: Database, admin: Actor, *options: ReportOption) -> None:
    office = settings.load_office(db)
    settings.save_office(db, admin, dataclasses.replace(office, report_options=options))


# --- the office's work ----------------------------------------------------------------------


def test_work_counts_cases_with_each_kind_of_event_in_the_period(
        db: Database, officer: Actor, leader: Actor) -> None:
    # Invited twice in the period, warned, then a record and a fine: one case each.
    _case(db, officer, date(2026, 10, 2), _event("MLV", date(2026, 10, 3)),
          _event("MLV", date(2026, 10, 10)), _event("NN", date(2026, 10, 10)),
          _event("BB", date(2026, 10, 12), document_number="03/BB"),
          _decision(date(2026, 10, 14), 5_000_000), **ADULT)
    # Detected last year, handled this month: counted by its events, not its detection.
    _case(db, officer, date(2025, 12, 20), _event("DC", date(2026, 10, 1)),
          _event("KTK", date(2026, 10, 31)), _event("CTQ", date(2026, 10, 31)), **ADULT)
    # A warning decision, a transfer for the children's protection.
    _case(db, officer, date(2026, 10, 5), _event("BB", date(2026, 10, 6)),
          _decision(date(2026, 10, 7)), _event("CTE", date(2026, 10, 8)), **ADULT)
    # Outside the period, voided, or in a deleted case: nowhere.
    _case(db, officer, date(2026, 9, 1), _event("MLV", date(2026, 9, 30)),
          _event("NN", date(2026, 11, 1)))
    voided = _case(db, officer, date(2026, 10, 2), _event("MLV", date(2026, 10, 3)))
    _void(db, officer, voided, "MLV")
    gone = _case(db, officer, date(2026, 10, 2), _event("MLV", date(2026, 10, 3)),
                 _event("DC", date(2026, 10, 3)))
    cases.delete_case(db, leader, gone, "Nhập trùng")

    figures = compute_figures(db, OCTOBER)
    assert figures.work == Work(invited=1, warned=1, corrected=1, lock_proposed=1,
                                violation_records=2, warning_decisions=1, fine_decisions=1,
                                to_child_protection=1, to_competent=1)
    # The same figures as form 01 where both count: decisions are column 7's cases.
    assert figures.summary.total.sanctioned == 2
    assert figures.summary.total.fines == 5_000_000


def test_minor_offenders_are_the_cases_handled_in_the_period_of_offenders_under_18(
        db: Database, officer: Actor, leader: Actor) -> None:
    invite = _event("MLV", date(2026, 10, 20))
    # 17 at the act (born 10/10/2009, act 05/10/2026): counted.
    _case(db, officer, date(2026, 10, 5), invite, offender_name="Phạm Minh Khoa",
          offender_birth_date=date(2009, 10, 10))
    # Only the birth year: the younger possible age, 17 in 2026.
    _case(db, officer, date(2026, 10, 5), invite, offender_name="Lý Văn Dũng",
          offender_birth_year=2009)
    # Born in the act's year less 18: 17 by the birth year alone, 17 a day before turning
    # 18 by the date; counted.
    _case(db, officer, date(2026, 10, 5), invite, offender_name="Trịnh Văn Hậu",
          offender_birth_year=2008)
    _case(db, officer, date(2026, 10, 5), invite, offender_name="Mai Văn Phúc",
          offender_birth_date=date(2008, 10, 6))
    # A minor detected last year, handled now: counted.
    _case(db, officer, date(2025, 11, 5), invite, offender_name="Đỗ Văn Tài",
          offender_birth_year=2012)
    # 18 at the act, an organisation, a name without a birth date, no event in the period,
    # a voided event only, a deleted case: not counted.
    _case(db, officer, date(2026, 10, 5), invite, offender_name="Võ Văn Lâm",
          offender_birth_date=date(2008, 10, 5))
    _case(db, officer, date(2026, 10, 5), invite, offender_name="Công ty TNHH Mầm Non",
          offender_kind=PartyKind.ORGANISATION, offender_birth_year=2015)
    _case(db, officer, date(2026, 10, 5), invite, offender_name="Hồ Văn Nam")
    _case(db, officer, date(2026, 10, 5), offender_name="Lê Văn Tuấn",
          offender_birth_year=2010)
    voided = _case(db, officer, date(2026, 10, 5), invite, offender_name="Lê Văn Sơn",
                   offender_birth_year=2010)
    _void(db, officer, voided, "MLV")
    gone = _case(db, officer, date(2026, 10, 5), invite, offender_name="Lê Văn Hải",
                 offender_birth_year=2010)
    cases.delete_case(db, leader, gone, "Nhập trùng")
    assert compute_figures(db, OCTOBER).work.minor_offenders == 5


# --- year to date and a year before ---------------------------------------------------------


def test_year_to_date_and_the_same_period_a_year_before(
        db: Database, officer: Actor, leader: Actor) -> None:
    close = EventInput("KT", date(2025, 10, 20), closing_result=ClosingResult.HANDLED)
    # Detected and closed in October 2025: a year before only.
    _case(db, officer, date(2025, 10, 10), _event("GB", date(2025, 10, 12)), close, **ADULT)
    # Detected in January, removed in February: year to date only.
    _case(db, officer, date(2026, 1, 1), _event("GB", date(2026, 2, 3)))
    # In October: both the period and the year to date.
    _case(db, officer, date(2026, 10, 31), _event("MLV", date(2026, 10, 31)))
    # December 2025 is neither (the year starts on 1 January).
    _case(db, officer, date(2025, 12, 31))
    gone = _case(db, officer, date(2026, 3, 3), _event("GB", date(2026, 3, 3)))
    cases.delete_case(db, leader, gone, "Nhập trùng")
    voided = _case(db, officer, date(2025, 10, 3), _event("MLV", date(2025, 10, 3)))
    _void(db, officer, voided, "MLV")

    figures = compute_figures(db, OCTOBER)
    assert figures.year_to_date is not None and figures.year_before is not None
    assert figures.year_to_date.period == Period.between(date(2026, 1, 1), date(2026, 10, 31))
    assert (figures.year_to_date.counts.detected, figures.year_to_date.counts.removed,
            figures.year_to_date.work.invited) == (2, 1, 1)
    assert figures.year_before.period == Period.month(2025, 10)
    assert (figures.year_before.counts.detected, figures.year_before.counts.removed,
            figures.year_before.counts.closed, figures.year_before.work.invited) == (2, 1, 1, 0)
    # The dashboard reads the same computation for the same month a year before.
    dashboard = load_dashboard(db, date(2026, 10, 20))
    assert dashboard.year_before == compute_summary(db, Period.month(2025, 10))
    assert dashboard.year_before.total == figures.year_before.counts
    # The narrative's table: the three columns and the change against a year before.
    rows = [table_cells(row) for row in comparison_table(figures)]
    assert rows[0] == ["Chỉ tiêu (số vụ việc)", "Tháng 10/2026", "Lũy kế từ 01/01/2026",
                       "Cùng kỳ năm trước (Tháng 10/2025)", "So với cùng kỳ"]
    assert ["Vụ việc phát hiện", "1", "2", "2", "giảm 50%"] in rows
    assert ["Mời làm việc", "1", "1", "0", "tăng"] in rows
    assert ["Gỡ bỏ thông tin vi phạm", "0", "1", "1", "giảm 100%"] in rows
    assert not any(row[0] == "Lập biên bản vi phạm hành chính" for row in rows)  # all zero


def test_a_year_report_has_no_year_to_date_column(db: Database, officer: Actor) -> None:
    _case(db, officer, date(2026, 10, 5))
    rows = comparison_table(compute_figures(db, Period.year_of(2026)))
    assert table_cells(rows[0]) == ["Chỉ tiêu (số vụ việc)", "Năm 2026",
                                    "Cùng kỳ năm trước (Năm 2025)", "So với cùng kỳ"]


def test_a_report_frozen_before_the_comparison_reads_back_without_it(
        db: Database, officer: Actor) -> None:
    _case(db, officer, date(2026, 10, 5), _event("MLV", date(2026, 10, 6)))
    figures = compute_figures(db, OCTOBER)
    assert figures_from_json(figures_to_json(figures)) == figures
    old = figures_to_json(figures)
    for key in ("work", "year_to_date", "year_before", "children"):
        del old[key]
    frozen = figures_from_json(old)
    assert (frozen.work, frozen.year_to_date, frozen.children) == (Work(), None, None)
    assert comparison_table(frozen) == []


# --- NĐ 09/2019 cut-off periods -------------------------------------------------------------


@pytest.mark.parametrize(
    ("period", "label", "start", "end"),
    [
        (Period.month(2026, 10, cut_off=True),
         "Tháng 10/2026 (từ ngày 15/09/2026 đến ngày 14/10/2026)",
         date(2026, 9, 15), date(2026, 10, 14)),
        (Period.month(2027, 1, cut_off=True),  # across the year's end
         "Tháng 1/2027 (từ ngày 15/12/2026 đến ngày 14/01/2027)",
         date(2026, 12, 15), date(2027, 1, 14)),
        (Period.quarter(2026, 1, cut_off=True),
         "Quý I/2026 (từ ngày 15/12/2025 đến ngày 14/03/2026)",
         date(2025, 12, 15), date(2026, 3, 14)),
        (Period.half(2026, 1, cut_off=True),
         "6 tháng đầu năm 2026 (từ ngày 15/12/2025 đến ngày 14/06/2026)",
         date(2025, 12, 15), date(2026, 6, 14)),
        (Period.half(2026, 2, cut_off=True),
         "6 tháng cuối năm 2026 (từ ngày 15/06/2026 đến ngày 14/12/2026)",
         date(2026, 6, 15), date(2026, 12, 14)),
        (Period.year_of(2026, cut_off=True), "Năm 2026 (từ ngày 15/12/2025 đến ngày 14/12/2026)",
         date(2025, 12, 15), date(2026, 12, 14)),
    ],
)
def test_cut_off_periods_run_from_the_15th_to_the_14th(period: Period, label: str, start: date,
                                                       end: date) -> None:
    assert (period.label, period.start, period.end, period.cut_off) == (label, start, end, True)
    # Read back from the register (kind and dates only), it is the same period.
    assert Period(period.kind, period.start, period.end).label == label
    assert period.previous().cut_off
    assert period.previous().end.toordinal() == start.toordinal() - 1
    assert period.year_before().cut_off and period.year_before().end.year == end.year - 1
    assert period.year_to_date().start == Period.year_of(end.year, cut_off=True).start


def test_cut_off_neighbours_across_the_year_end() -> None:
    january = Period.month(2027, 1, cut_off=True)
    assert january.previous() == Period.month(2026, 12, cut_off=True)
    assert january.previous().start == date(2026, 11, 15)
    assert january.year_to_date() == Period.between(date(2026, 12, 15), date(2027, 1, 14))
    assert january.year_before() == Period.month(2026, 1, cut_off=True)
    assert Period.month_of(date(2026, 12, 15), cut_off=True) == january
    assert Period.month_of(date(2026, 12, 14), cut_off=True) == Period.month(2026, 12,
                                                                             cut_off=True)
    assert Period.month_of(date(2026, 12, 15)) == Period.month(2026, 12)
    assert not Period.month(2026, 10).cut_off
    assert not Period.between(date(2026, 9, 15), date(2026, 10, 14)).cut_off


def test_the_office_s_cut_off_choice_sets_the_report_s_and_the_dashboard_s_months(
        db: Database, admin: Actor) -> None:
    assert office_period(db, Period.quarter(2026, 4)) == Period.quarter(2026, 4)
    _options(db, admin, ReportOption.CUT_OFF_PERIODS)
    assert office_period(db, Period.quarter(2026, 4)) == Period.quarter(2026, 4, cut_off=True)
    assert office_period(db, OCTOBER) == Period.month(2026, 10, cut_off=True)
    span = Period.between(date(2026, 10, 1), date(2026, 10, 20))
    assert office_period(db, span) == span
    dashboard = load_dashboard(db, date(2026, 10, 20))
    assert dashboard.this_month.period == Period.month(2026, 11, cut_off=True)
    assert dashboard.monthly[0][0] == Period.month(2025, 12, cut_off=True)


def test_a_cut_off_month_counts_the_15th_to_the_14th(db: Database, officer: Actor) -> None:
    for day in (date(2026, 9, 14), date(2026, 9, 15), date(2026, 10, 14), date(2026, 10, 15)):
        _case(db, officer, day)
    october = Period.month(2026, 10, cut_off=True)
    assert compute_summary(db, october).total == Counts(carried_in=1, detected=2,
                                                        unidentified=2, carried_out=3)
    figures = compute_figures(db, october)
    assert [line.detected_on for line in figures.cases] == [date(2026, 9, 15),
                                                            date(2026, 10, 14)]
    assert figures.previous.period.label == (
        "Tháng 9/2026 (từ ngày 15/08/2026 đến ngày 14/09/2026)")


# --- the children as counts only ------------------------------------------------------------


def _children_cases(db: Database, officer: Actor) -> None:
    _case(db, officer, date(2026, 10, 3), group_code="TE", child_subkind_code="TE-TT",
          summary="Đăng ảnh em Nguyễn Văn An kèm địa chỉ nhà",
          children=(ChildInput("Nguyễn Văn An", birth_year=2013, sex=Sex.MALE),
                    ChildInput("Trần Thị Bé", birth_date=date(2021, 1, 2), sex=Sex.FEMALE)))
    _case(db, officer, date(2026, 10, 4), group_code="TE",
          children=(ChildInput("Lê Thị Bé"),))  # no sub-kind, no age, no sex
    _case(db, officer, date(2026, 10, 5), group_code="DD", offender_name="Lê Bé Na",
          offender_birth_year=2012,
          children=(ChildInput("Lê Văn Tí", birth_year=2009, sex=Sex.MALE),))
    _case(db, officer, date(2026, 9, 5), group_code="TE", child_subkind_code="TE-BL",
          children=(ChildInput("Bé Một", birth_year=2015),))  # detected before: not counted


def test_the_counts_only_annex_counts_children_by_kind_age_band_and_sex(
        db: Database, admin: Actor, officer: Actor) -> None:
    _children_cases(db, officer)
    assert compute_figures(db, OCTOBER).children is None  # the office did not choose it
    _options(db, admin, ReportOption.CHILDREN_COUNTS_ONLY)
    figures = compute_figures(db, OCTOBER)
    assert figures.children is not None
    lines = {line.code: line for line in figures.children.lines}
    # Every sub-kind of TE is a row, even at zero; the two others only when they count.
    assert list(lines) == ["TE-TT", "TE-BL", "TE-XP", "TE-LD", "TE-KH", "TE", ""]
    # Age bands: <6, 6–10, 11–15, 16+, unknown; sexes: nam, nữ, unknown.
    assert (lines["TE-TT"].ages, lines["TE-TT"].sexes) == ((1, 0, 1, 0, 0), (1, 1, 0))
    assert (lines["TE"].ages, lines["TE"].sexes) == ((0, 0, 0, 0, 1), (0, 0, 1))
    assert (lines[""].ages, lines[""].sexes) == ((0, 0, 0, 1, 0), (1, 0, 0))
    assert lines["TE-BL"].total == 0
    assert figures.children.total.total == figures.summary.total.children == 4
    # Form 03 shows none of them: no initials, no age, a name in a text hidden.
    child_case = next(line for line in figures.cases if line.detected_on == date(2026, 10, 3))
    assert child_case.summary == ("Đăng ảnh em [trẻ em] kèm địa chỉ nhà\n"
                                  "Trẻ em bị ảnh hưởng: 2 em.")
    minor = next(line for line in figures.cases if line.detected_on == date(2026, 10, 5))
    assert minor.offender == "Người dưới 16 tuổi"
    assert figures_from_json(figures_to_json(figures)) == figures


def test_the_narrative_says_what_the_annex_shows_of_the_children(
        db: Database, admin: Actor, officer: Actor) -> None:
    _children_cases(db, officer)
    office = demo_office()
    settings.save_office(db, admin, office)
    text = draft(compute_figures(db, OCTOBER), office)
    assert "không nêu trong báo cáo" not in text
    assert ("Phụ lục danh sách vụ việc chỉ ghi chữ cái đầu của họ tên, tuổi và giới tính của "
            "các em") in text
    assert "Biểu số 04" not in text
    _options(db, admin, ReportOption.CHILDREN_COUNTS_ONLY)
    text = draft(compute_figures(db, OCTOBER), office)
    assert "chữ cái đầu" not in text
    assert ("chỉ ghi số trẻ em theo loại vụ việc, độ tuổi và giới tính tại Biểu số 04"
            in text)
    assert "Biểu số 01, Biểu số 02, Biểu số 04 (trẻ em bị ảnh hưởng) và Phụ lục" in text


def test_the_narrative_lists_the_work_done(db: Database, admin: Actor, officer: Actor) -> None:
    _case(db, officer, date(2026, 10, 2), _event("MLV", date(2026, 10, 3)),
          _event("BB", date(2026, 10, 4)), _decision(date(2026, 10, 5), 7_500_000), **ADULT)
    office = demo_office()
    text = draft(compute_figures(db, OCTOBER), office)
    assert "- Mời làm việc: 1 vụ;" in text
    assert "- Lập biên bản vi phạm hành chính: 1 vụ;" in text
    assert ("- Xử phạt vi phạm hành chính: 1 vụ (phạt tiền 1 vụ), tổng số tiền phạt "
            "7.500.000 đồng, tăng 7.500.000 đồng so với tháng 9/2026;") in text
    assert "Nhắc nhở" not in text.split("III.")[0].split("Kết quả so với")[0]
    assert "| Mời làm việc | 1 | 1 | 0 | tăng |" in text
    assert ",0%" not in text


# --- percentages -----------------------------------------------------------------------------


@pytest.mark.parametrize(("now", "before", "words"), [
    (4, 4, "bằng"),
    (0, 0, "bằng"),
    (3, 0, "tăng"),  # from nothing: no rate, nothing divided by zero
    (4, 3, "tăng 33,3%"),
    (5, 4, "tăng 25%"),
    (8, 4, "gấp 2 lần"),
    (12, 4, "gấp 3 lần"),
    (10, 4, "gấp 2,5 lần"),
    (3, 4, "giảm 25%"),
    (0, 4, "giảm 100%"),
    (2, 3, "giảm 33,3%"),
])
def test_changes_are_written_as_vietnamese_readers_expect(now: int, before: int,
                                                          words: str) -> None:
    assert change_words(now, before) == words


def test_percentages_have_no_trailing_zero_decimal() -> None:
    assert [percent(v) for v in (300.0, 25.0, 33.333, 0.04, 10.65)] == [
        "300%", "25%", "33,3%", "0%", "10,7%"]


def test_fines_collected_are_counted_by_the_day_they_were_paid(
        db: Database, officer: Actor, leader: Actor) -> None:
    paid_in_october = _case(db, officer, date(2026, 9, 20),
                            _event("BB", date(2026, 9, 22), document_number="01/BB"),
                            _decision(date(2026, 9, 25), 7_500_000), **ADULT)
    paid_in_november = _case(db, officer, date(2026, 10, 2),
                             _event("BB", date(2026, 10, 3), document_number="02/BB"),
                             _decision(date(2026, 10, 5), 10_000_000), **ADULT)
    gone = _case(db, officer, date(2026, 10, 3),
                 _event("BB", date(2026, 10, 4), document_number="03/BB"),
                 _decision(date(2026, 10, 6), 5_000_000), **ADULT)
    for case_id, paid_on, amount in ((paid_in_october, date(2026, 10, 1), 7_500_000),
                                     (paid_in_november, date(2026, 11, 2), 10_000_000),
                                     (gone, date(2026, 10, 9), 5_000_000)):
        decision = next(e for e in cases.get_case(db, officer, case_id).events
                        if e.kind == "XP")
        events.record_follow_up(db, officer, decision.id, DecisionFollowUp(
            delivered_on=decision.occurred_on, paid_on=paid_on, paid_amount=amount,
            receipt_number=f"BL-{case_id}"), today=TODAY)
    cases.delete_case(db, leader, gone, "Ghi trùng")
    figures = compute_figures(db, OCTOBER)
    # Decided in October: 10.000.000 (column 8); collected in October: the September fine.
    assert figures.summary.total.fines == 10_000_000
    assert figures.work.fines_collected == 7_500_000
    assert "- Số tiền phạt đã thu: 7.500.000 đồng;" in draft(figures, demo_office())
    assert figures_from_json(figures_to_json(figures)).work.fines_collected == 7_500_000


def test_escalations_are_listed_by_the_body_they_went_to(db: Database, officer: Actor) -> None:
    department = "Sở Văn hóa, Thể thao và Du lịch"
    _case(db, officer, date(2026, 10, 1), _event("KN", date(2026, 10, 2), addressee=department),
          _event("KN", date(2026, 10, 9), addressee="Công an tỉnh (PA05)"))
    _case(db, officer, date(2026, 10, 3), _event("KN", date(2026, 10, 4), addressee=department),
          _event("KN", date(2026, 10, 5), addressee=department))
    _case(db, officer, date(2026, 10, 6), _event("KN", date(2026, 10, 7)))
    voided = _case(db, officer, date(2026, 10, 6),
                   _event("KN", date(2026, 10, 7), addressee="Cục A05"))
    _void(db, officer, voided, "KN")
    figures = compute_figures(db, OCTOBER)
    assert figures.summary.total.escalated == 3
    assert figures.escalations == ((department, 2), ("Công an tỉnh (PA05)", 1), ("", 1))
    text = draft(figures, demo_office())
    assert (f"- Báo cáo, kiến nghị cấp trên hỗ trợ: 3 vụ;\n  + {department}: 2 vụ;\n"
            "  + Công an tỉnh (PA05): 1 vụ;\n  + Chưa ghi nơi nhận: 1 vụ;") in text
    assert figures_from_json(figures_to_json(figures)).escalations == figures.escalations


def test_bodies_escalated_to_as_often_are_in_vietnamese_order(db: Database,
                                                               officer: Actor) -> None:
    # By code points "Ủy ban" (U+1EE6) came after "Viện".
    for day, body in ((2, "Viện kiểm sát nhân dân tỉnh"), (3, "Ủy ban nhân dân tỉnh"),
                      (4, "Bộ Công an")):
        _case(db, officer, date(2026, 10, day),
              _event("KN", date(2026, 10, day), addressee=body))
    assert [body for body, _ in compute_figures(db, OCTOBER).escalations] == [
        "Bộ Công an", "Ủy ban nhân dân tỉnh", "Viện kiểm sát nhân dân tỉnh"]
