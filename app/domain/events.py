"""Handling events and the rules of shared/spec/vocabulary.md that govern them."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date

from app.domain import checks
from app.domain.fields import EVENT_BY_KEY
from app.domain.labels import ClosingResult, DecisionTime, SanctionForm
from app.domain.vocabulary import EventKind, VocabList, Vocabulary
from app.errors import FieldProblem
from app.text import clean


@dataclass(frozen=True)
class EventInput:
    kind: str
    occurred_on: date | None
    document_number: str | None = None
    note: str | None = None
    sanction_form: SanctionForm | None = None
    fine_amount: int | None = None
    signer: str | None = None
    remedies: str | None = None
    closing_result: ClosingResult | None = None
    legal_basis_ids: tuple[int, ...] = ()
    # The body a transfer, escalation or request went to (ADDRESSED_KINDS).
    addressee: str | None = None
    # A biên bản's time to decide (app.domain.sanctions); None is the standard time.
    decision_time: DecisionTime | None = None

    def normalised(self) -> EventInput:
        """Text NFC-normalised and trimmed, as it is stored."""
        return dataclasses.replace(
            self, document_number=clean(self.document_number), note=clean(self.note),
            signer=clean(self.signer), remedies=clean(self.remedies),
            addressee=clean(self.addressee))


# The events sent to another body, which name it.
ADDRESSED_KINDS = frozenset({EventKind.POLICE, EventKind.TRANSFER_AUTHORITY,
                             EventKind.CHILD_PROTECTION, EventKind.ESCALATE,
                             EventKind.LOCK_REQUEST, EventKind.REMOVAL_REQUEST})


@dataclass(frozen=True)
class EventFact:
    """What the rules need to know of an event already recorded."""

    id: int
    kind: str
    occurred_on: date
    voided: bool = False


def closing_date(events: Iterable[EventFact]) -> date | None:
    """The date of the case's (not voided) closing event; None while the case is open."""
    dates = [e.occurred_on for e in events if e.kind == EventKind.CLOSE and not e.voided]
    return max(dates) if dates else None


def _d(value: date) -> str:
    return value.strftime("%d/%m/%Y")


def validate_event(
    new: EventInput,
    *,
    detected_on: date,
    existing: Sequence[EventFact],
    vocabulary: Vocabulary,
    today: date,
    replacing: int | None = None,
) -> list[FieldProblem]:
    """Problems with adding `new` (or with it replacing event `replacing`) to a case."""
    problems: list[FieldProblem] = []
    others = [e for e in existing if e.id != replacing and not e.voided]

    def add(key: str, message: str | None) -> None:
        if message:
            problems.append(FieldProblem(key, message))

    if not vocabulary.has(VocabList.EVENT, new.kind):
        add("kind", f"Biện pháp «{new.kind}» không có trong danh mục biện pháp xử lý.")
    for key in ("document_number", "signer", "remedies", "note", "addressee"):
        add(key, checks.too_long(EVENT_BY_KEY[key], getattr(new, key)))

    date_field = EVENT_BY_KEY["occurred_on"]
    when = new.occurred_on
    if when is None:
        add("occurred_on", checks.missing(date_field))
    else:
        add("occurred_on", checks.future_date(date_field, when, today))
        if when < detected_on:
            add("occurred_on", f"Ngày {_d(when)} trước ngày phát hiện vụ việc ({_d(detected_on)}).")
        closed = closing_date(others)
        if new.kind == EventKind.CLOSE:
            if closed is not None:
                add("kind", f"Vụ việc đã kết thúc ngày {_d(closed)}; muốn xử lý tiếp "
                            "hãy mở lại hồ sơ trước.")
            later = [e.occurred_on for e in others if e.occurred_on > when]
            if later:
                add("occurred_on", f"Ngày kết thúc {_d(when)} trước một biện pháp khác "
                                   f"(ngày {_d(max(later))}).")
        elif closed is not None and when > closed:
            add("occurred_on", f"Ngày {_d(when)} sau ngày kết thúc xử lý vụ việc ({_d(closed)}).")

    if new.addressee and new.kind not in ADDRESSED_KINDS:
        add("addressee", f"Chỉ ghi «{EVENT_BY_KEY['addressee'].label}» cho biện pháp chuyển, "
                         "kiến nghị hoặc đề nghị, yêu cầu gửi cơ quan khác.")
    if new.decision_time is not None and new.kind != EventKind.RECORD:
        add("decision_time", f"Chỉ ghi «{EVENT_BY_KEY['decision_time'].label}» cho biên bản "
                             "vi phạm hành chính.")
    problems.extend(_sanction_problems(new))
    if new.kind == EventKind.CLOSE:
        if new.closing_result is None:
            add("closing_result", "Chưa chọn «Kết quả» khi kết thúc xử lý ("
                + ", ".join(r.value for r in ClosingResult) + ").")
    elif new.closing_result is not None:
        add("closing_result", "Chỉ ghi «Kết quả» cho biện pháp Kết thúc xử lý.")
    return problems


def _sanction_problems(new: EventInput) -> list[FieldProblem]:
    amount_label = EVENT_BY_KEY["fine_amount"].label
    if new.kind != EventKind.SANCTION:
        if new.sanction_form is not None or new.fine_amount is not None:
            return [FieldProblem("fine_amount", f"Chỉ ghi «{amount_label}» và hình thức xử phạt "
                                                "cho Quyết định xử phạt.")]
        return []
    if new.sanction_form is None:
        return [FieldProblem("sanction_form", "Chưa chọn hình thức xử phạt (Cảnh cáo hoặc "
                                              "Phạt tiền).")]
    if new.sanction_form is SanctionForm.WARNING and new.fine_amount is not None:
        return [FieldProblem("fine_amount", f"Hình thức Cảnh cáo không có «{amount_label}»; "
                                            "hãy để trống hoặc chọn Phạt tiền.")]
    if new.sanction_form is SanctionForm.FINE:
        if new.fine_amount is None:
            return [FieldProblem("fine_amount", f"Phạt tiền cần ghi «{amount_label}» "
                                                "(số nguyên đồng, lớn hơn 0).")]
        if new.fine_amount <= 0:
            return [FieldProblem("fine_amount", f"«{amount_label}» phải lớn hơn 0 đồng.")]
        if problem := checks.too_large(amount_label, new.fine_amount):
            return [FieldProblem("fine_amount", problem)]
    return []
