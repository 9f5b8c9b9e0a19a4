"""The fixed codes of shared/spec/vocabulary.md and their default labels.

Labels are seeded into the database, where an administrator may edit them;
codes never change. Offices may add entries to every list but the groups.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from functools import cached_property

from app.text import fold


class VocabList(StrEnum):
    GROUP = "nhom_vi_pham"
    CHILD_SUBKIND = "loai_tre_em"
    PLATFORM = "nen_tang"
    CONTENT_FORM = "hinh_thuc"
    SOURCE = "nguon_phat_hien"
    EVENT = "bien_phap"


class Group(StrEnum):
    CHILDREN = "TE"
    DEFAMATION = "DD"
    FAKE_NEWS = "TG"
    OFFENSIVE = "PC"
    ADVERTISING = "QC"
    OTHER = "KH"


class EventKind(StrEnum):
    VERIFY = "XM"
    INVITE = "MLV"
    WARN = "NN"
    CORRECTION = "DC"
    REMOVAL_REQUEST = "YCG"
    REMOVED = "GB"
    LOCK_REQUEST = "KTK"
    RECORD = "BB"
    SANCTION = "XP"
    POLICE = "CA"
    TRANSFER_AUTHORITY = "CTQ"
    CHILD_PROTECTION = "CTE"
    ESCALATE = "KN"
    CLOSE = "KT"


LIST_TITLES: dict[VocabList, str] = {
    VocabList.GROUP: "Nhóm hành vi vi phạm",
    VocabList.CHILD_SUBKIND: "Loại xâm phạm quyền trẻ em",
    VocabList.PLATFORM: "Nền tảng",
    VocabList.CONTENT_FORM: "Hình thức",
    VocabList.SOURCE: "Nguồn phát hiện",
    VocabList.EVENT: "Biện pháp xử lý",
}

# Lists whose set of codes is fixed by the report forms.
CLOSED_LISTS = frozenset({VocabList.GROUP, VocabList.EVENT})

BUILTIN: dict[VocabList, tuple[tuple[str, str], ...]] = {
    VocabList.GROUP: (
        ("TE", "Xâm phạm quyền trẻ em"),
        ("DD", "Xúc phạm danh dự, nhân phẩm, uy tín của tổ chức, cá nhân"),
        ("TG", "Tin giả, tin sai sự thật"),
        ("PC", "Ngôn ngữ phản cảm, vi phạm thuần phong mỹ tục"),
        ("QC", "Quảng cáo, kinh doanh dịch vụ trái phép"),
        ("KH", "Vi phạm khác"),
    ),
    VocabList.CHILD_SUBKIND: (
        ("TE-TT", "Tiết lộ thông tin cá nhân, bí mật đời sống riêng tư của trẻ em"),
        ("TE-BL", "Hình ảnh, video bạo lực, xâm hại trẻ em"),
        ("TE-XP", "Xúc phạm danh dự, nhân phẩm trẻ em"),
        ("TE-LD", "Lợi dụng hình ảnh trẻ em để câu like, câu view, quảng cáo"),
        ("TE-KH", "Khác"),
    ),
    VocabList.PLATFORM: (
        ("FB", "Facebook"),
        ("YT", "YouTube"),
        ("TT", "TikTok"),
        ("ZL", "Zalo"),
        ("IG", "Instagram"),
        ("X", "X (Twitter)"),
        ("TLG", "Telegram"),
        ("WEB", "Trang web, blog"),
        ("KHAC", "Khác"),
    ),
    VocabList.CONTENT_FORM: (
        ("BV", "Bài viết"),
        ("BL", "Bình luận"),
        ("HA", "Hình ảnh"),
        ("VD", "Video clip"),
        ("LS", "Phát trực tiếp (livestream)"),
        ("NC", "Nhóm, trao đổi theo nhóm (group chat)"),
        ("TK", "Trang, kênh, tài khoản"),
    ),
    VocabList.SOURCE: (
        ("RQ", "Rà quét, theo dõi của cơ quan"),
        ("PA", "Phản ánh của tổ chức, cá nhân"),
        ("CT", "Cấp trên chuyển đến"),
        ("CQ", "Cơ quan, đơn vị khác chuyển đến"),
        ("BC", "Báo chí phản ánh"),
    ),
    VocabList.EVENT: (
        ("XM", "Xác minh, thu thập chứng cứ"),
        ("MLV", "Mời làm việc"),
        ("NN", "Nhắc nhở, yêu cầu cam kết"),
        ("DC", "Đính chính, xin lỗi công khai"),
        ("YCG", "Yêu cầu gỡ bỏ thông tin"),
        ("GB", "Đã gỡ bỏ thông tin (xác nhận)"),
        ("KTK", "Đề nghị nền tảng khóa tài khoản, trang, nhóm, kênh"),
        ("BB", "Lập biên bản vi phạm hành chính"),
        ("XP", "Quyết định xử phạt vi phạm hành chính"),
        ("CA", "Chuyển cơ quan Công an"),
        ("CTQ", "Chuyển người có thẩm quyền xử phạt"),
        ("CTE", "Chuyển cơ quan bảo vệ trẻ em"),
        ("KN", "Báo cáo, kiến nghị cấp trên hỗ trợ"),
        ("KT", "Kết thúc xử lý, đóng hồ sơ"),
    ),
}

GROUP_ORDER: tuple[str, ...] = tuple(code for code, _ in BUILTIN[VocabList.GROUP])


@dataclass(frozen=True)
class Entry:
    code: str
    label: str
    builtin: bool
    active: bool


@dataclass(frozen=True)
class Vocabulary:
    """A snapshot of every list, safe to pass between threads."""

    lists: dict[VocabList, tuple[Entry, ...]]

    def entries(self, name: VocabList, *, include_inactive: bool = False) -> tuple[Entry, ...]:
        return tuple(e for e in self.lists.get(name, ()) if include_inactive or e.active)

    @cached_property
    def _labels(self) -> dict[VocabList, dict[str, str]]:
        # Looked up for every cell of a list or every row of an import: index once.
        return {name: {e.code: e.label for e in entries} for name, entries in self.lists.items()}

    def label(self, name: VocabList, code: str | None) -> str:
        if not code:
            return ""
        return self._labels.get(name, {}).get(code, code)

    def has(self, name: VocabList, code: str) -> bool:
        return code in self._labels.get(name, {})

    def resolve(self, name: VocabList, text: str | None) -> str | None:
        """The code meant by a code or a label, compared without case and diacritics."""
        key = fold(text)
        if not key:
            return None
        for entry in self.lists.get(name, ()):
            if fold(entry.code) == key or fold(entry.label) == key:
                return entry.code
        return None
