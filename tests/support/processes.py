"""`followthrough` as real processes on loopback: environment, `serve` with its log captured, CLI runs, RSS."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path
from types import TracebackType
from typing import Self

from bot.simulator.local import BOT_TOKEN

SIGNING_SECRET = "reliability-signing-secret"


def free_port() -> int:
    """A loopback port nobody listens on right now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def app_env(database_url: str, api_url: str, **extra: str) -> dict[str, str]:
    """The environment of a `followthrough` process: ours only, none of the caller's Slack or database settings."""
    base = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "DATABASE_", "FOLLOWTHROUGH_"))}
    return {
        **base,
        "DATABASE_URL": database_url,
        "SLACK_SIGNING_SECRET": SIGNING_SECRET,
        "SLACK_BOT_TOKEN": BOT_TOKEN,
        "SLACK_API_URL": api_url,
        "LOG_LEVEL": "WARNING",
        **extra,
    }


def cli(*args: str, env: dict[str, str], timeout: float = 120) -> subprocess.CompletedProcess[str]:
    """Run one `followthrough` command to completion."""
    return subprocess.run(
        [sys.executable, "-m", "bot.cli", *args], env=env, capture_output=True, text=True, timeout=timeout
    )


def spawn(*args: str, env: dict[str, str], log: Path) -> subprocess.Popen[bytes]:
    """Start a `followthrough` command in the background, its stdout and stderr appended to `log`."""
    with log.open("ab") as out:
        return subprocess.Popen([sys.executable, "-m", "bot.cli", *args], env=env, stdout=out, stderr=out)


def stop(proc: subprocess.Popen[bytes], *, timeout: float = 30) -> int:
    """SIGTERM, then SIGKILL if it does not stop in time; the exit code."""
    if proc.poll() is None:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=10)
    return int(proc.returncode)


def http_status(url: str, timeout: float = 10) -> int:
    """The status of a GET (an HTTP error status is returned, not raised)."""
    try:
        with urllib.request.urlopen(url, timeout=timeout) as r:
            return int(r.status)
    except urllib.error.HTTPError as err:
        return int(err.code)


def rss_kb(pid: int) -> int:
    """Resident memory of a process and all its descendants (gunicorn's master and workers), in KiB."""
    total, todo = 0, [pid]
    while todo:
        current = todo.pop()
        try:
            status = Path(f"/proc/{current}/status").read_text()
            children = Path(f"/proc/{current}/task/{current}/children").read_text().split()
        except OSError:
            continue
        total += next((int(line.split()[1]) for line in status.splitlines() if line.startswith("VmRSS:")), 0)
        todo.extend(int(c) for c in children)
    return total


class Served:
    """`followthrough serve` on a free loopback port; its log goes to a file the test can read."""

    def __init__(self, env: dict[str, str], log: Path, *, workers: int | None = None, threads: int = 8) -> None:
        self.env = env
        self.log = log
        # Several processes on PostgreSQL; SQLite serves from one (`serve` refuses more).
        self.workers = workers or (1 if env.get("DATABASE_URL", "").startswith("sqlite") else 2)
        self.threads = threads
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.proc: subprocess.Popen[bytes] | None = None

    @property
    def events_url(self) -> str:
        """Where Slack posts."""
        return f"{self.url}/slack/events"

    @property
    def pid(self) -> int:
        """gunicorn's master process."""
        assert self.proc is not None
        return self.proc.pid

    def start(self) -> Self:
        """Start and wait until /healthz answers (30 s at most)."""
        args = ["serve", "--host", "127.0.0.1", "--port", str(self.port), "--workers", str(self.workers)]
        self.proc = spawn(*args, "--threads", str(self.threads), env=self.env, log=self.log)
        deadline = time.monotonic() + 30
        while True:
            try:
                if http_status(f"{self.url}/healthz", timeout=1) == 200:
                    return self
            except OSError:
                pass
            if self.proc.poll() is not None or time.monotonic() > deadline:
                raise AssertionError(f"serve did not start: {self.log_text()[-3000:]}")
            time.sleep(0.1)

    def log_text(self) -> str:
        """Everything the process wrote so far."""
        return self.log.read_text(errors="replace") if self.log.exists() else ""

    def alive(self) -> bool:
        """The master is still running."""
        return self.proc is not None and self.proc.poll() is None

    def stop(self) -> int:
        """SIGTERM and wait; the exit code."""
        return stop(self.proc) if self.proc is not None else 0

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        code = self.stop()
        if exc_type is None:  # a serve that outlives its graceful timeout is killed: its last messages are lost
            assert code == 0, f"serve exited {code} on SIGTERM:\n{self.log.read_text()[-2000:]}"
