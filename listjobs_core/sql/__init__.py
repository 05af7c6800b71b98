"""Durable, shared listings: ``SqlJobStore`` keeps the jobs in SQLite (standard library) or PostgreSQL
(psycopg 3, the ``postgresql`` extra) and answers exactly as ``ServiceJobStore`` and the pure function do,
or, opened with ``operation=LIST_JOBS``, as ``JobStore(LIST_JOBS)`` and ``list_jobs`` do.

The modules: ``_schema`` (tables, indexes and the SQL of every filter, in one table), ``_rows`` (a job's
row, computed by the core at write time), ``_engines`` (URLs, connections, what the two databases spell
differently) and ``_sql_store`` (the store). ``import listjobs_core`` does not import this package, and this
package imports psycopg only when a ``postgresql://`` URL is opened.
"""

from ._sql_store import SqlJobStore

__all__ = ["SqlJobStore"]
