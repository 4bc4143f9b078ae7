"""Many people, each with one overdue item: the load behind a sweep that sends one morning DM per person."""

from __future__ import annotations

from datetime import date, datetime

from bot.capture.dates import ParsedDate
from bot.clock import FrozenClock
from bot.services.action_items import add_items
from bot.services.common import Actor
from bot.services.people import PersonInfo, remember
from bot.services.settings import PersonPrefs, save_prefs
from bot.simulator.world import World
from storage.db import Database


def zone_at_noon(now: datetime) -> str:
    """A fixed-offset zone where `now` is between 11:00 and 12:59, so a real-clock sweep finds a morning due."""
    offset = 12 - now.hour
    return "UTC" if offset == 0 else f"Etc/GMT{-offset:+d}"


def seed_crowd(
    db: Database, world: World, clock: FrozenClock, count: int, *, tz: str, due: date, every_day: bool = False
) -> list[str]:
    """`count` people in the simulated workspace and the people cache, each owning one item due `due`
    (with `every_day`, every day is a working day for them, so a real-clock sweep on a weekend finds them due)."""
    users = [f"U9{n:05d}" for n in range(count)]
    for user in users:
        world.add_user(user, f"p{user[2:]}", f"Person {user[2:]}", tz)
    with db.session() as session:
        remember(session, clock, world.team_id, [PersonInfo(user_id=u, name=u, real_name=u, tz=tz) for u in users])
        for user in users:
            actor = Actor(team_id=world.team_id, user_id=user, channel="C0WEB")
            add_items(session, clock, actor, title=f"Weekly report of {user}", owners=[user], due=ParsedDate(due))
            if every_day:
                save_prefs(session, clock, actor, PersonPrefs(working_days="mon-sun"))
    return users
