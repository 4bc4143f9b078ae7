"""The shell's help text, its demo project, the `:tick` time parser and where uploaded images are written."""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

if TYPE_CHECKING:
    from bot.shell import Shell

HELP = """Type what a Slack user would:
  /action add @bob Draft the charter by Friday     a slash command (also /deliverable, /milestone, /outcome, /digest)
  AI: @carol book the room by tomorrow             a channel message (marker lines become items)
  @followthrough review the budget by Dec 5        mention the bot
Console commands:
  :as <person>        act as alice, bob, carol or dana      :in <#channel>  post in #proj-website, #general, #leads
  :as <app>           post as an app, like a meeting-notes tool: notesbot (or jirabot); :as alice to be a person again
  :paste              post one multi-line message (meeting notes from Zoom, Otter…): paste the lines, then a line
                      holding only .
  :click <n>          press button n shown in an answer     :people / :channels  who and where
  :tick <when>        jump to an instant and run the scheduler there: morning DMs, alerts, digests
                      (2026-11-23T09:00:00+01:00, or "2026-11-23 09:00" in your time zone, or "+1d", "+3h")
  :home               open your App Home tab                :now            the simulated time
Images the app uploads (a digest's burn-up charts: /digest now) are written to followthrough-shell-files/ here.
  :help               this text                             :quit           leave (Ctrl-D works too)"""
DEMO = [
    ("alice", "#proj-website", "/milestone add Design phase approved on in 3 weeks owner @alice gate"),
    ("alice", "#proj-website", "/deliverable add Homepage design mockup for M-1 owner @carol approver @dana"
                               ' due in 2 weeks criteria "Matches the brand guide; works on mobile and desktop"'),
    ("alice", "#proj-website", "/deliverable add Project charter for M-1 owner @bob approver @alice due next week"),
    ("alice", "#proj-website", "/action add @bob Send the signed SOW by yesterday"),
    ("alice", "#proj-website", "/action add @carol Draft the homepage wireframes by tomorrow for D-1"),
    ("bob", "#proj-website", "Kickoff notes\nAI: @dana confirm the venue by next week\n"
                             "TODO: draft the project charter by Friday for D-2"),
    ("alice", "#proj-website", "/outcome add Visitors find pricing without help"),
    ("alice", "#proj-website", "/outcome kr O-1 Pricing page conversion from 2 to 3.5 %"),
    ("alice", "#proj-website", "/outcome checkin O-1.1 2.6 after the new layout"),
    ("alice", "#proj-website", "/digest weekly monday 09:00"),
]  # fmt: skip


def parse_when(text: str, now: datetime, tz: ZoneInfo) -> datetime:
    """`+1d`/`+3h`/`+30m`, an ISO instant with an offset, or `YYYY-MM-DD HH:MM` in the person's zone."""
    text = text.strip()
    if not text:
        raise ValueError("When? Try :tick +1d, :tick 2026-11-23 09:00 or :tick 2026-11-23T09:00:00Z")
    if text.startswith("+") and text[1:-1].isdigit() and text[-1] in "dhm":
        n = int(text[1:-1])
        unit = {"d": timedelta(days=n), "h": timedelta(hours=n), "m": timedelta(minutes=n)}[text[-1]]
        return now + unit
    try:
        at = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        raise ValueError(f"{text!r} isn't an instant. Try :tick +1d or :tick 2026-11-23 09:00") from None
    return at if at.tzinfo else at.replace(tzinfo=tz)


def seed_demo(shell: Shell) -> None:
    """Play the demo script once into an empty workspace."""
    from sqlmodel import col, select

    from storage.models import ActionItem

    with shell.bot.db.session(readonly=True) as session:
        seeded = session.exec(select(ActionItem.id).where(col(ActionItem.team_id) == shell.bot.world.team_id)).first()
    if seeded is not None:
        shell.out.write("(demo data is already here)\n")
        return
    shell.out.write("Seeding a sample project…\n")
    me, app, where = shell.me, shell.app, shell.where
    shell.app = None
    for person, channel, line in DEMO:
        shell.me, shell.where = person, channel
        shell.handle(line)
    shell.me, shell.app, shell.where = me, app, where


FILES_DIR = "followthrough-shell-files"  # in the current directory: where a newcomer looks for the chart
IMAGE_SUFFIXES = (".png", ".jpg", ".jpeg", ".gif", ".svg", ".webp")


def save_images(files: Any, stored: dict[str, dict[str, Any]], uploads: dict[str, bytes]) -> list[Path]:
    """Write each uploaded image of a files.completeUploadExternal call to followthrough-shell-files/; the paths."""
    # `stored` and `uploads`: the fake Slack's file records and bytes by file id. A later upload of the same name
    # replaces the file: the newest chart is the one to look at.
    written = []
    for entry in files if isinstance(files, list) else []:
        meta = stored.get(str(entry.get("id"))) if isinstance(entry, dict) else None
        content = uploads.get(str(meta["id"])) if meta else None
        name = Path(str(meta["name"])).name if meta else ""
        if content is None or not name.lower().endswith(IMAGE_SUFFIXES):
            continue
        folder = Path(FILES_DIR)
        folder.mkdir(exist_ok=True)
        (folder / name).write_bytes(content)
        written.append(folder / name)
    return written
