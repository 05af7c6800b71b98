"""Loading many jobs into an empty store at once, a member at a time rather than a job at a time.

Theory of operation: ``put_many`` of N jobs one by one would check, copy and key each job in Python, a few
microseconds a job. When the jobs are plain dicts that all have the same members (an emulator's jobs
mostly do), the load works on columns instead: one C-level pass per member reads its values out of every
job (``itemgetter``), ``_records.pack_columns`` checks each column as a whole (exactly ``is_simple``, job
for job) and zips the columns into packed records, ``_ordering.newest_first_keys`` makes every job's
newest-first key, and one sort of the positions by that key (linear for jobs in creation order, which give
their keys in descending runs) puts every later list in index order. Each index is then one grouping
pass in that order (status, member value, queue, name and version), so no index is sorted again. A batch
that does not fit (members that vary, a job that is not simple, a repeated ``jobId``) returns ``None`` and
the store loads it a job at a time, with the same result and the same errors.
"""

from __future__ import annotations

import sys
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from itertools import chain, compress
from operator import itemgetter
from typing import Any

from .._decisions import MISSING_VERSION
from .._ordering import newest_first_keys
from .._records import Packed, pack_columns
from ._scope import IndexLists, Layout
from ._sorted_keys import Key

__all__ = ["Columns", "columns_of", "gather_columns", "group", "scopes_of"]


@dataclass
class Columns:
    """Jobs of one shape, a list per member, in index order (ascending newest-first key), with their
    packed records by ``jobId`` and their keys."""

    records: dict[str, Packed]
    newest: list[Key]
    grouped: list[Key]
    folded: list[Key]
    names: list[str]
    versions: list[int]
    statuses: list[Any]
    queues: list[Any]
    members: dict[str, list[Any]]

    def subset(self, positions: list[int]) -> Columns:
        """The columns of the jobs at ``positions`` (ascending), still in index order."""
        pick = _picker(positions)
        return Columns(
            self.records, pick(self.newest), pick(self.grouped), pick(self.folded), pick(self.names),
            pick(self.versions), pick(self.statuses), pick(self.queues),
            {member: pick(column) for member, column in self.members.items()},
        )


def _picker(positions: list[int]) -> Any:
    def pick(column: list[Any]) -> list[Any]:
        return list(map(column.__getitem__, positions))

    return pick


def columns_of(jobs: list[Any], members: tuple[str, ...], layout: Layout) -> Columns | None:
    """The columns of a batch of plain dicts that all have the members of the first, every one simple,
    with distinct ``jobId`` values; ``None`` for any other batch."""
    if not jobs or set(map(type, jobs)) != {dict}:
        return None
    names = tuple(jobs[0])
    if set(map(len, jobs)) != {len(names)} or not names:
        return None
    try:
        columns = [list(map(itemgetter(name), jobs)) for name in names]
    except (KeyError, TypeError):
        return None  # a job without one of the first job's members
    records = pack_columns(names, columns, members)
    if records is None:
        return None
    by_name = dict(zip(names, columns, strict=True))
    job_ids = by_name["jobId"]
    stored = dict(zip(job_ids, records, strict=True))
    if len(stored) != len(records):
        return None  # a repeated jobId: the later job wins, as put would have it, one at a time
    count = len(job_ids)
    newest = newest_first_keys(job_ids, by_name.get("createdAt"))
    # Jobs in creation order have descending keys: walked from the end, the positions are nearly sorted.
    order = sorted(range(count - 1, -1, -1), key=newest.__getitem__)
    pick = _picker(order)
    newest = pick(newest)
    job_names = pick(by_name["jobName"])
    versions = pick(by_name["version"]) if "version" in by_name else [MISSING_VERSION] * count
    grouped = list(zip(job_names, versions, newest, strict=True))
    fold = {name: sys.intern(name.casefold()) for name in set(job_names)}
    folded = list(zip(map(fold.__getitem__, job_names), grouped, strict=True))
    absent = [None] * count
    return Columns(
        stored, newest, grouped, folded, job_names, versions,
        pick(by_name["status"]) if "status" in by_name else absent,
        pick(by_name["jobQueue"]) if "jobQueue" in by_name else absent,
        {member: pick(by_name[member]) for member in layout.equality_members if member in by_name},
    )


def group(values: Iterable[Any], items: Iterable[Any]) -> dict[Any, list[Any]]:
    """The items by their value, each list in the items' order (one pass)."""
    groups: defaultdict[Any, list[Any]] = defaultdict(list)
    for value, item in zip(values, items, strict=True):
        groups[value].append(item)
    return dict(groups)


def _group_few(values: list[Any], items: list[Any]) -> dict[Any, list[Any]]:
    """``group`` for a column of at most a few distinct values: one C-level pass per value."""
    distinct = set(values)
    if len(distinct) == 1:
        return {distinct.pop(): list(items)}
    if len(distinct) <= 3:
        return {value: list(compress(items, map(value.__eq__, values))) for value in distinct}
    return group(values, items)


def gather_columns(layout: Layout, columns: Columns) -> IndexLists:
    """``IndexLists.gather`` of jobs given as columns in index order: each index a grouping pass."""
    lists = IndexLists(layout.equality_members)
    newest, statuses = columns.newest, columns.statuses
    lists.by_created = newest
    lists.by_status = _group_few(statuses, newest)
    for member, values in columns.members.items():
        lists.by_member_any[member] = group(values, newest)
        by_value: dict[str, dict[Any, list[Key]]] = {}
        for (value, status), run in group(zip(values, statuses, strict=True), newest).items():
            by_value.setdefault(value, {})[status] = run
        lists.by_member[member] = by_value
    positions = group(zip(columns.names, columns.versions, strict=True), range(len(newest)))
    heads = sorted(positions)
    in_name_order = chain.from_iterable(map(positions.__getitem__, heads))
    lists.by_name = list(map(columns.grouped.__getitem__, in_name_order))
    by_folded_name: dict[str, list[list[int]]] = {}
    folded = columns.folded
    for head in heads:
        run = positions[head]
        by_folded_name.setdefault(folded[run[0]][0], []).append(run)
    runs = chain.from_iterable(chain.from_iterable(by_folded_name[name] for name in sorted(by_folded_name)))
    lists.by_folded = list(map(folded.__getitem__, runs))
    return lists


def scopes_of(layout: Layout, columns: Columns) -> tuple[IndexLists, dict[Any, IndexLists]]:
    """The lists of the scope of every job, and of each ``jobQueue`` value's scope."""
    everything = gather_columns(layout, columns)
    by_queue = _group_few(columns.queues, list(range(len(columns.newest))))
    if len(by_queue) == 1:
        return everything, {next(iter(by_queue)): everything}
    return everything, {
        value: gather_columns(layout, columns.subset(positions)) for value, positions in by_queue.items()
    }
