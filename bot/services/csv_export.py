"""Flat CSV of action items, from the same data as the JSON export."""

from __future__ import annotations

import csv
import io
from typing import Any

COLUMNS = [
    "team_id",
    "key",
    "title",
    "status",
    "owner",
    "created_by",
    "channel",
    "due_date",
    "due_time",
    "due_tz",
    "deliverable",
    "source_url",
    "snoozed_until",
    "created_at",
    "completed_at",
]


def items_csv(data: dict[str, Any]) -> str:
    """One row per action item across the exported workspaces."""
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=COLUMNS, extrasaction="ignore", lineterminator="\n")
    writer.writeheader()
    for ws in data["workspaces"]:
        for item in ws["action_items"]:
            writer.writerow({**item, "team_id": ws["team_id"]})
    return out.getvalue()
