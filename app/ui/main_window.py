"""The main window: menus, toolbar, the register, and the other screens as tabs."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QEventLoop, Qt, Signal
from PySide6.QtGui import QAction, QCloseEvent, QKeySequence
from PySide6.QtWidgets import (
    QApplication,
    QDialog,
    QFileDialog,
    QLabel,
    QMainWindow,
    QMessageBox,
    QStyle,
    QTabWidget,
    QWidget,
)

from app.domain.labels import ROLE_LABELS
from app.domain.office import one_line
from app.progress import CancelToken, Progress
from app.services import (
    cases,
    evidence,
    list_export,
    settings,
    submission_tracker,
    unit_keys,
    vocabulary,
)
from app.services.actor import Actor, Permission
from app.services.data_folder import Database
from app.services.records import CaseDetail
from app.services.report_register import PendingChange
from app.services.search import CaseQuery
from app.text import format_number
from app.ui.about import AboutDialog
from app.ui.backup_actions import BackupActions
from app.ui.case_list import CaseListView
from app.ui.data_change import DataChange, DataKind
from app.ui.delete_dialog import DeleteCaseDialog
from app.ui.filters import drop_saved_search_text
from app.ui.idle import IdleWatcher, put_back, take_off_screen
from app.ui.login import LoginDialog
from app.ui.prefs import UiPrefs
from app.ui.progress_panel import ProgressPanel
from app.ui.report.frozen_warning import save_checked
from app.ui.tasks import TaskFunction, TaskRunner
from app.ui.widgets import LazyScreen

UNITS_TAB = "Tổng hợp đơn vị"  # the province's tab, once units are registered

if TYPE_CHECKING:
    from app.ui.dashboard import DashboardView
    from app.ui.help import GuideWindow

# A package is signed and opened with the office's own key (`unit_keys.opens_own_keys`).
TRANSFER_KEY_HELD_BY_ADMIN = ("Chỉ quản trị viên giữ khóa của đơn vị để ký và mở gói chuyển "
                              "vụ việc: hãy nhờ quản trị viên {doing}.")


class MainWindow(QMainWindow):
    switch_user_requested = Signal()
    data_changed = Signal(object)  # DataChange: what a change touched, for every view

    def __init__(self, db: Database, actor: Actor) -> None:
        super().__init__()
        self.db = db
        self.actor = actor
        self.switching_user = False
        # Signed out to open the register a new «Kết nối máy chủ» names.
        self.reconnecting = False
        self.lock_dialog: LoginDialog | None = None
        self.guide: GuideWindow | None = None
        self.switch_user_requested.connect(self._switch_user)
        self.runner = TaskRunner(self)
        drop_saved_search_text(db.paths)
        self.prefs = UiPrefs(db.paths, actor.username)
        self.vocabulary = vocabulary.load(db)
        self.office = settings.load_office(db)
        unit = f" — {one_line(self.office.unit_name)}" if self.office.unit_name else ""
        self.setWindowTitle(f"Sổ vi phạm MXH{unit}")

        self.case_list = CaseListView(db, actor, self.runner, self.prefs, self.vocabulary,
                                      self.office)
        self.case_list.open_case.connect(self.open_case)
        self.case_list.delete_requested.connect(self.delete_case)
        self.case_list.counts_changed.connect(self._show_counts)
        # The lists first: the views that show them read them when they refresh.
        self.data_changed.connect(self._settings_changed)
        self.data_changed.connect(self.case_list.refresh_for)
        self.data_changed.connect(self._offer_tracker)
        self.tabs = QTabWidget()
        self.tabs.setDocumentMode(True)
        self.tabs.addTab(self.case_list, "Sổ vụ việc")
        self._screens: dict[str, LazyScreen] = {}
        self._add_screen("dashboard", "Tổng quan")
        self._add_screen("documents", "Sổ văn bản")
        if actor.can(Permission.REPORT):
            self._add_screen("reports", "Báo cáo")
            if submission_tracker.has_registered_units(db, actor):  # a province
                self._add_screen("units", UNITS_TAB)
        if actor.can(Permission.MANAGE_SETTINGS):
            self._add_screen("admin", "Quản trị")
        self.setCentralWidget(self.tabs)

        self.counts = QLabel()
        self.statusBar().addWidget(self.counts, 1)
        self.progress = ProgressPanel()
        self.statusBar().addPermanentWidget(self.progress)
        signed_in = QLabel(f"{actor.full_name} · {ROLE_LABELS[actor.role]}")
        signed_in.setContentsMargins(0, 0, 8, 0)  # maximised, no size grip keeps it off the edge
        self.statusBar().addPermanentWidget(signed_in)
        self.reminder = QLabel()
        self.reminder.setWordWrap(True)
        self.reminder.setStyleSheet("color: #8a5300;")
        self.statusBar().addWidget(self.reminder, 2)
        self.backups = BackupActions(self, db, actor, self.runner, self.run_long,
                                     self._show_reminder, self.office)
        self.backups.restored_data.connect(self.after_restore)
        self._build_actions()

        self.idle = IdleWatcher(self.office.idle_lock_minutes, self)
        self.idle.idle.connect(self.lock)
        app = QApplication.instance()
        if app is not None:
            app.installEventFilter(self.idle)
        evidence.discard_view_copies(db)  # left by a crash or a viewer that kept one open
        geometry = self.prefs.bytes("geometry/main")
        if geometry is None or not self.restoreGeometry(geometry):
            self.resize(1280, 680)  # with its frame, above the taskbar of a 768-pixel screen
        self.case_list.refresh()

    # Screens ------------------------------------------------------------------

    def _add_screen(self, key: str, title: str, before: str | None = None) -> None:
        self._screens[key] = LazyScreen(key)
        self._screens[key].needed.connect(self.tab_screen)
        if before in self._screens:
            self.tabs.insertTab(self.tabs.indexOf(self._screens[before]), self._screens[key],
                                title)
        else:
            self.tabs.addTab(self._screens[key], title)

    def _offer_tracker(self, change: DataChange) -> None:
        """The first unit registered here: this office receives reports, its tab appears."""
        if (change.concerns(DataKind.OFFICE) and "units" not in self._screens
                and self.actor.can(Permission.REPORT)
                and submission_tracker.has_registered_units(self.db, self.actor)):
            self._add_screen("units", UNITS_TAB, before="admin")

    def tab_screen(self, key: str) -> QWidget:
        """The screen of tab `key` ("dashboard", "documents", "reports", "units", "admin"),
        built if need be."""
        tab = self._screens[key]
        if tab.content is None:
            build = {"dashboard": self._build_dashboard, "documents": self._build_documents,
                     "reports": self._build_reports, "units": self._build_tracker,
                     "admin": self._build_admin}[key]
            tab.set_content(build())
        assert tab.content is not None
        return tab.content

    def show_screen(self, key: str) -> QWidget:
        self.tabs.setCurrentWidget(self._screens[key])
        return self.tab_screen(key)

    @property
    def dashboard(self) -> DashboardView:
        from app.ui.dashboard import DashboardView

        view = self.tab_screen("dashboard")
        assert isinstance(view, DashboardView)
        return view

    def _build_dashboard(self) -> QWidget:
        from app.ui.dashboard import DashboardView

        view = DashboardView(self.db, self.runner)
        view.show_cases.connect(self.show_cases)
        view.show_overdue_replies.connect(self.show_overdue_replies)
        self.data_changed.connect(view.refresh_for)
        return view

    def _build_documents(self) -> QWidget:
        from app.ui.documents_view import DocumentsView

        view = DocumentsView(self.db, self.actor, self.runner, self.prefs,
                             self.data_changed.emit)
        view.open_case.connect(self.open_case)
        self.data_changed.connect(view.refresh_for)
        return view

    def show_overdue_replies(self) -> None:
        from app.ui.documents_view import DocumentsView

        view = self.show_screen("documents")
        assert isinstance(view, DocumentsView)
        view.show_overdue()

    def _build_reports(self) -> QWidget:
        from app.ui.report.screen import ReportScreen

        screen = ReportScreen(self.db, self.actor, self.runner, self.prefs)
        self.data_changed.connect(screen.refresh_for)
        return screen

    def _build_tracker(self) -> QWidget:
        from app.ui.report.tracker import TrackerScreen

        screen = TrackerScreen(self.db, self.actor, self.runner)
        self.data_changed.connect(screen.refresh_for)
        return screen

    def _build_admin(self) -> QWidget:
        from app.ui.admin import AdminScreen

        screen = AdminScreen(self.db, self.actor, self.runner, self.data_changed.emit)
        self.data_changed.connect(screen.refresh_for)
        return screen

    # Menus and toolbar ------------------------------------------------------

    def _action(self, text: str, slot: Callable[[], object],
                shortcut: QKeySequence | QKeySequence.StandardKey | str | None = None,
                permission: Permission | None = None, tip: str = "",
                icon: QStyle.StandardPixmap | None = None) -> QAction:
        action = QAction(text, self)
        if icon is not None:
            action.setIcon(self.style().standardIcon(icon))
        if shortcut is not None:
            action.setShortcut(QKeySequence(shortcut))
        action.triggered.connect(slot)
        if tip:
            action.setStatusTip(tip)
        if permission is not None and not self.actor.can(permission):
            action.setEnabled(False)
            action.setToolTip("Bạn không có quyền này.")
        return action

    def _build_actions(self) -> None:
        # Enter and Del belong to the table (CaseListView); the menu only shows them.
        pixmap = QStyle.StandardPixmap
        self.new_action = self._action("Vụ việc &mới…", self.new_case, QKeySequence.StandardKey.New,
                                       Permission.EDIT_CASES, icon=pixmap.SP_FileIcon)
        self.open_action = self._action("&Mở vụ việc", self._open_selected, "Return",
                                        icon=pixmap.SP_FileDialogContentsView)
        self.open_action.setShortcutContext(Qt.ShortcutContext.WidgetShortcut)
        self.delete_action = self._action("&Xóa vụ việc…", self._delete_selected,
                                          QKeySequence.StandardKey.Delete,
                                          Permission.DELETE_CASES, icon=pixmap.SP_TrashIcon)
        self.delete_action.setShortcutContext(Qt.ShortcutContext.WidgetShortcut)
        self.restore_action = self._action("&Khôi phục vụ việc đã xóa", self._restore_selected,
                                           permission=Permission.DELETE_CASES)
        self.refresh_action = self._action("&Làm mới", self.refresh_everything,
                                           QKeySequence.StandardKey.Refresh,
                                           icon=pixmap.SP_BrowserReload)
        self.find_action = self._action("&Tìm kiếm", self._find, QKeySequence.StandardKey.Find)
        switch = self._action("Đổi &người dùng…", self.switch_user_requested.emit)
        lock = self._action("&Khóa màn hình", self.lock, "Ctrl+L")
        server = self._action("&Kết nối máy chủ…", self._server_connection,
                              tip="Dữ liệu chung trên máy chủ cơ sở dữ liệu của đơn vị")
        quit_action = self._action("&Thoát", self.close, QKeySequence.StandardKey.Quit)
        about = self._action("&Giới thiệu", self._about)
        self.guide_action = self._action("&Hướng dẫn sử dụng", self.show_guide,
                                         QKeySequence.StandardKey.HelpContents)
        self.backup_action = self._action("&Sao lưu…", self.backups.backup_to_file,
                                          permission=Permission.BACKUP,
                                          tip="Ghi toàn bộ dữ liệu ra một tệp mã hóa (USB, ổ "
                                              "đĩa khác)")
        self.restore_data_action = self._action("&Khôi phục từ bản sao lưu…",
                                                self._restore_data,
                                                permission=Permission.RESTORE)
        self.import_action = self._action("&Nhập từ Excel…", self._import, "Ctrl+I",
                                          Permission.IMPORT, icon=pixmap.SP_ArrowDown)
        self.export_all_action = self._action("Xuất &toàn bộ vụ việc…", self._export_all,
                                              permission=Permission.EXPORT_FULL)
        self.export_view_action = self._action(
            "&Xuất danh sách đang xem ra Excel…", self._export_view, "Ctrl+E", Permission.REPORT,
            "Ghi các vụ việc đang hiển thị (theo bộ lọc, thứ tự, cột) ra tệp Excel",
            pixmap.SP_DialogSaveButton)
        self.print_view_action = self._action("&In danh sách đang xem…", self._print_view,
                                              QKeySequence.StandardKey.Print, Permission.REPORT,
                                              icon=pixmap.SP_FileDialogDetailedView)
        self.transfer_out_action = self._action(
            "&Chuyển vụ việc sang đơn vị khác…", self.transfer_cases,
            tip="Gói ký số, mã hóa chỉ đơn vị nhận mở được, kèm biện pháp và chứng cứ")
        self.transfer_in_action = self._action("&Nhận vụ việc chuyển đến…", self.receive_cases)
        if not unit_keys.opens_own_keys(self.db, self.actor):  # an administrator's session
            for action, doing in ((self.transfer_out_action, "chuyển vụ việc"),
                                  (self.transfer_in_action, "nhận vụ việc chuyển đến")):
                action.setEnabled(False)
                action.setToolTip(TRANSFER_KEY_HELD_BY_ADMIN.format(doing=doing))

        menu = self.menuBar()
        file_menu = menu.addMenu("&Tệp")
        self.file_menu = file_menu
        file_menu.addAction(self.import_action)
        file_menu.addAction(self.export_all_action)
        file_menu.addSeparator()
        file_menu.addAction(self.export_view_action)
        file_menu.addAction(self.print_view_action)
        file_menu.addSeparator()
        file_menu.addAction(self.backup_action)
        file_menu.addAction(self.restore_data_action)
        file_menu.addAction(server)
        file_menu.addSeparator()
        file_menu.addAction(lock)
        file_menu.addAction(switch)
        file_menu.addAction(quit_action)
        case_menu = menu.addMenu("&Vụ việc")
        self.case_menu = case_menu
        for action in (self.new_action, self.open_action, self.delete_action,
                       self.restore_action):
            case_menu.addAction(action)
        case_menu.addSeparator()
        case_menu.addAction(self.transfer_out_action)
        case_menu.addAction(self.transfer_in_action)
        case_menu.addSeparator()
        case_menu.addAction(self.find_action)
        case_menu.addAction(self.refresh_action)
        case_menu.setToolTipsVisible(True)  # why a transfer is disabled
        self.case_list.table.row_actions = [self.open_action, self.delete_action,
                                            self.transfer_out_action]
        help_menu = menu.addMenu("Trợ &giúp")
        help_menu.addAction(self.guide_action)
        help_menu.addAction(about)

        toolbar = self.addToolBar("Thao tác")
        toolbar.setObjectName("toolbar")
        toolbar.setMovable(False)
        toolbar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        self.toolbar = toolbar
        for action in (self.new_action, self.open_action, self.delete_action, self.refresh_action,
                       self.export_view_action, self.print_view_action):
            toolbar.addAction(action)

    # Case actions -------------------------------------------------------------

    def show_cases(self, query: CaseQuery) -> None:
        self.tabs.setCurrentWidget(self.case_list)
        self.case_list.apply_query(query)

    def _find(self) -> None:
        self.tabs.setCurrentWidget(self.case_list)
        self.case_list.focus_search()

    def _open_selected(self) -> None:
        case_id = self.case_list.selected_case_id()
        if case_id is not None:
            self.open_case(case_id)

    def open_case(self, case_id: int) -> None:
        db, actor = self.db, self.actor

        def load(_p: Progress, _t: CancelToken) -> CaseDetail:
            return cases.get_case(db, actor, case_id)

        self.runner.start(load, on_success=self._show_case, on_failure=self.show_error)

    def _show_case(self, detail: CaseDetail | None) -> None:
        from app.ui.case_editor import CaseEditor  # loaded with the first case opened

        editor = CaseEditor(self.db, self.actor, self.runner, self.vocabulary, self.office,
                            self.prefs, detail, self)
        editor.saved.connect(lambda saved: self.data_changed.emit(DataChange.cases([saved.id])))
        editor.open_case_requested.connect(self.open_case)
        editor.exec()
        editor.deleteLater()  # a day of opened cases would otherwise stay in memory

    def new_case(self) -> None:
        self._show_case(None)

    def _delete_selected(self) -> None:
        case_id = self.case_list.selected_case_id()
        if case_id is not None:
            self.delete_case(case_id)

    def delete_case(self, case_id: int) -> None:
        if not self.actor.can(Permission.DELETE_CASES):
            self.show_error("Bạn không có quyền xóa vụ việc.")
            return
        dialog = DeleteCaseDialog(self.db, self.actor, self.runner, case_id, self)
        if dialog.exec() == QDialog.DialogCode.Accepted:
            self.data_changed.emit(DataChange.cases([case_id]))

    def _restore_selected(self) -> None:
        case_id = self.case_list.selected_case_id()
        if case_id is not None:
            self.run_change(case_id, lambda: cases.restore_case(self.db, self.actor, case_id),
                            PendingChange(case_id, deleted=False))

    def run_change(self, case_id: int, change: Callable[[], object],
                   pending: PendingChange | None = None) -> None:
        """Run a change of case `case_id` off the UI thread; on success the views showing
        cases refresh. `pending` says what it alters, for the warning when it alters a
        frozen report."""
        if pending is not None:
            save_checked(self.runner, self, self.db, self.actor, pending,
                         lambda: self.run_change(case_id, change), self.show_error)
            return

        def task(_p: Progress, _t: CancelToken) -> object:
            return change()

        self.runner.start(task, on_success=lambda _r: self.data_changed.emit(
            DataChange.cases([case_id])), on_failure=self.show_error)

    def refresh_everything(self) -> None:
        """«Làm mới»: every view reloads all it shows."""
        self.data_changed.emit(DataChange.everything())

    def run_long(self, title: str, task: TaskFunction,
                 on_success: Callable[[Any], None]) -> None:
        """A long task with progress and a cancel button in the status bar."""
        token = self.runner.start(task, on_success=on_success, on_failure=self.show_error,
                                  on_progress=self.progress.show_progress,
                                  on_finished=self.progress.end)
        self.progress.begin(title, token)

    def _import(self) -> None:
        # The spreadsheet libraries load with the first import, not with the window.
        from app.ui.import_dialog import ImportDialog

        dialog = ImportDialog(self.db, self.actor, self)
        # Many cases, their ids not passed back: every case view reloads all its rows.
        dialog.imported.connect(lambda _count: self.data_changed.emit(DataChange.cases()))
        dialog.exec()

    def _export_all(self) -> None:
        from app.ui.export_dialog import ExportDialog

        ExportDialog(self.db, self.actor, self).exec()

    def _export_view(self) -> None:
        path, _ = QFileDialog.getSaveFileName(self, "Xuất danh sách đang xem",
                                              "danh-sach-vu-viec.xlsx", "Excel (*.xlsx)")
        if path:
            self.export_view(Path(path))

    def export_view(self, path: Path) -> None:
        db, actor = self.db, self.actor
        ids, columns = self.case_list.model.ids(), self.case_list.visible_columns()

        def task(progress: Progress, token: CancelToken) -> int:
            return list_export.export_case_list(db, actor, path, ids, columns,
                                                progress=progress, token=token)

        self.run_long("Đang xuất Excel", task, lambda count: self.statusBar().showMessage(
            f"Đã xuất {format_number(count)} vụ việc ra {path.name}.", 8000))

    def transfer_cases(self) -> None:
        """«Chuyển vụ việc sang đơn vị khác…», the cases selected in the list filled in."""
        from app.ui.transfer_dialog import TransferOutDialog

        dialog = TransferOutDialog(self.db, self.actor, self.case_list.selected_case_ids(), self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.open()

    def receive_cases(self) -> None:
        """«Nhận vụ việc chuyển đến…»: the package the user picks, received at once."""
        from app.ui.transfer_dialog import TransferInDialog

        dialog = TransferInDialog(self.db, self.actor, self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        # Cases added or updated, their ids not passed back: the case views reload all.
        dialog.received.connect(lambda _received: self.data_changed.emit(DataChange.cases()))
        dialog.open()
        if not dialog.choose_source():
            dialog.close()

    def _print_view(self) -> None:
        from app.ui.list_print import ListPrintDialog

        ListPrintDialog(self.db, self.actor, self.case_list.model.ids(),
                        self.case_list.visible_columns(), self).exec()

    def show_error(self, message: str) -> None:
        QMessageBox.warning(self, "Không thực hiện được", message)

    def _show_counts(self, shown: int, total: int) -> None:
        self.counts.setText(f"Đang hiển thị {format_number(shown)} / "
                            f"{format_number(total)} vụ việc")

    # Session ------------------------------------------------------------------

    def _switch_user(self) -> None:
        self.switching_user = True
        self.close()

    def _server_connection(self) -> None:
        """A new connection is this PC's setting at once; the register it names opens after
        signing out, now or at the next start."""
        from app.ui.server_dialog import ServerDialog

        dialog = ServerDialog(self.runner, self.db.paths, self)
        if dialog.exec() != ServerDialog.DialogCode.Accepted:
            return
        answer = QMessageBox.question(
            self, "Kết nối máy chủ",
            "Đã lưu kết nối. Đăng xuất ngay để mở dữ liệu theo kết nối mới? (Nếu không, "
            "kết nối mới được dùng từ lần mở chương trình sau.)")
        if answer == QMessageBox.StandardButton.Yes:
            self.reconnecting = True
            self.switch_user_requested.emit()

    def lock(self) -> None:
        """Take every window of the program off the screen (editors, dialogs, previews),
        remove the viewer copies and ask for the password again; the windows then come back
        as they were. Only «Đăng xuất…» signs out, after a question about unsaved work."""
        if self.lock_dialog is not None:
            return  # already locked: the idle time may run out again behind the dialog
        self.idle.reset()
        windows = take_off_screen()
        db = self.db

        def discard(_p: Progress, _t: CancelToken) -> None:
            evidence.discard_view_copies(db)

        self.runner.start(discard)
        # Without a parent: its own window while the main one is off the screen.
        dialog = LoginDialog(self.runner, db=db, unit_name=self.office.unit_name,
                             locked_user=self.actor.username)
        self.lock_dialog = dialog
        try:
            while dialog.exec() != LoginDialog.DialogCode.Accepted:
                if self._sign_out_confirmed(dialog, windows):
                    for window in reversed(windows):
                        _close_quietly(window)
                    self.switch_user_requested.emit()
                    return
        finally:
            self.lock_dialog = None
            dialog.deleteLater()
        put_back(windows)
        self.idle.reset()

    def _sign_out_confirmed(self, dialog: QWidget, windows: list[QWidget]) -> bool:
        unsaved = [w.windowTitle() for w in windows if _has_unsaved_changes(w)]
        question = ("Đăng xuất khỏi chương trình? Các cửa sổ đang mở sẽ được đóng." if not unsaved
                    else "Các vụ việc sau đang mở và có thay đổi chưa lưu: "
                    + "; ".join(unsaved) + ".\n\nĐăng xuất sẽ bỏ các thay đổi này. Nếu cần giữ, "
                    "hãy mở khóa rồi lưu. Vẫn đăng xuất?")
        return QMessageBox.question(
            dialog, "Đăng xuất", question,
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
            QMessageBox.StandardButton.No) == QMessageBox.StandardButton.Yes

    def _about(self) -> None:
        AboutDialog(self.prefs, self).exec()

    def show_guide(self) -> None:
        """The guide beside the window, one at a time: F1 again brings it to the front."""
        if self.guide is None:
            # Built when first asked for: it reads the settings' names from the admin forms.
            from app.ui.help import GuideWindow

            self.guide = GuideWindow(self.db.paths, self.prefs, self)
        self.guide.show()
        self.guide.raise_()
        self.guide.activateWindow()

    def _show_reminder(self, text: str | None) -> None:
        self.reminder.setText(text or "")
        self.reminder.setVisible(bool(text))

    def _restore_data(self) -> None:
        self.backups.restore_from_file()

    def after_restore(self) -> None:
        """The data was replaced: everyone signs in again on the restored data."""
        self.switching_user = True
        self.close()

    def closeEvent(self, event: QCloseEvent) -> None:
        # A backup of the day's work before closing, without freezing the window.
        waiting = QEventLoop()
        if self.backups.backup_if_changed(then=waiting.quit):
            self.statusBar().showMessage("Đang tự động sao lưu trước khi đóng…")
            self.setEnabled(False)
            waiting.exec()
        self.prefs.set_bytes("geometry/main", self.saveGeometry())
        self.prefs.sync()
        evidence.discard_view_copies(self.db)
        self.runner.wait()
        app = QApplication.instance()
        if app is not None:
            app.removeEventFilter(self.idle)
        super().closeEvent(event)

    def _settings_changed(self, change: DataChange) -> None:
        """Office details or code lists were edited: the window and the register use the
        new ones, as does every case editor opened from now on."""
        if not change.concerns(DataKind.OFFICE, DataKind.VOCABULARY):
            return
        if change.concerns(DataKind.VOCABULARY):
            self.vocabulary = vocabulary.load(self.db)
        if change.concerns(DataKind.OFFICE):
            self.office = settings.load_office(self.db)
            self.idle.set_minutes(self.office.idle_lock_minutes)
            self.backups.apply_settings(self.office)
        self.case_list.set_lists(self.vocabulary, self.office)


def _has_unsaved_changes(window: QWidget) -> bool:
    # A case editor (not imported here: it loads with the first case opened).
    check = getattr(window, "has_unsaved_changes", None)
    return bool(check()) if callable(check) else False


def _close_quietly(window: QWidget) -> None:
    """Signing out from the lock: a dialog ends without its questions (its exec() returns
    once the lock's own loop has), the main window is closed by the sign-out itself."""
    if isinstance(window, QDialog):
        window.done(QDialog.DialogCode.Rejected.value)
    elif not isinstance(window, MainWindow):
        window.close()
