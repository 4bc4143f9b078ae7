"""The acting person is kept in memory for a minute; what Slack tells us about them still counts at once."""

from __future__ import annotations

from bot.clock import FrozenClock
from bot.simulator.local import LocalBot


def test_a_deactivation_counts_at_once_even_for_someone_just_looked_up(bot: LocalBot, clock: FrozenClock) -> None:
    first = bot.sender.command("alice", "/action", "add <@U0BOB> Draft the brief").json()
    assert "A-1" in first["text"], first
    bot.world.users["U0BOB"].deleted = True
    assert bot.sender.user_change("bob").status == 200
    refused = bot.sender.command("alice", "/action", "add <@U0BOB> Hand over").json()
    assert "deactivated" in refused["text"], refused


def test_a_new_time_zone_counts_at_once_for_the_next_command(bot: LocalBot, clock: FrozenClock) -> None:
    # 15:00 UTC on Saturday 21 November: still Saturday in New York, already Sunday in Auckland.
    bot.world.users["U0DANA"].tz = "America/New_York"
    assert bot.sender.user_change("dana").status == 200
    before = bot.sender.command("dana", "/action", "add Call the venue by tomorrow").json()
    assert "Sun, Nov 22" in before["text"] or "Nov 22" in str(before["blocks"]), before
    bot.world.users["U0DANA"].tz = "Pacific/Auckland"
    assert bot.sender.user_change("dana").status == 200
    after = bot.sender.command("dana", "/action", "add Book the room by tomorrow").json()
    assert "Nov 23" in str(after["blocks"]), after


def test_a_worker_keeps_every_cached_person_in_memory_and_sees_changes_at_the_next_refresh(
    bot: LocalBot, clock: FrozenClock
) -> None:
    from sqlalchemy import event

    from bot.slack.directory import PeopleDirectory

    directory = PeopleDirectory(bot.db, clock)
    assert directory.refresh_all() == len(bot.world.users)
    statements: list[str] = []

    def count(*args: object) -> None:
        statements.append(str(args[2]))

    event.listen(bot.db.engine, "before_cursor_execute", count)
    try:
        found = directory.resolve(bot.client, bot.world.team_id, ["U0BOB", "U0DANA"])
    finally:
        event.remove(bot.db.engine, "before_cursor_execute", count)
    assert set(found) == {"U0BOB", "U0DANA"} and statements == []  # from memory, no query
    bot.world.users["U0DANA"].tz = "Pacific/Auckland"
    assert bot.sender.user_change("dana").status == 200  # another process (the bot's own directory) stores it
    assert directory.resolve(bot.client, bot.world.team_id, ["U0DANA"])["U0DANA"].tz != "Pacific/Auckland"
    directory.refresh_all()
    assert directory.resolve(bot.client, bot.world.team_id, ["U0DANA"])["U0DANA"].tz == "Pacific/Auckland"
