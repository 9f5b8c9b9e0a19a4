"""Vietnamese words for the program's own fixed values (roles, statuses, kinds).

Field labels live in `app.domain.fields`; vocabulary labels in the database.
"""

from __future__ import annotations

from enum import StrEnum

PROGRAM_NAME = "Sổ vi phạm MXH"
# What the program is, in one sentence (About box, command-line help).
PROGRAM_SUMMARY = ("Ghi nhận, xử lý thông tin vi phạm trên mạng xã hội và lập báo cáo "
                   "định kỳ.")


class Role(StrEnum):
    ADMIN = "admin"
    LEADER = "leader"
    OFFICER = "officer"
    VIEWER = "viewer"


ROLE_LABELS: dict[Role, str] = {
    Role.ADMIN: "Quản trị",
    Role.LEADER: "Lãnh đạo",
    Role.OFFICER: "Cán bộ",
    Role.VIEWER: "Xem",
}

# An account's state, in the window's list of accounts and in `user list`.
ACCOUNT_ACTIVE = "Đang dùng"
ACCOUNT_DISABLED = "Đã khóa"
ACCOUNT_LOCKED_UNTIL = "Tạm khóa đến {:%H:%M %d/%m/%Y}"


class CaseStatus(StrEnum):
    OPEN = "open"
    CLOSED = "closed"


STATUS_LABELS: dict[CaseStatus, str] = {
    CaseStatus.OPEN: "Đang xử lý",
    CaseStatus.CLOSED: "Đã kết thúc",
}


class Attention(StrEnum):
    """Why an open case needs action (the rules: `app.domain.deadlines`)."""

    LIMITATION_NEAR = "limitation"
    REMOVAL_UNANSWERED = "removal"
    STALE = "stale"
    DECISION_OVERDUE = "decision"
    COMPLIANCE_OVERDUE = "compliance"


ATTENTION_LABELS: dict[Attention, str] = {
    Attention.LIMITATION_NEAR: "Sắp hết thời hiệu xử phạt",
    Attention.REMOVAL_UNANSWERED: "Đã yêu cầu gỡ nhưng chưa gỡ",
    Attention.STALE: "Lâu không có biện pháp xử lý",
    Attention.DECISION_OVERDUE: "Đã lập biên bản, quá hạn ra quyết định xử phạt",
    Attention.COMPLIANCE_OVERDUE: "Quá hạn chấp hành quyết định, chưa nộp phạt, chưa cưỡng chế",
}


class PartyKind(StrEnum):
    PERSON = "person"
    ORGANISATION = "org"


PARTY_LABELS: dict[PartyKind, str] = {
    PartyKind.PERSON: "Cá nhân",
    PartyKind.ORGANISATION: "Tổ chức",
}

UNIDENTIFIED_OFFENDER = "Chưa xác định được đối tượng"
# The short form used in lists and in form 03 of the report.
UNIDENTIFIED_SHORT = "Chưa xác định"


class Sex(StrEnum):
    MALE = "nam"
    FEMALE = "nữ"


class SanctionForm(StrEnum):
    WARNING = "Cảnh cáo"
    FINE = "Phạt tiền"


class ClosingResult(StrEnum):
    HANDLED = "Đã xử lý"
    NO_VIOLATION = "Không vi phạm"
    EXPIRED = "Hết thời hiệu"
    TRANSFERRED = "Chuyển cơ quan khác xử lý"
    # Allowed only while the offender is unidentified (app.domain.sanctions): such a case
    # is closed, not left open in "Tồn cuối kỳ", once it is reported upward.
    UNIDENTIFIED = "Không xác định được đối tượng"


class DecisionTime(StrEnum):
    """The time a biên bản leaves to decide (app.domain.sanctions, Luật XLVPHC Điều 66)."""

    STANDARD = "standard"
    EXPLANATION = "explanation"  # the violator asks to explain, or facts need verifying
    EXTENDED = "extended"  # that longer time, extended once


DECISION_TIME_LABELS: dict[DecisionTime, str] = {
    DecisionTime.STANDARD: "Thông thường",
    DecisionTime.EXPLANATION: "Có giải trình hoặc cần xác minh",
    DecisionTime.EXTENDED: "Đã gia hạn (giải trình, xác minh phức tạp)",
}

# Shown once with the recovery key, at `init` and in the window's first start.
RECOVERY_KEY_ADVICE = (
    "Hãy in hoặc chép khóa khôi phục này và cất ở nơi an toàn (tủ hồ sơ của đơn vị), "
    "tách khỏi máy tính. Khóa chỉ hiện một lần. Khi không còn quản trị viên nào đăng nhập "
    "được, hoặc cần mở một bản sao lưu mà không ai nhớ mật khẩu lúc sao lưu, khóa này mở "
    "lại được dữ liệu đã mã hóa (tệp chứng cứ, bản sao lưu)."
)

# What stands in a text that leaves the office in place of a protected child's school or
# class and address (app/domain/protection.py).
HIDDEN_SCHOOL = "[trường, lớp]"
HIDDEN_ADDRESS = "[địa chỉ]"


class DayUnit(StrEnum):
    """How a clock counts its days (app.domain.workdays)."""

    CALENDAR = "calendar"
    WORKING = "working"


DAY_UNIT_LABELS: dict[DayUnit, str] = {
    DayUnit.CALENDAR: "ngày",
    DayUnit.WORKING: "ngày làm việc",
}

# date.weekday() 0..6, as a sentence names the day.
WEEKDAY_LABELS = ("thứ Hai", "thứ Ba", "thứ Tư", "thứ Năm", "thứ Sáu", "thứ Bảy", "Chủ nhật")
# A day the government announces (app.services.days_off).
ANNOUNCED_DAY_OFF = "Nghỉ thêm"
ANNOUNCED_WORKING_DAY = "Làm bù"
# The Word templates the program fills (app.services.templates): the report's, beside the
# kinds of document of app.domain.documents, and whose template is in use.
REPORT_TEMPLATE = "Báo cáo định kỳ kết quả phát hiện, xử lý"
OFFICE_TEMPLATE = "Mẫu của đơn vị"
DEFAULT_TEMPLATE = "Mẫu mặc định"


class ClockKind(StrEnum):
    """A clock running on a case (letters.md "Deadlines"; `app.services.clocks`)."""

    DECISION = "decision"  # the sanction decision after a biên bản
    COMPLIANCE = "compliance"  # comply with, pay a fine delivered
    LIMITATION = "limitation"  # no sanction after it
    REMOVAL = "removal"  # a platform removes the content asked
    REPLY = "reply"  # the reply a request sent expects


CLOCK_LABELS: dict[ClockKind, str] = {
    ClockKind.DECISION: "Ra quyết định xử phạt",
    ClockKind.COMPLIANCE: "Chấp hành, nộp phạt",
    ClockKind.LIMITATION: "Thời hiệu xử phạt",
    ClockKind.REMOVAL: "Gỡ bỏ thông tin theo yêu cầu",
    ClockKind.REPLY: "Trả lời văn bản",
}
# Said beside a clock run out, so that the state is never told by colour alone.
OVERDUE = "Quá hạn"


class TransferDirection(StrEnum):
    """A case sent to another office, or received from one (exchange.md)."""

    OUT = "out"
    IN = "in"


TRANSFER_DIRECTION_LABELS: dict[TransferDirection, str] = {
    TransferDirection.OUT: "Chuyển đi",
    TransferDirection.IN: "Chuyển đến",
}


class TransferOutcome(StrEnum):
    """What a transfer did to the case on its side."""

    SENT = "sent"
    ADDED = "added"
    UPDATED = "updated"
    KEPT = "kept"  # the register's version is as new or newer


TRANSFER_OUTCOME_LABELS: dict[TransferOutcome, str] = {
    TransferOutcome.SENT: "đã gửi",
    TransferOutcome.ADDED: "thêm mới",
    TransferOutcome.UPDATED: "cập nhật theo bản mới hơn",
    TransferOutcome.KEPT: "giữ nguyên (bản trong sổ không cũ hơn)",
}


class ReviewStatus(StrEnum):
    """The province's decision on a report a unit sent (shared/spec/exchange.md)."""

    ACCEPTED = "accepted"
    RETURNED = "returned"


REVIEW_LABELS: dict[ReviewStatus, str] = {
    ReviewStatus.ACCEPTED: "Đã chấp nhận",
    ReviewStatus.RETURNED: "Đã trả lại",
}
AWAITING_REVIEW = "Chờ xem xét"  # received, neither accepted nor returned yet
# A unit's report of a period as the province holds it (cli.md `submissions`).
SENT, NOT_SENT = "đã gửi", "chưa gửi"
# A version of this office's report the province returned, on the register of sent reports.
RETURNED_REPORT = "Bị trả lại ngày {date}: {reason}"
RETURN_ANSWERED = "đã phát hành lại (phiên bản {version})"
