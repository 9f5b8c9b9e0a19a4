"""User accounts: create, reset password, change role, disable and enable."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QFormLayout,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app.domain.labels import ROLE_LABELS, Role
from app.domain.passwords import account_password_rule
from app.progress import CancelToken, Progress
from app.services import accounts, settings
from app.services.accounts import UserRecord
from app.services.actor import Actor, Permission
from app.services.data_folder import Database
from app.ui.admin.common import Feedback, fill_table, make_table, selected_row
from app.ui.data_change import DataChange, DataKind
from app.ui.dialogs import Dialog
from app.ui.tasks import TaskRunner


def _password_field() -> QLineEdit:
    field = QLineEdit()
    field.setEchoMode(QLineEdit.EchoMode.Password)
    return field


def _rule_label(role: Role) -> QLabel:
    rule = QLabel(account_password_rule(role))
    rule.setWordWrap(True)
    return rule


class NewUserDialog(Dialog):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__("Tạo người dùng", parent=parent, min_width=440)
        self.username = QLineEdit()
        self.full_name = QLineEdit()
        self.role = QComboBox()
        for role, label in ROLE_LABELS.items():
            self.role.addItem(label, role)
        self.role.setCurrentIndex(self.role.findData(Role.OFFICER))
        self.password = _password_field()
        self.password_again = _password_field()
        self.rule = _rule_label(Role.OFFICER)
        self.role.currentIndexChanged.connect(
            lambda: self.rule.setText(account_password_rule(self.role.currentData())))
        form = QFormLayout(self)
        form.addRow("Tên đăng nhập:", self.username)
        form.addRow("Họ tên:", self.full_name)
        form.addRow("Vai trò:", self.role)
        form.addRow("Mật khẩu ban đầu:", self.password)
        form.addRow("Nhập lại mật khẩu:", self.password_again)
        form.addRow(self.rule)
        form.addRow(self.message)
        form.addRow(self.button_box("Tạo", on_accept=self._check))

    def _check(self) -> None:
        if self.password.text() != self.password_again.text():
            self.message.error("Hai lần nhập mật khẩu không giống nhau.")
            return
        self.accept()


class NewPasswordDialog(Dialog):
    """A new password for an account, typed twice, with the rule of the role it will have."""

    def __init__(self, title: str, text: str, role: Role,
                 parent: QWidget | None = None) -> None:
        super().__init__(title, parent=parent, min_width=440)
        intro = QLabel(text)
        intro.setWordWrap(True)
        self.password = _password_field()
        self.password_again = _password_field()
        form = QFormLayout(self)
        form.addRow(intro)
        form.addRow("Mật khẩu mới:", self.password)
        form.addRow("Nhập lại mật khẩu:", self.password_again)
        form.addRow(_rule_label(role))
        form.addRow(self.message)
        form.addRow(self.button_box("Đồng ý", on_accept=self._check))

    def _check(self) -> None:
        if not self.password.text():
            self.message.error("Hãy nhập mật khẩu mới.")
        elif self.password.text() != self.password_again.text():
            self.message.error("Hai lần nhập mật khẩu không giống nhau.")
        else:
            self.accept()


class UsersView(QWidget):
    def __init__(self, db: Database, actor: Actor, runner: TaskRunner,
                 notify: Callable[[DataChange], None]) -> None:
        super().__init__()
        self._db, self._actor, self._runner, self._notify = db, actor, runner, notify
        self._users: list[UserRecord] = []
        self.table = make_table(["Tên đăng nhập", "Họ tên", "Vai trò", "Tình trạng"])
        self.feedback = Feedback()
        buttons = QHBoxLayout()
        for text, slot in (("Tạo người dùng…", self._create), ("Đặt lại mật khẩu…", self._reset),
                           ("Đổi vai trò…", self._change_role),
                           ("Khóa / mở người dùng", self._toggle_active),
                           ("Khóa khôi phục mới…", self._new_recovery_key)):
            button = QPushButton(text)
            button.clicked.connect(slot)
            button.setEnabled(actor.can(Permission.MANAGE_USERS))
            buttons.addWidget(button)
        buttons.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addLayout(buttons)
        layout.addWidget(self.feedback)
        layout.addWidget(self.table)
        self.refresh()

    def refresh_for(self, change: DataChange) -> None:
        if change.concerns(DataKind.ACCOUNTS):
            self.refresh()

    def refresh(self) -> None:
        self._users = accounts.list_users(self._db, self._actor)
        fill_table(self.table, [
            (u.username, u.full_name, ROLE_LABELS[u.role],
             " · ".join(label for label in accounts.state_labels(u) if label))
            for u in self._users])

    def _selected(self) -> UserRecord | None:
        row = selected_row(self.table)
        if row is None:
            self.feedback.error("Hãy chọn một người dùng trong danh sách.")
            return None
        return self._users[row]

    def _run(self, change: Callable[[], object], done: str) -> None:

        def task(_p: Progress, _t: CancelToken) -> None:
            change()

        def succeeded(_result: object) -> None:
            self._notify(DataChange.of(DataKind.ACCOUNTS))
            self.feedback.ok(done)

        self._runner.start(task, on_success=succeeded, on_failure=self.feedback.error)

    def ask_new_password(self, title: str, text: str, role: Role) -> str | None:
        """The new password typed twice, or None when the administrator gives up."""
        dialog = NewPasswordDialog(title, text, role, self)
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return None
        return dialog.password.text()

    def create_user(self, username: str, full_name: str, role: Role, password: str) -> None:
        self._run(lambda: accounts.create_user(self._db, self._actor, username=username,
                                               full_name=full_name, role=role,
                                               password=password),
                  f"Đã tạo người dùng «{username}».")

    def _create(self) -> None:
        dialog = NewUserDialog(self)
        if dialog.exec() == QDialog.DialogCode.Accepted:
            self.create_user(dialog.username.text(), dialog.full_name.text(),
                             dialog.role.currentData(), dialog.password.text())

    def _new_recovery_key(self) -> None:
        answer = QMessageBox.question(
            self, "Khóa khôi phục mới",
            "Tạo khóa khôi phục mới? Khóa cũ sẽ không dùng được nữa (ví dụ khi người giữ khóa "
            "nghỉ việc). Bản sao lưu làm trước đây vẫn mở được bằng khóa cũ.")
        if answer != QMessageBox.StandardButton.Yes:
            return
        db, actor = self._db, self._actor

        def task(_p: Progress, _t: CancelToken) -> tuple[str, str]:
            return accounts.replace_recovery_key(db, actor), settings.load_office(db).unit_name

        self._runner.start(task, on_success=self._show_recovery_key,
                           on_failure=self.feedback.error)

    def _show_recovery_key(self, made: tuple[str, str]) -> None:
        from app.ui.first_run import RecoveryKeyDialog

        recovery_key, unit_name = made
        RecoveryKeyDialog(recovery_key, self._db.paths.root, unit_name, parent=self).exec()
        self.feedback.ok("Đã tạo khóa khôi phục mới; khóa cũ không còn dùng được.")

    def _reset(self) -> None:
        user = self._selected()
        if user is None:
            return
        password = self.ask_new_password("Đặt lại mật khẩu",
                                         f"Mật khẩu mới cho «{user.username}»:", user.role)
        if password is not None:
            self._run(lambda: accounts.update_user(self._db, self._actor, user.id,
                                                   new_password=password),
                      f"Đã đặt lại mật khẩu cho «{user.username}».")

    def _change_role(self) -> None:
        user = self._selected()
        if user is None:
            return
        labels = list(ROLE_LABELS.values())
        label, accepted = QInputDialog.getItem(
            self, "Đổi vai trò", f"Vai trò của «{user.username}»:", labels,
            labels.index(ROLE_LABELS[user.role]), False)
        if not accepted:
            return
        role = next(r for r, text in ROLE_LABELS.items() if text == label)
        password: str | None = None
        if accounts.role_change_needs_password(user.role, role):
            password = self.ask_new_password(
                "Đổi vai trò", f"Đổi sang vai trò {label} cần mật khẩu mới: hãy đặt mật khẩu "
                f"mới cho «{user.username}» và báo cho người dùng.", role)
            if password is None:
                return
        self.change_role(user, role, password)

    def change_role(self, user: UserRecord, role: Role, password: str | None) -> None:
        self._run(lambda: accounts.update_user(self._db, self._actor, user.id, role=role,
                                               new_password=password),
                  f"«{user.username}» nay có vai trò {ROLE_LABELS[role]}.")

    def _toggle_active(self) -> None:
        user = self._selected()
        if user is None:
            return
        if user.active:
            self._run(lambda: accounts.update_user(self._db, self._actor, user.id,
                                                   active=False),
                      f"Đã khóa người dùng «{user.username}».")
            return
        password = self.ask_new_password(
            "Mở lại người dùng", f"Mở lại «{user.username}» cần mật khẩu mới (khi bị khóa, người "
            "dùng đã mất quyền mở dữ liệu mã hóa): hãy đặt mật khẩu và báo cho người dùng.",
            user.role)
        if password is not None:
            self._run(lambda: accounts.update_user(self._db, self._actor, user.id, active=True,
                                                   new_password=password),
                      f"Đã mở lại người dùng «{user.username}» với mật khẩu mới.")
