"""The reference endpoint: AWS Batch's service-job operations over HTTP, a shell around the core.

Modules: ``_service_jobs`` (the job-level rules of submit, describe and terminate, as pure functions),
``_service`` (the endpoint's state: its store, client tokens, clock), ``_server`` (HTTP in, HTTP out),
``_jobsfile`` (reading jobs files) and ``_demo`` (the built-in demo jobs). Run it with
``python -m listjobs_core serve``, or in tests with ``listjobs_core.testing.serving``.
"""
