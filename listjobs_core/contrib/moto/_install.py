"""``install()`` and ``uninstall()``: every attribute of moto the plug-in replaces, and putting each back
(rules LJ-14 and MS-1).

Theory of operation: the plug-in changes moto by setting attributes on a few of its classes, and nothing
else. ``install()`` records, for each attribute, what the class held itself before (or that it held
nothing, the attribute being inherited), and ``uninstall()`` restores exactly that, the very same objects,
in reverse order. Which attributes moto's dispatcher looks up is decided by what the installed moto has
(``_Dispatch``): up to moto 5.2.5 the path's action in lower case (``listjobs``), from 5.2.6 on the model's
operation name in snake case (``list_jobs``). Named here in the older spelling, the attributes are:

- ``BatchResponse.listjobs``: ListJobs answered by ``list_jobs`` (LJ-14);
- ``BatchResponse.<operation>`` for each of ``SERVICE_JOB_OPERATIONS`` and ``QUEUE_OPERATIONS``: the
  operations moto lacks;
- ``BatchResponse.createjobqueue``, ``updatejobqueue``, ``describejobqueues``, ``deletejobqueue``,
  ``submitjob``, ``createschedulingpolicy`` and ``describeschedulingpolicies``: wrappers that add job
  queue types, service environments and quota-share policies (MS-15) and hand every other request
  to moto's own method;
- ``BatchResponse.setup_class``: moto's, except that the added operations get the body undecoded, so a body
  that is not UTF-8 is the plug-in's 400 rather than moto's 500;
- ``BatchResponse._enrich_response``: moto's, except that a request id already in the headers is kept, so
  the header and an error's message name the same id (E-3);
- only where moto routes each operation's path on its own (to 5.2.5; from 5.2.6 one route takes every
  path), ``BatchBackend._url_module``: the routes of ``moto.batch.urls`` plus one per added operation. In
  decorator mode moto matches each request against these routes (``backend.urls``); in server mode they
  are read once, when moto's server builds its Flask application for Batch;
- ``DomainDispatcherApplication.get_application`` (server mode, when moto's server is importable): a moto
  server may have built its Batch application before ``install()``, without the new routes, and keeps it.
  Requests for the added operations go to a second Batch application the plug-in has the server build (with
  the routes), which ``uninstall()`` drops; moto's own application is built from moto's routes only;
- ``MotoAPIBackend.set_config``: moves of service jobs posted to ``/moto-api/config`` (MS-9);
- ``BatchResponse._dispatch``: where a request to moto's Batch begins; see below.

It also registers the default transition of ``batch::service_job`` in moto's state manager (MS-8), and
``uninstall()`` removes it again and takes the plug-in's records off moto's backends (``_state``).

A request is answered wholly by moto or wholly by the plug-in, whenever ``install()`` or ``uninstall()``
runs (MS-1). Setting the attributes one by one, a request in flight could otherwise meet some of them put
in and some not (moto's dispatcher finding a method name and then no method, or a route of the plug-in's
and no method behind it), and moto would raise. So every request to moto's Batch begins, while the plug-in
is installed, in the plug-in's ``_dispatch``, which holds a gate (``_Gate``) until the request is answered;
``install()`` and ``uninstall()`` change moto only while no request holds it, and a request that arrives
meanwhile waits for them. ``install()`` puts that ``_dispatch`` in first, then waits until the requests
moto began before it are answered (``_wait_for_moto_requests``), then puts in the rest; ``uninstall()``
takes it out last. A request that reaches the plug-in's route after an ``uninstall()`` gets moto's answer
to a path it has no route for (404, ``Not yet implemented``).
"""

from __future__ import annotations

import functools
import importlib
import inspect
import re
import sys
import threading
import time
import weakref
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from types import FrameType
from typing import Any
from urllib.parse import urlsplit

from ... import ListingError
from ..._extras import install_hint
from . import _moto
from ._moto_list_jobs import _listjobs
from ._moves import apply_moves, take_moves
from ._replies import REQUEST_ID_HEADER
from ._responses import (
    ADDED_METHODS,
    CONSUMABLE_OPERATIONS,
    EXTENDING_METHODS,
    QUEUE_OPERATIONS,
    SERVICE_JOB_OPERATIONS,
)
from ._state import forget_all
from ._transitions import DEFAULT_TRANSITION, SERVICE_JOB_MODEL

__all__ = [
    "OLDEST_MOTO",
    "ROUTE_PATHS",
    "SUPPORTED_MOTO",
    "TESTED_MOTO",
    "install",
    "is_installed",
    "uninstall",
]

SUPPORTED_MOTO = "moto>=5.1,<6"
# The oldest moto the plug-in supports. The test command (scripts/test) runs the plug-in's tests with it and
# with the newest moto that pip resolves; 5.2.6 is the newest this release was tested with.
OLDEST_MOTO = "5.1.0"
TESTED_MOTO = (OLDEST_MOTO, "5.2.6")
_RESPONSES_MODULE = "moto.batch.responses"
# The names the ListJobs method has had in moto: the path's action in lower case (to 5.2.5), then the
# model's operation name in snake case (5.2.6 on).
_LISTJOBS_METHODS = ("listjobs", "list_jobs")
# MS-1: the path of each added operation, as the model's requestUri gives it.
ROUTE_PATHS = frozenset(
    f"/v1/{operation.lower()}"
    for operation in (*SERVICE_JOB_OPERATIONS, *QUEUE_OPERATIONS, *CONSUMABLE_OPERATIONS)
)

_ABSENT = object()


@dataclass(frozen=True)
class _Patch:
    owner: Any
    name: str
    previous: Any  # what owner.__dict__ held, or _ABSENT
    replacement: Any


class _Gate:
    """Many requests at once, or one ``install()`` or ``uninstall()`` alone (MS-1).

    A request holds the gate while it is answered; a change waits until none does, and once a change
    waits, new requests wait for it (so a steady stream of requests cannot put a change off for ever). A
    request made while the same thread answers one (moto calling itself) does not wait again.
    """

    def __init__(self) -> None:
        self._condition = threading.Condition()
        self._requests = 0
        self._changes_waiting = 0
        self._changing = False
        self._held = threading.local()

    @contextmanager
    def request(self) -> Iterator[None]:
        depth: int = getattr(self._held, "depth", 0)
        if depth == 0:
            with self._condition:
                while self._changing or self._changes_waiting:
                    self._condition.wait()
                self._requests += 1
        self._held.depth = depth + 1
        try:
            yield
        finally:
            self._held.depth = depth
            if depth == 0:
                with self._condition:
                    self._requests -= 1
                    if self._requests == 0:
                        self._condition.notify_all()

    @contextmanager
    def change(self) -> Iterator[None]:
        if getattr(self._held, "depth", 0):
            raise RuntimeError("install() and uninstall() cannot be called while moto answers a request")
        with self._condition:
            self._changes_waiting += 1
            try:
                while self._changing or self._requests:
                    self._condition.wait()
            finally:
                self._changes_waiting -= 1
            self._changing = True
        try:
            yield
        finally:
            with self._condition:
                self._changing = False
                self._condition.notify_all()


_gate = _Gate()
_lock = threading.Lock()
_patches: list[_Patch] = []
# How long install() waits for the requests moto began before it (moto answers a Batch request in far less).
_MOTO_REQUESTS_WAIT_SECONDS = 10.0
# Set while moto's own server code builds or finds an application, so it sees moto's routes only.
_routing = threading.local()
# Each moto server's second Batch application, the one with the added routes.
_server_apps: weakref.WeakKeyDictionary[Any, Any] = weakref.WeakKeyDictionary()


def install() -> None:
    """Give moto the plug-in's operations and its ListJobs from now on; calling it again changes nothing.

    Raises ``RuntimeError`` naming the installed moto's version when that moto dispatches Batch requests in
    a way the plug-in does not know (see ``SUPPORTED_MOTO`` and ``TESTED_MOTO``).
    """
    response_class = _batch_response_class()
    with _gate.change(), _lock:
        dispatch = _dispatch_of(response_class)
        listjobs = dispatch.method_of("ListJobs")
        if response_class.__dict__.get(listjobs) is _listjobs:
            return
        patches: list[_Patch] = []
        # First: every request begun from now on holds the gate (and waits, as this holds it for a change).
        gated = _dispatch_holding_the_gate(response_class)
        _replace(patches, response_class, "_dispatch", gated)
        _wait_for_moto_requests(response_class, gated)
        _replace(patches, response_class, listjobs, _listjobs)
        for operation, method in ADDED_METHODS.items():
            _replace(patches, response_class, dispatch.method_of(operation), method)
        for operation, wrap in EXTENDING_METHODS.items():
            name = dispatch.method_of(operation)
            _replace(patches, response_class, name, wrap(getattr(response_class, name)))
        _replace(
            patches, response_class, "setup_class", _raw_body_for_added_operations(response_class.setup_class)
        )
        enrich = response_class._enrich_response
        _replace(patches, response_class, "_enrich_response", staticmethod(_keeping_request_id(enrich)))
        if dispatch.needs_routes:
            backend_class = importlib.import_module("moto.batch.models").BatchBackend
            routed = _routed(response_class.dispatch)
            routes = {f"{{0}}{path}$": routed for path in sorted(ROUTE_PATHS)}
            url_module = inspect.getattr_static(backend_class, "_url_module")
            _replace(patches, backend_class, "_url_module", _with_routes(url_module, routes))
            dispatcher_class = _dispatcher_class()
            if dispatcher_class is not None:
                get_application = dispatcher_class.__dict__["get_application"]
                _replace(patches, dispatcher_class, "get_application", _batch_application(get_application))
        api_backend_class = type(importlib.import_module("moto.moto_api._internal").moto_api_backend)
        set_config = api_backend_class.__dict__["set_config"]
        _replace(patches, api_backend_class, "set_config", _taking_moves(set_config))
        importlib.import_module("moto.moto_api").state_manager.register_default_transition(
            SERVICE_JOB_MODEL, DEFAULT_TRANSITION
        )
        _patches.extend(patches)


@dataclass(frozen=True)
class _Dispatch:
    """How the installed moto finds the ``BatchResponse`` method that answers a Batch request.

    Decided by what moto has, never by its version string:

    - up to moto 5.2.5, one route per operation path (``/v1/listjobs``) and a method named after the path's
      action in lower case (``listjobs``): the added operations need routes of their own;
    - from moto 5.2.6 on, one route for every path; moto finds the operation in botocore's service model
      and calls its snake-case method (``list_jobs``): an added operation is a method the dispatcher finds,
      as long as the installed botocore's model has the operation.
    """

    method_of: Callable[[str], str]  # the operation's model name -> the BatchResponse method's name
    needs_routes: bool


def _dispatch_of(response_class: Any) -> _Dispatch:
    if inspect.isfunction(response_class.__dict__.get("list_jobs")):
        camelcase_to_underscores = importlib.import_module("moto.core.utils").camelcase_to_underscores
        _require_model_operations()
        return _Dispatch(camelcase_to_underscores, needs_routes=not _routes_cover_added_paths())
    if inspect.isfunction(response_class.__dict__.get("listjobs")):
        return _Dispatch(str.lower, needs_routes=not _routes_cover_added_paths())
    raise RuntimeError(
        f"listjobs_core.contrib.moto cannot extend moto {_moto.moto_version()}: its "
        "moto.batch.responses.BatchResponse answers ListJobs neither by a listjobs method (moto up to "
        "5.2.5) nor by a list_jobs method (moto 5.2.6 and later). The plug-in supports "
        f"{SUPPORTED_MOTO} and is tested with moto {' and '.join(TESTED_MOTO)} and the newest 5.x."
    )


def _routes_cover_added_paths() -> bool:
    """Whether moto's own Batch routes already send every added operation's path to ``BatchResponse``."""
    url_paths = importlib.import_module("moto.batch.urls").url_paths
    patterns = [re.compile(str(pattern).format("")) for pattern in url_paths]
    return all(any(pattern.match(path) for pattern in patterns) for path in ROUTE_PATHS)


def _require_model_operations() -> None:
    """Where moto dispatches by the service model, every added operation must be in botocore's model."""
    missing = _missing_model_operations()
    if missing:
        botocore_version = importlib.import_module("botocore").__version__
        raise RuntimeError(
            f"moto {_moto.moto_version()} finds Batch operations in botocore's service model, and the model "
            f"of botocore {botocore_version} lacks {', '.join(missing)}: listjobs_core.contrib.moto needs "
            "botocore 1.40 or later"
        )


@functools.cache
def _missing_model_operations() -> tuple[str, ...]:
    """The added operations the installed botocore's Batch model lacks (read once: reading it takes a
    tenth of a second, and it does not change while the process runs)."""
    botocore_session = importlib.import_module("botocore.session")
    model = botocore_session.get_session().get_service_model("batch")
    added = (*SERVICE_JOB_OPERATIONS, *QUEUE_OPERATIONS, *CONSUMABLE_OPERATIONS)
    return tuple(operation for operation in added if operation not in model.operation_names)


def uninstall() -> None:
    """Restore moto exactly as it was before ``install()``; calling it when not installed changes nothing.

    The plug-in's records (service environments, service jobs, job queue types) are forgotten; moto's own
    resources, such as the job queues of service environments, stay as moto objects.
    """
    with _gate.change(), _lock:
        if not _patches:
            return
        for patch in reversed(_patches):
            if patch.owner.__dict__.get(patch.name, _ABSENT) is not patch.replacement:
                continue  # replaced again since: whoever did that restores it
            if patch.previous is _ABSENT:
                delattr(patch.owner, patch.name)
            else:
                setattr(patch.owner, patch.name, patch.previous)
        _patches.clear()
        state_manager = importlib.import_module("moto.moto_api").state_manager
        # moto's state manager has no way to unregister a default; its registry is this dict.
        defaults = getattr(state_manager, "_default_transitions", {})
        if defaults.get(SERVICE_JOB_MODEL) is DEFAULT_TRANSITION:
            del defaults[SERVICE_JOB_MODEL]
        _server_apps.clear()
        forget_all()


def is_installed() -> bool:
    """Whether moto is currently answered by the plug-in."""
    responses = sys.modules.get(_RESPONSES_MODULE)
    if responses is None:
        return False
    methods = responses.BatchResponse.__dict__
    return any(methods.get(name) is _listjobs for name in _LISTJOBS_METHODS)


def _replace(patches: list[_Patch], owner: Any, name: str, replacement: Any) -> None:
    patches.append(_Patch(owner, name, owner.__dict__.get(name, _ABSENT), replacement))
    setattr(owner, name, replacement)


def _dispatch_holding_the_gate(response_class: Any) -> Callable[..., Any]:
    """moto's ``_dispatch`` (where every request to moto's Batch begins), holding the gate until the
    request is answered: by the plug-in while it is installed, or by moto if ``uninstall()`` ran while the
    request waited at the gate."""
    own = inspect.getattr_static(response_class, "_dispatch")

    def _dispatch(self: Any, *arguments: Any, **options: Any) -> Any:
        with _gate.request():
            return own(self, *arguments, **options)

    return _dispatch


def _wait_for_moto_requests(response_class: Any, gated: Callable[..., Any]) -> None:
    """Wait until no other thread answers a Batch request that moto's own ``_dispatch`` began (before the
    plug-in's was put in), so that none meets the plug-in's methods half-way; at most
    ``_MOTO_REQUESTS_WAIT_SECONDS``.

    Such a request is a thread whose stack holds moto's ``dispatch`` for ``BatchResponse`` calling anything
    but the plug-in's ``_dispatch``: moto's, or ``BatchResponse()`` before the lookup (then it finds the
    plug-in's and waits at the gate, which the next look sees)."""
    dispatch_code = inspect.getattr_static(response_class, "dispatch").__func__.__code__
    gated_code = getattr(gated, "__code__", None)
    me = threading.get_ident()

    def began_in_moto(frame: FrameType | None) -> bool:
        inner: FrameType | None = None
        while frame is not None:
            if frame.f_code is dispatch_code and (inner is None or inner.f_code is not gated_code):
                cls = frame.f_locals.get("cls")
                if isinstance(cls, type) and issubclass(cls, response_class):
                    return True
            inner, frame = frame, frame.f_back
        return False

    deadline = time.monotonic() + _MOTO_REQUESTS_WAIT_SECONDS
    while time.monotonic() < deadline:
        frames = sys._current_frames()
        if not any(began_in_moto(frame) for thread, frame in frames.items() if thread != me):
            return
        del frames
        time.sleep(0.001)


def _routed(dispatch: Callable[..., Any]) -> Callable[..., Any]:
    """The handler of an added operation's route: moto's ``dispatch`` while installed; once uninstalled (a
    request that found the route just before), moto's answer to a path it has no route for."""

    def routed(*arguments: Any, **options: Any) -> Any:
        with _gate.request():
            if _patches:
                return dispatch(*arguments, **options)
        return 404, {}, "Not yet implemented"

    return routed


def _raw_body_for_added_operations(setup_class: Callable[..., Any]) -> Callable[..., Any]:
    """moto's ``setup_class``, which decodes every body as UTF-8 (a body that is not is a 500), except that
    the added operations get the raw bytes, so ``_replies.request_of`` refuses a bad body with a 400."""

    def set_up_class(self: Any, request: Any, *arguments: Any, **options: Any) -> Any:
        url = arguments[0] if arguments else options.get("full_url")
        path = urlsplit(str(url or getattr(request, "url", "") or "")).path
        if path.rstrip("/") in ROUTE_PATHS:
            options["use_raw_body"] = True
        return setup_class(self, request, *arguments, **options)

    set_up_class.__name__ = "setup_class"
    return set_up_class


def _keeping_request_id(enrich: Callable[..., Any]) -> Callable[..., Any]:
    def _enrich_response(headers: dict[str, Any], body: Any) -> Any:
        kept = headers.get(REQUEST_ID_HEADER)
        headers, body = enrich(headers, body)
        if kept is not None:
            headers[REQUEST_ID_HEADER] = kept
        return headers, body

    return _enrich_response


class _BatchUrls:
    """``moto.batch.urls`` with the added routes: what ``BatchBackend._url_module`` gives while installed."""

    def __init__(self, module: Any, routes: dict[str, Any]) -> None:
        self.__name__ = module.__name__
        self.url_bases = module.url_bases
        self.url_paths = {**module.url_paths, **routes}


def _with_routes(url_module: property, routes: dict[str, Any]) -> property:
    def _url_module(self: Any) -> Any:
        module = url_module.__get__(self, type(self))
        if getattr(_routing, "moto_only", False) or getattr(module, "__name__", "") != "moto.batch.urls":
            return module
        return _BatchUrls(module, routes)

    return property(_url_module)


def _batch_application(
    get_application: Callable[[Any, dict[str, Any]], Any],
) -> Callable[[Any, dict[str, Any]], Any]:
    def get_application_with_service_jobs(self: Any, environ: dict[str, Any]) -> Any:
        outer = getattr(_routing, "moto_only", False)
        _routing.moto_only = True
        try:
            app = get_application(self, environ)
        finally:
            _routing.moto_only = outer
        path = environ.get("PATH_INFO", "")
        if isinstance(path, bytes):
            path = path.decode("utf-8", "replace")
        if getattr(app, "service", None) != "batch" or path.rstrip("/") not in ROUTE_PATHS:
            return app
        with _lock:
            service_app = _server_apps.get(self)
            if service_app is None:
                service_app = _server_apps[self] = self.create_app("batch")
        return service_app

    get_application_with_service_jobs.__name__ = "get_application"
    return get_application_with_service_jobs


def _taking_moves(set_config: Callable[[Any, Any], Any]) -> Callable[[Any, Any], Any]:
    def set_config_with_moves(self: Any, config: Any) -> Any:
        stored, moves = take_moves(config)
        if moves is not None:
            try:
                apply_moves(moves)
            except ListingError as error:
                raise _moto.client_error(error) from None
        return set_config(self, stored)

    set_config_with_moves.__name__ = "set_config"
    return set_config_with_moves


def _dispatcher_class() -> Any:
    """moto's server dispatcher, or ``None`` when moto's server (its ``server`` extra) is not installed."""
    try:
        return importlib.import_module("moto.moto_server.werkzeug_app").DomainDispatcherApplication
    except ImportError:
        return None


def _batch_response_class() -> Any:
    try:
        responses = importlib.import_module(_RESPONSES_MODULE)
    except ImportError as error:
        raise ImportError(
            f"listjobs_core.contrib.moto needs moto ({SUPPORTED_MOTO}): {install_hint('moto')}"
        ) from error
    return responses.BatchResponse
