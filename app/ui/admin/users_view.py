"""User accounts: create, reset password, change role, disable and enable."""

from __future__ import annotations

from collections.abc import Callable, Sequence

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
from app.domain.passwords import account_password_rule, weak_account_password
from app.errors import UserError
from app.progress import CancelToken, Progress
from app.services import accounts, settings
from app.services.accounts import UserRecord
from app.services.actor import Actor, Permission
from app.services.data_folder import Database
from app.ui.admin.common import Feedback, fill_table, make_table, selected_row
from app.ui.data_change import DataChange, DataKind
from app.ui.dialogs import Dialog
from app.ui.tasks import TaskRunner
from app.ui.widgets import FieldError, with_error


def _password_field() -> QLineEdit:
    field = QLineEdit()
    field.setEchoMode(QLineEdit.EchoMode.Password)
    return field


def _rule_label(role: Role) -> QLabel:
    rule = QLabel(account_password_rule(role))
    rule.setWordWrap(True)
    return rule


MISMATCH = "Hai lần nhập mật khẩu không giống nhau: hãy nhập lại đúng mật khẩu ở trên."
# The line a refusal of the services is shown on, by its field.
_REFUSED_ON = {"new_password": "password"}


class _AccountDialog(Dialog):
    """A password typed twice, then the change (run by the services) made from the dialog:
    it closes once the change is made (`outcome` is what the services returned), and until
    then keeps what was typed, with each refusal under its field. The password is judged by
    the rule of the role `role()` and against the account's names `names()` when left."""

    def __init__(self, title: str, runner: TaskRunner, role: Callable[[], Role],
                 names: Callable[[], Sequence[str]], parent: QWidget | None) -> None:
        super().__init__(title, parent=parent, min_width=440)
        self._runner = runner
        self._role, self._names = role, names
        self.outcome: object = None
        self.password = _password_field()
        self.password_again = _password_field()
        self.inputs: dict[str, QWidget] = {}
        self.errors: dict[str, FieldError] = {}
        self.form = QFormLayout(self)
        self.password_again.editingFinished.connect(self._check_again)
        self.password.editingFinished.connect(self._check_password)

    def _row(self, key: str, label: str, widget: QWidget) -> None:
        box, self.errors[key] = with_error(widget)
        self.inputs[key] = widget
        self.form.addRow(label, box)

    def _check_password(self) -> None:
        """As soon as the password is left: too short or too easy to guess for the role."""
        typed = self.password.text()
        self.errors["password"].show_message(
            weak_account_password(typed, self._role(), self._names()) if typed else None)

    def _check_again(self) -> None:
        again = self.password_again.text()
        self.errors["password_again"].show_message(
            MISMATCH if again and again != self.password.text() else None)

    def _submit(self, change: Callable[[], object]) -> None:
        """Run `change`, unless the two passwords differ; the dialog closes once it is made."""
        for error in self.errors.values():
            error.show_message(None)
        self.message.clear()
        if not self.password.text():
            self._on_fields(UserError("Hãy nhập mật khẩu.", field="password"))
            return
        if self.password.text() != self.password_again.text():
            self._on_fields(UserError(MISMATCH, field="password_again"))
            return
        self.message.working("Đang lưu…")
        self.submit(self._runner, change, done=self._made, on_fields=self._on_fields)

    def _made(self, outcome: object) -> None:
        self.outcome = outcome

    def _on_fields(self, error: UserError) -> bool:
        key = _REFUSED_ON.get(error.field or "", error.field or "")
        if key not in self.errors:
            return False
        self.message.clear()
        self.errors[key].show_message(error.message)
        self.inputs[key].setFocus()
        return True


class NewUserDialog(_AccountDialog):
    """A new account: `create(username, full_name, role, password)` makes it."""

    def __init__(self, runner: TaskRunner, create: Callable[[str, str, Role, str], object],
                 parent: QWidget | None = None) -> None:
        super().__init__("Tạo người dùng", runner, lambda: Role(self.role.currentData()),
                         lambda: (self.username.text(), self.full_name.text()), parent)
        self._create = create
        self.username = QLineEdit()
        self.full_name = QLineEdit()
        self.role = QComboBox()
        for role, label in ROLE_LABELS.items():
            self.role.addItem(label, role)
        self.role.setCurrentIndex(self.role.findData(Role.OFFICER))
        self.rule = _rule_label(Role.OFFICER)
        self.role.currentIndexChanged.connect(
            lambda: self.rule.setText(account_password_rule(self.role.currentData())))
        self._row("username", "Tên đăng nhập:", self.username)
        self._row("full_name", "Họ tên:", self.full_name)
        self._row("role", "Vai trò:", self.role)
        self._row("password", "Mật khẩu ban đầu:", self.password)
        self._row("password_again", "Nhập lại mật khẩu:", self.password_again)
        self.form.addRow(self.rule)
        self.form.addRow(self.message)
        self.form.addRow(self.button_box("Tạo", on_accept=self._check))

    def _check(self) -> None:
        username, full_name, role = self.username.text(), self.full_name.text(), self._role()
        password = self.password.text()
        self._submit(lambda: self._create(username, full_name, role, password))


class NewPasswordDialog(_AccountDialog):
    """A new password for the account `user`, typed twice, with the rule of the role it will
    have; `apply(password)` sets it."""

    def __init__(self, title: str, text: str, user: UserRecord, role: Role, runner: TaskRunner,
                 apply: Callable[[str], object], parent: QWidget | None = None) -> None:
        super().__init__(title, runner, lambda: role, lambda: (user.username, user.full_name),
                         parent)
        self._apply = apply
        intro = QLabel(text)
        intro.setWordWrap(True)
        self.form.addRow(intro)
        self._row("password", "Mật khẩu mới:", self.password)
        self._row("password_again", "Nhập lại mật khẩu:", self.password_again)
        self.form.addRow(_rule_label(role))
        self.form.addRow(self.message)
        self.form.addRow(self.button_box("Đồng ý", on_accept=self._check))

    def _check(self) -> None:
        password = self.password.text()
        self._submit(lambda: self._apply(password))


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

        self._runner.start(task, on_success=lambda _r: self._changed(done),
                           on_failure=self.feedback.error)

    def _changed(self, done: str) -> None:
        self._notify(DataChange.of(DataKind.ACCOUNTS))
        self.feedback.ok(done)

    def ask_new_password(self, title: str, text: str, user: UserRecord, role: Role,
                         apply: Callable[[str], object]) -> bool:
        """A new password for `user`, typed twice and set by `apply(password)` from the
        dialog, which stays open until it is; False when the administrator gives up."""
        dialog = NewPasswordDialog(title, text, user, role, self._runner, apply, self)
        return dialog.exec() == QDialog.DialogCode.Accepted

    def _create(self) -> None:
        db, actor = self._db, self._actor

        def create(username: str, full_name: str, role: Role, password: str) -> UserRecord:
            return accounts.create_user(db, actor, username=username, full_name=full_name,
                                        role=role, password=password)

        dialog = NewUserDialog(self._runner, create, self)
        if dialog.exec() == QDialog.DialogCode.Accepted:
            assert isinstance(dialog.outcome, UserRecord)
            self._changed(f"Đã tạo người dùng «{dialog.outcome.username}».")

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
        db, actor = self._db, self._actor
        if self.ask_new_password(
                "Đặt lại mật khẩu", f"Mật khẩu mới cho «{user.username}»:", user, user.role,
                lambda password: accounts.update_user(db, actor, user.id,
                                                      new_password=password)):
            self._changed(f"Đã đặt lại mật khẩu cho «{user.username}».")

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
        db, actor = self._db, self._actor
        done = f"«{user.username}» nay có vai trò {ROLE_LABELS[role]}."
        if not accounts.role_change_needs_password(user.role, role):
            self._run(lambda: accounts.update_user(db, actor, user.id, role=role), done)
        elif self.ask_new_password(
                "Đổi vai trò", f"Đổi sang vai trò {label} cần mật khẩu mới: hãy đặt mật khẩu "
                f"mới cho «{user.username}» và báo cho người dùng.", user, role,
                lambda password: accounts.update_user(db, actor, user.id, role=role,
                                                      new_password=password)):
            self._changed(done)

    def _toggle_active(self) -> None:
        user = self._selected()
        if user is None:
            return
        db, actor = self._db, self._actor
        if user.active:
            self._run(lambda: accounts.update_user(db, actor, user.id, active=False),
                      f"Đã khóa người dùng «{user.username}».")
        elif self.ask_new_password(
                "Mở lại người dùng", f"Mở lại «{user.username}» cần mật khẩu mới (khi bị khóa, "
                "người dùng đã mất quyền mở dữ liệu mã hóa): hãy đặt mật khẩu và báo cho người "
                "dùng.", user, user.role,
                lambda password: accounts.update_user(db, actor, user.id, active=True,
                                                      new_password=password)):
            self._changed(f"Đã mở lại người dùng «{user.username}» với mật khẩu mới.")
