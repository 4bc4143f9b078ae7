"""Search for pickers (external_select): open deliverables by key or words of the title."""

from __future__ import annotations

from sqlalchemy import String, cast, func, or_
from sqlmodel import Session, col, select

from bot.capture.keys import parse_key
from storage.models import Deliverable

MAX_OPTIONS = 100


def deliverable_options(session: Session, team_id: str, query: str) -> list[tuple[str, str]]:
    """(key, title) of open deliverables matching `query` (a key like d-3, or text); at most 100."""
    q = (
        select(Deliverable.number, Deliverable.title)
        .where(col(Deliverable.team_id) == team_id, col(Deliverable.status).not_in(["approved", "cancelled"]))
        .order_by(col(Deliverable.number).desc())
        .limit(MAX_OPTIONS)
    )
    text = query.strip()
    key = parse_key(text)
    if key is not None and key.kind == "D":
        q = q.where(col(Deliverable.number) == key.number)
    elif text:
        pattern = f"%{text.lower()}%"
        q = q.where(
            or_(func.lower(col(Deliverable.title)).like(pattern), cast(col(Deliverable.number), String) == text)
        )
    return [(f"D-{n}", t) for n, t in session.exec(q).all()]
