"""How big a bench run is: the issue's sizes, or a smoke size for CI."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

# Monday 2026-11-23 17:00 UTC: 09:00 in Los Angeles, 12:00 in New York, 18:00 in Berlin, 02:00 (Tuesday) in
# Tokyo, so most people are due their morning DM and some are not yet.
BENCH_AT = datetime(2026, 11, 23, 17, 0, tzinfo=UTC)
TEAM = "T0BENCH"
DM_TEAMS = 20  # the spread DM-lag phase: this many workspaces …


def dm_team(k: int) -> str:
    """The k-th workspace of the spread DM-lag phase (0-based); not the seeded one."""
    return f"T0DM{k:02d}"


@dataclass(frozen=True)
class Sizes:
    """Everything that scales."""

    name: str
    open_items: int
    done_items: int
    people: int
    channels: int
    milestones: int
    big_milestone_items: int  # items under M-1 (open and done)
    ack_seconds: float  # per offered rate and operation
    ack_rates: tuple[int, ...]
    saturation_seconds: float
    saturation_clients: int
    fanout_dms: int
    fanout_channel_rate: float
    fanout_workspace_rate: float
    repeat: int  # repetitions inside a run for the in-process timings (the median is kept)
    dm_people: int = 200  # the spread DM-lag phase: people assigned to, round-robin, each in one of DM_TEAMS


FULL = Sizes(
    name="full",
    open_items=100_000,
    done_items=10_000,
    people=5_000,
    channels=500,
    milestones=1_000,
    big_milestone_items=2_000,
    ack_seconds=6.0,
    ack_rates=(50, 200),
    saturation_seconds=5.0,
    saturation_clients=16,
    fanout_dms=1_000,
    fanout_channel_rate=1.0,
    fanout_workspace_rate=50.0,
    repeat=3,
)

SMOKE = Sizes(
    name="smoke",
    open_items=2_000,
    done_items=200,
    people=200,
    channels=20,
    milestones=40,
    big_milestone_items=200,
    ack_seconds=1.0,
    ack_rates=(50,),
    saturation_seconds=1.0,
    saturation_clients=4,
    fanout_dms=100,
    fanout_channel_rate=1.0,
    fanout_workspace_rate=50.0,
    repeat=1,
)
