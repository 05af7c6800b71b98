"""``nextToken`` for the resource listings (DescribeJobQueues, ListQuotaShares), bound to their query.

Theory of operation: a resource listing is ordered by a string key (a queue's creation number, a quota
share's name), so a page ends at a key and the next page starts after it. A token carries that key and a
fingerprint of the query it belongs to, under an HMAC tag (rule QS-6), and nothing else; no state is
kept. Layout, before base64url encoding without padding::

    version (1) | query fingerprint (8) | last key (UTF-8) | HMAC-SHA256 tag (16)

The tag is made under the caller's token key, or the built-in key of the listing tokens (T-4), so a
token of one server is refused by a server with another key. A token of another query (another queue, a
listing of another operation) is refused with a message that says so; any other text with the invalid
token message of the listings.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac

from .._decisions import BUILTIN_TOKEN_KEY
from .._errors import ClientException

__all__ = ["decode_resource_token", "encode_resource_token"]

_VERSION = 1
_FINGERPRINT_BYTES = 8
_TAG_BYTES = 16
_MAX_CHARACTERS = 1024
_INVALID = "nextToken is not valid: it was not issued by this service, or it was altered"


def _fingerprint(operation: str, bound_to: str) -> bytes:
    data = f"{operation}\x00{bound_to}".encode("utf-8", "surrogatepass")
    return hashlib.sha256(data).digest()[:_FINGERPRINT_BYTES]


def _tag(payload: bytes, token_key: bytes | None) -> bytes:
    key = BUILTIN_TOKEN_KEY if token_key is None else token_key
    return hmac.digest(key, payload, "sha256")[:_TAG_BYTES]


def encode_resource_token(operation: str, bound_to: str, last_key: str, token_key: bytes | None) -> str:
    """The token of the page of ``operation`` for the query ``bound_to`` that ended at ``last_key``.

    >>> token = encode_resource_token("ListQuotaShares", "queue-arn", "share-b", None)
    >>> decode_resource_token(token, "ListQuotaShares", "queue-arn", None)
    'share-b'
    """
    payload = bytes([_VERSION]) + _fingerprint(operation, bound_to) + last_key.encode("utf-8")
    return base64.urlsafe_b64encode(payload + _tag(payload, token_key)).rstrip(b"=").decode("ascii")


def decode_resource_token(token: object, operation: str, bound_to: str, token_key: bytes | None) -> str:
    """The last key a token carries; a ``ClientException`` naming ``nextToken`` for anything but a token
    issued for this operation and query under this key.

    >>> decode_resource_token("abc", "ListQuotaShares", "queue-arn", None)
    Traceback (most recent call last):
    ...
    listjobs_core._errors.ClientException: nextToken is not valid: it was not issued by this service, ...
    >>> other = encode_resource_token("ListQuotaShares", "another-queue", "x", None)
    >>> decode_resource_token(other, "ListQuotaShares", "queue-arn", None)
    Traceback (most recent call last):
    ...
    listjobs_core._errors.ClientException: nextToken was issued for a different query: ...
    """
    if not isinstance(token, str):
        raise ClientException("nextToken must be a string")
    if not token or len(token) > _MAX_CHARACTERS or not token.isascii():
        raise ClientException(_INVALID)
    try:
        raw = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4))
    except (binascii.Error, ValueError):
        raise ClientException(_INVALID) from None
    if len(raw) < 1 + _FINGERPRINT_BYTES + _TAG_BYTES:
        raise ClientException(_INVALID)
    if base64.urlsafe_b64encode(raw).rstrip(b"=").decode("ascii") != token:
        raise ClientException(_INVALID)
    payload, tag = raw[:-_TAG_BYTES], raw[-_TAG_BYTES:]
    if not hmac.compare_digest(tag, _tag(payload, token_key)) or payload[0] != _VERSION:
        raise ClientException(_INVALID)
    if not hmac.compare_digest(payload[1 : 1 + _FINGERPRINT_BYTES], _fingerprint(operation, bound_to)):
        raise ClientException(
            "nextToken was issued for a different query: the request must stay the same from page to page"
        )
    try:
        return payload[1 + _FINGERPRINT_BYTES :].decode("utf-8")
    except UnicodeDecodeError:
        raise ClientException(_INVALID) from None
