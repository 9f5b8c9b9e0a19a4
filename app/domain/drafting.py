"""What each kind of document needs from its cases, whom it goes to and who issues it, and
the deadline it sets (shared/domain/letters.md, "The documents" and "Deadlines").

`app.services.drafting` gathers the facts of stored cases and applies these rules; the
Word and PDF layers lay the result out.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date

from app.domain.deadlines import COMPLIANCE_CLOCK, reply_due
from app.domain.documents import DOCUMENT_KIND_LABELS, REQUEST_KINDS, TO_FILL, DocumentKind
from app.domain.office import Issuer, OfficeSettings
from app.domain.vocabulary import EventKind
from app.domain.workdays import WorkCalendar
from app.text import format_date

# The handling step each kind belongs to (letters.md's table); the tờ trình comes after
# the biên bản, before the decision.
EVENT_KINDS: dict[DocumentKind, frozenset[str]] = {
    DocumentKind.INVITATION: frozenset({EventKind.INVITE}),
    DocumentKind.MEETING_RECORD: frozenset({EventKind.INVITE, EventKind.WARN}),
    DocumentKind.COMMITMENT: frozenset({EventKind.WARN}),
    DocumentKind.REMOVAL_REQUEST: frozenset({EventKind.REMOVAL_REQUEST}),
    DocumentKind.LOCK_REQUEST: frozenset({EventKind.LOCK_REQUEST}),
    DocumentKind.VIOLATION_RECORD: frozenset({EventKind.RECORD}),
    DocumentKind.SUBMISSION: frozenset({EventKind.RECORD}),
    DocumentKind.DECISION: frozenset({EventKind.SANCTION}),
    DocumentKind.POLICE_TRANSFER: frozenset({EventKind.POLICE}),
    DocumentKind.ESCALATION: frozenset({EventKind.ESCALATE}),
}

# The sanction path (Luật XLVPHC: a biên bản, a tờ trình and a decision name the violator).
NEEDS_IDENTIFIED = frozenset({DocumentKind.VIOLATION_RECORD, DocumentKind.SUBMISSION,
                              DocumentKind.DECISION})
# The escalation is the path of an offender who cannot be identified (Công văn 1800/BTTTT).
NEEDS_UNIDENTIFIED = frozenset({DocumentKind.ESCALATION})
# Letters that may cover several cases (several accounts or posts reported at once); the
# others concern one person's one act.
SEVERAL_CASES = frozenset({DocumentKind.ESCALATION, DocumentKind.POLICE_TRANSFER,
                           DocumentKind.LOCK_REQUEST, DocumentKind.REMOVAL_REQUEST})
# No «Kính gửi» (their templates have no `kinh_gui`): the records both sides sign, and the
# decision, which names whom it applies to in its articles. The commitment is addressed to
# the unit that took it.
NOT_ADDRESSED = frozenset({DocumentKind.MEETING_RECORD, DocumentKind.VIOLATION_RECORD,
                           DocumentKind.DECISION})
# Addressed to the account owner.
TO_OFFENDER = frozenset({DocumentKind.INVITATION, DocumentKind.REMOVAL_REQUEST})

# NĐ 147/2024/NĐ-CP: a platform or an account owner removes content within 24 hours of the
# request (letters.md, "Deadlines": to confirm).
REMOVAL_HOURS = 24
REMOVAL_TEXT = f"trong vòng {REMOVAL_HOURS} giờ kể từ khi nhận được văn bản này"
# Luật XLVPHC Điều 73 khoản 1: counted from the receipt of the decision.
COMPLIANCE_TEXT = f"{COMPLIANCE_CLOCK.describe()} kể từ ngày nhận được Quyết định này"

ESCALATION_ADDRESSEES = (
    "Sở Văn hóa, Thể thao và Du lịch",
    "Cục Phát thanh, truyền hình và thông tin điện tử - Bộ Văn hóa, Thể thao và Du lịch",
    "Công an tỉnh (Phòng An ninh mạng và phòng, chống tội phạm sử dụng công nghệ cao - PA05)",
)
LOCK_ADDRESSEES = ("Sở Văn hóa, Thể thao và Du lịch",)
POLICE_ADDRESSEES = ("Công an xã",)
DROPPED_WITHOUT_ADDRESSEE = "Như trên"  # «Nơi nhận» points at «Kính gửi»

# A document with a title (GIẤY MỜI, QUYẾT ĐỊNH, BÁO CÁO…) prints its subject under it, without
# repeating it and without «V/v»; a công văn has no title: its subject is «V/v …» (NĐ 30/2020
# Phụ lục I).
SUBJECTS: dict[DocumentKind, str] = {
    DocumentKind.INVITATION: "Về việc làm việc liên quan đến thông tin đăng tải trên mạng xã hội",
    DocumentKind.MEETING_RECORD: "Về việc thông tin đăng tải trên mạng xã hội",
    DocumentKind.COMMITMENT: "Về việc gỡ bỏ và không tái phạm đăng tải thông tin vi phạm",
    DocumentKind.REMOVAL_REQUEST: "V/v yêu cầu gỡ bỏ thông tin vi phạm trên mạng xã hội",
    DocumentKind.LOCK_REQUEST: "V/v đề nghị tạm khóa tài khoản, trang, nhóm, kênh vi phạm",
    DocumentKind.VIOLATION_RECORD: "Về thông tin trên mạng xã hội",
    DocumentKind.SUBMISSION: "Về việc đề nghị ban hành quyết định xử phạt vi phạm hành chính",
    DocumentKind.DECISION: "Xử phạt vi phạm hành chính",
    DocumentKind.POLICE_TRANSFER: "V/v chuyển hồ sơ vụ việc có dấu hiệu tội phạm",
    DocumentKind.ESCALATION: "Kiến nghị hỗ trợ xử lý tài khoản đăng tải thông tin vi phạm chưa "
                             "xác định được đối tượng",
}


def kinds_for_event(event_kind: str) -> tuple[DocumentKind, ...]:
    """The documents that may be drafted for an event of this kind, in letters.md's order."""
    return tuple(kind for kind, events in EVENT_KINDS.items() if event_kind in events)


def issuer(kind: DocumentKind) -> Issuer:
    """A sanction decision is the Chairman's own (Luật XLVPHC Điều 38: his power to fine),
    under the committee's heading; the unit issues the rest."""
    return Issuer.CHAIRMAN if kind is DocumentKind.DECISION else Issuer.UNIT


@dataclass(frozen=True)
class CaseFacts:
    """What the rules of a kind need to know of one case."""

    code: str
    offender_identified: bool
    sanctioned: bool  # a live sanction decision (XP) is recorded
    account_key: str = ""  # the account compared folded (`app.domain.search_keys`)


def _codes(cases: Sequence[CaseFacts]) -> str:
    return ", ".join(case.code for case in cases)


def kind_problem(kind: DocumentKind, cases: Sequence[CaseFacts], event_kind: str | None = None,
                 event_labels: Mapping[str, str] | None = None) -> str | None:
    """Why `kind` does not fit these cases (or the event chosen), in Vietnamese; None when
    it fits. `event_labels`: the office's names of the events, by code."""
    named = event_labels or {}
    label = DOCUMENT_KIND_LABELS[kind]
    if not cases:
        return f"Hãy chọn ít nhất một vụ việc để soạn {label.lower()}."
    if len(cases) > 1 and kind not in SEVERAL_CASES:
        return (f"{label} soạn cho từng vụ việc một; đã chọn {len(cases)} vụ việc "
                f"({_codes(cases)}).")
    if kind is DocumentKind.LOCK_REQUEST and len({c.account_key for c in cases}) > 1:
        return (f"{label} nói về một tài khoản; các vụ việc {_codes(cases)} thuộc những tài "
                "khoản khác nhau. Hãy soạn một văn bản cho mỗi tài khoản.")
    if event_kind is not None and event_kind not in EVENT_KINDS[kind]:
        expected = " hoặc ".join(f"«{named.get(code, code)}»"
                                 for code in sorted(EVENT_KINDS[kind]))
        return (f"{label} thuộc biện pháp {expected}; biện pháp đã chọn là "
                f"«{named.get(event_kind, event_kind)}». Hãy chọn đúng biện pháp hoặc loại văn "
                "bản.")
    if kind in NEEDS_UNIDENTIFIED and (known := [c for c in cases if c.offender_identified]):
        return (f"{label} chỉ dùng khi chưa xác định được đối tượng; vụ việc {_codes(known)} "
                "đã ghi đối tượng vi phạm. Hãy bỏ vụ việc đó ra, hoặc soạn giấy mời, biên bản "
                "cho đối tượng.")
    if kind in NEEDS_IDENTIFIED and (unknown := [c for c in cases if not c.offender_identified]):
        return (f"{label} cần đối tượng vi phạm đã xác định; vụ việc {_codes(unknown)} chưa "
                "ghi họ tên đối tượng. Hãy ghi đối tượng trước, hoặc soạn báo cáo, kiến nghị "
                "hỗ trợ xử lý (KN).")
    if kind is DocumentKind.DECISION and (bare := [c for c in cases if not c.sanctioned]):
        return (f"Chưa soạn được {label.lower()}: vụ việc {_codes(bare)} chưa ghi biện pháp "
                "«Quyết định xử phạt vi phạm hành chính» (XP) với hình thức xử phạt. Hãy ghi "
                "quyết định xử phạt trước.")
    return None


def default_addressees(kind: DocumentKind, office: OfficeSettings, offender: str,
                       event_addressee: str | None) -> tuple[str, ...]:
    """«Kính gửi»: the body the event names when it names one, else the kind's own."""
    if kind in NOT_ADDRESSED:
        return ()
    if kind is DocumentKind.COMMITMENT:  # to the unit the offender commits to
        unit = office.issuer_details(issuer(kind)).in_sentence
        return (unit,) if unit else ()
    if event_addressee:
        return (event_addressee,)
    if kind in TO_OFFENDER:
        return (offender,) if offender else ()
    if kind is DocumentKind.SUBMISSION:
        body = office.managing_body_in_sentence or " ".join(office.managing_body.split())
        return (f"Chủ tịch {body}" if body else "Chủ tịch Ủy ban nhân dân",)
    if kind is DocumentKind.LOCK_REQUEST:
        return LOCK_ADDRESSEES
    if kind is DocumentKind.POLICE_TRANSFER:
        return POLICE_ADDRESSEES
    return ESCALATION_ADDRESSEES


def default_recipients(addressees: Sequence[str], office: OfficeSettings) -> tuple[str, ...]:
    """«Nơi nhận»: the office's list; «Như trên» only when there is a «Kính gửi»."""
    if addressees:
        return office.recipients
    return tuple(r for r in office.recipients if r != DROPPED_WITHOUT_ADDRESSEE)


def deadline(kind: DocumentKind, issued_on: date, office: OfficeSettings,
             calendar: WorkCalendar) -> date | None:
    """The date a request expects its reply by (the register's «Hạn trả lời»)."""
    if kind in REQUEST_KINDS:
        return reply_due(issued_on, office, calendar)
    return None


def computed_details(kind: DocumentKind, reply_by: date | None) -> dict[str, str]:
    """The kind's own texts the program states (the lock counts aside: they need the
    register)."""
    if kind is DocumentKind.REMOVAL_REQUEST:
        return {"han_go": REMOVAL_TEXT}
    if kind is DocumentKind.DECISION:
        return {"han_thi_hanh": COMPLIANCE_TEXT}
    if kind in (DocumentKind.POLICE_TRANSFER, DocumentKind.ESCALATION) and reply_by:
        return {"han_tra_loi": format_date(reply_by)}
    return {}


def record_text(number: str | None, made_on: date) -> str:
    """The biên bản a tờ trình or a decision cites: `số 03/BB-VHXH lập ngày 12/08/2026`
    (its number dotted when none was recorded)."""
    return f"số {number or TO_FILL} lập ngày {format_date(made_on)}"


def lock_details(cases_30_days: int, cases_90_days: int,
                 codes: Sequence[str]) -> dict[str, str]:
    """A lock request's counts (NĐ 147/2024 Điều 35.7), as `app.domain.letters.DETAILS`
    names them."""
    return {"so_vu_30_ngay": str(cases_30_days), "so_vu_90_ngay": str(cases_90_days),
            "ma_vu_lien_quan": ", ".join(codes)}


def posted_text(posted_on: date | None, posted_until: date | None, detected_on: date) -> str:
    """`20/06/2026`, `20/06/2026 – 05/07/2026`, or `chưa rõ (phát hiện ngày 05/10/2026)`."""
    if posted_on is None:
        return f"chưa rõ (phát hiện ngày {format_date(detected_on)})"
    if posted_until is not None and posted_until != posted_on:
        return f"{format_date(posted_on)} – {format_date(posted_until)}"
    return format_date(posted_on)
