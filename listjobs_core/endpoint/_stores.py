"""What the endpoint holds its jobs through: any ``ListingStore`` (``listjobs_core.store``), and ``Answer``.

Theory of operation: ``ReferenceService`` never knows where its jobs live. It asks a ``ListingStore`` to
put, get, update and list them, and to answer one listing operation the way the core's pure function does
(``answer``, ``answer_json``). The interface, and ``ClientTokenStore`` for a store that keeps client tokens
itself, are the stores' own and live with them; they are named here too for the endpoint's modules.

A service method may hand back the response as a dict, or as the JSON bytes a store's ``answer_json``
gives (an ``Answer``): the HTTP layer sends bytes as they are.
"""

from __future__ import annotations

from typing import Any, TypeAlias

from ..store import ClientTokenStore, ListingStore

__all__ = ["Answer", "ClientTokenStore", "ListingStore"]

# What a service method returns: the response as a dict, or already encoded as UTF-8 JSON.
Answer: TypeAlias = "dict[str, Any] | bytes"
