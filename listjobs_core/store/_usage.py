"""What the jobs in use of each queue hold, kept as jobs move (rules SN-5, SN-7), and the jobQueue values
that denote a queue (IN-2).

Theory of operation: a snapshot reports the capacity the queue's jobs in use hold, in total and per share
(SN-5), and a fair-share or quota-share queue ranks its RUNNABLE jobs by their share's (SN-2). Reading every
job in use at each snapshot costs their number; a ``UsageIndex`` instead keeps, per ``jobQueue`` value,
the sums those jobs make, and changes them as a job comes into use (``SCHEDULED``, ``STARTING``,
``RUNNING``, ``_snapshot.IN_USE_STATUSES``) or leaves it: a snapshot merges the sums of the values that
denote its queue, O(values * shares * units), whatever the number of jobs in use.

Nothing here restates SN-5: a job's usage is ``_snapshot.job_usage``'s, sums are ``_snapshot``'s exact
pairs (``add_exact``: adding and taking back out never round), and what is kept is what
``_snapshot.QueueUsage.of`` makes of the same jobs, which the property test of ``tests/`` checks after
every change. Per value, for the total and for each share of each share member (``shareIdentifier``,
``quotaShareName``), each unit holds ``[entries, sum]``: the entries say when a unit is no longer named
(a sum of zero is still reported while a job names the unit), and each share counts its jobs (a share with
a job in use is active even when that job names no unit).

A job in use whose ``capacityUsage`` is malformed is counted apart: a snapshot of a queue that holds one
gets ``None`` from ``usage``, and its caller reads the jobs, so that the answer is the ServerException the
pure function raises (E-2).

``QueueValues`` keeps the ``jobQueue`` values an index holds by queue name, so that the values denoting a
queue (``QueueMatcher``, IN-2) are found among those with its name only.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from .._errors import ServerException
from .._queues import QueueMatcher, queue_name
from .._snapshot import (
    EXACT_ZERO,
    FAIR_SHARE,
    IN_USE_STATUSES,
    QUOTA_SHARE,
    SCHEDULING_KINDS,
    Exact,
    QueueUsage,
    add_exact,
    job_usage,
    share_member,
)

__all__ = ["QueueValues", "UsageIndex"]

_MEMBERS = (str(share_member(FAIR_SHARE)), str(share_member(QUOTA_SHARE)))
# unit -> [entries naming it, their exact sum]
_Units = dict[str, list[Any]]


class QueueValues:
    """The ``jobQueue`` values present in an index, by queue name (only values with a queue's name can
    denote it, IN-2), and the values found to denote each queue asked of it, until a value comes or goes
    (values come with the first job of a queue and go with its last, so a queue's snapshots rarely pay
    for parsing its identifier)."""

    __slots__ = ("_denoting", "_names")
    # Beyond this many queues asked, the memo starts afresh (identifiers come from requests).
    _MEMO = 1024

    def __init__(self) -> None:
        self._names: dict[str, set[str]] = {}
        self._denoting: dict[str, list[str | None]] = {}

    def add(self, value: str | None) -> None:
        """A value comes into the index."""
        if value is not None:
            self._names.setdefault(queue_name(value), set()).add(value)
            self._denoting.clear()

    def discard(self, value: str | None) -> None:
        """A value leaves the index."""
        if value is not None:
            name = queue_name(value)
            values = self._names[name]
            values.discard(value)
            if not values:
                del self._names[name]
            self._denoting.clear()

    def denoting(self, job_queue: str) -> list[str | None]:
        """The values that denote ``job_queue`` (IN-2), after ``None``, the value of the jobs without a
        queue, which are in every queue; in code-point order, whether or not the index holds ``None``.
        The list is the memo's: not to be changed."""
        known = self._denoting.get(job_queue)
        if known is not None:
            return known
        accepts = QueueMatcher(job_queue)
        values: list[str | None] = [None]
        values += sorted(value for value in self._names.get(queue_name(job_queue), ()) if accepts[value])
        if len(self._denoting) >= self._MEMO:
            self._denoting.clear()
        self._denoting[job_queue] = values
        return values

    def names(self) -> dict[str, set[str]]:
        """The values by queue name, comparable (``_check``); asserts the memo is what they make."""
        for job_queue, values in self._denoting.items():
            accepts = QueueMatcher(job_queue)
            fresh = sorted(value for value in self._names.get(queue_name(job_queue), ()) if accepts[value])
            if values != [None, *fresh]:
                raise AssertionError(f"store invariant broken: the values denoting {job_queue!r} are stale")
        return self._names


class _ValueUsage:
    """The jobs in use of one ``jobQueue`` value: how many, how many malformed, and their sums."""

    __slots__ = ("jobs", "malformed", "shares", "total")

    def __init__(self) -> None:
        self.jobs = 0
        self.malformed = 0
        self.total: _Units = {}
        # share member -> share -> [jobs, units]
        self.shares: dict[str, dict[Any, list[Any]]] = {member: {} for member in _MEMBERS}

    def count(self, job: Mapping[str, Any], sign: int) -> None:
        """Add a job in use (``sign`` 1) or take it back out (-1)."""
        self.jobs += sign
        try:
            pairs = job_usage(job)
        except ServerException:
            self.malformed += sign
            return
        if sign < 0:
            pairs = [(unit, (-numerator, power)) for unit, (numerator, power) in pairs]
        _count_units(self.total, pairs, sign)
        for member in _MEMBERS:
            shares = self.shares[member]
            share = job.get(member)
            held = shares.get(share)
            if held is None:
                held = shares[share] = [0, {}]
            held[0] += sign
            _count_units(held[1], pairs, sign)
            if not held[0]:
                del shares[share]

    def queue_usage(self, member: str | None) -> QueueUsage:
        """These sums as ``QueueUsage.of`` the jobs gives them, shares by ``member`` (``None``: FIFO)."""
        total = _sums(self.total)
        if member is None:
            return QueueUsage(total, {None: dict(total)})
        return QueueUsage(total, {share: _sums(units) for share, (_, units) in self.shares[member].items()})

    def state(self) -> tuple[Any, ...]:
        """Everything kept, comparable (``UsageIndex._check``)."""
        return (self.jobs, self.malformed, self.total, self.shares)


def _count_units(units: _Units, pairs: list[tuple[str, Exact]], sign: int) -> None:
    for unit, quantity in pairs:
        held = units.get(unit)
        if held is None:
            held = units[unit] = [0, EXACT_ZERO]
        held[0] += sign
        held[1] = add_exact(held[1], quantity)
        if not held[0]:
            del units[unit]


def _sums(units: _Units) -> dict[str, Exact]:
    """Each unit's sum."""
    return {unit: held[1] for unit, held in units.items()}


class UsageIndex:
    """The usage of the jobs in use per ``jobQueue`` value (see the module's notes)."""

    __slots__ = ("_values", "values")

    def __init__(self) -> None:
        self._values: dict[str | None, _ValueUsage] = {}
        self.values = QueueValues()

    @classmethod
    def gather(cls, jobs: Iterable[Mapping[str, Any]]) -> UsageIndex:
        """An index of the jobs in use of ``jobs``."""
        index = cls()
        for job in jobs:
            index.add(job)
        return index

    def add(self, job: Mapping[str, Any]) -> None:
        """Count a stored job, if in use. O(units * share members)."""
        if job.get("status") in IN_USE_STATUSES:
            self._count(job, 1)

    def discard(self, job: Mapping[str, Any]) -> None:
        """Take back a stored job as it was counted, if in use."""
        if job.get("status") in IN_USE_STATUSES:
            self._count(job, -1)

    def move_status(self, job: Mapping[str, Any], before: Any, after: Any) -> None:
        """A stored job's status changes from ``before`` to ``after``, and nothing else of it."""
        was, is_now = before in IN_USE_STATUSES, after in IN_USE_STATUSES
        if was and not is_now:
            self._count(job, -1)
        elif is_now and not was:
            self._count(job, 1)

    def _count(self, job: Mapping[str, Any], sign: int) -> None:
        value = job.get("jobQueue")
        usage = self._values.get(value)
        if usage is None:
            usage = self._values[value] = _ValueUsage()
            self.values.add(value)
        usage.count(job, sign)
        if not usage.jobs:
            del self._values[value]
            self.values.discard(value)

    def usage(self, job_queue: str, scheduling: str) -> QueueUsage | None:
        """What the jobs in use of ``job_queue`` (a name or an ARN, IN-2) hold, as ``QueueUsage.of`` their
        jobs for a queue of kind ``scheduling``; ``None`` when one of them has a malformed
        ``capacityUsage`` (the caller reads the jobs). O(values * shares * units)."""
        if scheduling not in SCHEDULING_KINDS:
            raise ValueError(f"scheduling must be one of {', '.join(SCHEDULING_KINDS)}, got {scheduling!r}")
        held = [self._values[value] for value in self.values.denoting(job_queue) if value in self._values]
        if any(usage.malformed for usage in held):
            return None
        member = share_member(scheduling)
        parts = [usage.queue_usage(member) for usage in held]
        # The common case: one value holds the queue's jobs in use, and there is nothing to merge.
        return parts[0] if len(parts) == 1 else QueueUsage.merged(parts)

    def _check(self, expected: UsageIndex) -> None:
        """Assert this index holds what ``expected`` (one gathered afresh) holds."""
        mine = {value: usage.state() for value, usage in self._values.items()}
        theirs = {value: usage.state() for value, usage in expected._values.items()}
        if mine != theirs:
            raise AssertionError("store invariant broken: the usage of the jobs in use differs from its jobs")
        if self.values.names() != expected.values.names():
            raise AssertionError("store invariant broken: the queue values of the usage index differ")
