"""The third-party notices the build bundles (scripts/licences.py, app/notices.py)."""

from __future__ import annotations

import re
import subprocess
import sys
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _key(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def test_the_notices_name_every_runtime_dependency_with_its_licence(tmp_path: Path) -> None:
    target = tmp_path / "THIRD-PARTY-NOTICES.txt"
    subprocess.run([sys.executable, str(ROOT / "scripts" / "licences.py"), str(target)],
                   check=True, timeout=120)
    text = target.read_text(encoding="utf-8")
    declared = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    required = {_key(re.match(r"[A-Za-z0-9._-]+", line)[0])  # type: ignore[index]
                for line in declared["project"]["dependencies"]}
    # Each package's section opens with its name and version, then its licence.
    sections = {_key(m[1]): m[2] for m in re.finditer(
        r"^={78}\n(\S+) \S+\nGiấy phép / Licence: (.+)$", text, re.MULTILINE)}
    assert required <= set(sections)
    assert "shiboken6" in sections  # what they require, in turn
    assert "LGPL-3.0" in sections["pyside6-essentials"]
    # The PySide6 wheels carry no licence text: the GNU texts are added, once, at the end
    # (a package may quote one in its own texts: psycopg its LGPL, pypdfium2 for the libgcc
    # of some builds).
    assert text.count(f"{'=' * 78}\nGNU LESSER GENERAL PUBLIC LICENSE") == 1
    assert "LGPL-3.0" in sections["psycopg"]
    gpl = "GNU GENERAL PUBLIC LICENSE\n                       Version 3"
    assert text.count(f"{'=' * 78}\n{gpl}") == 1
    assert "Các thư viện này được liên kết động" in text
    assert "SIL OPEN FONT LICENSE Version 1.1" in text
