"""What a run over the wire submits, and the listings it judges: jobs and requests designed for the rules.

Theory of operation: an endpoint holds its own jobs, so the kit cannot hand it a fresh set per case as it
does an adapter. It submits one set, designed so that the listings below meet every rule that can be seen
from outside, and judges every listing against the reference over the jobs as DescribeServiceJob shows
them. Job names must be what SubmitServiceJob accepts (the model: "letters, numbers, hyphens and
underscores"), so names are ASCII; what ASCII names cannot show is brought in through filter values,
which the model does not restrict:

- case variants of one name (``conf-train``, ``Conf-Train``, ``CONF-TRAIN``) and prefix families
  (``conf-train1``, ``Conf-Train10``, ``conf-trainx``): S-5, S-6, O-2;
- ``STRASSE``, ``Strasse`` and ``strasse-2``, listed by ``straße``: equal under ``str.casefold`` only,
  not under ``str.lower`` (S-5);
- filter values with a ``*`` inside (``conf*train``, ``conf-*eval``): no job name holds a ``*``, so a
  listing that treats it as a wildcard lists jobs it must not (S-6);
- share identifiers and quota share names in two letter cases (S-4), with some jobs terminated so that
  statuses differ (S-1, S-3, S-4); where the endpoint makes a queue with a quota-share policy, the jobs
  planned with a quota share name go there as well (``quota_share_jobs``), since such a queue is the one
  the model lets take ``quotaShareName``, and the QUOTA_SHARE_NAME listings are of that queue;
- jobs submitted to the queue by name and by ARN, listed by both (IN-2), and a second queue holding jobs
  of the same names (S-9);
- created-at bounds at, just before and just after observed ``createdAt`` values (S-7).
"""

from __future__ import annotations

import random
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal

from .._generate import STATUSES

__all__ = [
    "PLANNED_JOBS",
    "QUOTA_SHARES",
    "SERVICE_JOB_TYPE",
    "TERMINATION_REASON",
    "ListingCase",
    "PlannedJob",
    "Queues",
    "generated_request",
    "listing_cases",
    "quota_share_jobs",
    "submit_request",
]

SERVICE_JOB_TYPE = "SAGEMAKER_TRAINING"
TERMINATION_REASON = "terminated by the listjobs-core conformance run"


@dataclass(frozen=True, slots=True)
class PlannedJob:
    """One job the run submits: its name, its queue (and whether it is named by ARN), its shares, and
    whether the run terminates it before judging listings."""

    name: str
    queue: Literal["main", "other", "quota"] = "main"
    by_arn: bool = False
    share: str | None = None
    quota: str | None = None
    terminate: bool = False


PLANNED_JOBS: tuple[PlannedJob, ...] = (
    PlannedJob("conf-train", share="sA", quota="qA"),
    PlannedJob("Conf-Train", by_arn=True, share="SA", quota="QA", terminate=True),
    PlannedJob("CONF-TRAIN", share="sB"),
    PlannedJob("conf-train1", by_arn=True, share="sA", quota="qB"),
    PlannedJob("Conf-Train10", terminate=True),
    PlannedJob("conf-trainx", by_arn=True, share="sA", quota="qA"),
    PlannedJob("STRASSE", share="sB", quota="qA"),
    PlannedJob("strasse-2", by_arn=True, quota="qB", terminate=True),
    PlannedJob("Strasse"),
    PlannedJob("conf-eval", by_arn=True, share="sA"),
    PlannedJob("CONF-EVAL", share="sA", quota="qA", terminate=True),
    PlannedJob("zeta", by_arn=True, share="sB"),
    PlannedJob("conf-train", queue="other", share="sA", quota="qA"),
    PlannedJob("STRASSE", queue="other", quota="qA"),
    PlannedJob("zeta", queue="other", share="sB", terminate=True),
)


# The quota shares of the run's quota-share queue: the quota share names PLANNED_JOBS carry.
QUOTA_SHARES = ("qA", "QA", "qB")


def quota_share_jobs() -> tuple[PlannedJob, ...]:
    """The jobs of the run's quota-share queue: each planned job with a quota share name, with no share
    identifier (the model: only a fair-share queue takes one), named by the queue's name."""
    return tuple(
        PlannedJob(job.name, "quota", quota=job.quota, terminate=job.terminate)
        for job in PLANNED_JOBS
        if job.quota is not None and job.queue == "main"
    )


@dataclass(frozen=True, slots=True)
class Queues:
    """The run's queue by name (and by ARN, once known), the second queue (None when the run was given
    a queue), and the queue with a quota-share policy (None when the endpoint makes none)."""

    name: str
    arn: str | None = None
    other: str | None = None
    quota: str | None = None

    def forms(self) -> list[str]:
        """The ways to name the run's queue: its name, and its ARN when known."""
        return [self.name] + ([self.arn] if self.arn else [])


def submit_request(
    name: str,
    queue: str,
    *,
    share: str | None = None,
    quota: str | None = None,
    client_token: str | None = None,
) -> dict[str, Any]:
    """A SubmitServiceJobRequest for a job of the run."""
    request: dict[str, Any] = {
        "jobName": name,
        "jobQueue": queue,
        "serviceJobType": SERVICE_JOB_TYPE,
        "serviceRequestPayload": '{"TrainingJobName": "' + name + '"}',
    }
    if share is not None:
        request["shareIdentifier"] = share
    if quota is not None:
        request["quotaShareName"] = quota
    if client_token is not None:
        request["clientToken"] = client_token
    return request


@dataclass(frozen=True, slots=True)
class ListingCase:
    """One designed listing: the rule it is written for, the request, and the maxResults of each page
    (None: absent; ``whole`` sizes the one page to the whole selection, for P-2)."""

    rule: str
    request: dict[str, Any]
    sizes: tuple[int | None, ...] = (5,)
    whole: bool = False

    @property
    def name(self) -> str:
        """How the report names the case."""
        return f"designed listing ({self.rule}) {self.request}"


def _name_filter(value: str) -> list[dict[str, Any]]:
    return [{"name": "JOB_NAME", "values": [value]}]


def listing_cases(
    queues: Queues, times: Sequence[int], *, shares: bool = True, quotas: bool = True
) -> list[ListingCase]:
    """The designed listings over the run's jobs; ``times`` are the observed createdAt values of the
    run's queue, ``shares`` and ``quotas`` whether the endpoint kept share identifiers and quota share
    names."""
    queue = queues.name
    cases = [ListingCase("S-1", {"jobQueue": queue, "jobStatus": status}) for status in STATUSES]
    cases += [
        ListingCase("S-2", {"jobQueue": queue}, (3,)),
        ListingCase("V-5", {"jobQueue": queue, "filters": []}),
        # Null and unknown members, as no SDK sends them (IN-4).
        ListingCase(
            "IN-4",
            {"jobQueue": queue, "jobStatus": None, "nextToken": None, "filters": None, "unknownMember": 1},
            (None,),
        ),
        ListingCase("IN-4", {"jobQueue": queue, "jobStatus": "FAILED", "filters": None, "maxResults": None}),
    ]
    for value in ("conf-train", "CONF-TRAIN1", "straße", "STRAẞE", "zeta"):
        cases.append(ListingCase("S-5", {"jobQueue": queue, "filters": _name_filter(value)}, (2,)))
    for value in ("conf-train*", "CONF-TRAIN1*", "straße*", "c*", "*", "conf*train", "conf-*eval", "*zeta"):
        cases.append(ListingCase("S-6", {"jobQueue": queue, "filters": _name_filter(value)}, (3, 1, 4)))
    cases += [
        ListingCase(
            "S-3", {"jobQueue": queue, "jobStatus": "RUNNING", "filters": _name_filter("conf-train")}
        ),
        ListingCase("S-3", {"jobQueue": queue, "jobStatus": "FAILED", "filters": _name_filter("conf*")}),
        ListingCase("P-2", {"jobQueue": queue, "filters": _name_filter("*")}, whole=True),
        ListingCase(
            "P-3", {"jobQueue": queue, "filters": [{"name": "AFTER_CREATED_AT", "values": ["0"]}]}, (1, 2, 3)
        ),
        ListingCase("P-1", {"jobQueue": queue, "filters": _name_filter("conf*")}, (None,)),
    ]
    if times:
        ordered = sorted(set(times))
        bounds = {ordered[0] - 1, ordered[0], ordered[len(ordered) // 2], ordered[-1], ordered[-1] + 1}
        for bound in sorted(bounds):
            for name in ("BEFORE_CREATED_AT", "AFTER_CREATED_AT"):
                filters = [{"name": name, "values": [str(max(bound, 0))]}]
                cases.append(ListingCase("S-7", {"jobQueue": queue, "filters": filters}, (4,)))
        middle = [{"name": "AFTER_CREATED_AT", "values": [str(ordered[0] - 1)]}]
        cases.append(ListingCase("S-3", {"jobQueue": queue, "jobStatus": "SCHEDULED", "filters": middle}))
    share_filters = [("SHARE_IDENTIFIER", ("sA", "SA", "sB"), queue)] if shares else []
    share_filters += [("QUOTA_SHARE_NAME", QUOTA_SHARES, queue)] if quotas else []
    if queues.quota is not None:
        share_filters.append(("QUOTA_SHARE_NAME", QUOTA_SHARES, queues.quota))
    for name, values, listed in share_filters:
        for value in values:
            filters = [{"name": name, "values": [value]}]
            cases.append(ListingCase("S-4", {"jobQueue": listed, "filters": filters}, (2,)))
        for status in ("SUBMITTED", "FAILED"):
            filters = [{"name": name, "values": [values[0]]}]
            cases.append(ListingCase("S-4", {"jobQueue": listed, "jobStatus": status, "filters": filters}))
    if queues.arn is not None:
        arn = queues.arn
        cases += [
            ListingCase("IN-2", {"jobQueue": arn, "jobStatus": "SUBMITTED"}, (4,)),
            ListingCase("IN-2", {"jobQueue": arn, "jobStatus": "FAILED"}),
            ListingCase("IN-2", {"jobQueue": arn, "filters": _name_filter("conf-*")}, (3,)),
        ]
    if queues.other is not None:
        other = queues.other
        cases += [
            ListingCase("S-9", {"jobQueue": other, "filters": _name_filter("*")}),
            ListingCase("S-9", {"jobQueue": other, "jobStatus": "SUBMITTED"}),
        ]
        if shares:
            filters = [{"name": "SHARE_IDENTIFIER", "values": ["sA"]}]
            cases.append(ListingCase("S-9", {"jobQueue": other, "filters": filters}))
    return cases


def generated_request(
    rng: random.Random, jobs: Sequence[Mapping[str, Any]], queues: Queues
) -> dict[str, Any]:
    """A valid request over the run's queue, its values drawn from the jobs as observed: names with their
    letter case changed, cut to prefixes, with ``ß`` for ``ss`` or with a literal ``*`` inside; created-at
    bounds on, just before and just after observed values; the shares the jobs carry, in either case."""
    request: dict[str, Any] = {"jobQueue": rng.choice(queues.forms())}
    statuses = sorted({str(job.get("status")) for job in jobs if job.get("status") in STATUSES})
    if rng.random() < 0.5:
        request["jobStatus"] = rng.choice(statuses or list(STATUSES)) if rng.random() < 0.8 else "RUNNING"
    draw = rng.random()
    if draw < 0.25:
        return request
    if draw < 0.3:
        request["filters"] = []
        return request
    names = [str(job["jobName"]) for job in jobs] or ["conf-train"]
    kinds = ["JOB_NAME", "JOB_NAME", "JOB_NAME", "BEFORE_CREATED_AT", "AFTER_CREATED_AT"]
    shares = sorted({str(job["shareIdentifier"]) for job in jobs if job.get("shareIdentifier")})
    quotas = sorted({str(job["quotaShareName"]) for job in jobs if job.get("quotaShareName")})
    kinds += ["SHARE_IDENTIFIER"] if shares else []
    kinds += ["QUOTA_SHARE_NAME"] if quotas else []
    kind = rng.choice(kinds)
    if kind == "JOB_NAME":
        value = "".join(c.swapcase() if rng.random() < 0.3 else c for c in rng.choice(names))
        shape = rng.random()
        if shape < 0.15:
            value = value.lower().replace("ss", "ß")
        elif shape < 0.3 and len(value) > 2:
            cut = rng.randrange(1, len(value) - 1)
            value = value[:cut] + "*" + value[cut:]
        if rng.random() < 0.4:
            value = value[: rng.randrange(len(value) + 1)] + "*"
    elif kind in ("BEFORE_CREATED_AT", "AFTER_CREATED_AT"):
        times = [int(job["createdAt"]) for job in jobs if isinstance(job.get("createdAt"), int)] or [0]
        value = str(max(rng.choice(times) + rng.choice((-1, 0, 0, 1)), 0))
    else:
        pool = shares if kind == "SHARE_IDENTIFIER" else quotas
        value = rng.choice(pool)
        if rng.random() < 0.25:
            value = value.swapcase()
    request["filters"] = [{"name": kind, "values": [value]}]
    return request
