"""Member checks the plug-in's requests share beyond the core's (each a ClientException naming the member)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ... import ClientException
from ..._json import show
from ...service import required_string

__all__ = ["one_of", "required_text"]


def one_of(value: object, member: str, choices: tuple[str, ...]) -> str:
    """A required member that must be one of the model's enum values, case-sensitive.

    >>> one_of("ENABLED", "state", ("ENABLED", "DISABLED"))
    'ENABLED'
    >>> one_of("enabled", "state", ("ENABLED", "DISABLED"))
    Traceback (most recent call last):
    ...
    listjobs_core._errors.ClientException: state must be one of ENABLED, DISABLED; got 'enabled'
    """
    if value is None:
        raise ClientException(f"{member} is required")
    if value not in choices:
        raise ClientException(f"{member} must be one of {', '.join(choices)}; got {show(value)}")
    return str(value)


def required_text(mapping: Mapping[str, Any], member: str, where: str) -> str:
    """A required, non-empty string member of a nested object, named with its place (``where.member``).

    >>> required_text({}, "reason", "jobStateTimeLimitActions[0]")
    Traceback (most recent call last):
    ...
    listjobs_core._errors.ClientException: jobStateTimeLimitActions[0].reason is required
    """
    return required_string(mapping, member, named=f"{where}.{member}")
