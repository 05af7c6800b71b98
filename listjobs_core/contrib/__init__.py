"""Plug-ins that embed listjobs_core in other tools.

Each plug-in is its own module and imports its tool only when it is used, so ``import listjobs_core`` (and
``import listjobs_core.contrib``) never imports a third-party package:

- ``listjobs_core.contrib.moto``: moto's AWS Batch ``ListJobs`` answered by ``listjobs_core.list_jobs``, and
  the service-job operations moto lacks (service environments, SubmitServiceJob, ListServiceJobs, ...).
"""

__all__: list[str] = []
