"""The data folder's key file: the data key sealed once per active account and once for
the recovery key, and the sign-in lockout state.

It lives beside the encrypted database because it is needed before the database can be
opened; in server mode its content is a row of the server's database instead
(`services/vault.py` chooses, `app/db/key_store.py` stores it). Accounts are named by a
tag (a hash of the name as sign-in folds it), not in clear; failed sign-ins wait here
until the next successful one writes them to the audit log, and never say what was typed
in the user field.
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
import tempfile
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from app.domain.accounts import username_key
from app.errors import DataFolderError
from app.security.keys import Wrap, WrapKind, WrapRefused

FORMAT = 1
# Failed sign-ins kept for the audit log; beyond this the oldest go (a script hammering
# the sign-in must not grow the file without end). Their count is kept.
MAX_PENDING_FAILURES = 500


def account_tag(username: str) -> str:
    """Says which wrap is whose without writing account names in the clear."""
    return hashlib.sha256(f"sovipham account {username_key(username)}".encode()).hexdigest()[:24]


@dataclass(frozen=True)
class SealedCopy:
    """A wrap with whose it is (an account's tag; None for the recovery key): how a
    backup's header and the accounts seal carry the key file's wraps."""

    account: str | None
    wrap: Wrap

    def to_json(self) -> dict[str, object]:
        return {"account": self.account, **self.wrap.to_json()}

    @classmethod
    def from_json(cls, data: object) -> SealedCopy:
        """`WrapRefused` when it is damaged, or its key derivation out of bounds."""
        if not isinstance(data, dict):
            raise WrapRefused()
        account = data.get("account")
        wrap = Wrap.from_json(data)
        if (account is None) != (wrap.kind == WrapKind.RECOVERY) or not (
                account is None or isinstance(account, str)):
            raise WrapRefused()
        return cls(account, wrap)


@dataclass
class Lockout:
    failed: int = 0
    until: datetime | None = None


@dataclass(frozen=True)
class FailedSignIn:
    at: datetime
    account: str | None  # the tag of an existing account; None for a name that is not one
    reason: str


@dataclass
class KeyFile:
    key_id: str
    accounts: dict[str, Wrap] = field(default_factory=dict)
    recovery: Wrap | None = None
    lockouts: dict[str, Lockout] = field(default_factory=dict)
    failures: list[FailedSignIn] = field(default_factory=list)
    dropped_failures: int = 0
    # Shown on the sign-in screen, before the database can be read.
    office_name: str = ""
    # The fingerprint of the administrators' key, once there is one (sealed with the data
    # key in administrators' wraps and the recovery wrap).
    admin_key_id: str | None = None
    # P, the public key backups are sealed to (`sealing.py`): derived from the
    # administrators' key, public, checked against it at each administrator's sign-in.
    backup_key: bytes | None = None

    def note_failure(self, failure: FailedSignIn) -> None:
        self.failures.append(failure)
        excess = len(self.failures) - MAX_PENDING_FAILURES
        if excess > 0:
            del self.failures[:excess]
            self.dropped_failures += excess

    def to_json(self) -> dict[str, object]:
        return {
            "format": FORMAT, "key_id": self.key_id, "office_name": self.office_name,
            "admin_key_id": self.admin_key_id,
            "backup_key": base64.b64encode(self.backup_key).decode() if self.backup_key else None,
            "accounts": {tag: wrap.to_json() for tag, wrap in self.accounts.items()},
            "recovery": self.recovery.to_json() if self.recovery else None,
            "lockouts": {tag: {"failed": state.failed,
                               "until": state.until.isoformat() if state.until else None}
                         for tag, state in self.lockouts.items()},
            "failures": [{"at": f.at.isoformat(), "account": f.account, "reason": f.reason}
                         for f in self.failures],
            "dropped_failures": self.dropped_failures,
        }

    @classmethod
    def from_json(cls, data: dict[str, object]) -> KeyFile:
        accounts = data["accounts"]
        lockouts = data["lockouts"]
        failures = data["failures"]
        recovery = data["recovery"]
        assert isinstance(accounts, dict) and isinstance(lockouts, dict)
        assert isinstance(failures, list) and (recovery is None or isinstance(recovery, dict))
        return cls(
            key_id=str(data["key_id"]),
            accounts={str(tag): Wrap.from_json(wrap) for tag, wrap in accounts.items()},
            recovery=Wrap.from_json(recovery) if recovery else None,
            lockouts={str(tag): Lockout(int(state["failed"]), _when(state["until"]))
                      for tag, state in lockouts.items()},
            failures=[FailedSignIn(datetime.fromisoformat(f["at"]), f["account"],
                                   str(f["reason"])) for f in failures],
            dropped_failures=int(str(data.get("dropped_failures", 0))),
            office_name=str(data.get("office_name", "")),
            admin_key_id=str(data["admin_key_id"]) if data.get("admin_key_id") else None,
            backup_key=(base64.b64decode(str(data["backup_key"]), validate=True)
                        if data.get("backup_key") else None),
        )


def _when(value: object) -> datetime | None:
    return datetime.fromisoformat(str(value)) if value else None


def load(path: Path) -> KeyFile | None:
    """The key file, or None when there is none."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return None
    except OSError as exc:
        raise DataFolderError(f"Không đọc được tệp khóa {path}: {exc.strerror}.") from exc
    return parse(text, f"Tệp khóa {path}")


def parse(text: str, where: str) -> KeyFile:
    """The key file's content (from the file, or in server mode from the database),
    refused as damaged; `where` names it in the message."""
    try:
        data = json.loads(text)
        if data.get("format") != FORMAT:
            raise ValueError("format")
        return KeyFile.from_json(data)
    except (ValueError, KeyError, TypeError, AssertionError, AttributeError) as exc:
        raise DataFolderError(
            f"{where} bị hỏng: không mở được cơ sở dữ liệu đã mã hóa. Hãy khôi phục "
            "từ một bản sao lưu (bằng mật khẩu quản trị hoặc khóa khôi phục).") from exc


def dumps(keyfile: KeyFile) -> str:
    return json.dumps(keyfile.to_json(), ensure_ascii=False, indent=1)


def save(path: Path, keyfile: KeyFile) -> None:
    """Write the whole file: a crash leaves the old one or the new one."""
    text = dumps(keyfile)
    handle, temp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}-", suffix=".part")
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as stream:
            stream.write(text)
            stream.flush()
            os.fsync(stream.fileno())
        os.replace(temp, path)  # mkstemp made it readable by its owner only
    finally:
        Path(temp).unlink(missing_ok=True)
