"""Reading jobs files: the jobs a shell (the CLI, an HTTP endpoint) lists, as JSON on disk.

Theory of operation: the listing core takes any iterable of job mappings and treats a malformed job as a
server fault (SEMANTICS.md, E-2). A jobs file is the caller's own input, so this module checks it up front
and rejects it with a message that names the file, the job (``jobs[12]`` in a JSON array, ``line 13`` in
JSON Lines) and the member, before any request is answered.

A jobs file is either

- a JSON array of job objects, when its first non-whitespace character is ``[``; or
- JSON Lines: one job object per line; blank lines are skipped.

Each job is checked by :func:`validate_job`: a JSON object whose ``jobId`` and ``jobName`` are non-empty
strings; the timestamps ``createdAt``, ``startedAt``, ``stoppedAt`` and ``scheduledAt``, when present, are
integers (milliseconds since the epoch; booleans are not integers here); ``status``, ``jobArn``,
``shareIdentifier``, ``quotaShareName``, ``statusReason``, ``serviceJobType`` and ``jobQueue``, when present,
are strings; ``version``, when present, is a non-negative integer (SEMANTICS.md, IN-3). Two jobs with the
same ``jobId`` are an error: ``jobId`` is the final tie-break of every order (O-1, O-2).

Every problem is a :class:`JobsFileError`, never a bare ``OSError``, ``UnicodeDecodeError`` or JSON error.

>>> jobs = parse_jobs('{"jobId": "a", "jobName": "train"}\\n\\n{"jobId": "b", "jobName": "eval"}\\n')
>>> [job["jobId"] for job in jobs]
['a', 'b']
>>> parse_jobs('[{"jobId": "a", "jobName": "train", "createdAt": "soon"}]', "jobs.json")
Traceback (most recent call last):
    ...
listjobs_core._jobsfile.JobsFileError: jobs.json: jobs[0]: member 'createdAt' must be an integer, got string
"""

from __future__ import annotations

import json
import os
from collections.abc import Mapping
from typing import Any, NoReturn

__all__ = ["JobsFileError", "load_jobs", "parse_jobs", "validate_job"]


class JobsFileError(ValueError):
    """A jobs file (or one job in it) is unreadable or malformed; the message says where and why."""


_JSON_WHITESPACE = " \t\r\n"
_REQUIRED_STRING_MEMBERS = ("jobId", "jobName")
_TIMESTAMP_MEMBERS = ("createdAt", "startedAt", "stoppedAt", "scheduledAt")
_OPTIONAL_STRING_MEMBERS = (
    "status",
    "jobArn",
    "shareIdentifier",
    "quotaShareName",
    "statusReason",
    "serviceJobType",
    "jobQueue",
)


def _json_kind(value: object) -> str:
    """Name a value's JSON type, as a person editing the file would call it."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, (int, float)):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, (list, tuple)):
        return "array"
    if isinstance(value, Mapping):
        return "object"
    return type(value).__name__


def _is_integer(value: object) -> bool:
    # bool is a subclass of int, but `true` is not a timestamp.
    return isinstance(value, int) and not isinstance(value, bool)


def validate_job(job: object, where: str) -> None:
    """Raise :class:`JobsFileError` unless ``job`` is a well-formed job; ``where`` prefixes the message.

    ``where`` names the job for a person, e.g. ``"jobs.json: jobs[12]"`` or ``"PUT /jobs: body"``.
    O(number of members).

    >>> validate_job({"jobId": "a", "jobName": "train", "version": 2}, "example")
    >>> validate_job({"jobId": "a", "jobName": ""}, "example")
    Traceback (most recent call last):
        ...
    listjobs_core._jobsfile.JobsFileError: example: member 'jobName' must be a non-empty string, got ''
    """
    if not isinstance(job, Mapping):
        raise JobsFileError(f"{where}: expected a JSON object, got {_json_kind(job)}")
    for member in _REQUIRED_STRING_MEMBERS:
        if member not in job:
            raise JobsFileError(f"{where}: member {member!r} is missing")
        value = job[member]
        if not isinstance(value, str) or not value:
            got = "''" if isinstance(value, str) else _json_kind(value)
            raise JobsFileError(f"{where}: member {member!r} must be a non-empty string, got {got}")
    for member in _TIMESTAMP_MEMBERS:
        if member in job and not _is_integer(job[member]):
            raise JobsFileError(
                f"{where}: member {member!r} must be an integer, got {_json_kind(job[member])}"
            )
    for member in _OPTIONAL_STRING_MEMBERS:
        if member in job and not isinstance(job[member], str):
            raise JobsFileError(f"{where}: member {member!r} must be a string, got {_json_kind(job[member])}")
    if "version" in job:
        version = job["version"]
        if not _is_integer(version):
            raise JobsFileError(
                f"{where}: member 'version' must be a non-negative integer, got {_json_kind(version)}"
            )
        if version < 0:
            raise JobsFileError(f"{where}: member 'version' must be a non-negative integer, got {version}")


def _reject_constant(name: str) -> NoReturn:
    # json accepts NaN and Infinity, which are not JSON and would make responses unserialisable.
    raise ValueError(f"{name} is not allowed in JSON")


def _decode_json(text: str, source: str, line: int | None = None) -> Any:
    """Parse one JSON text: the whole file, or (JSON Lines) its ``line``; errors name the file position."""
    where = source if line is None else f"{source}: line {line}"
    try:
        return json.loads(text, parse_constant=_reject_constant)
    except json.JSONDecodeError as error:
        error_line = error.lineno if line is None else line
        raise JobsFileError(
            f"{source}: line {error_line}, column {error.colno}: invalid JSON: {error.msg}"
        ) from None
    except RecursionError:
        raise JobsFileError(f"{where}: invalid JSON: nested too deeply") from None
    except ValueError as error:  # NaN/Infinity, or an integer too long to convert
        raise JobsFileError(f"{where}: invalid JSON: {error}") from None


def _parse_array(text: str, source: str) -> list[tuple[str, Any]]:
    document = _decode_json(text, source)
    if not isinstance(document, list):
        raise JobsFileError(f"{source}: expected a JSON array of jobs, got {_json_kind(document)}")
    return [(f"jobs[{index}]", job) for index, job in enumerate(document)]


def _parse_lines(text: str, source: str) -> list[tuple[str, Any]]:
    located: list[tuple[str, Any]] = []
    # Split on "\n" only: str.splitlines would also split at U+2028 and friends, which JSON strings may hold.
    for number, line in enumerate(text.split("\n"), start=1):
        if not line.strip():
            continue
        located.append((f"line {number}", _decode_json(line, source, number)))
    return located


def parse_jobs(text: str, source: str = "<jobs>") -> list[dict[str, Any]]:
    """Parse and check the text of a jobs file (a JSON array or JSON Lines); ``source`` names it. O(n).

    Returns the jobs in file order. Raises :class:`JobsFileError` for invalid JSON (with its line and
    column), a job that is not a well-formed job object (see :func:`validate_job`), or a repeated ``jobId``.

    >>> parse_jobs("[]")
    []
    >>> parse_jobs('{"jobId": "a", "jobName": "x"}\\n{"jobId": "a", "jobName": "y"}', "jobs.jsonl")
    Traceback (most recent call last):
        ...
    listjobs_core._jobsfile.JobsFileError: jobs.jsonl: line 2: duplicate jobId 'a', first at line 1
    """
    text = text.removeprefix("\ufeff")  # a UTF-8 byte order mark, as some editors write
    array = text.lstrip(_JSON_WHITESPACE).startswith("[")
    located = _parse_array(text, source) if array else _parse_lines(text, source)
    jobs: list[dict[str, Any]] = []
    first_seen: dict[str, str] = {}
    for position, job in located:
        where = f"{source}: {position}"
        validate_job(job, where)
        job_id = job["jobId"]
        if job_id in first_seen:
            raise JobsFileError(f"{where}: duplicate jobId {job_id!r}, first at {first_seen[job_id]}")
        first_seen[job_id] = position
        jobs.append(job)
    return jobs


def load_jobs(path: str | os.PathLike[str]) -> list[dict[str, Any]]:
    """Read, parse and check the jobs file at ``path`` (UTF-8; a JSON array or JSON Lines). O(n).

    Raises :class:`JobsFileError`, whose message starts with the path, when the file cannot be read, is
    not UTF-8, or does not hold well-formed jobs (see :func:`parse_jobs`).
    """
    source = os.fsdecode(path)
    try:
        with open(path, "rb") as file:
            data = file.read()
    except OSError as error:
        reason = error.strerror or str(error)
        raise JobsFileError(f"{source}: cannot read jobs file: {reason}") from None
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        line = data.count(b"\n", 0, error.start) + 1
        raise JobsFileError(
            f"{source}: not valid UTF-8 at line {line} (byte offset {error.start}): {error.reason}"
        ) from None
    return parse_jobs(text, source)
