"""Which queue a job queue identifier denotes (rules IN-2, S-9).

Theory of operation: the model documents ``jobQueue`` as "The name or ARN of the job queue". An ARN
``arn:<partition>:batch:<region>:<account>:job-queue/<name>`` and the bare ``<name>`` denote the same
queue; two ARNs denote the same queue only when they are equal. Anything that is not such an ARN is a
queue name.
"""

from __future__ import annotations

from ._arns import JOB_QUEUE, denote_same, name_denoted, parse_batch_arn

__all__ = ["QueueMatcher", "denote_same_queue", "is_queue_arn", "queue_name"]


def queue_name(identifier: str) -> str:
    """The queue name an identifier denotes: the name itself, or the name inside a queue ARN.

    >>> queue_name("arn:aws:batch:us-east-1:123456789012:job-queue/training")
    'training'
    >>> queue_name("training")
    'training'
    """
    return name_denoted(identifier, JOB_QUEUE)


def is_queue_arn(identifier: str) -> bool:
    """Whether an identifier is a job queue ARN rather than a name."""
    return parse_batch_arn(identifier, JOB_QUEUE) is not None


def denote_same_queue(first: str, second: str) -> bool:
    """Whether two queue identifiers (names or ARNs) denote the same queue.

    >>> denote_same_queue("arn:aws:batch:us-east-1:1:job-queue/q", "q")
    True
    >>> denote_same_queue("arn:aws:batch:us-east-1:1:job-queue/q", "arn:aws:batch:eu-west-1:1:job-queue/q")
    False
    """
    return denote_same(first, second, JOB_QUEUE)


class QueueMatcher(dict[object, bool]):
    """A memo of which job ``jobQueue`` values the requested queue accepts.

    A job without ``jobQueue`` (``None``) is listed for any queue (rule IN-2). Looking a value up is a
    dict hit after its first sight, so the listing pays one comparison per distinct queue, not per job.

    >>> accepts = QueueMatcher("q")
    >>> accepts[None], accepts["q"], accepts["arn:aws:batch:r:1:job-queue/q"], accepts["other"]
    (True, True, True, False)
    """

    def __init__(self, requested: str) -> None:
        super().__init__({None: True})
        self._requested = requested
        self._name = queue_name(requested)
        self._by_arn = self._name != requested

    def __missing__(self, job_queue: object) -> bool:
        # Shortcuts that only skip parsing, never decide alone: identifiers that denote the same queue have
        # the same name, and an identifier ends with its name (a name is itself, an ARN ends with
        # ``job-queue/<name>``); an ARN denotes the same queue as itself, or as another identifier only
        # when that one is its bare name.
        accepted = isinstance(job_queue, str) and (
            job_queue == self._requested
            or (
                job_queue == self._name if self._by_arn else job_queue.endswith(self._name)
            )
            and denote_same_queue(self._requested, job_queue)
        )
        self[job_queue] = accepted
        return accepted
