"""A loopback TCP forwarder whose dependency can be cut and restored, to test real outages."""

import contextlib
import socket
import threading


class TcpProxy:
    """Forwards 127.0.0.1:<port> to a target; ``cut()`` drops every connection and refuses new ones;
    ``stall()`` keeps accepting and keeps connections open but forwards nothing (a hung server)."""

    def __init__(self, target_host, target_port):
        self.target = (target_host, target_port)
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            self.port = probe.getsockname()[1]
        self._listener = None
        self._connections = set()
        self._lock = threading.Lock()
        self._stalled = threading.Event()

    def start(self):
        """Listen (again) on the same port."""
        listener = socket.socket()
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind(("127.0.0.1", self.port))
        listener.listen(64)
        self._listener = listener
        threading.Thread(target=self._accept, args=(listener,), daemon=True).start()
        return self

    def cut(self):
        """The dependency goes away: close the listener and every open connection."""
        listener, self._listener = self._listener, None
        if listener:
            _close(listener)  # shutdown() first: a bare close() does not wake the thread blocked in accept()
        with self._lock:
            for connection in self._connections:
                _close(connection)
            self._connections.clear()

    def stall(self):
        """The dependency hangs: connections are accepted and held, and nothing is forwarded."""
        self._stalled.set()

    def resume(self):
        """Forward again (connections that lost data meanwhile are for their clients to drop)."""
        self._stalled.clear()

    def _accept(self, listener):
        while True:
            try:
                client, _ = listener.accept()
            except OSError:
                return
            if self._stalled.is_set():
                with self._lock:
                    self._connections.add(client)  # held open, never answered
                continue
            try:
                upstream = socket.create_connection(self.target, timeout=5)
            except OSError:
                _close(client)
                continue
            with self._lock:
                self._connections.update({client, upstream})
            for source, sink in ((client, upstream), (upstream, client)):
                threading.Thread(target=self._pipe, args=(source, sink), daemon=True).start()

    def _pipe(self, source, sink):
        try:
            while data := source.recv(65536):
                if not self._stalled.is_set():
                    sink.sendall(data)
        except OSError:
            pass
        finally:
            _close(source)
            _close(sink)


def _close(sock):
    with contextlib.suppress(OSError):
        sock.shutdown(socket.SHUT_RDWR)
    sock.close()
