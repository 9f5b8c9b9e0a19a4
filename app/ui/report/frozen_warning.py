"""Before a change of a case is saved: the warning, with «Lưu» / «Không lưu», when it would
alter the figures of a frozen report ("chốt số liệu"). The case editor and the main window
route their saves through `save_checked`."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget

from app.progress import CancelToken, Progress
from app.services.actor import Actor
from app.services.data_folder import Database
from app.services.report_register import FrozenAlteration, PendingChange, frozen_reports_altered
from app.ui.dialogs import Dialog
from app.ui.tasks import TaskRunner

AFTERWARDS = ("Nếu lưu, báo cáo đã gửi vẫn giữ nguyên trong sổ báo cáo đã gửi; số liệu mới "
              "chỉ đến nơi nhận khi báo cáo được phát hành lại (thẻ «Báo cáo»).")


class FrozenChangeWarning(Dialog):
    """Names each frozen report the change alters and how; «Lưu» saves, «Không lưu» (or
    Esc) leaves the change unsaved where it was typed."""

    def __init__(self, altered: Sequence[FrozenAlteration],
                 parent: QWidget | None = None) -> None:
        super().__init__("Thay đổi số liệu đã chốt", parent=parent, min_width=560)
        self.text = QLabel("\n\n".join([*(a.message for a in altered), AFTERWARDS]))
        self.text.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.addWidget(self.text)
        layout.addWidget(self.button_box("Lưu", "Không lưu"))


def save_checked(runner: TaskRunner, parent: QWidget, db: Database, actor: Actor,
                 change: PendingChange, save: Callable[[], None],
                 on_failure: Callable[[str], None]) -> None:
    """Call `save` at once when `change` alters no frozen report, else once the officer
    chose «Lưu» in the warning (window-modal, opened over `parent`)."""

    def task(_p: Progress, _t: CancelToken) -> list[FrozenAlteration]:
        return frozen_reports_altered(db, actor, change)

    def checked(altered: list[FrozenAlteration]) -> None:
        if not altered:
            save()
            return
        warning = FrozenChangeWarning(altered, parent)
        warning.accepted.connect(save)
        warning.finished.connect(warning.deleteLater)
        warning.open()

    runner.start(task, on_success=checked, on_failure=on_failure, owner=parent)
