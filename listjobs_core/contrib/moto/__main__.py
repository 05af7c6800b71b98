"""``python -m listjobs_core.contrib.moto [moto_server options]``: moto's server, plug-in installed."""

from . import main

__all__: list[str] = []

main()
