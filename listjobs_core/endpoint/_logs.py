"""The endpoint's request log: one ``logging`` record per request, as text or as JSON lines (rule H-17).

Theory of operation: the HTTP shell calls ``log_request`` once per request it answers (or gives up on),
with what it knows: the request id it sent in ``x-amzn-RequestId``, the client, the method and path, the
operation (when the route named one), the status, the time taken, and for an error its wire type and its
message. The record goes to the logger ``listjobs_core.endpoint``: at INFO, or at ERROR with the traceback
for an unexpected exception, which never reaches the client (rule H-3). The fields travel on the record as
``record.request`` (a dict), so a formatter can render them in any form; the record's message is already
a ``key=value`` line, which any handler (pytest's log capture, a plain ``StreamHandler``) shows as it is.

``configure_logging`` is what ``serve`` uses: a handler on standard error with the ``text`` or ``json``
format at a given level. A program embedding the endpoint configures ``logging`` as it likes instead.
"""

from __future__ import annotations

import json
import logging
import time
from typing import Any, TextIO

__all__ = [
    "LOGGER_NAME",
    "LOG_FORMATS",
    "JsonLineFormatter",
    "TextLineFormatter",
    "configure_logging",
    "log_request",
]

LOGGER_NAME = "listjobs_core.endpoint"
LOG_FORMATS = ("text", "json")

logger = logging.getLogger(LOGGER_NAME)


def log_request(
    *,
    request_id: str,
    client: str,
    method: str | None,
    path: str | None,
    operation: str | None,
    status: int,
    started: float,
    error_type: str | None = None,
    error_message: str | None = None,
    fault: BaseException | None = None,
) -> None:
    """Log one request; ``started`` is its ``time.perf_counter()`` start, ``fault`` an unexpected
    exception whose traceback goes with the record."""
    level = logging.ERROR if fault is not None else logging.INFO
    if not logger.isEnabledFor(level):
        return
    fields: dict[str, Any] = {
        "request_id": request_id,
        "client": client,
        "method": method,
        "path": path,
        "operation": operation,
        "status": status,
        "duration_ms": round((time.perf_counter() - started) * 1000, 3),
    }
    if error_type is not None:
        fields["error_type"] = error_type
        fields["message"] = error_message
    exc_info = None if fault is None else (type(fault), fault, fault.__traceback__)
    logger.log(level, "%s", _key_values(fields), exc_info=exc_info, extra={"request": fields})


def _key_values(fields: dict[str, Any]) -> str:
    """``request_id=... operation=... status=200 duration_ms=1.25``; strings with spaces, quotes or
    anything outside printable ASCII quoted as JSON; absent values left out."""
    parts = []
    for name, value in fields.items():
        if value is None:
            continue
        text = str(value)
        if isinstance(value, str) and (
            not text
            or not text.isprintable()
            or not text.isascii()
            or any(character in text for character in ' "=\\')
        ):
            text = json.dumps(value)
        parts.append(f"{name}={text}")
    return " ".join(parts)


def _timestamp(record: logging.LogRecord) -> str:
    seconds = time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(record.created))
    return f"{seconds}.{int(record.msecs):03d}Z"


class TextLineFormatter(logging.Formatter):
    """``2025-06-01T12:00:00.123Z INFO listjobs_core.endpoint request_id=... status=200 ...``, then the
    traceback, if any, on the lines that follow."""

    def format(self, record: logging.LogRecord) -> str:
        line = f"{_timestamp(record)} {record.levelname} {record.name} {record.getMessage()}"
        if record.exc_info:
            line += "\n" + self.formatException(record.exc_info)
        return line


class JsonLineFormatter(logging.Formatter):
    """One JSON object per record: ``time``, ``level``, ``logger``, the request's fields (or ``message``
    for another record) and ``traceback`` when there is one."""

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {"time": _timestamp(record), "level": record.levelname, "logger": record.name}
        request = getattr(record, "request", None)
        if isinstance(request, dict):
            entry.update(request)
        else:
            entry["message"] = record.getMessage()
        if record.exc_info:
            entry["traceback"] = self.formatException(record.exc_info)
        return json.dumps(entry)


def configure_logging(level: str, log_format: str, stream: TextIO) -> logging.Handler:
    """Send the package's log records of ``level`` and above to ``stream`` in ``log_format``
    (``text`` or ``json``), and no further up the logger tree; returns the handler."""
    handler = logging.StreamHandler(stream)
    handler.setFormatter(JsonLineFormatter() if log_format == "json" else TextLineFormatter())
    package_logger = logging.getLogger(LOGGER_NAME.split(".")[0])
    package_logger.addHandler(handler)
    package_logger.setLevel(level.upper())
    package_logger.propagate = False
    return handler
