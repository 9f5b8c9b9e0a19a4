"""Before the figures are frozen: form 03's rows about children, as they will be printed."""

from __future__ import annotations

from PySide6.QtWidgets import QDialogButtonBox, QLabel, QVBoxLayout, QWidget

from app.domain.report_forms import Form
from app.text import format_number
from app.ui.dialogs import Dialog
from app.ui.prefs import UiPrefs
from app.ui.report.form_table import FormTableModel, form_table


class ChildrenRowsReview(Dialog):
    """Before the figures are frozen: every row of form 03 about a case with children, as
    it will be printed, for the officer to read once more."""

    def __init__(self, form: Form, prefs: UiPrefs | None, parent: QWidget | None = None) -> None:
        super().__init__("Đọc lại các dòng có trẻ em", prefs, "children-rows-review", parent)
        note = QLabel(
            f"Báo cáo có {format_number(len(form.rows))} dòng về vụ việc có trẻ em hoặc đối "
            "tượng dưới 16 tuổi. Dưới đây là đúng các dòng đó như sẽ in trong báo cáo gửi "
            "Sở. Hãy đọc lại một lượt: nếu còn chi tiết có thể nhận ra trẻ em (tên gọi khác, "
            "biệt danh, tên người thân, nơi ở…), hãy đóng cửa sổ này, sửa vụ việc rồi chốt "
            "lại.")
        note.setWordWrap(True)
        self.model = FormTableModel(form, self)
        self.table = form_table(self.model)
        self.table.resizeRowsToContents()
        buttons = QDialogButtonBox()
        self.confirm = buttons.addButton("Đã đọc lại — chốt số liệu",
                                         QDialogButtonBox.ButtonRole.AcceptRole)
        buttons.addButton("Quay lại", QDialogButtonBox.ButtonRole.RejectRole)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(note)
        layout.addWidget(self.table, 1)
        layout.addWidget(buttons)
        if prefs is None or prefs.bytes("geometry/children-rows-review") is None:
            self.resize(1200, 560)
