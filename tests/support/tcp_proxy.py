"""A loopback TCP proxy a test can cut and restore: a database outage without stopping the database."""

from __future__ import annotations

import contextlib
import socket
import struct
import threading
from types import TracebackType
from typing import Self

_LINGER_RESET = struct.pack("ii", 1, 0)  # close() sends RST, like a server that went away


class TcpProxy:
    """Forwards 127.0.0.1:<port> to a target. `cut()` resets every connection and refuses new ones until
    `restore()`; `blackhole()` accepts connections and never answers (a host gone silent)."""

    def __init__(self, target_host: str, target_port: int) -> None:
        self.target = (target_host, target_port)
        self.port = 0
        self.mode = "up"  # up | down | blackhole
        self.accepted = 0
        self._lock = threading.Lock()
        self._sockets: set[socket.socket] = set()
        self._listener: socket.socket | None = None
        self._accept_thread: threading.Thread | None = None
        self._stopped = threading.Event()

    # ---- lifecycle -----------------------------------------------------------------------------------

    def start(self) -> Self:
        """Listen on a free loopback port (kept across cut/restore)."""
        self._listen()
        return self

    def stop(self) -> None:
        """Close everything."""
        self._stopped.set()
        self._close_listener()
        self._reset_all()

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.stop()

    # ---- faults --------------------------------------------------------------------------------------

    def cut(self) -> None:
        """The database goes away: open connections are reset, new ones refused (nothing listens)."""
        with self._lock:
            self.mode = "down"
        self._close_listener()
        self._reset_all()

    def blackhole(self) -> None:
        """The database host goes silent: connections are accepted, nothing ever comes back."""
        with self._lock:
            self.mode = "blackhole"
        self._reset_all()
        if self._listener is None:
            self._listen()

    def restore(self) -> None:
        """The database is back on the same address."""
        with self._lock:
            self.mode = "up"
        self._reset_all()  # drop black-holed connections too
        if self._listener is None:
            self._listen()

    # ---- internals -----------------------------------------------------------------------------------

    def _listen(self) -> None:
        listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind(("127.0.0.1", self.port))
        listener.listen(128)
        listener.settimeout(0.05)
        self.port = listener.getsockname()[1]
        self._listener = listener
        self._accept_thread = threading.Thread(target=self._accept, args=(listener,), daemon=True)
        self._accept_thread.start()

    def _close_listener(self) -> None:
        listener, thread = self._listener, self._accept_thread
        self._listener = self._accept_thread = None
        if listener is not None:
            listener.close()
        if thread is not None:
            thread.join(timeout=2)

    def _track(self, sock: socket.socket) -> None:
        with self._lock:
            self._sockets.add(sock)

    def _forget(self, sock: socket.socket) -> None:
        with self._lock:
            self._sockets.discard(sock)
        with contextlib.suppress(OSError):
            sock.close()

    def _reset_all(self) -> None:
        with self._lock:
            sockets = list(self._sockets)
            self._sockets.clear()
        for sock in sockets:
            with contextlib.suppress(OSError):
                sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, _LINGER_RESET)
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)  # wakes the pump blocked in recv
            with contextlib.suppress(OSError):
                sock.close()

    def _accept(self, listener: socket.socket) -> None:
        while not self._stopped.is_set() and self._listener is listener:
            try:
                client, _ = listener.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            client.settimeout(None)
            self.accepted += 1
            self._track(client)
            if self.mode == "blackhole":
                continue  # held open, never answered, until restore() or cut()
            try:
                upstream = socket.create_connection(self.target, timeout=5)
            except OSError:
                self._forget(client)
                continue
            upstream.settimeout(None)
            self._track(upstream)
            for src, dst in ((client, upstream), (upstream, client)):
                threading.Thread(target=self._pump, args=(src, dst), daemon=True).start()

    def _pump(self, src: socket.socket, dst: socket.socket) -> None:
        try:
            while True:
                data = src.recv(65536)
                if not data:
                    break
                dst.sendall(data)
        except OSError:
            pass
        finally:
            self._forget(src)
            self._forget(dst)
