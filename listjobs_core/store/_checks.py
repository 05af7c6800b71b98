"""The invariants of a store's indexes, asserted by ``JobStore._check`` (the tests call it after each step).

Each check recomputes what an index must hold from the jobs alone, with the core's own functions (the sort
keys of ``_ordering``, ``to_summary``, ``queue_name``, ``parent_of``), and compares.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from typing import Any

from .. import _decisions
from .._consumable import requirements, resource_name
from .._definitions import job_definition_name
from .._queues import queue_name
from .._records import SHAPES, ProjectedRecord, job_view, summary_of
from .._wire import to_summary
from ._resources import ResourceScope, requires_resources
from ._scope import Scope, StatusBuckets, job_id_of
from ._sorted_keys import SortedKeys, require

__all__ = ["check_store"]


def check_store(store: Any) -> None:
    """Assert every invariant of ``store``, a ``JobStore`` whose lock the caller holds (typed ``Any``: this
    module reads the store's internals, and the store imports it)."""
    jobs = store._jobs
    members = store._members
    keys_of = store._keys
    expected: dict[int, list[Mapping[str, Any]]] = {}
    views = {job_id: job_view(stored) for job_id, stored in jobs.items()}
    for job_id, stored in jobs.items():
        require(type(stored) in (tuple, ProjectedRecord), f"job {job_id!r} is a packed or projected record")
        require(type(stored) is not tuple or _packed(stored), f"job {job_id!r} packed: atomic values, names")
        job = views[job_id]
        require(job["jobId"] == job_id, f"job {job_id!r} stored under its jobId")
        keys = keys_of.of(job)
        require(keys.newest == keys_of.newest_first(job), f"newest-first key of {job_id!r} is the core's")
        flat_grouped = (keys.grouped[0], keys.grouped[1], *keys.grouped[2])
        require(flat_grouped == keys_of.grouped(job), f"grouped key of {job_id!r} is the core's")
        require(keys.folded == (job["jobName"].casefold(), keys.grouped), f"folded key of {job_id!r}")
        require(
            list(summary_of(stored, members).items()) == list(to_summary(job, members).items()),
            f"summary of {job_id!r} is the core's, member for member and in order",
        )
        fragment = getattr(stored, "fragment", None)
        made = store._fragments.get(id(stored))
        if made is not None and made[0] is stored:
            fragment = made[1]
        if fragment is not None:
            require(fragment == store_json(to_summary(job, members)), f"summary JSON of {job_id!r}")
        for scope in store._scopes_of(job):
            expected.setdefault(id(scope), []).append(job)
        require(set(job["jobName"]) <= store._fold_table._seen, f"fold table knows the name of {job_id!r}")
    scopes = {
        "every job": store._everything,
        **{f"jobQueue {value!r}": scope for value, scope in store._queues.items()},
        **{f"queue name {name!r}": scope for name, scope in store._named.items()},
        **{f"children of {family!r}": scope for family, scope in store._families.items()},
    }
    for what, scope in scopes.items():
        _check_scope(store, scope, expected.get(id(scope), []), what)
    names: dict[str, set[str]] = {}
    for value in store._queues:
        if value is not None:
            names.setdefault(queue_name(value), set()).add(value)
    require(store._queue_values == names, "queue values by queue name")
    require(
        all(name in store._named for name, values in names.items() if len(values) > 1),
        "one scope per queue name that two values share",
    )
    require(all(name in names for name in store._named), "no scope for a queue name without jobs")
    nonempty = (*store._queues.values(), *store._families.values(), *store._named.values())
    require(all(scope.size for scope in nonempty), "no empty queue, name or family scope")
    if store._resources is not None:
        _check_resources(store, views)
    if store._operation.parent_job_members and not _decisions.QUEUE_LISTINGS_INCLUDE_CHILD_JOBS:
        require(
            sum(scope.size for scope in store._families.values()) + store._everything.size == len(jobs),
            "every job in the scope of every job or in its parent's",
        )


def store_json(summary: dict[str, Any]) -> str:
    """A summary as ``json.dumps`` writes it for the wire."""
    return json.dumps(summary, separators=(",", ":"))


_ATOMIC = (str, int, float, bool, type(None))


def _packed(record: tuple[Any, ...]) -> bool:
    """Whether a packed record is laid out as ``_records`` says: values the collector never follows (so
    the record is not tracked once a collection has seen it), one per name of its shape, then the number
    of its shape, whose summary names are a prefix of its names."""
    summary_names, names = SHAPES[record[-1]]
    return (
        len(record) == len(names) + 1
        and names[: len(summary_names)] == summary_names
        and all(type(value) in _ATOMIC for value in record[:-1])
    )


def _check_scope(store: Any, scope: Scope, members: list[Mapping[str, Any]], what: str) -> None:
    """Assert that one scope indexes exactly ``members``."""
    jobs = {job_id: job_view(stored) for job_id, stored in store._jobs.items()}
    keys_of = store._keys
    member_ids = {job["jobId"] for job in members}
    require(scope.size == len(members), f"{what}: size")

    def check_keys(
        index: SortedKeys, expected: Iterable[Mapping[str, Any]], label: str, status: Any = ...
    ) -> None:
        index._check()
        require(len(index) > 0, f"{what}: {label}: no empty index")
        count = 0
        for key in index:
            job = jobs.get(job_id_of(key, False))
            require(job is not None and job["jobId"] in member_ids, f"{what}: {label}: {key!r} is a member")
            assert job is not None
            if status is not ...:
                require(job.get("status") == status, f"{what}: {label}: {key!r} under its status")
            require(key == keys_of.newest_first(job), f"{what}: {label}: {key!r} is the core's key")
            count += 1
        require(count == sum(1 for _ in expected), f"{what}: {label}: every job once")

    def check_buckets(buckets: StatusBuckets, expected: list[Mapping[str, Any]], label: str) -> None:
        for status, bucket in buckets.items():
            check_keys(bucket, (job for job in expected if job.get("status") == status), label, status)
        require(
            set(buckets) == {job.get("status") for job in expected}, f"{what}: {label}: one bucket per status"
        )

    check_buckets(scope.by_status, members, "by_status")
    if members:
        check_keys(scope.by_created, members, "by_created")
    else:
        require(not scope.by_created, f"{what}: by_created empty")
    for member, by_value in scope.by_member.items():
        values = {job[member] for job in members if job.get(member) is not None}
        require(set(by_value) == values, f"{what}: one index per {member} present")
        require(set(scope.by_member_any[member]) == values, f"{what}: one all-status index per {member}")
        for value, buckets in by_value.items():
            holding = [job for job in members if job.get(member) == value]
            check_buckets(buckets, holding, f"{member} {value!r}")
            check_keys(scope.by_member_any[member][value], holding, f"{member} {value!r}, any status")
    if scope.by_definition is not None:
        definitions = scope.by_definition
        for name, buckets in definitions.by_name.items():
            using = [job for job in members if job_definition_name(job.get("jobDefinition") or "\0") == name]
            check_buckets(buckets, using, f"definition name {name!r}")
        for arn, buckets in definitions.by_arn.items():
            using = [job for job in members if job.get("jobDefinition") == arn]
            check_buckets(buckets, using, f"definition {arn!r}")
        require(definitions.names == sorted(definitions.by_name), f"{what}: definition names in order")
    for index, label in ((scope.by_name, "by_name"), (scope.by_folded, "by_folded")):
        index._check()
        require(len(index) == len(members), f"{what}: {label} holds every job")
        for key in index:
            job_id = job_id_of(key if label == "by_name" else key[1], True)
            keys = keys_of.of(jobs[job_id])
            right = keys.grouped if label == "by_name" else keys.folded
            require(job_id in member_ids and key == right, f"{what}: {label} key {key!r}")


def _check_resources(store: Any, views: dict[str, Mapping[str, Any]]) -> None:
    """Assert that the ListJobsByConsumableResource indexes (``_resources``) hold exactly, under the core's
    keys, the jobs of each resource name and of each entry identifier, by status and name, and that every
    summary made of a stored record is the one the record makes now."""
    index = store._resources
    by_name: dict[str, list[Mapping[str, Any]]] = {}
    by_value: dict[str, list[Mapping[str, Any]]] = {}
    for job in views.values():
        if not requires_resources(job):
            continue
        for identifier, _ in requirements(job):
            by_name.setdefault(resource_name(identifier), []).append(job)
            by_value.setdefault(identifier, []).append(job)
    for label, scopes, expected in (
        ("resource", index.by_name, by_name), ("entry", index.by_value, by_value)
    ):
        require(set(scopes) == set(expected), f"one {label} scope per {label} present")
        for value, scope in scopes.items():
            _check_resource_scope(store, scope, expected[value], f"{label} {value!r}")
    store._resource_summaries._check(store._jobs)


def _check_resource_scope(
    store: Any, scope: ResourceScope, members: list[Mapping[str, Any]], what: str
) -> None:
    """Assert that one resource scope indexes exactly ``members``, under each of its six indexes."""
    keys_of = store._keys
    require(scope.size == len(members) > 0, f"{what}: size, and no empty scope")
    keys = {job["jobId"]: keys_of.of(job) for job in members}
    statuses = {job["jobId"]: job.get("status") for job in members}

    def holds(index: SortedKeys, field: int, job_ids: set[str], label: str) -> None:
        index._check()
        expected = sorted(keys[job_id][field] for job_id in job_ids)
        require(list(index) == expected, f"{what}: {label} holds the core's keys of its jobs, in order")

    every = set(keys)
    for field, (label, index) in enumerate(
        (("by_created", scope.by_created), ("by_name", scope.by_name), ("by_folded", scope.by_folded))
    ):
        holds(index, field, every, label)
    for field, (label, buckets) in enumerate(
        (("by_status", scope.by_status), ("by_status_name", scope.by_status_name),
         ("by_status_folded", scope.by_status_folded))
    ):
        require(set(buckets) == set(statuses.values()), f"{what}: {label}: one bucket per status present")
        for status, bucket in buckets.items():
            holds(bucket, field, {job_id for job_id, held in statuses.items() if held == status},
                  f"{label} {status!r}")
