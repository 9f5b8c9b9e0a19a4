"""The notices of the third-party software shipped with the program: each package's name,
version, licence and the licence texts it carries, and for Qt what the LGPL asks for.

The packages are the program's runtime requirements and theirs, recursively, as installed.
The build writes the text to a file it bundles (scripts/licences.py, build.spec): a frozen
program has no package metadata. Run from source, the About box builds the same text here.
"""

from __future__ import annotations

import re
import sys
import sysconfig
from collections.abc import Iterator
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path

from app import __version__
from app.domain.labels import PROGRAM_NAME
from app.resources import resource_path

PROJECT = "sovipham"
FILE_NAME = "THIRD-PARTY-NOTICES.txt"

_REQUIREMENT = re.compile(r"\s*([A-Za-z0-9][A-Za-z0-9._-]*)\s*(?:\[([^\]]*)\])?")
_EXTRA = re.compile(r"""extra\s*==\s*["']([^"']+)["']""")
_CONNECTIVES = re.compile(r"\b(and|or)\b|[()\s]")
_LICENCE_FILE = re.compile(r"(LICEN[CS]E|COPYING|NOTICE)", re.IGNORECASE)
# Texts a package is under but does not carry (the PySide6 wheels carry none), kept in
# resources/licences/ and printed once at the end. The LGPL 3 is a set of permissions
# added to the GPL 3, and asks for both.
_GNU_TEXTS = {"LGPL-3.0": ("LGPL-3.0.txt", "GPL-3.0.txt")}
_QT_PACKAGE = "pyside6-essentials"
_RULE = "=" * 78


@dataclass(frozen=True)
class Package:
    name: str
    version: str
    licence: str
    home: str
    texts: tuple[tuple[str, str], ...]  # (file name, text) found in its metadata folder


def notices_text() -> str:
    """What the About box shows: the bundled file in a built program, else made now."""
    if getattr(sys, "frozen", False):
        return resource_path(FILE_NAME).read_text(encoding="utf-8")
    packages, _missing = runtime_packages()
    return render(packages)


def runtime_packages() -> tuple[list[Package], list[str]]:
    """The installed distributions the program runs with, by name; and the names of those
    it requires unconditionally that are not installed."""
    found: dict[str, metadata.Distribution] = {}
    missing: list[str] = []
    seen: set[tuple[str, str | None]] = set()
    pending = list(_requirements(metadata.distribution(PROJECT), None))
    while pending:
        name, extras, conditional = pending.pop()
        key = _normalised(name)
        try:
            dist = found.get(key) or metadata.distribution(name)
        except metadata.PackageNotFoundError:
            # One with an environment marker is taken as not meant for this system.
            if not conditional:
                missing.append(name)
            continue
        found[key] = dist
        for extra in (None, *extras):
            if (key, extra) not in seen:
                seen.add((key, extra))
                pending.extend(_requirements(dist, extra))
    packages = [_package(dist) for _key, dist in sorted(found.items())]
    return packages, sorted(missing)


def _requirements(dist: metadata.Distribution,
                  extra: str | None) -> Iterator[tuple[str, tuple[str, ...], bool]]:
    """(name, extras asked for, has another condition) of what `dist` requires, itself
    (`extra` None) or for `extra`."""
    for line in dist.requires or ():
        requirement, _, marker = line.partition(";")
        for_extras = _EXTRA.findall(marker)
        if (extra not in for_extras) if extra is not None else bool(for_extras):
            continue
        match = _REQUIREMENT.match(requirement)
        if match is None:
            continue
        asked = tuple(e.strip() for e in (match.group(2) or "").split(",") if e.strip())
        yield match.group(1), asked, bool(_CONNECTIVES.sub("", _EXTRA.sub("", marker)))


def _normalised(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def _first(dist: metadata.Distribution, field: str) -> str:
    values = dist.metadata.get_all(field) or []
    return str(values[0]).strip() if values else ""


def _package(dist: metadata.Distribution) -> Package:
    return Package(_first(dist, "Name"), dist.version, _licence(dist), _home(dist),
                   tuple(_licence_texts(dist)))


def _licence(dist: metadata.Distribution) -> str:
    expression = _first(dist, "License-Expression")
    if expression:
        return expression
    declared = _first(dist, "License")
    if declared and "\n" not in declared and len(declared) <= 100:  # not a whole text
        return declared
    classifiers = [str(c).split(" :: ")[-1] for c in dist.metadata.get_all("Classifier") or []
                   if str(c).startswith("License ::")]
    return ", ".join(classifiers) or "xem văn bản giấy phép bên dưới"


def _home(dist: metadata.Distribution) -> str:
    urls = {re.sub(r"[\s_-]", "", label).lower(): url.strip() for label, _, url in
            (str(u).partition(",") for u in dist.metadata.get_all("Project-URL") or [])}
    for label in ("homepage", "home", "source", "sourcecode", "code", "repository", "github"):
        if label in urls:
            return urls[label]
    return _first(dist, "Home-page") or urls.get("documentation", "")


def _licence_texts(dist: metadata.Distribution) -> Iterator[tuple[str, str]]:
    """The licence, copying and notice files of the distribution's metadata folder."""
    names = [name for entry in dist.metadata.get_all("License-File") or []
             for name in (f"licenses/{entry}", str(entry))]
    for file in dist.files or ():
        parts = file.parts
        if len(parts) > 1 and parts[0].endswith(".dist-info") and (
                parts[1] == "licenses" or _LICENCE_FILE.match(parts[-1])):
            names.append("/".join(parts[1:]))
    given: set[str] = set()
    for name in dict.fromkeys(names):
        text = _read(dist, name)
        if text is not None and text.strip() and text not in given:
            given.add(text)
            yield name.removeprefix("licenses/"), text.strip()


def _read(dist: metadata.Distribution, name: str) -> str | None:
    """A file of the metadata folder; one written in Latin-1 (pypdfium2 ships such
    notices of older libraries) read as Latin-1."""
    try:
        return dist.read_text(name)
    except UnicodeDecodeError:
        found = next(f for f in dist.files or ()
                     if f.parts[0].endswith(".dist-info") and "/".join(f.parts[1:]) == name)
        return found.read_binary().decode("latin-1")


def _missing_gnu_texts(package: Package) -> tuple[str, ...]:
    return tuple(name for spdx, names in _GNU_TEXTS.items()
                 if spdx in package.licence
                 and not any("GNU LESSER GENERAL PUBLIC LICENSE" in t for _, t in package.texts)
                 for name in names)


def render(packages: list[Package]) -> str:
    """The whole notice: the Qt statement, the list, each package's texts, then the texts
    several packages share."""
    lines = [f"{PROGRAM_NAME} {__version__} — phần mềm của bên thứ ba / third-party software",
             _RULE, "",
             "Chương trình có kèm các phần mềm tự do, nguồn mở dưới đây, mỗi phần mềm theo giấy "
             "phép của nó (văn bản đầy đủ ở dưới).",
             "This program includes the free and open-source software below, each under its "
             "own licence (full texts below).", ""]
    qt = next((p for p in packages if _normalised(p.name) == _QT_PACKAGE), None)
    if qt is not None:
        lines += _qt_statement(qt.version)
    lines += ["Danh sách / Contents", "-" * 20]
    python = _python_licence()
    lines += [f"  {p.name} {p.version} — {p.licence}" for p in packages]
    if python is not None:
        lines.append(f"  Python {sys.version.split()[0]} — PSF-2.0")
    lines += ["  Liberation Serif (phông chữ / fonts) — OFL-1.1", ""]
    shared: dict[str, None] = {}
    for package in packages:
        lines += ["", _RULE, f"{package.name} {package.version}",
                  f"Giấy phép / Licence: {package.licence}"]
        if package.home:
            lines.append(f"Trang chủ / Home page: {package.home}")
        added = _missing_gnu_texts(package)
        shared.update(dict.fromkeys(added))
        if added:
            lines.append("Văn bản giấy phép / Licence text: "
                         + ", ".join(name.removesuffix(".txt") for name in added)
                         + " ở cuối tệp / at the end")
        for name, text in package.texts:
            lines += ["", f"--- {name} ---", text]
    if python is not None:
        lines += ["", _RULE, f"Python {sys.version.split()[0]}",
                  "Giấy phép / Licence: PSF-2.0", "", python]
    fonts = resource_path("fonts", "OFL.txt").read_text(encoding="utf-8").strip()
    lines += ["", _RULE, "Liberation Serif 2.1.5 (phông chữ của báo cáo PDF / fonts of the PDF "
              "report)", "Giấy phép / Licence: OFL-1.1", "", fonts]
    for name in shared:
        text = resource_path("licences", name).read_text(encoding="utf-8").strip()
        lines += ["", _RULE, text]
    return "\n".join(lines) + "\n"


def _python_licence() -> str | None:
    """Python's own licence, shipped with the interpreter a built program carries."""
    for folder in (Path(sysconfig.get_paths()["stdlib"]), Path(sys.base_prefix)):
        candidate = folder / "LICENSE.txt"
        if candidate.is_file():
            return candidate.read_text(encoding="utf-8").strip()
    return None


def _qt_statement(version: str) -> list[str]:
    qt = ".".join(version.split(".")[:3])  # a PySide6 6.8.0.2 carries Qt 6.8.0
    return [
        "Qt và PySide6 / Qt and PySide6 (LGPL-3.0)", "-" * 42,
        f"Chương trình dùng nguyên bản, không sửa đổi, thư viện Qt {qt} và PySide6, shiboken6 "
        f"{version} phát hành trên PyPI, theo Giấy phép Công cộng Hạng nhẹ GNU phiên bản 3 "
        "(văn bản LGPL-3.0 và GPL-3.0 ở cuối tệp này). Các thư viện này được liên kết động: "
        "chúng là những tệp riêng trong thư mục _internal/PySide6 của thư mục chương trình, "
        "được nạp khi chạy, và người dùng có thể thay chúng bằng bản cùng phiên bản do mình "
        "biên dịch hoặc sửa đổi.",
        "",
        f"The program uses Qt {qt} and PySide6, shiboken6 {version} unmodified, as published "
        "on PyPI, under the GNU Lesser General Public License version 3 (the LGPL-3.0 and "
        "GPL-3.0 texts are at the end of this file). They are dynamically linked: separate "
        "files in the _internal/PySide6 folder of the program folder, loaded at run time, "
        "which a user may replace with their own or a modified build of the same version.",
        "",
        "Mã nguồn / Source code:",
        f"  PySide6, shiboken6: https://code.qt.io/cgit/pyside/pyside-setup.git/ (tag v{version})",
        "                      https://download.qt.io/official_releases/QtForPython/",
        f"  Qt: https://code.qt.io/cgit/qt/qt5.git/ (tag v{qt})",
        f"      https://download.qt.io/archive/qt/{'.'.join(qt.split('.')[:2])}/{qt}/single/",
        "",
    ]
