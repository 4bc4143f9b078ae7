"""Digest subscriptions: one schedule per channel."""

from __future__ import annotations

from sqlmodel import Session, col, select

from storage.models import DigestSubscription, Workspace


def of_channel(session: Session, team_id: str, channel: str) -> DigestSubscription | None:
    """A channel's digest schedule, if it has one."""
    return session.exec(
        select(DigestSubscription).where(
            col(DigestSubscription.team_id) == team_id, col(DigestSubscription.channel) == channel
        )
    ).first()


def enabled(session: Session) -> list[DigestSubscription]:
    """Every enabled schedule of a workspace the app is still installed in."""
    return list(
        session.exec(
            select(DigestSubscription)
            .join(Workspace, col(Workspace.team_id) == col(DigestSubscription.team_id))
            .where(col(DigestSubscription.enabled).is_(True), col(Workspace.active).is_(True))
        ).all()
    )
