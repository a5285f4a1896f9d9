"""Per-URL cost of presigned GET URLs: plain boto3 against the app's cached path.

A discovery page carries up to 140 photo URLs (20 profiles × 6 photos + thumbnails). This
signs the URLs of such a page with boto3 on every request, then serves the same pages
through ``friender.storage.signed_url`` (signed once, reused for half their lifetime), and
prints both per-URL costs and their ratio, measured in the same run. S3 is moto's in-process
mock, so nothing touches the network.

    .venv/bin/python bench/presign.py [--pages 200] [--urls 140]
"""

import argparse
import os
import statistics
import time
import uuid

os.environ.setdefault("AWS_ACCESS_KEY_ID", "bench")
os.environ.setdefault("AWS_SECRET_ACCESS_KEY", "bench")

from moto import mock_aws  # noqa: E402

from friender import create_app  # noqa: E402
from friender.storage import get_storage, signed_url  # noqa: E402

BUCKET = "friender-bench"
ROUNDS = 5


def per_url_microseconds(keys, pages, sign):
    """The best of a few rounds of ``pages`` page loads, in µs per URL."""
    results = []
    for _ in range(ROUNDS):
        start = time.perf_counter()
        for _ in range(pages):
            for key in keys:
                sign(key)
        results.append((time.perf_counter() - start) / (pages * len(keys)) * 1e6)
    return min(results), statistics.median(results)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, default=200, help="page loads per round")
    parser.add_argument("--urls", type=int, default=140, help="photo URLs per page")
    args = parser.parse_args()

    with mock_aws():
        app = create_app(
            {
                "FRIENDER_ENV": "testing",
                "SQLALCHEMY_DATABASE_URI": "sqlite://",
                "STORAGE_BACKEND": "s3",
                "S3_BUCKET": BUCKET,
            }
        )
        with app.app_context():
            storage = get_storage()
            client = storage.client
            expires = app.config["PHOTO_URL_EXPIRES_SECONDS"]
            keys = [f"photos/{uuid.uuid4()}.jpg" for _ in range(args.urls)]

            def plain_boto3(key):
                return client.generate_presigned_url(
                    "get_object", Params={"Bucket": BUCKET, "Key": key}, ExpiresIn=expires
                )

            plain_boto3(keys[0])  # load botocore's models before timing
            boto_best, boto_median = per_url_microseconds(keys, max(1, args.pages // 20), plain_boto3)

            storage.url_cache.clear()
            start = time.perf_counter()
            for key in keys:
                signed_url(key)
            first_page = (time.perf_counter() - start) / len(keys) * 1e6
            app_best, app_median = per_url_microseconds(keys, args.pages, signed_url)

    print(f"URLs per page: {args.urls}; URL lifetime: {expires} s (reused for the first {expires // 2} s)")
    print(f"plain boto3 generate_presigned_url: {boto_best:8.2f} µs/URL (median {boto_median:.2f})")
    print(f"app, first page (signs and caches): {first_page:8.2f} µs/URL")
    print(f"app, cached path (signed_url):      {app_best:8.2f} µs/URL (median {app_median:.2f})")
    print(f"ratio plain/app cached: {boto_best / app_best:.1f}x (target >= 25x)")
    page_boto, page_app = boto_best * args.urls / 1000, app_best * args.urls / 1000
    print(f"a {args.urls}-URL page: boto3 {page_boto:.2f} ms, app {page_app:.3f} ms")


if __name__ == "__main__":
    main()
