"""A burst of signups at bcrypt's production cost, and what the rest of the API feels meanwhile.

    python bench/signups.py [--signups 100] [--pool 1 2 4] [--workers 1] [--database-url URL]

For each ``BLOCKING_POOL_THREADS`` value in ``--pool``, starts gunicorn in the production
configuration (gevent workers, bcrypt cost 12, PostgreSQL on loopback), sends ``--signups``
signups at once, and meanwhile pings ``GET /api/ping`` and ``GET /api/health`` (a database
round trip) from another thread, one request after the other. Prints, per pool size: the
burst's wall time, the signups' p50/p95/max, and the two routes' p50/p95/max during the burst.
The database named in --database-url is emptied and migrated before each run.
"""

import argparse
import secrets
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from tempfile import TemporaryDirectory

import requests

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from messages import describe, reset_database  # noqa: E402

from tests.backend.processes import AppProcess  # noqa: E402

PASSWORD = "correct horse battery"


def burst(base_url, count):
    """``count`` signups at once; the seconds each took, and the burst's wall time."""

    def one(number):
        body = {"username": f"burst{number}", "email": f"burst{number}@example.com", "password": PASSWORD}
        started = time.perf_counter()
        response = requests.post(f"{base_url}/api/auth/signup", json={**body, "birthdate": "1990-05-15"}, timeout=600)
        assert response.status_code == 201, response.text
        return time.perf_counter() - started

    started = time.perf_counter()
    with ThreadPoolExecutor(count) as pool:
        durations = list(pool.map(one, range(count)))
    return durations, time.perf_counter() - started


def probe(base_url, path, until, timings):
    """Request ``path`` one after the other until ``until`` is set, recording each duration."""
    with requests.Session() as session:
        while not until.is_set():
            started = time.perf_counter()
            assert session.get(f"{base_url}{path}", timeout=60).status_code == 200
            timings.append(time.perf_counter() - started)


def run(args, pool_size, folder):
    reset_database(args.database_url)
    server = AppProcess(
        {
            "FRIENDER_ENV": "production",
            "JWT_SECRET_KEY": secrets.token_urlsafe(48),
            "DATABASE_URL": args.database_url,
            "SIGNUP_RATE_LIMIT": "100000 per hour",
            "BLOCKING_POOL_THREADS": str(pool_size),
            "MAIL_OUTBOX_DIR": str(Path(folder) / "outbox"),
            "LOCAL_STORAGE_DIR": str(Path(folder) / "uploads"),
        },
        workers=args.workers,
    )
    try:
        server.wait_until_serving()
        done = threading.Event()
        timings = {"/api/ping": [], "/api/health": []}
        probes = [
            threading.Thread(target=probe, args=(server.base_url, path, done, found)) for path, found in timings.items()
        ]
        for thread in probes:
            thread.start()
        durations, wall = burst(server.base_url, args.signups)
        done.set()
        for thread in probes:
            thread.join()
    finally:
        server.stop()
    print(f"BLOCKING_POOL_THREADS={pool_size}: {args.signups} signups in {wall:.1f} s")
    print(f"  signup        {describe(durations)}")
    for path, found in timings.items():
        print(f"  {path:<13} {describe(found)}   ({len(found)} requests during the burst)")


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--signups", type=int, default=100)
    parser.add_argument("--pool", type=int, nargs="+", default=[1, 2, 4])
    parser.add_argument("--workers", type=int, default=1)
    parser.add_argument(
        "--database-url", default="postgresql+psycopg2://postgres@127.0.0.1:5432/friender_bench_signups"
    )
    args = parser.parse_args()
    with TemporaryDirectory() as folder:
        for pool_size in args.pool:
            run(args, pool_size, folder)


if __name__ == "__main__":
    main()
