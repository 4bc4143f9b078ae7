"""The fake Slack Web API in its own process (so it does not share the load generator's interpreter).
Run: python -m bench.fakeslack --people N --channels N; prints its base URL, then one JSON line per message posted
(chat.postMessage answered ok: when, where, its text), and serves until stdin closes."""

from __future__ import annotations

import argparse
import json
import sys
import threading

from bench.seed import channel_id, person_id
from bench.sizes import TEAM
from bench.slackreq import APP_ID, BOT_USER, TOKEN
from bot.simulator.webapi import FakeSlackAPI, RecordedCall
from bot.simulator.world import World


def bench_world(people: int, channels: int) -> World:
    """The seeded workspace as Slack knows it: the people, the channels (the bot in each)."""
    world = World(
        team_id=TEAM,
        team_domain="bench",
        team_name="Bench",
        bot_user_id=BOT_USER,
        bot_id="B0BENCH",
        app_id=APP_ID,
    )
    world.add_user(BOT_USER, "followthrough", "Followthrough", is_bot=True, bot_id="B0BENCH")
    zones = ("America/New_York", "Europe/Berlin", "UTC")
    for p in range(people):
        world.add_user(person_id(p), f"user{p}", f"User {p}", zones[p % len(zones)])
    for c in range(channels):
        world.add_channel(channel_id(c), f"chan-{c}", [BOT_USER])
    return world


def main() -> None:
    """Serve until stdin closes."""
    parser = argparse.ArgumentParser(prog="python -m bench.fakeslack")
    parser.add_argument("--people", type=int, required=True)
    parser.add_argument("--channels", type=int, required=True)
    args = parser.parse_args()
    lock = threading.Lock()

    def posted(call: RecordedCall) -> None:
        if call.method == "chat.postMessage":
            line = json.dumps({"at": call.at, "channel": call.params.get("channel"), "text": call.params.get("text")})
            with lock:
                sys.stdout.write(line + "\n")
                sys.stdout.flush()

    with FakeSlackAPI(bench_world(args.people, args.channels), token=TOKEN) as api:
        api.on_call = posted
        with lock:
            sys.stdout.write(api.root + "\n")
            sys.stdout.flush()
        sys.stdin.read()


if __name__ == "__main__":
    main()
