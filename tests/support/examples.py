"""Hypothesis examples per test: at most 200 in the default run, the full count with HYPOTHESIS_PROFILE=slow."""

from __future__ import annotations

import os

from hypothesis import settings

PROFILE = os.environ.get("HYPOTHESIS_PROFILE", "default-run")
DEFAULT_RUN_CAP = 200


def register_profiles() -> None:
    """Register and load the profiles: `default-run` (Hypothesis's 100 examples for tests that name no count, at
    most 200 for those that do, via `examples`), `slow` (1,000, and every test's full count)."""
    settings.register_profile("default-run", max_examples=100)
    settings.register_profile("slow", max_examples=1000)
    settings.load_profile(PROFILE)


def examples(full: int) -> int:
    """`full` in a slow run (HYPOTHESIS_PROFILE=slow), at most DEFAULT_RUN_CAP otherwise."""
    return full if PROFILE == "slow" else min(full, DEFAULT_RUN_CAP)
