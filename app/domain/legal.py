"""The legal catalog's rules (shared/domain/legal-basis.md): what an instrument, a provision
and an authority limit must hold, and which one is in force on a day.

Decrees change, so the catalog is data with validity dates that the program seeds
(resources/seed/legal_bases.json, each row with its source) and an administrator keeps
current; these rules check what the administrator types, the services apply them to the
stored catalog (a duplicate over overlapping dates, a provision in use).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import date

from app.domain.fields import Field, Kind
from app.domain.labels import PARTY_LABELS, PartyKind
from app.domain.vocabulary import GROUP_ORDER
from app.errors import FieldProblem, ValidationError
from app.text import clean, fold, format_date, format_money

# The authority whose fining power the case editor checks a fine against.
COMMUNE_CHAIRMAN = "Chủ tịch Ủy ban nhân dân cấp xã"

# A fine above this is a typing error in any decree of this field.
MAX_FINE = 2_000_000_000
CITATION_PART_LENGTH = 10  # an article, clause or point: "95", "3", "đ", "101a"
CITATION_LENGTH = 200
DESCRIPTION_LENGTH = 2_000

INSTRUMENT_FIELDS: tuple[Field, ...] = (
    Field("citation", "Số, ký hiệu (trích dẫn)", Kind.TEXT, required=True,
          max_length=CITATION_LENGTH),
    Field("title", "Tên đầy đủ", Kind.LONG_TEXT, max_length=DESCRIPTION_LENGTH),
    Field("valid_from", "Có hiệu lực từ", Kind.DATE),
    Field("valid_to", "Hết hiệu lực sau", Kind.DATE),
    Field("note", "Ghi chú", Kind.LONG_TEXT, max_length=DESCRIPTION_LENGTH),
)
PROVISION_FIELDS: tuple[Field, ...] = (
    Field("instrument_id", "Văn bản", Kind.CODE, required=True),
    Field("article", "Điều", Kind.CODE, max_length=CITATION_PART_LENGTH),
    Field("clause", "Khoản", Kind.CODE, max_length=CITATION_PART_LENGTH),
    Field("point", "Điểm", Kind.CODE, max_length=CITATION_PART_LENGTH),
    Field("description", "Mô tả hành vi", Kind.LONG_TEXT, required=True,
          max_length=DESCRIPTION_LENGTH),
    Field("group_codes", "Nhóm hành vi", Kind.CODE, required=True),
    Field("fine_min", "Tiền phạt từ (đồng)", Kind.INTEGER),
    Field("fine_max", "đến (đồng)", Kind.INTEGER),
    Field("stated_for", "Khung quy định cho", Kind.CODE),
    Field("other_party_factor", "Hệ số cho bên kia", Kind.INTEGER),  # a number: 0,5 or 2
    Field("remedies", "Biện pháp khắc phục hậu quả", Kind.LONG_TEXT),
    Field("valid_from", "Có hiệu lực từ", Kind.DATE),
    Field("valid_to", "Hết hiệu lực sau", Kind.DATE),
    Field("to_confirm", "Cần xác nhận", Kind.YES_NO),
)
LIMIT_FIELDS: tuple[Field, ...] = (
    Field("authority", "Chức danh", Kind.TEXT, required=True, max_length=CITATION_LENGTH),
    Field("party", "Đối tượng", Kind.CODE, required=True),
    Field("max_fine", "Phạt tiền tối đa (đồng)", Kind.INTEGER, required=True),
    Field("basis", "Căn cứ", Kind.TEXT, required=True, max_length=CITATION_LENGTH),
    Field("valid_from", "Có hiệu lực từ", Kind.DATE),
    Field("valid_to", "Hết hiệu lực sau", Kind.DATE),
    Field("to_confirm", "Cần xác nhận", Kind.YES_NO),
)
INSTRUMENT_BY_KEY = {f.key: f for f in INSTRUMENT_FIELDS}
PROVISION_BY_KEY = {f.key: f for f in PROVISION_FIELDS}
LIMIT_BY_KEY = {f.key: f for f in LIMIT_FIELDS}


@dataclass(frozen=True)
class Validity:
    """From and to, both included; None is open."""

    valid_from: date | None
    valid_to: date | None

    def covers(self, day: date) -> bool:
        return ((self.valid_from is None or self.valid_from <= day)
                and (self.valid_to is None or day <= self.valid_to))

    def overlaps(self, other: Validity) -> bool:
        return ((self.valid_to is None or other.valid_from is None
                 or other.valid_from <= self.valid_to)
                and (other.valid_to is None or self.valid_from is None
                     or self.valid_from <= other.valid_to))

    def text(self) -> str:
        if self.valid_from and self.valid_to:
            return f"{format_date(self.valid_from)} – {format_date(self.valid_to)}"
        if self.valid_from:
            return f"từ {format_date(self.valid_from)}"
        if self.valid_to:
            return f"đến {format_date(self.valid_to)}"
        return "không thời hạn"


# The catalog's short name of a decree, `NĐ 174/2026/NĐ-CP`.
_DECREE_SHORT = re.compile(r"\bNĐ (\d+/\d{4}/NĐ-CP)")


def cite(point: str | None, clause: str | None, article: str | None, instrument: str, *,
         in_sentence: bool = False) -> str:
    """`Điểm a Khoản 1 Điều 95 NĐ 174/2026/NĐ-CP`: how officers, the import and the
    printout name a provision. `in_sentence`: as an official document writes it inside a
    sentence (NĐ 30/2020 Phụ lục I), `điểm a khoản 1 Điều 95 Nghị định số 174/2026/NĐ-CP`."""
    words = ("điểm", "khoản", "Điều") if in_sentence else ("Điểm", "Khoản", "Điều")
    parts = [f"{word} {value}" for word, value in zip(words, (point, clause, article),
                                                      strict=True) if value]
    if in_sentence:
        instrument = _DECREE_SHORT.sub(r"Nghị định số \1", instrument)
    return " ".join([*parts, instrument])


def _clean(value: str) -> str:
    return clean(value) or ""


def same_citation(a: str, b: str) -> bool:
    """The same instrument or authority typed again (case, marks and spacing aside)."""
    return fold(a) == fold(b)


@dataclass(frozen=True)
class InstrumentInput:
    citation: str
    title: str = ""
    valid_from: date | None = None
    valid_to: date | None = None
    note: str = ""

    @property
    def validity(self) -> Validity:
        return Validity(self.valid_from, self.valid_to)


@dataclass(frozen=True)
class ProvisionInput:
    instrument_id: int | None
    article: str
    clause: str
    point: str
    description: str
    group_codes: tuple[str, ...]
    fine_min: int | None = None
    fine_max: int | None = None
    stated_for: PartyKind | None = None
    other_party_factor: float | None = None
    remedies: tuple[str, ...] = ()
    valid_from: date | None = None
    valid_to: date | None = None
    to_confirm: bool = False

    @property
    def validity(self) -> Validity:
        return Validity(self.valid_from, self.valid_to)

    def citation_key(self) -> tuple[str, str, str]:
        return self.article.casefold(), self.clause.casefold(), self.point.casefold()


@dataclass(frozen=True)
class AuthorityLimit:
    """The most a holder of `authority` may fine a `party` (Luật Xử lý vi phạm hành chính:
    a decision above it belongs to a higher authority)."""

    authority: str
    party: PartyKind
    max_fine: int
    basis: str
    valid_from: date | None = None
    valid_to: date | None = None
    to_confirm: bool = False

    @property
    def validity(self) -> Validity:
        return Validity(self.valid_from, self.valid_to)


def validity_problem(valid_from: date, valid_to: date) -> str:
    """What is wrong with an end before the start (the caller has compared them)."""
    return (f"Ngày hết hiệu lực {format_date(valid_to)} trước ngày có hiệu lực "
            f"{format_date(valid_from)}: hãy nhập ngày hết hiệu lực từ ngày có hiệu lực trở "
            "đi, hoặc để trống.")


class _Problems:
    def __init__(self) -> None:
        self.found: list[FieldProblem] = []

    def add(self, field: str, message: str) -> None:
        self.found.append(FieldProblem(field, message))

    def text(self, fields: dict[str, Field], key: str, value: str) -> str:
        field = fields[key]
        if field.required and not value:
            self.add(key, f"Cần nhập «{field.label}».")
        elif field.max_length is not None and len(value) > field.max_length:
            self.add(key, f"«{field.label}» dài {len(value)} ký tự: tối đa "
                          f"{field.max_length} ký tự.")
        return value

    def validity(self, validity: Validity) -> None:
        if validity.valid_from and validity.valid_to and validity.valid_to < validity.valid_from:
            self.add("valid_to", validity_problem(validity.valid_from, validity.valid_to))

    def raise_any(self) -> None:
        if self.found:
            raise ValidationError(self.found)


def check_instrument(data: InstrumentInput) -> InstrumentInput:
    """The instrument as it is stored (text cleaned), or ValidationError naming each field."""
    problems = _Problems()
    checked = replace(
        data,
        citation=problems.text(INSTRUMENT_BY_KEY, "citation", _clean(data.citation)),
        title=problems.text(INSTRUMENT_BY_KEY, "title", _clean(data.title)),
        note=problems.text(INSTRUMENT_BY_KEY, "note", _clean(data.note)),
    )
    problems.validity(data.validity)
    problems.raise_any()
    return checked


def _lines(values: Iterable[str]) -> tuple[str, ...]:
    seen: dict[str, str] = {}
    for value in values:
        text = _clean(value)
        if text and text.casefold() not in seen:
            seen[text.casefold()] = text
    return tuple(seen.values())


def check_provision(data: ProvisionInput) -> ProvisionInput:
    """The provision as it is stored (text cleaned, each group once, no range party without
    a range), or ValidationError naming each field with what is expected."""
    problems = _Problems()
    if data.instrument_id is None:
        problems.add("instrument_id", "Chọn văn bản quy định điều khoản này.")
    parts = {key: problems.text(PROVISION_BY_KEY, key, _clean(getattr(data, key)))
             for key in ("article", "clause", "point")}
    if parts["point"] and not parts["clause"]:
        problems.add("clause", "Có điểm thì cần khoản: hãy nhập khoản chứa điểm này.")
    description = problems.text(PROVISION_BY_KEY, "description", _clean(data.description))
    unknown = [code for code in data.group_codes if code not in GROUP_ORDER]
    if unknown:
        problems.add("group_codes", f"Không có nhóm hành vi {', '.join(unknown)}: chỉ chọn "
                                    f"trong các nhóm {', '.join(GROUP_ORDER)}.")
    elif not data.group_codes:
        problems.add("group_codes", "Chọn ít nhất một nhóm hành vi: chương trình đề xuất căn "
                                    "cứ này cho vụ việc thuộc các nhóm đã chọn.")
    groups = tuple(dict.fromkeys(data.group_codes))
    low, high = data.fine_min, data.fine_max
    stated_for, factor = data.stated_for, data.other_party_factor
    if (low is None) != (high is None):
        problems.add("fine_min" if low is None else "fine_max",
                     "Khung tiền phạt cần cả mức thấp nhất và mức cao nhất (hoặc để trống cả "
                     "hai nếu điều khoản không quy định phạt tiền).")
    elif low is not None and high is not None:
        if low <= 0:
            problems.add("fine_min", "Mức phạt thấp nhất phải lớn hơn 0 đồng.")
        elif low > high:
            problems.add("fine_max", f"Mức phạt cao nhất {format_money(high)} nhỏ hơn mức thấp "
                                     f"nhất {format_money(low)}: hãy nhập mức cao nhất không "
                                     "nhỏ hơn mức thấp nhất.")
        if high > MAX_FINE:
            problems.add("fine_max", "Mức phạt cao nhất quá lớn: tối đa "
                                     f"{format_money(MAX_FINE)}.")
        if stated_for is None:
            problems.add("stated_for", "Chọn khung tiền phạt được quy định cho cá nhân hay "
                                       "tổ chức (NĐ 174/2026 quy định cho tổ chức, NĐ 130/2021 "
                                       "cho cá nhân).")
        if factor is None or not 0 < factor <= 10:
            problems.add("other_party_factor", "Hệ số cho bên kia phải lớn hơn 0 và không quá "
                                               "10 (cá nhân bằng 0,5 khung của tổ chức; tổ "
                                               "chức bằng 2 lần khung của cá nhân).")
    if low is None or high is None:
        stated_for, factor = None, None
    problems.validity(data.validity)
    problems.raise_any()
    return replace(data, article=parts["article"], clause=parts["clause"],
                   point=parts["point"], description=description, group_codes=groups,
                   stated_for=stated_for, other_party_factor=factor,
                   remedies=_lines(data.remedies))


def outside_instrument(provision: Validity, instrument: Validity,
                       citation: str) -> FieldProblem | None:
    """A provision in force on a day its instrument is not: the program would propose it
    for acts the instrument does not govern."""
    if instrument.valid_from and (provision.valid_from is None
                                  or provision.valid_from < instrument.valid_from):
        return FieldProblem("valid_from", f"{citation} chỉ có hiệu lực từ ngày "
                                          f"{format_date(instrument.valid_from)}: hãy nhập ngày "
                                          "có hiệu lực của điều khoản từ ngày đó trở đi.")
    if instrument.valid_to and (provision.valid_to is None
                                or provision.valid_to > instrument.valid_to):
        return FieldProblem("valid_to", f"{citation} hết hiệu lực sau ngày "
                                        f"{format_date(instrument.valid_to)}: hãy nhập ngày hết "
                                        "hiệu lực của điều khoản đến ngày đó là cùng.")
    return None


def check_limit(data: AuthorityLimit) -> AuthorityLimit:
    problems = _Problems()
    authority = problems.text(LIMIT_BY_KEY, "authority", _clean(data.authority))
    basis = problems.text(LIMIT_BY_KEY, "basis", _clean(data.basis))
    if not 0 < data.max_fine <= MAX_FINE:
        problems.add("max_fine", "Mức phạt tiền tối đa phải lớn hơn 0 và không quá "
                                 f"{format_money(MAX_FINE)}.")
    problems.validity(data.validity)
    problems.raise_any()
    return replace(data, authority=authority, basis=basis)


def overlapping_limit(limit: AuthorityLimit,
                      others: Iterable[AuthorityLimit]) -> AuthorityLimit | None:
    """Another limit of the same authority and party in force on some of the same days:
    the program could not tell which one applies."""
    return next((o for o in others if same_citation(o.authority, limit.authority)
                 and o.party == limit.party and o.validity.overlaps(limit.validity)), None)


def overlap_message(what: str, other: Validity) -> str:
    return (f"{what} đã có trong danh mục với hiệu lực {other.text()}, trùng thời gian với "
            "hiệu lực vừa nhập: hãy sửa ngày hiệu lực (ví dụ kết thúc hiệu lực của bản cũ "
            "trước ngày bản mới có hiệu lực) hoặc sửa bản đã có.")


def limit_on(limits: Sequence[AuthorityLimit], authority: str, party: PartyKind,
             day: date) -> AuthorityLimit | None:
    """The limit of `authority` for `party` in force on `day` (the latest to start when
    an office's edits left several)."""
    valid = [lim for lim in limits if same_citation(lim.authority, authority)
             and lim.party == party and lim.validity.covers(day)]
    return max(valid, key=lambda lim: lim.valid_from or date.min, default=None)


def party_label(party: PartyKind) -> str:
    return PARTY_LABELS[party].lower()
