"""JSON as listjobs_core reads it: strict decoding, and how messages name values and their JSON types.

Theory of operation: every shell reads JSON from outside (an HTTP body, a request on the command line, a
jobs file), and every message about a bad value names its JSON type. Both live here, once:

- ``decode_json`` accepts exactly JSON: Python's ``json`` also reads ``NaN``, ``Infinity`` and
  ``-Infinity``, which no JSON document holds and which would make a response unserialisable, so they are
  refused; so is a text nested too deeply to decode, and an integer too long to convert. Every problem is
  an ``InvalidJson`` whose message says what is wrong and where, for the caller to wrap in its own error.
- ``json_kind`` names a value's JSON type with its article (``a string``, ``an object``), and ``show``
  renders a value for a message, cut short, so that a huge value never makes a huge message.
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping
from typing import NoReturn

__all__ = ["InvalidJson", "decode_json", "json_kind", "show"]


class InvalidJson(ValueError):
    """A text that is not strict JSON; the message says why, and where when the parser knows.

    ``reason`` is the message without the position; ``line`` and ``column`` (1-based) locate the problem
    when the parser knows where it is, else they are ``None``.
    """

    def __init__(self, reason: str, line: int | None = None, column: int | None = None) -> None:
        where = "" if line is None else f" at line {line}, column {column}"
        super().__init__(reason + where)
        self.reason = reason
        self.line = line
        self.column = column


def _reject_constant(name: str) -> NoReturn:
    raise ValueError(f"{name} is not valid JSON")


def decode_json(text: str) -> object:
    """The value a strict JSON text holds.

    >>> decode_json('{"maxResults": 3}')
    {'maxResults': 3}
    >>> decode_json('[NaN]')
    Traceback (most recent call last):
    ...
    listjobs_core._json.InvalidJson: NaN is not valid JSON
    >>> decode_json('{"a": }')
    Traceback (most recent call last):
    ...
    listjobs_core._json.InvalidJson: Expecting value at line 1, column 7
    >>> decode_json('"a\x01"')
    Traceback (most recent call last):
    ...
    listjobs_core._json.InvalidJson: Invalid control character at line 1, column 3
    """
    try:
        return json.loads(text, parse_constant=_reject_constant)
    except json.JSONDecodeError as error:
        # Some of the parser's reasons end in "at" ("Invalid control character at"), as they are written
        # to be followed by a position; the position follows here anyway.
        reason = error.msg.removesuffix(" at")
        raise InvalidJson(reason, error.lineno, error.colno) from None
    except RecursionError:
        raise InvalidJson("nested too deeply") from None
    except ValueError as error:  # NaN/Infinity, or an integer too long to convert
        raise InvalidJson(_plain_reason(error)) from None


def _plain_reason(error: ValueError) -> str:
    """The reason of a conversion error, without the interpreter's advice to the programmer."""
    text = str(error)
    if "int_max_str_digits" in text or "integer string conversion" in text:
        return "an integer has too many digits"
    return text.split(";", 1)[0]


def json_kind(value: object) -> str:
    """A value's JSON type with its article, for messages.

    >>> [json_kind(value) for value in (None, True, 1, 1.5, "x", [1], {"a": 1})]
    ['null', 'a boolean', 'an integer', 'a number', 'a string', 'an array', 'an object']
    """
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, int):
        return "an integer"
    if isinstance(value, float):
        return "a number"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, (list, tuple)):
        return "an array"
    if isinstance(value, Mapping):
        return "an object"
    return type(value).__name__


def show(value: object) -> str:
    """A value for a message: a scalar as it is written (``true``, ``false`` and ``null`` as JSON writes
    them, a string quoted), else its JSON type; cut to 80 characters.

    >>> show("RUNNING"), show([1, 2]), show(10**100), show(True), show(None), show(2.5), show(float("inf"))
    ("'RUNNING'", 'an array', 'an integer out of range', 'true', 'null', '2.5', 'a number that is not finite')
    """
    if type(value) is int and value.bit_length() > 64:
        return "an integer out of range"  # repr of a huge int is slow, and refused past 4300 digits
    if value is None or isinstance(value, bool):
        return json.dumps(value)  # messages name JSON values as JSON writes them, never as Python does
    if isinstance(value, float) and not math.isfinite(value):
        return "a number that is not finite"  # no JSON text holds one; only a Python caller can send it
    text = repr(value) if isinstance(value, (str, int, float)) else json_kind(value)
    return text if len(text) <= 80 else text[:77] + "..."
