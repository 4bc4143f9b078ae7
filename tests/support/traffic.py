"""Mixed Slack traffic for load and concurrency tests: commands, events and clicks, as real people send them."""

from __future__ import annotations

import random
import re
import threading
from dataclasses import dataclass, field

from bot.app import DATABASE_DOWN, TRY_AGAIN
from bot.simulator.client import Reply, SlackSender

PEOPLE = ("alice", "bob", "carol", "dana")
MENTIONS = ("<@U0ALICE>", "<@U0BOB>", "<@U0CAROL>", "<@U0DANA>", "")
DATES = ("2026-11-20", "tomorrow", "Friday", "next week", "2026-12-18", "in 3 days")
CHANNELS = ("#proj-website", "#general")
# What no person may ever see: our apology for a crash, an outage answer, a lock, a traceback.
BAD_ANSWERS = (TRY_AGAIN, DATABASE_DOWN, "database is locked", "Traceback", "UNIQUE constraint", "duplicate key")
KEY = re.compile(r"\bA-(\d+)\b")


@dataclass
class Outcome:
    """One request and how it went."""

    kind: str
    status: int
    seconds: float
    bad: str | None = None


@dataclass
class Keys:
    """The highest action-item number seen so far, shared by every thread."""

    highest: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)

    def saw(self, text: str) -> None:
        numbers = [int(n) for n in KEY.findall(text)]
        if numbers:
            with self.lock:
                self.highest = max(self.highest, *numbers)

    def pick(self, rng: random.Random) -> str:
        return f"A-{rng.randint(1, max(1, self.highest))}"


WEIGHTS = {
    "add": 4,
    "list": 2,
    "done": 1,
    "snooze": 1,
    "due": 1,
    "plan": 1,
    "notes": 2,
    "mention": 1,
    "click": 2,
}


def one_request(sender: SlackSender, rng: random.Random, keys: Keys, serial: int) -> Outcome:
    """Send one request of a random kind; judge the answer."""
    kind = rng.choices(list(WEIGHTS), weights=list(WEIGHTS.values()))[0]
    who, where = rng.choice(PEOPLE), rng.choice(CHANNELS)
    reply: Reply
    if kind == "add":
        text = f"add {rng.choice(MENTIONS)} Task {serial} by {rng.choice(DATES)}"
        reply = sender.command(who, "/action", text, channel=where)
    elif kind == "list":
        reply = sender.command(
            who, "/action", rng.choice(["list", "list mine", "list overdue", "show " + keys.pick(rng)])
        )
    elif kind == "done":
        reply = sender.command(who, "/action", f"done {keys.pick(rng)}", channel=where)
    elif kind == "snooze":
        reply = sender.command(who, "/action", f"snooze {keys.pick(rng)} {rng.choice(DATES)}", channel=where)
    elif kind == "due":
        reply = sender.command(who, "/action", f"due {keys.pick(rng)} {rng.choice(DATES)}", channel=where)
    elif kind == "plan":
        command, text = rng.choice(
            [
                ("/deliverable", f"add Mockup {serial} owner {rng.choice(MENTIONS)} due Friday"),
                ("/milestone", f"add Review {serial} on 2026-12-18"),
                ("/outcome", f"add Faster onboarding {serial}"),
                ("/deliverable", "list all"),
                ("/milestone", "list"),
            ]
        )
        reply = sender.command(who, command, text, channel=where)
    elif kind == "notes":
        notes = f"Sync {serial}\nAI: {rng.choice(MENTIONS)} follow up {serial} by {rng.choice(DATES)}\nTODO: notes"
        reply = sender.message(who, where, notes)
    elif kind == "mention":
        reply = sender.app_mention(who, where, f"{rng.choice(MENTIONS)} check item {serial} by Friday")
    else:
        container = {"type": "message", "message_ts": "1700000000.000100", "channel_id": "C0WEB"}
        reply = sender.block_action(who, "item-done", keys.pick(rng), channel="#proj-website", container=container)
    keys.saw(reply.body)
    bad = next((b for b in BAD_ANSWERS if b in reply.body), None)
    return Outcome(kind, reply.status, reply.elapsed, bad)
