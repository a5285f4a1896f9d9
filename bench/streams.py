"""What N open event streams cost the API, message delivery and memory (PostgreSQL + Redis).

    python bench/streams.py [--streams 10000] [--workers 2] [--database-url URL] [--redis-url URL]

Starts gunicorn in the production configuration (gevent workers, PostgreSQL, Redis) on a
loopback port, and from this one client process (asyncio, file-descriptor limit raised):

1. measures ``GET /api/ping`` and ``GET /api/matches`` p50/p95 with no stream open (the baseline),
   and the workers' resident memory;
2. opens N streams (10 per account, the per-account cap; the per-address cap is raised, as every
   stream comes from 127.0.0.1), five of them held by a matched user;
3. with the N streams open, measures the same two routes again, the delivery latency of messages
   sent through the API to the matched user's stream (POST start to the event read), and the
   workers' memory again: (memory with N - memory with none) / N is the cost of an idle stream;
4. checks that every stream is still open and got no event it should not have;
5. restarts every worker (gunicorn's SIGHUP: new workers start, the old ones end their streams
   with ``reconnect``) while messages keep flowing, every stream resumes with ``Last-Event-ID``,
   and counts the messages a watched stream never got (the target is 0) and those the replay
   sent again (clients drop them by id, as the protocol says).

It ends with ``streams held: N, api p95 ratio: R, delivery p95: D ms, KB per stream: K``, where
R is the larger of the two routes' p95 with N streams over their p95 with none. Targets: N =
10,000, R <= 2, D <= 50 ms, K <= 64. Only 127.0.0.1 is used; the database named in
--database-url is emptied and migrated.
"""

import argparse
import asyncio
import os
import random
import re
import resource
import secrets
import signal
import statistics
import sys
import threading
import time
import uuid
from datetime import date, timedelta
from pathlib import Path

import requests

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from messages import create_match, percentile, reset_database, sign_up  # noqa: E402

from tests.backend.processes import AppProcess  # noqa: E402

STREAMS_PER_ACCOUNT = 10
WATCHED_STREAMS = 5  # of the matched user: each must get every message once
CONNECT_CONCURRENCY = 50
ADULT = date(1995, 5, 17)
# Lines of the server's log that explain lost streams: workers killed, restarted or failing.
NOTABLE_LOG = re.compile(r"WORKER TIMEOUT|Booting worker|Worker exiting|CRITICAL|ERROR|Traceback")


def raise_file_limit(wanted):
    """Allow this process ``wanted`` descriptors (the hard limit permitting); returns the new soft limit."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    target = wanted if hard == resource.RLIM_INFINITY else min(wanted, hard)
    if soft < target:
        resource.setrlimit(resource.RLIMIT_NOFILE, (target, hard))
    return resource.getrlimit(resource.RLIMIT_NOFILE)[0]


def workers_rss_kb(master_pid):
    """Resident memory of the gunicorn workers (the master's children), in KB."""
    children = Path(f"/proc/{master_pid}/task/{master_pid}/children").read_text().split()
    total = 0
    for pid in children:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                total += int(line.split()[1])
    return total


def stream_accounts(database_url, secret, count):
    """``count`` accounts made directly with the app's signup rule (a cheap bcrypt cost), and a token for each."""
    from flask_jwt_extended import create_access_token

    from friender import create_app
    from friender.auth.accounts import signup

    app = create_app(
        {
            "FRIENDER_ENV": "testing",
            "SQLALCHEMY_DATABASE_URI": database_url,
            "JWT_SECRET_KEY": secret,
            "BCRYPT_LOG_ROUNDS": 4,
        }
    )
    run = uuid.uuid4().hex[:6]
    tokens = []
    with app.app_context():
        for number in range(count):
            user = signup(f"s{run}_{number}", f"s{run}_{number}@example.com", "bench-streams-password", ADULT)
            tokens.append(create_access_token(identity=str(user.id), expires_delta=timedelta(hours=2)))
    return tokens


def measure_routes(base_url, headers, samples):
    """p50 and p95 (ms) of GET /api/ping and GET /api/matches, ``samples`` each, interleaved."""
    session = requests.Session()
    times = {"ping": [], "matches": []}
    for _ in range(samples):
        for name, path, extra in (("ping", "/api/ping", {}), ("matches", "/api/matches", headers)):
            started = time.perf_counter()
            response = session.get(f"{base_url}{path}", headers=extra, timeout=30)
            times[name].append(time.perf_counter() - started)
            assert response.status_code == 200, response.text
    session.close()
    return {name: (percentile(values, 0.5) * 1000, percentile(values, 0.95) * 1000) for name, values in times.items()}


class _Refused(Exception):
    """The server answered 503 or 429, or closed the connection: try again shortly."""


class Stream:
    """One stream's state: its token, the last event id it read, and the messages it got."""

    def __init__(self, token, watched):
        self.token = token
        self.watched = watched
        self.last_event_id = None
        self.bodies = set()


class Streams:
    """N event streams held by one asyncio loop in a background thread."""

    def __init__(self, port):
        self.port = port
        self.loop = asyncio.new_event_loop()
        self.thread = threading.Thread(target=self.loop.run_forever, daemon=True)
        self.thread.start()
        self.open = 0
        self.unexpected = 0
        self.repeated = 0
        self.reconnected = 0
        self.dropped = 0  # streams that ended while nothing should have ended them
        self.arrivals = {}
        self.condition = threading.Condition()
        self.writers = []
        self.tasks = []
        self.failures = []
        self.watched = []
        self.retried = 0
        self.gate = None
        # During a rolling restart a stream that ends (``reconnect`` or the connection closing)
        # opens again with Last-Event-ID, as the browser app does.
        self.resume = False

    def run(self, coroutine, timeout=None):
        return asyncio.run_coroutine_threadsafe(coroutine, self.loop).result(timeout)

    async def _open_one(self, stream):
        """Open one stream and wait for its ``ready``.

        A 503 or 429, or a connection that closes before ``ready`` (a worker stopping), is retried
        a second later, as the browser app does; any other answer is an error.
        """
        loop = asyncio.get_running_loop()
        for _attempt in range(20):
            ready = loop.create_future()
            async with self.gate:
                try:
                    reader, writer = await self._request(stream)
                except (OSError, _Refused):
                    ready = None
                else:
                    self.writers.append(writer)
                    self.tasks.append(loop.create_task(self._read(reader, stream, ready)))
                    if await ready:
                        return
            self.retried += 1
            await asyncio.sleep(1)
        raise RuntimeError("stream refused 20 times")

    async def _request(self, stream):
        """Send the request, with Last-Event-ID once the stream has read an id; read the headers."""
        resume = f"Last-Event-ID: {stream.last_event_id}\r\n" if stream.last_event_id else ""
        reader, writer = await asyncio.open_connection("127.0.0.1", self.port)
        writer.write(
            f"GET /api/events HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer {stream.token}\r\n"
            f"Accept: text/event-stream\r\n{resume}\r\n".encode()
        )
        await writer.drain()
        status = await reader.readline()
        if b" 200 " not in status:
            writer.close()
            if status and b" 503 " not in status and b" 429 " not in status:
                raise RuntimeError(f"stream refused: {status!r}")
            raise _Refused
        while (await reader.readline()) not in (b"\r\n", b""):
            pass  # response headers
        return reader, writer

    async def _read(self, reader, stream, ready):
        """Read one chunked SSE body; record message arrivals on a watched stream.

        ``ready`` resolves True at the ``ready`` event, False if the stream ends before it.
        """
        event = None
        try:
            while True:
                line = await reader.readline()
                if not line:
                    break
                line = line.rstrip(b"\r\n")
                if line.startswith(b"id: "):
                    stream.last_event_id = line[4:].decode()
                elif line.startswith(b"event: "):
                    event = line[7:].decode()
                    if event == "ready" and not ready.done():
                        self.open += 1
                        ready.set_result(True)
                    elif event == "reconnect" and self.resume:
                        break
                    elif not (stream.watched and event == "message"):
                        self.unexpected += 1
                elif line.startswith(b"data: ") and event == "message" and stream.watched:
                    self._arrived(stream, line[6:].split(b'"body":"', 1)[1].split(b'"', 1)[0].decode())
        except OSError:
            pass  # the server reset the connection: the same as its end
        finally:
            if ready.done():
                self.open -= 1
                if not self.resume:
                    self.dropped += 1
            else:
                ready.set_result(False)
                return  # _open_one retries
        if self.resume:
            # EventSource's retry: 3 s, spread so that N streams do not come back in one instant.
            await asyncio.sleep(random.uniform(0.1, 3.0))
            self.reconnected += 1
            try:
                await self._open_one(stream)
            except RuntimeError as error:
                self.failures.append(str(error))

    def _arrived(self, stream, body):
        arrived = time.perf_counter()
        with self.condition:
            if body in stream.bodies:
                self.repeated += 1  # replayed again after a reconnect: the client drops it by id
            stream.bodies.add(body)
            self.arrivals.setdefault(body, arrived)
            self.condition.notify_all()

    def open_streams(self, tokens, watched_token, watched_count):
        """Open a stream for each of ``tokens`` and ``watched_count`` for ``watched_token``."""
        self.watched = [Stream(watched_token, True) for _ in range(watched_count)]

        async def open_all():
            self.gate = asyncio.Semaphore(CONNECT_CONCURRENCY)
            await asyncio.gather(*(self._open_one(s) for s in self.watched + [Stream(t, False) for t in tokens]))

        self.run(open_all())

    def wait_for(self, body, timeout):
        with self.condition:
            self.condition.wait_for(lambda: body in self.arrivals, timeout=timeout)
            return self.arrivals.get(body)

    def wait_until_open(self, count, timeout):
        """Wait until ``count`` streams are open; True when they are."""
        deadline = time.monotonic() + timeout
        while self.open < count and time.monotonic() < deadline:
            time.sleep(0.2)
        return self.open >= count

    def missing(self, bodies):
        """How many of ``bodies`` some watched stream never got."""
        with self.condition:
            return sum(1 for stream in self.watched for body in bodies if body not in stream.bodies)

    def close(self):
        self.resume = False

        async def close_all():
            for writer in self.writers:
                writer.close()
            for task in self.tasks:
                task.cancel()
            await asyncio.gather(*self.tasks, return_exceptions=True)

        self.run(close_all(), timeout=60)
        self.loop.call_soon_threadsafe(self.loop.stop)
        self.thread.join(timeout=10)


def delivery(base_url, streams, sender, match_id, messages):
    """Delivery latencies (ms) of ``messages`` messages, and how many never arrived."""
    session = requests.Session()
    url = f"{base_url}/api/matches/{match_id}/messages"
    latencies, lost = [], 0
    for number in range(messages):
        body = f"bench {number}"
        started = time.perf_counter()
        response = session.post(url, json={"body": body}, headers=sender["headers"], timeout=30)
        assert response.status_code == 201, response.text
        arrived = streams.wait_for(body, timeout=5)
        if arrived is None:
            lost += 1
        else:
            latencies.append((arrived - started) * 1000)
    session.close()
    return latencies, lost


def rolling_restart(base_url, master_pid, streams, sender, match_id, messages):
    """Restart every worker (gunicorn's SIGHUP) while ``messages`` messages flow, 10 a second.

    Returns the bodies whose send answered 201, the sends that failed, and the seconds from the
    restart until every stream was open again (None if they were not within two minutes).
    """
    streams.resume = True
    held = streams.open
    session = requests.Session()
    url = f"{base_url}/api/matches/{match_id}/messages"
    sent, failed, restarted_at = [], 0, None
    for number in range(messages):
        if number == messages // 4:
            os.kill(master_pid, signal.SIGHUP)
            restarted_at = time.perf_counter()
        body = f"restart {number}"
        try:
            response = session.post(url, json={"body": body}, headers=sender["headers"], timeout=30)
        except requests.RequestException:
            failed += 1
        else:
            if response.status_code == 201:
                sent.append(body)
            else:
                failed += 1
        time.sleep(0.1)  # pacing: a conversation, not a flood
    back = streams.wait_until_open(held, timeout=120)
    back_in = time.perf_counter() - restarted_at if back else None
    if sent:
        streams.wait_for(sent[-1], timeout=10)
    session.close()
    return sent, failed, back_in


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--streams", type=int, default=10000)
    parser.add_argument("--workers", type=int, default=2, help="gevent workers (one per core)")
    parser.add_argument("--samples", type=int, default=300, help="requests per route and phase")
    parser.add_argument("--messages", type=int, default=200)
    parser.add_argument("--restart-messages", type=int, default=200, help="sent during the rolling restart")
    parser.add_argument(
        "--database-url", default="postgresql+psycopg2://postgres@127.0.0.1:5432/friender_bench_streams"
    )
    parser.add_argument("--redis-url", default="redis://127.0.0.1:6379/11")
    args = parser.parse_args()

    limit = raise_file_limit(args.streams + 1024)
    if limit < args.streams + 256:
        sys.exit(f"the file-descriptor limit ({limit}) is too low for {args.streams} streams")
    reset_database(args.database_url)
    secret = secrets.token_urlsafe(48)
    env = {
        "FRIENDER_ENV": "production",
        "DATABASE_URL": args.database_url,
        "REDIS_URL": args.redis_url,
        "JWT_SECRET_KEY": secret,
        "EVENTS_CHANNEL_PREFIX": f"friender-bench-{uuid.uuid4().hex}:",
        "EVENTS_MAX_STREAMS_PER_ADDRESS": str(args.streams + 10),
        "MESSAGE_RATE_LIMIT": "100000 per minute",
        "SIGNUP_RATE_LIMIT": "1000 per hour",
        "JWT_ACCESS_TOKEN_MINUTES": "120",
    }
    print(f"PostgreSQL and Redis on loopback; gunicorn with {args.workers} gevent workers; {args.streams} streams")
    accounts = -(-(args.streams - 1) // STREAMS_PER_ACCOUNT)
    tokens = [t for t in stream_accounts(args.database_url, secret, accounts) for _ in range(STREAMS_PER_ACCOUNT)]
    tokens = tokens[: args.streams - WATCHED_STREAMS]

    server = AppProcess(env, workers=args.workers, graceful_timeout=5).wait_until_serving()
    streams = Streams(server.port)
    try:
        run = uuid.uuid4().hex[:8]
        ana = sign_up(server.base_url, f"bench_a_{run}", args.database_url)
        ben = sign_up(server.base_url, f"bench_b_{run}", args.database_url)
        match_id = create_match(server.base_url, ana, ben)
        measure_routes(server.base_url, ana["headers"], 30)  # warm-up: connections, caches
        idle = measure_routes(server.base_url, ana["headers"], args.samples)
        memory_before = workers_rss_kb(server.process.pid)

        started = time.perf_counter()
        streams.open_streams(tokens, ben["token"], WATCHED_STREAMS)
        opened_in = time.perf_counter() - started
        time.sleep(2)  # let the workers settle after the burst of connections
        memory_after = workers_rss_kb(server.process.pid)
        busy = measure_routes(server.base_url, ana["headers"], args.samples)
        latencies, lost = delivery(server.base_url, streams, ana, match_id, args.messages)
        held = streams.open
        dropped = streams.dropped
        restart_sent, restart_failed, back_in = rolling_restart(
            server.base_url, server.process.pid, streams, ana, match_id, args.restart_messages
        )
        restart_lost = streams.missing(restart_sent)
        reopened = streams.open
    except Exception:
        print(server.read_log()[-4000:])
        raise
    else:
        notable = [line for line in server.read_log().splitlines() if NOTABLE_LOG.search(line)]
    finally:
        streams.close()
        server.stop()

    for line in notable[:20]:
        print(f"server log: {line}")

    print(f"opened {args.streams} streams in {opened_in:.1f} s ({streams.retried} opens retried after a 503 or 429)")
    for name in ("ping", "matches"):
        print(f"GET /api/{name} with 0 streams: p50 {idle[name][0]:.2f} ms, p95 {idle[name][1]:.2f} ms")
        print(f"GET /api/{name} with {held} streams: p50 {busy[name][0]:.2f} ms, p95 {busy[name][1]:.2f} ms")
    ratio = max(busy[name][1] / idle[name][1] for name in ("ping", "matches"))
    delivery_p95 = percentile(latencies, 0.95) if latencies else float("inf")
    print(f"delivery to one stream among {held}: p50 {statistics.median(latencies):.2f} ms, p95 {delivery_p95:.2f} ms")
    print(f"messages lost: {lost}, unexpected or duplicated events: {streams.unexpected}")
    print(f"streams that ended before the restart without an event: {dropped}")
    if back_in:
        back = f"all {held} open again {back_in:.1f} s after it"
    else:
        back = f"only {reopened} of {held} open again ({len(streams.failures)} gave up)"
    print(
        f"rolling restart (SIGHUP) with {held} streams: {len(restart_sent)} messages sent "
        f"({restart_failed} sends failed), "
        f"lost on a watched stream: {restart_lost}, repeated by the replay and dropped by id: {streams.repeated}; "
        f"{streams.reconnected} reconnects, {back}"
    )
    kb_per_stream = (memory_after - memory_before) / args.streams
    before_mb, after_mb = memory_before / 1024, memory_after / 1024
    print(f"workers' resident memory: {before_mb:.1f} MB with 0 streams, {after_mb:.1f} MB with {held}")
    print(
        f"streams held: {held}, api p95 ratio: {ratio:.2f}, delivery p95: {delivery_p95:.1f} ms, "
        f"KB per stream: {kb_per_stream:.1f}"
    )


if __name__ == "__main__":
    main()
