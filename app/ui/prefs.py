"""Window preferences of each user (columns, saved filters, sizes), kept in the data folder.

Kept beside the data rather than in the Windows registry: several officers
share a PC, and a restored backup brings their layout back.
"""

from __future__ import annotations

import json
from typing import Any

from PySide6.QtCore import QByteArray, QSettings

from app.paths import DataPaths


class UiPrefs:
    def __init__(self, paths: DataPaths, username: str) -> None:
        self._settings = _open(paths)
        self._prefix = f"{username}/"

    @classmethod
    def every_user(cls, paths: DataPaths) -> list[UiPrefs]:
        """The preferences of each user the file has some for."""
        return [cls(paths, name) for name in _open(paths).childGroups()]

    def bytes(self, key: str) -> QByteArray | None:
        value = self._settings.value(self._prefix + key)
        return value if isinstance(value, QByteArray) else None

    def set_bytes(self, key: str, value: QByteArray) -> None:
        self._settings.setValue(self._prefix + key, value)

    def json(self, key: str, default: Any) -> Any:
        value = self._settings.value(self._prefix + key)
        if not isinstance(value, str):
            return default
        try:
            return json.loads(value)
        except ValueError:
            return default

    def set_json(self, key: str, value: Any) -> None:
        self._settings.setValue(self._prefix + key, json.dumps(value, ensure_ascii=False))

    def sync(self) -> None:
        self._settings.sync()


def _open(paths: DataPaths) -> QSettings:
    return QSettings(str(paths.root / "giao-dien.ini"), QSettings.Format.IniFormat)
