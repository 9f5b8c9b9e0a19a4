"""Office details used by reports, thresholds and the idle lock.

Unit names and signer lines are kept as typed (the reports never re-case them): each name
once as printed at the head of a document, broken over lines where the office wants, and
once as written inside a sentence.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QScrollArea,
    QSpinBox,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from app.domain.documents import DOCUMENT_KIND_LABELS, DocumentKind, symbol_problem
from app.domain.labels import DAY_UNIT_LABELS, DayUnit
from app.domain.office import (
    MAX_SIGNER_LINES,
    REPORT_ISSUERS,
    SETTING_LABELS,
    Issuer,
    OfficeSettings,
)
from app.domain.report import REPORT_OPTION_LABELS, ReportOption
from app.progress import CancelToken, Progress
from app.services import settings
from app.services.actor import Actor, Permission
from app.services.data_folder import Database
from app.ui.admin.case_code_editor import CaseCodeEditor
from app.ui.admin.common import Feedback
from app.ui.data_change import DataChange, DataKind
from app.ui.tasks import TaskRunner
from app.ui.widgets import FieldError

ISSUER_LABELS: dict[Issuer, str] = {
    Issuer.UNIT: "Đơn vị (phòng) ban hành",
    Issuer.COMMITTEE: "Ủy ban nhân dân (cơ quan chủ quản) ban hành",
}
SIGNER_HINT = f"tối đa {MAX_SIGNER_LINES} dòng, mỗi dòng như in trên văn bản"
# (key, label, hint, lines): a one-line field (0 lines), or a heading typed over lines.
UNIT_FIELDS = (
    ("unit_code", SETTING_LABELS["unit_code"],
     "5 chữ số với xã, phường; 2 chữ số với tỉnh (Quyết định 19/2025/QĐ-TTg)", 0),
    ("unit_title", SETTING_LABELS["unit_title"], "VD: Xã Minh Tân (tên đơn vị khác thấy)", 0),
    ("managing_body", "Cơ quan chủ quản, như in ở đầu văn bản",
     "VD: ỦY BAN NHÂN DÂN\nXÃ MINH TÂN (xuống dòng ở chỗ muốn ngắt)", 2),
    ("managing_body_in_sentence", "Cơ quan chủ quản, viết trong câu",
     "VD: Ủy ban nhân dân xã Minh Tân", 0),
    ("unit_name", "Tên đơn vị, như in ở đầu văn bản", "VD: PHÒNG VĂN HÓA - XÃ HỘI", 2),
    ("unit_in_sentence", "Tên đơn vị, viết trong câu", "VD: Phòng Văn hóa - Xã hội", 0),
    ("unit_short", "Tên viết tắt", "dùng trong «Lưu: VT, …»", 0),
    ("place_name", "Địa danh", "ghi ở dòng «…, ngày … tháng … năm …»", 0),
)
# Each issuer's group: its title, its symbol (None: a decision takes its kind's), its signer
# lines and its signer's name.
ISSUER_FIELDS: dict[Issuer, tuple[str, tuple[str, str] | None, tuple[str, str], str]] = {
    Issuer.UNIT: ("Khi đơn vị (phòng) ban hành",
                  ("unit_symbol", "VD: BC-VHXH → Số: 05/BC-VHXH"),
                  ("unit_signer", f"VD: KT. TRƯỞNG PHÒNG\nPHÓ TRƯỞNG PHÒNG ({SIGNER_HINT})"),
                  "unit_signer_name"),
    Issuer.COMMITTEE: ("Khi Ủy ban nhân dân ban hành",
                       ("committee_symbol", "VD: BC-UBND → Số: 05/BC-UBND"),
                       ("committee_signer", "VD: TM. ỦY BAN NHÂN DÂN\nKT. CHỦ TỊCH\n"
                                            f"PHÓ CHỦ TỊCH ({SIGNER_HINT})"),
                       "committee_signer_name"),
    # NĐ 30/2020 Điều 13: the Chairman signs a sanction decision in person, without «TM.».
    Issuer.CHAIRMAN: ("Chủ tịch ký quyết định xử phạt (ký cá nhân, không ghi «TM.»)", None,
                      ("chairman_signer", "VD: KT. CHỦ TỊCH\nPHÓ CHỦ TỊCH, hoặc CHỦ TỊCH "
                                          f"({SIGNER_HINT})"),
                      "chairman_signer_name"),
}
LIST_FIELDS = (
    ("addressees", "Kính gửi (mỗi dòng một nơi)",
     "không cần gõ dấu «;» hay «.» cuối dòng: chương trình tự thêm"),
    ("recipients", "Nơi nhận (mỗi dòng một nơi)", "VD: Như trên\nLưu: VT, VHXH"),
    ("areas", "Địa bàn: ấp, khu phố, thôn (mỗi dòng một địa bàn)", ""),
    ("addressee_suggestions", "Cơ quan nhận khi chuyển, kiến nghị, đề nghị (gợi ý, mỗi dòng "
     "một nơi)", "VD: Công an xã"),
)
NUMBER_FIELDS = (
    ("idle_lock_minutes", "Tự khóa sau (phút không thao tác)", 1, 240),
    ("removal_overdue_days", "Cảnh báo yêu cầu gỡ chưa được đáp ứng sau (ngày)", 1, 90),
    ("stale_case_days", "Cảnh báo vụ việc không có biện pháp mới sau (ngày)", 1, 365),
    ("limitation_warning_days", "Cảnh báo trước khi hết thời hiệu (ngày)", 1, 180),
    ("evidence_max_mb", "Dung lượng tối đa một tệp chứng cứ (MB)", 1, 4096),
    ("backup_every_minutes", "Tự sao lưu sau mỗi (phút làm việc)", 5, 480),
    ("offsite_backup_days", "Nhắc sao lưu ra USB sau (ngày)", 1, 90),
    ("deleted_retention_days", "Giữ vụ việc đã xóa trước khi xóa hẳn (ngày)", 30, 3650),
    # Luật XLVPHC Điều 66 (to confirm): app.domain.sanctions.
    ("decision_days", "Hạn ra quyết định xử phạt sau biên bản (ngày)", 1, 60),
    ("decision_days_explained", "… khi có giải trình, cần xác minh (ngày)", 1, 90),
    ("decision_extension_days", "… gia hạn thêm tối đa (ngày)", 1, 90),
    ("reply_days", "Hạn trả lời văn bản đề nghị, kiến nghị, chuyển hồ sơ (ngày)", 1, 90),
    # At a province: when the units' reports are due (app.domain.report_due).
    ("report_due_days", "Hạn đơn vị gửi báo cáo lên tỉnh, sau ngày cuối kỳ (ngày)", 1, 60),
)
# Whether a clock counts calendar or working days (app.domain.deadlines).
DAY_UNIT_FIELDS = ("decision_day_unit", "reply_day_unit")


def _lines_box(lines: int, hint: str) -> QPlainTextEdit:
    """A box `lines` lines high (its text scrolls beyond)."""
    box = QPlainTextEdit()
    box.setPlaceholderText(hint)
    box.setTabChangesFocus(True)
    margins = box.contentsMargins()
    box.setFixedHeight(box.fontMetrics().lineSpacing() * lines + 2 * box.frameWidth()
                       + int(2 * box.document().documentMargin())
                       + margins.top() + margins.bottom())
    return box


def _typed_lines(box: QPlainTextEdit) -> list[str]:
    return [line.strip() for line in box.toPlainText().splitlines() if line.strip()]


class OfficeForm(QScrollArea):
    def __init__(self, db: Database, actor: Actor, runner: TaskRunner,
                 notify: Callable[[DataChange], None]) -> None:
        super().__init__()
        self._db, self._actor, self._runner, self._notify = db, actor, runner, notify
        self._current = settings.load_office(db)
        self.texts: dict[str, QLineEdit] = {}
        self.headings: dict[str, QPlainTextEdit] = {}  # one text, its lines kept
        self.lists: dict[str, QPlainTextEdit] = {}  # one item a line
        self.numbers: dict[str, QSpinBox] = {}
        self.issuer = QComboBox()
        for issuer, label in ISSUER_LABELS.items():
            self.issuer.addItem(label, issuer)

        units = QFormLayout()
        for key, label, hint, lines in UNIT_FIELDS:
            if lines:
                self.headings[key] = _lines_box(lines, hint)
                units.addRow(label + ":", self.headings[key])
            else:
                self._text_row(units, key, label, hint)
        units.addRow("Báo cáo do:", self.issuer)

        signer_groups: dict[Issuer, QGroupBox] = {}
        for issuer, (title, symbol, (signer, signer_hint), name) in ISSUER_FIELDS.items():
            form = QFormLayout()
            if symbol is not None:
                symbol_key, symbol_hint = symbol
                self._text_row(form, symbol_key, "Ký hiệu văn bản", symbol_hint)
            self.lists[signer] = _lines_box(MAX_SIGNER_LINES, signer_hint)
            form.addRow("Thẩm quyền, chức vụ người ký:", self.lists[signer])
            self._text_row(form, name, "Họ tên người ký", "")
            signer_groups[issuer] = _group(title, form)
        signers = QHBoxLayout()  # the report's two issuers side by side
        for issuer in REPORT_ISSUERS:
            signers.addWidget(signer_groups[issuer])

        sent = QFormLayout()
        sent.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapAllRows)  # lists as wide as can be
        for key, label, hint in LIST_FIELDS:
            self.lists[key] = _lines_box(3, hint)
            sent.addRow(label + ":", self.lists[key])
        self.case_code = CaseCodeEditor()
        limits = QFormLayout()
        for key, label, low, high in NUMBER_FIELDS:
            spin = QSpinBox()
            spin.setRange(low, high)
            self.numbers[key] = spin
            limits.addRow(label + ":", spin)
        self.units: dict[str, QComboBox] = {}
        for unit_key in DAY_UNIT_FIELDS:
            self.units[unit_key] = QComboBox()
            for unit, unit_label in DAY_UNIT_LABELS.items():
                self.units[unit_key].addItem(unit_label, unit)
            limits.addRow(SETTING_LABELS[unit_key] + ":", self.units[unit_key])
        report = QVBoxLayout()
        self.report_options: dict[ReportOption, QCheckBox] = {}
        for option, (label, meaning) in REPORT_OPTION_LABELS.items():
            self.report_options[option] = QCheckBox(label)
            explained = QLabel(meaning)
            explained.setWordWrap(True)
            explained.setIndent(24)  # under the box's text
            report.addWidget(self.report_options[option])
            report.addWidget(explained)

        self.symbols = SymbolsTable()

        self.save_button = QPushButton("Lưu thông tin đơn vị")
        self.save_button.clicked.connect(self.save)
        self.save_button.setEnabled(actor.can(Permission.MANAGE_SETTINGS))
        self.feedback = Feedback()
        buttons = QHBoxLayout()
        buttons.addWidget(self.feedback, 1)
        buttons.addWidget(self.save_button)

        # Two columns, so that the whole form fits a 1366×768 screen.
        left = QVBoxLayout()
        left.addWidget(_group("Tên đơn vị (gõ đúng như in trên văn bản; chương trình không "
                              "tự đổi chữ hoa, chữ thường)", units))
        left.addLayout(signers)
        left.addWidget(signer_groups[Issuer.CHAIRMAN])
        left.addWidget(self.symbols)
        left.addStretch(1)
        right = QVBoxLayout()
        right.addWidget(_group("Nơi gửi, địa bàn", sent))
        case_code_group = QGroupBox("Mã vụ việc tự động")
        QVBoxLayout(case_code_group).addWidget(self.case_code)
        right.addWidget(case_code_group)
        right.addWidget(_group("Ngưỡng cảnh báo, tự khóa, sao lưu", limits))
        report_group = QGroupBox("Báo cáo")
        report_group.setLayout(report)
        right.addWidget(report_group)
        right.addStretch(1)
        columns = QHBoxLayout()
        columns.addLayout(left, 3)
        columns.addLayout(right, 2)
        body = QWidget()
        layout = QVBoxLayout(body)
        intro = QLabel("Thông tin này được ghi lên báo cáo gửi cấp trên. Đơn vị đổi tên, đổi "
                       "người ký thì sửa ở đây; vụ việc cũ giữ tên đơn vị lúc ghi nhận.")
        intro.setWordWrap(True)
        layout.addWidget(intro)
        layout.addLayout(columns)
        layout.addLayout(buttons)
        self.setWidget(body)
        self.setWidgetResizable(True)
        self.show_settings(self._current)

    def _text_row(self, form: QFormLayout, key: str, label: str, hint: str) -> None:
        edit = QLineEdit()
        edit.setPlaceholderText(hint)
        self.texts[key] = edit
        form.addRow(label + ":", edit)

    def show_settings(self, office: OfficeSettings) -> None:
        for key, edit in self.texts.items():
            edit.setText(getattr(office, key))
        for key, box in self.headings.items():
            box.setPlainText(getattr(office, key))
        for key, box in self.lists.items():
            box.setPlainText("\n".join(getattr(office, key)))
        for key, spin in self.numbers.items():
            spin.setValue(getattr(office, key))
        for key, combo in self.units.items():
            combo.setCurrentIndex(combo.findData(getattr(office, key)))
        self.issuer.setCurrentIndex(self.issuer.findData(office.issuer))
        self.case_code.set_pattern(office.case_code_pattern)
        for option, option_box in self.report_options.items():
            option_box.setChecked(option in office.report_options)
        self.symbols.show_symbols(office)

    def edited(self) -> OfficeSettings:
        values: dict[str, object] = {k: e.text().strip() for k, e in self.texts.items()}
        values.update({k: "\n".join(_typed_lines(b)) for k, b in self.headings.items()})
        values.update({k: tuple(_typed_lines(b)) for k, b in self.lists.items()})
        values.update({k: s.value() for k, s in self.numbers.items()})
        values.update({k: DayUnit(combo.currentData()) for k, combo in self.units.items()})
        values["issuer"] = Issuer(self.issuer.currentData())
        values["case_code_pattern"] = self.case_code.pattern()
        values["report_options"] = tuple(str(option) for option, option_box
                                         in self.report_options.items()
                                         if option_box.isChecked())
        values["document_symbols"] = self.symbols.symbols()
        return dataclasses.replace(self._current, **values)  # type: ignore[arg-type]

    def save(self) -> None:
        if problem := self.symbols.problem():
            self.feedback.error(problem)
            return
        office = self.edited()
        db, actor = self._db, self._actor

        def task(_p: Progress, _t: CancelToken) -> OfficeSettings:
            settings.save_office(db, actor, office)
            return office

        self._runner.start(task, on_success=self._saved, on_failure=self.feedback.error)

    def _saved(self, office: OfficeSettings) -> None:
        self._current = office
        self._notify(DataChange.of(DataKind.OFFICE))
        self.feedback.ok("Đã lưu thông tin đơn vị.")


def _group(title: str, form: QFormLayout) -> QGroupBox:
    group = QGroupBox(title)
    group.setLayout(form)
    return group


class SymbolsTable(QGroupBox):
    """Each kind of document with its symbol (`OfficeSettings.document_symbols`): the
    register numbers each symbol's documents per year; an empty cell takes the default."""

    def __init__(self) -> None:
        super().__init__("Ký hiệu từng loại văn bản (Số: 15/GM-VHXH)")
        self.table = QTableWidget(len(DocumentKind), 2)
        self.table.setHorizontalHeaderLabels(["Loại văn bản", "Ký hiệu"])
        self.table.verticalHeader().setVisible(False)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.AllEditTriggers)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Fixed)
        self.table.setColumnWidth(1, self.fontMetrics().horizontalAdvance("M") * 14)
        for row, kind in enumerate(DocumentKind):
            name = QTableWidgetItem(DOCUMENT_KIND_LABELS[kind])
            name.setFlags(Qt.ItemFlag.ItemIsEnabled)
            name.setToolTip(DOCUMENT_KIND_LABELS[kind])
            self.table.setItem(row, 0, name)
            self.table.setItem(row, 1, QTableWidgetItem())
        self.table.resizeRowsToContents()
        self.table.setFixedHeight(self.table.horizontalHeader().sizeHint().height()
                                  + sum(self.table.rowHeight(r) for r in range(len(DocumentKind)))
                                  + 2 * self.table.frameWidth())
        self.error = FieldError()
        self.table.itemChanged.connect(lambda _item: self.error.show_message(self.problem()))
        hint = QLabel("Các loại cùng ký hiệu dùng chung một dãy số trong năm; để trống: ký "
                      "hiệu mặc định.")
        hint.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.addWidget(self.table)
        layout.addWidget(self.error)
        layout.addWidget(hint)

    def show_symbols(self, office: OfficeSettings) -> None:
        for row, kind in enumerate(DocumentKind):
            cell = self.table.item(row, 1)
            assert cell is not None
            cell.setText(office.document_symbol(kind))

    def _typed(self) -> dict[DocumentKind, str]:
        return {kind: cell.text().strip() if (cell := self.table.item(row, 1)) else ""
                for row, kind in enumerate(DocumentKind)}

    def symbols(self) -> dict[str, str]:
        """As saved: a kind left empty is not stored, so it takes the default."""
        return {str(kind): symbol for kind, symbol in self._typed().items() if symbol}

    def problem(self) -> str | None:
        return next((found for kind, symbol in self._typed().items()
                     if (found := symbol_problem(kind, symbol))), None)
