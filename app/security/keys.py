"""The data key, and how it is kept: sealed ("wrapped") once per account password
and once for the recovery key printed at `init`.

Whoever can sign in can unwrap the data key; changing or resetting a password only
re-wraps the same key, so nothing encrypted ever needs re-encrypting.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
import secrets
import unicodedata
from dataclasses import asdict, dataclass
from enum import StrEnum

from argon2.low_level import Type, hash_secret_raw
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from app.errors import UserError
from app.security.cipher import DecryptionError, seal, unseal

KEY_SIZE = 32
RECOVERY_GROUPS = 8  # 8 groups of 5 base32 characters: 200 bits
NONCE_SIZE = 12  # AES-GCM's, as `seal` writes it
TAG_SIZE = 16  # AES-GCM's
MIN_SALT_SIZE = 8  # Argon2's


@dataclass(frozen=True)
class KdfParams:
    """Argon2id cost of turning a password into a wrapping key (stored with each wrap)."""

    time_cost: int = 3
    memory_cost: int = 64 * 1024  # KiB
    parallelism: int = 4

    @classmethod
    def from_json(cls, data: object) -> KdfParams:
        if not isinstance(data, dict) or set(data) != {"time_cost", "memory_cost",
                                                       "parallelism"}:
            raise ValueError("params")
        values = [data["time_cost"], data["memory_cost"], data["parallelism"]]
        if not all(type(value) is int for value in values):
            raise ValueError("params")
        return cls(*values)

    @property
    def accepted(self) -> bool:
        """Within KDF_BOUNDS: a wrap read back (a backup's header comes from outside) makes
        Argon2 run as long and take as much memory as its cost says."""
        return all(getattr(self, name) in bounds for name, bounds in KDF_BOUNDS.items())


# The program seals with 3 passes over 64 MiB in 4 lanes (0.13 s). Up to 10 passes over
# 1 GiB in 16 lanes leaves room to raise that while one unwrapping stays under ten seconds
# and a gigabyte (6–10 s measured), where a crafted header could ask for years or
# terabytes. The floor only refuses nonsense (Argon2 needs 8 KiB per lane; the test suite
# seals with 1 MiB): a wrap's cost protects that wrap alone.
KDF_BOUNDS = {
    "time_cost": range(1, 11),
    "memory_cost": range(1024, 1024 * 1024 + 1),  # KiB
    "parallelism": range(1, 17),
}


# New wraps use this; tests lower it to keep the suite fast (stored wraps keep theirs).
kdf_params = KdfParams()


class WrapKind(StrEnum):
    PASSWORD = "password"
    RECOVERY = "recovery"


@dataclass(frozen=True)
class Wrap:
    """The data key sealed under a key derived from a password or the recovery key."""

    kind: str
    salt: bytes
    params: KdfParams
    nonce: bytes
    sealed: bytes

    def to_json(self) -> dict[str, object]:
        return {"kind": self.kind, "params": asdict(self.params),
                **{name: base64.b64encode(getattr(self, name)).decode()
                   for name in ("salt", "nonce", "sealed")}}

    @classmethod
    def from_json(cls, data: dict[str, object]) -> Wrap:
        """A stored wrap; `WrapRefused` when it is damaged or its key derivation is out of
        KDF_BOUNDS (the recovery key's derivation takes no cost)."""
        try:
            wrap = cls(WrapKind(str(data["kind"])), _b64(data["salt"]),
                       KdfParams.from_json(data["params"]), _b64(data["nonce"]),
                       _b64(data["sealed"]))
        except (KeyError, TypeError, ValueError) as exc:
            raise WrapRefused() from exc
        if len(wrap.nonce) != NONCE_SIZE or len(wrap.salt) < MIN_SALT_SIZE or (
                wrap.kind == WrapKind.PASSWORD and not wrap.params.accepted):
            raise WrapRefused()
        return wrap

    @property
    def holds_admin_key(self) -> bool:
        """Whether it seals the administrators' key after the data key (an administrator's
        or the recovery wrap), told by its length without opening it."""
        return len(self.sealed) == 2 * KEY_SIZE + TAG_SIZE


class WrapRefused(UserError, ValueError):
    """A sealed copy of the data key is damaged or asks for a key derivation far beyond the
    program's own."""

    def __init__(self) -> None:
        super().__init__("Khóa niêm phong dữ liệu bị hỏng hoặc đã bị sửa (sai cấu trúc, hoặc "
                         "đòi chi phí giải mã vượt xa mức chương trình dùng) nên không được "
                         "chấp nhận. Không có gì bị thay đổi; nếu đang khôi phục, hãy dùng "
                         "một bản sao lưu khác.")


def _b64(value: object) -> bytes:
    return base64.b64decode(str(value), validate=True)


def new_data_key() -> bytes:
    return os.urandom(KEY_SIZE)


def key_id(data_key: bytes) -> str:
    """A fingerprint that tells whether two folders or backups share a data key."""
    return hmac.new(data_key, b"sovipham key id", hashlib.sha256).hexdigest()[:32]


def _normalise_password(password: str) -> bytes:
    return unicodedata.normalize("NFC", password).encode()


def _password_key(password: str, salt: bytes, params: KdfParams) -> bytes:
    return hash_secret_raw(_normalise_password(password), salt, time_cost=params.time_cost,
                           memory_cost=params.memory_cost, parallelism=params.parallelism,
                           hash_len=KEY_SIZE, type=Type.ID)


def _recovery_key_bytes(recovery_key: str, salt: bytes) -> bytes:
    # The recovery key is random (200 bits): a fast derivation is enough.
    cleaned = "".join(recovery_key.split()).replace("-", "").upper().encode()
    return HKDF(algorithm=hashes.SHA256(), length=KEY_SIZE, salt=salt,
                info=b"sovipham recovery v1").derive(cleaned)


def wrap_for_password(data_key: bytes, password: str) -> Wrap:
    salt, params = os.urandom(16), kdf_params
    nonce, sealed = seal(_password_key(password, salt, params), data_key,
                         WrapKind.PASSWORD.encode())
    return Wrap(WrapKind.PASSWORD, salt, params, nonce, sealed)


def wrap_for_recovery(data_key: bytes, recovery_key: str) -> Wrap:
    salt = os.urandom(16)
    nonce, sealed = seal(_recovery_key_bytes(recovery_key, salt), data_key,
                         WrapKind.RECOVERY.encode())
    return Wrap(WrapKind.RECOVERY, salt, KdfParams(0, 0, 0), nonce, sealed)


def unwrap(wrap: Wrap, secret: str) -> bytes | None:
    """The data key, or None when `secret` is not the password/recovery key of `wrap`."""
    if wrap.kind == WrapKind.RECOVERY:
        key = _recovery_key_bytes(secret, wrap.salt)
    else:
        key = _password_key(secret, wrap.salt, wrap.params)
    try:
        return unseal(key, wrap.nonce, wrap.sealed, wrap.kind.encode())
    except DecryptionError:
        return None


def unwrap_nothing(password: str) -> None:
    """The work of `unwrap` for a name that has no wrap, so that refusing an unknown account
    takes as long as refusing a wrong password."""
    _password_key(password, os.urandom(16), kdf_params)


def new_recovery_key() -> str:
    """Groups of five letters and digits, easy to read aloud and type back."""
    text = base64.b32encode(secrets.token_bytes(RECOVERY_GROUPS * 5 * 5 // 8)).decode()
    return "-".join(text[i:i + 5] for i in range(0, RECOVERY_GROUPS * 5, 5))
