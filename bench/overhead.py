"""What the app adds to the database's work, per hot endpoint, and swipe throughput vs a bare endpoint.

    python bench/overhead.py [--users 10000] [--requests 200] [--seconds 24] [--rounds 4]
    python bench/overhead.py --profile discover      # a pyinstrument profile of one endpoint instead

In one run, against its own PostgreSQL database (rebuilt from scratch) and the shared Redis:
  1. seeds --users people (seed.py) with two photo rows each, and signs up viewers in New York
     with matches and conversations;
  2. in process (the Flask test client, the production configuration), times each hot endpoint
     request by request, endpoints interleaved so that the machine's drift weighs on all alike,
     and the SQL inside each request (SQLAlchemy cursor events, plus its COMMIT or ROLLBACK):
     p50/p95 of the request, of its SQL and of the rest, the app's overhead;
  3. starts gunicorn on a loopback port and alternates short rounds of GET /api/ping (no
     database: a bare Flask endpoint) and POST /api/swipes from client processes holding
     keep-alive connections, and prints the swipe/bare throughput ratio and the workers' CPU
     milliseconds per request of each.
The last line is ``worst overhead p50: X ms (endpoint), swipe/bare: R``.
It is one file on purpose, like every bench: a benchmark is read, run and changed as one script.
"""

import argparse
import gc
import http.client
import json
import multiprocessing
import os
import random
import secrets
import statistics
import subprocess
import sys
import threading
import time
import uuid
from datetime import UTC, datetime, timedelta

import sqlalchemy as sa
from flask_migrate import upgrade
from support import BIN, ROOT, SqlClock, recreate_database, serving

from friender import create_app
from friender.extensions import db
from friender.models import Match, Message, Photo, User

PASSWORD = "overhead bench password"
VIEWERS = 8
MATCHES_PER_VIEWER = 20
MESSAGES_PER_MATCH = 60
ENDPOINTS = ("me", "discover", "swipe", "matches", "messages", "send")


def settings(database_url, secret):
    """The production configuration, as gunicorn gets it through the environment."""
    return {
        "FRIENDER_ENV": "production",
        "DATABASE_URL": database_url,
        "JWT_SECRET_KEY": secret,
        "REDIS_URL": os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/3"),
        "EVENTS_CHANNEL_PREFIX": os.environ.get("EVENTS_CHANNEL_PREFIX", "friender:bench-overhead:"),
        # One address and a few accounts send everything: the limits would measure nothing.
        "SIGNUP_RATE_LIMIT": "1000000 per hour",
        "MESSAGE_RATE_LIMIT": "1000000 per minute",
        "LOCAL_STORAGE_DIR": str(ROOT / "bench" / ".overhead-uploads"),
        "FRONTEND_DIST": "/nonexistent",
    }


def make_app(env):
    """The app as production builds it, from this environment."""
    os.environ.update(env)
    # config.py reads the environment when imported; the settings are passed again explicitly.
    return create_app(
        {
            "FRIENDER_ENV": "production",
            "SQLALCHEMY_DATABASE_URI": env["DATABASE_URL"],
            "JWT_SECRET_KEY": env["JWT_SECRET_KEY"],
            "REDIS_URL": env["REDIS_URL"],
            "RATELIMIT_STORAGE_URI": env["REDIS_URL"],
            "EVENTS_CHANNEL_PREFIX": env["EVENTS_CHANNEL_PREFIX"],
            "SIGNUP_RATE_LIMIT": env["SIGNUP_RATE_LIMIT"],
            "MESSAGE_RATE_LIMIT": env["MESSAGE_RATE_LIMIT"],
            "LOCAL_STORAGE_DIR": env["LOCAL_STORAGE_DIR"],
            "FRONTEND_DIST": env["FRONTEND_DIST"],
            "SERVER_NAME": None,
        }
    )


def seed(env, users):
    """People from seed.py, then two photo rows for each (URLs are signed, files never read)."""
    subprocess.run(
        [BIN / "python", "seed.py", "--users", str(users), "--no-photos", "--radius", "25"],
        env={**os.environ, **env},
        check=True,
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
    )
    ids = db.session.scalars(sa.select(User.id)).all()
    rows = [
        {
            "user_id": user_id,
            "storage_key": str(uuid.uuid4()),
            "status": "ready",
            "content_type": "image/jpeg",
            "width": 1200,
            "height": 900,
            "blurhash": "LEHV6nWB2yk8pyo0adR*.7kCMdnj",
            "position": position,
        }
        for user_id in ids
        for position in (0, 1)
    ]
    db.session.execute(sa.insert(Photo), rows)
    db.session.commit()
    return ids


def make_viewers(client, people):
    """Viewers in New York who share a seeded person's tags, each with matches and a conversation."""
    sample = db.session.execute(sa.select(User.hobbies, User.interests).where(User.zip_code == "10001").limit(1)).one()
    viewers = []
    now = datetime.now(UTC)
    for number in range(VIEWERS):
        name = f"viewer{number}_{secrets.token_hex(3)}"
        body = client.post(
            "/api/auth/signup",
            json={"username": name, "email": f"{name}@example.com", "password": PASSWORD, "birthdate": "1994-06-15"},
        ).get_json()
        # Discovery shows and serves verified addresses only; the mailed link is not what is measured.
        db.session.execute(sa.update(User).where(User.id == body["user"]["id"]).values(email_verified_at=now))
        db.session.commit()
        headers = {"Authorization": f"Bearer {body['access_token']}"}
        profile = {
            "display_name": name,
            "hobbies": sample.hobbies[:5],
            "interests": sample.interests[:5],
            "zip_code": "10001",
            "friend_radius_miles": 25,
        }
        assert client.patch("/api/me", json=profile, headers=headers).status_code == 200
        viewers.append({"id": body["user"]["id"], "headers": headers})
    rng = random.Random(7)
    for viewer in viewers:
        viewer["matches"] = []
        others = rng.sample(people, MATCHES_PER_VIEWER)
        for other in others:
            low, high = sorted((viewer["id"], other))
            match = Match(user_low_id=low, user_high_id=high, matched_at=now, last_activity_at=now)
            db.session.add(match)
            db.session.flush()
            db.session.add_all(
                Message(
                    match_id=match.id,
                    sender_id=(low, high)[n % 2],
                    body=f"message {n} about the weekend",
                    created_at=now - timedelta(minutes=MESSAGES_PER_MATCH - n),
                )
                for n in range(MESSAGES_PER_MATCH)
            )
            viewer["matches"].append(match.id)
        viewer["swipe_queue"] = [person for person in rng.sample(people, len(people)) if person not in others]
    db.session.commit()
    return viewers


def request_for(name, viewer):
    """(method, url, json body, expected status) of one request of the endpoint ``name``."""
    match_id = random.choice(viewer["matches"])
    if name == "me":
        return "GET", "/api/me", None, 200
    if name == "discover":
        return "GET", "/api/discover?limit=20", None, 200
    if name == "swipe":
        return "POST", "/api/swipes", {"user_id": viewer["swipe_queue"].pop(), "liked": random.random() < 0.5}, 201
    if name == "matches":
        return "GET", "/api/matches", None, 200
    if name == "messages":
        return "GET", f"/api/matches/{match_id}/messages", None, 200
    return "POST", f"/api/matches/{match_id}/messages", {"body": "See you at the climbing wall at six?"}, 201


def time_in_process(client, clock, viewers, requests, warmup):
    """Per endpoint: request seconds, SQL seconds and statement counts of ``requests`` requests."""
    samples = {name: [] for name in ENDPOINTS}
    for number in range(warmup + requests):
        viewer = viewers[number % len(viewers)]
        for name in ENDPOINTS:
            method, url, body, expected = request_for(name, viewer)
            clock.reset()
            started = time.perf_counter()
            response = client.open(url, method=method, json=body, headers=viewer["headers"])
            elapsed = time.perf_counter() - started
            if response.status_code != expected:
                sys.exit(f"{method} {url} answered {response.status_code}: {response.get_data(as_text=True)[:300]}")
            if number >= warmup:
                samples[name].append((elapsed, clock.seconds, clock.statements))
    return samples


def percentile(values, fraction):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


def print_overhead(samples):
    """The per-endpoint table; returns (worst overhead p50 in ms, its endpoint)."""
    print(f"{'endpoint':<10}{'req p50':>9}{'req p95':>9}{'sql p50':>9}{'sql p95':>9}"
          f"{'app p50':>9}{'app p95':>9}{'stmts':>7}   (ms)")  # fmt: skip
    worst = (0.0, "")
    for name, rows in samples.items():
        total = [row[0] * 1000 for row in rows]
        sql = [row[1] * 1000 for row in rows]
        app = [(row[0] - row[1]) * 1000 for row in rows]
        statements = statistics.median(row[2] for row in rows)
        figures = [percentile(total, 0.5), percentile(total, 0.95), percentile(sql, 0.5), percentile(sql, 0.95),
                   percentile(app, 0.5), percentile(app, 0.95)]  # fmt: skip
        print(f"{name:<10}" + "".join(f"{value:9.2f}" for value in figures) + f"{statements:7.0f}")
        worst = max(worst, (figures[4], name))
    return worst


def profile(client, viewers, name, requests):
    """Print a pyinstrument profile of ``requests`` requests of one endpoint."""
    from pyinstrument import Profiler  # a bench extra, needed only for --profile

    for viewer in viewers:  # warm caches and connections
        method, url, body, _ = request_for(name, viewer)
        client.open(url, method=method, json=body, headers=viewer["headers"])
    profiler = Profiler(interval=0.0002)
    profiler.start()
    for number in range(requests):
        viewer = viewers[number % len(viewers)]
        method, url, body, _ = request_for(name, viewer)
        client.open(url, method=method, json=body, headers=viewer["headers"])
    profiler.stop()
    print(profiler.output_text(unicode=True, color=False, show_all=False))


def _connection_loop(port, kind, work, deadline, counts):
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    headers = {**work["headers"], "Content-Type": "application/json"}
    while time.perf_counter() < deadline:
        if kind == "bare":
            connection.request("GET", "/api/ping")
        elif work["queue"]:
            body = json.dumps({"user_id": work["queue"].pop(), "liked": False})
            connection.request("POST", "/api/swipes", body=body, headers=headers)
        else:
            break
        response = connection.getresponse()
        response.read()
        counts[0] += 1
        counts[1] += response.status not in (200, 201)


def hammer(port, kind, works, seconds, results):
    """One client process: a keep-alive connection per work item, each as fast as the server answers."""
    deadline = time.perf_counter() + seconds
    counts = [[0, 0] for _ in works]
    threads = [
        threading.Thread(target=_connection_loop, args=(port, kind, work, deadline, count))
        for work, count in zip(works, counts, strict=True)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    results.put((sum(count[0] for count in counts), sum(count[1] for count in counts)))


def workers_cpu_seconds(master_pid):
    """CPU seconds (user + system) the gunicorn master's worker processes have used so far."""
    total = 0
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as stat:
                fields = stat.read().rsplit(")", 1)[1].split()
        except OSError:  # gone meanwhile
            continue
        if int(fields[1]) == master_pid:  # fields[1] is the parent's pid; 11 and 12 are utime, stime
            total += int(fields[11]) + int(fields[12])
    return total / os.sysconf("SC_CLK_TCK")


def measure_throughput(server, viewers, rounds, seconds, clients, connections):
    """Alternate bare and swipe rounds (the same drift for both); requests per second of each,
    and the workers' CPU milliseconds per request of each.

    The CPU figure does not depend on how the connections happened to spread over the workers:
    when one worker accepts all of a round's connections, throughput falls but not CPU per request.
    """
    port = server.port
    totals = {"bare": [0, 0.0, 0], "swipe": [0, 0.0, 0]}
    cpu = {"bare": 0.0, "swipe": 0.0}
    context = multiprocessing.get_context("fork")
    for round_number in range(1, rounds + 1):
        figures = {}
        for kind in ("bare", "swipe"):
            results = context.Queue()
            works = []
            for number in range(clients * connections):
                viewer = viewers[number % len(viewers)]
                # Each connection takes its own slice of a viewer's queue: no pair is swiped twice.
                share = viewer["swipe_queue"][: len(viewer["swipe_queue"]) // (clients * connections)]
                del viewer["swipe_queue"][: len(share)]
                works.append({"headers": viewer["headers"], "queue": share})
            processes = [
                context.Process(target=hammer, args=(port, kind, works[number::clients], seconds / rounds, results))
                for number in range(clients)
            ]
            started, cpu_before = time.perf_counter(), workers_cpu_seconds(server.process.pid)
            for process in processes:
                process.start()
            outcomes = [results.get() for _ in processes]
            for process in processes:
                process.join()
            elapsed = time.perf_counter() - started
            cpu[kind] += workers_cpu_seconds(server.process.pid) - cpu_before
            done = sum(outcome[0] for outcome in outcomes)
            totals[kind][0] += done
            totals[kind][1] += elapsed
            totals[kind][2] += sum(outcome[1] for outcome in outcomes)
            figures[kind] = done / elapsed
        print(f"round {round_number}: bare {figures['bare']:7.1f} rps, swipe {figures['swipe']:7.1f} rps, "
              f"ratio {figures['swipe'] / figures['bare']:.2f}")  # fmt: skip
    for kind, (_done, _elapsed, failures) in totals.items():
        if failures:
            sys.exit(f"{failures} {kind} requests failed")
    rps = {kind: done / elapsed for kind, (done, elapsed, _failures) in totals.items()}
    cpu_ms = {kind: cpu[kind] * 1000 / totals[kind][0] for kind in cpu}
    return rps, cpu_ms


def load_average():
    return " ".join(f"{value:.2f}" for value in os.getloadavg())


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--users", type=int, default=10_000, help="seeded people (default 10,000)")
    parser.add_argument("--requests", type=int, default=200, help="timed requests per endpoint")
    parser.add_argument("--warmup", type=int, default=10, help="untimed requests per endpoint first")
    parser.add_argument("--seconds", type=float, default=24, help="seconds of each throughput kind, all rounds")
    parser.add_argument("--rounds", type=int, default=4, help="bare/swipe alternations")
    parser.add_argument("--clients", type=int, default=2, help="client processes in the throughput rounds")
    parser.add_argument("--connections", type=int, default=4, help="keep-alive connections per client process")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers (one per core here)")
    parser.add_argument("--threads", type=int, default=4, help="gunicorn threads per worker")
    parser.add_argument(
        "--profile",
        choices=ENDPOINTS,
        action="append",
        help="print a pyinstrument profile of this endpoint (repeatable) and stop",
    )
    parser.add_argument(
        "--database-url",
        default=os.environ.get(
            "BENCH_OVERHEAD_DATABASE_URL", "postgresql+psycopg2://postgres@127.0.0.1:5432/bench_overhead"
        ),
    )
    args = parser.parse_args()

    recreate_database(args.database_url)
    env = settings(args.database_url, secrets.token_urlsafe(48))
    app = make_app(env)
    with app.app_context():
        upgrade()
        print(f"== seeding {args.users:,} people, {VIEWERS} viewers with {MATCHES_PER_VIEWER} matches each ==")
        people = seed(env, args.users)
        client = app.test_client()
        viewers = make_viewers(client, people)
        # Freshly loaded tables have neither statistics nor a visibility map; autovacuum gives production both.
        with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
            connection.exec_driver_sql("VACUUM ANALYZE")
        engine = db.engine
        db.session.remove()
    # From here each request pushes its own app context, as under gunicorn: a session (and its
    # transaction) per request, its connection checked out and returned, not one kept throughout.
    if args.profile:
        for name in args.profile:
            print(f"\n== profile of {args.requests} {name} requests; load average {load_average()} ==")
            profile(client, viewers, name, args.requests)
        return 0
    # What gunicorn_config.post_worker_init does once a worker has loaded the app.
    gc.collect()
    gc.freeze()
    clock = SqlClock(engine)
    print(f"\n== in process, {args.requests} requests per endpoint, interleaved; load average {load_average()} ==")
    samples = time_in_process(client, clock, viewers, args.requests, args.warmup)
    worst, worst_name = print_overhead(samples)
    print(f"load average after: {load_average()}")

    connections = f"{args.clients}x{args.connections} keep-alive connections"
    print(f"\n== gunicorn {args.workers}x{args.threads} on loopback, {connections}, {args.rounds} rounds; "
          f"load average {load_average()} ==")  # fmt: skip
    with serving(env, args.workers, args.threads) as server:
        rps, cpu_ms = measure_throughput(server, viewers, args.rounds, args.seconds, args.clients, args.connections)
    ratio = rps["swipe"] / rps["bare"]
    print(f"bare {rps['bare']:.1f} rps, swipe {rps['swipe']:.1f} rps; load average after: {load_average()}")
    print(f"worker CPU per request: bare {cpu_ms['bare']:.2f} ms, swipe {cpu_ms['swipe']:.2f} ms "
          f"(ratio {cpu_ms['bare'] / cpu_ms['swipe']:.2f})")  # fmt: skip
    print(f"worst overhead p50: {worst:.2f} ms ({worst_name}), swipe/bare: {ratio:.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
