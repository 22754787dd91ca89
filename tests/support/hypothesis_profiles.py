"""Hypothesis profiles: bounded example counts in ``make test``, many more in ``make fuzz``.

``JIXIAO_HYPOTHESIS_PROFILE=fuzz`` (what ``make fuzz`` sets) loads the ``fuzz`` profile for
every property test, and :func:`examples` scales the explicit counts of the robustness tests
(which keep ``make test`` fast) by :data:`FUZZ_FACTOR`. Imported by ``conftest.py`` at
configure time, before any test module is collected, so the profile reaches them all.
"""

from __future__ import annotations

import os

from hypothesis import HealthCheck, settings

__all__ = ["FUZZ_FACTOR", "PROFILE", "bounded", "examples"]

PROFILE = os.environ.get("JIXIAO_HYPOTHESIS_PROFILE", "default")
FUZZ_FACTOR = 25

settings.register_profile(
    "fuzz",
    max_examples=2500,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    print_blob=True,
)
if PROFILE != "default":
    settings.load_profile(PROFILE)


def examples(bounded: int) -> int:
    """``bounded`` examples in ``make test``; :data:`FUZZ_FACTOR` times as many when fuzzing."""
    return bounded * FUZZ_FACTOR if PROFILE == "fuzz" else bounded


def bounded(count: int) -> settings:
    """Settings for a robustness test: :func:`examples` of ``count``, no deadline (the
    machine is shared), and no complaint about slow or heavily filtered generation."""
    return settings(
        max_examples=examples(count),
        deadline=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
    )
