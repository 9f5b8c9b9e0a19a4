"""The case editor: new and existing cases, in sections."""

from app.ui.case_editor.editor import CaseEditor

__all__ = ["CaseEditor"]
