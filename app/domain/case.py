"""What a user records about a case, and the rules it must satisfy before it is stored."""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Any, TypeVar

from app.domain import checks
from app.domain.events import EventInput
from app.domain.fields import BY_KEY, CHILD_BY_KEY, DEFAMED_BY_KEY, DEFAMED_LABEL, Field, Kind
from app.domain.labels import PartyKind, Sex
from app.domain.protection import CHILD_AGE_LIMIT, age_on
from app.domain.vocabulary import Group, VocabList, Vocabulary
from app.errors import FieldProblem
from app.text import clean, format_date

if TYPE_CHECKING:
    from app.domain.sanctions import DecisionFollowUp

_R = TypeVar("_R", bound=Any)


@dataclass(frozen=True)
class ChildInput:
    full_name: str
    birth_year: int | None = None
    birth_date: date | None = None
    sex: Sex | None = None
    school_class: str | None = None
    address: str | None = None
    guardian_informed: bool = False
    referred_to_protection: bool = False
    notes: str | None = None
    uuid: str | None = None


@dataclass(frozen=True)
class DefamedInput:
    name: str
    kind: PartyKind = PartyKind.PERSON
    complaint_received: bool = False
    complaint_date: date | None = None
    words_complained: str | None = None
    correction_published: bool = False
    uuid: str | None = None


@dataclass(frozen=True)
class CaseInput:
    detected_on: date | None
    platform_code: str | None
    account: str | None
    group_code: str | None
    summary: str | None
    code: str | None = None
    posted_on: date | None = None
    posted_until: date | None = None
    source_code: str | None = None
    content_form_code: str | None = None
    url: str | None = None
    child_subkind_code: str | None = None
    secondary_groups: tuple[str, ...] = ()
    reach_views: int | None = None
    reach_reactions: int | None = None
    reach_shares: int | None = None
    reach_comments: int | None = None
    offender_kind: PartyKind | None = None
    offender_name: str | None = None
    offender_birth_date: date | None = None
    offender_birth_year: int | None = None
    offender_address: str | None = None
    offender_id_number: str | None = None
    area: str | None = None
    notes: str | None = None
    children: tuple[ChildInput, ...] = ()
    defamed: tuple[DefamedInput, ...] = ()

    def normalised(self) -> CaseInput:
        """Text NFC-normalised and trimmed, as it is stored."""
        return _clean_strings(self)

    @property
    def offender_identified(self) -> bool:
        return bool(self.offender_name)

    @property
    def act_date(self) -> ActDate | None:
        """The act's date as recorded so far; None while even the detection date is not."""
        if self.detected_on is None:
            return None
        return act_ended_on(self.detected_on, self.posted_on, self.posted_until)


@dataclass(frozen=True)
class ActDate:
    """The day the act ended: THE date the law is taken on (the provisions in force and their
    fines, the limitation period, the offender's age).

    For a post, the day it went up, or the day it stopped when it stayed up (Luật Xử lý vi
    phạm hành chính Điều 6; NĐ 174/2026/NĐ-CP Điều 4.5 and Điều 115; shared/domain/letters.md,
    "Deadlines"). The detection date stands in while neither is recorded, and says so.
    """

    day: date
    field: str  # the case field it was taken from: posted_until, posted_on or detected_on

    @property
    def stand_in(self) -> bool:
        """Whether the detection date stands in for the unknown posting dates."""
        return self.field == "detected_on"

    @property
    def basis(self) -> str:
        """`ngày đăng tải`, or what stands in: said wherever the date is used."""
        if self.stand_in:
            return f"chưa ghi {BY_KEY['posted_on'].label.lower()}: tạm tính theo ngày phát hiện"
        return BY_KEY[self.field].label.lower()

    @property
    def shown(self) -> str:
        """`20/06/2026 (ngày đăng tải)`."""
        return f"{format_date(self.day)} ({self.basis})"


def act_ended_on(detected_on: date, posted_on: date | None,
                 posted_until: date | None) -> ActDate:
    """The act's date of a case: until when the content stayed up if recorded, else when it
    was posted; the detection date only while both are unknown."""
    if posted_until is not None:
        return ActDate(posted_until, "posted_until")
    if posted_on is not None:
        return ActDate(posted_on, "posted_on")
    return ActDate(detected_on, "detected_on")


@dataclass(frozen=True)
class PreparedCase:
    """A case already normalised and checked, with its events: what an import file or the
    demo generator hands to the bulk insert, and what the full export writes."""

    data: CaseInput
    events: tuple[EventInput, ...] = ()
    # What followed each sanction decision among `events`, by its position there.
    follow_ups: Mapping[int, DecisionFollowUp] = dataclasses.field(default_factory=dict)


def _clean_strings(record: _R) -> _R:
    changes: dict[str, object] = {}
    for f in dataclasses.fields(record):
        value = getattr(record, f.name)
        if isinstance(value, str) and not isinstance(value, PartyKind | Sex):
            changes[f.name] = clean(value)
        elif isinstance(value, tuple) and value and dataclasses.is_dataclass(value[0]):
            changes[f.name] = tuple(_clean_strings(item) for item in value)
        elif isinstance(value, tuple):
            changes[f.name] = tuple(c for c in (clean(v) for v in value) if c)
    return dataclasses.replace(record, **changes)


def validate_case(data: CaseInput, vocabulary: Vocabulary, today: date) -> list[FieldProblem]:
    """Every problem of a (normalised) case at once; empty when it may be stored."""
    problems: list[FieldProblem] = []

    def add(key: str, message: str | None) -> None:
        if message:
            problems.append(FieldProblem(key, message))

    for field in BY_KEY.values():
        value = getattr(data, field.key)
        if field.required and value in (None, ""):
            add(field.key, checks.missing(field))
            continue
        if value is None:
            continue
        add(field.key, _check_value(field, value, vocabulary, today))

    for code in data.secondary_groups:
        if not vocabulary.has(VocabList.GROUP, code):
            add("secondary_groups", f"Nhóm phụ «{code}» không có trong danh mục nhóm hành vi.")
    if data.child_subkind_code and Group.CHILDREN not in (data.group_code, *data.secondary_groups):
        add("child_subkind_code",
            "Chỉ chọn «Loại xâm phạm quyền trẻ em» khi vụ việc thuộc nhóm Xâm phạm quyền trẻ em.")
    if data.offender_id_number and not (
        data.offender_id_number.isdigit() and len(data.offender_id_number) in (9, 12)
    ):
        add("offender_id_number",
            "«Số định danh đối tượng» cần 12 chữ số (căn cước) hoặc 9 chữ số (CMND cũ).")
    if data.offender_birth_date and data.offender_birth_year and (
        data.offender_birth_date.year != data.offender_birth_year
    ):
        add("offender_birth_year", "«Năm sinh đối tượng» không khớp với «Ngày sinh đối tượng».")
    for key, message in _posting_problems(data):
        add(key, message)
    if data.offender_kind and not data.offender_name:
        add("offender_name", "Đã chọn loại đối tượng nhưng chưa nhập «Họ tên đối tượng».")

    act = data.act_date
    for index, child in enumerate(data.children, start=1):
        for problem in validate_child(child, today, act):
            add(f"children[{index}]", f"Trẻ em thứ {index}: {problem.message}")
    for index, party in enumerate(data.defamed, start=1):
        for message in validate_defamed(party, today):
            add(f"defamed[{index}]", f"«{DEFAMED_LABEL}» thứ {index}: {message}")
    return problems


def _posting_problems(data: CaseInput) -> list[tuple[str, str]]:
    """Content is found after it is posted, and stays up from its posting on."""
    found = []
    posted, until = BY_KEY["posted_on"].label, BY_KEY["posted_until"].label
    detected = BY_KEY["detected_on"].label
    if data.posted_on and data.detected_on and data.posted_on > data.detected_on:
        found.append(("posted_on",
                      f"«{posted}» {format_date(data.posted_on)} sau «{detected}» "
                      f"{format_date(data.detected_on)}: thông tin chỉ được phát hiện sau khi "
                      "đăng; hãy kiểm tra lại hai ngày này."))
    if data.posted_on and data.posted_until and data.posted_until < data.posted_on:
        found.append(("posted_until",
                      f"«{until}» {format_date(data.posted_until)} trước «{posted}» "
                      f"{format_date(data.posted_on)}: cần một ngày từ ngày đăng tải trở về sau "
                      "(để trống khi không rõ)."))
    return found


def validate_defamed(party: DefamedInput, today: date) -> list[str]:
    messages: list[str] = []
    name_limit = DEFAMED_BY_KEY["name"].max_length or 0
    words_limit = DEFAMED_BY_KEY["words_complained"].max_length or 0
    if not party.name:
        messages.append("chưa nhập tên.")
    elif len(party.name) > name_limit:
        messages.append(f"tên quá {name_limit} ký tự.")
    if party.complaint_date and party.complaint_date > today:
        messages.append("ngày khiếu nại ở tương lai.")
    elif party.complaint_date and party.complaint_date.year < checks.EARLIEST_YEAR:
        messages.append(f"ngày khiếu nại {party.complaint_date:%d/%m/%Y} trước năm "
                        f"{checks.EARLIEST_YEAR}.")
    words = party.words_complained
    if words and len(words) > words_limit:
        messages.append(f"lời lẽ bị khiếu nại dài {len(words)} ký tự, vượt quá giới hạn "
                        f"{words_limit} ký tự.")
    return messages


def validate_child(child: ChildInput, today: date,
                   act: ActDate | None) -> list[FieldProblem]:
    """The problems of one child, each under its field of `CHILD_BY_KEY`; `act` is the
    case's act date (None while unknown), on which the child's age is taken."""
    problems: list[FieldProblem] = []
    for field in CHILD_BY_KEY.values():
        value = getattr(child, field.key)
        if field.required and not value:
            problems.append(FieldProblem(field.key, checks.missing(field)))
        elif isinstance(value, str) and (message := checks.too_long(field, value)):
            problems.append(FieldProblem(field.key, message))
    born = len(problems)
    year_problem = checks.bad_year(CHILD_BY_KEY["birth_year"], child.birth_year, today)
    if year_problem:
        problems.append(FieldProblem("birth_year", year_problem))
    if child.birth_date and child.birth_date > today:
        problems.append(FieldProblem("birth_date", "ngày sinh ở tương lai."))
    elif child.birth_date and child.birth_date.year < checks.EARLIEST_YEAR:
        problems.append(FieldProblem("birth_date", f"ngày sinh {child.birth_date:%d/%m/%Y} "
                                                   f"trước năm {checks.EARLIEST_YEAR}."))
    # The age only of a birth that may be right: a year typed wrong says so first.
    age = child_age(child, act) if act is not None and len(problems) == born else None
    if age is not None and age.refused:
        problems.append(FieldProblem(age.field, age.message))
    return problems


# A child recorded on a case is a minor at the act: under 18 (Bộ luật Dân sự 2015, Điều 21:
# "người chưa thành niên là người chưa đủ mười tám tuổi"). The Luật Trẻ em 2016 (Điều 1)
# calls a child only whoever is under 16; the victims of a TE case aged 16 or 17 (pupils of
# grades 11 and 12) are still recorded here, masked as children, and counted in the report's
# band «Từ 16 tuổi trở lên» (`report.CHILD_AGE_BANDS`): the officer is only warned.
MINOR_AGE_LIMIT = 18


@dataclass(frozen=True)
class ChildAge:
    """What a recorded child's age at the act says: refused (18 or more), or a warning."""

    message: str
    refused: bool
    field: str  # birth_date or birth_year: what the age was taken from


def child_age(child: ChildInput, act: ActDate) -> ChildAge | None:
    """A child 16 or older on the act's date (by THE age rule of `app.domain.protection`:
    with only a birth year, the younger possible age); None when younger or unknown."""
    years = age_on(child.birth_date, child.birth_year, act.day)
    if years is None or years < CHILD_AGE_LIMIT:
        return None
    born = (f"sinh ngày {format_date(child.birth_date)}" if child.birth_date
            else f"sinh năm {child.birth_year}")
    said = f"{born}, vào ngày vi phạm {act.shown} đã đủ {years} tuổi"
    field = "birth_date" if child.birth_date else "birth_year"
    if years >= MINOR_AGE_LIMIT:
        return ChildAge(
            f"{said}: ở đây chỉ ghi người dưới {MINOR_AGE_LIMIT} tuổi (người chưa thành niên, "
            "Bộ luật Dân sự 2015, Điều 21). Hãy kiểm tra lại năm sinh và ngày đăng tải.",
            True, field)
    return ChildAge(
        f"{said}: theo Luật Trẻ em 2016 (Điều 1) trẻ em là người dưới {CHILD_AGE_LIMIT} "
        f"tuổi. Người {CHILD_AGE_LIMIT}–{MINOR_AGE_LIMIT - 1} tuổi vẫn được ghi và che tên "
        f"như trẻ em, báo cáo xếp vào cột «Từ {CHILD_AGE_LIMIT} tuổi trở lên»; hãy kiểm tra "
        "lại năm sinh.", False, field)


def _check_value(field: Field, value: object, vocabulary: Vocabulary, today: date) -> str | None:
    if field.kind is Kind.CODE and field.vocabulary is not None:
        if not vocabulary.has(field.vocabulary, str(value)):
            choices = ", ".join(e.code for e in vocabulary.entries(field.vocabulary))
            return f"«{field.label}» không có mã «{value}» (các mã hợp lệ: {choices})."
        return None
    if field.kind is Kind.DATE and isinstance(value, date):
        return checks.bad_date(field, value, today)
    if field.kind is Kind.YEAR and isinstance(value, int):
        return checks.bad_year(field, value, today)
    if field.kind is Kind.INTEGER and isinstance(value, int):
        return checks.out_of_range(field, value)
    if isinstance(value, str):
        return checks.too_long(field, value)
    return None
