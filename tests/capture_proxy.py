"""A loopback TCP proxy that records every byte a client sends to a server.

Clients are pointed at the proxy instead of the server, so a test can assert what never left
the client (the connection is plain HTTP on loopback, so the recording is the request itself)."""

from __future__ import annotations

import contextlib
import socket
import threading
from types import TracebackType


class CaptureProxy:
    def __init__(self, target_host: str, target_port: int) -> None:
        self._target = (target_host, target_port)
        self._listener = socket.create_server(("127.0.0.1", 0))
        self.port: int = self._listener.getsockname()[1]
        self._sent = bytearray()
        self._lock = threading.Lock()
        self._accepting = threading.Thread(target=self._accept, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def sent(self) -> bytes:
        """Everything clients have sent through the proxy so far."""
        with self._lock:
            return bytes(self._sent)

    def __enter__(self) -> CaptureProxy:
        self._accepting.start()
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        self._listener.close()

    def _accept(self) -> None:
        while True:
            try:
                client, _ = self._listener.accept()
            except OSError:
                return
            server = socket.create_connection(self._target)
            for source, sink, record in ((client, server, True), (server, client, False)):
                threading.Thread(
                    target=self._pump, args=(source, sink, record), daemon=True
                ).start()

    def _pump(self, source: socket.socket, sink: socket.socket, record: bool) -> None:
        with source, sink:
            while True:
                try:
                    data = source.recv(1 << 16)
                except OSError:
                    data = b""
                if not data:
                    break
                if record:
                    with self._lock:
                        self._sent += data
                try:
                    sink.sendall(data)
                except OSError:
                    break
            # Half-close so the other direction sees end of stream too.
            for end in (source, sink):
                with contextlib.suppress(OSError):
                    end.shutdown(socket.SHUT_RDWR)
