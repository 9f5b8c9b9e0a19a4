"""A read-only view of one case: facts, children, defamed parties and the handling history."""

from __future__ import annotations

from html import escape

from PySide6.QtWidgets import QDialogButtonBox, QTextBrowser, QVBoxLayout, QWidget

from app.domain.fields import BY_KEY
from app.domain.labels import PARTY_LABELS, STATUS_LABELS, UNIDENTIFIED_OFFENDER
from app.domain.vocabulary import VocabList, Vocabulary
from app.services.records import CaseDetail
from app.text import format_date, format_money, format_number
from app.ui.dialogs import Dialog
from app.ui.prefs import UiPrefs


def case_html(detail: CaseDetail, vocabulary: Vocabulary) -> str:
    data = detail.data

    def row(label: str, value: object) -> str:
        return f"<tr><th align=left>{escape(label)}</th><td>{escape(str(value))}</td></tr>"

    facts = [
        row(BY_KEY["code"].label, detail.code),
        row(BY_KEY["detected_on"].label, format_date(data.detected_on)),
        row(BY_KEY["source_code"].label, vocabulary.label(VocabList.SOURCE, data.source_code)),
        row(BY_KEY["platform_code"].label,
            vocabulary.label(VocabList.PLATFORM, data.platform_code)),
        row(BY_KEY["content_form_code"].label,
            vocabulary.label(VocabList.CONTENT_FORM, data.content_form_code)),
        row(BY_KEY["account"].label, data.account or ""),
        row(BY_KEY["url"].label, data.url or ""),
        row(BY_KEY["group_code"].label, vocabulary.label(VocabList.GROUP, data.group_code)),
        row(BY_KEY["summary"].label, data.summary or ""),
        row(BY_KEY["offender_name"].label, data.offender_name or UNIDENTIFIED_OFFENDER),
        row(BY_KEY["area"].label, data.area or ""),
        row("Tình trạng", STATUS_LABELS[detail.status]),
    ]
    if data.reach_views is not None:
        facts.append(row(BY_KEY["reach_views"].label, format_number(data.reach_views)))
    parts = [f"<h2>Vụ việc {escape(detail.code)}</h2><table cellspacing=4>{''.join(facts)}"
             "</table>"]
    if detail.deleted_at:
        parts.insert(0, f"<p style='color:#b00020'><b>Đã xóa:</b> "
                        f"{escape(detail.deleted_reason or '')}</p>")
    if data.children:
        items = "".join(
            f"<li>{escape(c.full_name)}"
            f"{f', sinh năm {c.birth_year}' if c.birth_year else ''}"
            f"{f', {c.sex}' if c.sex else ''}"
            f"{f' — {escape(c.school_class)}' if c.school_class else ''}</li>"
            for c in data.children)
        parts.append(f"<h3>Trẻ em liên quan</h3><ul>{items}</ul>")
    if data.defamed:
        items = "".join(f"<li>{escape(p.name)} ({PARTY_LABELS[p.kind]})</li>"
                        for p in data.defamed)
        parts.append(f"<h3>Tổ chức, cá nhân bị xúc phạm</h3><ul>{items}</ul>")
    events = []
    for event in detail.events:
        text = f"{format_date(event.occurred_on)} — {vocabulary.label(VocabList.EVENT, event.kind)}"
        if event.document_number:
            text += f", số {event.document_number}"
        if event.fine_amount:
            text += f", phạt {format_money(event.fine_amount)}"
        if event.closing_result:
            text += f": {event.closing_result}"
        if event.voided:
            text = f"<s>{escape(text)}</s> (đã hủy: {escape(event.void_reason or '')})"
        else:
            text = escape(text)
        events.append(f"<li>{text}</li>")
    parts.append("<h3>Quá trình xử lý</h3>"
                 + (f"<ul>{''.join(events)}</ul>" if events else "<p>Chưa có biện pháp nào.</p>"))
    return "".join(parts)


class CaseViewDialog(Dialog):
    def __init__(self, detail: CaseDetail, vocabulary: Vocabulary, prefs: UiPrefs,
                 parent: QWidget | None = None) -> None:
        super().__init__(f"Vụ việc {detail.code}", prefs, "case_view", parent)
        browser = QTextBrowser()
        browser.setHtml(case_html(detail, vocabulary))
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.button(QDialogButtonBox.StandardButton.Close).setText("Đóng")
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(browser)
        layout.addWidget(buttons)
        if self.size().width() < 600:
            self.resize(720, 640)
