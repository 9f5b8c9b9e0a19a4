"""Save a PNG of each screen and dialog, on a demo data folder.

The pictures of the README (docs/screenshots): under a real window manager on a 1366×768
screen, the whole screen with the window maximized on each of its screens, then with each
dialog open over it, so that frames and anything off-screen show:

    xvfb-run -a -s "-screen 0 1366x768x24" bash -c \
        "openbox & sleep 1; QT_QPA_PLATFORM=xcb PYTHONPATH=. python scripts/screenshots.py --wm"

Without --wm, offscreen (no display needed): the window at 1366×768 and 1920×1080 and
the case editor's sections, in screens-out/.

    python scripts/screenshots.py [--wm] [--data-dir demo-data] [--out DIR]

Creates the demo folder (3,000 cases) if it does not exist yet. With --wm, also a
province's folder beside it (`…-tinh`, made again each time, with the folders of its
communes) for «Tổng hợp đơn vị», and that province's consolidated report of October 2026
in its `tong-hop/` (render its PDF with pdftoppm, its workbook through LibreOffice).
"""

from __future__ import annotations

import argparse
import os
import time
from collections.abc import Callable
from datetime import date, datetime, timedelta
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtWidgets import QApplication, QWidget

from app.domain.periods import Period
from app.paths import DataPaths
from app.services import accounts, cases, demo, evidence, setup
from app.services.actor import Actor
from app.services.records import CaseDetail
from app.ui.case_editor import CaseEditor
from app.ui.case_editor.event_dialog import EventDialog
from app.ui.main_window import MainWindow
from app.ui.tasks import TaskRunner
from app.ui.translations import use_vietnamese

USER, PASSWORD = "admin", "demo-sen-hong-2026"
SIZES = ((1366, 768), (1920, 1080))


def _settle(app: QApplication, window: MainWindow) -> None:
    for _ in range(30):
        app.processEvents()
    window.runner.wait()
    for _ in range(30):
        app.processEvents()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--data-dir", default="demo-data")
    parser.add_argument("--out", help="docs/screenshots with --wm, else screens-out")
    parser.add_argument("--wm", action="store_true",
                        help="the whole screen, under a window manager (see above)")
    parser.add_argument("--only", nargs="+", metavar="NAME",
                        help="with --wm, only these pictures (file names without the size)")
    args = parser.parse_args()
    paths = DataPaths(Path(args.data_dir).resolve())
    if not paths.database.exists():
        db = setup.init_data_folder(paths, USER, PASSWORD, "Quản trị viên (mẫu)")
        demo.add_demo_cases(db, accounts.authenticate(db, USER, PASSWORD), 3000)
        db.dispose()
    from app.db import open_database

    db = open_database(paths)
    actor = accounts.authenticate(db, USER, PASSWORD)
    app = QApplication.instance() or QApplication([])
    assert isinstance(app, QApplication)
    use_vietnamese()
    out = Path(args.out or ("docs/screenshots" if args.wm else "screens-out"))
    out.mkdir(parents=True, exist_ok=True)
    window = MainWindow(db, actor)
    if args.wm:
        _whole_screen_shots(app, window, out, set(args.only or ()))
        window.close()
        db.dispose()
        if not args.only or PROVINCE_SHOT in args.only:
            _province_shots(app, paths.root, out)
        return
    for width, height in SIZES:
        window.resize(width, height)
        window.show()
        for index, name in enumerate(_tab_names(window)):
            window.tabs.setCurrentIndex(index)
            _settle(app, window)
            window.grab().save(str(out / f"{name}-{width}x{height}.png"))
    child_case = _editor_shots(app, window, out)
    _privacy_shots(app, window, child_case, out)
    window.close()
    db.dispose()


EDITOR_TABS = ("chung", "doi-tuong", "tre-em", "xuc-pham", "xu-ly", "chung-cu")
EDITOR_SIZE = (1000, 800)


def _editor_shots(app: QApplication, window: MainWindow, out: Path) -> int:
    """Each section of the editor: a case with children and several events (evidence
    added if it has none), and the defamation section on a defamation case; the child
    case's id."""
    from sqlalchemy import func, select

    from app.models import Case, DefamedParty, Event

    with window.db.read() as session:
        busiest = (select(Case.id).join(Event).group_by(Case.id)
                   .order_by(func.count(Event.id).desc(), Case.id).limit(1))
        child_case = session.execute(busiest.where(Case.has_children.is_(True))).scalar_one()
        defamation_case = session.execute(busiest.where(
            Case.group_code == "DD", Case.id.in_(select(DefamedParty.case_id).where(
                DefamedParty.complaint_received.is_(True),
                DefamedParty.complaint_date.is_not(None))))).scalar_one()
    _add_demo_evidence(window, child_case, out)
    for case_id, names in ((child_case, [n for n in EDITOR_TABS if n != "xuc-pham"]),
                           (defamation_case, ["xuc-pham"])):
        editor = CaseEditor(window.db, window.actor, window.runner, window.vocabulary,
                            window.office, window.prefs,
                            cases.get_case(window.db, window.actor, case_id), window)
        editor.resize(*EDITOR_SIZE)
        editor.show()
        editor.evidence.files.setCurrentRow(0)  # its name, size and SHA-256 under the list
        for name in names:
            editor.tabs.setCurrentIndex(EDITOR_TABS.index(name))
            _settle(app, window)
            editor.grab().save(str(out / f"vu-viec-{name}.png"))
        editor.close()
    return child_case


VIEWER, VIEWER_PASSWORD = "xem", "xem-demo-2026"


def _privacy_shots(app: QApplication, window: MainWindow, child_case: int, out: Path) -> None:
    """The child case as the Xem role sees it, and the rows read again before freezing."""
    from app.domain.report_forms import children_rows
    from app.ui.report.children_review import ChildrenRowsReview
    from app.ui.report.screen import ReportScreen

    viewer = _viewer(window)
    editor = CaseEditor(window.db, viewer, window.runner, window.vocabulary, window.office,
                        window.prefs, cases.get_case(window.db, viewer, child_case), window)
    editor.resize(*EDITOR_SIZE)
    editor.show()
    for name in ("chung", "tre-em", "chung-cu"):
        editor.tabs.setCurrentIndex(EDITOR_TABS.index(name))
        _settle(app, window)
        editor.grab().save(str(out / f"xem-vu-viec-{name}.png"))
    editor.close()
    screen = window.show_screen("reports")
    assert isinstance(screen, ReportScreen)
    _settle(app, window)
    figures = screen.figures()
    assert figures is not None
    review = ChildrenRowsReview(children_rows(figures), None, window)
    review.show()
    _settle(app, window)
    review.grab().save(str(out / "doc-lai-truoc-khi-chot.png"))
    review.close()


def _viewer(window: MainWindow) -> Actor:
    """The demo folder's account of the Xem role, made once. Signing it in on the window's
    database lets go of the administrators' key, which the window's own account holds
    again after (one account per database, as in the program)."""
    from app.domain.labels import Role
    from app.errors import UserError

    try:
        viewer = accounts.authenticate(window.db, VIEWER, VIEWER_PASSWORD)
    except UserError:
        accounts.create_user(window.db, window.actor, username=VIEWER, full_name="Người xem",
                             role=Role.VIEWER, password=VIEWER_PASSWORD)
        viewer = accounts.authenticate(window.db, VIEWER, VIEWER_PASSWORD)
    accounts.authenticate(window.db, USER, PASSWORD)
    return viewer


def _add_demo_evidence(window: MainWindow, case_id: int, out: Path) -> None:
    """Two screenshots and a scanned record as the case's evidence, once per demo folder."""
    from PySide6.QtCore import QRectF, Qt
    from PySide6.QtGui import QColor, QImage, QPainter, QPdfWriter

    if evidence.list_evidence(window.db, window.actor, case_id):
        return
    folder = out / ".chung-cu-mau"
    folder.mkdir(exist_ok=True)
    files = []
    for index, colour in enumerate(("#3b5998", "#d1453b")):
        image = QImage(720, 1280, QImage.Format.Format_RGB32)
        image.fill(QColor("#f0f2f5"))
        painter = QPainter(image)
        painter.fillRect(0, 0, 720, 120, QColor(colour))
        for row in range(8):
            painter.fillRect(40, 180 + row * 130, 640, 100, QColor("#ffffff"))
            painter.drawText(QRectF(60, 200 + row * 130, 600, 60), Qt.AlignmentFlag.AlignLeft,
                             f"Bình luận {row + 1}")
        painter.end()
        files.append(folder / f"chup-man-hinh-{index + 1}.png")
        image.save(str(files[-1]))
    files.append(folder / "bien-ban-lam-viec.pdf")
    writer = QPdfWriter(str(files[-1]))
    painter = QPainter(writer)
    painter.drawText(400, 400, "BIÊN BẢN LÀM VIỆC")
    painter.end()
    for path in files:
        evidence.add_evidence(window.db, window.actor, case_id, path)
        path.unlink()
    folder.rmdir()


def _screen_shot(app: QApplication, window: MainWindow, out: Path, name: str) -> None:
    _settle(app, window)
    for _ in range(25):  # the window manager maps and places a window in its own time
        time.sleep(0.02)
        app.processEvents()
    screen = app.primaryScreen()
    size = screen.size()
    screen.grabWindow(0).save(str(out / f"{name}-{size.width()}x{size.height()}.png"))


def _whole_screen_shots(app: QApplication, window: MainWindow, out: Path,
                        only: set[str]) -> None:
    """The window maximized on each of its screens (each of Quản trị's), then each dialog
    over it; only those named in `only`, when given."""

    def shoot(name: str) -> None:
        if not only or name in only:
            _screen_shot(app, window, out, name)

    from app.ui.admin import AdminScreen

    # Made first, for the screens to show them: the Xem account, a frozen month.
    _viewer(window)
    _frozen_month(window)
    _demo_register(window)
    window.showMaximized()
    for index, name in enumerate(_tab_names(window)):
        window.tabs.setCurrentIndex(index)
        shoot(name)
    admin = window.show_screen("admin")
    assert isinstance(admin, AdminScreen)
    for index in range(1, admin.count()):
        admin.setCurrentIndex(index)
        shoot(f"quan-tri-{slug(admin.tabText(index))}")
    admin.setCurrentIndex(0)
    window.show_screen("reports")
    _settle(app, window)  # its figures, which a dialog shows
    for name, make in _dialogs(window, out):
        if only and not any(shot.startswith(name) for shot in only):
            continue
        dialog = make()
        if name in BEFORE_THE_WINDOW:
            window.hide()
        dialog.show()
        if isinstance(dialog, CaseEditor):
            for index in range(dialog.tabs.count()):
                section = slug(dialog.tabs.tabText(index))
                if section in EDITOR_SECTIONS.get(name, (section,)):
                    dialog.tabs.setCurrentIndex(index)
                    shoot(f"{name}-{section}")
        else:
            shoot(name)
        dialog.hide()
        dialog.deleteLater()
        window.showMaximized()


# The sections of the editor shown, where not all: a new case's first, and what the Xem
# role sees of a case with children.
EDITOR_SECTIONS = {"vu-viec-moi": ("thong-tin-chung",),
                   "xem-vu-viec": ("thong-tin-chung", "tre-em", "chung-cu"),
                   "thoi-han-dang-chay": ("qua-trinh-xu-ly",)}
# Shown without the window: before it opens, or while the lock hides it.
BEFORE_THE_WINDOW = ("dang-nhap", "bat-dau-su-dung",
                     "khoa-man-hinh")


def slug(text: str) -> str:
    """`Thông tin chung` as `thong-tin-chung`, for a file's name."""
    import re

    from app.text import fold

    return re.sub(r"[^a-z0-9]+", "-", fold(text).lower()).strip("-")


def _dialogs(window: MainWindow, out: Path) -> list[tuple[str, Callable[[], QWidget]]]:
    """Each dialog of the program as the window opens it, on the demo folder's data."""
    from app.domain.documents import DocumentKind
    from app.domain.events import EventInput
    from app.domain.labels import Role
    from app.domain.report_forms import children_rows
    from app.services import documents, legal_basis, report_register
    from app.services.case_list import LIST_COLUMNS
    from app.services.report_register import CaseBreach, SanctionPathBreaches
    from app.ui.about import AboutDialog
    from app.ui.admin.legal_dialogs import (
        EndDialog,
        InstrumentDialog,
        LimitDialog,
        ProvisionDialog,
    )
    from app.ui.admin.users_view import NewPasswordDialog, NewUserDialog
    from app.ui.case_editor.children import ChildDialog
    from app.ui.case_editor.decision_dialog import DecisionDialog
    from app.ui.case_editor.print_dialog import PrintDialog
    from app.ui.delete_dialog import DeleteCaseDialog
    from app.ui.documents_view import ReceivedDialog, SentDialog
    from app.ui.draft_dialog import DraftDialog
    from app.ui.export_dialog import ExportDialog
    from app.ui.first_run import FirstRunDialog, RecoveryKeyDialog
    from app.ui.help import GuideWindow
    from app.ui.import_dialog import ImportDialog
    from app.ui.list_print import ListPrintDialog
    from app.ui.login import LoginDialog
    from app.ui.report.actions import BreachesDialog
    from app.ui.report.children_review import ChildrenRowsReview
    from app.ui.report.frozen_warning import FrozenChangeWarning
    from app.ui.report.screen import ReportScreen
    from app.ui.transfer_dialog import TransferOutDialog

    db, actor, runner = window.db, window.actor, window.runner
    child_id, fined_id = _sample_cases(window)
    child = cases.get_case(db, actor, child_id)
    fined = cases.get_case(db, actor, fined_id)
    frozen = _frozen_month(window)
    breaches = SanctionPathBreaches(frozen or Period.month_of(date.today()), [CaseBreach(
        fined.code, ("Chưa xác định được đối tượng nhưng đã có quyết định xử phạt.",))])
    decision = next(e for e in fined.events if e.kind == "XP")
    act = fined.data.act_date
    assert act is not None
    provisions = legal_basis.proposals(db, act.day, fined.data.group_code)
    catalog = legal_basis.catalog(db)
    reports = window.tab_screen("reports")
    assert isinstance(reports, ReportScreen)
    figures = reports.figures()
    assert figures is not None
    altered = report_register.frozen_reports_altered(db, actor, report_register.PendingChange(
        _detected_in(window, frozen), added=EventInput("GB", frozen.end))) if frozen else []

    viewer = _viewer(window)
    _add_demo_evidence(window, child_id, out)

    def editor(detail: CaseDetail | None = None, user: Actor = actor) -> CaseEditor:
        return CaseEditor(db, user, runner, window.vocabulary, window.office, window.prefs,
                          detail, window)

    made: list[tuple[str, Callable[[], QWidget]]] = [
        ("vu-viec-moi", editor),
        ("vu-viec", lambda: editor(child)),
        ("xem-vu-viec", lambda: editor(cases.get_case(db, viewer, child_id), viewer)),
        ("thoi-han-dang-chay",
         lambda: editor(cases.get_case(db, actor, _running_clocks_case(window)))),
        ("bien-phap-xu-ly", lambda: EventDialog(window.vocabulary, provisions, act,
                                                default_day=date.today(), parent=window,
                                                offer_draft=True)),
        ("ghi-va-soan-van-ban", lambda: _invitation_event(EventDialog(
            window.vocabulary, provisions, act, default_day=date.today(), parent=window,
            offer_draft=True))),
        ("soan-van-ban", lambda: DraftDialog(db, actor, runner, window.prefs, [fined.code],
                                             event_id=decision.id, kind=DocumentKind.DECISION,
                                             parent=window)),
        ("quyet-dinh-xu-phat", lambda: EventDialog(window.vocabulary, provisions, act,
                                                   event=decision, parent=window)),
        ("thi-hanh-quyet-dinh", lambda: DecisionDialog(decision, parent=window)),
        ("tre-em", lambda: ChildDialog(child.data.children[0], child.data.act_date, window)),
        ("in-phieu", lambda: PrintDialog(db, actor, child, unsaved=False, parent=window)),
        ("in-danh-sach", lambda: ListPrintDialog(db, actor, window.case_list.model.ids(),
                                                 LIST_COLUMNS, window)),
        ("nhap-tu-excel", lambda: ImportDialog(db, actor, window)),
        ("xuat-toan-bo", lambda: ExportDialog(db, actor, window)),
        ("chuyen-vu-viec", lambda: TransferOutDialog(db, actor, [fined.id, child.id],
                                                     _registered_unit(window))),
        ("doc-lai-truoc-khi-chot",
         lambda: ChildrenRowsReview(children_rows(figures), window.prefs, window)),
        ("huong-dan", lambda: GuideWindow(db.paths, window.prefs, window)),
        ("gioi-thieu", lambda: AboutDialog(window.prefs, window)),
        ("khoa-man-hinh", lambda: LoginDialog(runner, db=db, unit_name=window.office.unit_name,
                                              locked_user=actor.username, parent=window)),
        ("dang-nhap", lambda: LoginDialog(runner, db=db, unit_name=window.office.unit_name)),
        ("bat-dau-su-dung", lambda: FirstRunDialog(runner, DataPaths(db.paths.root / "moi"))),
        ("ket-noi-may-chu", lambda: _server_dialog(runner, db.paths, window)),
        ("khoa-khoi-phuc", lambda: RecoveryKeyDialog(
            "-".join(["7KQM"] * 12), db.paths.root, window.office.unit_name, window)),
        ("xoa-vu-viec", lambda: DeleteCaseDialog(db, actor, runner, child.id, window)),
        ("tao-nguoi-dung", lambda: NewUserDialog(runner, lambda *_typed: None, window)),
        ("dat-lai-mat-khau", lambda: NewPasswordDialog(
            "Đặt lại mật khẩu", f"Mật khẩu mới cho «{VIEWER}»:",
            accounts.find_user(db, actor, VIEWER), Role.VIEWER, runner, lambda _typed: None,
            window)),
        ("van-ban", lambda: InstrumentDialog(runner, lambda data: None,
                                             catalog.instruments[0], window)),
        ("dieu-khoan", lambda: ProvisionDialog(runner, lambda data: None, catalog.instruments,
                                               catalog.provisions[0], parent=window)),
        ("muc-phat-toi-da", lambda: LimitDialog(runner, lambda data: None,
                                                catalog.limits[0].limit, window)),
        ("ket-thuc-hieu-luc", lambda: EndDialog(runner, catalog.provisions[0].citation,
                                                lambda day: None, date.today(), window)),
        ("ghi-van-ban-den", lambda: ReceivedDialog(db, actor, runner, window.prefs,
                                                   documents.awaiting_reply(db, actor), None,
                                                   window)),
        ("ghi-van-ban-di", lambda: SentDialog(db, actor, runner, window.prefs,
                                              documents.reply_clock(db), [fined.code], window)),
    ]
    if altered:
        made.append(("thay-doi-so-lieu-da-chot",
                     lambda: FrozenChangeWarning(altered, window)))
    made.append(("chua-chot-duoc", lambda: BreachesDialog(breaches, window.prefs, window)))
    return made


def _registered_unit(window: MainWindow) -> MainWindow:
    """A neighbouring office registered as a receiving unit (its key file made in a folder
    of its own), which the demo folder starts without; the window, to parent a dialog."""
    import tempfile

    from app.domain.office import OfficeSettings
    from app.services import unit_keys

    db, actor = window.db, window.actor
    if not any(unit.replaced_at is None for unit in unit_keys.registered_units(db, actor)):
        folder = Path(tempfile.mkdtemp(prefix="don-vi-nhan-"))
        other = setup.init_data_folder(
            DataPaths(folder / "du-lieu"), USER, PASSWORD, "Quản trị viên",
            office=OfficeSettings(unit_code="00010", unit_title="Phường Hoàn Kiếm"))
        key_file = folder / "khoa-00010.json"
        unit_keys.write_unit_key(other, accounts.authenticate(other, USER, PASSWORD), key_file)
        other.dispose()
        unit_keys.trust_unit(db, actor, key_file)
    return window


def _server_dialog(runner: TaskRunner, paths: DataPaths, window: MainWindow) -> QWidget:
    """«Kết nối máy chủ» as an officer fills it in (in a folder of its own: nothing of this
    PC's stored connection is shown or changed)."""
    from app.ui.server_dialog import ServerDialog

    dialog = ServerDialog(runner, DataPaths(paths.root / "moi"), window)
    dialog.host.setText("192.168.1.10")
    dialog.password.setText("mat-khau-may-chu")
    dialog.message.done("Kết nối được: cơ sở dữ liệu sẵn sàng. Lưu để dùng trên máy này.")
    return dialog


def _sample_cases(window: MainWindow) -> tuple[int, int]:
    """A case with children and the most events; a case with a fine decided."""
    from sqlalchemy import func, select

    from app.models import Case, Event

    with window.db.read() as session:
        busiest = (select(Case.id).join(Event).group_by(Case.id)
                   .order_by(func.count(Event.id).desc(), Case.id).limit(1))
        child = session.execute(busiest.where(Case.has_children.is_(True))).scalar_one()
        fined = session.execute(busiest.where(Case.id.in_(select(Event.case_id).where(
            Event.kind == "XP", Event.voided_at.is_(None),
            Event.sanction_form == "Phạt tiền")))).scalar_one()
    return child, fined


def _demo_register(window: MainWindow) -> None:
    """A few documents in the register, which the demo folder starts without: drafted as the
    window drafts them (files in a temporary folder) for cases detected before, an escalation
    past its reply date, a removal request answered."""
    import dataclasses
    import tempfile

    from sqlalchemy import select

    from app.domain.documents import DocumentKind
    from app.models import Case
    from app.services import documents, drafting

    db, actor, today = window.db, window.actor, date.today()
    if documents.register(db, actor, documents.RegisterQuery()):
        return
    with db.read() as session:
        recent = session.execute(select(Case.id, Case.detected_on).where(
            Case.closed_on.is_(None), Case.deleted_at.is_(None),
            Case.detected_on <= today - timedelta(days=50))
            .order_by(Case.detected_on.desc(), Case.id).limit(80)).all()
    folder = Path(tempfile.mkdtemp(prefix="so-van-ban-"))
    drafted = {}
    for kind, count, days_ago in ((DocumentKind.ESCALATION, 3, 40),
                                  (DocumentKind.REMOVAL_REQUEST, 1, 6),
                                  (DocumentKind.INVITATION, 1, 2),
                                  (DocumentKind.LOCK_REQUEST, 1, 1)):
        fitting = [case_id for case_id, _detected in recent
                   if drafting.kind_refusal(db, actor, kind, [case_id]) is None][:count]
        if len(fitting) < count or drafting.kind_refusal(db, actor, kind, fitting):
            continue
        request = dataclasses.replace(drafting.draft_defaults(db, actor, kind, fitting),
                                      issued_on=today - timedelta(days=days_ago))
        name = folder / f"{kind}.docx"
        drafted[kind] = drafting.draft_document(db, actor, request, docx=name,
                                                pdf=name.with_suffix(".pdf")).entry
    if (removal := drafted.get(DocumentKind.REMOVAL_REQUEST)) is not None:
        documents.enter_received(db, actor, documents.ReceivedInput(
            "Sở Văn hóa, Thể thao và Du lịch", today - timedelta(days=2),
            their_number="215/SVHTTDL-TTBCXB", their_date=today - timedelta(days=3),
            subject="Trả lời về việc yêu cầu gỡ bỏ thông tin", answers_id=removal.id))


def _invitation_event(dialog: EventDialog) -> EventDialog:
    """The event dialog on «Mời làm việc», a step whose document it offers to draft."""
    dialog.kind.setCurrentIndex(dialog.kind.findData("MLV"))
    return dialog


def _running_clocks_case(window: MainWindow) -> int:
    """An open case with a request past its reply date (`_demo_register`), else one with a
    biên bản and no decision yet: clocks run on it, one run out."""
    from sqlalchemy import select

    from app.models import Case, Event, SentDocument
    from app.services.attention import reply_overdue

    with window.db.read() as session:
        late = session.execute(
            select(Case.id).join(SentDocument.cases).where(
                reply_overdue(date.today()), Case.closed_on.is_(None))
            .order_by(Case.id).limit(1)).scalar()
        if late is not None:
            return int(late)
        decided = select(Event.case_id).where(Event.kind == "XP", Event.voided_at.is_(None))
        return session.execute(
            select(Case.id).join(Event).where(
                Case.closed_on.is_(None), Case.deleted_at.is_(None), Event.kind == "BB",
                Event.voided_at.is_(None), Case.id.not_in(decided))
            .order_by(Event.occurred_on.desc(), Case.id).limit(1)).scalar_one()


def _detected_in(window: MainWindow, period: Period) -> int:
    """An open case detected in `period` whose content is not removed yet."""
    from sqlalchemy import select

    from app.models import Case, Event

    with window.db.read() as session:
        return session.execute(select(Case.id).where(
            Case.detected_on.between(period.start, period.end), Case.deleted_at.is_(None),
            Case.closed_on.is_(None),
            Case.id.not_in(select(Event.case_id).where(Event.kind == "GB")))
            .order_by(Case.id).limit(1)).scalar_one()


def _frozen_month(window: MainWindow) -> Period | None:
    """A month frozen in the demo folder: the most recent one the sanction rules let freeze,
    frozen once."""
    from app.domain.report import ReportText
    from app.services import report_register
    from app.services.report_register import SanctionPathBreaches

    sent = report_register.list_sent_reports(window.db, window.actor)
    if sent:
        return sent[0].period
    month = Period.month_of(date.today())
    for number in range(1, 13):
        month = Period.month_of(month.start - timedelta(days=1))
        try:
            report_register.send_report(window.db, window.actor, month, ReportText(
                str(number), date.today(), "Báo cáo mẫu."))
        except SanctionPathBreaches:
            continue
        return month
    return None


PROVINCE_SHOT = "tong-hop-don-vi"
PROVINCE_MONTH = Period.month(2026, 10)
# The communes of the province's picture, and the days after the due day each one's October
# report arrived: one late, one never sent.
PROVINCE_UNITS = (("00004", "Xã Minh Tân", -3), ("00007", "Xã Bình An", -1),
                  ("00010", "Phường Cát Lâm", 0), ("00013", "Xã Hòa Phú", 2),
                  ("00016", "Xã Tân Lập", -4), ("00019", "Phường Đông Hải", None))

# (platform, account, how many of the communes above met it)
SHARED_ACCOUNTS = (("FB", "Hóng biến Lâm Thịnh", 4), ("TT", "@tin.nong.24h", 2))


def _province_folder(root: Path) -> DataPaths:
    """A province (Sở Văn hóa, Thể thao và Du lịch of a made-up Tỉnh Lâm Thịnh) that
    registered six communes and received the September and October reports of five:
    each commune a folder of its own with a few demo cases, its months frozen and packaged."""
    import dataclasses
    import shutil

    from sqlalchemy import update

    from app.domain.case import CaseInput
    from app.domain.report import ReportText
    from app.domain.report_due import due_date
    from app.models import ReceivedReport
    from app.services import report_packages, report_register, settings, unit_keys
    from app.services.report_register import SanctionPathBreaches

    shutil.rmtree(root, ignore_errors=True)
    root.mkdir(parents=True)
    communes: list[tuple[str, int | None, list[Path], Path]] = []
    for index, (code, name, late) in enumerate(PROVINCE_UNITS):
        db = setup.init_data_folder(
            DataPaths(root / code), USER, PASSWORD, "Quản trị viên (mẫu)",
            office=dataclasses.replace(demo.demo_office(), unit_code=code, unit_title=name))
        actor = accounts.authenticate(db, USER, PASSWORD)
        packages: list[Path] = []
        # Accounts that several communes met in October: the view across units finds them.
        for platform, account, communes_met in SHARED_ACCOUNTS:
            if index < communes_met:
                cases.create_case(db, actor, CaseInput(
                    detected_on=date(2026, 10, 2 + 6 * index), platform_code=platform,
                    account=account, group_code="TG", url=None,
                    summary="Đăng tin sai sự thật về dịch bệnh trên địa bàn tỉnh."),
                    today=date(2026, 11, 20))
        for seed in range(1, 20):  # demo cases until both months pass the sanction rules
            demo.add_demo_cases(db, actor, 30, seed=100 * index + seed,
                                today=date(2026, 11, 20))
            try:
                for number, month in enumerate((PROVINCE_MONTH.previous(), PROVINCE_MONTH)):
                    if not report_register.latest_sent_report(db, actor, month):
                        report_register.send_report(db, actor, month, ReportText(
                            str(9 + number), month.end + timedelta(days=3), ""))
            except SanctionPathBreaches:
                continue
            break
        for month in (PROVINCE_MONTH.previous(), PROVINCE_MONTH):
            packages.append(root / f"{code}-{month.slug}.svpbc")
            report_packages.write_package(db, actor, month, packages[-1])
        key = root / f"{code}.svpkey"
        unit_keys.write_unit_key(db, actor, key)
        db.dispose()
        communes.append((code, late, packages, key))
    paths = DataPaths(root / "tinh")
    db = setup.init_data_folder(paths, USER, PASSWORD, "Quản trị viên (mẫu)",
                                office=dataclasses.replace(
        demo.demo_office(), unit_code="01", unit_title="Tỉnh Lâm Thịnh",
        managing_body="ỦY BAN NHÂN DÂN\nTỈNH LÂM THỊNH",
        unit_name="SỞ VĂN HÓA, THỂ THAO\nVÀ DU LỊCH",
        unit_in_sentence="Sở Văn hóa, Thể thao và Du lịch", unit_symbol="BC-SVHTTDL",
        unit_signer=("KT. GIÁM ĐỐC", "PHÓ GIÁM ĐỐC"), unit_signer_name="Trần Văn Sở",
        place_name="Lâm Thịnh", addressees=("Bộ Văn hóa, Thể thao và Du lịch",
                                             "Ủy ban nhân dân tỉnh Lâm Thịnh"),
        recipients=("Như trên", "Lưu: VT")))
    actor = accounts.authenticate(db, USER, PASSWORD)
    due_days = settings.load_office(db).report_due_days
    for code, late, packages, key in communes:
        unit_keys.trust_unit(db, actor, key)
        if late is None:
            continue
        for package, days in zip(packages, (-2, late), strict=True):
            received = report_packages.receive_package(db, actor, package)
            # Received now; for the picture, on the day it would have come.
            day = due_date(received.package.period, due_days) + timedelta(days=days)
            with db.write() as session:
                session.execute(update(ReceivedReport).where(
                    ReceivedReport.unit_code == code,
                    ReceivedReport.period_end == received.package.period.end,
                ).values(received_at=datetime(day.year, day.month, day.day, 9).astimezone()))
    db.dispose()
    return paths


def _province_shots(app: QApplication, demo_folder: Path, out: Path) -> None:
    """«Tổng hợp đơn vị» of the province's October, and its consolidated report's files in
    the province's folder."""
    from app.db import open_database
    from app.services.consolidation import consolidate_received, consolidated_file
    from app.services.report_export import Targets
    from app.ui.report.tracker import TrackerScreen

    paths = _province_folder(demo_folder.with_name(f"{demo_folder.name}-tinh"))
    db = open_database(paths)
    actor = accounts.authenticate(db, USER, PASSWORD)
    files = paths.root / "tong-hop"  # to look at, not to keep with the pictures
    files.mkdir(exist_ok=True)
    consolidate_received(db, actor, PROVINCE_MONTH, Targets(*(
        files / consolidated_file(PROVINCE_MONTH, suffix)
        for suffix in (".xlsx", ".pdf", ".docx"))))
    window = MainWindow(db, actor)
    window.showMaximized()
    screen = window.show_screen("units")
    assert isinstance(screen, TrackerScreen)
    screen.picker.set_period(PROVINCE_MONTH)
    screen.refresh()
    _screen_shot(app, window, out, PROVINCE_SHOT)
    screen.tabs.setCurrentIndex(1)
    _screen_shot(app, window, out, f"{PROVINCE_SHOT}-tai-khoan")
    window.close()
    db.dispose()


def _tab_names(window: MainWindow) -> list[str]:
    return [slug(window.tabs.tabText(i)) for i in range(window.tabs.count())]


if __name__ == "__main__":
    main()
