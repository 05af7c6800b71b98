"""Reading jobs files: the jobs a shell (the CLI, an HTTP endpoint) lists, as JSON on disk.

Theory of operation: the listing core takes any iterable of job mappings and treats a malformed job as a
server fault (SEMANTICS.md, E-2). A jobs file is the caller's own input, so this module checks it up front
and rejects it with a message that names the file, the job (``jobs[12]`` in a JSON array, ``line 13`` in
JSON Lines) and the member, before any request is answered.

A jobs file is either

- a JSON array of job objects, when its first non-whitespace character is ``[``; or
- JSON Lines: one job object per line; blank lines are skipped.

Each job is checked by :func:`validate_job`, which asks the service what a job it would hold is
(``listjobs_core.service.job_problem``: the core's ``_jobs.find_job_problem``, ``jobId`` and ``jobName``
non-empty strings, every member the model names of its model type, ``version`` a non-negative integer,
null members absent, SEMANTICS.md IN-1 and IN-3; and the service's rules on a record, H-16: ``tags``
strings to strings, no NUL in ``jobId`` or ``jobName``). Two jobs with the same ``jobId`` are an error:
``jobId`` is the final tie-break of every order (O-1, O-2). The size limit is ``serve``'s to apply (H-16).

Every problem is a :class:`JobsFileError`, never a bare ``OSError``, ``UnicodeDecodeError`` or JSON error.

>>> jobs = parse_jobs('{"jobId": "a", "jobName": "train"}\\n\\n{"jobId": "b", "jobName": "eval"}\\n')
>>> [job["jobId"] for job in jobs]
['a', 'b']
>>> parse_jobs('[{"jobId": "a", "jobName": "train", "createdAt": "soon"}]', "jobs.json")
Traceback (most recent call last):
    ...
listjobs_core.endpoint._jobsfile.JobsFileError: jobs.json: jobs[0]: member 'createdAt' must be an integer, \
got a string
"""

from __future__ import annotations

import os
from typing import Any

from .._json import InvalidJson, decode_json, json_kind
from ..service import job_problem

__all__ = ["JobsFileError", "load_jobs", "parse_jobs", "validate_job"]


class JobsFileError(ValueError):
    """A jobs file (or one job in it) is unreadable or malformed; the message says where and why."""


_JSON_WHITESPACE = " \t\r\n"


def validate_job(job: object, where: str) -> None:
    """Raise :class:`JobsFileError` unless ``job`` is a well-formed job; ``where`` prefixes the message.

    What a job the service holds is lives in one place, ``listjobs_core.service.job_problem``; this only
    says where the job is. ``where`` names the job for a person, e.g. ``"jobs.json: jobs[12]"``.
    O(size of the job).

    >>> validate_job({"jobId": "a", "jobName": "train", "version": 2}, "example")
    >>> validate_job({"jobId": "a", "jobName": ""}, "example")
    Traceback (most recent call last):
        ...
    listjobs_core.endpoint._jobsfile.JobsFileError: example: member 'jobName' must be a non-empty string, \
got ''
    """
    problem = job_problem(job)
    if problem is not None:
        raise JobsFileError(f"{where}: {problem}")


def _decode_json(text: str, source: str, line: int | None = None) -> Any:
    """Parse one JSON text: the whole file, or (JSON Lines) its ``line``; errors name the file position."""
    where = source if line is None else f"{source}: line {line}"
    try:
        return decode_json(text)
    except InvalidJson as error:
        if error.line is None:
            raise JobsFileError(f"{where}: invalid JSON: {error.reason}") from None
        error_line = error.line if line is None else line
        raise JobsFileError(
            f"{source}: line {error_line}, column {error.column}: invalid JSON: {error.reason}"
        ) from None


def _parse_array(text: str, source: str) -> list[tuple[str, Any]]:
    document = _decode_json(text, source)
    if not isinstance(document, list):
        raise JobsFileError(f"{source}: expected a JSON array of jobs, got {json_kind(document)}")
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
    listjobs_core.endpoint._jobsfile.JobsFileError: jobs.jsonl: line 2: duplicate jobId 'a', first at line 1
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
