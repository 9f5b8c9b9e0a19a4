"""`transfer-out CODE... --to UNIT FILE` and `transfer-in FILE` (shared/spec/cli.md) between
three offices set up with `init --unit-code`, `unit-key` and `trust-unit`."""

from __future__ import annotations

from pathlib import Path

import pytest

from app.paths import DataPaths
from app.services import accounts, cases
from tests.conftest import TODAY, make_case, open_unlocked
from tests.test_cli import PASSWORD, run
from tests.test_evidence import TINY_PNG


def _as(folder: Path, *args: str) -> list[str]:
    return ["--data-dir", str(folder), "--user", "admin", "--password-stdin", *args]


def _ok(folder: Path, *args: str) -> str:
    code, out, err = run(_as(folder, *args), PASSWORD + "\n")
    assert (code, err) == (0, ""), err
    return out


def _office(root: Path, code: str, name: str) -> Path:
    folder = root / f"don-vi-{code}"
    assert run(["--data-dir", str(folder), "init", "--admin", "admin", "--password-stdin",
                "--unit-code", code, "--unit-name", name], PASSWORD + "\n")[0] == 0
    _ok(folder, "unit-key", str(root / f"khoa-{code}.json"))
    return folder


@pytest.fixture
def offices(tmp_path: Path) -> tuple[Path, Path, Path]:
    """A commune that sends, the province that receives, and a third commune that knows
    both."""
    commune = _office(tmp_path, "00004", "Phường Ba Đình")
    province = _office(tmp_path, "01", "Thành phố Hà Nội")
    third = _office(tmp_path, "00010", "Phường Hoàn Kiếm")
    for folder, others in ((commune, ("01", "00010")), (province, ("00004",)),
                           (third, ("00004", "01"))):
        for other in others:
            _ok(folder, "trust-unit", str(tmp_path / f"khoa-{other}.json"))
    return commune, province, third


def _case(folder: Path, tmp_path: Path) -> str:
    db = open_unlocked(DataPaths(folder), "admin", PASSWORD)
    try:
        admin = accounts.authenticate(db, "admin", PASSWORD)
        code = cases.create_case(db, admin, make_case(), today=TODAY).code
    finally:
        db.dispose()
    sources = []
    for n in (1, 2):
        source = tmp_path / f"bang-chung-{n}.png"
        source.write_bytes(TINY_PNG + f"noi dung {n}".encode())
        sources.append(str(source))
    _ok(folder, "attach", code, *sources)
    return code


def test_a_case_moves_with_its_evidence_once_and_a_third_office_cannot_open_it(
        offices: tuple[Path, Path, Path], tmp_path: Path) -> None:
    commune, province, third = offices
    code = _case(commune, tmp_path)
    package = tmp_path / "chuyen-tinh.svpcase"
    out = _ok(commune, "transfer-out", code, "--to", "01", str(package))
    assert out.startswith(f"Đã ghi 1 vụ việc ({code}) và 2 tệp chứng cứ vào ")

    out = _ok(province, "transfer-in", str(package))
    assert out.splitlines() == [
        "Đã nhận gói chuyen-tinh.svpcase của đơn vị 00004: 1 vụ việc, 2 tệp chứng cứ.",
        f"00004/{code}: thêm mới"]
    # The same names, sizes and SHA-256s on both sides.
    assert _ok(province, "files", f"00004/{code}") == _ok(commune, "files", code)
    assert len(_ok(province, "files", f"00004/{code}").splitlines()) == 2

    out = _ok(province, "transfer-in", str(package))
    assert "đã được nhận trước đây: không thay đổi gì" in out
    assert len(_ok(province, "files", f"00004/{code}").splitlines()) == 2

    status, out, err = run(_as(third, "transfer-in", str(package)), PASSWORD + "\n")
    assert (status, out) == (1, "")
    assert err.startswith("Tệp «chuyen-tinh.svpcase» được lập cho đơn vị 01")
    status, _, err = run(_as(third, "files", f"00004/{code}"), PASSWORD + "\n")
    assert status != 0


@pytest.mark.parametrize("alter", [
    lambda data: data[:len(data) // 2],
    lambda data: data[:-300] + bytes([data[-300] ^ 0x40]) + data[-299:],
], ids=["truncated", "tampered"])
def test_a_truncated_or_tampered_package_is_refused_with_nothing_written(
        offices: tuple[Path, Path, Path], tmp_path: Path, alter: object) -> None:
    commune, province, _ = offices
    code = _case(commune, tmp_path)
    package = tmp_path / "chuyen.svpcase"
    _ok(commune, "transfer-out", code, "--to", "01", str(package))
    package.write_bytes(alter(package.read_bytes()))  # type: ignore[operator]
    status, out, err = run(_as(province, "transfer-in", str(package)), PASSWORD + "\n")
    assert (status, out) == (1, "")
    assert err.startswith("Tệp «chuyen.svpcase» ") and "gửi lại gói" in err
    status, _, err = run(_as(province, "files", f"00004/{code}"), PASSWORD + "\n")
    assert status != 0 and "Không" in err
    assert [p for p in (province / "evidence").rglob("*") if p.is_file()] == []


def test_an_unregistered_receiver_is_refused_before_anything_is_written(
        offices: tuple[Path, Path, Path], tmp_path: Path) -> None:
    commune, _, _ = offices
    code = _case(commune, tmp_path)
    package = tmp_path / "chuyen.svpcase"
    status, _, err = run(_as(commune, "transfer-out", code, "--to", "00099", str(package)),
                         PASSWORD + "\n")
    assert status == 1 and "Đơn vị 00099 chưa được đăng ký" in err
    assert not package.exists()
