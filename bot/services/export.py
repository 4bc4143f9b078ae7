"""The JSON backup format of CONTRACTS §8: export, and import of the same shape."""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from typing import Any

from sqlmodel import Session

from bot.clock import Clock
from storage.models import (
    ActionItem,
    AuditEntry,
    ChannelSettings,
    CheckIn,
    Deliverable,
    DigestSubscription,
    KeyCounter,
    KeyResult,
    Milestone,
    OutboundClaim,
    Outcome,
    Person,
    PersonSettings,
    ProcessedEvent,
    Workspace,
)
from storage.repositories import workspaces

FORMAT = "followthrough.export"
VERSION = 1
TEAM_TABLES: tuple[Any, ...] = (
    CheckIn,
    KeyResult,
    ActionItem,
    Deliverable,
    Milestone,
    Outcome,
    DigestSubscription,
    PersonSettings,
    Person,
    ChannelSettings,
    AuditEntry,
    OutboundClaim,
    ProcessedEvent,
    KeyCounter,
    Workspace,
)


class ImportRefused(Exception):
    """The file cannot be imported as asked; the message says why."""


def iso_z(value: datetime | None) -> str | None:
    """UTC ISO-8601 with a Z."""
    if value is None:
        return None
    return value.astimezone(UTC).isoformat().replace("+00:00", "Z")


def _d(value: date | None) -> str | None:
    return value.isoformat() if value else None


def _t(value: time | None) -> str | None:
    return value.strftime("%H:%M") if value else None


def _key(kind: str, number: int | None) -> str | None:
    return f"{kind}-{number}" if number is not None else None


def export_workspace(session: Session, ws: Workspace) -> dict[str, Any]:
    """One workspace in the §8 shape."""
    team = ws.team_id

    def rows(model: Any, order: Any) -> list[Any]:
        return workspaces.rows_of(session, model, team, order)

    milestones = rows(Milestone, Milestone.number)
    outcomes = rows(Outcome, Outcome.number)
    deliverables = rows(Deliverable, Deliverable.number)
    m_num = {m.id: m.number for m in milestones}
    o_num = {o.id: o.number for o in outcomes}
    d_num = {d.id: d.number for d in deliverables}
    krs = rows(KeyResult, KeyResult.number)
    checkins = rows(CheckIn, CheckIn.id)
    people = {p.user_id: p for p in rows(Person, Person.user_id)}
    settings = {s.user_id: s for s in rows(PersonSettings, PersonSettings.user_id)}
    return {
        "team_id": team,
        "name": ws.name,
        "action_items": [
            {
                "key": f"A-{a.number}",
                "title": a.title,
                "status": a.status,
                "owner": a.owner,
                "created_by": a.created_by,
                "channel": a.channel,
                "due_date": _d(a.due_date),
                "due_time": _t(a.due_time),
                "due_tz": a.due_tz,
                "deliverable": _key("D", d_num.get(a.deliverable_id)),
                "source_url": a.source_url,
                "snoozed_until": _d(a.snoozed_until),
                "created_at": iso_z(a.created_at),
                "completed_at": iso_z(a.completed_at),
                "private": a.private,
                "recurrence": a.recurrence,
                "series": _key("A", a.series),
                "by_app": a.by_app,
            }
            for a in rows(ActionItem, ActionItem.number)
        ],
        "deliverables": [
            {
                "key": f"D-{d.number}",
                "title": d.title,
                "status": d.status,
                "owner": d.owner,
                "approver": d.approver,
                "created_by": d.created_by,
                "due_date": _d(d.due_date),
                "milestone": _key("M", m_num.get(d.milestone_id)),
                "outcome": _key("O", o_num.get(d.outcome_id)),
                "acceptance_criteria": d.acceptance_criteria,
                "decided_by": d.decided_by,
                "decided_at": iso_z(d.decided_at),
                "decision_note": d.decision_note,
            }
            for d in deliverables
        ],
        "milestones": [
            {
                "key": f"M-{m.number}",
                "title": m.title,
                "due_date": _d(m.due_date),
                "status": m.status,
                "channel": m.channel,
                "owner": m.owner,
                "created_by": m.created_by,
                "gate": m.gate,
                "decision": m.decision,
                "decided_by": m.decided_by,
                "decided_at": iso_z(m.decided_at),
                "decision_note": m.decision_note,
            }
            for m in milestones
        ],
        "outcomes": [
            {
                "key": f"O-{o.number}",
                "objective": o.objective,
                "owner": o.owner,
                "created_by": o.created_by,
                "key_results": [
                    {
                        "key": f"O-{o.number}.{k.number}",
                        "metric": k.metric,
                        "baseline": k.baseline,
                        "target": k.target,
                        "current": k.current,
                        "unit": k.unit,
                        "checkins": [
                            {"value": c.value, "note": c.note, "by": c.by, "at": iso_z(c.at)}
                            for c in checkins
                            if c.key_result_id == k.id
                        ],
                    }
                    for k in krs
                    if k.outcome_id == o.id
                ],
            }
            for o in outcomes
        ],
        "digests": [
            {
                "channel": s.channel,
                "cadence": s.cadence,
                "day": s.day,
                "time": s.time,
                "tz": s.tz,
                "created_by": s.created_by,
                "enabled": s.enabled,
            }
            for s in rows(DigestSubscription, DigestSubscription.channel)
        ],
        "people": [
            _person(uid, people.get(uid), settings.get(uid, PersonSettings(team_id=team, user_id=uid)))
            for uid in sorted(set(people) | set(settings))
        ],
        "channels": [
            {"channel": c.channel, "capture": c.capture} for c in rows(ChannelSettings, ChannelSettings.channel)
        ],
        "audit": [
            {"at": iso_z(e.at), "by": e.by, "key": e.key, "change": e.change} for e in rows(AuditEntry, AuditEntry.id)
        ],
    }


def _person(uid: str, person: Person | None, s: PersonSettings) -> dict[str, Any]:
    """One person's zone and every setting they can change (a model's defaults for one who never did)."""
    return {
        "user_id": uid,
        "tz": person.tz if person is not None else None,
        "reminder_hour": s.reminder_hour,
        "working_days": s.working_days,
        "paused_until": _d(s.paused_until),
        "cadence": s.cadence,
        "holiday_country": s.holiday_country,
        "skip_holidays": s.skip_holidays,
        "remind_before_minutes": s.remind_before_minutes,
        "notify_done_now": s.notify_done_now,
    }


def export_all(session: Session, clock: Clock, team_id: str | None = None) -> dict[str, Any]:
    """Every workspace (or one) in the backup format."""
    found = workspaces.installed(session, team_id)
    return {
        "format": FORMAT,
        "version": VERSION,
        "exported_at": iso_z(clock.now()),
        "workspaces": [export_workspace(session, ws) for ws in found],
    }


def purge_team(session: Session, team_id: str) -> None:
    """Delete every row of one workspace."""
    workspaces.purge(session, TEAM_TABLES, team_id)
