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
    "recurrence",
]


def _cell(value: Any) -> Any:
    """Keep a spreadsheet from running a cell as a formula (=, +, -, @ at the start)."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value


def rows_csv(rows: list[dict[str, Any]]) -> str:
    """CSV text of rows shaped like the JSON export's action items."""
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=COLUMNS, extrasaction="ignore", lineterminator="\n")
    writer.writeheader()
    for row in rows:
        writer.writerow({k: _cell(v) for k, v in row.items()})
    return out.getvalue()


def items_csv(data: dict[str, Any]) -> str:
    """One row per action item across the exported workspaces."""
    return rows_csv([{**item, "team_id": ws["team_id"]} for ws in data["workspaces"] for item in ws["action_items"]])
