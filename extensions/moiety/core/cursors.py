"""Opaque feed cursors: an event id, versioned and signed, in base64url.

A cursor that was garbled, cut short or made up raises :class:`InvalidCursor` instead of paging
from an arbitrary place. With the default secret the signature is a keyed checksum; give the
service's own secret to make cursors unforgeable. Forging one would gain nothing anyway: every
page is filtered by what the caller may see.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import re
import struct

from .errors import InvalidInput

DEFAULT_SECRET = b"moiety feed cursor"
VERSION = 1
_PAYLOAD = struct.Struct(">BQ")
_MAC_BYTES = 9  # 9 + 9 bytes: 24 base64 characters, none with spare bits
_LENGTH = _PAYLOAD.size + _MAC_BYTES
_ALPHABET = re.compile(r"[A-Za-z0-9_-]{1,64}")


class InvalidCursor(InvalidInput):
    code = "invalid-cursor"

    def __init__(self):
        super().__init__(
            "This feed cursor is not one Moiety gave out (it may be cut short or from an older "
            "version); start again from the first page, without 'before'."
        )


def encode_cursor(event_id: int, secret: bytes = DEFAULT_SECRET) -> str:
    payload = _PAYLOAD.pack(VERSION, event_id)
    return base64.urlsafe_b64encode(payload + _mac(payload, secret)).rstrip(b"=").decode()


def decode_cursor(cursor: str, secret: bytes = DEFAULT_SECRET) -> int:
    """The event id in ``cursor``, or :class:`InvalidCursor`."""
    if not isinstance(cursor, str) or not _ALPHABET.fullmatch(cursor):
        raise InvalidCursor()
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
    except (binascii.Error, ValueError):
        raise InvalidCursor() from None
    if len(raw) != _LENGTH:
        raise InvalidCursor()
    payload, mac = raw[: _PAYLOAD.size], raw[_PAYLOAD.size :]
    if not hmac.compare_digest(mac, _mac(payload, secret)):
        raise InvalidCursor()
    version, event_id = _PAYLOAD.unpack(payload)
    if version != VERSION or event_id < 1:
        raise InvalidCursor()
    return event_id


def _mac(payload: bytes, secret: bytes) -> bytes:
    return hmac.new(secret, payload, hashlib.sha256).digest()[:_MAC_BYTES]
