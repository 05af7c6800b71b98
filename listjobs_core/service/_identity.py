"""Ids, ARNs, regions and accounts: which job an identifier names, and where a job's ARNs point.

Theory of operation: a service holds its jobs in one region and account (rule H-10, ``DEFAULT_REGION`` and
``DEFAULT_ACCOUNT`` unless told otherwise). Every ARN it makes carries them (``job_arn``, ``queue_arn``),
a queue name in a request or a jobs file denotes the queue of that name there (``local_queue``,
``loaded_job``), and a request may name a job by its id or by its ARN (H-9): ``job_id_from`` reads the
id out of an identifier, and ``find_job`` looks the job up in a store. A job id is looked up as it is
first, so a job whose id begins ``arn:`` is found too.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from .._arns import DEFAULT_PARTITION, JOB_QUEUE, SERVICE_JOB, batch_arn, parse_batch_arn
from .._errors import ClientException
from .._json import show
from .._queues import is_queue_arn

if TYPE_CHECKING:
    from ._store_interface import ListingStore

__all__ = [
    "DEFAULT_ACCOUNT",
    "DEFAULT_REGION",
    "find_job",
    "job_arn",
    "job_id_from",
    "loaded_job",
    "local_queue",
    "queue_arn",
    "unknown_job",
]

# H-10: the region and account of every ARN the endpoint makes, unless ``--region`` / ``--account`` say
# otherwise; the demo jobs use the same.
DEFAULT_REGION = "us-east-1"
DEFAULT_ACCOUNT = "123456789012"

# How much of a job identifier a message shows: a whole ARN, and no more than a few of them.
_IDENTIFIER_SHOWN = 300


def job_arn(
    job_id: str,
    region: str = DEFAULT_REGION,
    account: str = DEFAULT_ACCOUNT,
    partition: str = DEFAULT_PARTITION,
) -> str:
    """The ARN of a service job.

    >>> job_arn("j-1")
    'arn:aws:batch:us-east-1:123456789012:service-job/j-1'
    """
    return batch_arn(SERVICE_JOB, job_id, region, account, partition)


def queue_arn(queue: str, region: str = DEFAULT_REGION, account: str = DEFAULT_ACCOUNT) -> str:
    """The ARN a queue name or ARN denotes: an ARN is kept as given, a name gets the region and account.

    >>> queue_arn("training")
    'arn:aws:batch:us-east-1:123456789012:job-queue/training'
    >>> queue_arn("training", "eu-west-1", "111122223333")
    'arn:aws:batch:eu-west-1:111122223333:job-queue/training'
    >>> queue_arn("arn:aws:batch:eu-west-1:1:job-queue/training")
    'arn:aws:batch:eu-west-1:1:job-queue/training'
    """
    if is_queue_arn(queue):
        return queue
    return batch_arn(JOB_QUEUE, queue, region, account)


def local_queue(request: object, region: str, account: str) -> object:
    """A listing request with its ``jobQueue`` name made the endpoint's queue ARN (rule H-10).

    A queue name denotes the queue of that name in the endpoint's own region and account, so it and that
    ARN list the same jobs, and an ARN of another region or account lists none of them. Anything else (no
    queue, an ARN, a value the listing will refuse) is returned as it is; the request is never changed.

    >>> local_queue({"jobQueue": "q", "maxResults": 5}, "eu-west-1", "1")
    {'jobQueue': 'arn:aws:batch:eu-west-1:1:job-queue/q', 'maxResults': 5}
    >>> local_queue({"jobQueue": 5}, "eu-west-1", "1")
    {'jobQueue': 5}
    """
    if not isinstance(request, Mapping):
        return request
    queue = request.get("jobQueue")
    if not isinstance(queue, str) or not queue or is_queue_arn(queue):
        return request
    return {**request, "jobQueue": batch_arn(JOB_QUEUE, queue, region, account)}


def loaded_job(job: Mapping[str, Any], region: str, account: str) -> dict[str, Any]:
    """A job of a jobs file with its ``jobQueue`` as the endpoint holds it (rules H-8, H-10): a queue name
    becomes the endpoint's queue ARN. Every other member is kept as it is; what a served job lacks
    (``jobArn``, ``serviceJobType``) is the store's ``Completion``'s to add (H-20).

    >>> loaded_job({"jobId": "a", "jobName": "n", "jobQueue": "q"}, "eu-west-1", "1")
    {'jobId': 'a', 'jobName': 'n', 'jobQueue': 'arn:aws:batch:eu-west-1:1:job-queue/q'}
    """
    record = dict(job)
    queue = record.get("jobQueue")
    if isinstance(queue, str) and queue:
        record["jobQueue"] = queue_arn(queue, region, account)
    return record


def job_id_from(
    identifier: str, member: str, region: str, account: str, partition: str = DEFAULT_PARTITION
) -> str | None:
    """The ``jobId`` a request's job identifier names (rule H-9): an id as it is, or the id inside the
    endpoint's own ARN for a service job; ``None`` for the ARN of a service job in another region or
    account, which names no job here. Any other ARN is a ``ClientException`` naming ``member``. (The
    service looks an identifier up as a ``jobId`` first, so a job whose id begins ``arn:`` is found too.)

    >>> job_id_from("j-1", "jobId", "us-east-1", "1")
    'j-1'
    >>> job_id_from("arn:aws:batch:us-east-1:1:service-job/j-1", "jobId", "us-east-1", "1")
    'j-1'
    >>> job_id_from("arn:aws:batch:eu-west-1:1:service-job/j-1", "jobId", "us-east-1", "1") is None
    True
    >>> job_id_from("arn:aws:batch:us-east-1:1:job-queue/q", "jobId", "us-east-1", "1")
    Traceback (most recent call last):
    ...
    listjobs_core._errors.ClientException: jobId must be a service job ID or service job ARN; got \
'arn:aws:batch:us-east-1:1:job-queue/q'
    """
    if not identifier.startswith("arn:"):
        return identifier
    arn = parse_batch_arn(identifier, SERVICE_JOB)
    if arn is None:
        raise ClientException(f"{member} must be a service job ID or service job ARN; got {show(identifier)}")
    if identifier != job_arn(arn.resource_id, region, account, partition):
        return None
    return arn.resource_id


def find_job(
    store: ListingStore,
    identifier: str,
    *,
    member: str = "jobId",
    region: str = DEFAULT_REGION,
    account: str = DEFAULT_ACCOUNT,
    partition: str = DEFAULT_PARTITION,
) -> dict[str, Any] | None:
    """The stored job an identifier names (rule H-9): the job with that id, else the job whose ARN here
    it is; ``None`` when there is none, and a ``ClientException`` naming ``member`` for an ARN of another
    resource.

    >>> from listjobs_core import ServiceJobStore
    >>> store = ServiceJobStore()
    >>> store.put({"jobId": "j-1", "jobName": "n", "status": "SUBMITTED"})
    >>> find_job(store, "arn:aws:batch:us-east-1:123456789012:service-job/j-1")["jobName"]
    'n'
    >>> find_job(store, "arn:aws:batch:eu-west-1:123456789012:service-job/j-1") is None
    True
    """
    job = store.get(identifier)
    if job is not None:
        return job
    job_id = job_id_from(identifier, member, region, account, partition)
    return None if job_id is None or job_id == identifier else store.get(job_id)


def unknown_job(identifier: str, member: str = "jobId") -> ClientException:
    """The error for a job identifier that names no job (a whole ARN is shown, where ``show`` would cut it).

    >>> print(unknown_job("arn:aws:batch:eu-west-1:123456789012:service-job/" + "a" * 36))
    jobId 'arn:aws:batch:eu-west-1:123456789012:service-job/aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa' does \
not identify a service job
    """
    shown = (
        repr(identifier)
        if len(identifier) <= _IDENTIFIER_SHOWN
        else repr(identifier[:_IDENTIFIER_SHOWN]) + "..."
    )
    return ClientException(f"{member} {shown} does not identify a service job")
