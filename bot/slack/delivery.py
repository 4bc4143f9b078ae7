"""Sends the messages listeners queue for after their answers (`outbound.enqueue`): thread confirmations, DMs,
ephemeral notes and card redraws through a response_url.

Who sends: under `serve`, one sender process beside the web workers (`run_sender`), so that this work never
competes with requests for a worker's interpreter; in the console, the tests and Socket Mode, the answering process
itself right after the answer; and the scheduler's sweep, for whatever nobody took within a minute (a sender that
died) or whose claim was left unmarked by a crash (retried after 5 minutes, at most 5 attempts).
"""

from __future__ import annotations

import logging
import signal
import threading
from collections.abc import Callable
from datetime import datetime
from types import FrameType
from typing import Any

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from slack_sdk.http_retry.builtin_handlers import ConnectionErrorRetryHandler, ServerErrorRetryHandler
from slack_sdk.webhook import WebhookClient

from bot.clock import Clock
from bot.services import outbound
from bot.services.outbound import Queued
from bot.slack.sender import CHANNEL_GONE, PERSON_GONE, SendReport
from storage.db import Database

log = logging.getLogger(__name__)
POLL_SECONDS = 0.1  # how often an idle sender looks for queued messages (one indexed read, no write lock)
# A response_url that Slack no longer accepts (expired after 30 minutes or used 5 times): no retry helps.
RESPONSE_URL_GONE = frozenset({404, 410})


def payload_of(
    *,
    text: str,
    blocks: list[dict[str, Any]] | None,
    thread_ts: str | None = None,
    ephemeral_user: str | None = None,
    response_url: str | None = None,
) -> dict[str, Any]:
    """What `outbound.enqueue` stores: enough to post the message later, in another process."""
    payload: dict[str, Any] = {"text": text, "blocks": blocks}
    if thread_ts:
        payload["thread_ts"] = thread_ts
    if ephemeral_user:
        payload["ephemeral_user"] = ephemeral_user
    if response_url:
        payload["response_url"] = response_url
    return payload


class Delivery:
    """Takes queued messages, posts each, and marks them in one transaction per batch."""

    def __init__(self, db: Database, clock: Clock, client_for: Callable[[str], WebClient | None]) -> None:
        self.db, self.clock, self.client_for = db, clock, client_for

    def deliver_slots(self, slots: list[dict[str, str]]) -> SendReport:
        """Send the messages one request queued (unless a sender took them first)."""
        report = SendReport()
        if slots:
            with self.db.session() as session:
                taken = outbound.take_slots(session, self.clock, slots)
            self._send(taken, report)
        return report

    def drain(
        self, *, queued_before: datetime | None = None, retry_stale: bool = False, batch: int = 100
    ) -> SendReport:
        """Send everything queued (and, with `retry_stale`, what a crash or a failure left)."""
        report = SendReport()
        while True:
            if not retry_stale:
                with self.db.reading() as conn:
                    if not outbound.any_queued(conn):
                        return report
            with self.db.session() as session:
                taken = outbound.take(
                    session, self.clock, limit=batch, queued_before=queued_before, retry_stale=retry_stale
                )
            self._send(taken, report)
            if len(taken) < batch:
                return report

    def run(
        self, stop: threading.Event, poll: float = POLL_SECONDS, before: Callable[[], object] | None = None
    ) -> None:
        """Drain every `poll` seconds until `stop` is set, calling `before` first each time. Waiting between drains
        even when busy lets a burst gather into batches: two write transactions per batch, not per message."""
        while not stop.is_set():
            try:
                if before is not None:
                    before()
                self.drain()
            except Exception:  # noqa: BLE001 - a database hiccup must not end the sender; the next poll retries
                log.exception("sending queued messages failed; retrying")
            stop.wait(poll)

    def _send(self, taken: list[Queued], report: SendReport) -> None:
        if not taken:
            return
        sent: list[int] = []
        failed: list[tuple[int, str, bool]] = []
        for q in taken:
            try:
                self._post(q)
            except SlackApiError as exc:
                error = str(exc.response.get("error") or exc.response.status_code)
                failed.append((q.id, error, error in CHANNEL_GONE or error in PERSON_GONE))
            except _Gone as exc:
                failed.append((q.id, str(exc), True))
            except OSError as exc:  # outlived the retries: the sweep tries again after 5 minutes
                failed.append((q.id, repr(exc), False))
            else:
                sent.append(q.id)
                report.add("sent", q)
        by_id = {q.id: q for q in taken}
        for ident, error, final in failed:
            q = by_id[ident]
            log.warning("%s to %s not sent: %s", q.kind, q.recipient, error)
            report.add("gone" if final else "failed", (q, error))
        with self.db.session() as session:
            outbound.mark_sent(session, self.clock, sent)
            for ident, error, final in failed:
                outbound.mark_failed(session, ident, error, final=final)

    def _post(self, q: Queued) -> None:
        p = q.payload
        if p.get("response_url"):
            webhook = WebhookClient(
                p["response_url"],
                timeout=10,
                retry_handlers=[ConnectionErrorRetryHandler(max_retry_count=2), ServerErrorRetryHandler(2)],
            )
            answer = webhook.send(
                text=p["text"], blocks=p.get("blocks"), replace_original=True, response_type="ephemeral"
            )
            if answer.status_code in RESPONSE_URL_GONE:
                raise _Gone(f"response_url answered {answer.status_code}")
            if answer.status_code != 200:
                raise OSError(f"response_url answered {answer.status_code}: {answer.body[:200]}")
            return
        client = self.client_for(q.team_id)
        if client is None:
            raise _Gone("not installed")
        if p.get("ephemeral_user"):
            client.chat_postEphemeral(channel=q.recipient, user=p["ephemeral_user"], text=p["text"], blocks=p["blocks"])
        else:
            client.chat_postMessage(
                channel=q.recipient,
                text=p["text"],
                blocks=p["blocks"],
                thread_ts=p.get("thread_ts"),
                unfurl_links=False,
            )


class _Gone(Exception):
    """A send no retry will fix."""


def run_sender(delivery: Delivery, before: Callable[[], object] | None = None) -> None:
    """`followthrough sender`: send queued messages until SIGTERM/SIGINT (the batch in hand is finished), calling
    `before` ahead of each pass (`serve` writes the captures its workers held there)."""
    stop = threading.Event()

    def on_signal(signum: int, _frame: FrameType | None) -> None:
        log.info("signal %s: the sender stops after the batch in hand", signum)
        stop.set()

    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)
    log.info("sender started: queued messages are sent as they come")
    delivery.run(stop, before=before)
