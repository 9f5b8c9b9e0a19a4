"""A problem found in an import file: where it is (as Excel shows it) and what to do.

The file reader finds them, the import service refuses with them, the window and the
command line show them: plain data every layer speaks.
"""

from __future__ import annotations

from dataclasses import dataclass

from app.errors import UserError


@dataclass(frozen=True, slots=True)
class Problem:
    sheet: str
    row: int  # the row number Excel shows; 0 for the sheet as a whole
    column: str  # the column header; empty for the sheet as a whole
    message: str
    is_warning: bool = False
    # Rows of the optional sheets name their sheet, the first sheet's do not (cli.md).
    on_first_sheet: bool = True

    @property
    def kind_label(self) -> str:
        return "Cảnh báo" if self.is_warning else "Lỗi"

    def line(self) -> str:
        """`Dòng N, cột "<header>": <message>`, the line format of shared/spec/cli.md."""
        if not self.row:
            return self.message
        message = self.message if self.on_first_sheet else f"Trang «{self.sheet}»: {self.message}"
        return f'Dòng {self.row}, cột "{self.column}": {message}'


def errors_of(problems: tuple[Problem, ...]) -> tuple[Problem, ...]:
    return tuple(p for p in problems if not p.is_warning)


def warnings_of(problems: tuple[Problem, ...]) -> tuple[Problem, ...]:
    return tuple(p for p in problems if p.is_warning)


class FileRefused(UserError):
    """The file cannot be read as a case workbook at all (not an xlsx, too large, no header)."""


class PasswordRequired(UserError):
    """The file is encrypted and no (or a wrong) file password was given."""


class ImportRefused(UserError):
    """The file has errors: nothing was imported. `problems` holds every error and warning."""

    def __init__(self, problems: tuple[Problem, ...]) -> None:
        self.problems = problems
        count = len(errors_of(problems))
        super().__init__(f"Tệp có {count} lỗi nên chưa nhập vụ việc nào; hãy sửa các lỗi trong "
                         "danh sách rồi nhập lại.")
