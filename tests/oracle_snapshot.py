"""A tiny, obviously correct GetJobQueueSnapshot, written from rules SN-1 to SN-6 of docs/SEMANTICS.md.

No sorting by composite keys, no memo: the front is built by picking, again and again, the job that
comes first under the rule's comparisons, written out one by one; usage is summed by walking every job
for every unit and share. Slow (quadratic), and meant to be.
"""

from __future__ import annotations

import math
from typing import Any

IN_USE = ("SCHEDULED", "STARTING", "RUNNING")


def _in_queue(job: dict[str, Any], queue: str | None) -> bool:
    """IN-2, for the plain queue names and ARNs of the tests: a name and an ARN ending in it agree."""
    if queue is None or job.get("jobQueue") is None:
        return True
    theirs = job["jobQueue"]
    if theirs.startswith("arn:") and queue.startswith("arn:"):
        return theirs == queue
    return theirs.rsplit("/", 1)[-1] == queue.rsplit("/", 1)[-1]


def _units_used(jobs: list[dict[str, Any]], share_member: str | None, share: Any) -> dict[str, float]:
    """The exact sum per unit of the capacity used by the in-use jobs of ``share`` (every share if
    ``share_member`` is None)."""
    units: list[str] = []
    for job in jobs:
        for usage in job.get("capacityUsage") or []:
            if usage["capacityUnit"] not in units:
                units.append(usage["capacityUnit"])
    totals: dict[str, float] = {}
    for unit in units:
        values = [
            float(usage["quantity"])
            for job in jobs
            if job.get("status") in IN_USE and (share_member is None or job.get(share_member) == share)
            for usage in job.get("capacityUsage") or []
            if usage["capacityUnit"] == unit
        ]
        if values:
            totals[unit] = math.fsum(values)
    return totals


def _comes_first(a: dict[str, Any], b: dict[str, Any], kind: str, usage: dict[Any, float]) -> bool:
    """Whether RUNNABLE job ``a`` is dispatched before ``b`` (SN-2)."""
    if kind != "FIFO":
        priority_a, priority_b = a.get("schedulingPriority") or 0, b.get("schedulingPriority") or 0
        if priority_a != priority_b:
            return priority_a > priority_b
        member = "shareIdentifier" if kind == "FAIR_SHARE" else "quotaShareName"
        used_a, used_b = usage.get(a.get(member), 0.0), usage.get(b.get(member), 0.0)
        if used_a != used_b:
            return used_a < used_b
    created_a, created_b = a.get("createdAt"), b.get("createdAt")
    if (created_a is None) != (created_b is None):
        return created_b is None
    if created_a != created_b:
        return created_a < created_b  # type: ignore[operator]
    return str(a["jobId"]) < str(b["jobId"])


def _entry(job: dict[str, Any]) -> dict[str, Any]:
    entry = {}
    if job.get("jobArn") is not None:
        entry["jobArn"] = job["jobArn"]
    if job.get("createdAt") is not None:
        entry["earliestTimeAtPosition"] = job["createdAt"]
    return entry


def snapshot(
    jobs: list[dict[str, Any]], now: int, queue: str | None, kind: str, quota_shares: list[str]
) -> dict[str, Any]:
    """What SN-1 to SN-6 say GetJobQueueSnapshot answers."""
    mine = [job for job in jobs if _in_queue(job, queue)]
    member = {"FAIR_SHARE": "shareIdentifier", "QUOTA_SHARE": "quotaShareName"}.get(kind)
    shares_in_use: list[Any] = []
    for job in mine:
        if member is not None and job.get("status") in IN_USE and job.get(member) not in shares_in_use:
            shares_in_use.append(job.get(member))
    usage = {share: math.fsum(_units_used(mine, member, share).values()) for share in shares_in_use}

    waiting = [job for job in mine if job.get("status") == "RUNNABLE"]
    ordered: list[dict[str, Any]] = []
    while waiting:
        best = waiting[0]
        for job in waiting[1:]:
            if _comes_first(job, best, kind, usage):
                best = job
        ordered.append(best)
        waiting.remove(best)

    answer: dict[str, Any] = {
        "frontOfQueue": {"jobs": [_entry(job) for job in ordered[:100]], "lastUpdatedAt": now}
    }
    if kind == "QUOTA_SHARE":
        names = sorted(
            set(quota_shares) | {job["quotaShareName"] for job in ordered if job.get("quotaShareName")}
        )
        fronts = {}
        for name in names:
            theirs = [job for job in ordered if job.get("quotaShareName") == name]
            fronts[name] = [_entry(theirs[0])] if theirs else []
        answer["frontOfQuotaShares"] = {"quotaShares": fronts, "lastUpdatedAt": now}

    def usage_list(totals: dict[str, float]) -> list[dict[str, Any]]:
        return [{"capacityUnit": unit, "quantity": totals[unit]} for unit in sorted(totals)]

    utilization: dict[str, Any] = {"totalCapacityUsage": usage_list(_units_used(mine, None, None))}
    if member is not None:
        named = [share for share in shares_in_use if isinstance(share, str)]
        ranked = sorted(named)
        ranked.sort(key=lambda share: usage[share], reverse=True)  # stable: ties keep name order
        tops = [
            {member: share, "capacityUsage": usage_list(_units_used(mine, member, share))}
            for share in ranked[:20]
        ]
        if kind == "FAIR_SHARE":
            utilization["fairshareUtilization"] = {
                "activeShareCount": len(named),
                "topCapacityUtilization": tops,
            }
        else:
            utilization["quotaShareUtilization"] = {"topCapacityUtilization": tops}
    utilization["lastUpdatedAt"] = now
    answer["queueUtilization"] = utilization
    return answer
