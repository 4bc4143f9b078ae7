"""The rate-limited sender: claim, post, mark — about one message a second per channel, many channels at once."""

from __future__ import annotations

import logging
import threading
import time
from collections import defaultdict
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.clock import Clock
from bot.services import outbound
from storage.db import Database

log = logging.getLogger(__name__)
# Errors that no retry will fix: the message is dropped (and, for a channel, its digest disabled).
CHANNEL_GONE = frozenset({"channel_not_found", "is_archived", "not_in_channel"})
PERSON_GONE = frozenset({"account_inactive", "user_not_found", "user_disabled", "cannot_dm_bot"})
# Slack allows about one message a second per channel; across a workspace we pace at the rate our simulator
# models (50/s), and any 429 beyond that is answered by waiting out its Retry-After (slack_sdk's retry handler).
# At the former 20/s, 1,000 morning DMs took 50 s where the limits allow 20 s (docs/benchmarks.md).
WORKSPACE_MESSAGES_PER_SECOND = 50.0


@dataclass
class Outgoing:
    """One message to claim and send."""

    team_id: str
    recipient: str
    kind: str
    slot: str
    channel: str
    text: str
    blocks: list[dict[str, Any]]
    on_gone: Callable[[str], None] | None = None
    after_send: Callable[[WebClient, str], None] | None = None


@dataclass
class SendReport:
    """What a batch did."""

    sent: list[Outgoing] = field(default_factory=list)
    already_claimed: list[Outgoing] = field(default_factory=list)
    gone: list[tuple[Outgoing, str]] = field(default_factory=list)
    failed: list[tuple[Outgoing, str]] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    @property
    def handled(self) -> int:
        """Messages sent, found undeliverable or failed."""
        return len(self.sent) + len(self.gone) + len(self.failed)

    def add(self, bucket: str, item: Any) -> None:
        """Thread-safe append."""
        with self.lock:
            getattr(self, bucket).append(item)


class _Pace:
    """At most one send per `interval` seconds for one key (a channel, a workspace)."""

    def __init__(self, interval: float) -> None:
        self.interval = interval
        self.next_at: dict[str, float] = defaultdict(float)
        self.lock = threading.Lock()

    def wait(self, key: str) -> None:
        if self.interval <= 0:
            return
        with self.lock:
            now = time.monotonic()
            at = max(now, self.next_at[key])
            self.next_at[key] = at + self.interval
        if at > now:
            time.sleep(at - now)


class RateLimitedSender:
    """Sends batches: one worker per channel queue, paced per channel and per workspace; 429s wait Retry-After."""

    def __init__(
        self,
        client: WebClient | Callable[[str], WebClient | None],
        db: Database,
        clock: Clock,
        *,
        per_channel_per_second: float = 1.0,
        per_workspace_per_second: float = WORKSPACE_MESSAGES_PER_SECOND,
        workers: int = 8,
    ) -> None:
        # One client for every workspace (a single bot token), or a function from team id to its client (OAuth).
        self.client_for: Callable[[str], WebClient | None] = (
            (lambda _team: client) if isinstance(client, WebClient) else client
        )
        self.db = db
        self.clock = clock
        self.channel_pace = _Pace(1.0 / per_channel_per_second if per_channel_per_second else 0.0)
        self.workspace_pace = _Pace(1.0 / per_workspace_per_second if per_workspace_per_second else 0.0)
        self.workers = workers

    def send_all(self, messages: list[Outgoing]) -> SendReport:
        """Claim and send every message; a slow or failing channel never holds up the others."""
        report = SendReport()
        queues: dict[str, list[Outgoing]] = defaultdict(list)
        for m in messages:
            queues[m.channel].append(m)
        if not queues:
            return report
        with ThreadPoolExecutor(max_workers=min(self.workers, len(queues)), thread_name_prefix="sender") as pool:
            for queue in queues.values():
                pool.submit(self._drain, queue, report)
        return report

    def _drain(self, queue: list[Outgoing], report: SendReport) -> None:
        for m in queue:
            try:
                self._send(m, report)
            except Exception as exc:  # noqa: BLE001 - one bad message must not stop its channel's queue
                log.exception("sending %s to %s failed", m.kind, m.channel)
                report.add("failed", (m, repr(exc)))

    def _send(self, m: Outgoing, report: SendReport) -> None:
        slot: dict[str, Any] = {"team_id": m.team_id, "recipient": m.recipient, "kind": m.kind, "slot": m.slot}
        with self.db.session() as session:
            if not outbound.claim(session, self.clock, **slot):
                report.add("already_claimed", m)
                return
        self.channel_pace.wait(m.channel)
        self.workspace_pace.wait(m.team_id)
        client = self.client_for(m.team_id)
        if client is None:  # no installation any more: nothing can reach this workspace
            with self.db.session() as session:
                outbound.mark(session, self.clock, **slot, sent=False, error="not installed", final=True)
            report.add("gone", (m, "not installed"))
            return
        try:
            response = client.chat_postMessage(channel=m.channel, text=m.text, blocks=m.blocks, unfurl_links=False)
        except SlackApiError as exc:
            error = str(exc.response.get("error") or exc.response.status_code)
            final = error in CHANNEL_GONE or error in PERSON_GONE
            with self.db.session() as session:
                outbound.mark(session, self.clock, **slot, sent=False, error=error, final=final)
            if final:
                report.add("gone", (m, error))
                if m.on_gone is not None:
                    m.on_gone(error)
            else:
                report.add("failed", (m, error))
            return
        except OSError as exc:  # timeouts and resets that outlived the retries: the stale claim is retried later
            with self.db.session() as session:
                outbound.mark(session, self.clock, **slot, sent=False, error=repr(exc))
            report.add("failed", (m, repr(exc)))
            return
        with self.db.session() as session:
            outbound.mark(session, self.clock, **slot, sent=True)
        report.add("sent", m)
        if m.after_send is not None:
            m.after_send(client, str(response.get("channel") or m.channel))
