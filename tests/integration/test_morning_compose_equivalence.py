"""The batched morning sweep says exactly what a plain per-person reading of the rules says.

`nudges.due_recipients` + `nudges.compose_all` read everything in a few set-wide statements and keep only what a DM
lists (with counts for the rest). Here a naive oracle works person by person over every row loaded into Python, from
the rules in CONTRACTS §6, and keeps complete lists. Over a varied workspace (time zones, working days, pauses, bots,
deactivated owners, people without a profile, snoozes, deliverables, claims, reviews, key results) and several
instants, both must pick the same people, the same items in the same order with the same counts, and render the
same DM, block for block.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import holidays
import pytest
from sqlalchemy import insert
from sqlmodel import Session, col, select

from bot.blocks.morning import morning_dm
from bot.blocks.plan import review_buttons
from bot.capture.date_types import default_holiday_country
from bot.jobs import morning
from bot.services import nudges
from bot.services.action_items import ItemView
from bot.services.deliverables import awaiting_review
from bot.services.nudges import (
    SHOWN_DONE,
    SHOWN_ORPHANED,
    SHOWN_OWN,
    SHOWN_WAITING,
    Morning,
    Recipient,
    StaleKr,
    next_working_day,
    weekdays,
    working_days_between,
)
from bot.services.people import PersonInfo
from bot.services.settings import PersonPrefs
from storage.db import Database
from storage.models import (
    ActionItem,
    CheckIn,
    Deliverable,
    KeyResult,
    Milestone,
    OutboundClaim,
    Outcome,
    Person,
    PersonSettings,
    Workspace,
)

TEAM, GONE = "T0EQ", "T0GONE"  # GONE uninstalled the app: nobody there hears anything
MONDAY = datetime(2026, 11, 23, 17, 0, tzinfo=UTC)
ZONES = (
    "America/Los_Angeles",
    "America/New_York",
    "Europe/Berlin",
    "Asia/Tokyo",
    "Pacific/Auckland",
    None,
    "Nowhere/X",
)
DEFAULT_TZ = ZoneInfo("UTC")
PEOPLE = 90
UNKNOWN = [f"UX{i:02d}" for i in range(6)]  # named on items but never cached in `person`
QUIET = [f"UQ{i}" for i in range(4)]  # only an item due next month: due a DM with nothing in it (a skip)
NOTES_BOT = "UB0NOTES"  # a meeting-notes app's bot user, creator of the items captured from its messages


def uid(i: int) -> str:
    return f"U{i:03d}"


def seed(db: Database) -> None:
    """A workspace where sections overflow their caps for some people and are empty for others."""
    rnd = random.Random(7)
    base = MONDAY.date()
    created = MONDAY - timedelta(days=60)
    people: list[dict[str, Any]] = []
    settings: list[dict[str, Any]] = []
    for i in range(PEOPLE):
        people.append(
            {
                "team_id": TEAM,
                "user_id": uid(i),
                "name": f"user{i}",
                "real_name": f"User {i}" if i % 5 else "",
                "tz": ZONES[i % len(ZONES)],
                "is_bot": i % 29 == 28,
                "deleted": i % 11 == 10,
                "fetched_at": created,
            }
        )
        if i % 3 == 0:
            settings.append(
                {
                    "team_id": TEAM,
                    "user_id": uid(i),
                    "reminder_hour": rnd.choice([6, 8, 9, 11, 15]),
                    "working_days": rnd.choice(["mon-fri", "sun-thu", "mon,wed,fri", "mon-sun", "tue-sat"]),
                    "paused_until": rnd.choice([None, None, base + timedelta(days=1), base - timedelta(days=3)]),
                    "cadence": "off" if i % 27 == 0 else "mondays" if i % 4 == 0 else "daily",
                    "skip_holidays": i % 2 == 0,
                    "holiday_country": [None, None, "", "JP", "DE"][(i // 3) % 5],
                }
            )
    people += [
        {**people[0], "user_id": u, "tz": ZONES[i], "is_bot": False, "deleted": False} for i, u in enumerate(QUIET)
    ]
    everyone = [uid(i) for i in range(PEOPLE)] + UNKNOWN
    milestones, deliverables, outcomes, krs, checkins = [], [], [], [], []
    for n in range(1, 9):
        milestones.append(
            {
                "id": n,
                "team_id": TEAM,
                "number": n,
                "title": f"Milestone {n}",
                "due_date": base + timedelta(days=n),
                "owner": None if n % 3 == 0 else ("" if n == 4 else rnd.choice(everyone)),
                "created_by": rnd.choice(everyone),
                "created_at": created,
            }
        )
    for n in range(1, 7):
        outcomes.append(
            {
                "id": n,
                "team_id": TEAM,
                "number": n,
                "objective": f"Outcome {n} & more",
                "status": "done" if n == 6 else "active",
                "owner": None if n % 2 else rnd.choice(everyone),
                "created_by": rnd.choice(everyone),
                "created_at": created,
            }
        )
        for k in range(1, 4):
            kr_id = n * 10 + k
            krs.append(
                {
                    "id": kr_id,
                    "team_id": TEAM,
                    "outcome_id": n,
                    "number": k,
                    "metric": f"Metric {n}.{k} <b>",
                    "baseline": 0.0,
                    "target": 10.0,
                    "current": 1.0,
                    "status": "retired" if k == 3 and n == 2 else "active",
                    "created_by": rnd.choice(everyone),
                    "created_at": MONDAY - timedelta(days=rnd.choice([2, 30])),
                }
            )
            for _ in range(rnd.choice([0, 1, 2])):
                checkins.append(
                    {
                        "team_id": TEAM,
                        "key_result_id": kr_id,
                        "value": 1.0,
                        "by": rnd.choice(everyone),
                        "at": MONDAY - timedelta(days=rnd.choice([1, 6, 8, 20])),
                    }
                )
    for n in range(1, 61):
        status = rnd.choice(["submitted", "submitted", "in_progress", "approved"])
        owner = rnd.choice([*everyone, None])
        deliverables.append(
            {
                "id": n,
                "team_id": TEAM,
                "number": n,
                "title": f"Deliverable {n} <draft>",
                "status": status,
                "owner": owner,
                "approver": rnd.choice([None, None, "", rnd.choice(everyone)]),
                "created_by": rnd.choice(everyone),
                "milestone_id": rnd.choice([None, rnd.randint(1, 8)]),
                "outcome_id": rnd.choice([None, rnd.randint(1, 6)]),
                "submitted_by": rnd.choice([owner, rnd.choice(everyone)]) if status == "submitted" else None,
                "submitted_at": MONDAY - timedelta(hours=rnd.randint(1, 300)) if status == "submitted" else None,
                "created_at": created,
            }
        )
    items: list[dict[str, Any]] = []
    for n in range(1, 2401):
        # A few heavy owners and creators overflow every cap; the rest spread thin.
        owner = rnd.choice([uid(1), uid(2), uid(3)]) if n % 7 == 0 else rnd.choice(everyone)
        creator = rnd.choice([uid(4), uid(5)]) if n % 5 == 0 else rnd.choice([owner, *everyone])
        status = rnd.choices(["open", "done", "cancelled"], weights=[80, 15, 5])[0]
        due = None if n % 13 == 0 else base + timedelta(days=rnd.randint(-25, 12))
        items.append(
            {
                "team_id": GONE if n % 97 == 0 else TEAM,
                "number": n,
                "title": f"Item {n} & <follow-up>",
                "status": status,
                "owner": owner,
                "created_by": creator,
                "channel": rnd.choice(["C1", "C2", None]),
                "private": n % 17 == 0,
                "due_date": due,
                "due_time": time(15, 30) if n % 9 == 0 else None,
                "due_tz": "Europe/Berlin" if n % 9 == 0 else None,
                "deliverable_id": rnd.choice([None, None, rnd.randint(1, 60)]),
                "snoozed_until": rnd.choice([None] * 6 + [base - timedelta(days=1), base, base + timedelta(days=2)]),
                "created_at": created,
                "completed_at": MONDAY - timedelta(hours=rnd.randint(1, 200)) if status == "done" else None,
            }
        )
    for item in items:  # captured from notes: nobody's yet, or an app's (its bot user, never cached, hears nothing)
        if item["number"] % 23 == 0:
            item["owner"] = None
        item["by_app"] = item["number"] % 19 == 0
        if item["by_app"]:
            item["created_by"] = NOTES_BOT
    later = {"team_id": TEAM, "status": "open", "due_date": base + timedelta(days=30), "completed_at": None}
    items += [{**items[0], **later, "number": 5000 + i, "owner": u, "created_by": u} for i, u in enumerate(QUIET)]
    claims = [
        {
            "team_id": TEAM,
            "recipient": uid(i),
            "kind": nudges.KIND,
            "slot": (base - timedelta(days=days)).isoformat(),
            "state": "sent",
            "claimed_at": MONDAY - timedelta(days=days, hours=1),
            "sent_at": MONDAY - timedelta(days=days, hours=1),
        }
        for i, days in ((4, 6), (5, 2), (6, 1), (7, 3))
    ]
    claims.append({**claims[2], "slot": base.isoformat(), "claimed_at": MONDAY - timedelta(hours=3)})  # served
    with db.engine.begin() as conn:
        conn.execute(
            insert(Workspace),
            [
                {"team_id": TEAM, "name": "Eq", "created_at": created, "active": True},
                {"team_id": GONE, "name": "Gone", "created_at": created, "active": False},
            ],
        )
        conn.execute(insert(Person), people)
        conn.execute(insert(PersonSettings), settings)
        conn.execute(insert(Milestone), milestones)
        conn.execute(insert(Outcome), outcomes)
        conn.execute(insert(KeyResult), krs)
        conn.execute(insert(CheckIn), checkins)
        conn.execute(insert(Deliverable), deliverables)
        conn.execute(insert(ActionItem), items)
        conn.execute(insert(OutboundClaim), claims)


# ---- the oracle: each rule applied to one person at a time, over plain Python lists ---------------------------------


@dataclass
class World:
    items: list[ActionItem]
    deliverable_of: dict[int, Deliverable]
    people: dict[str, Person]
    prefs: dict[str, PersonPrefs]
    claims: list[OutboundClaim]
    nulls_first: bool  # how the database orders a missing due date (SQLite first, PostgreSQL last)


def load(session: Session) -> World:
    return World(
        items=list(session.exec(select(ActionItem).where(col(ActionItem.team_id) == TEAM)).all()),
        deliverable_of={d.id or 0: d for d in session.exec(select(Deliverable)).all()},
        people={p.user_id: p for p in session.exec(select(Person).where(col(Person.team_id) == TEAM)).all()},
        prefs={
            s.user_id: PersonPrefs(**{name: getattr(s, name) for name in PersonPrefs.__dataclass_fields__})
            for s in session.exec(select(PersonSettings)).all()
        },
        claims=list(session.exec(select(OutboundClaim)).all()),
        nulls_first=session.get_bind().dialect.name == "sqlite",
    )


def view(w: World, i: ActionItem, *, with_deliverable: bool = True) -> ItemView:
    d = w.deliverable_of.get(i.deliverable_id or 0) if with_deliverable else None
    return ItemView(
        f"A-{i.number}",
        i.title,
        i.status,
        i.owner,
        i.created_by,
        i.channel,
        i.due_date,
        i.due_time,
        i.due_tz,
        f"D-{d.number}" if d else None,
        d.title if d else None,
        i.snoozed_until,
        i.private,
        i.by_app,
    )


def expected_recipients(session: Session, w: World, now: datetime) -> list[Recipient]:
    open_items = [i for i in w.items if i.status == "open"]
    candidates = {i.owner for i in open_items}
    candidates |= {
        i.created_by
        for i in w.items
        if i.owner is not None and i.owner != i.created_by and not i.by_app
        if i.status == "open" or (i.completed_at and i.completed_at >= now - timedelta(4))
    }
    submitted = [d for d in w.deliverable_of.values() if d.team_id == TEAM and d.status == "submitted"]
    milestones = {m.id: m for m in session.exec(select(Milestone)).all()}
    for d in submitted:
        m = milestones.get(d.milestone_id) if d.milestone_id else None
        candidates.add(d.approver if d.approver is not None else m.owner if m and m.owner is not None else d.created_by)
    candidates |= {o.owner or o.created_by for o in session.exec(select(Outcome)).all() if o.team_id == TEAM}
    out = []
    for user in sorted(u for u in candidates if u):
        person = w.people.get(user)
        if person and (person.deleted or person.is_bot):
            continue
        info = (
            PersonInfo(user, person.name, person.real_name, person.tz, person.is_bot, person.is_admin, False)
            if person
            else None
        )
        tz = info.zone(DEFAULT_TZ) if info else DEFAULT_TZ
        prefs = w.prefs.get(user, PersonPrefs())
        local = now.astimezone(tz)
        if local.hour < prefs.reminder_hour or local.weekday() not in prefs.weekdays:
            continue
        if prefs.paused_until is not None and local.date() < prefs.paused_until:
            continue
        if not morning_by_cadence(prefs, local.date(), tz):
            continue
        served = any(
            c.recipient == user
            and c.slot == local.date().isoformat()
            and (c.state in ("sent", "skipped") or c.claimed_at >= now - timedelta(minutes=5))
            for c in w.claims
        )
        if not served:
            out.append(Recipient(TEAM, user, tz, local.date(), prefs, info))
    return out


def first_of_week(prefs: PersonPrefs, day: date) -> date:
    """The day the person's week that holds `day` starts: after their longest run of days off (Monday if none)."""
    runs = {}
    for start in range(7):
        if start in prefs.weekdays:
            off = next((n for n in range(7) if (start - n - 1) % 7 in prefs.weekdays), 7)
            runs[start] = off
    start = max(sorted(runs), key=lambda d: runs[d])  # the first of the longest (max keeps the first it meets)
    return next(day - timedelta(days=n) for n in range(7) if (day - timedelta(days=n)).weekday() == start)


def morning_by_cadence(prefs: PersonPrefs, today: date, tz: ZoneInfo) -> bool:
    """§6: off never; a public holiday they skip never; Mondays only on the week's first day they work and keep."""
    code = prefs.holiday_country if prefs.holiday_country is not None else default_holiday_country(tz.key)
    country = code.upper() if code else None

    def skipped(d: date) -> bool:
        return bool(prefs.skip_holidays and country and d in holidays.country_holidays(country, years=d.year))

    if prefs.cadence == "off" or skipped(today):
        return False
    if prefs.cadence == "daily":
        return True
    first = first_of_week(prefs, today)
    earlier = [first + timedelta(days=n) for n in range((today - first).days)]
    return not any(d.weekday() in prefs.weekdays and not skipped(d) for d in earlier)


def expected_morning(session: Session, w: World, now: datetime, r: Recipient) -> Morning:
    """The DM with complete lists, as the rules read for this one person."""
    today, days = r.local_date, weekdays(r.prefs)
    horizon = next_working_day(today, days)
    label = "tomorrow" if horizon == today + timedelta(days=1) else f"by {horizon:%a}"
    if r.prefs.cadence == "mondays":  # the week ahead
        horizon, label = first_of_week(r.prefs, today) + timedelta(days=6), "this week"

    def by_due(i: ActionItem) -> tuple[Any, ...]:
        missing = i.due_date is None
        return (not missing if w.nulls_first else missing, i.due_date or date.min, i.number)

    def awake(i: ActionItem) -> bool:
        return i.snoozed_until is None or i.snoozed_until <= today

    mine = sorted(
        (i for i in w.items if i.status == "open" and i.owner == r.user_id and i.due_date and i.due_date <= horizon),
        key=by_due,
    )
    mine = [i for i in mine if awake(i)]
    given = sorted(
        (
            i
            for i in w.items
            if i.status == "open" and i.created_by == r.user_id and i.owner not in (None, r.user_id) and not i.by_app
        ),
        key=by_due,
    )
    gone = {u for u, p in w.people.items() if p.deleted}
    waiting = []
    for i in given:
        if i.owner not in gone and i.due_date and i.due_date < today and awake(i):
            late = working_days_between(i.due_date, today, days)
            if late >= 2:
                waiting.append((view(w, i), late))
    sent = [c.sent_at for c in w.claims if c.recipient == r.user_id and c.state == "sent" and c.sent_at]
    since = max(sent) if sent else now - timedelta(days=1)
    done = sorted(
        (
            i
            for i in w.items
            if i.status == "done" and i.created_by == r.user_id and i.owner not in (None, r.user_id) and i.completed_at
            if not i.by_app
            if i.completed_at > since
        ),
        key=lambda i: (i.completed_at, i.number),
    )
    stale: list[StaleKr] = []
    if today.weekday() == 0:
        stale = stale_krs(session, now, r.user_id)
    return Morning(
        recipient=r,
        overdue=[view(w, i) for i in mine if i.due_date and i.due_date < today],
        today=[view(w, i) for i in mine if i.due_date == today],
        soon=[view(w, i) for i in mine if i.due_date and i.due_date > today],
        soon_label=label,
        reviews=awaiting_review(session, TEAM, r.user_id),
        waiting=waiting,
        orphaned=[view(w, i) for i in given if i.owner in gone],
        completed=[view(w, i, with_deliverable=False) for i in done],
        stale_krs=stale,
    )


def stale_krs(session: Session, now: datetime, user: str) -> list[StaleKr]:
    outcomes = {o.id: o for o in session.exec(select(Outcome)).all()}
    checkins = list(session.exec(select(CheckIn)).all())
    out = []
    for kr in session.exec(select(KeyResult)).all():
        o = outcomes[kr.outcome_id]
        if kr.status != "active" or o.status != "active" or (o.owner or o.created_by) != user:
            continue
        last = max((c.at for c in checkins if c.key_result_id == kr.id), default=None)
        if (last or kr.created_at) <= now - timedelta(days=7):
            out.append((o.number, kr.number, StaleKr(f"O-{o.number}.{kr.number}", kr.metric, last)))
    return [s for _, _, s in sorted(out, key=lambda t: (t[0], t[1]))]


# ---- the comparison --------------------------------------------------------------------------------------------------


def rendered(m: Morning) -> tuple[str, list[Any]]:
    message = morning_dm(m, review_buttons)
    return message.text, message.blocks


@pytest.mark.parametrize(
    "now",
    [
        MONDAY,  # most people due; Monday: key results too
        MONDAY - timedelta(hours=9),  # 08:00 UTC: Berlin and Tokyo, not the Americas
        MONDAY - timedelta(hours=7),  # 10:00 UTC: still Sunday at UTC-12, already Tuesday at UTC+14
        MONDAY + timedelta(days=1, hours=-1),  # Tuesday 16:00 UTC
        MONDAY - timedelta(days=1),  # Sunday: only those who work Sundays
        MONDAY + timedelta(days=4, hours=6),  # Friday 23:00 UTC: Saturday in Tokyo and Auckland
        MONDAY + timedelta(hours=9),  # Tuesday 11:00 in Tokyo, the day after Labour Thanksgiving Day
    ],
    ids=["mon-17", "mon-08", "mon-10", "tue-16", "sun-17", "fri-23", "tue-02"],
)
@pytest.mark.parametrize("read", ["in-one-transaction", "as-the-sweep-reads"])
def test_the_batched_sweep_matches_the_rules_person_by_person(db: Database, now: datetime, read: str) -> None:
    seed(db)
    # As the sweep reads (`jobs/morning.py`): what does not depend on who is due, read beside on a second connection.
    swept = morning.collect_at(db, now, DEFAULT_TZ) if read == "as-the-sweep-reads" else None
    with db.session(readonly=True) as session:
        mornings = swept or nudges.compose_all(session, now, nudges.due_recipients(session, now, DEFAULT_TZ))
        w = load(session)
        recipients = expected_recipients(session, w, now)
        expected = {r.user_id: expected_morning(session, w, now, r) for r in recipients}
    actual = {m.recipient.user_id: m for m in mornings}
    assert sorted(actual) == sorted(expected)
    assert actual  # nobody due would prove nothing
    overflowing = 0
    for user, want in expected.items():
        got = actual[user]
        assert got.recipient == want.recipient
        own = [*want.overdue, *want.today, *want.soon]
        assert [*got.overdue, *got.today, *got.soon] == own[:SHOWN_OWN], user
        assert (got.overdue_count, got.today_count, got.soon_count) == (
            len(want.overdue),
            len(want.today),
            len(want.soon),
        ), user
        assert list(got.waiting) == list(want.waiting)[:SHOWN_WAITING], user
        assert list(got.orphaned) == list(want.orphaned)[:SHOWN_ORPHANED], user
        assert list(got.completed) == list(want.completed)[:SHOWN_DONE], user
        assert list(got.reviews) == list(want.reviews), user
        assert list(got.stale_krs) == list(want.stale_krs), user
        assert got.soon_label == want.soon_label
        assert got.is_empty() == want.is_empty()
        assert rendered(got) == rendered(want), user
        overflowing += len(own) > SHOWN_OWN or len(want.waiting) > SHOWN_WAITING or len(want.completed) > SHOWN_DONE
    if now == MONDAY:  # the data does exercise the caps, the empty DMs, the reviews and the key results
        assert overflowing >= 3
        assert any(m.is_empty() for m in expected.values())
        assert any(m.reviews for m in expected.values()) and any(m.stale_krs for m in expected.values())
        assert any(m.orphaned for m in expected.values()) and any(m.completed for m in expected.values())
