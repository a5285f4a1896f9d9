"""Discovery at scale: GET /api/discover?limit=20 through the app at a small and a large size.

Loads N synthetic users straight into a PostgreSQL database of its own with COPY (clustered
around the 50 largest US metros, tags drawn with a skewed popularity from a vocabulary of 150),
every one with a birthdate (mostly in their twenties and thirties) and an age range (most keep
18–99, some narrow it around their own age), builds the search rows with the app's own row
builder, gives a few viewers in New York (ZIP 10001) a 25-mile radius, 5 tags and 1,000 earlier
swipes (two of them want only people of 25 to 35), and measures p50/p95 of the endpoint
through the Flask app, with the median time and number of its statements — at 10,000 users
(database ``<name>_small``) and at N, alternating between the two request by request so that
other work on the machine weighs on both alike. On
the same data in the same run it measures a naive baseline (exact distance on every row, tags
intersected per row, ages computed with PostgreSQL's ``age()``, both ranges checked), checks
that both return the same people in the same order, and prints
the query plans of the fast path.

    .venv/bin/python bench/discovery.py                  # 1,000,000 users (heavy: ~6 minutes on 2 cores)
    .venv/bin/python bench/discovery.py --users 20000    # CI-sized

The databases (default ``bench_discovery`` and ``bench_discovery_small`` on 127.0.0.1) are created
if missing and their schema is dropped and rebuilt; never point this at a database you care about.
It is one file on purpose, like every bench: a benchmark is read, run and changed as one script.
"""

import argparse
import gc
import io
import json
import math
import os
import random
import statistics
import sys
import time
from collections import Counter
from datetime import UTC, datetime, timedelta
from types import SimpleNamespace

import psycopg2.extensions
import sqlalchemy as sa
from flask_jwt_extended import create_access_token
from flask_migrate import upgrade
from support import SqlClock, recreate_database

from friender import create_app
from friender.discovery import index
from friender.extensions import db
from friender.geo import all_zip_places, distance_miles, lookup_zip
from friender.models import SearchProfile, SearchTag, Swipe, Tag, User, latest_birthdate_for_age
from friender.profiles.service import update_profile

DEFAULT_URL = "postgresql+psycopg2://postgres@127.0.0.1:5432/bench_discovery"
SMALL = 10_000
VOCABULARY = [f"tag{rank:03d}" for rank in range(150)]
POPULARITY = [1 / (rank + 1) for rank in range(len(VOCABULARY))]  # Zipf: tag000 is the most popular
RADII, RADIUS_WEIGHTS = [5, 10, 25, 50, 100], [1, 2, 4, 2, 1]
METRO_SPREAD_MILES = 30
VIEWER_ZIP, VIEWER_RADIUS, VIEWER_SWIPES = "10001", 25, 1000
VIEWER_SEED = 5  # the same viewers (tags) at every size, so their figures compare
# The 50 largest metros: a central ZIP and the population in millions (the metros' weights).
METROS = [
    ("10001", 19.5),
    ("90012", 12.8),
    ("60601", 9.4),
    ("75201", 7.9),
    ("77002", 7.3),
    ("20001", 6.3),
    ("19103", 6.2),
    ("33130", 6.1),
    ("30303", 6.1),
    ("02108", 4.9),
    ("85003", 4.9),
    ("94103", 4.6),
    ("92501", 4.6),
    ("48226", 4.3),
    ("98101", 4.0),
    ("55401", 3.7),
    ("92101", 3.3),
    ("33602", 3.2),
    ("80202", 3.0),
    ("21201", 2.8),
    ("63101", 2.8),
    ("32801", 2.7),
    ("28202", 2.7),
    ("78205", 2.6),
    ("97204", 2.5),
    ("95814", 2.4),
    ("15222", 2.4),
    ("78701", 2.4),
    ("89101", 2.3),
    ("45202", 2.3),
    ("64106", 2.2),
    ("43215", 2.1),
    ("46204", 2.1),
    ("44113", 2.1),
    ("95113", 2.0),
    ("37203", 2.0),
    ("23451", 1.8),
    ("02903", 1.7),
    ("32202", 1.6),
    ("53202", 1.6),
    ("27601", 1.4),
    ("73102", 1.4),
    ("23219", 1.3),
    ("38103", 1.3),
    ("40202", 1.3),
    ("84101", 1.2),
    ("70112", 1.3),
    ("06103", 1.2),
    ("14202", 1.1),
    ("35203", 1.1),
]
OUTSIDE_METROS = 0.1  # the share of users spread over every ZIP in the country
INCOMPLETE = 0.05  # the share of users who never finished their profile
PASSWORD_HASH = "$2b$04$" + "x" * 53  # nobody signs in as a synthetic user
# The columns the load writes; COPY fills every other one from its server default.
USER_COLUMNS = [
    "id",
    "username",
    "email",
    "username_key",
    "email_key",
    "password_hash",
    "display_name",
    "bio",
    "hobbies",
    "interests",
    "zip_code",
    "city",
    "state",
    "latitude",
    "longitude",
    "friend_radius_miles",
    "birthdate",
    "age_min",
    "age_max",
    "email_verified_at",
    "token_generation",
    "created_at",
    "updated_at",
]
TODAY = datetime.now(UTC).date()
# Most people keep the default 18–99; some narrow it around their own age (the mutual rule bites).
AGE_RANGES, AGE_RANGE_WEIGHTS = ["any", "near", "band"], [6, 3, 1]


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--users", type=int, default=1_000_000, help="the large size (default 1,000,000)")
    parser.add_argument("--database-url", default=DEFAULT_URL, help="a PostgreSQL database on 127.0.0.1")
    parser.add_argument("--requests", type=int, default=200, help="timed requests per viewer and size")
    parser.add_argument("--naive-runs", type=int, default=5, help="timed naive queries per viewer and size")
    parser.add_argument("--seed", type=int, default=2026)
    return parser.parse_args()


def say(text=""):
    print(text, flush=True)


class Population:
    """Where synthetic users live: ZIPs near each metro's centre, and every ZIP for the rest."""

    def __init__(self, rng):
        self.rng = rng
        self.places = [place for place in all_zip_places() if place.latitude and place.longitude]
        self.metro_zips, self.metro_weights = [], []
        for zip_code, weight in METROS:
            centre = lookup_zip(zip_code)
            near = [
                place
                for place in self.places
                if abs(place.latitude - centre.latitude) < 1
                and abs(place.longitude - centre.longitude) < 1.5
                and distance_miles(centre.latitude, centre.longitude, place.latitude, place.longitude)
                <= METRO_SPREAD_MILES
            ]
            self.metro_zips.append(near)
            self.metro_weights.append(weight)

    def place(self):
        if self.rng.random() < OUTSIDE_METROS:
            return self.rng.choice(self.places)
        return self.rng.choice(self.rng.choices(self.metro_zips, self.metro_weights)[0])

    def tags(self, count):
        chosen = []
        while len(chosen) < count:
            tag = self.rng.choices(VOCABULARY, POPULARITY)[0]
            if tag not in chosen:
                chosen.append(tag)
        return [tag.capitalize() if self.rng.random() < 0.2 else tag for tag in chosen]


def age_range(rng, age):
    """The ages a synthetic person wants to meet: mostly anyone, else a few years around their own."""
    kind = rng.choices(AGE_RANGES, AGE_RANGE_WEIGHTS)[0]
    if kind == "any":
        return 18, 99
    spread = 5 if kind == "near" else 10
    low = max(18, age - spread)
    return low, min(99, max(low, age + spread))


def generate_users(count, rng):
    """``count`` synthetic users: (place, radius or None, hobbies, interests, birthdate, (age_min, age_max))."""
    population = Population(rng)
    users = []
    for _ in range(count):
        complete = rng.random() >= INCOMPLETE
        radius = rng.choices(RADII, RADIUS_WEIGHTS)[0] if complete else None
        age = min(80, 18 + int(rng.expovariate(1 / 14)))  # most people in their twenties and thirties
        birthdate = TODAY - timedelta(days=age * 365 + rng.randrange(365) + 1)
        users.append(
            (
                population.place(),
                radius,
                population.tags(rng.randint(1, 5)),
                population.tags(rng.randint(1, 5)),
                birthdate,
                age_range(rng, age),
            )
        )
    return users


def _copy(connection, table, columns, rows):
    buffer = io.StringIO()
    for row in rows:
        buffer.write("\t".join("\\N" if value is None else str(value) for value in row))
        buffer.write("\n")
    buffer.seek(0)
    cursor = connection.connection.dbapi_connection.cursor()
    # COPY cannot run under a wait callback, and the app installs one for its query timeouts.
    callback = psycopg2.extensions.get_wait_callback()
    psycopg2.extensions.set_wait_callback(None)
    try:
        cursor.copy_expert(f"COPY {table} ({', '.join(columns)}) FROM STDIN", buffer)
    finally:
        psycopg2.extensions.set_wait_callback(callback)


def load(engine, users):
    """Replace every user, tag and search row with ``users``, by COPY, then rebuild the indexes."""
    started = time.perf_counter()
    tables = [User.__table__, Tag.__table__, SearchProfile.__table__, SearchTag.__table__]
    names = Counter(
        name for _, radius, hobbies, interests, _, _ in users if radius for name in index.tag_names(hobbies, interests)
    )
    bits = index.choose_bits(names)
    tag_ids = {name: number for number, name in enumerate(sorted(names), start=1)}
    with engine.begin() as connection:
        connection.execute(sa.text("TRUNCATE users, tags RESTART IDENTITY CASCADE"))
        connection.execute(sa.text("SET LOCAL session_replication_role = replica"))  # no FK triggers during the load
        for table in tables:
            for table_index in table.indexes:
                connection.execute(sa.text(f"DROP INDEX IF EXISTS {table_index.name}"))
        _copy(connection, "tags", ["id", "name", "bit"], ((tag_ids[name], name, bits.get(name)) for name in tag_ids))
        now = "2026-11-22 00:00:00+00"
        chunk = 100_000
        for start in range(0, len(users), chunk):
            user_rows, profile_rows, tag_rows = [], [], []
            for offset, (place, radius, hobbies, interests, birthdate, (age_min, age_max)) in enumerate(
                users[start : start + chunk]
            ):
                user_id = start + offset + 1
                user = {
                    "id": user_id,
                    "username": f"user{user_id}",
                    "email": f"user{user_id}@example.com",
                    "username_key": f"user{user_id}",
                    "email_key": f"user{user_id}@example.com",
                    "password_hash": PASSWORD_HASH,
                    "display_name": f"Person {user_id}" if radius else None,
                    "bio": "",
                    "hobbies": json.dumps(hobbies),
                    "interests": json.dumps(interests),
                    "zip_code": place.zip_code,
                    "city": place.city,
                    "state": place.state,
                    "latitude": repr(place.latitude),
                    "longitude": repr(place.longitude),
                    "friend_radius_miles": radius,
                    "birthdate": birthdate.isoformat(),
                    "age_min": age_min,
                    "age_max": age_max,
                    "email_verified_at": now,
                    "token_generation": 0,
                    "created_at": now,
                    "updated_at": now,
                }
                user_rows.append(tuple(user.get(column) for column in USER_COLUMNS))
                if radius:
                    tags = [(tag_ids[name], bits.get(name)) for name in index.tag_names(hobbies, interests)]
                    searchable = SimpleNamespace(
                        id=user_id,
                        latitude=place.latitude,
                        longitude=place.longitude,
                        friend_radius_miles=radius,
                        birthdate=birthdate,
                        age_min=age_min,
                        age_max=age_max,
                    )
                    profile, rows = index.search_rows(searchable, tags)
                    profile_rows.append(
                        tuple(repr(value) if isinstance(value, float) else value for value in profile.values())
                    )
                    tag_rows.extend(
                        tuple(repr(value) if isinstance(value, float) else value for value in row.values())
                        for row in rows
                    )
            _copy(connection, "users", USER_COLUMNS, user_rows)
            if profile_rows:
                _copy(connection, "search_profiles", list(profile.keys()), profile_rows)
                _copy(connection, "search_tags", list(rows[0].keys()), tag_rows)
        connection.execute(sa.text(f"SELECT setval('users_id_seq', {len(users)})"))
        connection.execute(sa.text(f"SELECT setval('tags_id_seq', {len(tag_ids)})"))
        for table in tables:
            for table_index in table.indexes:
                table_index.create(connection)
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
        connection.execute(sa.text("VACUUM ANALYZE"))  # index-only scans need the visibility map
    return time.perf_counter() - started


def viewer_profiles(rng):
    """The viewers: the hard case (the 5 most popular tags), two typical ones, rare tags, tags nobody
    has, and viewers of 30 who only want to meet people of 25 to 35 (the mutual age rule then
    removes most people within reach, and everyone whose own range leaves 30 out)."""

    def profile(name, tags, age_range=(18, 99)):
        return name, {
            "display_name": name,
            "hobbies": tags[:3],
            "interests": tags[3:],
            "zip_code": VIEWER_ZIP,
            "friend_radius_miles": VIEWER_RADIUS,
            "birthdate": latest_birthdate_for_age(30, TODAY) - timedelta(days=40),
            "age_min": age_range[0],
            "age_max": age_range[1],
        }

    typical = [Population(rng).tags(5) for _ in range(2)]
    return [
        profile("hard: 5 most popular tags", VOCABULARY[:5]),
        profile("typical 1", typical[0]),
        profile("typical 2", typical[1]),
        profile("rare tags", VOCABULARY[-5:]),
        profile("tags nobody shares", [f"only-mine-{n}" for n in range(5)]),
        profile("ages 25-35: popular tags", VOCABULARY[:5], (25, 35)),
        profile("ages 25-35: typical tags", typical[0], (25, 35)),
    ]


def prepare_viewers(app, users, rng):
    """Turn a few New York users into the viewers (through the app's own profile update) and give them swipes."""
    centre = lookup_zip(VIEWER_ZIP)
    nearby = [
        user_id
        for user_id, (place, radius, *_) in enumerate(users, start=1)
        if radius
        and distance_miles(centre.latitude, centre.longitude, place.latitude, place.longitude) <= VIEWER_RADIUS
    ]
    rng.shuffle(nearby)
    viewers = []
    with app.app_context():
        for (name, changes), user_id in zip(viewer_profiles(random.Random(VIEWER_SEED)), nearby, strict=False):
            user = db.session.get(User, user_id)
            update_profile(user, changes)
            # Earlier swipes were on people discovery showed, but never on more than half of them,
            # so the small size still has people left to show.
            swiped = rng.sample(nearby, min(VIEWER_SWIPES, len(nearby) // 2))
            swiped += rng.sample(range(1, len(users) + 1), VIEWER_SWIPES - len(swiped))
            db.session.execute(
                sa.insert(Swipe),
                [
                    {"swiper_id": user_id, "swipee_id": other, "liked": rng.random() < 0.5}
                    for other in sorted(set(swiped) - {user_id})
                ],
            )
            db.session.commit()
            viewers.append((name, user_id, create_access_token(identity=str(user_id))))
        db.session.execute(sa.text("ANALYZE swipes"))
        db.session.commit()
    return viewers


def percentile(samples, fraction):
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, math.ceil(fraction * len(ordered)) - 1)]


NAIVE_QUERY = sa.text("""
    SELECT id FROM (
        SELECT u.id, u.friend_radius_miles AS radius,
               (SELECT count(DISTINCT lower(tag)) FROM (
                    SELECT json_array_elements_text(u.hobbies) AS tag
                    UNION ALL SELECT json_array_elements_text(u.interests)
                ) tags WHERE lower(tag) = ANY(:tags)) AS shared,
               :earth * acos(least(1.0, greatest(-1.0,
                   sin(radians(u.latitude)) * sin(radians(:lat))
                   + cos(radians(u.latitude)) * cos(radians(:lat)) * cos(radians(u.longitude - :lon))))) AS miles
        FROM users u
        WHERE u.id <> :viewer AND u.display_name IS NOT NULL AND u.friend_radius_miles IS NOT NULL
          AND u.latitude IS NOT NULL AND json_array_length(u.hobbies) > 0 AND json_array_length(u.interests) > 0
          AND u.email_verified_at IS NOT NULL AND u.birthdate IS NOT NULL
          AND date_part('year', age(:today, u.birthdate)) BETWEEN :age_min AND :age_max
          AND :viewer_age BETWEEN u.age_min AND u.age_max
          AND u.id NOT IN (SELECT swipee_id FROM swipes WHERE swiper_id = :viewer)
          AND u.id NOT IN (SELECT blocked_id FROM blocks WHERE blocker_id = :viewer)
          AND u.id NOT IN (SELECT blocker_id FROM blocks WHERE blocked_id = :viewer)
    ) candidates
    WHERE miles <= :radius AND miles <= radius
    ORDER BY shared DESC, miles, id
    LIMIT 20
""")

CANDIDATES_QUERY = sa.text("""
    SELECT count(*) FROM search_profiles p
    WHERE p.x * :vx + p.y * :vy + p.z * :vz >= greatest(:reach, p.cos_radius) AND p.user_id <> :viewer
""")


class Size:
    """One data set in its own database, with its app and its viewers."""

    def __init__(self, count, url, rng):
        self.count, self.url = count, url
        recreate_database(url)
        # Loading a large data set takes single statements longer than a request's timeout.
        self.app = create_app(
            {"FRIENDER_ENV": "testing", "SQLALCHEMY_DATABASE_URI": url, "DATABASE_STATEMENT_TIMEOUT_SECONDS": 0}
        )
        with self.app.app_context():
            upgrade()
        self.engine = sa.create_engine(url)
        users = generate_users(count, rng)
        seconds = load(self.engine, users)
        with self.engine.connect() as connection:
            rows = connection.scalar(sa.text("SELECT count(*) FROM search_tags"))
        say(f"loaded {count:,} users and {rows:,} search_tags rows in {seconds:.0f} s")
        self.viewers = prepare_viewers(self.app, users, rng)
        self.client = self.app.test_client()
        with self.app.app_context():
            self.sql = SqlClock(db.engine)

    def discover(self, token):
        response = self.client.get("/api/discover?limit=20", headers={"Authorization": f"Bearer {token}"})
        assert response.status_code == 200, response.get_json()
        return [user["id"] for user in response.get_json()["users"]]


def time_requests(sizes, requests):
    """Request by request, alternate the sizes and viewers, so a busy moment on a shared machine
    weighs on every size and viewer alike. Returns ``{(count, viewer): [ms, ...]}`` and
    ``{(count, viewer): [(SQL ms, statements), ...]}`` of the same requests."""
    timings = {(size.count, name): [] for size in sizes for name, _, _ in size.viewers}
    sql = {key: [] for key in timings}
    for size in sizes:
        for _, _, token in size.viewers:
            for _ in range(10):
                size.discover(token)
    for _ in range(requests):
        for size in sizes:
            for name, _, token in size.viewers:
                size.sql.reset()
                started = time.perf_counter()
                size.discover(token)
                timings[(size.count, name)].append((time.perf_counter() - started) * 1000)
                sql[(size.count, name)].append((size.sql.seconds * 1000, size.sql.statements))
    return timings, sql


def naive_and_checks(size, naive_runs):
    """Per viewer: naive p95 in SQL, whether the app returns the same people, and the candidate count."""
    figures = {}
    for name, user_id, token in size.viewers:
        fast_ids = size.discover(token)
        with size.app.app_context():
            viewer = db.session.get(User, user_id)
            params = {
                "viewer": user_id,
                "lat": viewer.latitude,
                "lon": viewer.longitude,
                "radius": viewer.friend_radius_miles,
                "tags": index.tag_names(viewer.hobbies, viewer.interests),
                "earth": index.EARTH_RADIUS_MILES,
                "today": datetime.now(UTC).date(),
                "age_min": viewer.age_min,
                "age_max": viewer.age_max,
                "viewer_age": viewer.age,
            }
            vx, vy, vz = index.unit_vector(viewer.latitude, viewer.longitude)
        naive_timings = []
        with size.engine.connect() as connection:
            for _ in range(naive_runs):
                started = time.perf_counter()
                naive_ids = list(connection.scalars(NAIVE_QUERY, params))
                naive_timings.append((time.perf_counter() - started) * 1000)
            reach = index.cos_of_radius(viewer.friend_radius_miles)
            candidates = connection.scalar(
                CANDIDATES_QUERY, {"vx": vx, "vy": vy, "vz": vz, "reach": reach, "viewer": user_id}
            )
        figures[name] = {
            "naive_p95": percentile(naive_timings, 0.95),
            "same": fast_ids == naive_ids,
            "candidates": candidates,
            "shown": len(fast_ids),
        }
    return figures


def explain(app, engine, user_id, token):
    """EXPLAIN (ANALYZE, BUFFERS) of every statement one discover request runs on the search tables."""
    statements = []

    def capture(_conn, _cursor, statement, parameters, _context, _executemany):
        if "search_tags" in statement or "search_profiles" in statement:
            statements.append((statement, parameters))

    with app.app_context():
        sa.event.listen(db.engine, "before_cursor_execute", capture)
        app.test_client().get("/api/discover?limit=20", headers={"Authorization": f"Bearer {token}"})
        sa.event.remove(db.engine, "before_cursor_execute", capture)
    plans = []
    with engine.connect() as connection:
        cursor = connection.connection.dbapi_connection.cursor()
        cursor.execute("SET jit = off")
        for statement, parameters in statements:
            cursor.execute("EXPLAIN (ANALYZE, BUFFERS, COSTS OFF) " + statement, parameters)
            plans.append("\n".join(row[0] for row in cursor.fetchall()))
        connection.rollback()
    return plans


def load_average():
    return "load average " + " ".join(f"{value:.2f}" for value in os.getloadavg())


def main():
    args = parse_args()
    rng = random.Random(args.seed)
    large_url = sa.engine.make_url(args.database_url)
    small_count = min(SMALL, args.users)
    small_url = large_url.set(database=f"{large_url.database}_small")
    say(f"== loading {small_count:,} users into {small_url.database} and {args.users:,} into {large_url.database} ==")
    small = Size(small_count, small_url.render_as_string(hide_password=False), rng)
    large = Size(args.users, large_url.render_as_string(hide_password=False), rng)
    with large.engine.connect() as connection:
        version = connection.scalar(sa.text("SHOW server_version"))
    say(
        f"\nPostgreSQL {version}; GET /api/discover?limit=20 through the Flask app, {args.requests} requests per "
        f"viewer and size, sizes and viewers alternating; naive baseline {args.naive_runs} runs per viewer and size"
    )
    # What gunicorn_config.post_worker_init does once a worker has loaded the app.
    gc.collect()
    gc.freeze()
    say(f"before timing: {load_average()} (2 cores, shared)")
    timings, sql = time_requests([small, large], args.requests)
    say(f"after timing:  {load_average()}")
    checks = {size.count: naive_and_checks(size, args.naive_runs) for size in (small, large)}

    rows = []
    for size in (small, large):
        say(f"\n== {size.count:,} users ==")
        say(
            f"{'viewer':<28} {'candidates':>10} {'p50 ms':>8} {'p95 ms':>8} {'sql p50':>8} {'stmts':>6}"
            f" {'naive p95 ms':>13} {'speed-up':>9}  same people"
        )
        for name, _, _ in size.viewers:
            samples, check = timings[(size.count, name)], checks[size.count][name]
            p50, p95 = statistics.median(samples), percentile(samples, 0.95)
            sql_p50 = statistics.median(ms for ms, _ in sql[(size.count, name)])
            statements = statistics.median(count for _, count in sql[(size.count, name)])
            say(
                f"{name:<28} {check['candidates']:>10,} {p50:>8.2f} {p95:>8.2f} {sql_p50:>8.2f} {statements:>6.0f}"
                f" {check['naive_p95']:>13.1f} {check['naive_p95'] / p95:>8.0f}x"
                f"  {'yes' if check['same'] else 'NO'} ({check['shown']} shown)"
            )
            rows.append((size.count, name, p95, check))

    p95s = {(count, name): p95 for count, name, p95, _ in rows}
    say(f"\n== {args.users:,} vs {small_count:,} users ==")
    say(f"{'viewer':<28} {'p95 ratio':>9} {'p95 ms':>8} {'speed-up':>9}")
    for name, _, _ in large.viewers:
        large_p95 = p95s[(args.users, name)]
        speedup = checks[args.users][name]["naive_p95"] / large_p95
        say(f"{name:<28} {large_p95 / p95s[(small_count, name)]:>9.2f} {large_p95:>8.2f} {speedup:>8.0f}x")
    worst_p95 = max(p95s[(args.users, name)] for name, _, _ in large.viewers)
    worst_ratio = max(p95s[(args.users, name)] / p95s[(small_count, name)] for name, _, _ in large.viewers)
    worst_speedup = min(
        checks[args.users][name]["naive_p95"] / p95s[(args.users, name)] for name, _, _ in large.viewers
    )
    all_same = all(check["same"] for _, _, _, check in rows)
    say(f"\ntargets at {args.users:,} users:")
    for label, figure, met in (
        ("p95 <= 20 ms for every viewer", f"worst {worst_p95:.2f} ms", worst_p95 <= 20),
        (f"p95 <= 3x the {small_count:,}-user p95", f"worst {worst_ratio:.2f}x", worst_ratio <= 3),
        ("p95 <= 10 ms for every viewer (issue 19)", f"worst {worst_p95:.2f} ms", worst_p95 <= 10),
        (f"p95 <= 2x the {small_count:,}-user p95 (issue 19)", f"worst {worst_ratio:.2f}x", worst_ratio <= 2),
        (">= 20x faster than the naive baseline", f"worst {worst_speedup:.0f}x", worst_speedup >= 20),
        ("same people as the naive baseline", "every viewer, both sizes", all_same),
    ):
        say(f"  {label:<44} {figure:<26} {'met' if met else 'MISSED'}")

    hard_name, hard_id, hard_token = large.viewers[0]
    say(f"\n== query plans of one request by the {hard_name!r} viewer at {args.users:,} users ==")
    for plan in explain(large.app, large.engine, hard_id, hard_token):
        say(plan)
        say()
    for size in (small, large):
        size.engine.dispose()
    return 0 if all_same else 1


if __name__ == "__main__":
    sys.exit(main())
