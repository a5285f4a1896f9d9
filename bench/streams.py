"""What N open event streams cost the API, message delivery and memory (PostgreSQL + Redis).

    python bench/streams.py [--streams 10000] [--workers 2] [--database-url URL] [--redis-url URL]

Starts gunicorn in the production configuration (gevent workers, PostgreSQL, Redis) on a
loopback port, and from this one client process (asyncio, file-descriptor limit raised):

1. measures ``GET /api/ping`` and ``GET /api/matches`` p50/p95 with no stream open (the baseline),
   and the workers' resident memory;
2. opens N streams (10 per account, the per-account cap; the per-address cap is raised, as every
   stream comes from 127.0.0.1), one of them held by a matched user;
3. with the N streams open, measures the same two routes again, the delivery latency of messages
   sent through the API to the matched user's stream (POST start to the event read), and the
   workers' memory again: (memory with N - memory with none) / N is the cost of an idle stream;
4. checks that every stream is still open and got no event it should not have.

It ends with ``streams held: N, api p95 ratio: R, delivery p95: D ms, KB per stream: K``, where
R is the larger of the two routes' p95 with N streams over their p95 with none. Targets: N =
10,000, R <= 2, D <= 50 ms, K <= 64. Only 127.0.0.1 is used; the database named in
--database-url is emptied and migrated.
"""

import argparse
import asyncio
import resource
import secrets
import statistics
import sys
import threading
import time
import uuid
from datetime import timedelta
from pathlib import Path

import requests

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from messages import create_match, percentile, reset_database, sign_up  # noqa: E402

from tests.backend.processes import AppProcess  # noqa: E402

STREAMS_PER_ACCOUNT = 10
CONNECT_CONCURRENCY = 50


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
            user = signup(f"s{run}_{number}", f"s{run}_{number}@example.com", "bench-streams-password")
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


class Streams:
    """N event streams held by one asyncio loop in a background thread."""

    def __init__(self, port):
        self.port = port
        self.loop = asyncio.new_event_loop()
        self.thread = threading.Thread(target=self.loop.run_forever, daemon=True)
        self.thread.start()
        self.open = 0
        self.ended = 0
        self.unexpected = 0
        self.arrivals = {}
        self.condition = threading.Condition()
        self.writers = []
        self.tasks = []
        self.retried = 0

    def run(self, coroutine, timeout=None):
        return asyncio.run_coroutine_threadsafe(coroutine, self.loop).result(timeout)

    async def _open_one(self, token, watched, gate):
        """Open one stream and wait for its ``ready``; a 503 or 429 is retried, as the browser app does."""
        async with gate:
            for _attempt in range(20):
                reader, writer = await asyncio.open_connection("127.0.0.1", self.port)
                writer.write(
                    f"GET /api/events HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer {token}\r\n"
                    "Accept: text/event-stream\r\n\r\n".encode()
                )
                await writer.drain()
                status = await reader.readline()
                if b" 200 " in status:
                    break
                writer.close()
                if b" 503 " not in status and b" 429 " not in status:
                    raise RuntimeError(f"stream refused: {status!r}")
                self.retried += 1
                await asyncio.sleep(1)
            else:
                raise RuntimeError("stream refused 20 times")
            while (await reader.readline()) not in (b"\r\n", b""):
                pass  # response headers
            self.writers.append(writer)
            ready = asyncio.get_running_loop().create_future()
            self.tasks.append(asyncio.get_running_loop().create_task(self._read(reader, watched, ready)))
            await ready

    async def _read(self, reader, watched, ready):
        """Read one chunked SSE body; record message arrivals on the watched stream."""
        self.open += 1
        event = None
        try:
            while True:
                line = await reader.readline()
                if not line:
                    break
                line = line.rstrip(b"\r\n")
                if line.startswith(b"event: "):
                    event = line[7:].decode()
                    if event == "ready" and not ready.done():
                        ready.set_result(None)
                    elif not (watched and event == "message"):
                        self.unexpected += 1
                elif line.startswith(b"data: ") and event == "message" and watched:
                    body = line[6:].split(b'"body":"', 1)[1].split(b'"', 1)[0].decode()
                    arrived = time.perf_counter()
                    with self.condition:
                        if body in self.arrivals:
                            self.unexpected += 1  # a duplicate
                        self.arrivals[body] = arrived
                        self.condition.notify_all()
        finally:
            self.open -= 1
            self.ended += 1
            if not ready.done():
                ready.set_exception(RuntimeError("stream ended before ready"))

    def open_streams(self, tokens, watched_token):
        async def open_all():
            gate = asyncio.Semaphore(CONNECT_CONCURRENCY)
            await asyncio.gather(
                self._open_one(watched_token, True, gate), *(self._open_one(t, False, gate) for t in tokens)
            )

        self.run(open_all())

    def wait_for(self, body, timeout):
        with self.condition:
            self.condition.wait_for(lambda: body in self.arrivals, timeout=timeout)
            return self.arrivals.get(body)

    def close(self):
        async def close_all():
            for writer in self.writers:
                writer.close()

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


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--streams", type=int, default=10000)
    parser.add_argument("--workers", type=int, default=2, help="gevent workers (one per core)")
    parser.add_argument("--samples", type=int, default=300, help="requests per route and phase")
    parser.add_argument("--messages", type=int, default=200)
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
    tokens = tokens[: args.streams - 1]

    server = AppProcess(env, workers=args.workers, graceful_timeout=5).wait_until_serving()
    streams = Streams(server.port)
    try:
        run = uuid.uuid4().hex[:8]
        ana, ben = sign_up(server.base_url, f"bench_a_{run}"), sign_up(server.base_url, f"bench_b_{run}")
        match_id = create_match(server.base_url, ana, ben)
        measure_routes(server.base_url, ana["headers"], 30)  # warm-up: connections, caches
        idle = measure_routes(server.base_url, ana["headers"], args.samples)
        memory_before = workers_rss_kb(server.process.pid)

        started = time.perf_counter()
        streams.open_streams(tokens, ben["token"])
        opened_in = time.perf_counter() - started
        time.sleep(2)  # let the workers settle after the burst of connections
        memory_after = workers_rss_kb(server.process.pid)
        busy = measure_routes(server.base_url, ana["headers"], args.samples)
        latencies, lost = delivery(server.base_url, streams, ana, match_id, args.messages)
        held = streams.open
    except Exception:
        print(server.read_log()[-4000:])
        raise
    finally:
        streams.close()
        server.stop()

    print(f"opened {args.streams} streams in {opened_in:.1f} s ({streams.retried} opens retried after a 503 or 429)")
    for name in ("ping", "matches"):
        print(f"GET /api/{name} with 0 streams: p50 {idle[name][0]:.2f} ms, p95 {idle[name][1]:.2f} ms")
        print(f"GET /api/{name} with {held} streams: p50 {busy[name][0]:.2f} ms, p95 {busy[name][1]:.2f} ms")
    ratio = max(busy[name][1] / idle[name][1] for name in ("ping", "matches"))
    delivery_p95 = percentile(latencies, 0.95) if latencies else float("inf")
    print(f"delivery to one stream among {held}: p50 {statistics.median(latencies):.2f} ms, p95 {delivery_p95:.2f} ms")
    print(f"messages lost: {lost}, unexpected or duplicated events: {streams.unexpected}")
    kb_per_stream = (memory_after - memory_before) / args.streams
    before_mb, after_mb = memory_before / 1024, memory_after / 1024
    print(f"workers' resident memory: {before_mb:.1f} MB with 0 streams, {after_mb:.1f} MB with {held}")
    print(
        f"streams held: {held}, api p95 ratio: {ratio:.2f}, delivery p95: {delivery_p95:.1f} ms, "
        f"KB per stream: {kb_per_stream:.1f}"
    )


if __name__ == "__main__":
    main()
