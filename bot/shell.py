"""`followthrough shell`: chat with the real app on SQLite through the built-in Slack simulator."""

from __future__ import annotations

import os
import sys
import textwrap
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TextIO
from zoneinfo import ZoneInfo

from bot.clock import FrozenClock, ShiftedClock
from bot.jobs.runtime import build_runtime
from bot.jobs.sweeps import run_all
from bot.shell_support import HELP, parse_when, save_images, seed_demo
from bot.simulator.client_payloads import encode_mentions, rich_text_block
from bot.simulator.local import LocalBot
from bot.simulator.render import render_message, render_view
from bot.simulator.webapi import RecordedCall

DEFAULT_DB = "sqlite:///followthrough-shell.db"


@dataclass
class _Button:
    label: str
    action_id: str
    value: str | None
    block_id: str


class Shell:
    """A line-oriented console around LocalBot."""

    def __init__(self, bot: LocalBot, out: TextIO) -> None:
        self.bot = bot
        self.out = out
        self.me = "alice"
        self.app: str | None = None  # while set (`:as notesbot`), messages post as this app, not as `me`
        self.where = "#proj-website"
        self.pasting: list[str] | None = None  # the lines of a `:paste`, until a line holding only `.`
        self.buttons: list[_Button] = []
        self._lock = threading.Lock()
        # While a request is in flight, what the bot sends meanwhile (lazy DMs) waits for its answer.
        self._held: list[tuple[str, str, list[dict[str, Any]] | None]] | None = None
        bot.api.on_call = self._on_call

    # ---- output -------------------------------------------------------------------------------------

    def emit(self, header: str, body: str, blocks: list[dict[str, Any]] | None = None, *, now: bool = False) -> None:
        """Print one surface: who sees it, then the message, indented, with numbered buttons."""
        with self._lock:
            if self._held is not None and not now:
                self._held.append((header, body, blocks))
                return
            self.out.write(f"\n[{header}]\n")
            self.out.write(textwrap.indent(body.rstrip() or "(empty)", "  ") + "\n")
            found = self._collect_buttons(blocks or [])
            if found:
                start = len(self.buttons) - len(found) + 1
                labels = "  ".join(f"{start + i}:{b.label} {b.value or ''}".rstrip() for i, b in enumerate(found))
                self.out.write(f"  buttons → :click {labels}\n")
            self.out.flush()

    def _collect_buttons(self, blocks: list[dict[str, Any]]) -> list[_Button]:
        found = []
        for block in blocks:
            elements = block.get("elements", []) if block.get("type") == "actions" else [block.get("accessory") or {}]
            for el in elements:
                if el.get("type") == "button":
                    found.append(
                        _Button(el["text"]["text"], el["action_id"], el.get("value"), block.get("block_id", "b"))
                    )
        self.buttons.extend(found)
        return found

    def _name(self, user_id: str) -> str:
        user = self.bot.world.users.get(user_id)
        return user.name if user else user_id

    def _on_call(self, call: RecordedCall) -> None:
        p, world = call.params, self.bot.world
        if call.method == "chat.postMessage":
            target = str(p.get("channel"))
            channel = world.channels.get(target)
            if target in world.users:
                header = f"DM → {self._name(target)}"
            elif channel is not None and channel.is_im:
                header = f"DM → {self._name(next(m for m in channel.members if m != world.bot_user_id))}"
            else:
                header = f"#{channel.name if channel else p.get('channel')}"
                header += ", in thread" if p.get("thread_ts") else ""
            self.emit(header, render_message(p.get("text"), _blocks(p), world), _blocks(p))
        elif call.method == "chat.postEphemeral":
            self.emit(f"ephemeral → {self._name(str(p.get('user')))}", render_message(p.get("text"), _blocks(p), world))
        elif call.method == "response_url":
            verb = "updated" if p.get("replace_original") else "ephemeral"
            self.emit(f"{verb} → {self.me}", render_message(p.get("text"), _blocks(p), world), _blocks(p))
        elif call.method in ("views.open", "views.push", "views.update"):
            view = p.get("view") or {}
            self.emit("modal", render_view(view, world), view.get("blocks"))
        elif call.method == "files.completeUploadExternal":
            self._uploaded(p)
        elif call.method == "views.publish":
            self.emit(f"App Home → {self._name(str(p.get('user_id')))}", render_view(p.get("view") or {}, world))

    def _uploaded(self, p: dict[str, Any]) -> None:
        """A file shared into a channel: its title, and where its image was written to look at."""
        files = p.get("files")
        names = [f.get("title") or f.get("id") for f in files] if isinstance(files, list) else [str(files)]
        channel = self.bot.world.channels.get(str(p.get("channel_id")))
        where = f"#{channel.name}" if channel else str(p.get("channel_id"))
        saved = save_images(files, self.bot.api.files, self.bot.api.uploads)
        shown = f"open {', '.join(str(path) for path in saved)}" if saved else "open it in Slack"
        self.emit(where, f"📈 file: {', '.join(str(n) for n in names)} ({shown})")

    # ---- input --------------------------------------------------------------------------------------

    def prompt(self) -> str:
        """What the console shows before a line: who posts where, or `… ` while pasting."""
        if self.pasting is not None:
            return "… "
        who = f"{self.app} (app)" if self.app else self.me
        return f"{who} in {self.where}> "

    def handle(self, line: str) -> bool:
        """Act on one line; False to stop."""
        if self.pasting is not None:
            return self._paste_line(line)
        line = line.strip()
        if not line:
            return True
        if line.startswith(":"):
            return self._console(line)
        if line.startswith("/"):
            if self.app is not None:
                self.out.write(f"An app doesn't type slash commands. :as {self.me} to be a person again.\n")
                return True
            self._command(line)
        else:
            self._say(line.replace("\\n", "\n"))
        time.sleep(0.3)  # let lazy listeners (thread confirmations, DMs) print before the next prompt
        return True

    def finish_paste(self) -> None:
        """Post what was pasted as one message (at the closing `.`, or at the end of input)."""
        lines, self.pasting = self.pasting or [], None
        text = "\n".join(lines).strip("\n")
        if not text.strip():
            self.out.write("(nothing pasted, nothing posted)\n")
            return
        self._say(text)
        time.sleep(0.3)

    def _paste_line(self, line: str) -> bool:
        line = line.rstrip("\r\n")
        if line.strip() == ".":
            self.finish_paste()
        elif self.pasting is not None:
            self.pasting.append(line)
        return True

    def _command(self, line: str) -> None:
        self._held = []
        command, _, text = line.partition(" ")
        # What Slack does with should_escape: & < > escaped, typed @names turned into <@U…> mentions.
        text = encode_mentions(text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;"), self.bot.world)
        reply = self.bot.sender.command(self.me, command, text, channel=self.where)
        body = reply.json() if reply.status == 200 else None
        if isinstance(body, dict) and (body.get("text") or body.get("blocks")):
            self.emit(
                f"ephemeral → {self.me}",
                render_message(body.get("text"), body.get("blocks"), self.bot.world),
                body.get("blocks"),
                now=True,
            )
        elif reply.status != 200:
            self.emit("error", f"HTTP {reply.status}: {reply.body[:200]}", now=True)
        self._release()

    def _say(self, text: str) -> None:
        """Post `text` in the current channel as the current person, or as the current app."""
        world = self.bot.world
        if self.app is not None:
            app = world.resolve_user(self.app)
            self.emit(f"{self.where} ← {app.name} (app {app.app_id})", text)
            # An app's message as Slack delivers it: bot_id, app_id, its bot user, bot_profile, and blocks.
            encoded = encode_mentions(text, world)
            blocks = [rich_text_block(encoded)]
            self.bot.sender.bot_message(self.where, encoded, app.bot_id or "", legacy=False, blocks=blocks)
            return
        self.emit(f"{self.where} ← {self.me}", text)
        if text.lower().startswith(("@followthrough", "<@u0bot>")):
            self.bot.sender.app_mention(self.me, self.where, text.split(" ", 1)[1] if " " in text else "")
        else:
            self.bot.sender.message(self.me, self.where, text)

    def _release(self) -> None:
        with self._lock:
            held, self._held = self._held or [], None
        for header, body, blocks in held:
            self.emit(header, body, blocks)

    def _console(self, line: str) -> bool:
        cmd, _, arg = line[1:].partition(" ")
        if cmd in ("q", "quit", "exit"):
            return False
        commands: dict[str, Callable[[str], None]] = {
            "help": self._help,
            "as": self._act_as,
            "in": self._post_in,
            "people": self._people,
            "channels": self._channels,
            "click": self._click,
            "tick": self._tick,
            "now": self._now,
            "home": self._home,
            "paste": self._paste,
        }
        command = commands.get(cmd)
        if command is None:
            self.out.write(f"Unknown console command :{cmd}. Try :help.\n")
        elif self.app is not None and cmd in ("click", "home"):
            self.out.write(f"An app has no buttons to press or Home tab. :as {self.me} to be a person again.\n")
        else:
            command(arg.strip())
        return True

    def _help(self, _: str) -> None:
        self.out.write(HELP + "\n")

    def _act_as(self, arg: str) -> None:
        world = self.bot.world
        user = world.user_by_name(arg)
        if user is None:
            self.out.write(f"No person or app called {arg!r}. Try :people.\n")
        elif user.id == world.bot_user_id or (user.is_bot and not user.bot_id):
            self.out.write(f"{user.name} is this app itself: it answers, you don't post as it. Try :as notesbot.\n")
        elif user.is_bot:
            self.app = user.name
            self.out.write(
                f"You are now the app {user.name} (bot {user.bot_id}, app {user.app_id}): your messages post as an"
                f" app. :as {self.me} to be a person again.\n"
            )
        else:
            self.me, self.app = user.name, None
            self.out.write(f"You are now {user.name} ({user.tz}).\n")

    def _paste(self, _: str) -> None:
        self.pasting = []
        who = f"the app {self.app}" if self.app else self.me
        self.out.write(f"… paste the message {who} posts in {self.where} (end with a line holding only .)\n")

    def _post_in(self, arg: str) -> None:
        channel = self.bot.world.channel_by_name(arg)
        if channel is None:
            self.out.write(f"No channel {arg!r}. Try :channels.\n")
            return
        self.where = "#" + channel.name
        self.out.write(f"Now posting in {self.where}.\n")

    def _people(self, _: str) -> None:
        world = self.bot.world
        for u in world.users.values():
            flags = " (app)" if u.is_bot else ""
            flags = " (this app)" if u.id == world.bot_user_id else flags
            flags = flags or (" (deactivated)" if u.deleted else " (admin)" if u.is_admin else "")
            self.out.write(f"  @{u.name:<10} {u.id:<10} {u.tz}{flags}\n")

    def _channels(self, _: str) -> None:
        for c in self.bot.world.channels.values():
            if not c.is_im:
                self.out.write(f"  #{c.name:<14} {c.id:<9} {'private' if c.is_private else 'public'}\n")

    def _now(self, _: str) -> None:
        now = self.bot.clock.now()
        tz = ZoneInfo(self.bot.world.resolve_user(self.me).tz)
        self.out.write(f"It is {now.astimezone(tz):%a %Y-%m-%d %H:%M} for {self.me} ({tz.key}).\n")

    def _home(self, _: str) -> None:
        self.bot.sender.app_home_opened(self.me)
        time.sleep(0.4)

    def _tick(self, arg: str) -> None:
        tz = ZoneInfo(self.bot.world.resolve_user(self.me).tz)
        try:
            at = parse_when(arg, self.bot.clock.now(), tz)
        except ValueError as exc:
            self.out.write(f"{exc}\n")
            return
        clock = self.bot.clock
        if isinstance(clock, ShiftedClock):
            clock.jump_to(at)
        assert self.bot.settings is not None
        self.out.write(f"⏰ {at.astimezone(tz):%a %Y-%m-%d %H:%M} ({tz.key}) — running the scheduler…\n")
        rt = build_runtime(self.bot.settings, self.bot.db, FrozenClock(at), self.bot.client, per_channel_per_second=0)
        report = run_all(rt)
        time.sleep(0.2)
        self.out.write(f"   {report.in_words()}\n")

    def _click(self, arg: str) -> None:
        if not arg.isdigit() or not 1 <= int(arg) <= len(self.buttons):
            self.out.write("Which button? Use a number shown after 'buttons →'.\n")
            return
        b = self.buttons[int(arg) - 1]
        reply = self.bot.sender.block_action(self.me, b.action_id, b.value, block_id=b.block_id, channel=self.where)
        if reply.status != 200:
            self.emit("error", f"HTTP {reply.status}: {reply.body[:200]}")
        time.sleep(0.3)


def _blocks(params: dict[str, Any]) -> list[dict[str, Any]] | None:
    blocks = params.get("blocks")
    return blocks if isinstance(blocks, list) else None


def run_shell(
    *, demo: bool = False, database_url: str | None = None, stdin: TextIO | None = None, stdout: TextIO | None = None
) -> None:
    """Run the console until :quit or end of input."""
    stdin, out = stdin or sys.stdin, stdout or sys.stdout
    url = database_url or os.environ.get("FOLLOWTHROUGH_SHELL_DATABASE_URL") or DEFAULT_DB
    with LocalBot(url, clock=ShiftedClock()) as bot:
        shell = Shell(bot, out)
        out.write(f"Followthrough shell — the real app on {url} against the built-in Slack simulator.\n")
        out.write("Type :help for what you can do.\n")
        if demo:
            seed_demo(shell)
        interactive = stdin.isatty()
        while True:
            prompt = shell.prompt()
            if interactive:
                try:
                    line = input(prompt)
                except EOFError:
                    break
            else:
                line = stdin.readline()
                if not line:
                    break
                out.write(prompt + line if line.endswith("\n") else prompt + line + "\n")
            if not shell.handle(line):
                break
        if shell.pasting is not None:  # the input ended inside a :paste: post what came
            shell.finish_paste()
        out.write("Bye.\n")
