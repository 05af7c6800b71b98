"""Batch ARNs of job queues and jobs: the one place that parses and builds them.

Theory of operation: the model documents a job queue ARN as
``arn:<partition>:batch:<region>:<account>:job-queue/<name>`` and identifies jobs by ARNs of the same
scheme (``service-job/<jobId>`` for service jobs, ``job/<jobId>`` for Batch jobs,
``consumable-resource/<name>`` for consumable resources). Parsing is lenient
about the region and account (either may be empty, as some emulators write them) and strict about the
scheme, the service and the resource type. Which queue an identifier denotes is ``_queues``' business; this
module only knows the text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

__all__ = [
    "CONSUMABLE_RESOURCE",
    "DEFAULT_PARTITION",
    "JOB",
    "JOB_QUEUE",
    "SERVICE_JOB",
    "BatchArn",
    "batch_arn",
    "denote_same",
    "name_denoted",
    "parse_batch_arn",
]

DEFAULT_PARTITION = "aws"
# The resource types of the ARNs listjobs_core reads and writes.
JOB_QUEUE = "job-queue"
SERVICE_JOB = "service-job"
JOB = "job"
CONSUMABLE_RESOURCE = "consumable-resource"

_BATCH_ARN = re.compile(
    r"arn:(?P<partition>[^:]+):batch:(?P<region>[^:]*):(?P<account>[^:]*):"
    r"(?P<resource_type>[a-z-]+)/(?P<resource_id>[^/]+)"
)


@dataclass(frozen=True, slots=True)
class BatchArn:
    """The parts of a Batch ARN ``arn:<partition>:batch:<region>:<account>:<resource_type>/<resource_id>``."""

    partition: str
    region: str
    account: str
    resource_type: str
    resource_id: str

    def __str__(self) -> str:
        return batch_arn(self.resource_type, self.resource_id, self.region, self.account, self.partition)


def parse_batch_arn(text: str, resource_type: str | None = None) -> BatchArn | None:
    """The parts of a Batch ARN, or ``None`` when ``text`` is not one (of ``resource_type``, when given).

    >>> parse_batch_arn("arn:aws:batch:us-east-1:123456789012:job-queue/training").resource_id
    'training'
    >>> parse_batch_arn("arn:aws:batch:us-east-1:123456789012:job-queue/training", SERVICE_JOB) is None
    True
    >>> parse_batch_arn("training") is None
    True
    """
    match = _BATCH_ARN.fullmatch(text)
    if match is None or (resource_type is not None and match["resource_type"] != resource_type):
        return None
    return BatchArn(**match.groupdict())


def batch_arn(
    resource_type: str, resource_id: str, region: str, account: str, partition: str = DEFAULT_PARTITION
) -> str:
    """The Batch ARN of a resource.

    >>> batch_arn(SERVICE_JOB, "j-1", "us-east-1", "123456789012")
    'arn:aws:batch:us-east-1:123456789012:service-job/j-1'
    >>> batch_arn(JOB_QUEUE, "training", "eu-west-1", "111122223333")
    'arn:aws:batch:eu-west-1:111122223333:job-queue/training'
    """
    return f"arn:{partition}:batch:{region}:{account}:{resource_type}/{resource_id}"


def name_denoted(identifier: str, resource_type: str) -> str:
    """The name a "name or ARN" identifier of ``resource_type`` denotes: the name itself, or the resource
    id inside such an ARN.

    >>> name_denoted("arn:aws:batch:us-east-1:123456789012:job-queue/training", JOB_QUEUE)
    'training'
    >>> name_denoted("training", JOB_QUEUE)
    'training'
    """
    arn = parse_batch_arn(identifier, resource_type)
    return identifier if arn is None else arn.resource_id


def denote_same(first: str, second: str, resource_type: str) -> bool:
    """Whether two "name or ARN" identifiers of ``resource_type`` denote the same resource: a name and an
    ARN of that name do; two ARNs only when they are equal (rules IN-2, CR-2).

    >>> denote_same("arn:aws:batch:us-east-1:1:job-queue/q", "q", JOB_QUEUE)
    True
    >>> arn = "arn:aws:batch:{}:1:job-queue/q"
    >>> denote_same(arn.format("us-east-1"), arn.format("eu-west-1"), JOB_QUEUE)
    False
    """
    if (
        parse_batch_arn(first, resource_type) is not None
        and parse_batch_arn(second, resource_type) is not None
    ):
        return first == second
    return name_denoted(first, resource_type) == name_denoted(second, resource_type)
