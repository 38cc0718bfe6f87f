"""A loopback TCP proxy in front of PostgreSQL, to play a bad day: traffic held, or the server gone."""

from __future__ import annotations

import contextlib
import socket
import threading
import time

from sqlalchemy.engine import make_url


class TcpProxy:
    """Forwards 127.0.0.1:<port> to `target`.

    `hold()` keeps every connection open (new ones are accepted too) but forwards nothing,
    as a hung server or a black-holed network does; `down()` closes everything and refuses
    new connections, as a stopped server does; `restore()` undoes either.
    """

    def __init__(self, target: tuple[str, int]) -> None:
        self.target = target
        self.holding = threading.Event()
        self._lock = threading.Lock()
        self._open: list[socket.socket] = []
        self._listener: socket.socket | None = None
        self.port = self._listen(0)

    @classmethod
    def for_url(cls, url: str) -> tuple[TcpProxy, str]:
        """A proxy in front of the database at `url`, and the URL that goes through it."""
        parsed = make_url(url)
        proxy = cls((parsed.host or "127.0.0.1", parsed.port or 5432))
        return proxy, parsed.set(host="127.0.0.1", port=proxy.port).render_as_string(hide_password=False)

    def _listen(self, port: int) -> int:
        listener = socket.socket()
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind(("127.0.0.1", port))
        listener.listen(64)
        self._listener = listener
        threading.Thread(target=self._accept, args=(listener,), daemon=True).start()
        return int(listener.getsockname()[1])

    def _accept(self, listener: socket.socket) -> None:
        while True:
            try:
                client, _ = listener.accept()
            except OSError:
                return
            try:
                server = socket.create_connection(self.target, timeout=5)
            except OSError:
                client.close()
                continue
            server.settimeout(None)
            with self._lock:
                self._open += [client, server]
            threading.Thread(target=self._pump, args=(client, server), daemon=True).start()
            threading.Thread(target=self._pump, args=(server, client), daemon=True).start()

    def _pump(self, source: socket.socket, sink: socket.socket) -> None:
        try:
            while data := source.recv(65536):
                while self.holding.is_set():
                    time.sleep(0.01)
                sink.sendall(data)
        except OSError:
            pass
        for end in (source, sink):
            end.close()

    def hold(self) -> None:
        """Stop forwarding (connections stay open and new ones are accepted)."""
        self.holding.set()

    def down(self) -> None:
        """Close every connection and refuse new ones."""
        if self._listener is not None:
            with contextlib.suppress(OSError):
                self._listener.shutdown(socket.SHUT_RDWR)  # wakes the blocked accept(); close alone does not
            self._listener.close()
            self._listener = None
        with self._lock:
            for end in self._open:
                with contextlib.suppress(OSError):
                    end.shutdown(socket.SHUT_RDWR)
                end.close()
            self._open.clear()

    def restore(self) -> None:
        """Forward again (and accept on the same port after `down`)."""
        self.holding.clear()
        if self._listener is None:
            self._listen(self.port)

    def close(self) -> None:
        """Stop for good."""
        self.holding.clear()
        self.down()
