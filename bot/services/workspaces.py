"""Workspace lifecycle: uninstalled or tokens revoked stops every send; a new install brings it back."""

from __future__ import annotations

from sqlmodel import Session

from bot.clock import Clock
from bot.services.common import Actor, audit, ensure_workspace
from storage.models import Workspace


def deactivate(session: Session, clock: Clock, team_id: str, *, reason: str) -> None:
    """Stop all sends to this workspace (its data stays until `followthrough purge`)."""
    ensure_workspace(session, clock, team_id)
    ws = session.get(Workspace, team_id)
    assert ws is not None
    ws.active, ws.uninstalled_at = False, clock.now()
    session.add(ws)
    audit(session, clock, Actor(team_id=team_id, user_id="slack"), team_id, reason)


def activate(session: Session, clock: Clock, team_id: str, name: str = "") -> None:
    """An (re)install: the workspace is live again."""
    ensure_workspace(session, clock, team_id, name)
    ws = session.get(Workspace, team_id)
    assert ws is not None
    ws.active, ws.uninstalled_at = True, None
    if name:
        ws.name = name
    session.add(ws)


def is_active(session: Session, team_id: str) -> bool:
    """False once uninstalled (unknown workspaces count as active: they are about to be created)."""
    ws = session.get(Workspace, team_id)
    return ws is None or ws.active
