"""Reading Server-Sent Events in tests: from the Flask test client or from a live server."""

import http.client
import json
import time
from dataclasses import dataclass


@dataclass
class Frame:
    """One SSE frame: an event (``event``, ``data`` parsed as JSON, ``id``) or a comment."""

    event: str | None = None
    data: object = None
    id: str | None = None
    comment: str | None = None
    retry: int | None = None


def parse_frame(text):
    """Parse the lines of one frame (without the blank line that ends it)."""
    frame, data_lines = Frame(), []
    for line in text.split("\n"):
        name, _, value = line.partition(":")
        value = value[1:] if value.startswith(" ") else value
        if name == "":
            frame.comment = value
        elif name == "event":
            frame.event = value
        elif name == "data":
            data_lines.append(value)
        elif name == "id":
            frame.id = value
        elif name == "retry":
            frame.retry = int(value)
    if data_lines:
        frame.data = json.loads("\n".join(data_lines))
    return frame


class _FrameReader:
    def next_event(self, timeout=5.0):
        """The next frame that is an event (comments and the retry hint skipped).

        Raises TimeoutError when only heartbeats arrive for ``timeout`` seconds.
        """
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            frame = self.next_frame()
            if frame.event is not None:
                return frame
        raise TimeoutError(f"no event within {timeout} s")


class ClientStream(_FrameReader):
    """A stream opened with the Flask test client (``buffered=False``); reads happen in this thread.

    A read waits at most one heartbeat interval, so tests using it set a short heartbeat.
    """

    def __init__(self, response):
        assert response.status_code == 200, response.get_data(as_text=True)
        self.response = response
        self._chunks = iter(response.response)
        self._buffer = ""

    def next_frame(self):
        """The next frame; raises StopIteration when the server ended the stream."""
        while "\n\n" not in self._buffer:
            chunk = next(self._chunks)
            self._buffer += chunk.decode() if isinstance(chunk, bytes) else chunk
        text, self._buffer = self._buffer.split("\n\n", 1)
        return parse_frame(text)

    def close(self):
        self.response.close()


class LiveStream(_FrameReader):
    """A stream read over a real socket; every read gives up after ``timeout`` seconds."""

    def __init__(self, port, token, last_event_id=None, timeout=5.0, connect_timeout=None):
        self.connection = http.client.HTTPConnection("127.0.0.1", port, timeout=connect_timeout or timeout)
        headers = {"Authorization": f"Bearer {token}", "Accept": "text/event-stream"}
        if last_event_id is not None:
            headers["Last-Event-ID"] = str(last_event_id)
        self.connection.request("GET", "/api/events", headers=headers)
        # Kept here: http.client lets go of the socket when the response is not keep-alive.
        self.sock = self.connection.sock
        self.response = self.connection.getresponse()
        self.sock.settimeout(timeout)
        self.status = self.response.status
        self.headers = self.response.headers

    def set_timeout(self, seconds):
        self.sock.settimeout(seconds)

    def next_frame(self):
        """The next frame; raises TimeoutError if none arrives in time, EOFError at the end."""
        lines = []
        while True:
            raw = self.response.readline()
            if not raw:
                raise EOFError("the server ended the stream")
            line = raw.decode().rstrip("\r\n")
            if line == "" and lines:
                return parse_frame("\n".join(lines))
            if line != "":
                lines.append(line)

    def close(self):
        self.response.close()
        self.sock.close()
        self.connection.close()
