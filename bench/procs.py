"""Processes the bench starts: the fake Slack API, `followthrough serve`, the floors. Each is ended by its id."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

import psutil

from bench.measure import peak_rss_mb
from bench.slackreq import SECRET, TOKEN


def free_port() -> int:
    """A free loopback port."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def app_env(database_url: str, api_url: str) -> dict[str, str]:
    """The environment `followthrough` runs with in the bench."""
    base = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "DATABASE_", "FOLLOWTHROUGH_"))}
    return {
        **base,
        "DATABASE_URL": database_url,
        "SLACK_SIGNING_SECRET": SECRET,
        "SLACK_BOT_TOKEN": TOKEN,
        "SLACK_API_URL": api_url,
        "LOG_LEVEL": "WARNING",
    }


@dataclass(frozen=True)
class Post:
    """A message the fake Slack accepted: when (its clock, time.time()), where, its text."""

    at: float
    channel: str
    text: str


@dataclass
class FakeSlack:
    """The fake Web API in a child process: its root URL, and the messages posted to it so far."""

    root: str
    _posts: list[Post] = field(default_factory=list)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def posts(self) -> list[Post]:
        """Every message posted so far."""
        with self._lock:
            return list(self._posts)

    def _read(self, lines: Iterator[str]) -> None:
        for line in lines:  # read as they come, so a full pipe never blocks the fake API
            d = json.loads(line)
            with self._lock:
                self._posts.append(Post(float(d["at"]), str(d["channel"]), str(d["text"] or "")))


@contextmanager
def fake_slack(people: int, channels: int) -> Iterator[FakeSlack]:
    """The fake Web API in a child process (bench/fakeslack.py)."""
    proc = subprocess.Popen(
        [sys.executable, "-m", "bench.fakeslack", "--people", str(people), "--channels", str(channels)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    reader = None
    try:
        assert proc.stdout is not None
        root = proc.stdout.readline().strip()
        if not root:
            raise RuntimeError("the fake Slack API did not start")
        api = FakeSlack(root)
        reader = threading.Thread(target=api._read, args=(proc.stdout,), name="fake-slack-posts", daemon=True)
        reader.start()
        yield api
    finally:
        if proc.stdin:
            proc.stdin.close()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        if reader is not None:
            reader.join(timeout=5)


class Served:
    """A running HTTP server process (gunicorn master and workers)."""

    def __init__(self, argv: list[str], env: dict[str, str], port: int) -> None:
        self.port = port
        # Its log goes to a file, not a pipe nobody reads while it runs: a full pipe would block the server.
        self.log = tempfile.TemporaryFile(mode="w+")
        self.proc = subprocess.Popen(argv, env=env, stdout=subprocess.DEVNULL, stderr=self.log, text=True)
        deadline = time.monotonic() + 90
        while True:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=1) as r:
                    if r.status == 200:
                        break
            except OSError:
                if self.proc.poll() is not None:
                    self.log.seek(0)
                    raise RuntimeError(f"{argv} exited: {self.log.read()[-2000:]}") from None
                if time.monotonic() > deadline:
                    self.stop()
                    raise RuntimeError(f"{argv} did not answer /healthz") from None
                time.sleep(0.1)

    def check_alive(self) -> None:
        """Raise with the server's log if it stopped by itself (a phase's errors would otherwise be all we saw)."""
        if self.proc.poll() is not None:
            self.log.seek(0)
            raise RuntimeError(f"the server on port {self.port} exited early: {self.log.read()[-2000:]}")

    def peak_rss(self) -> tuple[float, float]:
        """(largest single process, all processes) peak RSS in MB: the master and its workers."""
        procs = [psutil.Process(self.proc.pid), *psutil.Process(self.proc.pid).children(recursive=True)]
        peaks = []
        for p in procs:
            try:
                peaks.append(peak_rss_mb(p.pid))
            except (OSError, psutil.Error):
                continue
        return max(peaks, default=0.0), sum(peaks)

    def stop(self) -> None:
        """SIGTERM (gunicorn's graceful stop), then SIGKILL if it lingers."""
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=40)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.log.close()


def serve_argv(port: int, workers: int, threads: int) -> list[str]:
    """`followthrough serve` on loopback."""
    return [
        sys.executable,
        "-m",
        "bot.cli",
        "serve",
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
        "--workers",
        str(workers),
        "--threads",
        str(threads),
    ]


def floor_argv(kind: str, port: int, workers: int, threads: int, api_url: str, database_url: str) -> list[str]:
    """One of the floors, served the same way."""
    return [
        sys.executable,
        "-m",
        "bench.floors",
        kind,
        "--port",
        str(port),
        "--workers",
        str(workers),
        "--threads",
        str(threads),
        "--api",
        api_url,
        "--db",
        database_url,
    ]
