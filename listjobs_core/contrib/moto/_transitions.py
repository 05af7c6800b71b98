"""moto's state manager for service jobs: the transition set for ``batch::service_job`` (rule MS-8).

Theory of operation: nothing in moto runs SageMaker training jobs, so a service job's status moves only
when something moves it. One of those is moto's state manager, when a transition is set for the model
``SERVICE_JOB_MODEL``: one step along the service's ``AUTOMATIC_PATH`` per ``times`` DescribeServiceJob
calls of the job (``manual``), per ``seconds`` of time (``time``), or the whole path at once
(``immediate``). The default transition is ``none``: a submitted job stays ``SUBMITTED`` until it is moved
or terminated, which is deterministic, and the same choice the reference endpoint makes (H-4). This module
reads and checks the transition; the steps themselves are the service's status moves
(``listjobs_core.service.moved_job``), applied by ``_job_operations.catch_up``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from ... import ServerException
from ..._json import show

__all__ = ["DEFAULT_TRANSITION", "SERVICE_JOB_MODEL", "Transition", "parse_transition"]

# MS-8: the model name a transition is set for in moto's state manager, in moto's "<service>::<model>" form.
SERVICE_JOB_MODEL = "batch::service_job"
# MS-8: "a submitted job stays SUBMITTED until something moves it". moto's state manager knows the
# progressions immediate, manual and time; "none" is the plug-in's, and moto's own models ignore it.
DEFAULT_TRANSITION: dict[str, Any] = {"progression": "none"}


@dataclass(frozen=True)
class Transition:
    """A transition of moto's state manager, as the plug-in reads it for ``batch::service_job``."""

    progression: str  # "none", "immediate", "manual" or "time"
    times: int = 1  # manual: DescribeServiceJob calls per step
    seconds: float = 0.0  # time: seconds per step


def parse_transition(config: object) -> Transition:
    """The transition moto's state manager holds, checked; a malformed one is a ``ServerException``.

    >>> parse_transition({"progression": "manual", "times": 3})
    Transition(progression='manual', times=3, seconds=0.0)
    >>> parse_transition({"progression": "time"})  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    listjobs_core._errors.ServerException: ... time needs a number of seconds above 0, got nothing
    """
    where = f"The transition set for {SERVICE_JOB_MODEL} is malformed"
    if not isinstance(config, Mapping):
        raise ServerException(f"{where}: it is not an object")
    progression = config.get("progression")
    if progression in ("none", "immediate"):
        return Transition(progression)
    if progression == "manual":
        times = config.get("times")
        if type(times) is not int or times < 0:
            raise ServerException(
                f"{where}: manual needs times, an integer of at least 0, got {_shown(times)}"
            )
        return Transition("manual", times=times)
    if progression == "time":
        seconds = config.get("seconds")
        if (
            not isinstance(seconds, (int, float))
            or isinstance(seconds, bool)
            or not 0 < seconds < float("inf")
        ):
            raise ServerException(f"{where}: time needs a number of seconds above 0, got {_shown(seconds)}")
        return Transition("time", seconds=float(seconds))
    raise ServerException(
        f"{where}: progression must be none, immediate, manual or time, got {_shown(progression)}"
    )


def _shown(value: object) -> str:
    return "nothing" if value is None else show(value)
