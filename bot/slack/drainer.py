"""The one drainer: claims queued messages, posts them (paced) and marks them."""
# Claims queued messages from the outbox, posts them (paced per channel and workspace) and marks them. It runs as a
# thread in `serve`, `socket` and `scheduler`, woken when a transaction that enqueued commits; the simulator and the
# tests call `drain()` after each request; `tick` drains before it exits.

from __future__ import annotations

import base64
import heapq
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
from slack_sdk.http_retry.builtin_handlers import ConnectionErrorRetryHandler, ServerErrorRetryHandler
from slack_sdk.webhook import WebhookClient
from sqlmodel import Session

from bot.clock import Clock
from bot.services import digests
from storage.db import Database
from storage.repositories import outbox
from storage.repositories.outbox import OutboxState, Queued, payload_of

__all__ = ["Drainer", "SendReport", "payload_of"]

log = logging.getLogger(__name__)
# Errors that no retry will fix: the message is dropped (and, for a channel, its digest turned off).
CHANNEL_GONE = frozenset({"channel_not_found", "is_archived", "not_in_channel"})
PERSON_GONE = frozenset({"account_inactive", "user_not_found", "user_disabled", "cannot_dm_bot"})
# A response_url that Slack no longer accepts (expired after 30 minutes or used 5 times).
RESPONSE_URL_GONE = frozenset({404, 410})
# Slack allows about one message a second per channel; across a workspace we pace at 50/s, and a 429 beyond that is
# answered by waiting out its Retry-After (slack_sdk's retry handler in every client).
WORKSPACE_MESSAGES_PER_SECOND = 50.0
# How often an idle drainer looks for rows that another process enqueued (its own wake it at once).
POLL_SECONDS = 2.0
ClientFor = Callable[[str], WebClient | None]


@dataclass
class SendReport:
    """What a drain did."""

    sent: list[Queued] = field(default_factory=list)
    gone: list[tuple[Queued, str]] = field(default_factory=list)
    failed: list[tuple[Queued, str]] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock, repr=False)
    keep: bool = True  # False: a long-running drainer's pass, which nobody reads (kept, it grew with every send)

    def add(self, bucket: str, item: Any) -> None:
        """Thread-safe append."""
        if not self.keep:
            return
        with self.lock:
            getattr(self, bucket).append(item)

    def of_kind(self, *prefixes: str) -> SendReport:
        """The part of this report about messages whose kind starts with one of `prefixes`."""
        return SendReport(
            sent=[q for q in self.sent if q.kind.startswith(prefixes)],
            gone=[(q, e) for q, e in self.gone if q.kind.startswith(prefixes)],
            failed=[(q, e) for q, e in self.failed if q.kind.startswith(prefixes)],
        )


class _Pace:
    """At most `per_second` sends a second for one key (a channel, a workspace), allowing a short burst."""

    # Slack allows about one message a second per channel "while allowing bursts over short periods": a few in a
    # row go at once, so that a moment's delay is not carried on to every later message of that channel.
    BURST = 3

    def __init__(self, per_second: float) -> None:
        self.interval = 1.0 / per_second if per_second else 0.0
        self.next_at: dict[str, float] = defaultdict(float)  # when the key's next send is due at the steady rate
        self.lock = threading.Lock()

    def wait(self, key: str) -> None:
        """Sleep until `key` may send (for the workspace pace, a few milliseconds at most)."""
        delay = self.reserve(key)
        if delay > 0:
            time.sleep(delay)

    def reserve(self, key: str) -> float:
        """Take `key`'s next slot; how many seconds from now it is."""
        if self.interval <= 0:
            return 0.0
        with self.lock:
            now = time.monotonic()
            due = max(now, self.next_at[key])
            self.next_at[key] = due + self.interval
        return max(0.0, due - now - (self.BURST - 1) * self.interval)


class _Gone(Exception):
    """A send no retry will fix."""


class Drainer:
    """Claims, sends and marks queued messages; one per process."""

    def __init__(
        self,
        db: Database,
        clock: Clock,
        client_for: ClientFor,
        *,
        per_channel_per_second: float = 1.0,
        per_workspace_per_second: float = WORKSPACE_MESSAGES_PER_SECOND,
        workers: int = 8,
    ) -> None:
        self.db, self.clock, self.client_for = db, clock, client_for
        self.channel_pace = _Pace(per_channel_per_second)
        self.workspace_pace = _Pace(per_workspace_per_second)
        self.workers = workers
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._draining = threading.Lock()
        # Claimed messages held back for their channel's pace: (when, id, message). A second message to the same
        # person within a second waits here, while every other channel's messages go on.
        self._later: list[tuple[float, int, Queued]] = []

    def drain(self, *, keep: bool = True) -> SendReport:
        """Send everything ready now (queued messages whose time has come, claims a dead sender left), and the
        messages held back for their channel's pace as their turn comes."""
        report = SendReport(keep=keep)
        with self._draining:  # one pass at a time in a process: the thread's, or a caller's
            while True:
                due = self._due_later()
                with self.db.reading() as conn:
                    ready = outbox.has_ready(conn, self.clock.now())
                taken: list[Queued] = []
                if ready:
                    with self.db.session() as session:
                        taken = outbox.claim(session, self.clock.now(), limit=self.workers)
                # (sending may queue more: a digest whose channel is gone tells its owner)
                self._send_all(due + self._paced(taken), report)
                if not taken and not due:
                    if not self._later or self._stop.is_set():
                        return report  # (stopping: what waits for its pace goes back to the queue, in `stop`)
                    # Only messages waiting for their channel's next second: wait for the first (or a new commit).
                    if self._wake.wait(max(0.0, self._later[0][0] - time.monotonic())):
                        self._wake.clear()

    def _paced(self, taken: list[Queued]) -> list[Queued]:
        """The messages whose channel may send now; the others are held (claimed) until their turn."""
        now_ready = []
        for q in taken:
            delay = 0.0 if q.payload.get("response_url") else self.channel_pace.reserve(q.recipient)
            if delay > 0:
                heapq.heappush(self._later, (time.monotonic() + delay, q.id, q))
            else:
                now_ready.append(q)
        return now_ready

    def _due_later(self) -> list[Queued]:
        """Held messages whose turn has come."""
        due = []
        while self._later and self._later[0][0] <= time.monotonic():
            due.append(heapq.heappop(self._later)[2])
        return due

    # ---- the thread -------------------------------------------------------------------------------------------
    def start(self, poll: float = POLL_SECONDS) -> None:
        """Drain in a background thread: at once when woken, else every `poll` seconds."""
        self.db.on_outbox_commit(self.wake)
        self._stop.clear()
        self._thread = threading.Thread(target=self._run, args=(poll,), name="outbox-drainer", daemon=True)
        self._thread.start()

    def wake(self) -> None:
        """A transaction enqueued a message: drain now."""
        self._wake.set()

    def stop(self, timeout: float = 15.0) -> None:
        """Finish the batch in hand, send what is ready, and stop."""
        self._stop.set()
        self._wake.set()
        if self._thread is not None:
            self._thread.join(timeout)
            self._thread = None
            try:
                self.drain()
                self._release_held()
            except Exception:  # noqa: BLE001 - at exit: what is left waits for the next process
                log.exception("sending queued messages at exit failed")

    def _release_held(self) -> None:
        """Put the messages still waiting for their channel's pace back in the queue, for any drainer."""
        held, self._later = [q.id for _, _, q in self._later], []
        if held:
            with self.db.session() as session:
                outbox.release(session, held)

    def _run(self, poll: float) -> None:
        while not self._stop.is_set():
            self._wake.wait(poll)
            self._wake.clear()
            try:
                self.drain(keep=False)
            except Exception:  # noqa: BLE001 - a database hiccup must not end the drainer; the next pass retries
                log.exception("sending queued messages failed; retrying")

    # ---- sending ----------------------------------------------------------------------------------------------
    def _send_all(self, taken: list[Queued], report: SendReport) -> None:
        """Each channel's messages in order, channels side by side; then every outcome marked in one transaction."""
        # A batch is at most `workers` messages, all in flight at once: a crash repeats at most those.
        by_channel: dict[str, list[Queued]] = defaultdict(list)
        for q in taken:
            by_channel[q.recipient].append(q)

        def send_channel(queue: list[Queued]) -> list[tuple[Queued, str | None, bool]]:
            return [(q, *self._send_one(q)) for q in queue]

        if len(by_channel) <= 1:
            outcomes = [o for queue in by_channel.values() for o in send_channel(queue)]
        else:
            with ThreadPoolExecutor(min(self.workers, len(by_channel)), thread_name_prefix="drainer") as pool:
                outcomes = [o for done in pool.map(send_channel, by_channel.values()) for o in done]
        if outcomes:
            self._mark(outcomes, report)

    def _mark(self, outcomes: list[tuple[Queued, str | None, bool]], report: SendReport) -> None:
        now = self.clock.now()
        with self.db.session() as session:
            outbox.mark_sent(session, now, [q.id for q, error, _ in outcomes if error is None])
            for q, error, final in outcomes:
                if error is None:
                    report.add("sent", q)
                    continue
                state = outbox.mark_failed(session, now, q, error, final=final)
                if state is OutboxState.DEAD and final:
                    _after_dead(session, self.clock, q, error)
                log.warning("%s to %s not sent (attempt %d): %s", q.kind, q.recipient, q.attempts, error)
                report.add("gone" if final else "failed", (q, error))

    def _send_one(self, q: Queued) -> tuple[str | None, bool]:
        """Post one message: (None, False) when sent, else (error, whether no retry can help)."""
        try:
            self._post(q)
        except SlackApiError as exc:
            error = str(exc.response.get("error") or exc.response.status_code)
            return error, error in CHANNEL_GONE or error in PERSON_GONE
        except _Gone as exc:
            return str(exc), True
        except OSError as exc:  # timeouts and resets that outlived the client's retries: tried again later
            return repr(exc), False
        except Exception as exc:  # noqa: BLE001 - one bad message must not stop the others
            log.exception("sending %s to %s failed", q.kind, q.recipient)
            return repr(exc), False
        return None, False

    def _post(self, q: Queued) -> None:
        p = q.payload
        if p.get("response_url"):
            _post_to_response_url(p)
            return
        client = self.client_for(q.team_id)
        if client is None:
            raise _Gone("not installed")
        self.workspace_pace.wait(q.team_id)
        if p.get("ephemeral_user"):
            client.chat_postEphemeral(channel=q.recipient, user=p["ephemeral_user"], text=p["text"], blocks=p["blocks"])
            return
        response = client.chat_postMessage(
            channel=q.recipient, text=p["text"], blocks=p["blocks"], thread_ts=p.get("thread_ts"), unfurl_links=False
        )
        posted_in = str(response.get("channel") or q.recipient)
        for f in p.get("files") or []:
            try:
                client.files_upload_v2(
                    channel=posted_in, content=base64.b64decode(f["content"]), filename=f["filename"], title=f["title"]
                )
            except SlackApiError as exc:  # the message is out; a chart that could not follow it is only logged
                log.warning("%s not uploaded to %s: %s", f["filename"], posted_in, exc.response.get("error"))


def _post_to_response_url(p: dict[str, Any]) -> None:
    webhook = WebhookClient(
        p["response_url"],
        timeout=10,
        retry_handlers=[ConnectionErrorRetryHandler(max_retry_count=2), ServerErrorRetryHandler(2)],
    )
    answer = webhook.send(text=p["text"], blocks=p.get("blocks"), replace_original=True, response_type="ephemeral")
    if answer.status_code in RESPONSE_URL_GONE:
        raise _Gone(f"response_url answered {answer.status_code}")
    if answer.status_code != 200:
        raise OSError(f"response_url answered {answer.status_code}: {answer.body[:200]}")


def _after_dead(session: Session, clock: Clock, q: Queued, error: str) -> None:
    """A digest whose channel is gone is turned off, and its owner told (in the transaction that marks it)."""
    if q.kind == digests.KIND and error in CHANNEL_GONE:
        digests.channel_gone(session, clock.now(), q.team_id, q.recipient, error)
