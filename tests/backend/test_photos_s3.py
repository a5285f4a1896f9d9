"""Photos on the S3 backend: under moto's in-process mock (``mock_aws``), once over real HTTP
against moto's ``ThreadedMotoServer`` on a free port, and against a server that is not there."""

import base64
import io
import json
import time
from datetime import timedelta
from urllib.parse import urlsplit

import boto3
import pytest
import requests
import sqlalchemy as sa
from moto import mock_aws
from moto.server import ThreadedMotoServer
from PIL import Image

from friender.extensions import db
from friender.models import Photo, RetiredUploadForm, as_utc, utcnow
from friender.photos.sweep import sweep_storage
from friender.storage import StorageError, create_storage, get_storage

from . import photo_files as files
from .support import NYC_PROFILE, free_port

BUCKET = "friender-test"
APP_ORIGIN = "http://localhost:5173"


@pytest.fixture
def aws_credentials(monkeypatch):
    for name, value in {
        "AWS_ACCESS_KEY_ID": "test",
        "AWS_SECRET_ACCESS_KEY": "test",
        "AWS_SESSION_TOKEN": "test",
        "AWS_DEFAULT_REGION": "us-east-1",
    }.items():
        monkeypatch.setenv(name, value)


@pytest.fixture
def s3(aws_credentials, app):
    """The app on S3 under ``mock_aws``, after ``flask storage init``; yields a plain boto3 client."""
    with mock_aws():
        use_s3(app)
        result = app.test_cli_runner().invoke(args=["storage", "init", "--origin", APP_ORIGIN])
        assert result.exit_code == 0, result.output
        yield boto3.client("s3", region_name="us-east-1")


@pytest.fixture
def moto_server(aws_credentials):
    """A real moto S3 server over HTTP on a free 127.0.0.1 port."""
    port = free_port()
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    yield f"http://127.0.0.1:{port}"
    server.stop()


def use_s3(app, endpoint_url=None, timeout=5, public_endpoint_url=None):
    app.config.update(
        STORAGE_BACKEND="s3",
        S3_BUCKET=BUCKET,
        S3_ENDPOINT_URL=endpoint_url,
        S3_PUBLIC_ENDPOINT_URL=public_endpoint_url,
        S3_TIMEOUT_SECONDS=timeout,
    )
    app.extensions["friender_storage"] = create_storage(app.config)


def bucket_keys(client):
    return {item["Key"] for item in client.list_objects_v2(Bucket=BUCKET).get("Contents", [])}


def photo_rows():
    db.session.remove()
    return db.session.scalars(sa.select(Photo).order_by(Photo.id)).all()


def upload(client, user, *named_files):
    data = {"file": [(io.BytesIO(content), name) for name, content in named_files]}
    return client.post("/api/me/photos", data=data, headers=user.headers, content_type="multipart/form-data")


def request_upload(client, user, size, content_type="image/jpeg"):
    response = client.post(
        "/api/me/photos/upload-url", json={"content_type": content_type, "size": size}, headers=user.headers
    )
    assert response.status_code == 201, response.get_json()
    return response.get_json()


def post_form(grant, content):
    return requests.post(grant["url"], data=grant["fields"], files={"file": ("upload.jpg", content)}, timeout=10)


def decoded_policy(grant):
    return json.loads(base64.b64decode(grant["fields"]["policy"]))


@pytest.fixture
def user(make_user):
    return make_user(profile=NYC_PROFILE)


# --- under mock_aws -------------------------------------------------------------------------


def test_storage_init_creates_the_bucket_with_cors_for_the_app_origin(s3, app):
    rules = s3.get_bucket_cors(Bucket=BUCKET)["CORSRules"]
    again = app.test_cli_runner().invoke(args=["storage", "init", "--origin", APP_ORIGIN])
    buckets = app.test_cli_runner().invoke(args=["storage", "ls"])

    assert rules[0]["AllowedOrigins"] == [APP_ORIGIN]
    assert set(rules[0]["AllowedMethods"]) == {"GET", "HEAD", "POST"}
    assert f"Bucket {BUCKET} exists." in again.output
    assert buckets.output.split() == [BUCKET]


def test_presigned_get_url_returns_the_stored_bytes(s3, client, user):
    response = upload(client, user, ("gps.jpg", files.jpeg_with_metadata(size=(2400, 1200))))

    assert response.status_code == 201, response.get_json()
    photo = response.get_json()["photos"][0]
    assert "X-Amz-Algorithm=AWS4-HMAC-SHA256" in photo["url"] and "X-Amz-Expires=3600" in photo["url"]
    assert "gps" not in photo["url"]
    fetched = requests.get(photo["url"], timeout=10)
    key = urlsplit(photo["url"]).path.split(f"/{BUCKET}/", 1)[-1].lstrip("/")
    assert fetched.status_code == 200
    # Browsers keep the photo for the link's lifetime instead of revalidating it on every view.
    assert fetched.headers["Cache-Control"] == "private, max-age=3600, immutable"
    assert fetched.content == s3.get_object(Bucket=BUCKET, Key=key)["Body"].read()
    image = Image.open(io.BytesIO(fetched.content))
    assert image.size == (1600, 800) and dict(image.getexif()) == {}
    files.assert_no_metadata(fetched.content)
    assert len(bucket_keys(s3)) == 2
    again = client.get("/api/me/photos", headers=user.headers).get_json()["photos"][0]
    assert (again["url"], again["thumb_url"]) == (photo["url"], photo["thumb_url"])  # from the signed-URL cache


def test_presigned_post_with_the_returned_fields_uploads_and_confirm_makes_a_photo(s3, client, user):
    content = files.png(size=(900, 900))
    grant = request_upload(client, user, len(content), "image/png")

    policy = decoded_policy(grant)
    assert ["content-length-range", 1, len(content)] in policy["conditions"]
    assert {"Content-Type": "image/png"} in policy["conditions"]
    assert grant["fields"]["x-amz-algorithm"] == "AWS4-HMAC-SHA256"
    assert grant["fields"]["key"].startswith("uploads/")
    posted = post_form(grant, content)
    assert posted.status_code == 204, posted.text
    assert bucket_keys(s3) == {grant["fields"]["key"]}

    confirmed = client.post(f"/api/me/photos/{grant['photo_id']}/confirm", headers=user.headers)

    assert confirmed.status_code == 200, confirmed.get_json()
    photo = confirmed.get_json()
    assert (photo["id"], photo["width"], photo["height"]) == (grant["photo_id"], 900, 900)
    assert requests.get(photo["thumb_url"], timeout=10).status_code == 200
    assert {key.split("/")[0] for key in bucket_keys(s3)} == {"photos"} and len(bucket_keys(s3)) == 2


def test_a_direct_upload_over_the_size_limit_is_refused_and_removed(s3, client, user):
    grant = request_upload(client, user, 1000)
    assert ["content-length-range", 1, 1000] in decoded_policy(grant)["conditions"]
    # S3 and MinIO refuse this POST (EntityTooLarge); moto does not check POST policies, so
    # the object lands and confirm is the second line of defence.
    post_form(grant, files.jpeg() + b"\0" * (11 * files.MB))

    confirmed = client.post(f"/api/me/photos/{grant['photo_id']}/confirm", headers=user.headers)

    assert confirmed.status_code == 413 and confirmed.get_json()["error"] == "payload_too_large"
    assert photo_rows() == [] and bucket_keys(s3) == set()


def test_download_delete_and_account_deletion_on_s3(s3, client, user, make_user):
    first, second = upload(client, user, ("a.jpg", files.jpeg()), ("b.jpg", files.jpeg())).get_json()["photos"]

    download = client.get(f"/api/me/photos/{first['id']}/download", headers=user.headers)
    assert download.status_code == 302
    assert "response-content-disposition=attachment" in download.headers["Location"]
    fetched = requests.get(download.headers["Location"], timeout=10)
    assert fetched.status_code == 200 and fetched.headers["Content-Disposition"].startswith("attachment")

    assert client.delete(f"/api/me/photos/{first['id']}", headers=user.headers).status_code == 204
    assert len(bucket_keys(s3)) == 2
    assert client.delete("/api/me", json={"password": user.password}, headers=user.headers).status_code == 204
    assert bucket_keys(s3) == set() and photo_rows() == []


def test_sweep_on_s3_removes_orphans_and_expired_uploads(s3, client, user, app):
    kept = upload(client, user, ("a.jpg", files.jpeg())).get_json()["photos"][0]
    grant = request_upload(client, user, 1000)
    post_form(grant, files.jpeg(size=(10, 10)))
    db.session.get(Photo, grant["photo_id"]).created_at = utcnow() - timedelta(hours=2)
    db.session.commit()
    s3.put_object(Bucket=BUCKET, Key="photos/33333333-3333-3333-3333-333333333333-thumb.jpg", Body=b"orphan")

    report = sweep_storage(now=utcnow() + timedelta(hours=2))

    assert (report.expired_uploads, report.orphans_removed, report.failed) == (1, 1, 0)
    assert [row.id for row in photo_rows()] == [kept["id"]]
    assert len(bucket_keys(s3)) == 2
    listing = app.test_cli_runner().invoke(args=["storage", "ls", "photos/"])
    assert "2 object(s)" in listing.output


def test_another_users_photos_on_s3_are_404_to_confirm_and_delete(s3, client, user, make_user):
    other = make_user(profile=NYC_PROFILE)
    theirs = upload(client, other, ("a.jpg", files.jpeg())).get_json()["photos"][0]

    assert client.post(f"/api/me/photos/{theirs['id']}/confirm", headers=user.headers).status_code == 404
    assert client.delete(f"/api/me/photos/{theirs['id']}", headers=user.headers).status_code == 404
    assert len(bucket_keys(s3)) == 2


# --- a form posted again after its photo is done with -------------------------------------
# S3 cannot refuse a form it signed: what a re-post leaves is removed once the form has expired,
# by the app's own remover thread (its clock is moved here; nothing sleeps to let time pass).


def retired_forms():
    db.session.remove()
    return db.session.scalars(sa.select(RetiredUploadForm)).all()


def form_expiry(app, grant):
    """When S3 stops accepting this grant's form (the pending row's time plus its lifetime)."""
    created = db.session.scalar(sa.select(Photo.created_at).where(Photo.id == grant["photo_id"]))
    return as_utc(created) + timedelta(seconds=app.config["PHOTO_UPLOAD_URL_EXPIRES_SECONDS"])


def run_remover_at(app, moment):
    """One pass of the app's remover thread as if the wall clock read ``moment``."""
    remover = app.extensions["friender_retired_forms"]
    remover.clock = lambda: moment
    remover.wake()
    assert remover.settle(timeout=10)


def wait_until(condition, timeout=10):
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.01)


def retire_by_confirm(client, user, grant):
    assert client.post(f"/api/me/photos/{grant['photo_id']}/confirm", headers=user.headers).status_code == 200


def retire_by_refusal(client, user, grant):
    assert client.post(f"/api/me/photos/{grant['photo_id']}/confirm", headers=user.headers).status_code == 415


def retire_by_deleting_the_photo(client, user, grant):
    assert client.delete(f"/api/me/photos/{grant['photo_id']}", headers=user.headers).status_code == 204


def retire_by_deleting_the_account(client, user, grant):
    assert client.delete("/api/me", json={"password": user.password}, headers=user.headers).status_code == 204


@pytest.mark.parametrize(
    "first, retire",
    [
        (files.jpeg(size=(300, 200)), retire_by_confirm),
        (b"<svg></svg>", retire_by_refusal),
        (files.jpeg(size=(300, 200)), retire_by_deleting_the_photo),
        (files.jpeg(size=(300, 200)), retire_by_deleting_the_account),
    ],
    ids=["confirmed", "refused", "photo-deleted", "account-deleted"],
)
def test_a_form_posted_again_after_its_photo_is_done_with_is_removed_once_the_form_expires(
    s3, app, client, user, first, retire
):
    grant = request_upload(client, user, 100_000)
    key = grant["fields"]["key"]
    assert post_form(grant, first).status_code == 204
    expires = form_expiry(app, grant)
    retire(client, user, grant)
    assert key not in bucket_keys(s3)  # the first removal is immediate, as before

    again = post_form(grant, files.jpeg(size=(900, 900)))

    assert again.status_code == 204 and key in bucket_keys(s3)  # S3 accepts its own signature
    assert [(form.upload_key, as_utc(form.form_expires_at)) for form in retired_forms()] == [(key, expires)]
    run_remover_at(app, expires - timedelta(seconds=1))
    assert key in bucket_keys(s3)  # the form may still write: a removal now would not be the last
    run_remover_at(app, expires + timedelta(hours=1))
    assert key not in bucket_keys(s3) and not any(k.startswith("uploads/") for k in bucket_keys(s3))
    assert retired_forms() == []


def test_the_remover_keeps_a_record_through_storage_and_database_errors_and_retries_it(
    s3, app, client, user, monkeypatch
):
    grant = request_upload(client, user, 100_000)
    key = grant["fields"]["key"]
    post_form(grant, files.jpeg(size=(300, 200)))
    expires = form_expiry(app, grant)
    retire_by_confirm(client, user, grant)
    post_form(grant, files.jpeg(size=(900, 900)))
    storage, remover = get_storage(), app.extensions["friender_retired_forms"]
    real_delete, real_scalars, calls = storage.delete, db.session.scalars, []

    def storage_down(keys):
        calls.append(("storage", list(keys)))
        raise StorageError()

    def database_down(*args, **kwargs):
        calls.append(("database", None))
        raise sa.exc.OperationalError("SELECT", {}, Exception("server closed the connection"))

    monkeypatch.setattr(storage, "delete", storage_down)
    run_remover_at(app, expires + timedelta(hours=1))

    assert calls == [("storage", [key])]
    assert key in bucket_keys(s3) and [form.upload_key for form in retired_forms()] == [key]

    monkeypatch.setattr(storage, "delete", real_delete)
    monkeypatch.setattr(db.session, "scalars", database_down)
    remover.retry_seconds = 0.05
    remover.wake()  # the next try meets the database down; the one after it succeeds unprompted
    wait_until(lambda: ("database", None) in calls)
    monkeypatch.setattr(db.session, "scalars", real_scalars)
    wait_until(lambda: key not in bucket_keys(s3))

    assert retired_forms() == []
    wait_until(lambda: remover.thread is None)  # nothing left to wait for: the thread has ended


def test_sweep_on_s3_removes_a_young_upload_without_a_pending_photo_and_clears_due_forms(s3, app, client, user):
    waiting = request_upload(client, user, 100_000)
    post_form(waiting, files.jpeg(size=(20, 20)))
    retired = request_upload(client, user, 100_000)
    post_form(retired, files.jpeg(size=(20, 20)))
    expires = form_expiry(app, retired)
    retire_by_deleting_the_photo(client, user, retired)
    post_form(retired, files.jpeg(size=(30, 30)))
    stray = "uploads/44444444-4444-4444-4444-444444444444"
    s3.put_object(Bucket=BUCKET, Key=stray, Body=b"posted a second ago")
    young_photo = "photos/55555555-5555-5555-5555-555555555555.jpg"
    s3.put_object(Bucket=BUCKET, Key=young_photo, Body=b"a photo whose row may be about to commit")
    assert app.extensions["friender_retired_forms"].stop(timeout=10)  # as if this process had ended

    now = sweep_storage()

    assert (now.orphans_removed, now.failed, now.retired_forms_cleared) == (2, 0, 0)
    assert bucket_keys(s3) == {waiting["fields"]["key"], young_photo}
    assert [form.upload_key for form in retired_forms()] == [retired["fields"]["key"]]

    # An hour after the forms expired the waiting upload expires too; its form is due at once.
    later = sweep_storage(now=expires + timedelta(hours=1))

    assert (later.expired_uploads, later.retired_forms_cleared, later.failed) == (1, 2, 0)
    assert retired_forms() == [] and photo_rows() == []


# --- over real HTTP: moto's ThreadedMotoServer -----------------------------------------------


def test_over_http_with_path_style_sigv4_urls_cors_and_a_browser_style_post(moto_server, app, client, user):
    use_s3(app, endpoint_url=moto_server)
    init = app.test_cli_runner().invoke(args=["storage", "init", "--origin", APP_ORIGIN])
    assert init.exit_code == 0 and f"Created bucket {BUCKET}." in init.output

    photo = upload(client, user, ("a.jpg", files.jpeg(size=(1000, 800)))).get_json()["photos"][0]
    assert photo["url"].startswith(f"{moto_server}/{BUCKET}/photos/")  # path-style for custom endpoints
    fetched = requests.get(photo["url"], headers={"Origin": APP_ORIGIN}, timeout=10)
    assert fetched.status_code == 200 and Image.open(io.BytesIO(fetched.content)).size == (1000, 800)

    grant = request_upload(client, user, 50_000)
    assert grant["url"] == f"{moto_server}/{BUCKET}"
    preflight = requests.options(
        grant["url"], headers={"Origin": APP_ORIGIN, "Access-Control-Request-Method": "POST"}, timeout=10
    )
    assert preflight.status_code == 200 and preflight.headers["Access-Control-Allow-Origin"] == APP_ORIGIN
    foreign = requests.options(
        grant["url"], headers={"Origin": "https://evil.example", "Access-Control-Request-Method": "POST"}, timeout=10
    )
    assert foreign.status_code == 403  # the bucket's CORS rules name only the app's origin
    posted = post_form(grant, files.webp(size=(600, 300)))
    assert posted.status_code == 204, posted.text

    confirmed = client.post(f"/api/me/photos/{grant['photo_id']}/confirm", headers=user.headers)

    assert confirmed.status_code == 200, confirmed.get_json()
    assert (confirmed.get_json()["width"], confirmed.get_json()["height"]) == (600, 300)
    assert requests.get(confirmed.get_json()["url"], timeout=10).status_code == 200
    assert client.get("/api/health").get_json()["storage"] == "ok"


def test_browser_urls_are_signed_for_the_public_endpoint_when_it_differs(moto_server, app, client, user):
    public = moto_server.replace("127.0.0.1", "localhost")
    use_s3(app, endpoint_url=moto_server, public_endpoint_url=public)
    assert app.test_cli_runner().invoke(args=["storage", "init", "--origin", APP_ORIGIN]).exit_code == 0

    photo = upload(client, user, ("a.jpg", files.jpeg(size=(500, 400)))).get_json()["photos"][0]
    grant = request_upload(client, user, 50_000)

    assert photo["url"].startswith(f"{public}/{BUCKET}/photos/")
    assert grant["url"] == f"{public}/{BUCKET}"
    assert requests.get(photo["url"], timeout=10).status_code == 200  # the signature holds for that host
    assert post_form(grant, files.jpeg(size=(300, 300))).status_code == 204


# --- storage that cannot be reached ---------------------------------------------------------


def test_unreachable_s3_is_503_with_no_row_and_health_names_storage(aws_credentials, app, client, user):
    use_s3(app, endpoint_url=f"http://127.0.0.1:{free_port()}", timeout=1)

    uploaded = upload(client, user, ("a.jpg", files.jpeg()))
    health = client.get("/api/health")

    assert uploaded.status_code == 503 and uploaded.get_json()["error"] == "service_unavailable"
    assert photo_rows() == []
    assert health.status_code == 503
    assert health.get_json() == {"status": "unavailable", "database": "ok", "storage": "unavailable"}
    assert get_storage().name == "s3"


def test_a_storage_configuration_that_cannot_work_refuses_to_start(database_url):
    from friender import create_app
    from friender.config import ConfigError

    base = {"FRIENDER_ENV": "testing", "SQLALCHEMY_DATABASE_URI": database_url}
    with pytest.raises(ConfigError, match="S3_BUCKET"):
        create_app({**base, "STORAGE_BACKEND": "s3", "S3_BUCKET": None})
    with pytest.raises(ConfigError, match="STORAGE_BACKEND"):
        create_app({**base, "STORAGE_BACKEND": "ftp"})


def test_a_moderator_removing_a_photo_deletes_its_objects_from_the_bucket(s3, app, client, user, make_user):
    moderator = make_user("s3mod")
    assert app.test_cli_runner().invoke(args=["users", "grant-moderator", "s3mod"]).exit_code == 0
    kept, removed = upload(client, user, ("a.jpg", files.jpeg()), ("b.jpg", files.jpeg())).get_json()["photos"]
    rows = {row.id: row for row in photo_rows()}
    assert {rows[removed["id"]].main_key, rows[removed["id"]].thumb_key} <= bucket_keys(s3)

    response = client.post(
        f"/api/moderation/cases/{user.id}/actions",
        json={"action": "remove_photo", "note": "Not a photo of them.", "photo_id": removed["id"]},
        headers=moderator.headers,
    )

    assert response.status_code == 201, response.get_json()
    assert bucket_keys(s3) == {rows[kept["id"]].main_key, rows[kept["id"]].thumb_key}
    assert [row.id for row in photo_rows()] == [kept["id"]]
