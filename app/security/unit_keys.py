"""An office's own key pairs for the exchange between offices (shared/spec/exchange.md): one
for signing (Ed25519), one for receiving (X25519).

Both private halves come from one random seed, which is sealed like a backup's file key
(`sealing.seal_file_key`): to the public half P of the administrators' key A, so that any
session can hold it sealed but only A (an administrator's password or the recovery key)
opens it. The public halves are kept plainly and given to other offices in a small file
(`services/units.py`); a fingerprint of both is what two offices read to each other by
phone before one registers the other's.
"""

from __future__ import annotations

import base64
import hashlib
import os
from dataclasses import dataclass

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey, X25519PublicKey
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from app.security.sealing import SealedFileKey, open_file_key, seal_file_key

SEED_SIZE = 32
PUBLIC_KEY_SIZE = 32
SIGNATURE_SIZE = 64
# The fingerprint: the first 16 bytes of a SHA-256 over both public halves, read out as
# eight groups of four hexadecimal digits (128 bits: no other key pair is found to match).
_FINGERPRINT_BYTES = 16
_FINGERPRINT_GROUP = 4


def _derived(seed: bytes, info: bytes) -> bytes:
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=info).derive(seed)


def _signing(seed: bytes) -> Ed25519PrivateKey:
    return Ed25519PrivateKey.from_private_bytes(_derived(seed, b"sovipham unit ed25519 v1"))


def _receiving(seed: bytes) -> X25519PrivateKey:
    return X25519PrivateKey.from_private_bytes(_derived(seed, b"sovipham unit x25519 v1"))


@dataclass(frozen=True)
class PublicKeys:
    """The public halves of a unit's two key pairs."""

    signing: bytes
    receiving: bytes

    @property
    def fingerprint(self) -> str:
        digest = hashlib.sha256(b"sovipham unit keys v1" + self.signing + self.receiving)
        text = digest.digest()[:_FINGERPRINT_BYTES].hex().upper()
        return " ".join(text[i:i + _FINGERPRINT_GROUP]
                        for i in range(0, len(text), _FINGERPRINT_GROUP))

    def to_json(self) -> dict[str, str]:
        return {"signing_key": base64.b64encode(self.signing).decode(),
                "receiving_key": base64.b64encode(self.receiving).decode()}

    @classmethod
    def from_json(cls, data: dict[str, object]) -> PublicKeys:
        """ValueError when the keys are missing or not 32 bytes each."""
        found = cls(*(base64.b64decode(str(data.get(name, "")), validate=True)
                      for name in ("signing_key", "receiving_key")))
        if (len(found.signing), len(found.receiving)) != (PUBLIC_KEY_SIZE, PUBLIC_KEY_SIZE):
            raise ValueError("unit public keys")
        Ed25519PublicKey.from_public_bytes(found.signing)  # ValueError when not a key
        return found


def new_seed() -> bytes:
    return os.urandom(SEED_SIZE)


def public_keys(seed: bytes) -> PublicKeys:
    return PublicKeys(_signing(seed).public_key().public_bytes_raw(),
                      _receiving(seed).public_key().public_bytes_raw())


def seal_seed(admin_public_key: bytes, seed: bytes) -> SealedFileKey:
    """The seed sealed to P: only the administrators' key opens it."""
    return seal_file_key(admin_public_key, seed)


def open_seed(admin_key: bytes, sealed: SealedFileKey) -> bytes | None:
    """The seed, or None when it was not sealed to this A's P (or was altered)."""
    return open_file_key(admin_key, sealed)


def sign(seed: bytes, message: bytes) -> bytes:
    return _signing(seed).sign(message)


def key_for_unit(receiving_key: bytes, context: bytes) -> tuple[bytes, bytes]:
    """A fresh content key only the unit of `receiving_key` can derive again: (the
    ephemeral public half to send along, the key). `context` is bound into the key."""
    ephemeral = X25519PrivateKey.generate()
    public = ephemeral.public_key().public_bytes_raw()
    shared = ephemeral.exchange(X25519PublicKey.from_public_bytes(receiving_key))
    return public, _content_key(shared, public, receiving_key, context)


def key_as_unit(seed: bytes, ephemeral_public: bytes, context: bytes) -> bytes:
    """The content key of `key_for_unit`, derived with this unit's receiving key."""
    own = _receiving(seed)
    shared = own.exchange(X25519PublicKey.from_public_bytes(ephemeral_public))
    return _content_key(shared, ephemeral_public, own.public_key().public_bytes_raw(), context)


def _content_key(shared: bytes, ephemeral_public: bytes, receiving_key: bytes,
                 context: bytes) -> bytes:
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=ephemeral_public + receiving_key,
                info=b"sovipham unit content key v1 " + context).derive(shared)


def signature_matches(signing_key: bytes, message: bytes, signature: bytes) -> bool:
    try:
        Ed25519PublicKey.from_public_bytes(signing_key).verify(signature, message)
    except (InvalidSignature, ValueError):
        return False
    return True
