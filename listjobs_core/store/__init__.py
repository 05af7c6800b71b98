"""The indexed in-memory job stores: the core's listings, answered in O(log N + page).

The interface every store has, this package's and ``listjobs_core.sql.SqlJobStore``, is ``ListingStore``
(``_interface``). Modules: ``_sorted_keys`` (the chunked sorted list every index is), ``_name_ranges``
(JOB_NAME as ranges of the grouped name index), ``_scope`` (one set of indexes, and how each filter's index
plan reads it), ``_bulk`` (a batch loaded a member at a time) and ``_memory`` (``JobStore`` and
``ServiceJobStore``: jobs in, pages out, under one lock).
"""

from ._interface import ClientTokenStore, ListingMethods, ListingStore
from ._memory import JobStore, ServiceJobStore

__all__ = ["ClientTokenStore", "JobStore", "ListingMethods", "ListingStore", "ServiceJobStore"]
