"""The administrator's screen: office details, accounts, lists, legal bases, audit log,
purge of deleted cases."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtWidgets import QTabWidget, QWidget

from app.db import Database
from app.services.actor import Actor
from app.ui.admin.audit_view import AuditView
from app.ui.admin.legal_view import LegalBasisView
from app.ui.admin.office_form import OfficeForm
from app.ui.admin.purge_view import PurgeView
from app.ui.admin.users_view import UsersView
from app.ui.admin.vocabulary_view import VocabularyView
from app.ui.tasks import TaskRunner


class AdminScreen(QTabWidget):
    def __init__(self, db: Database, actor: Actor, runner: TaskRunner,
                 on_settings_changed: Callable[[], None],
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.office = OfficeForm(db, actor, runner, on_settings_changed)
        self.users = UsersView(db, actor, runner)
        self.lists = VocabularyView(db, actor, runner, on_settings_changed)
        self.legal = LegalBasisView(db, actor, runner)
        self.audit = AuditView(db, actor, runner)
        self.addTab(self.office, "Thông tin đơn vị")
        self.addTab(self.users, "Tài khoản")
        self.addTab(self.lists, "Danh mục")
        self.addTab(self.legal, "Căn cứ pháp lý")
        self.addTab(self.audit, "Nhật ký thao tác")
        self.purge = PurgeView(db, actor, runner)
        self.addTab(self.purge, "Xóa hẳn vụ việc đã xóa")
