"""What the administrators' key A does beyond being kept in their wraps: the backup key
pair, and the MACs that say an administrator made or approved something.

Any session can make a backup, but only A opens one: the program derives an X25519 key
pair from A, keeps its public half P in the key file, and seals each backup's random file
key to P (an ephemeral X25519 key, HKDF, AES-GCM). Whoever holds only the data key (every
account does) can seal to P but never open what was sealed.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
from dataclasses import dataclass
from enum import Enum

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey, X25519PublicKey
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from app.security.cipher import DecryptionError, seal, unseal

PUBLIC_KEY_SIZE = 32
NONCE_SIZE = 12
FILE_KEY_SIZE = 32
TAG_SIZE = 16
MAC_SIZE = 32
_FILE_KEY_AAD = b"sovipham backup file key v1"


class MacPurpose(Enum):
    """Each MAC has a key of its own derived from A, so one can never pass for another."""

    BACKUP = b"sovipham backup mac v1"  # the header of a backup made by an administrator
    ACCOUNTS = b"sovipham accounts seal v1"  # the accounts an administrator approved


def _derived(key: bytes, info: bytes, salt: bytes | None = None) -> bytes:
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=salt, info=info).derive(key)


def _backup_private_key(admin_key: bytes) -> X25519PrivateKey:
    return X25519PrivateKey.from_private_bytes(_derived(admin_key, b"sovipham backup x25519 v1"))


def backup_public_key(admin_key: bytes) -> bytes:
    """P: what backups are sealed to, kept in the key file for sessions without A."""
    return _backup_private_key(admin_key).public_key().public_bytes_raw()


@dataclass(frozen=True)
class SealedFileKey:
    """A backup's file key sealed to P, as its header carries it."""

    ephemeral: bytes
    nonce: bytes
    sealed: bytes

    def to_json(self) -> dict[str, str]:
        return {name: base64.b64encode(getattr(self, name)).decode()
                for name in ("ephemeral", "nonce", "sealed")}

    @classmethod
    def from_json(cls, data: object) -> SealedFileKey:
        """ValueError when it is not one (wrong fields or sizes)."""
        if not isinstance(data, dict) or set(data) != {"ephemeral", "nonce", "sealed"}:
            raise ValueError("sealed file key")
        found = cls(*(base64.b64decode(str(data[name]), validate=True)
                      for name in ("ephemeral", "nonce", "sealed")))
        if (len(found.ephemeral), len(found.nonce), len(found.sealed)) != (
                PUBLIC_KEY_SIZE, NONCE_SIZE, FILE_KEY_SIZE + TAG_SIZE):
            raise ValueError("sealed file key")
        return found


def _sealing_key(shared: bytes, ephemeral: bytes, public_key: bytes) -> bytes:
    return _derived(shared, _FILE_KEY_AAD, salt=ephemeral + public_key)


def seal_file_key(public_key: bytes, file_key: bytes) -> SealedFileKey:
    """`file_key` sealed so that only the holder of the A behind `public_key` opens it."""
    ephemeral = X25519PrivateKey.generate()
    ephemeral_public = ephemeral.public_key().public_bytes_raw()
    shared = ephemeral.exchange(X25519PublicKey.from_public_bytes(public_key))
    nonce, sealed = seal(_sealing_key(shared, ephemeral_public, public_key), file_key,
                         _FILE_KEY_AAD)
    return SealedFileKey(ephemeral_public, nonce, sealed)


def open_file_key(admin_key: bytes, sealed: SealedFileKey) -> bytes | None:
    """The file key, or None when it was not sealed to this A's P (or was altered)."""
    private = _backup_private_key(admin_key)
    public_key = private.public_key().public_bytes_raw()
    try:
        shared = private.exchange(X25519PublicKey.from_public_bytes(sealed.ephemeral))
        return unseal(_sealing_key(shared, sealed.ephemeral, public_key), sealed.nonce,
                      sealed.sealed, _FILE_KEY_AAD)
    except (ValueError, DecryptionError):  # ValueError: a low-order point, no shared key
        return None


def mac(admin_key: bytes, purpose: MacPurpose, message: bytes) -> bytes:
    return hmac.new(_derived(admin_key, purpose.value), message, hashlib.sha256).digest()


def mac_matches(admin_key: bytes, purpose: MacPurpose, message: bytes, found: bytes) -> bool:
    return hmac.compare_digest(mac(admin_key, purpose, message), found)
