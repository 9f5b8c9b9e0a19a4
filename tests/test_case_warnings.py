"""Warnings the case editor shows: each kind at its edges, and none for a clean case."""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from datetime import date, timedelta

import pytest

from app.db import Database
from app.domain.case import CaseInput
from app.domain.events import EventInput
from app.domain.labels import ClosingResult, PartyKind, SanctionForm
from app.domain.warnings import (
    CaseRef,
    CaseWarning,
    OffenderAge,
    WarningKind,
    offender_age,
)
from app.services import cases, events, legal_basis, settings
from app.services.actor import Actor
from app.services.case_warnings import AnyEvent, warnings_for
from tests.conftest import TODAY, make_case

DETECTED = date(2026, 10, 5)
ACT = date(2026, 10, 10)
# Điểm a Khoản 1 Điều 95: 20–30 million for an organisation, half for a person.
ND174 = "Điểm a Khoản 1 Điều 95 NĐ 174/2026/NĐ-CP"
ND174_2B = "Điểm b Khoản 2 Điều 95 NĐ 174/2026/NĐ-CP"
# Stated for a person (20–30 million), double for an organisation; to confirm.
ND130 = "Khoản 1 Điều 31 NĐ 130/2021/NĐ-CP"
ND15 = "Điểm a Khoản 1 Điều 101 NĐ 15/2020/NĐ-CP (sửa đổi bởi NĐ 14/2022/NĐ-CP)"
CHILD_LAW = "Điều 21 Luật Trẻ em 2016"


@pytest.fixture
def provision(db: Database) -> dict[str, int]:
    return {p.citation: p.id for p in legal_basis.all_provisions(db)}


def _warnings(db: Database, draft: CaseInput, found: Sequence[AnyEvent] = (),
              case_id: int | None = None) -> list[CaseWarning]:
    return warnings_for(db, draft, case_id=case_id, events=found, today=TODAY)


def _of(kind: WarningKind, found: list[CaseWarning]) -> list[CaseWarning]:
    return [w for w in found if w.kind is kind]


def _fine(amount: int, *provisions: int) -> EventInput:
    return EventInput("XP", ACT, sanction_form=SanctionForm.FINE, fine_amount=amount,
                      legal_basis_ids=provisions)


def _person(**changes: object) -> CaseInput:
    return make_case(offender_name="Lê Văn Tám", **changes)


def _organisation(**changes: object) -> CaseInput:
    return make_case(offender_name="Công ty TNHH Tin Nhanh",
                     offender_kind=PartyKind.ORGANISATION, **changes)


def test_a_clean_case_has_no_warning(db: Database, provision: dict[str, int]) -> None:
    found = [EventInput("XM", DETECTED), _fine(12_000_000, provision[ND174])]
    assert _warnings(db, _person(offender_birth_year=1990), found) == []
    # Half-typed: nothing is raised, whatever is missing.
    assert _warnings(db, CaseInput(None, None, None, None, None)) == []


@pytest.mark.parametrize(
    ("draft", "citation", "amount", "words"),
    [
        # NĐ 174/2026 states the range for an organisation; a person pays half.
        (_person(), ND174, 10_000_000, None),
        (_person(), ND174, 15_000_000, None),
        (_person(), ND174, 15_000_001, "cao hơn khung 10.000.000 đồng – 15.000.000 đồng đối với "
                                       "cá nhân"),
        (_person(), ND174, 9_999_999, "thấp hơn khung 10.000.000 đồng"),
        (make_case(), ND174, 15_000_001, "đối với cá nhân"),  # kind unknown: a person
        (_organisation(), ND174, 30_000_000, None),
        (_organisation(), ND174, 30_000_001, "khung 20.000.000 đồng – 30.000.000 đồng đối với "
                                             "tổ chức"),
        (_organisation(), ND174, 15_000_000, "thấp hơn"),
        # NĐ 130/2021 states it for a person; an organisation pays double.
        (_person(), ND130, 30_000_000, None),
        (_person(), ND130, 30_000_001, "cần xác nhận"),
        (_organisation(), ND130, 60_000_000, None),
        (_organisation(), ND130, 60_000_001, "40.000.000 đồng – 60.000.000 đồng đối với tổ chức"),
        (_organisation(), ND130, 39_999_999, "thấp hơn"),
    ],
)
def test_fine_outside_the_range_for_the_kind_of_offender(
    db: Database, provision: dict[str, int], draft: CaseInput, citation: str, amount: int,
    words: str | None
) -> None:
    decision = _fine(amount, provision[citation])
    found = _of(WarningKind.FINE_RANGE,
                _warnings(db, draft, [EventInput("XM", DETECTED), decision]))
    if words is None:
        assert found == []
    else:
        [warning] = found
        assert words in warning.message
        assert citation in warning.message
        assert (warning.field, warning.event_index) == ("fine_amount", 1)


def test_several_provisions_are_several_fines_added_up(db: Database,
                                                       provision: dict[str, int]) -> None:
    # 10–15 + 15–25 million for a person; a provision without a range adds nothing.
    ids = (provision[ND174], provision[ND174_2B], provision[CHILD_LAW])
    assert _of(WarningKind.FINE_RANGE, _warnings(db, _person(), [_fine(40_000_000, *ids)])) == []
    [warning] = _of(WarningKind.FINE_RANGE, _warnings(db, _person(), [_fine(40_000_001, *ids)]))
    assert "tổng các khung 25.000.000 đồng – 40.000.000 đồng" in warning.message
    # A warning decision has no amount to check.
    warned = EventInput("XP", ACT, sanction_form=SanctionForm.WARNING, legal_basis_ids=ids)
    assert _warnings(db, _person(), [warned]) == []


@pytest.mark.parametrize(
    ("citation", "detected_on", "words"),
    [
        (ND174, date(2026, 6, 30), "chỉ có hiệu lực từ ngày 01/07/2026"),
        (ND174, date(2026, 7, 1), None),
        (ND15, date(2026, 6, 30), None),
        (ND15, date(2026, 7, 1), "đã hết hiệu lực sau ngày 30/06/2026"),
    ],
)
def test_a_provision_not_in_force_on_the_act_date(
    db: Database, provision: dict[str, int], citation: str, detected_on: date, words: str | None
) -> None:
    decision = EventInput("XP", ACT, sanction_form=SanctionForm.WARNING,
                          legal_basis_ids=(provision[citation],))
    found = _of(WarningKind.PROVISION_NOT_IN_FORCE,
                _warnings(db, _person(detected_on=detected_on), [decision]))
    if words is None:
        assert found == []
    else:
        [warning] = found
        assert warning.message.startswith(citation)
        assert words in warning.message
        assert "(chưa ghi ngày đăng tải: tạm tính theo ngày phát hiện)" in warning.message
        assert (warning.field, warning.event_index) == ("legal_bases", 0)


@pytest.mark.parametrize(
    ("draft", "amount", "warns"),
    [
        (_person(), 50_000_000, False),
        (_person(), 50_000_001, True),
        (_organisation(), 100_000_000, False),
        (_organisation(), 100_000_001, True),
    ],
)
def test_fine_above_the_commune_chairmans_limit(db: Database, draft: CaseInput, amount: int,
                                                warns: bool) -> None:
    found = _of(WarningKind.ABOVE_CHAIRMAN_LIMIT, _warnings(db, draft, [_fine(amount)]))
    assert len(found) == warns
    if warns:
        assert "Điều 106 NĐ 174/2026/NĐ-CP" in found[0].message
        assert found[0].event_index == 0


def test_the_chairmans_limit_is_the_one_in_force_on_the_date_and_the_catalogs(
        db: Database, admin: Actor) -> None:
    """A post of 20/06/2026 found on 05/07/2026: the limit of NĐ 15/2020 (to confirm); an
    administrator's edit of the catalog is what the warning reads."""
    early = _person(detected_on=date(2026, 7, 5), posted_on=date(2026, 6, 20))
    [found] = _of(WarningKind.ABOVE_CHAIRMAN_LIMIT, _warnings(db, early, [_fine(6_000_000)]))
    assert "tối đa 5.000.000 đồng đối với cá nhân" in found.message
    assert "Điều 114 NĐ 15/2020/NĐ-CP (sửa đổi bởi NĐ 14/2022/NĐ-CP), cần xác nhận" \
        in found.message
    current = next(lim for lim in legal_basis.authority_limits(db)
                   if lim.limit.party is PartyKind.PERSON and lim.limit.valid_to is None)
    legal_basis.update_limit(db, admin, current.id,
                             dataclasses.replace(current.limit, max_fine=40_000_000))
    [found] = _of(WarningKind.ABOVE_CHAIRMAN_LIMIT, _warnings(db, _person(), [_fine(45_000_000)]))
    assert "tối đa 40.000.000 đồng" in found.message


def _born(years_before: int, days: int = 0) -> date:
    """A birth date `years_before` years before the detection date, moved by `days`."""
    return DETECTED.replace(year=DETECTED.year - years_before) + timedelta(days=days)


@pytest.mark.parametrize(
    ("born", "age", "words"),
    [
        (_born(13), 13, "dưới 14 tuổi không bị xử phạt"),
        (_born(14, days=1), 13, "dưới 14 tuổi"),  # the birthday is tomorrow
        (_born(14), 14, "chỉ bị phạt cảnh cáo"),
        (_born(15), 15, "chỉ bị phạt cảnh cáo"),
        (_born(16), 16, "không quá 1/2"),
        (_born(17), 17, "không quá 1/2"),
        (_born(18, days=1), 17, "không quá 1/2"),
        (_born(18), 18, None),
    ],
)
def test_minor_offender_by_age_on_the_detection_date_standing_in(
        db: Database, born: date, age: int, words: str | None) -> None:
    found = _of(WarningKind.MINOR, _warnings(db, _person(offender_birth_date=born)))
    if words is None:
        assert found == []
    else:
        [warning] = found
        assert (f"Đối tượng {age} tuổi vào ngày vi phạm 05/10/2026 (chưa ghi ngày đăng tải: "
                "tạm tính theo ngày phát hiện)") in warning.message
        assert words in warning.message
        assert "(cần xác nhận)" in warning.message
        assert warning.field == "offender_birth_date"


def test_under_fourteen_no_decision_fits(db: Database) -> None:
    decision = EventInput("XP", ACT, sanction_form=SanctionForm.WARNING)
    [warning] = _warnings(db, _person(offender_birth_date=_born(13)), [decision])
    assert "không phù hợp với độ tuổi" in warning.message
    assert warning.event_index == 0


def test_fourteen_to_sixteen_only_a_warning_so_a_fine_is_wrong(
    db: Database, provision: dict[str, int]
) -> None:
    draft = _person(offender_birth_date=_born(15))
    found = _warnings(db, draft, [EventInput("XM", DETECTED), _fine(99_000_000, provision[ND174])])
    # The age says it all: no range or chairman warning on top.
    assert [w.kind for w in found] == [WarningKind.MINOR]
    assert "ngày 10/10/2026 ghi phạt tiền: chỉ được chọn Cảnh cáo" in found[0].message
    assert found[0].event_index == 1
    decision = EventInput("XP", ACT, sanction_form=SanctionForm.WARNING)
    assert _warnings(db, draft, [decision])[0].event_index is None


def test_sixteen_to_eighteen_at_most_half_the_fine(db: Database,
                                                   provision: dict[str, int]) -> None:
    draft = _person(offender_birth_date=_born(16))
    ok = _warnings(db, draft, [_fine(7_500_000, provision[ND174])])
    assert [w.kind for w in ok] == [WarningKind.MINOR]
    [over] = _of(WarningKind.FINE_RANGE,
                 _warnings(db, draft, [_fine(7_500_001, provision[ND174])]))
    assert "5.000.000 đồng – 7.500.000 đồng" in over.message
    assert "đã nhân 0,5 vì đối tượng chưa thành niên" in over.message


def test_only_the_year_of_birth_gives_the_younger_possible_age(db: Database) -> None:
    [warning] = _warnings(db, _person(offender_birth_year=2010))
    assert "có thể mới 15 tuổi (chỉ biết năm sinh)" in warning.message
    assert warning.field == "offender_birth_year"
    # On the year's last day everyone born in 2010 has turned 16.
    assert offender_age(None, 2010, date(2026, 12, 30)) == OffenderAge(15, False,
                                                                      "offender_birth_year")
    assert offender_age(None, 2010, date(2026, 12, 31)) == OffenderAge(16, False,
                                                                      "offender_birth_year")
    # An organisation has no age.
    assert _warnings(db, _organisation(offender_birth_year=2010)) == []


@pytest.mark.parametrize(
    ("days_left", "words"),
    [
        (31, None),
        (30, "còn 30 ngày"),  # exactly at the office's threshold
        (1, "còn 1 ngày"),
        (0, "hôm nay là ngày cuối"),
        (-1, "Đã hết thời hiệu xử phạt"),
    ],
)
def test_limitation_near_or_passed(db: Database, days_left: int, words: str | None) -> None:
    detected = TODAY - timedelta(days=365 - days_left)
    found = _warnings(db, make_case(detected_on=detected))
    if words is None:
        assert found == []
    else:
        [warning] = found
        assert warning.kind is WarningKind.LIMITATION
        assert words in warning.message
        assert warning.field == "detected_on"


def test_limitation_follows_the_office_setting_and_stops_once_decided(
    db: Database, admin: Actor
) -> None:
    draft = make_case(detected_on=TODAY - timedelta(days=365 - 45))
    assert _warnings(db, draft) == []
    office = settings.load_office(db)
    settings.save_office(db, admin, dataclasses.replace(office, limitation_warning_days=60))
    assert [w.kind for w in _warnings(db, draft)] == [WarningKind.LIMITATION]
    decided = EventInput("XP", TODAY, sanction_form=SanctionForm.WARNING)
    closed = EventInput("KT", TODAY, closing_result=ClosingResult.NO_VIOLATION)
    assert _warnings(db, draft, [decided]) == []
    assert _warnings(db, draft, [closed]) == []


def _record(db: Database, officer: Actor, count: int, *, every: int = 7,
            account: str = "Trang Hóng Biến") -> list[int]:
    return [cases.create_case(db, officer, make_case(account=account, url=None,
                                                     detected_on=TODAY - timedelta(days=n * every)),
                              today=TODAY).id for n in range(count)]


def test_five_cases_in_thirty_days_reach_the_lock_request_threshold(
    db: Database, officer: Actor
) -> None:
    _record(db, officer, 3)  # days 0, 7, 14
    new = make_case(account="@trang hong bien", url=None, detected_on=TODAY)
    assert _of(WarningKind.LOCK_THRESHOLD, _warnings(db, new)) == []
    stored = _record(db, officer, 1, every=0)
    [warning] = _of(WarningKind.LOCK_THRESHOLD, _warnings(db, new))
    assert "có 5 vụ việc trong 30 ngày" in warning.message
    assert "Điều 35.7 NĐ 147/2024/NĐ-CP" in warning.message
    # A draft detected 30 days ago is outside the short window.
    old = dataclasses.replace(new, detected_on=TODAY - timedelta(days=30))
    assert _of(WarningKind.LOCK_THRESHOLD, _warnings(db, old)) == []
    # Once this case records the request, there is nothing more to say.
    asked = EventInput("KTK", TODAY)
    assert _of(WarningKind.LOCK_THRESHOLD, _warnings(db, new, [asked])) == []
    # Once saved, editing one of the five counts it once, as typed.
    stored += _record(db, officer, 1, every=0)
    [edited] = _of(WarningKind.LOCK_THRESHOLD, _warnings(db, new, case_id=stored[-1]))
    assert "có 5 vụ việc trong 30 ngày" in edited.message


def test_ten_cases_in_ninety_days_reach_the_lock_request_threshold(
    db: Database, officer: Actor
) -> None:
    _record(db, officer, 9, every=10)  # days 0 … 80: at most 3 in any 30 days
    new = make_case(account="Trang Hóng Biến", url=None, detected_on=TODAY - timedelta(days=89))
    [warning] = _of(WarningKind.LOCK_THRESHOLD, _warnings(db, new))
    assert "10 vụ việc trong 90 ngày" in warning.message
    too_old = dataclasses.replace(new, detected_on=TODAY - timedelta(days=90))
    assert _of(WarningKind.LOCK_THRESHOLD, _warnings(db, too_old)) == []


def test_possible_repeat_offender_links_the_earlier_cases(db: Database,
                                                          officer: Actor) -> None:
    first = cases.create_case(db, officer, make_case(detected_on=date(2026, 9, 1)), today=TODAY)
    second = cases.create_case(db, officer, make_case(
        account="Trang khác", url=None, offender_name="Lê Văn Tám"), today=TODAY)
    draft = _person()  # the same account and URL as the first, the same name as the second
    found = _of(WarningKind.REPEAT_OFFENDER, _warnings(db, draft))
    assert [(w.field, w.related) for w in found] == [
        ("account", (CaseRef(first.id, first.code, date(2026, 9, 1)),)),
        ("offender_name", (CaseRef(second.id, second.code, DETECTED),)),
    ]
    assert found[0].message.startswith(
        f"Cùng tài khoản với 1 vụ việc đã ghi: {first.code} (01/09/2026).")
    assert "tái phạm" not in found[0].message  # a legal term the program cannot judge
    # The case being edited is not its own repeat.
    assert _of(WarningKind.REPEAT_OFFENDER,
               _warnings(db, make_case(detected_on=date(2026, 9, 1)), case_id=first.id)) == []


def test_a_long_list_of_earlier_cases_is_shortened(db: Database, officer: Actor) -> None:
    _record(db, officer, 6, every=100, account="Chợ Quê")
    [warning] = _of(WarningKind.REPEAT_OFFENDER,
                    _warnings(db, make_case(account="Chợ Quê", url=None)))
    assert len(warning.related) == 6
    assert warning.message.count("VV") == 5
    assert "và 1 vụ việc khác" in warning.message


def test_voided_events_are_ignored(db: Database, officer: Actor,
                                   provision: dict[str, int]) -> None:
    detail = cases.create_case(db, officer, _person(detected_on=DETECTED), today=TODAY)
    detail = events.add_event(db, officer, detail.id, EventInput("BB", ACT), today=TODAY)
    detail = events.add_event(db, officer, detail.id, _fine(99_000_000, provision[ND174]),
                              today=TODAY)
    stored = _warnings(db, detail.data, detail.events, case_id=detail.id)
    assert {w.kind for w in stored} == {WarningKind.FINE_RANGE, WarningKind.ABOVE_CHAIRMAN_LIMIT}
    detail = events.void_event(db, officer, detail.events[1].id, "Ghi nhầm số tiền")
    # Without its decision, the biên bản is long past its time to decide.
    assert [w.kind for w in _warnings(db, detail.data, detail.events, case_id=detail.id)] == [
        WarningKind.DECISION_OVERDUE]
