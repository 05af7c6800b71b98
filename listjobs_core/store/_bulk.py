"""Loading many jobs into an empty store at once, a member at a time rather than a job at a time.

Theory of operation: ``put_many`` of N jobs one by one would check, copy and key each job in Python, a few
microseconds a job. When the jobs are plain dicts that all have the same members (an emulator's jobs
mostly do), the load works on columns instead, every step a C-level pass over a column:

- reading: one ``itemgetter`` pass per member reads its values out of every job;
- the members the indexes group by (``jobName``, ``jobQueue``, ``status`` and the equality members of the
  operation's filters) are made to hold one object per distinct value, and are checked on those distinct
  values only (``is_simple``'s test of a member depends on the set of its values); every other member is
  checked whole (``_records.pack_columns``, exactly ``is_simple``, job for job), and the columns are zipped
  into packed records;
- ``_ordering.newest_first_keys`` makes every job's newest-first key, and one sort of the positions by
  that key (linear for jobs in creation order, which give their keys in descending runs) gives the index
  order. Each grouped member's value is then a small number in index order (``Coded``);
- every index of every scope is a grouping of the keys in index order by a number (``_grouped``: a list
  per number, filled by ``map(list.append, ...)``, no Python code per job), so no index is sorted:
  by ``status``, by ``(value, status)`` and ``value`` of each equality member, each for the scope of every
  job and again with the ``jobQueue`` value's number in front (``_combined``) for the queues' scopes;
- the name indexes: the grouped keys ``(jobName, version, newest-first key)`` are made once, in index
  order, and grouped by ``(jobName, version)`` for the scope of every job and by ``(jobName, version,
  jobQueue)`` for the queues'; a scope's name index is its runs in ``(jobName, version)`` order, and its
  folded-name index the same runs in the (stable) order of their folded names;
- the RUNNABLE index (``RunnableIndex.gather_columns``) from the columns in the jobs' order.

The cyclic collector: every tuple the load makes (records, keys, chunks of keys) holds no reference it
must follow, and a young collection stops tracking it; the load runs one (``young``) after each stage and
after every few thousand grouped keys or chunks, so that each tuple is examined once, while it is still in
the caches.

A batch that does not fit (members that vary, a job that is not simple, a repeated ``jobId``) returns
``None`` and the store loads it a job at a time, with the same result and the same errors.
"""

from __future__ import annotations

from collections import defaultdict, deque
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from itertools import chain, compress, islice, repeat
from operator import add, itemgetter, mul
from typing import Any, NamedTuple

from .._decisions import MISSING_VERSION
from .._ordering import newest_first_keys
from .._records import Packed, job_view, pack_columns
from .._snapshot import IN_USE_STATUSES
from ._runnable import RunnableIndex
from ._scope import IndexLists, Layout
from ._sorted_keys import Key

__all__ = ["Coded", "Columns", "columns_of", "runnable_of", "scopes_of"]


class Coded(NamedTuple):
    """A member's value of every job as a number, in index order: ``values[numbers[i]]`` is the value."""

    numbers: list[int]
    values: list[Any]


@dataclass
class Columns:
    """Jobs of one shape: their packed records by ``jobId``; their newest-first keys in index order
    (ascending); the members the indexes group by, ``Coded`` in index order (``status`` and ``jobQueue``
    always, ``None`` for a job without one; ``jobName``; ``version``, ``MISSING_VERSION`` for none; the
    equality members the jobs have); and, for the RUNNABLE index, every member's column and the packed
    records in the jobs' own order."""

    records: dict[str, Packed]
    newest: list[Key]
    coded: dict[str, Coded]
    given: dict[str, list[Any]]
    packed: list[Packed]


# Grouped keys made between two calls of ``young`` (their lines, and their parts', fit in a cache).
_KEYS_PER_COLLECTION = 16_384

# The members the indexes group by (besides the equality members of the operation's filters), each of
# which holds strings only when the job is simple: checking its distinct values checks every value.
_GROUPED_MEMBERS = frozenset({"jobName", "jobQueue", "status"})


def _canonical(column: list[Any]) -> list[Any]:
    """Make ``column`` hold one object per distinct value (a pass in creation order), so that every later
    pass over it, in any order, reads a few objects rather than one per job scattered in memory; returns
    the distinct values, in order of first appearance."""
    canonical: dict[Any, Any] = {}
    column[:] = map(canonical.setdefault, column, column)
    return list(canonical)


def _coded(column: list[Any] | None, order: list[int], distinct: list[Any] | None = None) -> Coded:
    """A column's values as numbers in index order (``order``: the positions in index order); ``None``
    stands for a member no job has."""
    if column is None:
        return Coded([0] * len(order), [None])
    if distinct is None:
        distinct = list(dict.fromkeys(column))
    number_of = {value: number for number, value in enumerate(distinct)}
    return Coded(list(map(number_of.__getitem__, map(column.__getitem__, order))), distinct)


def columns_of(
    jobs: list[Any], members: tuple[str, ...], layout: Layout, young: Callable[[], object] | None = None
) -> Columns | None:
    """The columns of a batch of plain dicts that all have the members of the first, every one simple,
    with distinct ``jobId`` values; ``None`` for any other batch. ``young``: called once the records and
    keys are made."""
    if not jobs or set(map(type, jobs)) != {dict}:
        return None
    names = tuple(jobs[0])
    if set(map(len, jobs)) != {len(names)} or not names:
        return None
    try:
        columns = [list(map(itemgetter(name), jobs)) for name in names]
    except (KeyError, TypeError):
        return None  # a job without one of the first job's members
    grouped = _GROUPED_MEMBERS.union(layout.equality_members)
    distinct: dict[str, list[Any]] = {}
    checked: list[list[Any]] = []
    for name, column in zip(names, columns, strict=True):
        if name in grouped:
            distinct[name] = _canonical(column)
            checked.append(distinct[name])  # is_simple's test of these members reads the set of values
        else:
            checked.append(column)
    records = pack_columns(names, columns, members, checked)
    if records is None:
        return None
    by_name = dict(zip(names, columns, strict=True))
    job_ids = by_name["jobId"]
    stored = dict(zip(job_ids, records, strict=True))
    if len(stored) != len(records):
        return None  # a repeated jobId: the later job wins, as put would have it, one at a time
    count = len(job_ids)
    created = by_name.get("createdAt")
    newest = newest_first_keys(job_ids, created)
    if young is not None:
        young()  # the records and keys, while they are in the caches
    # Jobs in creation order have descending keys: walked from the end, the positions are nearly sorted.
    order = sorted(range(count - 1, -1, -1), key=newest.__getitem__)
    coded = {
        member: _coded(by_name.get(member), order, distinct.get(member))
        for member in ("jobName", "status", "jobQueue", *layout.equality_members)
        if member in by_name or member in ("status", "jobQueue")
    }
    versions = by_name.get("version")
    coded["version"] = _coded(versions, order) if versions is not None else Coded([0] * count, [MISSING_VERSION])
    return Columns(stored, list(map(newest.__getitem__, order)), coded, by_name, records)


def runnable_of(columns: Columns, young: Callable[[], object] | None = None) -> RunnableIndex:
    """The RUNNABLE index of a batch, every job of which is in the queue listings."""
    statuses = columns.given.get("status")
    in_use = [] if statuses is None else compress(columns.packed, map(IN_USE_STATUSES.__contains__, statuses))
    return RunnableIndex.gather_columns(columns.given, map(job_view, in_use), young)


def _grouped(numbers: Iterable[int], items: Iterable[Key]) -> dict[int, list[Key]]:
    """The items by their number, each list in the items' order: one C-level pass."""
    groups: defaultdict[int, list[Key]] = defaultdict(list)
    deque(map(list.append, map(groups.__getitem__, numbers), items), maxlen=0)
    return groups


def _combined(outer: list[int], inner: list[int], inner_size: int) -> list[int]:
    """The number of each pair of numbers: ``outer * inner_size + inner`` (``inner < inner_size``)."""
    return list(map(add, map(mul, outer, repeat(inner_size)), inner))


def _status_lists(lists: list[IndexLists], scopes: list[int] | None, columns: Columns) -> None:
    """Fill the status, created-at and member indexes of the scopes of ``lists`` (``scopes``: each job's
    scope, by its position in ``lists``, in index order; ``None``: one scope), a grouping pass each: the
    keys of a bucket come in index order, so no bucket is sorted."""
    newest, status = columns.newest, columns.coded["status"]
    statuses = len(status.values)

    def with_scope(coded: Coded) -> list[int]:
        return coded.numbers if scopes is None else _combined(scopes, coded.numbers, len(coded.values))

    for cell, keys in _grouped(with_scope(status), newest).items():
        scope, number = divmod(cell, statuses)
        lists[scope].by_status[status.values[number]] = keys
    if scopes is not None:
        for scope, keys in _grouped(scopes, newest).items():
            lists[scope].by_created = keys
    for member in lists[0].by_member:
        coded = columns.coded.get(member)
        if coded is None:
            continue  # no job has the member
        values = coded.values
        by_value = with_scope(coded)
        for cell, keys in _grouped(by_value, newest).items():
            scope, number = divmod(cell, len(values))
            if values[number] is not None:
                lists[scope].by_member_any[member][values[number]] = keys
        for cell, keys in _grouped(_combined(by_value, status.numbers, statuses), newest).items():
            pair, number = divmod(cell, statuses)
            scope, value = divmod(pair, len(values))
            if values[value] is not None:
                lists[scope].by_member[member].setdefault(values[value], {})[status.values[number]] = keys


def _name_lists(lists: IndexLists, runs: list[tuple[int, int, list[Key]]]) -> None:
    """The name indexes of a scope from its runs of grouped keys ``(rank, folded rank, run)``, one per
    ``(jobName, version)``: ``by_name`` the runs in rank order (``(jobName, version)``), ``by_folded`` in
    folded rank order (their folded names', ``(jobName, version)`` within one)."""
    runs.sort(key=itemgetter(0))
    lists.by_name = list(chain.from_iterable(map(itemgetter(2), runs)))
    runs.sort(key=itemgetter(1))
    lists.by_folded = list(chain.from_iterable(map(itemgetter(2), runs)))


def _grouped_keys(columns: Columns, young: Callable[[], object] | None) -> list[Key]:
    """Every job's grouped key ``(jobName, version, newest-first key)``, in index order; ``young`` called
    after every few thousand."""
    names, versions = columns.coded["jobName"], columns.coded["version"]
    made = zip(
        map(names.values.__getitem__, names.numbers), map(versions.values.__getitem__, versions.numbers),
        columns.newest, strict=True,
    )
    if young is None:
        return list(made)
    keys: list[Key] = []
    while True:
        part = list(islice(made, _KEYS_PER_COLLECTION))
        if not part:
            return keys
        keys += part
        young()


def scopes_of(
    layout: Layout, columns: Columns, young: Callable[[], object] | None = None
) -> tuple[IndexLists, dict[Any, IndexLists]]:
    """The lists of the scope of every job, and of each ``jobQueue`` value's scope; ``young``, when given,
    is called after every few thousand grouped keys made, and at the end."""
    newest, queues = columns.newest, columns.coded["jobQueue"]
    everything = IndexLists(layout.equality_members)
    everything.by_created = newest  # every job, in index order
    _status_lists([everything], None, columns)
    if len(queues.values) == 1:
        lists = [everything]
    else:
        lists = [IndexLists(layout.equality_members) for _ in queues.values]
        _status_lists(lists, queues.numbers, columns)
    # The name indexes: the grouped keys, made once in index order, by (jobName, version) and by (jobName,
    # version, jobQueue); each run is in index order.
    names, versions = columns.coded["jobName"], columns.coded["version"]
    heads = _combined(names.numbers, versions.numbers, len(versions.values))
    grouped = _grouped_keys(columns, young)
    runs = _grouped(heads, grouped)

    def name_version(head: int) -> tuple[str, int]:
        name, version = divmod(head, len(versions.values))
        return names.values[name], versions.values[version]

    ordered = sorted(runs, key=name_version)
    rank = {head: position for position, head in enumerate(ordered)}
    folded = {name: name.casefold() for name in names.values}
    by_folded = sorted(ordered, key=lambda head: folded[name_version(head)[0]])
    folded_rank = {head: position for position, head in enumerate(by_folded)}
    _name_lists(everything, [(rank[head], folded_rank[head], run) for head, run in runs.items()])
    if len(lists) > 1:
        value_runs: list[list[tuple[int, int, list[Key]]]] = [[] for _ in lists]
        for cell, run in _grouped(_combined(heads, queues.numbers, len(lists)), grouped).items():
            head, value = divmod(cell, len(lists))
            value_runs[value].append((rank[head], folded_rank[head], run))
        for value_lists, its_runs in zip(lists, value_runs, strict=True):
            _name_lists(value_lists, its_runs)
    if young is not None:
        young()
    return everything, dict(zip(queues.values, lists, strict=True))
