"""One run over the wire: what it knows of the endpoint, and how it judges against jobs that hold still.

Theory of operation: the run knows a set of job ids (those it submitted, and those it found listed in its
queue). A *snapshot* describes each of them (DescribeServiceJob) and keys the result by every member a
listing reads or shows. Emulators move jobs through statuses on their own schedule, so a listing is
judged only against a snapshot that is the same before and after it:

- Cases are judged in batches: one snapshot, the cases of the batch (each in a scratch log), one more
  snapshot. When the two are equal, every case of the batch is counted, against the first.
- Otherwise each case of the batch is judged on its own in the same way, up to ``_STABLE_ATTEMPTS``
  times; a case that never meets a stable snapshot is counted as unstable (its rules "not judged"),
  never as passed. Once ``_RESTLESS`` cases in a row were unstable, the endpoint's jobs are taken not to
  hold still, and each later case gets one attempt, so a busy scheduler does not make a run crawl.
- A listing that names a job the run does not know has the job added to the known set, and the case is
  judged again.

The snapshot after a batch is the snapshot before the next, until the run changes jobs itself
(``invalidate``).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from .._calls import SUMMARY_MEMBERS, json_copy, summary_of
from .._report import CaseLog, Tally, TargetFault
from ._listing_calls import EndpointImplementation, check_request_id
from ._plan import PlannedJob, Queues
from ._rest_client import EndpointClient, HttpAnswer

__all__ = ["NOT_IMPLEMENTED", "EndpointRun", "Snapshot", "StableCase"]

# The answers that say an operation is not there at all: no operation answered, so no request id is due.
NOT_IMPLEMENTED = frozenset({404, 405, 501})

_STABLE_ATTEMPTS = 3
_RESTLESS = 3
# Rules every call checks: a case never judged is not reported under them, which other cases judge.
_EVERY_CALL = frozenset({"W-1", "W-2", "P-1", "P-2", "T-1", "H-3", "E-1", "E-3"})
_BATCH = 10


@dataclass(frozen=True, slots=True)
class Snapshot:
    """The known jobs as described now, and a key equal for equal listings."""

    jobs: tuple[dict[str, Any], ...]
    key: str


@dataclass(frozen=True, slots=True)
class StableCase:
    """A case judged against a stable snapshot: ``body(jobs, log)`` runs it over the jobs as described.
    A case never judged is reported unstable under ``rules``, or when there are none under the rules its
    attempts met (those every call checks aside)."""

    name: str
    rule: str | None
    rules: tuple[str, ...]
    body: Callable[[list[dict[str, Any]], CaseLog], None]


@dataclass
class EndpointRun:
    """The state of one run against one endpoint."""

    client: EndpointClient
    tally: Tally
    seed: int = 0
    job_queue: str | None = None
    read_only: bool = False
    request_ids: set[str] = field(default_factory=set)
    problems: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    designed: int = 0
    generated: int = 0
    queues: Queues = field(default_factory=lambda: Queues(""))
    submitted: list[str] = field(default_factory=list)
    planned: list[tuple[str, PlannedJob]] = field(default_factory=list)
    terminated: set[str] = field(default_factory=set)
    known: set[str] = field(default_factory=set)
    shares_kept: bool = True
    quotas_kept: bool = True
    every_job_shared: bool = False
    created_environment: str | None = None
    created_policy: str | None = None
    created_quota_policy: str | None = None
    created_quota_shares: list[str] = field(default_factory=list)
    created_queues: list[str] = field(default_factory=list)
    implementation: EndpointImplementation = field(init=False)
    _snapshot: Snapshot | None = None
    _unstable_in_a_row: int = 0

    def __post_init__(self) -> None:
        self.queues = Queues(self.job_queue or "")
        self.implementation = EndpointImplementation(
            self.client, self.request_ids, known_jobs=not self.read_only
        )

    # --- calls ---------------------------------------------------------------------------------------

    def operation(self, name: str, request: Any, log: CaseLog) -> HttpAnswer:
        """Call one operation, checking its request id (H-3) when the operation is there to answer."""
        log.calls += 1
        answer = self.client.call(name, request)
        if answer.status not in NOT_IMPLEMENTED:
            check_request_id(answer, self.request_ids, log, request)
        return answer

    def describe(self, job_id: str) -> dict[str, Any] | None:
        """The job as DescribeServiceJob shows it, or None when it cannot be described."""
        answer = self.client.call("DescribeServiceJob", {"jobId": job_id})
        if answer.request_id:
            self.request_ids.add(answer.request_id)
        if answer.status == 200 and isinstance(answer.data, dict):
            return answer.data
        return None

    def own(self, job_id: str) -> None:
        """Count a job the endpoint accepted from the run: the run terminates it at the end."""
        if job_id not in self.known:
            self.submitted.append(job_id)
            self.known.add(job_id)
            self.invalidate()

    def in_queue(self, job: dict[str, Any], queue: str | None = None) -> bool:
        """Whether a described job is in the run's queue (or ``queue``), by the queue's name."""
        name = (queue or self.queues.name).rsplit("/", 1)[-1]
        return str(job.get("jobQueue", "")).rsplit("/", 1)[-1] == name

    # --- snapshots -----------------------------------------------------------------------------------

    def invalidate(self) -> None:
        """Forget the last snapshot: the run changed jobs."""
        self._snapshot = None

    def take_snapshot(self) -> Snapshot:
        """Describe every known job now, keeping what a listing reads or shows: the ServiceJobSummary
        members and the queue."""
        jobs = []
        for job_id in sorted(self.known):
            job = self.describe(job_id)
            if job is not None and isinstance(job.get("jobId"), str) and isinstance(job.get("jobName"), str):
                jobs.append(
                    {member: job[member] for member in (*SUMMARY_MEMBERS, "jobQueue") if member in job}
                )
        key = json.dumps(
            [[summary_of(job), job.get("jobQueue")] for job in jobs], sort_keys=True, default=repr
        )
        self._snapshot = Snapshot(tuple(jobs), key)
        return self._snapshot

    def current_jobs(self) -> list[dict[str, Any]]:
        """The known jobs as last described (described now if the run changed them since)."""
        snapshot = self._snapshot or self.take_snapshot()
        return [json_copy(job) for job in snapshot.jobs]

    def judge(self, cases: Sequence[StableCase]) -> None:
        """Judge ``cases`` against stable snapshots (see the module documentation)."""
        for start in range(0, len(cases), _BATCH):
            batch = cases[start : start + _BATCH]
            before = self._snapshot or self.take_snapshot()
            logs = [self._run(case, before) for case in batch]
            if self.implementation.unknown_ids:
                self._learn_unknown()
            elif self.take_snapshot().key == before.key:
                for log in logs:
                    self.tally.add(log)
                continue
            for case, log in zip(batch, logs, strict=True):
                self._judge_alone(case, log.calls)

    def _run(self, case: StableCase, snapshot: Snapshot) -> CaseLog:
        log = CaseLog(case.name, case.rule or (case.rules[0] if case.rules else None))
        try:
            case.body([json_copy(job) for job in snapshot.jobs], log)
        except TargetFault as fault:
            # The endpoint's fault is judged at once, whatever the snapshots: the case ends with it.
            fault.record(log)
            self.tally.add(log)
            raise
        return log

    def _learn_unknown(self) -> None:
        self.known |= self.implementation.unknown_ids
        self.implementation.unknown_ids.clear()
        self.invalidate()

    def _judge_alone(self, case: StableCase, calls: int) -> None:
        attempts = 1 if self._unstable_in_a_row >= _RESTLESS else _STABLE_ATTEMPTS
        checked: set[str] = set()
        for _ in range(attempts):
            before = self._snapshot or self.take_snapshot()
            log = self._run(case, before)
            calls += log.calls
            checked |= log.checked
            if self.implementation.unknown_ids:
                self._learn_unknown()
                continue
            if self.take_snapshot().key == before.key:
                log.calls = calls
                self.tally.add(log)
                self._unstable_in_a_row = 0
                return
        self._unstable_in_a_row += 1
        self.tally.add_unstable(case.rules or sorted(checked - _EVERY_CALL), calls)
