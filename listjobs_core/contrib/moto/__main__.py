"""``python -m listjobs_core.contrib.moto [--help] [--version] [moto_server options]``: moto's server with
the plug-in installed (``_server_command.main``)."""

import sys

from . import main

__all__: list[str] = []

sys.exit(main())
