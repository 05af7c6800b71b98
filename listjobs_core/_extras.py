"""How to install one of the package's optional parts: the one home of the hint every message gives.

The package is installed from a clone (``pip install ".[EXTRA]"``); where an index serves it, by its name
(``pip install "listjobs-core[EXTRA]"``). A message that names a missing optional dependency names both.
"""

from __future__ import annotations

__all__ = ["install_hint"]


def install_hint(extra: str) -> str:
    """The command that installs an extra, from a clone and by the package's name.

    >>> install_hint("moto")
    'pip install ".[moto]" from a clone of listjobs_core, or pip install "listjobs-core[moto]"'
    """
    return f'pip install ".[{extra}]" from a clone of listjobs_core, or pip install "listjobs-core[{extra}]"'
