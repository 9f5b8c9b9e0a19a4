"""The administrator's screen: office details, accounts, lists, legal bases, days off,
Word templates, audit log, purge of deleted cases, replacing the encryption keys, the
units whose keys are registered."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtWidgets import QTabWidget, QWidget

from app.services.actor import Actor
from app.services.data_folder import Database
from app.ui.admin.audit_view import AuditView
from app.ui.admin.days_off_view import DaysOffView
from app.ui.admin.keys_view import KeysView
from app.ui.admin.legal_view import LegalBasisView
from app.ui.admin.office_form import OfficeForm
from app.ui.admin.purge_view import PurgeView
from app.ui.admin.templates_view import TemplatesView
from app.ui.admin.units_view import UnitsView
from app.ui.admin.users_view import UsersView
from app.ui.admin.vocabulary_view import VocabularyView
from app.ui.data_change import DataChange
from app.ui.tasks import TaskRunner


class AdminScreen(QTabWidget):
    """Its views report their changes with `notify` (the window passes them to every
    view), and reload on `refresh_for` when a change concerns them."""

    def __init__(self, db: Database, actor: Actor, runner: TaskRunner,
                 notify: Callable[[DataChange], None],
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.office = OfficeForm(db, actor, runner, notify)
        self.users = UsersView(db, actor, runner, notify)
        self.lists = VocabularyView(db, actor, runner, notify)
        self.legal = LegalBasisView(db, actor, runner, notify)
        self.days_off = DaysOffView(db, actor, runner, notify)
        self.templates = TemplatesView(db, actor, runner)
        self.audit = AuditView(db, actor, runner)
        self.addTab(self.office, "Thông tin đơn vị")
        self.addTab(self.users, "Người dùng")
        self.addTab(self.lists, "Danh mục")
        self.addTab(self.legal, "Căn cứ pháp lý")
        self.addTab(self.days_off, "Ngày nghỉ, làm bù")
        self.addTab(self.templates, "Mẫu văn bản")
        self.addTab(self.audit, "Nhật ký thao tác")
        self.purge = PurgeView(db, actor, runner, notify)
        self.addTab(self.purge, "Xóa hẳn vụ việc đã xóa")
        self.keys = KeysView(db, actor, runner, notify)
        self.addTab(self.keys, "Khóa mã hóa")
        self.units = UnitsView(db, actor, runner, notify)
        self.addTab(self.units, "Đơn vị và khóa")

    def refresh_for(self, change: DataChange) -> None:
        # Not the office form, an editor (its own save is the only change of its data),
        # nor the audit log, which shows what «Xem» asked for.
        for view in (self.users, self.lists, self.legal, self.purge):
            view.refresh_for(change)
