"""The ``nextToken`` codec: stateless keyset cursors bound to their query (rules T-1 to T-4, V-11).

Theory of operation: a token carries where the next page starts, the sort key of the last job returned
(rule P-4), and which query it belongs to, and nothing else; no state is kept anywhere. Layout, before
base64url encoding without padding::

    version (1) | query fingerprint (8) | queue ARN tag (4) | sort key as JSON (UTF-8) | HMAC tag (16)

The tag covers everything before it, under the caller's ``token_key`` or a built-in key (T-4). Decoding
checks the size first, then the alphabet, then that the text is the canonical encoding of its bytes (so
no two texts decode alike and any changed character is caught), then the tag, the version, the query
fingerprint and last the key's shape. Only ``json`` ever parses token bytes, and only once they are
authenticated.

The fingerprint binds the token to the queue by name, so a name and its ARN agree (T-3); the queue ARN
tag, a hash of the ARN when the query named the queue by one (else zeros), tells two ARNs of the same
name in other regions or accounts apart, which a name alone cannot. A ListJobsByConsumableResource token is
bound the same way to its consumable resource (CR-9): by name in the fingerprint, by ARN in the tag.

Speed, for a traversal that asks page after page: fingerprints are remembered per query, and the tokens
this process issued or read lately are remembered with what they carry, so the next page's token is
checked against its query without decoding it again. Both memories are bounded, and each entry is the
function of its key that the full computation gives (a token is remembered only under the key that
authenticated it), so they change no answer.

Worked example: a page of ``ListServiceJobs`` for queue ``q`` ending at a job created at 1000 with id
``a`` carries the key ``[false,-1000,"a"]``; 1 + 8 + 4 + 17 + 16 = 46 bytes make 62 characters.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
import re
from typing import Any

from ._consumable import is_resource_arn, resource_name
from ._decisions import (
    BUILTIN_TOKEN_KEY,
    TOKEN_FORMAT_VERSION,
    TOKEN_MAX_CHARACTERS,
    TOKEN_QUERY_FINGERPRINT_BYTES,
    TOKEN_QUEUE_ARN_TAG_BYTES,
    TOKEN_TAG_BYTES,
)
from ._errors import ClientException, ServerException
from ._model import Cursor, SortKey
from ._ordering import sort_key_from_json
from ._query import ListQuery
from ._queues import is_queue_arn, queue_name

__all__ = ["check_token_key", "decode_token", "encode_token", "query_fingerprint", "queue_arn_tag"]

_URL_SAFE = re.compile(r"[A-Za-z0-9_-]+")
_FINGERPRINT_END = 1 + TOKEN_QUERY_FINGERPRINT_BYTES
_HEADER_BYTES = _FINGERPRINT_END + TOKEN_QUEUE_ARN_TAG_BYTES
_NO_QUEUE_ARN = bytes(TOKEN_QUEUE_ARN_TAG_BYTES)
_SMALLEST_KEY_JSON = len(b"[]")
_SMALLEST_TOKEN_BYTES = _HEADER_BYTES + _SMALLEST_KEY_JSON + TOKEN_TAG_BYTES

INVALID_TOKEN_MESSAGE = "nextToken is not valid: it was not issued by this service, or it was altered"
OTHER_QUERY_MESSAGE = (
    "nextToken was issued for a different query: jobQueue, jobStatus and filters must stay the same "
    "from page to page"
)


# Bounded memories (see the module's notes); each is emptied when full.
_MEMORY_LIMIT = 4096
_fingerprints: dict[tuple[Any, ...], bytes] = {}
# (identifier, whether it names a consumable resource rather than a queue) -> its ARN tag.
_arn_tags: dict[tuple[str, bool], bytes] = {}
# (token key, token) -> (fingerprint, queue ARN tag, sort key as JSON data) of a token this process issued or
# authenticated.
_tokens_seen: dict[tuple[bytes | None, str], tuple[bytes, bytes, list[Any]]] = {}
_KEY_JSON = json.JSONEncoder(separators=(",", ":"), ensure_ascii=False).encode


def _remember(memory: dict[Any, Any], key: Any, value: Any) -> None:
    if len(memory) >= _MEMORY_LIMIT:
        memory.clear()
    memory[key] = value


def query_fingerprint(query: ListQuery) -> bytes:
    """What a token is bound to (T-3): the operation, the queue (by name, so an ARN and its name agree),
    the status as given, the filter, and the parent job (ListJobs). ``maxResults`` is not part of it.

    >>> from listjobs_core import LIST_SERVICE_JOBS
    >>> by_name = ListQuery(LIST_SERVICE_JOBS, job_queue="q")
    >>> arn = "arn:aws:batch:us-east-1:1:job-queue/q"
    >>> by_arn = ListQuery(LIST_SERVICE_JOBS, job_queue=arn, max_results=5)
    >>> query_fingerprint(by_name) == query_fingerprint(by_arn)
    True
    """
    job_filter = query.job_filter
    memo_key = (
        query.operation.name,
        query.job_queue,
        query.job_status,
        None if job_filter is None else (job_filter.name, job_filter.value),
        query.parent_job_member,
        query.parent_job_id,
        query.consumable_resource,
    )
    remembered = _fingerprints.get(memo_key)
    if remembered is not None:
        return remembered
    bound_to = [
        query.operation.name,
        None if query.job_queue is None else queue_name(query.job_queue),
        None if query.job_status is None else query.job_status.value,
        None if job_filter is None else [job_filter.name.value, job_filter.value],
        # ListJobs: the parent job, with the member naming it, as arrayJobId and multiNodeJobId differ.
        None if query.parent_job_id is None else [query.parent_job_member, query.parent_job_id],
    ]
    if query.consumable_resource is not None:
        # CR-9: the consumable resource, by name, so a name and its ARN agree (as the queue above).
        bound_to.append(resource_name(query.consumable_resource))
    canonical = json.dumps(bound_to, separators=(",", ":")).encode("ascii")
    fingerprint = hashlib.sha256(canonical).digest()[:TOKEN_QUERY_FINGERPRINT_BYTES]
    _remember(_fingerprints, memo_key, fingerprint)
    return fingerprint


def queue_arn_tag(query: ListQuery) -> bytes:
    """Zeros unless the query names its queue by ARN; then a hash of that ARN (T-3).

    >>> from listjobs_core import LIST_SERVICE_JOBS
    >>> queue_arn_tag(ListQuery(LIST_SERVICE_JOBS, job_queue="q"))
    b'\\x00\\x00\\x00\\x00'
    """
    queue = query.job_queue
    is_arn = is_queue_arn
    if queue is None:
        # CR-9: a consumable resource named by ARN is told apart from other ARNs of its name the same way.
        queue, is_arn = query.consumable_resource, is_resource_arn
        if queue is None:
            return _NO_QUEUE_ARN
    memo_key = (queue, is_arn is is_resource_arn)
    tag = _arn_tags.get(memo_key)
    if tag is None:
        if is_arn(queue):
            digest = hashlib.sha256(queue.encode("utf-8", "surrogatepass")).digest()
            tag = digest[:TOKEN_QUEUE_ARN_TAG_BYTES].rjust(TOKEN_QUEUE_ARN_TAG_BYTES, b"\x01")
        else:
            tag = _NO_QUEUE_ARN
        _remember(_arn_tags, memo_key, tag)
    return tag


def _same_queue_arn(token_tag: bytes, query_tag: bytes) -> bool:
    """Two ARNs must be the same ARN; a name agrees with any ARN of that name (the fingerprint's part)."""
    if _NO_QUEUE_ARN in (token_tag, query_tag):
        return True
    return hmac.compare_digest(token_tag, query_tag)


def encode_token(sort_key: SortKey, query: ListQuery, *, token_key: bytes | None = None) -> str:
    """The token for the page of ``query`` that ends at the job with ``sort_key``.

    >>> from listjobs_core import LIST_SERVICE_JOBS
    >>> query = ListQuery(LIST_SERVICE_JOBS, job_queue="q")
    >>> token = encode_token((False, -1000, "a"), query)
    >>> len(token), decode_token(token, query).sort_key
    (62, (False, -1000, 'a'))
    """
    key_data = list(sort_key)
    fingerprint, arn_tag = query_fingerprint(query), queue_arn_tag(query)
    header = bytes([TOKEN_FORMAT_VERSION]) + fingerprint + arn_tag
    payload = header + _KEY_JSON(key_data).encode("utf-8", "surrogatepass")
    token = _encode_text(payload + _tag(payload, token_key))
    if len(token) > TOKEN_MAX_CHARACTERS:
        # T-1 caps tokens; only a job whose jobId or jobName is hundreds of characters long gets here.
        raise ServerException(
            f"cannot issue a nextToken after job {sort_key[-1]!r}: its jobId and jobName are too long "
            f"for a token of at most {TOKEN_MAX_CHARACTERS} characters"
        )
    _remember(_tokens_seen, (token_key, token), (fingerprint, arn_tag, key_data))
    return token


def decode_token(token: str, query: ListQuery, *, token_key: bytes | None = None) -> Cursor:
    """The cursor a token carries, or a ``ClientException`` when the token is not one this library issued
    for ``query`` under ``token_key``.

    >>> from listjobs_core import LIST_SERVICE_JOBS
    >>> try:
    ...     decode_token("garbage", ListQuery(LIST_SERVICE_JOBS))
    ... except ClientException as error:
    ...     print(error.message)
    nextToken is not valid: it was not issued by this service, or it was altered
    """
    # Size first (T-1), so a huge value costs nothing to refuse.
    if not (_encoded_length(_SMALLEST_TOKEN_BYTES) <= len(token) <= TOKEN_MAX_CHARACTERS):
        raise ClientException(INVALID_TOKEN_MESSAGE)
    seen = _tokens_seen.get((token_key, token))
    if seen is not None:
        fingerprint, arn_tag, key_data = seen
        # The very token this process issued or authenticated under this key: what it carries is known.
        if fingerprint == query_fingerprint(query) and _same_queue_arn(arn_tag, queue_arn_tag(query)):
            sort_key = sort_key_from_json(query, key_data)
            if sort_key is not None:
                return Cursor(sort_key)
    raw = _decode_text(token)
    payload, tag = raw[:-TOKEN_TAG_BYTES], raw[-TOKEN_TAG_BYTES:]
    if not hmac.compare_digest(tag, _tag(payload, token_key)):
        raise ClientException(INVALID_TOKEN_MESSAGE)
    if payload[0] != TOKEN_FORMAT_VERSION:
        raise ClientException(f"nextToken has format version {payload[0]}, which this service does not read")
    if not hmac.compare_digest(payload[1:_FINGERPRINT_END], query_fingerprint(query)):
        raise ClientException(OTHER_QUERY_MESSAGE)
    if not _same_queue_arn(payload[_FINGERPRINT_END:_HEADER_BYTES], queue_arn_tag(query)):
        raise ClientException(OTHER_QUERY_MESSAGE)
    try:
        data = json.loads(payload[_HEADER_BYTES:].decode("utf-8", "surrogatepass"))
    except (UnicodeDecodeError, ValueError, RecursionError):
        data = None
    sort_key = sort_key_from_json(query, data)
    if sort_key is None:
        raise ClientException(OTHER_QUERY_MESSAGE)
    carried = (payload[1:_FINGERPRINT_END], payload[_FINGERPRINT_END:_HEADER_BYTES], list(sort_key))
    _remember(_tokens_seen, (token_key, token), carried)
    return Cursor(sort_key)


def check_token_key(token_key: object) -> bytes | None:
    """A caller's token key as bytes, or ``None`` for the built-in key (T-4).

    A token key is the caller's configuration, not request input, so a wrong one is a programming error
    (``TypeError``), not a ``ClientException``.

    >>> check_token_key(bytearray(b"secret"))
    b'secret'
    """
    if token_key is None:
        return None
    if not isinstance(token_key, (bytes, bytearray)) or not token_key:
        raise TypeError("token_key must be non-empty bytes or None")
    return bytes(token_key)


def _tag(payload: bytes, token_key: bytes | None) -> bytes:
    key = BUILTIN_TOKEN_KEY if token_key is None else token_key
    return hmac.digest(key, payload, "sha256")[:TOKEN_TAG_BYTES]


def _encode_text(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode("ascii")


def _encoded_length(byte_count: int) -> int:
    return (byte_count * 4 + 2) // 3


def _decode_text(token: str) -> bytes:
    """The bytes a token's text encodes; only the canonical text of some bytes is accepted."""
    if not (token.isascii() and _URL_SAFE.fullmatch(token)):
        raise ClientException(INVALID_TOKEN_MESSAGE)
    try:
        raw = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4))
    except (binascii.Error, ValueError):
        raise ClientException(INVALID_TOKEN_MESSAGE) from None
    # Base64 leaves spare bits in the last character; a text that differs from the canonical encoding of
    # its bytes (another last character, an impossible length) is an altered token.
    if len(raw) < _SMALLEST_TOKEN_BYTES or _encode_text(raw) != token:
        raise ClientException(INVALID_TOKEN_MESSAGE)
    return raw
