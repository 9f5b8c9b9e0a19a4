"""`--selftest`: passes on a working program, and its checks catch a wrong report."""

from __future__ import annotations

import dataclasses
import io
from pathlib import Path

import pytest
from reportlab.pdfgen import canvas

from app.cli import main
from app.domain.report import ReportFigures
from app.domain.report_forms import ReportForms
from app.reports import fonts, workbook_process
from app.selftest import SelftestFailed, check_pdf, check_pdf_accelerated


def _selftest(*argv: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    status = main(["--selftest", *argv], stdout=out, stderr=err)
    return status, out.getvalue(), err.getvalue()


def test_passes_on_a_working_program() -> None:
    status, out, _ = _selftest()
    assert status == 0, out
    assert "Đã nhập 300 vụ việc vào một thư mục dữ liệu mới." in out
    assert "Bảng tính đúng số liệu tính lại từ cơ sở dữ liệu" in out
    assert "Tệp PDF hợp lệ" in out
    assert "Tệp Word đọc lại được, đúng mẫu và đúng số liệu tổng hợp." in out
    assert "Thư viện PDF dùng bản biên dịch các hàm tính toán của nó (rl_accel)." in out
    assert out.rstrip().endswith("Tự kiểm tra đạt: chương trình hoạt động đầy đủ.")


def test_a_wrong_figure_written_to_the_workbook_fails(monkeypatch: pytest.MonkeyPatch) -> None:
    real = workbook_process.report_forms

    def one_more_detected(figures: ReportFigures) -> ReportForms:
        forms = real(figures)
        summary = forms.sheets[0]
        total = list(summary.total or ())
        total[3] = int(total[3] or 0) + 1  # column 4, "Phát hiện trong kỳ"
        wrong = dataclasses.replace(summary, total=tuple(total))
        return dataclasses.replace(forms, sheets=(wrong, *forms.sheets[1:]))

    monkeypatch.setattr(workbook_process, "report_forms", one_more_detected)
    status, out, _ = _selftest()
    assert status == 1
    # Six groups on rows 7 to 12, the total on row 13.
    assert "Tự kiểm tra KHÔNG đạt: trang «Tổng hợp», dòng 14, cột «Phát hiện trong kỳ»" in out
    assert "Tự kiểm tra đạt" not in out


def test_a_file_left_out_of_the_build_fails_with_its_trace(monkeypatch: pytest.MonkeyPatch,
                                                           tmp_path: Path) -> None:
    # As in a build without resources/fonts: the PDF writer cannot load its font.
    monkeypatch.setattr(fonts, "_registered", False)
    monkeypatch.setattr(fonts, "resource_path", lambda *parts: tmp_path.joinpath(*parts))
    status, out, _ = _selftest()
    assert status == 1
    assert "Tự kiểm tra KHÔNG đạt: lỗi không mong đợi (chi tiết dưới đây)." in out
    assert "LiberationSerif-Regular.ttf" in out
    assert "Tự kiểm tra đạt" not in out


def test_reportlab_without_its_accelerator_fails(monkeypatch: pytest.MonkeyPatch) -> None:
    # As in a build that left `_rl_accel` out: reportlab falls back to Python functions.
    from reportlab.lib import rl_accel
    monkeypatch.setattr(rl_accel, "_py_funcs", {"fp_str": None})
    with pytest.raises(SelftestFailed, match=r"thiếu bản biên dịch rl_accel .*fp_str"):
        check_pdf_accelerated()


def test_a_pdf_without_embedded_fonts_fails(tmp_path: Path) -> None:
    target = tmp_path / "helvetica.pdf"
    page = canvas.Canvas(str(target))
    page.drawString(72, 72, "Báo cáo")  # reportlab's default font is never embedded
    page.showPage()
    page.save()
    with pytest.raises(SelftestFailed, match="không được nhúng: Helvetica"):
        check_pdf(target)


def test_a_truncated_pdf_fails(tmp_path: Path) -> None:
    target = tmp_path / "cut.pdf"
    page = canvas.Canvas(str(target))
    page.showPage()
    page.save()
    target.write_bytes(target.read_bytes()[:-40])
    with pytest.raises(SelftestFailed, match="không đầy đủ"):
        check_pdf(target)


def test_does_not_run_with_a_command() -> None:
    status, out, err = _selftest("check")
    assert (status, out) == (2, "")
    assert "--selftest không dùng cùng lệnh «check»" in err
