"""The store interface the service rules are written over, imported in this one place.

Theory of operation: the service keeps its jobs in any store with the listing-store interface
(``ListingStore``: put, get, update, answer, ...), and a store that records client tokens with their jobs
(``ClientTokenStore``, H-7) is told apart by its ``put_new``. The interface is imported for type checking
only, so the service imports no shell at run time; where the interface lives is named on one line below.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # the one line that names where the store interface lives
    from ..store import ClientTokenStore as ClientTokenStore
    from ..store import ListingStore as ListingStore

__all__ = ["keeps_client_tokens"]


def keeps_client_tokens(store: Any) -> bool:
    """Whether ``store`` records SubmitServiceJob's client tokens with their jobs (``put_new``, rule H-7).

    >>> from listjobs_core import ServiceJobStore
    >>> keeps_client_tokens(ServiceJobStore())
    False
    """
    return callable(getattr(store, "put_new", None))
