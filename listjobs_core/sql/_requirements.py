"""ListJobsByConsumableResource in SQL: the requirement rows of a Batch job, and the index ranges a request
reads (rules CR-2, CR-5 to CR-7).

Theory of operation: a Batch job that requires consumable resources has one row in ``REQUIREMENTS`` per
entry of its ``consumableResourceList`` (``requirement_rows``), computed in Python by the core when the job
is written, as its jobs row is: the resource name and identifier (``_consumable``), the job's order and
filter columns (taken from its jobs row, so both agree), and the entry's summary (``_wire``'s
``ResourceSummaryParts``, CR-8). The store writes them in the transaction that writes the job, so the table
always holds exactly the rows of the jobs held.

A request reads the scopes of the entries that denote its resource (``resource_arms``: CR-2, one scope
for a name, at most two for an ARN, disjoint by CR-3), in each one range of one index
(``requirement_ranges``): by status or by creation (CR-5), by folded name (an exact JOB_NAME), or, for a
JOB_NAME prefix, one range of the exact-name index per name head the store's head walk finds (the walk the
jobs table's prefix pages take, under the order CR-7 decides, grouped by name as O-2; under the other
order, one range per folded name the prefix covers, found by index probes), merged in the listing's order,
which the core decides (CR-7, ``groups_by_name``).
"""

from __future__ import annotations

import json
from typing import Any

from .._consumable import PROPERTIES, is_resource_arn, requirements, resource_name
from .._errors import ServerException
from .._names import JobNamePattern
from .._operations import LIST_JOBS_BY_CONSUMABLE_RESOURCE
from .._wire import ResourceSummaryParts
from ._rows import column_text, is_sql_text, job_from_text
from ._schema import BY_RESOURCE, BY_RESOURCE_NAME, REQUIREMENT_INDEXES, NameHeads, Range

__all__ = ["may_require", "requirement_ranges", "requirement_rows", "resource_arms"]

# A scope of the requirements a request reads: its scope, condition and the condition's values.
ResourceArm = tuple[Any, str | None, tuple[object, ...]]

_PROPERTIES_TEXT = f'"{PROPERTIES}"'
# The JSON of a summary, as ``_rows`` writes a job's.
_dumps = json.JSONEncoder(separators=(",", ":"), check_circular=False).encode


def may_require(job_text: str) -> bool:
    """Whether a job's JSON text may hold ``consumableResourceProperties`` (a quick test before parsing:
    a text without the member's name as a JSON string holds no requirement)."""
    return _PROPERTIES_TEXT in job_text


def requirement_rows(job_row: tuple[Any, ...]) -> list[tuple[Any, ...]]:
    """The requirement rows of a Batch job, from its jobs row (``_rows.job_row``: it starts with ``job_id,
    job_name, folded_name, version, created_key, status`` and ends with the job's JSON), in the order of
    ``REQUIREMENT_COLUMNS``."""
    text = job_row[-1]
    if not may_require(text):
        return []
    job = job_from_text(text)
    entries = requirements(job)
    if not entries:
        return []
    try:
        parts: ResourceSummaryParts | None = ResourceSummaryParts.of(
            job, LIST_JOBS_BY_CONSUMABLE_RESOURCE.summary_members
        )
    except ServerException:
        parts = None  # E-2 at read time: the core raises it for the page that holds this job
    job_id, job_name, folded_name, version, created_key, status = job_row[:6]
    rows = []
    for identifier, quantity in entries:
        name = resource_name(identifier)
        summary = None if parts is None else _dumps(parts.summary(name))
        rows.append(
            (
                job_id, column_text(name), column_text(identifier), quantity, job_name, folded_name, version,
                created_key, status, summary,
            )
        )
    return rows


def resource_arms(requested: str) -> list[ResourceArm]:
    """The requirement scopes a request for ``requested`` (a name or an ARN) reads (CR-2)."""
    if not is_sql_text(requested):
        return []  # no stored entry holds what the database cannot be sent
    name = resource_name(requested)
    if is_resource_arn(requested):
        # CR-2: an ARN denotes itself and its bare name only.
        return [(BY_RESOURCE, BY_RESOURCE.condition, (column_text(value),)) for value in (requested, name)]
    return [(BY_RESOURCE_NAME, BY_RESOURCE_NAME.condition, (column_text(name),))]


def requirement_ranges(
    status: str | None, pattern: JobNamePattern | None, grouped: bool, folded_names: list[str] | None
) -> list[Range] | NameHeads:
    """The ranges a request reads in each scope, given the status it selects (``None``: any, CR-5), its
    JOB_NAME pattern, whether its order groups by name (CR-7, ``groups_by_name``), and, for a prefix under
    an order that does not group, the folded names it covers (``folded_names``). A prefix under an order
    that groups is the store's walk of its name heads (``NameHeads``), as a jobs table's prefix is."""
    indexes = REQUIREMENT_INDEXES
    if pattern is None or (pattern.is_prefix and not pattern.folded):
        if grouped:  # "*" alone, under an order that groups by name
            assert indexes.by_name is not None and indexes.by_name_status is not None
            if status is None:
                return [Range(indexes.by_name)]
            return [Range(indexes.by_name_status, (status,))]
        if status is None:
            return [Range(indexes.by_created)]
        return [Range(indexes.by_status, (status,))]
    if pattern.is_prefix and grouped:
        # CR-7 lists a JOB_NAME listing grouped by name as O-2 does, so a prefix's jobs are the names that
        # start with one of its heads (S-6), each head one range of the exact-name index (of one status, in
        # front of the name, when one is selected), as in the jobs table: O(log N + k) a page, however many
        # folded names the prefix covers.
        assert indexes.by_name is not None and indexes.by_name_status is not None
        if status is None:
            return NameHeads(indexes.by_name, pattern.folded, None, indexes.by_folded)
        return NameHeads(indexes.by_name_status, pattern.folded, None, indexes.by_folded_status, (status,))
    names = [pattern.folded] if not pattern.is_prefix else (folded_names or [])
    if status is None:
        return [Range(indexes.by_folded, (folded,)) for folded in names]
    return [Range(indexes.by_folded_status, (folded, status)) for folded in names]
