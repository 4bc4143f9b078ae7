"""Time is injected: SystemClock in production, FrozenClock in tests and `tick --at`."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta
from typing import Protocol


class Clock(Protocol):
    """Something that tells the current UTC-aware instant."""

    def now(self) -> datetime: ...


class SystemClock:
    """The wall clock, always UTC-aware."""

    def now(self) -> datetime:
        return datetime.now(UTC)


class FrozenClock:
    """A clock that stands still until told to move."""

    def __init__(self, at: datetime) -> None:
        if at.tzinfo is None:
            raise ValueError("FrozenClock needs an aware datetime")
        self._at = at.astimezone(UTC)
        self._lock = threading.Lock()

    def now(self) -> datetime:
        with self._lock:
            return self._at

    def set(self, at: datetime) -> None:
        """Jump to an instant."""
        if at.tzinfo is None:
            raise ValueError("FrozenClock needs an aware datetime")
        with self._lock:
            self._at = at.astimezone(UTC)

    def advance(self, delta: timedelta) -> None:
        """Move forward by `delta`."""
        with self._lock:
            self._at += delta


class ShiftedClock:
    """The wall clock moved by an offset: `followthrough shell` travels in time with `:tick`."""

    def __init__(self) -> None:
        self._offset = timedelta(0)
        self._lock = threading.Lock()

    def now(self) -> datetime:
        with self._lock:
            return datetime.now(UTC) + self._offset

    def jump_to(self, at: datetime) -> None:
        """From now on, time continues from `at`."""
        if at.tzinfo is None:
            raise ValueError("jump_to needs an aware datetime")
        with self._lock:
            self._offset = at - datetime.now(UTC)
