"""The newest AWS model, read rather than copied: what the project serves and projects, held against the Batch
model of the installed botocore (rules W-2, LJ-12, CR-8, IN-1, H-1, H-20, MS-1).

CI installs the newest botocore, so a member or an operation the model gains is a failing test here, named
after what changed, the day the model ships. Nothing here restates the model: every expectation is read
from it. The served outputs are read as raw JSON over HTTP, not through a client, since a client drops
every member its model lacks, which is the very thing to see.
"""

from __future__ import annotations

import json
import re
import urllib.error
import urllib.request
from collections.abc import Iterator
from typing import Any

import botocore
import botocore.session
import pytest
from wire import served_routes

from listjobs_core import LIST_JOBS, LIST_JOBS_BY_CONSUMABLE_RESOURCE, LIST_SERVICE_JOBS, ServiceJobStore
from listjobs_core._jobs import MEMBER_SHAPES, SUMMARY_TRUE_ONLY_MEMBERS
from listjobs_core.endpoint._protocol import ROUTES
from listjobs_core.testing import serving

MODEL = botocore.session.get_session().get_service_model("batch")
# The model's words for a member a summary holds only when it is true.
TRUE_ONLY_SENTENCE = "only present when the value is true"
# The job shapes whose members the project types (``_jobs.MEMBER_SHAPES``).
JOB_SHAPES = ("ServiceJobSummary", "JobSummary", "DescribeServiceJobResponse")
# How ``_jobs.MEMBER_SHAPES`` names each model type.
OUR_TYPE_NAMES = {
    "string": {"a string"},
    "integer": {"an integer", "a non-negative integer"},
    "long": {"an integer", "a non-negative integer"},
    "boolean": {"a boolean"},
    "structure": {"an object"},
    "map": {"an object"},
    "list": {"an array"},
}
# Any signature will do: the servers under test check none, and moto's reads the service from it.
AUTHORIZATION = (
    "AWS4-HMAC-SHA256 Credential=testing/20260101/us-east-1/batch/aws4_request, "
    "SignedHeaders=host, Signature=0"
)
# The JSON types each model type is written as.
JSON_TYPES: dict[str, tuple[type, ...]] = {
    "string": (str,),
    "integer": (int,),
    "long": (int,),
    "boolean": (bool,),
    "double": (int, float),
    "float": (int, float),
    "timestamp": (int, float),
    "structure": (dict,),
    "list": (list,),
    "map": (dict,),
}


def model_drift(value: Any, shape: Any, path: str, *, required: frozenset[str] = frozenset()) -> list[str]:
    """Where a JSON value departs from a model shape: a member the shape lacks, a value of another type or
    outside the enum, or a missing member among the shapes named in ``required``."""
    wanted = JSON_TYPES[shape.type_name]
    if not isinstance(value, wanted) or (type(value) is bool) != (shape.type_name == "boolean"):
        return [f"{path} is {type(value).__name__}, the model's {shape.name} is a {shape.type_name}"]
    problems: list[str] = []
    if shape.type_name == "string" and shape.enum and value not in shape.enum:
        problems.append(f"{path} is {value!r}, not one of the model's {shape.name} values")
    elif shape.type_name == "structure":
        for member, item in value.items():
            if member not in shape.members:
                problems.append(f"{path}.{member} is not a member of the model's {shape.name}")
            else:
                problems += model_drift(item, shape.members[member], f"{path}.{member}", required=required)
        if shape.name in required:
            problems += [
                f"{path} lacks {member}, required by the model's {shape.name}"
                for member in shape.required_members
                if member not in value
            ]
    elif shape.type_name == "list":
        for index, item in enumerate(value):
            problems += model_drift(item, shape.member, f"{path}[{index}]", required=required)
    elif shape.type_name == "map":
        for key, item in value.items():
            problems += model_drift(item, shape.value, f"{path}[{key!r}]", required=required)
    return problems


# --- member lists -------------------------------------------------------------------------------------


# The summary shapes whose members are in the model's order.
ORDERED_SUMMARIES = ("JobSummary", "ListJobsByConsumableResourceSummary")
# Every summary shape a served listing answers with, each of whose items must hold its required members.
SUMMARY_SHAPES = frozenset({"ServiceJobSummary", *ORDERED_SUMMARIES})


@pytest.mark.parametrize(
    ("operation", "shape"),
    [
        (LIST_SERVICE_JOBS, "ServiceJobSummary"),
        (LIST_JOBS, "JobSummary"),
        (LIST_JOBS_BY_CONSUMABLE_RESOURCE, "ListJobsByConsumableResourceSummary"),
    ],
)
def test_summary_members_are_the_models(operation: Any, shape: str) -> None:
    """W-2, LJ-12, CR-8: each listing projects exactly its summary shape's members, in the model's order
    for JobSummary and ListJobsByConsumableResourceSummary; a member the model adds or drops is named."""
    model_members = list(MODEL.shape_for(shape).members)
    missing = [member for member in model_members if member not in operation.summary_members]
    extra = [member for member in operation.summary_members if member not in model_members]
    assert (missing, extra) == ([], []), (
        f"{operation.name} summaries leave out {missing} of the model's {shape} and project {extra}, "
        f"which it lacks (botocore {botocore.__version__})"
    )
    if shape in ORDERED_SUMMARIES:
        assert list(operation.summary_members) == model_members


def test_the_consumable_resource_listing_is_the_models() -> None:
    """CR-1, CR-8: the response member, the page limit and the filter values of JOB_STATUS are the
    model's; consumableResourceProperties is typed as JobDetail types it."""
    operation = MODEL.operation_model("ListJobsByConsumableResource")
    assert list(operation.output_shape.members) == [LIST_JOBS_BY_CONSUMABLE_RESOURCE.list_member, "nextToken"]
    assert operation.input_shape.required_members == [LIST_JOBS_BY_CONSUMABLE_RESOURCE.resource_member]
    filters = re.sub(r"<[^>]+>", "", operation.input_shape.members["filters"].documentation)
    statuses = " | ".join(status.value for status in LIST_JOBS_BY_CONSUMABLE_RESOURCE.statuses)
    assert statuses in filters
    assert all(name.value in filters for name in LIST_JOBS_BY_CONSUMABLE_RESOURCE.filter_names)
    detail = MODEL.shape_for("JobDetail").members["consumableResourceProperties"]
    assert MEMBER_SHAPES["consumableResourceProperties"].name in OUR_TYPE_NAMES[detail.type_name]
    paginator = (
        botocore.session.get_session()
        .get_paginator_model("batch")
        .get_paginator("ListJobsByConsumableResource")
    )
    assert paginator["result_key"] == LIST_JOBS_BY_CONSUMABLE_RESOURCE.list_member


def test_member_types_are_the_models() -> None:
    """IN-1: every member of the job shapes is typed as the model types it."""
    wrong = []
    for shape_name in JOB_SHAPES:
        for member, shape in MODEL.shape_for(shape_name).members.items():
            ours = MEMBER_SHAPES.get(member)
            if ours is None or ours.name not in OUR_TYPE_NAMES[shape.type_name]:
                wrong.append(f"{shape_name}.{member} is the model's {shape.type_name}, typed {ours}")
    assert wrong == [], f"botocore {botocore.__version__}: {wrong}"


def test_true_only_members_are_the_models() -> None:
    """W-2: the members a summary shows only when true are the ones the model documents so."""
    documented = {
        member
        for shape_name in ("ServiceJobSummary", "JobSummary")
        for member, shape in MODEL.shape_for(shape_name).members.items()
        if TRUE_ONLY_SENTENCE in re.sub(r"<[^>]+>", "", shape.documentation or "")
    }
    assert documented == SUMMARY_TRUE_ONLY_MEMBERS


def test_the_endpoint_serves_every_service_job_operation_of_the_model() -> None:
    """H-1: the endpoint's routes are the model's service-job operations, ListJobs and
    ListJobsByConsumableResource, at their URIs."""
    expected = served_routes(MODEL)
    assert {path: route.operation for path, route in ROUTES.items()} == expected


def test_the_moto_plugin_adds_every_service_job_operation_of_the_model() -> None:
    """MS-1: the plug-in adds every service-job and service-environment operation the model has."""
    from listjobs_core.contrib.moto import SERVICE_JOB_OPERATIONS

    expected = {
        name for name in MODEL.operation_names if "ServiceJob" in name or "ServiceEnvironment" in name
    }
    assert set(SERVICE_JOB_OPERATIONS) == expected


# --- what is served ------------------------------------------------------------------------------------


def post(url: str, operation: str, request: dict[str, Any]) -> Any:
    """The JSON body of a successful POST of ``operation`` at its requestUri."""
    path = MODEL.operation_model(operation).http["requestUri"]
    call = urllib.request.Request(
        url + path,
        data=json.dumps(request).encode(),
        method="POST",
        headers={"Content-Type": "application/json", "Authorization": AUTHORIZATION},
    )
    with urllib.request.urlopen(call, timeout=30) as answer:
        return json.load(answer)


def check_output(operation: str, body: Any) -> list[str]:
    """Where an operation's output departs from its model shape; every summary must hold its required
    members."""
    output = MODEL.operation_model(operation).output_shape
    return model_drift(body, output, operation, required=SUMMARY_SHAPES)


@pytest.fixture(scope="module")
def endpoint() -> Iterator[str]:
    """The reference endpoint; its store holds a job put the way the README's fixtures put one."""
    store = ServiceJobStore()
    store.put({"jobId": "put-1", "jobName": "bare", "status": "RUNNING", "createdAt": 1})
    batch_jobs = [
        {"jobId": "b-1", "jobName": "cancelled", "status": "FAILED", "createdAt": 1, "isCancelled": True},
        {"jobId": "b-2", "jobName": "live", "status": "RUNNING", "createdAt": 2, "isTerminated": False},
        {
            "jobId": "b-3",
            "jobName": "licensed",
            "status": "RUNNABLE",
            "createdAt": 3,
            "jobQueue": "q",
            "jobDefinition": "arn:aws:batch:us-east-1:123456789012:job-definition/d:1",
            "consumableResourceProperties": {
                "consumableResourceList": [{"consumableResource": "licenses", "quantity": 2}]
            },
        },
    ]
    with serving(store=store, batch_jobs=batch_jobs) as url:
        yield url


def test_every_service_job_operation_answers_in_the_models_shape(endpoint: str) -> None:
    """H-4 to H-12, H-20, W-2: each served output holds only model members of the model's types, and
    every summary its required members (serviceJobType included, for a job put without one)."""
    outputs: dict[str, Any] = {}
    submit = {
        "jobName": "train",
        "jobQueue": "q",
        "serviceJobType": "SAGEMAKER_TRAINING",
        "serviceRequestPayload": "{}",
        "shareIdentifier": "blue",
        "schedulingPriority": 1,
    }
    outputs["SubmitServiceJob"] = job = post(endpoint, "SubmitServiceJob", submit)
    doomed = post(endpoint, "SubmitServiceJob", {**submit, "jobName": "doomed"})
    outputs["UpdateServiceJob"] = post(
        endpoint, "UpdateServiceJob", {"jobId": job["jobArn"], "schedulingPriority": 7}
    )
    outputs["TerminateServiceJob"] = post(
        endpoint, "TerminateServiceJob", {"jobId": doomed["jobId"], "reason": "not needed"}
    )
    outputs["TerminateServiceJobs"] = post(
        endpoint, "TerminateServiceJobs", {"jobs": ["nope"], "reason": "none"}
    )
    outputs["DescribeServiceJob"] = post(endpoint, "DescribeServiceJob", {"jobId": doomed["jobId"]})
    for status in ("SUBMITTED", "FAILED", "RUNNING"):
        outputs[f"ListServiceJobs {status}"] = post(endpoint, "ListServiceJobs", {"jobStatus": status})
    for status in ("FAILED", "RUNNING"):
        outputs[f"ListJobs {status}"] = post(endpoint, "ListJobs", {"jobQueue": "q", "jobStatus": status})
    for resource in ("licenses", "arn:aws:batch:us-east-1:123456789012:consumable-resource/licenses"):
        outputs[f"ListJobsByConsumableResource {resource}"] = listed = post(
            endpoint, "ListJobsByConsumableResource", {"consumableResource": resource}
        )
        assert [summary["jobArn"].rsplit("/", 1)[1] for summary in listed["jobs"]] == ["b-3"]
    problems = [problem for name, body in outputs.items() for problem in check_output(name.split()[0], body)]
    assert problems == [], f"botocore {botocore.__version__}: {problems}"


def test_terminated_jobs_are_listed_with_is_terminated_and_live_ones_without(endpoint: str) -> None:
    """W-2, H-6: a job terminated through the endpoint is listed with isTerminated: true; a live one has no
    isTerminated; ListJobs carries isCancelled and isTerminated from the job, when true."""
    submit = {
        "jobName": "w2",
        "jobQueue": "w2",
        "serviceJobType": "SAGEMAKER_TRAINING",
        "serviceRequestPayload": "{}",
    }
    live, doomed = (post(endpoint, "SubmitServiceJob", submit)["jobId"] for _ in range(2))
    post(endpoint, "TerminateServiceJob", {"jobId": doomed, "reason": "not needed"})
    failed = post(endpoint, "ListServiceJobs", {"jobQueue": "w2", "jobStatus": "FAILED"})["jobSummaryList"]
    submitted = post(endpoint, "ListServiceJobs", {"jobQueue": "w2", "jobStatus": "SUBMITTED"})[
        "jobSummaryList"
    ]
    assert [(summary["jobId"], summary.get("isTerminated")) for summary in failed] == [(doomed, True)]
    assert [summary["jobId"] for summary in submitted] == [live] and "isTerminated" not in submitted[0]
    assert post(endpoint, "DescribeServiceJob", {"jobId": live})["isTerminated"] is False
    cancelled = post(endpoint, "ListJobs", {"jobQueue": "q", "jobStatus": "FAILED"})["jobSummaryList"]
    running = post(endpoint, "ListJobs", {"jobQueue": "q", "jobStatus": "RUNNING"})["jobSummaryList"]
    assert [summary.get("isCancelled") for summary in cancelled] == [True]
    assert {"isCancelled", "isTerminated"} & set(running[0]) == set()


def test_a_job_put_without_arn_or_type_is_served_complete(endpoint: str) -> None:
    """H-20: a job put into a served store without jobArn or serviceJobType is listed and described with
    them, in the endpoint's region and account, as a job of a jobs file is."""
    listed = post(endpoint, "ListServiceJobs", {"jobStatus": "RUNNING"})["jobSummaryList"]
    (bare,) = [summary for summary in listed if summary["jobId"] == "put-1"]
    assert bare["jobArn"] == "arn:aws:batch:us-east-1:123456789012:service-job/put-1"
    assert bare["serviceJobType"] == "SAGEMAKER_TRAINING"
    described = post(endpoint, "DescribeServiceJob", {"jobId": bare["jobArn"]})
    assert (described["jobArn"], described["serviceJobType"]) == (bare["jobArn"], "SAGEMAKER_TRAINING")


def test_the_drift_check_names_a_member_the_model_lacks() -> None:
    """The check itself: a member the model lacks, a value of the wrong type and a missing required member
    are each named."""
    summary = MODEL.shape_for("ListServiceJobsResponse")
    body = {"jobSummaryList": [{"jobId": "j", "jobName": "n", "isTerminated": "yes", "madeUp": 1}]}
    problems = model_drift(body, summary, "ListServiceJobs", required=frozenset({"ServiceJobSummary"}))
    assert any("madeUp is not a member" in problem for problem in problems), problems
    assert any("isTerminated is str" in problem for problem in problems), problems
    assert any("lacks serviceJobType" in problem for problem in problems), problems


# --- the moto plug-in, over the wire -------------------------------------------------------------------


@pytest.fixture(scope="module")
def moto_endpoint() -> Iterator[str]:
    """moto's server in this process, with the plug-in installed."""
    pytest.importorskip("moto")  # a test extra; the suite's own install always has it
    from moto.server import ThreadedMotoServer

    from listjobs_core.contrib import moto as plugin

    plugin.install()
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    try:
        host, port = server.get_host_and_port()
        yield f"http://{host}:{port}"
    finally:
        server.stop()
        plugin.uninstall()


def test_the_moto_plugin_answers_in_the_models_shape(moto_endpoint: str) -> None:
    """MS-1 to MS-13: the plug-in's outputs hold only model members of the model's types, and every
    summary its required members; a terminated job is listed with isTerminated: true."""
    url = moto_endpoint
    outputs: dict[str, Any] = {}
    outputs["CreateServiceEnvironment"] = environment = post(
        url,
        "CreateServiceEnvironment",
        {
            "serviceEnvironmentName": "drift",
            "serviceEnvironmentType": "SAGEMAKER_TRAINING",
            "capacityLimits": [{"maxCapacity": 1, "capacityUnit": "NUM_INSTANCES"}],
        },
    )
    outputs["CreateJobQueue"] = post(
        url,
        "CreateJobQueue",
        {
            "jobQueueName": "drift",
            "priority": 1,
            "jobQueueType": "SAGEMAKER_TRAINING",
            "serviceEnvironmentOrder": [
                {"order": 1, "serviceEnvironment": environment["serviceEnvironmentArn"]}
            ],
        },
    )
    outputs["DescribeServiceEnvironments"] = post(url, "DescribeServiceEnvironments", {})
    submit = {
        "jobName": "train",
        "jobQueue": "drift",
        "serviceJobType": "SAGEMAKER_TRAINING",
        "serviceRequestPayload": "{}",
    }
    outputs["SubmitServiceJob"] = job = post(url, "SubmitServiceJob", submit)
    doomed = post(url, "SubmitServiceJob", {**submit, "jobName": "doomed"})
    outputs["UpdateServiceJob"] = post(
        url, "UpdateServiceJob", {"jobId": job["jobId"], "schedulingPriority": 3}
    )
    outputs["TerminateServiceJob"] = post(
        url, "TerminateServiceJob", {"jobId": doomed["jobId"], "reason": "x"}
    )
    outputs["TerminateServiceJobs"] = post(url, "TerminateServiceJobs", {"jobs": ["nope"], "reason": "x"})
    outputs["DescribeServiceJob"] = post(url, "DescribeServiceJob", {"jobId": job["jobId"]})
    outputs["ListServiceJobs"] = failed = post(
        url, "ListServiceJobs", {"jobQueue": "drift", "jobStatus": "FAILED"}
    )
    outputs["ListServiceJobs "] = post(
        url, "ListServiceJobs", {"jobQueue": "drift", "jobStatus": "SUBMITTED"}
    )
    problems = [problem for name, body in outputs.items() for problem in check_output(name.strip(), body)]
    assert problems == [], f"botocore {botocore.__version__}: {problems}"
    assert [summary.get("isTerminated") for summary in failed["jobSummaryList"]] == [True]


def test_the_moto_plugin_answers_consumable_resource_operations_in_the_models_shape(
    moto_endpoint: str,
) -> None:
    """MS-16 to MS-19: every output of the plug-in's consumable-resource operations and of
    ListJobsByConsumableResource holds only model members of the model's types, with every member the
    model requires; the requirements DescribeJobDefinitions and DescribeJobs add are the model's shape."""
    boto3 = pytest.importorskip("boto3")
    url = moto_endpoint
    clients = {"endpoint_url": url, "region_name": "us-east-1"}
    credentials = {"aws_access_key_id": "testing", "aws_secret_access_key": "testing"}
    iam = boto3.client("iam", **clients, **credentials)
    batch = boto3.client("batch", **clients, **credentials)
    config = json.loads(urllib.request.urlopen(url + "/moto-api/config", timeout=10).read())
    no_docker = json.dumps({"batch": {"use_docker": False}}).encode()
    urllib.request.urlopen(urllib.request.Request(url + "/moto-api/config", data=no_docker), timeout=10)
    try:
        role = iam.create_role(RoleName="drift-consumable", AssumeRolePolicyDocument="{}")["Role"]["Arn"]
        environment = batch.create_compute_environment(
            computeEnvironmentName="drift-consumable", type="UNMANAGED", state="ENABLED", serviceRole=role
        )["computeEnvironmentArn"]
        batch.create_job_queue(
            jobQueueName="drift-consumable",
            state="ENABLED",
            priority=1,
            computeEnvironmentOrder=[{"order": 1, "computeEnvironment": environment}],
        )
        outputs: list[tuple[str, Any]] = []

        def call(operation: str, request: dict[str, Any]) -> Any:
            body = post(url, operation, request)
            outputs.append((operation, body))
            return body

        seats = call(
            "CreateConsumableResource",
            {
                "consumableResourceName": "drift-seats",
                "totalQuantity": 4,
                "resourceType": "NON_REPLENISHABLE",
                "tags": {"k": "v"},
            },
        )
        call("CreateConsumableResource", {"consumableResourceName": "drift-gpus"})
        entry = {"consumableResource": seats["consumableResourceArn"], "quantity": 2}
        requires = {"consumableResourceList": [entry]}
        container = {"image": "busybox", "vcpus": 1, "memory": 128, "command": ["true"]}
        definition = post(
            url,
            "RegisterJobDefinition",
            {
                "jobDefinitionName": "drift-consumable",
                "type": "container",
                "containerProperties": container,
                "consumableResourceProperties": requires,
            },
        )
        submit = {"jobName": "drift", "jobQueue": "drift-consumable", "jobDefinition": "drift-consumable"}
        job = post(url, "SubmitJob", submit)
        post(url, "SubmitJob", submit)
        call("DescribeConsumableResource", {"consumableResource": "drift-seats"})
        call(
            "UpdateConsumableResource",
            {"consumableResource": "drift-seats", "operation": "ADD", "quantity": 1, "clientToken": "t"},
        )
        listed = call(
            "ListConsumableResources",
            {"filters": [{"name": "CONSUMABLE_RESOURCE_NAME", "values": ["DRIFT-*"]}], "maxResults": 1},
        )
        page = call("ListJobsByConsumableResource", {"consumableResource": "drift-seats", "maxResults": 1})
        call("DeleteConsumableResource", {"consumableResource": "drift-gpus"})
        revision = definition["jobDefinitionArn"]
        definitions = post(url, "DescribeJobDefinitions", {"jobDefinitions": [revision]})
        details = post(url, "DescribeJobs", {"jobs": [job["jobId"]]})
    finally:
        restore = json.dumps({"batch": config["batch"]}).encode()
        urllib.request.urlopen(urllib.request.Request(url + "/moto-api/config", data=restore), timeout=10)
    problems = outputs_drift(outputs)
    properties_shape = MODEL.shape_for("ConsumableResourceProperties")
    for where, detail in (
        ("DescribeJobDefinitions", definitions["jobDefinitions"][0]),
        ("DescribeJobs", details["jobs"][0]),
    ):
        problems += model_drift(detail["consumableResourceProperties"], properties_shape, where)
    assert problems == [], f"botocore {botocore.__version__}: {problems}"
    assert "nextToken" in listed and "nextToken" in page and len(page["jobs"]) == 1
    assert definitions["jobDefinitions"][0]["consumableResourceProperties"] == requires


def test_an_operation_the_model_lacks_is_no_route() -> None:
    """H-1: a path that is no operation of the model is a 404 at the endpoint."""
    with serving() as url, pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(urllib.request.Request(url + "/v1/nosuchoperation", data=b"{}", method="POST"))
    assert refused.value.code == 404


# --- queues as resources and GetJobQueueSnapshot (QS-1 to QS-6, SN-1 to SN-7) ---------------------------


def test_queue_resource_operations_answer_in_the_models_shape() -> None:
    """QS-1 to QS-6, SN-1 to SN-7: every output of the scheduling-policy, job-queue, quota-share and
    snapshot operations holds only model members of the model's types, with every member the model
    requires, on a fair-share and a quota-share queue with jobs waiting and running."""
    from listjobs_core.endpoint import ReferenceService
    from listjobs_core.testing import serving_service

    service = ReferenceService()
    outputs: list[tuple[str, Any]] = []
    share = {
        "capacityLimits": [{"maxCapacity": 4, "capacityUnit": "ml.m5.large"}],
        "resourceSharingConfiguration": {"strategy": "LEND_AND_BORROW", "borrowLimit": 100},
        "preemptionConfiguration": {"inSharePreemption": "ENABLED"},
        "tags": {"team": "a"},
    }
    training = {"serviceJobType": "SAGEMAKER_TRAINING", "serviceRequestPayload": "{}"}
    with serving_service(service) as url:

        def call(operation: str, request: dict[str, Any]) -> Any:
            body = post(url, operation, request)
            outputs.append((operation, body))
            return body

        quota = call(
            "CreateSchedulingPolicy",
            {"name": "quota", "quotaSharePolicy": {"idleResourceAssignmentStrategy": "FIFO"}},
        )
        fair = call(
            "CreateSchedulingPolicy",
            {
                "name": "fair",
                "fairsharePolicy": {"shareDistribution": [{"shareIdentifier": "a", "weightFactor": 0.5}]},
                "tags": {"k": "v"},
            },
        )
        doomed = call("CreateSchedulingPolicy", {"name": "doomed"})
        call("DescribeSchedulingPolicies", {"arns": [quota["arn"], fair["arn"]]})
        call("DeleteSchedulingPolicy", {"arn": doomed["arn"]})
        call(
            "CreateJobQueue",
            {
                "jobQueueName": "quota",
                "priority": 1,
                "schedulingPolicyArn": quota["arn"],
                "serviceEnvironmentOrder": [{"order": 1, "serviceEnvironment": "env"}],
                "tags": {"k": "v"},
            },
        )
        call("CreateJobQueue", {"jobQueueName": "fair", "priority": 2, "schedulingPolicyArn": fair["arn"]})
        call(
            "CreateJobQueue",
            {
                "jobQueueName": "doomed",
                "priority": 0,
                "computeEnvironmentOrder": [{"order": 1, "computeEnvironment": "ce"}],
            },
        )
        call("DescribeJobQueues", {"maxResults": 2})
        call("DeleteJobQueue", {"jobQueue": "doomed"})
        for name in ("a", "b"):
            created = call("CreateQuotaShare", {"quotaShareName": name, "jobQueue": "quota", **share})
        call("DescribeQuotaShare", {"quotaShareArn": created["quotaShareArn"]})
        call("UpdateQuotaShare", {"quotaShareArn": created["quotaShareArn"], "state": "ENABLED"})
        call("ListQuotaShares", {"jobQueue": "quota", "maxResults": 1})
        for queue, member, status in (
            ("quota", "quotaShareName", "RUNNABLE"),
            ("quota", "quotaShareName", "RUNNING"),
            ("fair", "shareIdentifier", "RUNNABLE"),
            ("fair", "shareIdentifier", "RUNNING"),
        ):
            job = post(url, "SubmitServiceJob", {"jobName": "j", "jobQueue": queue, member: "a", **training})
            service.move_service_job(job["jobId"], status)
            service.store.update(job["jobId"], capacityUsage=[{"capacityUnit": "ml.m5.large", "quantity": 1}])
        for queue in ("quota", "fair", "implicit"):
            call("GetJobQueueSnapshot", {"jobQueue": queue})
        call("DeleteQuotaShare", {"quotaShareArn": created["quotaShareArn"]})
    problems = outputs_drift(outputs)
    assert problems == [], f"botocore {botocore.__version__}: {problems}"
    snapshots = [body for operation, body in outputs if operation == "GetJobQueueSnapshot"]
    assert [sorted(body) for body in snapshots] == [
        ["frontOfQueue", "frontOfQuotaShares", "queueUtilization"],
        ["frontOfQueue", "queueUtilization"],
        ["frontOfQueue", "queueUtilization"],
    ]
    assert snapshots[0]["queueUtilization"]["quotaShareUtilization"]["topCapacityUtilization"]
    assert snapshots[1]["queueUtilization"]["fairshareUtilization"]["activeShareCount"] == 1


def outputs_drift(outputs: list[tuple[str, Any]]) -> list[str]:
    """``model_drift`` of each ``(operation, answer)`` against its output shape, every structure reachable
    from those shapes holding the members the model requires of it."""
    required = frozenset(
        shape.name
        for operation, _ in outputs
        for shape in _structures(MODEL.operation_model(operation).output_shape)
    )
    return [
        problem
        for operation, body in outputs
        for problem in model_drift(
            body, MODEL.operation_model(operation).output_shape, operation, required=required
        )
    ]


def _structures(shape: Any, seen: set[str] | None = None) -> list[Any]:
    """Every structure shape reachable from ``shape``: each must hold the members the model requires."""
    seen = set() if seen is None else seen
    if shape.name in seen:
        return []
    seen.add(shape.name)
    found = [shape] if shape.type_name == "structure" else []
    children = (
        list(shape.members.values())
        if shape.type_name == "structure"
        else [shape.member]
        if shape.type_name == "list"
        else [shape.value]
        if shape.type_name == "map"
        else []
    )
    for child in children:
        found += _structures(child, seen)
    return found


def test_the_endpoint_answers_consumable_resource_operations_in_the_models_shape() -> None:
    """H-21: every output of the endpoint's consumable-resource operations holds only model members of the
    model's types, with every member the model requires."""
    jobs = [
        {
            "jobId": "uses-licenses",
            "jobName": "render",
            "jobQueue": "cpu",
            "status": "RUNNING",
            "createdAt": 1,
            "consumableResourceProperties": {
                "consumableResourceList": [{"consumableResource": "licenses", "quantity": 2}]
            },
        }
    ]
    outputs: list[tuple[str, Any]] = []
    with serving(batch_jobs=jobs) as url:

        def call(operation: str, request: dict[str, Any]) -> Any:
            body = post(url, operation, request)
            outputs.append((operation, body))
            return body

        call(
            "CreateConsumableResource",
            {
                "consumableResourceName": "licenses",
                "totalQuantity": 5,
                "resourceType": "NON_REPLENISHABLE",
                "tags": {"team": "a"},
            },
        )
        call("CreateConsumableResource", {"consumableResourceName": "seats"})
        call("DescribeConsumableResource", {"consumableResource": "licenses"})
        call(
            "UpdateConsumableResource", {"consumableResource": "licenses", "operation": "ADD", "quantity": 1}
        )
        first = call("ListConsumableResources", {"maxResults": 1})
        call("ListConsumableResources", {"maxResults": 1, "nextToken": first["nextToken"]})
        call("ListJobsByConsumableResource", {"consumableResource": "licenses"})
        call("DeleteConsumableResource", {"consumableResource": "seats"})
    problems = [problem for name, body in outputs for problem in check_output(name, body)]
    assert problems == [], f"botocore {botocore.__version__}: {problems}"
    assert outputs[2][1]["inUseQuantity"] == 2
