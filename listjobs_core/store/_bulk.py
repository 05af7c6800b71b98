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
  order. Each grouped member's value is then a number in index order (``Coded``), a multiple of a step
  of its own: ``status`` 0 to S-1, an equality member's multiples of S, ``jobQueue``'s multiples of a step
  beyond every sum of the others, ``jobName``'s multiples of the number of versions; so the sum of the
  numbers of several members (``_sum``, one pass) numbers each combination of their values;
- every index of every scope is a grouping of the keys in index order by a number (``_grouped``: a list
  per number, filled by ``map(list.append, ...)``, no Python code per job), so no index is sorted:
  by ``status``, by ``(value, status)`` and ``value`` of each equality member, each for the scope of every
  job and again with the ``jobQueue`` number added for the queues' scopes;
- the name indexes: the grouped keys ``(jobName, version, newest-first key)`` are made once, in index
  order, and grouped by ``(jobName, version)`` for the scope of every job and by ``(jobName, version,
  jobQueue)`` for the queues'; a scope's name index is its runs in ``(jobName, version)`` order, and its
  folded-name index the same runs in the (stable) order of their folded names;
- the RUNNABLE index (``RunnableIndex.gather_columns``) from the columns in the jobs' order.

The cyclic collector: every tuple the load makes (records, keys, chunks of keys) holds no reference it
must follow, and a young collection stops tracking it; the load runs one (``young``) after every few
thousand records, grouped keys or chunks, so that each tuple is examined once, while it is still in the
caches. Each list of a million items is made empty before a young collection and filled after it
(``_made``): the collection moves the empty list out of the youngest generation, so that no later young
collection reads its items (a cache miss each), and the list is gone before the store's last collection.
A dict of records made once they are untracked stays untracked: no collection ever reads the jobs.

A batch that does not fit (members that vary, a job that is not simple, a repeated ``jobId``) returns
``None`` and the store loads it a job at a time, with the same result and the same errors.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from itertools import chain, compress, islice, repeat
from operator import add, floordiv, itemgetter
from typing import Any, NamedTuple

from .._decisions import MISSING_VERSION
from .._ordering import newest_first_keys
from .._records import Stored, pack_columns
from .._snapshot import IN_USE_STATUSES
from ._runnable import RunnableIndex
from ._scope import IndexLists, Layout
from ._sorted_keys import Key

__all__ = ["Coded", "Columns", "columns_of", "runnable_of", "scopes_of"]


class Coded(NamedTuple):
    """A member's value of every job as a number, in index order: ``values[numbers[i] // step]`` is the
    value, ``step`` the multiple each number is of (so that adding the numbers of several members numbers
    each combination of their values, see the module's notes)."""

    numbers: list[int]
    values: list[Any]
    step: int


@dataclass
class Columns:
    """Jobs of one shape: the jobs, their packed records by ``jobId``; their newest-first keys in index
    order (ascending); the members the indexes group by, ``Coded`` in index order (``status`` and
    ``jobQueue`` always, ``None`` for a job without one; ``jobName``; ``version``, ``MISSING_VERSION`` for
    none; the equality members the jobs have); and every member's column in the jobs' own order (the
    RUNNABLE index)."""

    jobs: list[dict[str, Any]]
    records: dict[str, Stored]
    newest: list[Key]
    coded: dict[str, Coded]
    given: dict[str, list[Any]]


# Grouped keys made between two calls of ``young`` (their lines, and their parts', fit in a cache).
_KEYS_PER_COLLECTION = 16_384

# The members the indexes group by (besides the equality members of the operation's filters), each of
# which holds strings only when the job is simple: checking its distinct values checks every value.
_GROUPED_MEMBERS = frozenset({"jobName", "jobQueue", "status"})


def _made(iterable: Iterable[Any], young: Callable[[], object] | None) -> list[Any]:
    """``list(iterable)``, the list made empty before a young collection (``young``): the collection moves
    it out of the youngest generation, so that no young collection of the load reads its items, however
    many it gets (a list of a million keys read by one costs a cache miss a key)."""
    made: list[Any] = []
    if young is not None:
        young()
    made.extend(iterable)
    return made


def _canonical(column: list[Any]) -> list[Any]:
    """Make ``column`` hold one object per distinct value (a pass in creation order), so that every later
    pass over it, in any order, reads a few objects rather than one per job scattered in memory; returns
    the distinct values, in order of first appearance."""
    canonical: dict[Any, Any] = {}
    column[:] = map(canonical.setdefault, column, column)
    return list(canonical)


def _coded(
    column: list[Any] | None, order: list[int], young: Callable[[], object] | None,
    distinct: list[Any] | None = None, step: int = 1,
) -> Coded:
    """A column's values as numbers, multiples of ``step``, in index order (``order``: the positions in
    index order); ``None`` stands for a member no job has."""
    if column is None:
        return Coded(_made(repeat(0, len(order)), young), [None], step)
    if distinct is None:
        distinct = list(dict.fromkeys(column))
    number_of = {value: number * step for number, value in enumerate(distinct)}
    return Coded(_made(map(number_of.__getitem__, map(column.__getitem__, order)), young), distinct, step)


def columns_of(
    jobs: list[Any], members: tuple[str, ...], layout: Layout, young: Callable[[], object] | None = None
) -> Columns | None:
    """The columns of a batch of plain dicts that all have the members of the first, every one simple,
    with distinct ``jobId`` values; ``None`` for any other batch. ``young``: the load's young collection
    (see the module's notes)."""
    if not jobs or set(map(type, jobs)) != {dict}:
        return None
    names = tuple(jobs[0])
    if set(map(len, jobs)) != {len(names)} or not names:
        return None
    try:
        columns = [_made(map(itemgetter(name), jobs), young) for name in names]
    except (KeyError, TypeError):
        return None  # a job without one of the first job's members
    grouped = _GROUPED_MEMBERS.union(layout.equality_members)
    distinct: dict[str, list[Any]] = {}
    checked: list[list[Any]] = []
    for name, column in zip(names, columns, strict=True):
        if name in grouped:
            try:
                distinct[name] = _canonical(column)
            except TypeError:
                return None  # an unhashable value, which is no simple one: put names the member
            checked.append(distinct[name])  # is_simple's test of these members reads the set of values
        else:
            checked.append(column)
    # Untracked before a dict holds them, the records leave the dict untracked (a dict of untracked
    # values is), which no collection then reads.
    records = pack_columns(names, columns, members, checked, young)
    if records is None:
        return None
    by_name = dict(zip(names, columns, strict=True))
    job_ids = by_name["jobId"]
    stored = dict(zip(job_ids, records, strict=True))
    if len(stored) != len(records):
        return None  # a repeated jobId: the later job wins, as put would have it, one at a time
    del records
    count = len(job_ids)
    newest = _made(newest_first_keys(job_ids, by_name.get("createdAt")), young)
    # Jobs in creation order have descending keys: walked from the end, the positions are nearly sorted.
    order = _made(range(count - 1, -1, -1), young)
    order.sort(key=newest.__getitem__)
    statuses = _coded(by_name.get("status"), order, young, distinct.get("status"))
    coded = {"status": statuses}
    for member in layout.equality_members:
        if member in by_name:
            coded[member] = _coded(by_name[member], order, young, distinct[member], len(statuses.values))
    versions = _coded(by_name.get("version"), order, young)
    if "version" not in by_name:
        versions = Coded(versions.numbers, [MISSING_VERSION], 1)
    coded["version"] = versions
    coded["jobName"] = _coded(by_name["jobName"], order, young, distinct["jobName"], len(versions.values))
    # A queue's number is a multiple of a step beyond every sum of the numbers of other members.
    step = max(
        len(statuses.values) * max((len(coded[member].values) for member in coded if member in
                                    layout.equality_members), default=1),
        len(coded["jobName"].values) * len(versions.values),
    )
    coded["jobQueue"] = _coded(by_name.get("jobQueue"), order, young, distinct.get("jobQueue"), step)
    return Columns(jobs, stored, _made(map(newest.__getitem__, order), young), coded, by_name)


def runnable_of(columns: Columns, young: Callable[[], object] | None = None) -> RunnableIndex:
    """The RUNNABLE index of a batch, every job of which is in the queue listings. The jobs in use are
    counted from the given dicts, which hold what their records hold (``UsageIndex`` reads a job's members
    and keeps none of it but its share's value, a string)."""
    statuses = columns.given.get("status")
    in_use = [] if statuses is None else compress(columns.jobs, map(IN_USE_STATUSES.__contains__, statuses))
    return RunnableIndex.gather_columns(columns.given, in_use, young)


def _grouped(
    numbers: list[int], items: list[Key], young: Callable[[], object] | None
) -> dict[int, list[Key]]:
    """The items by their number, each list in the items' order: one C-level pass (the lists made empty
    first, ``_made``)."""
    groups: dict[int, list[Key]] = {number: [] for number in set(numbers)}
    if young is not None:
        young()
    deque(map(list.append, map(groups.__getitem__, numbers), items), maxlen=0)
    return groups


def _sum(first: list[int], second: list[int], young: Callable[[], object] | None) -> list[int]:
    """The number of the combination of two members' values (``Coded``): the sum of their numbers."""
    return _made(map(add, first, second), young)


def _status_lists(
    lists: list[IndexLists], queues: Coded | None, columns: Columns, young: Callable[[], object] | None
) -> None:
    """Fill the status, created-at and member indexes of the scopes of ``lists``: the queues' scopes
    (``queues``: each job's ``jobQueue``, the scopes in the order of its values), or the scope of every job
    (``None``), a grouping pass each: the keys of a bucket come in index order, so no bucket is sorted."""
    newest, status = columns.newest, columns.coded["status"]
    statuses = len(status.values)

    def scoped(numbers: list[int]) -> list[int]:
        return numbers if queues is None else _sum(queues.numbers, numbers, young)

    def split(cell: int) -> tuple[int, int]:
        """The scope of a cell (its position in ``lists``), and the number of the rest."""
        return (0, cell) if queues is None else divmod(cell, queues.step)

    for cell, keys in _grouped(scoped(status.numbers), newest, young).items():
        scope, number = split(cell)
        lists[scope].by_status[status.values[number]] = keys
    if queues is not None:
        for cell, keys in _grouped(queues.numbers, newest, young).items():
            lists[cell // queues.step].by_created = keys
    for member in lists[0].by_member:
        coded = columns.coded.get(member)
        if coded is None:
            continue  # no job has the member
        values = coded.values
        by_value = scoped(coded.numbers)
        for cell, keys in _grouped(by_value, newest, young).items():
            scope, number = split(cell)
            value = values[number // statuses]
            if value is not None:
                lists[scope].by_member_any[member][value] = keys
        for cell, keys in _grouped(_sum(by_value, status.numbers, young), newest, young).items():
            scope, number = split(cell)
            value_number, status_number = divmod(number, statuses)
            value = values[value_number]
            if value is not None:
                lists[scope].by_member[member].setdefault(value, {})[status.values[status_number]] = keys


def _name_lists(
    lists: IndexLists, runs: list[tuple[int, int, list[Key]]], young: Callable[[], object] | None
) -> None:
    """The name indexes of a scope from its runs of grouped keys ``(rank, folded rank, run)``, one per
    ``(jobName, version)``: ``by_name`` the runs in rank order (``(jobName, version)``), ``by_folded`` in
    folded rank order (their folded names', ``(jobName, version)`` within one)."""
    runs.sort(key=itemgetter(0))
    lists.by_name = _made(chain.from_iterable(map(itemgetter(2), runs)), young)
    runs.sort(key=itemgetter(1))
    lists.by_folded = _made(chain.from_iterable(map(itemgetter(2), runs)), young)


def _grouped_keys(columns: Columns, young: Callable[[], object] | None) -> list[Key]:
    """Every job's grouped key ``(jobName, version, newest-first key)``, in index order; ``young`` called
    after every few thousand, while they are in the caches."""
    names, versions = columns.coded["jobName"], columns.coded["version"]
    made = zip(
        map(names.values.__getitem__, map(floordiv, names.numbers, repeat(names.step))),
        map(versions.values.__getitem__, versions.numbers), columns.newest, strict=True,
    )
    keys: list[Key] = _made((), young)
    while True:
        part = list(islice(made, _KEYS_PER_COLLECTION))
        if not part:
            return keys
        keys += part
        if young is not None:
            young()


def scopes_of(
    layout: Layout, columns: Columns, young: Callable[[], object] | None = None
) -> tuple[IndexLists, dict[Any, IndexLists]]:
    """The lists of the scope of every job, and of each ``jobQueue`` value's scope; ``young``: the load's
    young collection (see the module's notes)."""
    newest, queues = columns.newest, columns.coded["jobQueue"]
    everything = IndexLists(layout.equality_members)
    everything.by_created = newest  # every job, in index order
    _status_lists([everything], None, columns, young)
    if len(queues.values) == 1:
        lists = [everything]
    else:
        lists = [IndexLists(layout.equality_members) for _ in queues.values]
        _status_lists(lists, queues, columns, young)
    # The name indexes: the grouped keys, made once in index order, grouped by (jobName, version) and by
    # (jobName, version, jobQueue); each run is in index order.
    names, versions = columns.coded["jobName"], columns.coded["version"]
    heads = _sum(names.numbers, versions.numbers, young)
    grouped = _grouped_keys(columns, young)
    runs = _grouped(heads, grouped, young)

    def name_version(head: int) -> tuple[str, int]:
        name, version = divmod(head, names.step)
        return names.values[name], versions.values[version]

    ordered = sorted(runs, key=name_version)
    rank = {head: position for position, head in enumerate(ordered)}
    folded = {name: name.casefold() for name in names.values}
    folded_rank = {
        head: position
        for position, head in enumerate(sorted(ordered, key=lambda head: folded[name_version(head)[0]]))
    }
    _name_lists(everything, [(rank[head], folded_rank[head], run) for head, run in runs.items()], young)
    if len(lists) > 1:
        value_runs: list[list[tuple[int, int, list[Key]]]] = [[] for _ in lists]
        for cell, run in _grouped(_sum(queues.numbers, heads, young), grouped, young).items():
            value, head = divmod(cell, queues.step)
            value_runs[value].append((rank[head], folded_rank[head], run))
        for value_lists, its_runs in zip(lists, value_runs, strict=True):
            _name_lists(value_lists, its_runs, young)
    if young is not None:
        young()
    return everything, dict(zip(queues.values, lists, strict=True))
