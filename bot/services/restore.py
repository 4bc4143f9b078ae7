"""Import a §8 JSON export: refuse a workspace that exists unless asked to replace it."""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from typing import Any

from sqlmodel import Session

from bot.capture.keys import parse_key
from bot.clock import Clock
from bot.services.common import channel_is_private
from bot.services.export import FORMAT, ImportRefused, purge_team
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
    Outcome,
    Person,
    PersonSettings,
    Workspace,
)
from storage.repositories import workspaces

_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def _dt(value: str | None) -> datetime | None:
    if not value:
        return None
    parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def _date(value: str | None) -> date | None:
    return date.fromisoformat(value) if value else None


def _req_date(value: str) -> date:
    return date.fromisoformat(value)


def _time(value: str | None) -> time | None:
    return time.fromisoformat(value) if value else None


def _num(key: str | None, kind: str) -> int | None:
    if not key:
        return None
    parsed = parse_key(key)
    if parsed is None or parsed.kind != kind:
        raise ImportRefused(f"{key!r} is not a {kind}-n key")
    return parsed.number


def import_export(session: Session, clock: Clock, data: dict[str, Any], *, replace: bool = False) -> list[str]:
    """Restore every workspace in `data`; returns the team ids imported."""
    if data.get("format") != FORMAT or data.get("version") != 1:
        raise ImportRefused("this is not a followthrough.export version 1 file")
    imported = []
    for ws in data.get("workspaces", []):
        team = ws["team_id"]
        if session.get(Workspace, team) is not None:
            if not replace:
                raise ImportRefused(f"workspace {team} already exists; use --replace to overwrite it")
            purge_team(session, team)
            session.flush()
        _import_workspace(session, clock, ws)
        imported.append(team)
    return imported


def _import_person(session: Session, team: str, p: dict[str, Any]) -> None:
    """One person's zone and settings (an export from before a setting existed gets its default)."""
    session.add(Person(team_id=team, user_id=p["user_id"], tz=p.get("tz"), fetched_at=_EPOCH))
    session.add(
        PersonSettings(
            team_id=team,
            user_id=p["user_id"],
            reminder_hour=p.get("reminder_hour", 9),
            working_days=p.get("working_days", "mon-fri"),
            paused_until=_date(p.get("paused_until")),
            cadence=p.get("cadence", "daily"),
            holiday_country=p.get("holiday_country"),
            skip_holidays=bool(p.get("skip_holidays", False)),
            remind_before_minutes=int(p.get("remind_before_minutes", 60)),
            notify_done_now=bool(p.get("notify_done_now", False)),
        )
    )


def _import_settings(session: Session, team: str, ws: dict[str, Any]) -> None:
    """Every person's and channel's settings."""
    for p in ws.get("people", []):
        _import_person(session, team, p)
    for c in ws.get("channels", []):
        session.add(ChannelSettings(team_id=team, channel=c["channel"], capture=c.get("capture", "on")))


def _import_workspace(session: Session, clock: Clock, ws: dict[str, Any]) -> None:
    team, now = ws["team_id"], clock.now()
    session.add(Workspace(team_id=team, name=ws.get("name", ""), created_at=now, active=True))
    _import_settings(session, team, ws)
    milestone_ids: dict[int, int] = {}
    for m in ws.get("milestones", []):
        number = _num(m["key"], "M")
        assert number is not None
        row = Milestone(
            team_id=team,
            number=number,
            title=m["title"],
            due_date=_req_date(m["due_date"]),
            status=m["status"],
            channel=m.get("channel"),
            private=channel_is_private(m.get("channel")),
            owner=m.get("owner"),
            created_by=m["created_by"],
            gate=bool(m.get("gate")),
            decision=m.get("decision"),
            decided_by=m.get("decided_by"),
            decided_at=_dt(m.get("decided_at")),
            decision_note=m.get("decision_note"),
            created_at=now,
        )
        session.add(row)
        session.flush()
        assert row.id is not None
        milestone_ids[number] = row.id
    outcome_ids: dict[int, int] = {}
    for o in ws.get("outcomes", []):
        number = _num(o["key"], "O")
        assert number is not None
        krs = o.get("key_results", [])
        subs = [parse_key(k["key"]) for k in krs]
        outcome = Outcome(
            team_id=team,
            number=number,
            objective=o["objective"],
            owner=o.get("owner"),
            created_by=o["created_by"],
            created_at=now,
            last_kr_number=max((s.sub or 0 for s in subs if s), default=0),
        )
        session.add(outcome)
        session.flush()
        assert outcome.id is not None
        outcome_ids[number] = outcome.id
        for k, sub in zip(krs, subs, strict=True):
            kr = KeyResult(
                team_id=team,
                outcome_id=outcome.id,
                number=sub.sub if sub and sub.sub else 0,
                metric=k["metric"],
                baseline=k["baseline"],
                target=k["target"],
                current=k["current"],
                unit=k.get("unit"),
                created_by=o["created_by"],
                created_at=now,
            )
            session.add(kr)
            session.flush()
            assert kr.id is not None
            for c in k.get("checkins", []):
                session.add(
                    CheckIn(
                        team_id=team,
                        key_result_id=kr.id,
                        value=c["value"],
                        note=c.get("note"),
                        by=c["by"],
                        at=_dt(c["at"]) or now,
                    )
                )
    deliverable_ids: dict[int, int] = {}
    for d in ws.get("deliverables", []):
        number = _num(d["key"], "D")
        assert number is not None
        m_num, o_num = _num(d.get("milestone"), "M"), _num(d.get("outcome"), "O")
        row_d = Deliverable(
            team_id=team,
            number=number,
            title=d["title"],
            status=d["status"],
            owner=d.get("owner"),
            approver=d.get("approver"),
            created_by=d["created_by"],
            due_date=_date(d.get("due_date")),
            milestone_id=milestone_ids.get(m_num) if m_num else None,
            outcome_id=outcome_ids.get(o_num) if o_num else None,
            acceptance_criteria=d.get("acceptance_criteria"),
            decided_by=d.get("decided_by"),
            decided_at=_dt(d.get("decided_at")),
            decision_note=d.get("decision_note"),
            created_at=now,
        )
        session.add(row_d)
        session.flush()
        assert row_d.id is not None
        deliverable_ids[number] = row_d.id
    for a in ws.get("action_items", []):
        number = _num(a["key"], "A")
        assert number is not None
        d_num = _num(a.get("deliverable"), "D")
        session.add(
            ActionItem(
                team_id=team,
                number=number,
                title=a["title"],
                status=a["status"],
                owner=a.get("owner"),
                created_by=a["created_by"],
                channel=a.get("channel"),
                private=bool(a["private"]) if "private" in a else channel_is_private(a.get("channel")),
                by_app=bool(a.get("by_app", False)),
                recurrence=a.get("recurrence"),
                series=_num(a.get("series"), "A"),
                due_date=_date(a.get("due_date")),
                due_time=_time(a.get("due_time")),
                due_tz=a.get("due_tz"),
                deliverable_id=deliverable_ids.get(d_num) if d_num else None,
                source_url=a.get("source_url"),
                snoozed_until=_date(a.get("snoozed_until")),
                created_at=_dt(a.get("created_at")) or now,
                completed_at=_dt(a.get("completed_at")),
            )
        )
    for s in ws.get("digests", []):
        session.add(
            DigestSubscription(
                team_id=team,
                channel=s["channel"],
                cadence=s["cadence"],
                day=s.get("day"),
                time=s["time"],
                tz=s["tz"],
                created_by=s["created_by"],
                enabled=bool(s.get("enabled", True)),
                created_at=now,
            )
        )
    for e in ws.get("audit", []):
        session.add(AuditEntry(team_id=team, at=_dt(e["at"]) or now, by=e["by"], key=e["key"], change=e["change"]))
    session.flush()
    _restore_counters(session, team)


def _restore_counters(session: Session, team: str) -> None:
    for kind, model in (("A", ActionItem), ("D", Deliverable), ("M", Milestone), ("O", Outcome)):
        numbers = workspaces.numbers(session, model, team)
        session.add(KeyCounter(team_id=team, kind=kind, last_number=max(numbers, default=0)))
