"""Message delivery latency across two app processes, and what open streams cost a gthread worker.

    python bench/messages.py [--messages 300] [--database-url URL] [--redis-url URL]

Part 1 starts two gunicorn processes (production configuration) sharing PostgreSQL and Redis,
holds one user's event stream open on process B, and sends --messages messages one at a time
through process A. Delivery latency is the time from starting the POST on A to reading the
event on B's stream (a reader thread timestamps each event as it arrives). The baseline measured
in the same run is the POST's own round trip: the least any design that learns about a message
from its sender's request could take. Target: delivery p95 ≤ 50 ms.

Part 2 starts one process with one worker (gevent since issue 14: --threads is ignored) and measures
GET /api/health while 0, half, all-but-one and all of the threads hold open streams, to show
how many streams a worker can hold before other requests wait.

Only 127.0.0.1 is used. The database named in --database-url is dropped and recreated.
"""

import argparse
import secrets
import socket
import statistics
import sys
import threading
import time
import uuid
from pathlib import Path

import requests

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from support import BIRTHDATE, recreate_database, verification_token  # noqa: E402

from tests.backend.processes import AppProcess  # noqa: E402
from tests.backend.sse import LiveStream  # noqa: E402

PASSWORD = "bench-messages-password"
PROFILE = {
    "display_name": "Bench",
    "hobbies": ["Chess"],
    "interests": ["Jazz"],
    "zip_code": "10001",
    "friend_radius_miles": 25,
}


def reset_database(url):
    """Create the bench database if needed and empty it, then migrate it to the latest revision."""
    recreate_database(url)

    from flask_migrate import upgrade

    from friender import create_app

    with create_app({"FRIENDER_ENV": "testing", "SQLALCHEMY_DATABASE_URI": url}).app_context():
        upgrade()


def sign_up(base_url, name, database_url):
    """A verified account with a complete profile (only verified people may send messages)."""
    email = f"{name}@example.com"
    response = requests.post(
        f"{base_url}/api/auth/signup",
        json={"username": name, "email": email, "password": PASSWORD, "birthdate": BIRTHDATE},
        timeout=30,
    )
    response.raise_for_status()
    body = response.json()
    token = verification_token(database_url, email)
    requests.post(f"{base_url}/api/auth/verify-email", json={"token": token}, timeout=30).raise_for_status()
    headers = {"Authorization": f"Bearer {body['access_token']}"}
    requests.patch(f"{base_url}/api/me", json=PROFILE, headers=headers, timeout=30).raise_for_status()
    return {"id": body["user"]["id"], "token": body["access_token"], "headers": headers}


def create_match(base_url, first, second):
    """Both say yes through POST /api/swipes; returns the match id."""
    for swiper, target in ((first, second), (second, first)):
        body = {"user_id": target["id"], "liked": True}
        response = requests.post(f"{base_url}/api/swipes", json=body, headers=swiper["headers"], timeout=30)
        response.raise_for_status()
    return response.json()["match"]["id"]


def percentile(values, fraction):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


def describe(values):
    milliseconds = [value * 1000 for value in values]
    return (
        f"p50 {percentile(milliseconds, 0.50):6.2f} ms   p95 {percentile(milliseconds, 0.95):6.2f} ms   "
        f"max {max(milliseconds):6.2f} ms   mean {statistics.fmean(milliseconds):6.2f} ms"
    )


class Arrivals:
    """Reads a stream in a thread and records when each message (by body) arrives."""

    def __init__(self, stream):
        self.stream = stream
        self.times = {}
        self.condition = threading.Condition()
        self.thread = threading.Thread(target=self._read, daemon=True)
        self.thread.start()

    def _read(self):
        try:
            while True:
                frame = self.stream.next_frame()
                if frame.event == "message":
                    arrived = time.perf_counter()
                    with self.condition:
                        self.times[frame.data["body"]] = arrived
                        self.condition.notify_all()
        except (OSError, EOFError, ValueError):
            return

    def stop(self):
        """End the reader (the socket reads EOF) and close the stream."""
        self.stream.sock.shutdown(socket.SHUT_RDWR)
        self.thread.join(timeout=5)
        self.stream.close()

    def wait_for(self, body, timeout):
        with self.condition:
            self.condition.wait_for(lambda: body in self.times, timeout=timeout)
            return self.times.get(body)


def delivery_latency(args, env):
    processes = [AppProcess(env, threads=args.threads), AppProcess(env, threads=args.threads)]
    try:
        sender_process, receiver_process = (process.wait_until_serving() for process in processes)
        run = uuid.uuid4().hex[:8]
        ana = sign_up(sender_process.base_url, f"bench_a_{run}", args.database_url)
        ben = sign_up(sender_process.base_url, f"bench_b_{run}", args.database_url)
        match_id = create_match(sender_process.base_url, ana, ben)
        stream = LiveStream(receiver_process.port, ben["token"], timeout=30)
        assert stream.next_event().event == "ready"
        arrivals = Arrivals(stream)
        session = requests.Session()
        url = f"{sender_process.base_url}/api/matches/{match_id}/messages"
        for warm_up in range(10):
            session.post(url, json={"body": f"warm-up {warm_up}"}, headers=ana["headers"], timeout=10)
            arrivals.wait_for(f"warm-up {warm_up}", timeout=5)

        deliveries, round_trips, lost = [], [], 0
        for number in range(args.messages):
            body = f"message {number}"
            started = time.perf_counter()
            response = session.post(url, json={"body": body}, headers=ana["headers"], timeout=10)
            answered = time.perf_counter()
            assert response.status_code == 201, response.text
            arrived = arrivals.wait_for(body, timeout=5)
            if arrived is None:
                lost += 1
                continue
            deliveries.append(arrived - started)
            round_trips.append(answered - started)
        arrivals.stop()

        print(f"Part 1: {args.messages} messages sent through process A, read on a stream held on process B")
        print(f"  POST round trip (baseline)  {describe(round_trips)}")
        print(f"  delivery to the stream      {describe(deliveries)}")
        print(f"  undelivered within 5 s      {lost}")
        ratio = percentile(deliveries, 0.95) / percentile(round_trips, 0.95)
        p95 = percentile(deliveries, 0.95) * 1000
        print(f"  delivery p95 / POST p95     {ratio:.2f}")
        print(f"  target p95 <= 50 ms         {'met' if p95 <= 50 and not lost else 'NOT met'} ({p95:.2f} ms)")
        return p95 <= 50 and not lost
    finally:
        for process in processes:
            process.stop()


def health_latency(base_url, samples=20, timeout=2.0):
    """p50 of GET /api/health over ``samples`` requests, or None if one waits past ``timeout``."""
    times = []
    for _ in range(samples):
        started = time.perf_counter()
        try:
            requests.get(f"{base_url}/api/health", timeout=timeout).raise_for_status()
        except requests.Timeout:
            return None
        times.append(time.perf_counter() - started)
    return percentile(times, 0.5) * 1000


def stream_capacity(args, env):
    threads = args.threads
    process = AppProcess({**env, "EVENTS_HEARTBEAT_SECONDS": "1"}, threads=threads).wait_until_serving()
    streams = []
    try:
        run = uuid.uuid4().hex[:8]
        per_user = 10  # EVENTS_MAX_STREAMS_PER_USER
        users = [
            sign_up(process.base_url, f"bench_s{i}_{run}", args.database_url) for i in range(-(-threads // per_user))
        ]
        print(f"Part 2: one gevent worker; GET /api/health while {threads} streams and fewer are open")
        for target in sorted({0, threads // 2, threads - 1, threads}):
            while len(streams) < target:
                user = users[len(streams) // per_user]
                stream = LiveStream(process.port, user["token"], timeout=10)
                assert stream.next_event().event == "ready"
                streams.append(stream)
            latency = health_latency(process.base_url)
            shown = f"p50 {latency:6.2f} ms" if latency is not None else "waits (no free thread within 2 s)"
            print(f"  {target:3d} open streams: health {shown}")
    finally:
        for stream in streams:
            stream.close()
        process.stop()


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--messages", type=int, default=300)
    parser.add_argument("--threads", type=int, default=32, help="gthread threads per worker (the Makefile's)")
    parser.add_argument(
        "--database-url", default="postgresql+psycopg2://postgres@127.0.0.1:5432/friender_bench_messages"
    )
    parser.add_argument("--redis-url", default="redis://127.0.0.1:6379/11")
    args = parser.parse_args()

    reset_database(args.database_url)
    env = {
        "FRIENDER_ENV": "production",
        "DATABASE_URL": args.database_url,
        "REDIS_URL": args.redis_url,
        "JWT_SECRET_KEY": secrets.token_urlsafe(48),
        "EVENTS_CHANNEL_PREFIX": f"friender-bench-{uuid.uuid4().hex}:",
        "MESSAGE_RATE_LIMIT": "100000 per minute",
        "SIGNUP_RATE_LIMIT": "1000 per hour",
    }
    print(f"PostgreSQL {args.database_url.rsplit('@', 1)[-1]}, Redis {args.redis_url}, gunicorn gevent")
    met = delivery_latency(args, env)
    stream_capacity(args, env)
    sys.exit(0 if met else 1)


if __name__ == "__main__":
    main()
