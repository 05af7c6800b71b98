"""Hypothesis settings profiles, chosen with HYPOTHESIS_PROFILE (default, ci, thorough).

Deadlines are off everywhere: timing on shared machines is too noisy to be a test result.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

from hypothesis import HealthCheck, settings

# The property tests import their shared modules (oracle, strategies) by plain name, whatever
# pytest's import mode.
sys.path.insert(0, str(Path(__file__).parent))

settings.register_profile("default", max_examples=100, deadline=None)
settings.register_profile(
    "ci", max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow], print_blob=True
)
settings.register_profile("thorough", max_examples=2000, deadline=None)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "default"))
