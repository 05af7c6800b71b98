"""The package's structure: the core stands alone, nothing imports in a circle, every filter is complete.

These read the source (``ast``), not the running interpreter, so an import inside a function or under
``TYPE_CHECKING`` counts as much as one at the top of a module.
"""

from __future__ import annotations

import ast
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from oracle import expected_selection

from listjobs_core import LIST_JOBS, LIST_SERVICE_JOBS, JobStore, Operation, list_jobs, list_service_jobs
from listjobs_core._filters import FILTERS, FilterName, FilterValueError
from listjobs_core._jobs import MEMBER_SHAPES
from listjobs_core.store._scope import PLANS

PACKAGE = Path(__file__).resolve().parent.parent / "listjobs_core"
PACKAGE_NAME = "listjobs_core"
OPERATIONS = (LIST_SERVICE_JOBS, LIST_JOBS)
# Everything outside the core: the stores and the shells around the core.
NOT_CORE = (
    "store", "service", "endpoint", "cli", "testing", "conformance", "contrib", "sql", "pytest_plugin",
    "strategies", "workloads", "rest_errors",
)
SHELLS = (
    "endpoint", "cli", "testing", "conformance", "contrib", "sql", "pytest_plugin", "strategies", "workloads",
    "rest_errors",
)


def module_name(path: Path) -> str:
    parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


MODULES = {module_name(path): path for path in sorted(PACKAGE.rglob("*.py"))}


def is_package(name: str) -> bool:
    return MODULES[name].name == "__init__.py"


def imported_modules(name: str) -> Iterator[str]:
    """Every module of the package and every top-level outside module that ``name`` imports anywhere."""
    tree = ast.parse(MODULES[name].read_text(encoding="utf-8"))
    package = name if is_package(name) else name.rpartition(".")[0]
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield alias.name
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base_parts = package.split(".")
                base_parts = base_parts[: len(base_parts) - (node.level - 1)]
                base = ".".join(base_parts + ([node.module] if node.module else []))
            else:
                base = node.module or ""
            for alias in node.names:
                submodule = f"{base}.{alias.name}"
                # ``from . import _decisions`` imports a module; ``from . import list_service_jobs`` a name.
                yield submodule if submodule in MODULES else base


def package_imports(name: str) -> set[str]:
    return {imported for imported in imported_modules(name) if imported in MODULES}


def is_core(name: str) -> bool:
    parts = name.split(".")
    return len(parts) == 2 and parts[1].startswith("_") and parts[1] != "__main__"


CORE = sorted(name for name in MODULES if is_core(name))


def test_the_core_is_the_private_modules_at_the_top_of_the_package() -> None:
    """The core is found: the guard below would pass vacuously if no module counted as core."""
    assert {"listjobs_core._request", "listjobs_core._filters", "listjobs_core._listing"} <= set(CORE)


@pytest.mark.parametrize("name", CORE)
def test_a_core_module_imports_only_the_core_and_the_standard_library(name: str) -> None:
    """The core never imports the stores, the shells or the package's facade, nor anything outside the
    standard library: the listing rules run with nothing else installed."""
    for imported in imported_modules(name):
        if imported == "__future__":
            continue
        if imported.split(".")[0] == PACKAGE_NAME:
            assert is_core(imported), f"{name} imports {imported}, which is not part of the core"
        else:
            assert imported.split(".")[0] in sys.stdlib_module_names, f"{name} imports {imported}"


@pytest.mark.parametrize("name", sorted(name for name in MODULES if name.startswith("listjobs_core.store")))
def test_the_store_imports_no_shell(name: str) -> None:
    """The stores build on the core only; the endpoint, the CLI and the kits build on the stores."""
    for imported in package_imports(name):
        second = imported.split(".")[1] if imported.count(".") else ""
        assert second not in SHELLS, f"{name} imports {imported}"


@pytest.mark.parametrize("name", sorted(name for name in MODULES if name.startswith("listjobs_core.store")))
def test_the_store_imports_not_the_service(name: str) -> None:
    """The service rules are written over the stores, never the other way round."""
    assert not any(imported.startswith("listjobs_core.service") for imported in package_imports(name))


# What speaks HTTP, or is moto or an AWS client: none of it belongs in the service rules.
HTTP_AND_MOTO = {"http", "socket", "socketserver", "urllib", "ssl", "moto", "boto3", "botocore", "werkzeug"}


@pytest.mark.parametrize("name", sorted(name for name in MODULES if name.startswith("listjobs_core.service")))
def test_the_service_rules_import_no_http_and_no_moto(name: str) -> None:
    """The service-job rules are plain functions over a store: no HTTP, no moto, no shell."""
    for imported in imported_modules(name):
        assert imported.split(".")[0] not in HTTP_AND_MOTO, f"{name} imports {imported}"
        if imported.split(".")[0] == PACKAGE_NAME and imported.count("."):
            assert imported.split(".")[1] not in SHELLS, f"{name} imports the shell {imported}"


def package_of(prefix: str) -> list[str]:
    return [name for name in MODULES if name == prefix or name.startswith(prefix + ".")]


def test_the_endpoint_and_the_moto_plugin_call_the_service_and_not_each_other() -> None:
    """One service, two thin shells: each imports listjobs_core.service, and neither imports the other."""
    for shell, other in (("listjobs_core.endpoint", "listjobs_core.contrib"),
                         ("listjobs_core.contrib.moto", "listjobs_core.endpoint")):
        imports = {imported for name in package_of(shell) for imported in package_imports(name)}
        assert any(imported.startswith("listjobs_core.service") for imported in imports), shell
        crossing = [imported for imported in imports if imported.startswith(other)]
        assert crossing == [], f"{shell} imports {other}"


def test_no_module_name_means_two_things() -> None:
    """A module's file name is not repeated in another package of the library for something else
    (``__main__``, Python's name for what ``python -m`` runs, excepted)."""
    seen: dict[str, str] = {}
    repeated = []
    for name, path in MODULES.items():
        if path.name in ("__init__.py", "__main__.py"):
            continue
        package = name.rpartition(".")[0]
        if path.stem in seen and seen[path.stem] != package:
            repeated.append(f"{path.stem}: {seen[path.stem]} and {package}")
        seen.setdefault(path.stem, package)
    assert repeated == []


def find_cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected components of more than one module, or of a module importing itself."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    cycles: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for target in graph[node]:
            if target not in index:
                visit(target)
                low[node] = min(low[node], low[target])
            elif target in on_stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == node:
                    break
            if len(component) > 1 or node in graph[node]:
                cycles.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return cycles


def test_no_module_of_the_package_imports_in_a_circle() -> None:
    """No import cycle anywhere in the package, counting imports inside functions and for type checking."""
    graph = {name: package_imports(name) for name in MODULES}
    assert find_cycles(graph) == []


def test_the_cycle_finder_finds_a_cycle() -> None:
    """The guard above can fail: a two-module circle and a self-import are found."""
    assert find_cycles({"a": {"b"}, "b": {"a"}, "c": {"c"}, "d": {"a"}}) == [["a", "b"], ["c"]]


# --- every filter is whole -------------------------------------------------------------------------------


@pytest.mark.parametrize("name", list(FilterName))
def test_every_filter_name_has_its_spec(name: FilterName) -> None:
    """A filter name without a spec, or with a spec the stores and the job checks cannot serve, fails here
    instead of escaping from a listing as a KeyError."""
    spec = FILTERS.get(name)
    assert spec is not None, f"{name.value} has no spec in listjobs_core/_filters.py"
    assert spec.name is name
    assert callable(spec.parse) and callable(spec.predicate)
    assert spec.index_plan in PLANS, f"the stores have no plan {spec.index_plan} for {name.value}"
    assert spec.member in MEMBER_SHAPES, f"what a well-formed {spec.member} is is not known (_jobs.py)"


@pytest.mark.parametrize("name", LIST_SERVICE_JOBS.filter_names, ids=lambda name: name.value)
def test_every_list_service_jobs_filter_has_its_sql(name: FilterName) -> None:
    """The SQL store keeps SQL out of the core and derives a filter's indexes and ranges from its index plan
    (``sql/_schema.PLAN_SQL``, seen per filter in ``FILTER_SQL``). A filter of ListServiceJobs whose plan
    has no SQL fails here, before a listing of the SQL store does."""
    from listjobs_core.sql._schema import FILTER_SQL

    assert name in FILTER_SQL, f"{name.value} has no entry in listjobs_core/sql/_schema.py FILTER_SQL"
    assert FILTER_SQL[name].indexes, f"{name.value} names no index in FILTER_SQL"


@pytest.mark.parametrize("name", LIST_JOBS.filter_names, ids=lambda name: name.value)
def test_every_list_jobs_filter_has_its_sql(name: FilterName) -> None:
    """The same for ListJobs (``sql/_schema.LIST_JOBS_FILTER_SQL``, derived likewise), over the ListJobs
    table's own indexes: a filter of ListJobs whose plan has no SQL fails here."""
    from listjobs_core.sql._schema import BATCH_JOBS, LIST_JOBS_FILTER_SQL

    assert name in LIST_JOBS_FILTER_SQL, (
        f"{name.value} has no entry in listjobs_core/sql/_schema.py LIST_JOBS_FILTER_SQL"
    )
    indexes = LIST_JOBS_FILTER_SQL[name].indexes
    assert indexes, f"{name.value} names no index in LIST_JOBS_FILTER_SQL"
    assert all(index.table == BATCH_JOBS for index in indexes), f"{name.value} reads another table"


# Candidate values: each filter accepts at least one of them.
CANDIDATE_VALUES = ("x*", "x", "3", "jd1")
JOBS = [
    {
        "jobId": f"j{number}",
        "jobName": ("x", "X1", "jd1")[number % 3],
        "status": ("RUNNING", "SUCCEEDED")[number % 2],
        "createdAt": number,
        "shareIdentifier": "x",
        "quotaShareName": ("x", "1")[number % 2],
        "jobDefinition": f"arn:aws:batch:us-east-1:123456789012:job-definition/jd{number % 2}:1",
        "jobQueue": "q",
    }
    for number in range(7)
]


def useful_value(operation: Operation, name: FilterName) -> str:
    """A candidate value the filter accepts and that selects some of ``JOBS``."""
    listing = list_service_jobs if operation is LIST_SERVICE_JOBS else list_jobs
    for value in CANDIDATE_VALUES:
        try:
            FILTERS[name].parse(value)
        except FilterValueError:
            continue
        request = {"jobQueue": "q", "filters": [{"name": name.value, "values": [value]}]}
        if listing(JOBS, request)["jobSummaryList"]:
            return value
    raise AssertionError(f"no candidate value selects a job for {name.value}: add one to CANDIDATE_VALUES")


@pytest.mark.parametrize(
    ("operation", "name"),
    [(operation, name) for operation in OPERATIONS for name in operation.filter_names],
    ids=lambda value: value.name if isinstance(value, Operation) else value.value,
)
def test_every_filter_of_every_operation_lists_alike_everywhere(
    operation: Operation, name: FilterName
) -> None:
    """Each filter an operation takes answers through the pure function and the store alike, page by page,
    and as the tests' oracle says for ListServiceJobs: selection, index plan and order are all there."""
    listing = list_service_jobs if operation is LIST_SERVICE_JOBS else list_jobs
    store = JobStore(operation)
    for job in JOBS:
        store.put(job)
    one_filter = [{"name": name.value, "values": [useful_value(operation, name)]}]
    request: dict[str, object] = {"jobQueue": "q", "filters": one_filter}
    pages = list(store.paginate({**request, "maxResults": 2}))
    token = None
    for page in pages:
        expected = listing(JOBS, {**request, "maxResults": 2, **({"nextToken": token} if token else {})})
        assert page == expected
        token = page.get("nextToken")
    listed = [summary["jobId"] for page in pages for summary in page["jobSummaryList"]]
    if operation is LIST_SERVICE_JOBS:
        assert listed == [summary["jobId"] for summary in expected_selection(JOBS, request)]


def test_the_benchmarks_collect() -> None:
    """The benchmarks never run in the suite (no timing here), but they must keep importing what the
    package offers: collecting them (pytest-benchmark is a test dependency) fails on a name they lost."""
    import subprocess

    root = Path(__file__).resolve().parent.parent
    files = sorted(str(path) for path in (root / "benchmarks").glob("bench_*.py"))
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "--collect-only", "-q", "-p", "no:cacheprovider", *files],
        cwd=root,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
