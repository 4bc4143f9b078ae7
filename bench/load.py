"""Open-loop and closed-loop HTTP load on loopback, with asyncio and keep-alive connections."""

from __future__ import annotations

import asyncio
import gc
import time
from collections import deque
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

TIMEOUT = 10.0


@dataclass
class Sample:
    """One request: seconds from its scheduled start to the end of its answer, and its HTTP status (0: failed)."""

    latency: float
    status: int
    body: bytes = b""


@dataclass
class LoadResult:
    """What a phase measured."""

    samples: list[Sample] = field(default_factory=list)
    seconds: float = 0.0
    wall_start: float = 0.0  # open loop: time.time() of request 0's scheduled instant (request i: + i/rate)

    @property
    def errors(self) -> int:
        """Requests that did not get a 200 in time."""
        return sum(s.status != 200 for s in self.samples)

    @property
    def throughput(self) -> float:
        """Answered requests per second."""
        return sum(s.status == 200 for s in self.samples) / self.seconds if self.seconds else 0.0


class _Pool:
    """Idle keep-alive connections to one server; a busy pool opens more."""

    def __init__(self, host: str, port: int) -> None:
        self.host, self.port = host, port
        self.idle: deque[tuple[asyncio.StreamReader, asyncio.StreamWriter]] = deque()

    async def request(self, raw: bytes) -> tuple[int, bytes]:
        conn = self.idle.popleft() if self.idle else await asyncio.open_connection(self.host, self.port)
        reader, writer = conn
        try:
            writer.write(raw)
            head = await reader.readuntil(b"\r\n\r\n")
            lines = head.decode("latin-1").split("\r\n")
            status = int(lines[0].split(" ", 2)[1])
            headers = {k.strip().lower(): v.strip() for k, _, v in (line.partition(":") for line in lines[1:] if line)}
            if headers.get("transfer-encoding", "").lower() == "chunked":
                body = b""
                while True:
                    size = int((await reader.readuntil(b"\r\n")).strip(), 16)
                    chunk = await reader.readexactly(size + 2)
                    if size == 0:
                        break
                    body += chunk[:-2]
            else:
                body = await reader.readexactly(int(headers.get("content-length", "0")))
        except BaseException:
            writer.close()
            raise
        if headers.get("connection", "").lower() == "close":
            writer.close()
        else:
            self.idle.append(conn)
        return status, body

    def close(self) -> None:
        while self.idle:
            self.idle.popleft()[1].close()


async def _one(pool: _Pool, raw: bytes, scheduled: float) -> Sample:
    try:
        status, body = await asyncio.wait_for(pool.request(raw), TIMEOUT)
    except (TimeoutError, OSError, asyncio.IncompleteReadError, ValueError):
        return Sample(time.perf_counter() - scheduled, 0)
    return Sample(time.perf_counter() - scheduled, status, body)


async def _open_loop(host: str, port: int, requests: list[bytes], rate: float) -> LoadResult:
    pool = _Pool(host, port)
    start = time.perf_counter() + 0.05
    wall_start = time.time() + (start - time.perf_counter())
    tasks = []
    for i, raw in enumerate(requests):
        at = start + i / rate
        delay = at - time.perf_counter()
        if delay > 0:
            await asyncio.sleep(delay)
        tasks.append(asyncio.ensure_future(_one(pool, raw, at)))  # sent on schedule, answered or not
    samples = list(await asyncio.gather(*tasks))
    seconds = time.perf_counter() - start
    pool.close()
    return LoadResult(samples, seconds, wall_start)


async def _closed_loop(host: str, port: int, requests: list[bytes], clients: int, seconds: float) -> LoadResult:
    pool = _Pool(host, port)
    queue = deque(requests)
    samples: list[Sample] = []
    start = time.perf_counter()
    deadline = start + seconds

    async def client() -> None:
        while queue and time.perf_counter() < deadline:
            raw = queue.popleft()
            samples.append(await _one(pool, raw, time.perf_counter()))

    await asyncio.gather(*(client() for _ in range(clients)))
    elapsed = time.perf_counter() - start
    pool.close()
    return LoadResult(samples, elapsed)


@contextmanager
def _collector_paused() -> Iterator[None]:
    """The bench process holds the seeded workspace's rows and the earlier runs' results (hundreds of MB of
    objects); a full collection of them stalls the load generator for a second or more, and every request in
    flight is then charged with it. Paused for a phase (reference counting still frees everything)."""
    gc.collect()
    gc.disable()
    try:
        yield
    finally:
        gc.enable()


def open_loop(host: str, port: int, requests: list[bytes], rate: float) -> LoadResult:
    """Send request i at start + i/rate whatever the answers; latency counts from the scheduled time."""
    with _collector_paused():
        return asyncio.run(_open_loop(host, port, requests, rate))


def saturate(host: str, port: int, requests: list[bytes], clients: int, seconds: float) -> LoadResult:
    """`clients` connections each sending the next request as soon as the last is answered."""
    with _collector_paused():
        return asyncio.run(_closed_loop(host, port, requests, clients, seconds))
