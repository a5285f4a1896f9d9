"""Load test: gunicorn + PostgreSQL on loopback, driven by locust (headless, bounded).

    python bench/loadtest.py [--users 100] [--duration 120] [--phase-seconds 40] [--rounds 4]

Three phases against one server started here (gunicorn as the compose file runs it: 4 workers):
  1. bare    — GET /api/ping (no database): the server's ceiling for a Flask JSON endpoint;
  2. swipe   — POST /api/swipes from pre-signed-in users: the swipe endpoint's throughput;
     the two alternate in --rounds short rounds, so both see the same drift in machine speed;
  3. journey — --users people each sign up, fill their profile, discover, swipe, and message
               their matches, for --duration seconds.
It prints requests/s, p50/p95/p99 and errors per phase, and the swipe/bare throughput ratio
(target ≥ 0.5); the journey must finish with zero errors. Traffic goes to 127.0.0.1 only.
"""

# isort: skip_file
# locust patches the standard library with gevent; it must be imported before anything else.
from locust import HttpUser, constant, task
from locust.env import Environment

import argparse
import os
import random
import secrets
import subprocess
import sys

import gevent
import requests
import sqlalchemy as sa
from support import BIN, BIRTHDATE, ROOT, recreate_database, serving, verification_token

PASSWORD = "load-test-password"
ZIPS = ["10001", "10003", "10011", "10016", "10019", "10025", "11201", "07302"]
TAGS = ["Hiking", "Chess", "Cooking", "Jazz", "Film", "Coffee", "Running", "Yoga", "Travel", "Podcasts"]


def profile_for(rng):
    return {
        "display_name": f"Load {rng.randint(1, 10**6)}",
        "hobbies": rng.sample(TAGS[:5], 2),
        "interests": rng.sample(TAGS[5:], 2),
        "zip_code": rng.choice(ZIPS),
        "friend_radius_miles": 25,
    }


def server_settings(database_url):
    """The production configuration, as gunicorn gets it through the environment."""
    return {
        "FRIENDER_ENV": "production",
        "DATABASE_URL": database_url,
        "JWT_SECRET_KEY": secrets.token_urlsafe(48),
        "REDIS_URL": os.environ.get("LOADTEST_REDIS_URL", "redis://127.0.0.1:6379/3"),
        # One address sends every request here; per-address signup limits would measure nothing.
        "SIGNUP_RATE_LIMIT": "1000000 per hour",
        "LOCAL_STORAGE_DIR": str(ROOT / "bench" / ".loadtest-uploads"),
        "FRONTEND_DIST": "/nonexistent",
    }


def prepare(env, seed_people):
    """Migrate the database and seed ``seed_people`` people around New York."""
    env = {**os.environ, **env}
    subprocess.run([BIN / "flask", "--app", "friender", "db", "upgrade"], env=env, check=True, cwd=ROOT)
    subprocess.run(
        [BIN / "python", "seed.py", "--users", str(seed_people), "--no-photos", "--radius", "10"],
        env=env,
        check=True,
        cwd=ROOT,
    )


def sign_up(base_url, rng, profile=True):
    username = f"load_{secrets.token_hex(6)}"
    body = requests.post(
        f"{base_url}/api/auth/signup",
        json={"username": username, "email": f"{username}@example.com", "password": PASSWORD, "birthdate": BIRTHDATE},
        timeout=30,
    ).json()
    headers = {"Authorization": f"Bearer {body['access_token']}"}
    if profile:
        requests.patch(f"{base_url}/api/me", json=profile_for(rng), headers=headers, timeout=30).raise_for_status()
    return body["user"]["id"], headers


class PingUser(HttpUser):
    wait_time = constant(0)

    @task
    def ping(self):
        self.client.get("/api/ping")


class SwipeUser(HttpUser):
    """Swipes through the seeded people, once each per account, as fast as the server allows."""

    wait_time = constant(0)
    accounts: list = []  # (headers, people still to swipe) per account; kept across rounds
    free: list = []

    def on_start(self):
        self.headers, self.queue = self.free.pop()

    @task
    def swipe(self):
        if not self.queue:
            return
        self.client.post(
            "/api/swipes",
            json={"user_id": self.queue.pop(), "liked": random.random() < 0.3},
            headers=self.headers,
            name="/api/swipes",
        )


class JourneyUser(HttpUser):
    """A person: sign up, complete the profile, then discover, swipe and chat."""

    wait_time = constant(1)

    database_url = None  # set before the phase: the verification link is read from the app's outbox table

    def on_start(self):
        rng = random.Random()
        username = f"journey_{secrets.token_hex(6)}"
        email = f"{username}@example.com"
        response = self.client.post(
            "/api/auth/signup",
            json={"username": username, "email": email, "password": PASSWORD, "birthdate": BIRTHDATE},
            name="/api/auth/signup",
        )
        self.headers = {"Authorization": f"Bearer {response.json()['access_token']}"}
        token = verification_token(self.database_url, email)
        self.client.post("/api/auth/verify-email", json={"token": token}, name="/api/auth/verify-email")
        self.client.patch("/api/me", json=profile_for(rng), headers=self.headers, name="/api/me")

    @task(3)
    def discover_and_swipe(self):
        users = self.client.get("/api/discover?limit=5", headers=self.headers, name="/api/discover").json()["users"]
        for person in users[:2]:
            self.client.post(
                "/api/swipes",
                json={"user_id": person["id"], "liked": random.random() < 0.7},
                headers=self.headers,
                name="/api/swipes",
            )

    @task(1)
    def chat(self):
        matches = self.client.get("/api/matches", headers=self.headers, name="/api/matches").json()["matches"]
        if matches:
            match_id = random.choice(matches)["id"]
            self.client.post(
                f"/api/matches/{match_id}/messages",
                json={"body": "Hello from the load test!"},
                headers=self.headers,
                name="/api/matches/{id}/messages",
            )
            self.client.get(
                f"/api/matches/{match_id}/messages?limit=20",
                headers=self.headers,
                name="/api/matches/{id}/messages",
            )


def run_phase(user_class, base_url, users, seconds, spawn_rate):
    """Run one locust phase and return its total stats entry."""
    env = Environment(user_classes=[user_class], host=base_url)
    runner = env.create_local_runner()
    runner.start(users, spawn_rate=spawn_rate)
    gevent.sleep(seconds)
    runner.quit()
    return env.stats


def report(name, stats, rps=None):
    total = stats.total
    rps = total.total_rps if rps is None else rps
    print(
        f"{name:8s} requests={total.num_requests:7d} errors={total.num_failures:4d} "
        f"rps={rps:8.1f} p50={total.get_response_time_percentile(0.5):6.0f} ms "
        f"p95={total.get_response_time_percentile(0.95):6.0f} ms p99={total.get_response_time_percentile(0.99):6.0f} ms"
    )
    for key, entry in sorted(stats.entries.items()):
        p95 = entry.get_response_time_percentile(0.95)
        print(f"         {key[1]:6s} {key[0]:32s} n={entry.num_requests:6d} p95={p95:6.0f} ms")
    for error in stats.errors.values():
        print(f"         error x{error.occurrences}: {error.method} {error.name}: {error.error}")
    return total


def _merge(into, stats):
    into.total.extend(stats.total)
    for (name, method), entry in stats.entries.items():
        into.get(name, method).extend(entry)
    for key, error in stats.errors.items():
        if key in into.errors:
            into.errors[key].occurrences += error.occurrences
        else:
            into.errors[key] = error


def measure_throughput(base_url, rounds, seconds):
    """Alternate short bare and swipe rounds; return each one's merged stats and requests/s.

    The machine is shared (and its neighbours' load drifts), so one long phase after the other
    can compare a fast minute with a slow one; interleaving exposes both to the same drift.
    """
    merged, busy_seconds = {}, {"bare": 0.0, "swipe": 0.0}
    for round_number in range(1, rounds + 1):
        figures = {}
        for name, user_class in (("bare", PingUser), ("swipe", SwipeUser)):
            SwipeUser.free = list(SwipeUser.accounts)
            stats = run_phase(user_class, base_url, 20, seconds / rounds, spawn_rate=100)
            figures[name] = stats.total.total_rps
            if stats.total.total_rps:
                busy_seconds[name] += stats.total.num_requests / stats.total.total_rps
            if name in merged:
                _merge(merged[name], stats)
            else:
                merged[name] = stats
        print(f"round {round_number}: bare {figures['bare']:7.1f} rps, swipe {figures['swipe']:6.1f} rps, "
              f"ratio {figures['swipe'] / figures['bare'] if figures['bare'] else 0:.2f}")  # fmt: skip
    rps = {name: merged[name].total.num_requests / busy_seconds[name] if busy_seconds[name] else 0.0 for name in merged}
    return merged, rps


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--users", type=int, default=100, help="concurrent people in the journey phase")
    parser.add_argument("--duration", type=int, default=120, help="seconds of the journey phase")
    parser.add_argument("--phase-seconds", type=int, default=40, help="seconds of each throughput phase")
    parser.add_argument("--rounds", type=int, default=4, help="bare/swipe alternations the phases are cut into")
    # The compose file's worker count; 8 threads each serve the 100-person journey.
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--threads", type=int, default=8)
    parser.add_argument(
        "--database-url",
        default=os.environ.get("LOADTEST_DATABASE_URL", "postgresql+psycopg2://postgres@127.0.0.1:5432/friender_load"),
    )
    args = parser.parse_args()

    recreate_database(args.database_url)
    env = server_settings(args.database_url)
    prepare(env, seed_people=3000)
    with serving(env, args.workers, args.threads) as server:
        rng = random.Random(1)
        engine = sa.create_engine(args.database_url)
        with engine.connect() as connection:
            people = list(connection.execute(sa.text("SELECT id FROM users WHERE username LIKE 'seed%'")).scalars())
        engine.dispose()
        JourneyUser.database_url = args.database_url
        SwipeUser.accounts = [(sign_up(server.base_url, rng)[1], random.sample(people, len(people))) for _ in range(20)]
        merged, rps = measure_throughput(server.base_url, args.rounds, args.phase_seconds)
        bare = report("bare", merged["bare"], rps["bare"])
        swipe = report("swipe", merged["swipe"], rps["swipe"])

        journey = report(
            "journey",
            run_phase(JourneyUser, server.base_url, args.users, args.duration, spawn_rate=max(1, args.users // 10)),
        )

    ratio = rps["swipe"] / rps["bare"] if rps["bare"] else 0.0
    print(f"swipe/bare throughput ratio: {ratio:.2f} (target ≥ 0.5)")
    print(f"journey errors: {journey.num_failures} over {journey.num_requests} requests (target 0)")
    return 0 if journey.num_failures == 0 and swipe.num_failures == 0 and bare.num_failures == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
