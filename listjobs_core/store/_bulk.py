"""Loading many jobs into an empty store at once, a member at a time rather than a job at a time.

Theory of operation: ``put_many`` of N jobs one by one would check, copy and key each job in Python, a few
microseconds a job. When the jobs are plain dicts that all have the same members (an emulator's jobs
mostly do), the load works on columns instead: one C-level pass per member reads its values out of every
job (``itemgetter``), ``_records.pack_columns`` checks each column as a whole (exactly ``is_simple``, job
for job) and zips the columns into packed records, ``_ordering.newest_first_keys`` makes every job's
newest-first key, and one sort of the positions by that key (linear for jobs in creation order, which give
their keys in descending runs) puts every column in index order. Every index of every scope is then a
grouping pass of the keys in that order (``group``), so no index is sorted:

- the status and member indexes: one pass per index, by ``(scope, status)``, ``(scope, value, status)``
  and ``(scope, value)``, where the scope is one for every job, then the ``jobQueue`` value;
- the name indexes: one pass by ``(jobName, version, jobQueue)`` gives runs whose grouped keys are made
  once, run by run; a queue's name index is its runs in name order, the scope of every job merges the
  runs of each ``(jobName, version)``, and a folded-name index is the same runs in the order of their
  folded names.

The columns the indexes group by hold one object per distinct value (made so in one pass in creation
order): every later pass over them, in any order, reads a few objects, not one scattered per job.

A batch that does not fit (members that vary, a job that is not simple, a repeated ``jobId``) returns
``None`` and the store loads it a job at a time, with the same result and the same errors.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from itertools import chain, repeat
from operator import itemgetter
from typing import Any

from .._decisions import MISSING_VERSION
from .._ordering import newest_first_keys
from .._records import Packed, pack_columns
from ._scope import IndexLists, Layout
from ._sorted_keys import Key

__all__ = ["Columns", "columns_of", "group", "scopes_of"]


@dataclass
class Columns:
    """Jobs of one shape, a list per member, in index order (ascending newest-first key), with their
    packed records by ``jobId`` and their newest-first keys."""

    records: dict[str, Packed]
    newest: list[Key]
    names: list[str]
    versions: list[int]
    statuses: list[Any]
    queues: list[Any]
    members: dict[str, list[Any]]


# Grouped keys made between two calls of ``young`` (their lines, and their parts', fit in a cache).
_KEYS_PER_COLLECTION = 16_384

# The members the indexes group jobs by (besides the equality members of the operation's filters).
_GROUPED_MEMBERS = frozenset({"jobName", "jobQueue", "status"})


def _pick(column: list[Any], positions: Iterable[int]) -> list[Any]:
    """The values of ``column`` at ``positions``, in that order."""
    return list(map(column.__getitem__, positions))


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
    for name, column in zip(names, columns, strict=True):
        if name in _GROUPED_MEMBERS or name in layout.equality_members:
            # One object per distinct value (a pass in creation order), so that every later pass over the
            # column, in any order, reads a few objects rather than one per job scattered in memory.
            canonical: dict[Any, Any] = {}
            column[:] = map(canonical.setdefault, column, column)
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
    absent = [None] * count
    return Columns(
        stored, _pick(newest, order), _pick(by_name["jobName"], order),
        _pick(by_name["version"], order) if "version" in by_name else [MISSING_VERSION] * count,
        _pick(by_name["status"], order) if "status" in by_name else absent,
        _pick(by_name["jobQueue"], order) if "jobQueue" in by_name else absent,
        {member: _pick(by_name[member], order) for member in layout.equality_members if member in by_name},
    )


def group(values: Iterable[Any], items: Iterable[Any]) -> dict[Any, list[Any]]:
    """The items by their value, each list in the items' order (one pass)."""
    groups: defaultdict[Any, list[Any]] = defaultdict(list)
    for value, item in zip(values, items, strict=True):
        groups[value].append(item)
    return dict(groups)


def _status_lists(
    lists: dict[Any, IndexLists], scopes: Callable[[], Iterable[Any]], columns: Columns
) -> None:
    """Fill the status, created-at and member indexes of the scopes of ``lists`` (by the value
    ``scopes()`` gives each job, in index order), a grouping pass each: the keys of a bucket come in
    index order, so no bucket is sorted."""
    newest, statuses = columns.newest, columns.statuses
    for (scope, status), keys in group(zip(scopes(), statuses, strict=True), newest).items():
        lists[scope].by_status[status] = keys
    if len(lists) > 1:
        for scope, keys in group(scopes(), newest).items():
            lists[scope].by_created = keys
    for member, values in columns.members.items():
        cells = group(zip(scopes(), values, statuses, strict=True), newest)
        for (scope, value, status), keys in cells.items():
            if value is not None:
                lists[scope].by_member[member].setdefault(value, {})[status] = keys
        for (scope, value), keys in group(zip(scopes(), values, strict=True), newest).items():
            if value is not None:
                lists[scope].by_member_any[member][value] = keys


def _name_lists(lists: IndexLists, heads: list[tuple[str, int]], runs: list[list[Key]], folded: Any) -> None:
    """The name indexes of a scope from its runs of grouped keys, one per ``(jobName, version)`` of
    ``heads``, in that order: ``by_name`` their concatenation, ``by_folded`` the same runs in the order of
    their folded names (a stable sort keeps ``(jobName, version)`` order within one)."""
    lists.by_name = list(chain.from_iterable(runs))
    order = sorted(range(len(heads)), key=lambda head: folded[heads[head][0]])
    lists.by_folded = list(chain.from_iterable(map(runs.__getitem__, order)))


def scopes_of(
    layout: Layout, columns: Columns, young: Callable[[], object] | None = None
) -> tuple[IndexLists, dict[Any, IndexLists]]:
    """The lists of the scope of every job, and of each ``jobQueue`` value's scope; ``young``, when given,
    is called after every few thousand grouped keys made (``SortedKeys.from_sorted``), and at the end."""
    newest, queues = columns.newest, columns.queues
    count = len(newest)
    everything = IndexLists(layout.equality_members)
    everything.by_created = newest  # every job, in index order
    _status_lists({None: everything}, lambda: repeat(None, count), columns)
    values = set(queues)
    if len(values) == 1:
        lists = {values.pop(): everything}
    else:
        lists = {value: IndexLists(layout.equality_members) for value in values}
        _status_lists(lists, lambda: queues, columns)
    # The name indexes: the newest-first keys of each (jobName, version, jobQueue), in index order, make
    # that run's grouped keys, each made once; a queue's name index is its runs in name order, the scope
    # of every job merges the runs of one (jobName, version) (``sorted`` merges a few ascending runs).
    runs = group(zip(columns.names, columns.versions, queues, strict=True), newest)
    folded = {name: name.casefold() for name in {name for name, _, _ in runs}}
    by_head: dict[tuple[str, int], list[list[Key]]] = {}
    by_queue: dict[Any, tuple[list[tuple[str, int]], list[list[Key]]]] = {value: ([], []) for value in lists}
    made = 0
    for name, version, value in sorted(runs, key=itemgetter(0, 1)):
        grouped = list(zip(repeat(name), repeat(version), runs[name, version, value], strict=False))
        made += len(grouped)
        if young is not None and made >= _KEYS_PER_COLLECTION:
            young()
            made = 0
        by_head.setdefault((name, version), []).append(grouped)
        heads, value_runs = by_queue[value]
        heads.append((name, version))
        value_runs.append(grouped)
    if len(lists) > 1:
        for value, (heads, value_runs) in by_queue.items():
            _name_lists(lists[value], heads, value_runs, folded)
    merged = [group_runs[0] if len(group_runs) == 1 else sorted(chain.from_iterable(group_runs))
              for group_runs in by_head.values()]
    _name_lists(everything, list(by_head), merged, folded)
    if young is not None:
        young()
    return everything, lists
