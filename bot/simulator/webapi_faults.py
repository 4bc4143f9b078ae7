"""Scripted failures and rate limits of the fake Web API, for tests that need Slack to misbehave."""

import math
import threading
import time
from dataclasses import dataclass, field
from typing import Any

from bot.simulator.webapi_http import Answer, json_answer
from bot.simulator.webapi_methods import SlackState

FAULT_ERRORS = {500: "internal_error", 502: "bad_gateway", 503: "service_unavailable", 504: "request_timeout"}


@dataclass
class Fault:
    """A scripted failure for the next call(s) to a method."""

    status: int
    retry_after: int
    error: str | None
    delay: float
    empty_body: bool
    remaining: int


@dataclass
class _Bucket:
    """Token bucket used by rate_limit()."""

    rate: float
    tokens: float
    updated: float = field(default_factory=time.monotonic)

    def take(self) -> float:
        """Consume one token; return 0 when allowed, else the seconds until one is available."""
        now = time.monotonic()
        capacity = max(1.0, self.rate)
        self.tokens = min(capacity, self.tokens + (now - self.updated) * self.rate)
        self.updated = now
        if self.tokens >= 1.0:
            self.tokens -= 1.0
            return 0.0
        return (1.0 - self.tokens) / self.rate


class Faults:
    """Queued faults per method and chat.postMessage rate limits; safe to use from any thread."""

    def __init__(self, state: SlackState, stopping: threading.Event) -> None:
        self.state = state
        # Set when the server stops, so a scripted delay does not hold up shutdown.
        self._stopping = stopping
        self._lock = threading.Lock()
        self._queued: dict[str, list[Fault]] = {}
        self._channel_rate: float | None = None
        self._workspace_rate: float | None = None
        self._buckets: dict[str, _Bucket] = {}

    def add(self, method: str, fault: Fault) -> None:
        """Queue a fault behind any already queued for the method."""
        with self._lock:
            self._queued.setdefault(method, []).append(fault)

    def clear(self, method: str | None = None) -> None:
        """Forget queued faults (for one method, or all)."""
        with self._lock:
            self._queued = {} if method is None else {m: q for m, q in self._queued.items() if m != method}

    def rate_limit(self, per_channel_per_second: float | None, per_workspace_per_second: float | None) -> None:
        """Set the chat.postMessage limits (None disables one) and start with full buckets."""
        with self._lock:
            self._channel_rate = per_channel_per_second
            self._workspace_rate = per_workspace_per_second
            self._buckets.clear()

    def intercept(self, method: str) -> Answer | None:
        """Spend the method's next queued fault and build its answer (None: answer the call normally)."""
        fault = self._take(method)
        return self._answer(fault) if fault is not None else None

    def _take(self, method: str) -> Fault | None:
        """Pop the next scripted fault for a method."""
        with self._lock:
            queue = self._queued.get(method)
            if not queue:
                return None
            fault = queue[0]
            fault.remaining -= 1
            if fault.remaining <= 0:
                queue.pop(0)
            return fault

    def _answer(self, fault: Fault) -> Answer | None:
        """Sleep for the fault's delay and build its answer (None = continue normally)."""
        if fault.delay > 0:
            self._stopping.wait(fault.delay)
        if fault.error is not None:
            return json_answer(200, {"ok": False, "error": fault.error})
        if fault.status == 200:
            return None
        headers = {"Retry-After": str(fault.retry_after)} if fault.status == 429 else {}
        if fault.empty_body:
            return Answer(fault.status, b"", content_type="text/plain", headers=headers)
        error = "ratelimited" if fault.status == 429 else FAULT_ERRORS.get(fault.status, "http_error")
        return json_answer(fault.status, {"ok": False, "error": error}, headers)

    def rate_limited(self, params: dict[str, Any]) -> int | None:
        """Return Retry-After seconds when chat.postMessage exceeds a configured limit."""
        with self._lock:
            keys: list[tuple[str, float]] = []
            if self._workspace_rate:
                keys.append(("*", self._workspace_rate))
            if self._channel_rate:
                ref = str(params.get("channel", ""))
                channel = self.state.resolve_channel(ref) if ref else None
                keys.append((channel.id if channel else ref, self._channel_rate))
            waits = []
            for key, rate in keys:
                bucket = self._buckets.setdefault(key, _Bucket(rate=rate, tokens=max(1.0, rate)))
                waits.append(bucket.take())
            wait = max(waits, default=0.0)
        return max(1, math.ceil(wait)) if wait > 0 else None
