"""Search for pickers (external_select): open deliverables by key or words of the title."""

from __future__ import annotations

from sqlmodel import Session

from bot.capture.keys import parse_key
from storage.repositories import deliverables

MAX_OPTIONS = 100


def deliverable_options(session: Session, team_id: str, query: str) -> list[tuple[str, str]]:
    """(key, title) of open deliverables matching `query` (a key like d-3, or text); at most 100."""
    text = query.strip()
    key = parse_key(text)
    number = key.number if key is not None and key.kind == "D" else None
    rows = deliverables.options(session, team_id, number=number, text=text, limit=MAX_OPTIONS)
    return [(f"D-{r.number}", r.title) for r in rows]
