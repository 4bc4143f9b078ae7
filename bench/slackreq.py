"""Signed Slack requests for the ack path, prebuilt as raw HTTP/1.1 bytes so the load generator only writes them."""

from __future__ import annotations

import hashlib
import hmac
import json
import time
from collections.abc import Callable
from urllib.parse import urlencode

from bench.seed import channel_id, dm_spread, person_id
from bench.sizes import TEAM, Sizes

SECRET = "bench-signing-secret"
TOKEN = "xoxb-bench-token"
APP_ID = "A0BENCH"
BOT_USER = "U0BENCHBOT"
Builder = Callable[[int], tuple[str, bytes]]  # request number -> (content type, body)


def http_request(host: str, port: int, content_type: str, body: bytes, *, now: int | None = None) -> bytes:
    """One signed POST /slack/events, ready to write on a keep-alive connection."""
    ts = str(now if now is not None else int(time.time()))
    base = b"v0:" + ts.encode() + b":" + body
    signature = "v0=" + hmac.new(SECRET.encode(), base, hashlib.sha256).hexdigest()
    head = (
        f"POST /slack/events HTTP/1.1\r\nHost: {host}:{port}\r\nContent-Type: {content_type}\r\n"
        f"Content-Length: {len(body)}\r\nX-Slack-Request-Timestamp: {ts}\r\nX-Slack-Signature: {signature}\r\n\r\n"
    )
    return head.encode() + body


def _form(fields: dict[str, str]) -> tuple[str, bytes]:
    return "application/x-www-form-urlencoded", urlencode(fields).encode()


def _command(
    sizes: Sizes, n: int, text: str, fake_api: str, team: str = TEAM, user: str | None = None
) -> tuple[str, bytes]:
    user, channel = user or person_id(n % sizes.people), channel_id(n % sizes.channels)
    return _form(
        {
            "token": "bench",
            "team_id": team,
            "team_domain": "bench",
            "channel_id": channel,
            "channel_name": f"chan-{channel.lower()}",
            "user_id": user,
            "user_name": f"user{n % sizes.people}",
            "command": "/action",
            "text": text,
            "api_app_id": APP_ID,
            "is_enterprise_install": "false",
            "response_url": f"{fake_api}/response/bench{n}",
            "trigger_id": f"{n}.bench",
        }
    )


def list_command(sizes: Sizes, fake_api: str) -> Builder:
    """`/action list` in a channel: one page of its open items."""
    return lambda n: _command(sizes, n, "list", fake_api)


def add_command(sizes: Sizes, fake_api: str, tag: str) -> Builder:
    """`/action add` for yourself (no assignment DM), with a tag to count them afterwards."""
    return lambda n: _command(sizes, n, f"add {tag} {n} follow-up by tomorrow", fake_api)


def assign_command(sizes: Sizes, fake_api: str, tag: str) -> Builder:
    """`/action add @someone …`: an item for another person, whose assignment DM is queued in the add's transaction
    and sent by `serve`'s drainer. Request n goes to the (n+1)-th active person, so no one gets two DMs in a row
    (the drainer sends at most one a second to each person)."""
    active = [p for p in range(sizes.people) if p % 100 or p == 0]  # bench.seed deactivates the rest

    def build(n: int) -> tuple[str, bytes]:
        owner = active[(n + 1) % len(active)]
        if owner == n % sizes.people:  # not yourself: that sends no DM
            owner = active[(n + 2) % len(active)]
        return _command(sizes, n, f"add <@{person_id(owner)}> {tag} {n} follow-up by tomorrow", fake_api)

    return build


def assign_spread(sizes: Sizes, fake_api: str, tag: str) -> Builder:
    """`/action add @someone …` spread over the DM-lag phase's workspaces and people (bench.seed.dm_spread): request
    n assigns to person n mod P (P people, round-robin, so each gets one DM every P requests: 1 s at 200/s), in that
    person's workspace, by the next person of the same workspace."""
    spread = dm_spread(sizes)
    teams = len({team for team, _ in spread})

    def build(n: int) -> tuple[str, bytes]:
        team, owner = spread[n % len(spread)]
        _, actor = spread[(n + teams) % len(spread)]  # same workspace (len(spread) is a multiple of teams)
        text = f"add <@{person_id(owner)}> {tag} {n} follow-up by tomorrow"
        return _command(sizes, n, text, fake_api, team=team, user=person_id(actor))

    return build


def done_click(sizes: Sizes, fake_api: str, first_item: int) -> Builder:
    """A Done click by each item's owner, on items first_item, first_item + 1, ... (each clicked once)."""

    def build(n: int) -> tuple[str, bytes]:
        i = first_item + n  # 0-based seeded item index
        owner, channel = person_id(i % sizes.people), channel_id(i % sizes.channels)
        payload = {
            "type": "block_actions",
            "user": {"id": owner, "username": "u", "name": "u", "team_id": TEAM},
            "api_app_id": APP_ID,
            "token": "bench",
            "container": {"type": "message", "message_ts": "1.000001", "channel_id": channel, "is_ephemeral": True},
            "trigger_id": f"{n}.click",
            "team": {"id": TEAM, "domain": "bench"},
            "channel": {"id": channel, "name": "c"},
            "response_url": f"{fake_api}/response/click{n}",
            "actions": [
                {
                    "action_id": "item-done",
                    "block_id": f"item:A-{i + 1}",
                    "text": {"type": "plain_text", "text": "Done"},
                    "value": f"A-{i + 1}",
                    "type": "button",
                    "action_ts": f"{time.time():.6f}",
                }
            ],
        }
        return _form({"payload": json.dumps(payload)})

    return build


def marker_message(sizes: Sizes, tag: str, phase: int = 0) -> Builder:
    """A channel message with one marker line (the author owns it): written before the ack, confirmed in its
    thread after it. Each phase's messages have their own timestamps (a confirmation is sent once per message)."""

    def build(n: int) -> tuple[str, bytes]:
        user, channel = person_id(n % sizes.people), channel_id(n % sizes.channels)
        ts = f"{1_800_000_000 + phase * 100_000 + n}.{n % 1_000_000:06d}"
        event = {
            "type": "message",
            "text": f"Standup notes\nAI: {tag} {n} send the summary by tomorrow",
            "user": user,
            "ts": ts,
            "team": TEAM,
            "channel": channel,
            "event_ts": ts,
            "channel_type": "channel",
        }
        envelope = {
            "token": "bench",
            "team_id": TEAM,
            "api_app_id": APP_ID,
            "event": event,
            "type": "event_callback",
            "event_id": f"Ev{tag}{n:08d}",
            "event_time": int(time.time()),
            "authorizations": [{"team_id": TEAM, "user_id": BOT_USER, "is_bot": True, "is_enterprise_install": False}],
        }
        return "application/json", json.dumps(envelope).encode()

    return build
