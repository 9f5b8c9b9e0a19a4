"""Who is acting, and what each role may do."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from app.domain.labels import ROLE_LABELS, Role
from app.errors import NotAllowed


class Permission(StrEnum):
    VIEW = "view"
    VIEW_CHILDREN = "view_children"
    EDIT_CASES = "edit_cases"
    DELETE_CASES = "delete_cases"
    IMPORT = "import"
    REPORT = "report"
    SEND_REPORT = "send_report"
    EXPORT_FULL = "export_full"
    UNMASK_CHILDREN = "unmask_children"
    MANAGE_SETTINGS = "manage_settings"
    MANAGE_USERS = "manage_users"
    BACKUP = "backup"  # by hand; the automatic backups run in every session
    RESTORE = "restore"
    ROTATE_KEYS = "rotate_keys"
    CHECK = "check"
    PURGE = "purge"


_OFFICER = {
    Permission.VIEW,
    Permission.VIEW_CHILDREN,
    Permission.EDIT_CASES,
    Permission.IMPORT,
    Permission.REPORT,
    Permission.CHECK,
}
ROLE_PERMISSIONS: dict[Role, frozenset[Permission]] = {
    Role.ADMIN: frozenset(Permission),
    Role.LEADER: frozenset(
        _OFFICER | {Permission.DELETE_CASES, Permission.SEND_REPORT, Permission.UNMASK_CHILDREN}
    ),
    Role.OFFICER: frozenset(_OFFICER),
    Role.VIEWER: frozenset({Permission.VIEW}),
}

PERMISSION_LABELS: dict[Permission, str] = {
    Permission.VIEW: "xem sổ vụ việc",
    Permission.VIEW_CHILDREN: "xem thông tin, chứng cứ của trẻ em",
    Permission.EDIT_CASES: "ghi, sửa vụ việc",
    Permission.DELETE_CASES: "xóa vụ việc",
    Permission.IMPORT: "nhập vụ việc từ Excel",
    Permission.REPORT: "lập báo cáo",
    Permission.SEND_REPORT: "chốt số liệu, gửi báo cáo",
    Permission.EXPORT_FULL: "xuất toàn bộ vụ việc",
    Permission.UNMASK_CHILDREN: "xem tên trẻ em trong bản in",
    Permission.MANAGE_SETTINGS: "thay đổi cài đặt",
    Permission.MANAGE_USERS: "quản lý người dùng",
    Permission.BACKUP: "sao lưu dữ liệu",
    Permission.RESTORE: "khôi phục dữ liệu",
    Permission.ROTATE_KEYS: "thay khóa mã hóa dữ liệu",
    Permission.CHECK: "kiểm tra dữ liệu",
    Permission.PURGE: "xóa hẳn vụ việc đã xóa quá thời hạn lưu giữ",
}


@dataclass(frozen=True)
class Actor:
    user_id: int
    username: str
    full_name: str
    role: Role

    def can(self, permission: Permission) -> bool:
        return permission in ROLE_PERMISSIONS[self.role]

    def require(self, permission: Permission) -> None:
        if not self.can(permission):
            raise NotAllowed(
                f"Người dùng «{self.username}» (vai trò {ROLE_LABELS[self.role]}) "
                f"không có quyền {PERMISSION_LABELS[permission]}."
            )


# The program itself, for records written before any account exists (init, seeding).
SYSTEM = Actor(user_id=0, username="hệ thống", full_name="Hệ thống", role=Role.ADMIN)
