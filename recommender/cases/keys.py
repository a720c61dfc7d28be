"""Service secrets and the pseudonymisation of citizen ids.

The pseudonymisation key and the session secret come from configuration, or are generated at first
start into the data directory (32 random bytes, hex, file mode 0600, created with ``O_EXCL`` so two
workers starting together agree on one key). Citizen ids are stored only as a keyed hash
(HMAC-SHA256): without the key, a stored record cannot be linked back to a case-system id, and ids
cannot be guessed by hashing candidate ids.

>>> p = Pseudonymiser(b"k" * 32)
>>> p.citizen("P500-0001") == p.citizen("P500-0001"), len(p.citizen("P500-0001"))
(True, 64)
>>> p.citizen("P500-0001") != Pseudonymiser(b"x" * 32).citizen("P500-0001")
True
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import secrets
from pathlib import Path

from recommender import RecommenderError

__all__ = ["Pseudonymiser", "load_or_create_secret"]


def load_or_create_secret(directory: Path, name: str) -> bytes:
    """The secret in ``directory/name``, generated (0600, owner only) when the file does not exist."""
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True, mode=0o700)
    path = directory / name
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        pass
    else:
        with os.fdopen(fd, "w", encoding="ascii") as fh:
            fh.write(secrets.token_hex(32) + "\n")
            fh.flush()
            os.fsync(fh.fileno())
    text = path.read_text(encoding="ascii").strip()
    if len(text) < 32:
        raise RecommenderError(
            f"{path}: expected a secret of at least 32 characters; the file is "
            f"empty or cut short (delete it only if no data was stored with it)"
        )
    return text.encode()


class Pseudonymiser:
    """Keyed hashes of citizen ids and of request inputs (for the audit trail)."""

    def __init__(self, key: bytes):
        if len(key) < 16:
            raise RecommenderError("pseudonym key: expected at least 16 bytes")
        self._key = key

    def citizen(self, citizen_id: str) -> str:
        """The stored pseudonym of a citizen id (64 hex characters)."""
        return hmac.new(self._key, b"citizen\0" + citizen_id.encode(), hashlib.sha256).hexdigest()

    def input_hash(self, data: object) -> str:
        """A keyed hash of a request's input, canonical JSON (the audit trail's "hash of the input")."""
        text = json.dumps(data, sort_keys=True, ensure_ascii=False, default=str)
        return hmac.new(self._key, b"input\0" + text.encode(), hashlib.sha256).hexdigest()
