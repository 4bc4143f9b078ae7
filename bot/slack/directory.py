"""People lookups through the cache: users.list fills it, a miss is looked up once with users.info."""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Iterable
from datetime import datetime, timedelta
from typing import Any

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.clock import Clock
from bot.services.people import PersonInfo, cached, directory_of, everyone, mark_synced, remember, synced_at
from storage.db import Database

log = logging.getLogger(__name__)


def person_from_slack(member: dict[str, Any]) -> PersonInfo:
    """A Slack user object to what we keep."""
    profile = member.get("profile") or {}
    return PersonInfo(
        user_id=str(member["id"]),
        name=str(member.get("name") or profile.get("display_name") or ""),
        real_name=str(member.get("real_name") or profile.get("real_name") or ""),
        tz=member.get("tz"),
        is_bot=bool(member.get("is_bot")) or member.get("id") == "USLACKBOT",
        is_admin=bool(member.get("is_admin") or member.get("is_owner")),
        deleted=bool(member.get("deleted")),
        display_name=str(profile.get("display_name") or ""),
        first_name=str(profile.get("first_name") or ""),
        last_name=str(profile.get("last_name") or ""),
    )


NAMES_REFRESH = timedelta(hours=1)  # a name in notes that matches no one reads the people again, at most this often
RECENT_SECONDS = 60.0  # how long a worker trusts what it last read of a person without asking the database again
RECENT_LIMIT = 20_000
REFRESH_SECONDS = 30.0  # how often a web worker reads the people stored since its last read (`keep_fresh`)
FULL_READ_EVERY = 20  # … and every this many refreshes, all of them again


class PeopleDirectory:
    """Resolves user ids to PersonInfo without holding a transaction open during Slack calls."""

    # Every request needs the acting person (their zone, their admin flag), so each process keeps what it read for a
    # minute: a request by someone seen recently costs no query. A change Slack tells us about (`user_change`) goes
    # through `remember` and is seen at once by this process, and by the other processes within a minute.

    def __init__(self, db: Database, clock: Clock) -> None:
        self.db = db
        self.clock = clock
        self._recent: dict[tuple[str, str], tuple[float, PersonInfo]] = {}
        # Every cached person, when `keep_fresh` runs: read in full, then what was stored since the last read.
        self._resident: dict[tuple[str, str], PersonInfo] = {}
        self._read_since: datetime | None = None
        self._refreshes = 0
        self._lock = threading.Lock()

    def _recall(self, team_id: str, ids: list[str]) -> dict[str, PersonInfo]:
        now = time.monotonic()
        found: dict[str, PersonInfo] = {}
        with self._lock:
            for uid in ids:
                hit = self._recent.get((team_id, uid))
                if hit is not None and hit[0] > now:
                    found[uid] = hit[1]
                elif (team_id, uid) in self._resident:
                    found[uid] = self._resident[(team_id, uid)]
        return found

    def _keep(self, team_id: str, people: Iterable[PersonInfo]) -> None:
        until = time.monotonic() + RECENT_SECONDS
        with self._lock:
            if len(self._recent) > RECENT_LIMIT:
                self._recent.clear()
            for p in people:
                self._recent[(team_id, p.user_id)] = (until, p)
                if self._resident:
                    self._resident[(team_id, p.user_id)] = p

    def refresh_all(self) -> int:
        """Bring this process's copy of every cached person up to date."""
        # All of them the first time (and every FULL_READ_EVERY refreshes), then those stored since the last read — a
        # few rows, not thousands of objects made while requests wait for the interpreter. Returns how many were read;
        # none past RECENT_LIMIT.
        full = self._read_since is None or self._refreshes % FULL_READ_EVERY == 0
        # Rows are stamped with their writer's clock when stored; a margin covers a transaction that committed a
        # little after its stamp, or another process's clock a little behind.
        started = self.clock.now() - timedelta(seconds=10)
        with self.db.reading() as conn:
            people = everyone(conn, RECENT_LIMIT, since=None if full else self._read_since)
        self._refreshes += 1
        if people is None:
            with self._lock:
                self._resident = {}
            self._read_since = None
            return 0
        fresh = {(team_id, person.user_id): person for team_id, person in people}
        with self._lock:
            if full:
                self._resident = fresh
            else:
                self._resident.update(fresh)
        self._read_since = started
        return len(people)

    def keep_fresh(self, every: float = REFRESH_SECONDS) -> threading.Thread:
        """`refresh_all` now and then every `every` seconds, in a daemon thread."""
        # In a web worker a request then finds the acting person in memory, as a rule, instead of asking the database;
        # what another process stored shows here within `every` seconds.

        def run() -> None:
            while True:
                try:
                    self.refresh_all()
                except Exception:  # noqa: BLE001 - a refresh that failed (database away) is retried next time
                    log.warning("could not refresh the people in memory", exc_info=True)
                time.sleep(every)

        thread = threading.Thread(target=run, name="people-refresh", daemon=True)
        thread.start()
        return thread

    def remember(self, team_id: str, people: list[PersonInfo]) -> None:
        """Store what Slack says about these people (the cache table and this process's memory)."""
        with self.db.session() as session:
            remember(session, self.clock, team_id, people)
        self._keep(team_id, people)

    def resolve(self, client: WebClient, team_id: str, user_ids: Iterable[str]) -> dict[str, PersonInfo]:
        """Known people by id; an id Slack does not know is left out."""
        ids = list(dict.fromkeys(user_ids))
        known = self._recall(team_id, ids)
        missing = [uid for uid in ids if uid not in known]
        if missing:
            with self.db.reading() as conn:
                read = cached(conn, team_id, missing)
            self._keep(team_id, read.values())
            known.update(read)
        fetched: list[PersonInfo] = []
        for uid in ids:
            if uid in known:
                continue
            try:
                response = client.users_info(user=uid)
            except SlackApiError as exc:
                if exc.response.get("error") in ("user_not_found", "users_not_found"):
                    continue
                raise
            fetched.append(person_from_slack(response["user"]))
        if fetched:
            self.remember(team_id, fetched)
            known.update({p.user_id: p for p in fetched})
        return known

    def sync(self, client: WebClient, team_id: str) -> int:
        """Fill the cache from users.list, page by page; returns how many people were stored."""
        people: list[PersonInfo] = []
        for page in client.users_list(limit=200):  # a SlackResponse iterates over its pages (cursor)
            people.extend(person_from_slack(m) for m in page.get("members", []))
        self.remember(team_id, people)
        with self.db.session() as session:
            mark_synced(session, team_id, self.clock.now())
        return len(people)

    def names(self, client: WebClient, team_id: str) -> list[PersonInfo]:
        """Everyone who can own work, for names in notes; read whole from Slack the first time."""
        with self.db.session(readonly=True) as session:
            synced = synced_at(session, team_id)
            found = directory_of(session, team_id)
        if synced is None:
            self.sync(client, team_id)
            with self.db.session(readonly=True) as session:
                found = directory_of(session, team_id)
        return found

    def refresh_names(self, client: WebClient, team_id: str) -> list[PersonInfo] | None:
        """A name matched no one: read the people again, at most once an hour per workspace (None: not now)."""
        with self.db.session(readonly=True) as session:
            synced = synced_at(session, team_id)
        if synced is not None and self.clock.now() - synced < NAMES_REFRESH:
            return None
        self.sync(client, team_id)
        with self.db.session(readonly=True) as session:
            return directory_of(session, team_id)
