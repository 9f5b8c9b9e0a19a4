"""`data_folder.refuse_inside`: where a file naming children in full may not be saved."""

from __future__ import annotations

from pathlib import Path

import pytest

from app.errors import UserError
from app.paths import DataPaths
from app.services.data_folder import refuse_inside


def test_a_file_naming_children_is_refused_anywhere_inside_the_data_folder(
        tmp_path: Path) -> None:
    paths = DataPaths(tmp_path / "du lieu")
    (paths.root / "exports").mkdir(parents=True)
    (tmp_path / "loi tat").symlink_to(paths.root)  # the folder reached by another name
    for target in (paths.root / "exports" / "x.pdf", tmp_path / "loi tat" / "x.docx",
                   tmp_path / "ngoai" / ".." / "du lieu" / "x.pdf"):
        with pytest.raises(UserError) as refused:
            refuse_inside(paths, target, "Phiếu có đầy đủ thông tin trẻ em",
                          otherwise=", hoặc in ra giấy mà không lưu tệp")
        assert refused.value.message == (
            "Phiếu có đầy đủ thông tin trẻ em không được lưu trong thư mục dữ liệu của chương "
            f"trình ({paths.root}): hãy chọn nơi lưu khác, hoặc in ra giấy mà không lưu tệp.")
    refuse_inside(paths, tmp_path / "du lieu khac" / "x.pdf", "Văn bản có nêu tên trẻ em")
