"""Moving service jobs to any status from a test: ``set_service_job_status`` in decorator mode, moto's own
``/moto-api/config`` in server mode (rule MS-9).

Theory of operation: a test that wants RUNNING, SUCCEEDED or FAILED jobs (AWS moves them; nothing in moto
does) names each job by its jobId or ARN, the status, and optionally ``statusReason`` and the timestamps
``scheduledAt``, ``startedAt``, ``stoppedAt`` (milliseconds since the epoch). Both ways go through
``apply_moves``: every move is checked first, and the jobs are written only when all of them are valid, so
a refused request changes nothing. A job is found in whichever account and region holds it (job ids are
UUIDs).

In server mode the moves travel in the body of moto's ``POST /moto-api/config``, under the key
``service_job_status`` of the ``batch`` section: ``{"batch": {"service_job_status": [{"jobId": ...,
"status": "RUNNING"}, ...]}}``. The plug-in takes them out before moto stores the configuration, so
``GET /moto-api/config`` never shows them, and a body holding nothing else leaves moto's ``batch``
configuration (``use_docker``) as it was; moto itself replaces the whole section with what is posted. A bad
move is answered with HTTP 400 and a ``ClientException`` body.
"""

from __future__ import annotations

import contextlib
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from ... import ClientException
from ..._json import json_kind, show
from ...service import TIMESTAMP_MEMBERS, describe_response, moved_job
from ._job_operations import catch_up, find_job, job_named, store_moved
from ._responses import context_now
from ._state import ServiceState, live_states

__all__ = ["MOVES_CONFIG_KEY", "apply_moves", "set_service_job_status", "take_moves"]

# MS-9: where the moves go in moto's configuration (POST /moto-api/config, section "batch").
MOVES_CONFIG_KEY = "service_job_status"
_MOVE_MEMBERS = frozenset({"jobId", "status", "statusReason", *TIMESTAMP_MEMBERS})


@dataclass(frozen=True)
class _Move:
    job: str
    status: object
    status_reason: object
    timestamps: dict[str, object]


def set_service_job_status(
    job_id: str,
    status: str,
    *,
    status_reason: str | None = None,
    scheduled_at: int | None = None,
    started_at: int | None = None,
    stopped_at: int | None = None,
) -> dict[str, Any]:
    """Move a service job to ``status`` and return it as DescribeServiceJob describes it (rule MS-9).

    ``job_id`` is the job's id or ARN. Timestamps the status calls for and the job lacks are now; those
    given are kept, if consistent: ``createdAt <= scheduledAt <= startedAt <= stoppedAt``. Anything invalid
    raises ``ClientException`` and changes nothing.
    """
    move = {
        "jobId": job_id,
        "status": status,
        "statusReason": status_reason,
        "scheduledAt": scheduled_at,
        "startedAt": started_at,
        "stoppedAt": stopped_at,
    }
    return apply_moves([move])[0]


def take_moves(config: object) -> tuple[object, object]:
    """Split a posted moto configuration into what moto stores and the moves (``None`` when there are none).

    >>> take_moves({"batch": {"use_docker": False, "service_job_status": []}})
    ({'batch': {'use_docker': False}}, [])
    >>> take_moves({"batch": {"service_job_status": []}, "lambda": {"use_docker": False}})
    ({'lambda': {'use_docker': False}}, [])
    >>> take_moves({"batch": {"use_docker": True}})
    ({'batch': {'use_docker': True}}, None)
    """
    if not isinstance(config, Mapping):
        return config, None
    batch = config.get("batch")
    if not isinstance(batch, Mapping) or MOVES_CONFIG_KEY not in batch:
        return config, None
    rest = {key: value for key, value in batch.items() if key != MOVES_CONFIG_KEY}
    stored = {key: value for key, value in config.items() if key != "batch"}
    if rest:
        stored["batch"] = rest
    return stored, batch[MOVES_CONFIG_KEY]


def apply_moves(moves: object) -> list[dict[str, Any]]:
    """Apply a list of moves all together, or none of them; the jobs as described after the moves."""
    if not isinstance(moves, list):
        raise ClientException(f"{MOVES_CONFIG_KEY} must be a list of moves, got {json_kind(moves)}")
    checked = [_checked(move, index) for index, move in enumerate(moves)]
    located = [(find_job(live_states(), move.job)[1], move) for move in checked]
    states: list[ServiceState] = sorted({id(state): state for state, _ in located}.values(), key=id)
    context = context_now()
    with contextlib.ExitStack() as held:
        for state in states:
            held.enter_context(state.lock)
        for state in states:
            catch_up(state, context)
        after: dict[tuple[int, str], tuple[ServiceState, dict[str, Any]]] = {}
        keys: list[tuple[int, str]] = []
        for state, move in located:
            job = job_named(state, move.job)
            key = (id(state), job["jobId"])
            current = after[key][1] if key in after else job
            after[key] = (
                state,
                moved_job(
                    current,
                    move.status,
                    context.now_ms,
                    status_reason=move.status_reason,
                    timestamps=move.timestamps,
                ),
            )
            keys.append(key)
        for state, job in after.values():
            store_moved(state, job, context.now_ms)
    return [describe_response(after[key][1]) for key in keys]


def _checked(move: object, index: int) -> _Move:
    where = f"{MOVES_CONFIG_KEY}[{index}]"
    if not isinstance(move, Mapping):
        raise ClientException(f"{where} must be an object, got {json_kind(move)}")
    unknown = sorted(str(member) for member in move if member not in _MOVE_MEMBERS)
    if unknown:
        raise ClientException(f"{where} has members it does not know: {', '.join(unknown)}")
    job = move.get("jobId")
    if not isinstance(job, str) or not job:
        raise ClientException(f"{where}.jobId must be a job id or job ARN, got {show(job)}")
    if move.get("status") is None:
        raise ClientException(f"{where}.status is required")
    timestamps = {member: move.get(member) for member in TIMESTAMP_MEMBERS}
    return _Move(job, move["status"], move.get("statusReason"), timestamps)
