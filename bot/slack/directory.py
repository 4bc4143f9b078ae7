"""People lookups through the cache: users.list fills it, a miss is looked up once with users.info."""

from __future__ import annotations

import logging
from collections.abc import Iterable
from typing import Any

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.clock import Clock
from bot.services.people import PersonInfo, cached, remember
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
    )


class PeopleDirectory:
    """Resolves user ids to PersonInfo without holding a transaction open during Slack calls."""

    def __init__(self, db: Database, clock: Clock) -> None:
        self.db = db
        self.clock = clock

    def resolve(self, client: WebClient, team_id: str, user_ids: Iterable[str]) -> dict[str, PersonInfo]:
        """Known people by id; an id Slack does not know is left out."""
        ids = list(dict.fromkeys(user_ids))
        with self.db.session(readonly=True) as session:
            known = cached(session, team_id, ids)
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
            with self.db.session() as session:
                remember(session, self.clock, team_id, fetched)
            known.update({p.user_id: p for p in fetched})
        return known

    def sync(self, client: WebClient, team_id: str) -> int:
        """Fill the cache from users.list; returns how many people were stored."""
        people: list[PersonInfo] = []
        for page in client.users_list(limit=200):
            people.extend(person_from_slack(m) for m in page.get("members", []))
        with self.db.session() as session:
            remember(session, self.clock, team_id, people)
        return len(people)
