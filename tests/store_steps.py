"""One change to a store and to the plain model of its jobs beside it, for the properties that hold a store
to an oracle after any sequence of changes."""

from __future__ import annotations

from typing import Any

__all__ = ["apply"]


def apply(store: Any, model: dict[str, dict[str, Any]], step: str, argument: Any) -> None:
    """One step on the store and on the model: ``put_many`` (jobs), ``put`` (a job), ``clear``, ``remove``
    (a jobId) or ``update`` (``(jobId, changes)``, a ``None`` removing the member; a job not held is left)."""
    if step == "put_many":
        store.put_many(argument)
        model.update((job["jobId"], dict(job)) for job in argument)
    elif step == "put":
        store.put(argument)
        model[argument["jobId"]] = dict(argument)
    elif step == "clear":
        store.clear()
        model.clear()
    elif step == "remove":
        store.remove(argument)
        model.pop(argument, None)
    elif step == "update":
        job_id, changes = argument
        if job_id not in model:
            return
        store.update(job_id, **changes)
        for member, value in changes.items():
            if value is None:
                model[job_id].pop(member, None)
            else:
                model[job_id][member] = value
    else:
        raise ValueError(f"no such step: {step}")
