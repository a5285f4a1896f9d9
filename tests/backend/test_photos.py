"""Photos on the local storage backend: the pipeline, the bad-input corpus, ownership, signed
URLs, direct uploads, faults, ordering, deletion, the sweep and the storage commands."""

import io
import os
import time
from datetime import timedelta
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import blurhash
import pytest
import requests
import sqlalchemy as sa
from PIL import Image
from sqlalchemy.exc import OperationalError

from friender import create_app
from friender.extensions import db
from friender.models import Photo, RetiredUploadForm, utcnow
from friender.storage import InvalidKey, StorageError, get_storage

from . import photo_files as files
from .matching import create_match
from .processes import AppProcess
from .support import NYC_PROFILE


def upload(client, user, *named_files, field="file"):
    """POST ``(filename, bytes)`` pairs as multipart parts named ``field``."""
    data = {field: [(io.BytesIO(content), name) for name, content in named_files]}
    return client.post("/api/me/photos", data=data, headers=user.headers, content_type="multipart/form-data")


def upload_archive(client, user, content, name="photos.zip"):
    return client.post(
        "/api/me/photos/archive",
        data={"archive": (io.BytesIO(content), name)},
        headers=user.headers,
        content_type="multipart/form-data",
    )


def photo_rows(user_id=None):
    db.session.remove()
    query = sa.select(Photo).order_by(Photo.id)
    if user_id is not None:
        query = query.where(Photo.user_id == user_id)
    return db.session.scalars(query).all()


def stored_keys(app):
    root = Path(app.config["LOCAL_STORAGE_DIR"])
    if not root.exists():
        return set()
    return {path.relative_to(root).as_posix() for path in root.rglob("*") if path.is_file()}


def stored_image(app, key):
    return Image.open(Path(app.config["LOCAL_STORAGE_DIR"]) / key)


def assert_error(response, status, code):
    assert response.status_code == status, response.get_data(as_text=True)
    body = response.get_json()
    assert body["error"] == code
    assert body["message"]
    return body


@pytest.fixture
def user(make_user):
    return make_user(profile=NYC_PROFILE)


def add_photos(client, user, count):
    response = upload(
        client, user, *[(f"p{index}.jpg", files.jpeg(color=(index * 40, 80, 80))) for index in range(count)]
    )
    assert response.status_code == 201, response.get_json()
    return response.get_json()["photos"]


# --- the happy path -------------------------------------------------------------------------


def test_upload_returns_photos_with_signed_urls_that_serve_the_stored_bytes(client, app, user):
    response = upload(client, user, ("beach.jpg", files.jpeg()), ("park.png", files.png()), ("cat.webp", files.webp()))

    assert response.status_code == 201
    photos = response.get_json()["photos"]
    assert [photo["position"] for photo in photos] == [0, 1, 2]
    assert set(photos[0]) == {"id", "url", "thumb_url", "width", "height", "blurhash", "position", "created_at"}
    assert (photos[0]["width"], photos[0]["height"]) == (800, 600)
    for photo in photos:
        assert photo["url"].startswith("http://localhost/api/storage/photos/")
        assert "beach" not in photo["url"] and "park" not in photo["url"]
        served = client.get(photo["url"])
        assert served.status_code == 200
        assert served.mimetype == "image/jpeg"
        assert served.cache_control.private and not served.cache_control.public
        assert 1800 <= served.cache_control.max_age <= 3600
        assert served.cache_control.immutable  # never revalidated while the link lasts
        key = urlsplit(photo["url"]).path.removeprefix("/api/storage/")
        assert served.data == (Path(app.config["LOCAL_STORAGE_DIR"]) / key).read_bytes()
        assert client.get(photo["thumb_url"]).status_code == 200
    assert len(stored_keys(app)) == 6
    listed = client.get("/api/me/photos", headers=user.headers).get_json()["photos"]
    assert [photo["id"] for photo in listed] == [photo["id"] for photo in photos]
    assert client.get("/api/me", headers=user.headers).get_json()["photos"] == listed


def test_keys_are_uuids_never_the_uploaded_name(client, app, user):
    upload(client, user, ("../../my secret name.jpg", files.jpeg()))

    keys = stored_keys(app)
    assert len(keys) == 2
    assert all("secret" not in key and ".." not in key for key in keys)
    assert {key.split("/")[0] for key in keys} == {"photos"}


def test_gps_exif_is_removed_and_nothing_else_survives(client, app, user):
    original = files.jpeg(exif=files.gps_exif())
    assert Image.open(io.BytesIO(original)).getexif().get_ifd(0x8825)  # the input really has GPS

    photo = upload(client, user, ("gps.jpg", original)).get_json()["photos"][0]

    for url in (photo["url"], photo["thumb_url"]):
        stored = client.get(url).data
        image = Image.open(io.BytesIO(stored))
        assert dict(image.getexif()) == {}
        assert "exif" not in image.info and "icc_profile" not in image.info
        assert b"Exif" not in stored and b"FrienderCam" not in stored
        files.assert_no_metadata(stored)


@pytest.mark.parametrize("original", [files.jpeg_with_metadata(), files.png_with_text()], ids=["jpeg", "png"])
def test_comments_xmp_icc_and_every_app_segment_are_dropped(client, app, user, original):
    assert files.HIDDEN_TEXT in original

    photo = upload(client, user, ("notes.img", original)).get_json()["photos"][0]
    download = client.get(client.get(f"/api/me/photos/{photo['id']}/download", headers=user.headers).location)

    for stored in (client.get(photo["url"]).data, client.get(photo["thumb_url"]).data, download.data):
        files.assert_no_metadata(stored)
        assert Image.open(io.BytesIO(stored)).info.keys() <= {
            "jfif",
            "jfif_version",
            "jfif_unit",
            "jfif_density",
            "progressive",
            "progression",
        }


def test_exif_orientation_is_applied(client, app, user):
    photo = upload(client, user, ("sideways.jpg", files.sideways_jpeg())).get_json()["photos"][0]

    assert (photo["width"], photo["height"]) == (200, 300)
    image = Image.open(io.BytesIO(client.get(photo["url"]).data)).convert("RGB")
    assert image.size == (200, 300)
    right, left = image.getpixel((180, 150)), image.getpixel((20, 150))
    assert right[0] > 200 and right[2] < 60  # red on the right
    assert left[2] > 200 and left[0] < 60  # blue on the left


def test_large_photos_are_scaled_to_1600_and_thumbnails_to_400(client, app, user):
    photo = upload(client, user, ("big.jpg", files.jpeg(size=(3200, 2400)))).get_json()["photos"][0]

    assert (photo["width"], photo["height"]) == (1600, 1200)
    main = Image.open(io.BytesIO(client.get(photo["url"]).data))
    thumb = Image.open(io.BytesIO(client.get(photo["thumb_url"]).data))
    assert main.size == (1600, 1200)
    assert max(thumb.size) <= 400 and thumb.size == (400, 300)


def test_transparent_png_becomes_rgb_on_white_and_gets_a_valid_blurhash(client, user):
    photo = upload(client, user, ("clear.png", files.png(color=(0, 0, 0, 0)))).get_json()["photos"][0]

    image = Image.open(io.BytesIO(client.get(photo["url"]).data))
    assert image.mode == "RGB"
    assert image.getpixel((10, 10)) == (255, 255, 255)
    assert blurhash.components(photo["blurhash"]) == (4, 3)
    assert len(blurhash.decode(photo["blurhash"], 8, 6)) == 6


# --- the bad-input corpus: status, JSON error, no row and no object left ---------------------


def _multipart(name, content, field="file"):
    return {"path": "/api/me/photos", "data": {field: (io.BytesIO(content), name)}}


def _archive(content):
    return {"path": "/api/me/photos/archive", "data": {"archive": (io.BytesIO(content), "photos.zip")}}


BAD_INPUTS = [
    ("empty file", lambda: _multipart("empty.jpg", b""), 0, 422, "validation_error"),
    (
        "text renamed .jpg",
        lambda: _multipart("notes.jpg", b"just some text, honestly"),
        0,
        415,
        "unsupported_media_type",
    ),
    ("truncated JPEG", lambda: _multipart("cut.jpg", files.jpeg()[:1500]), 0, 422, "validation_error"),
    ("corrupt PNG", lambda: _multipart("broken.png", files.corrupt_png()), 0, 422, "validation_error"),
    (
        "decompression-bomb PNG",
        lambda: _multipart("bomb.png", files.decompression_bomb_png()),
        0,
        422,
        "validation_error",
    ),
    ("11 MB file", lambda: _multipart("huge.jpg", files.jpeg() + b"\0" * (11 * files.MB)), 0, 413, "payload_too_large"),
    (
        "SVG",
        lambda: _multipart("x.svg", b'<svg xmlns="http://www.w3.org/2000/svg"><script/></svg>'),
        0,
        415,
        "unsupported_media_type",
    ),
    ("GIF", lambda: _multipart("anim.gif", files.gif()), 0, 415, "unsupported_media_type"),
    (
        "HEIC-named junk",
        lambda: _multipart("IMG_0001.HEIC", b"\0\0\0\x18ftypheic" + os.urandom(512)),
        0,
        415,
        "unsupported_media_type",
    ),
    (
        "wrong multipart field name",
        lambda: _multipart("ok.jpg", files.jpeg(), field="photo"),
        0,
        422,
        "validation_error",
    ),
    (
        "ZIP with ../../evil.jpg",
        lambda: _archive(files.zip_archive([("../../evil.jpg", files.jpeg())])),
        0,
        422,
        "validation_error",
    ),
    (
        "ZIP with an absolute name",
        lambda: _archive(files.zip_archive([("/tmp/evil.jpg", files.jpeg())])),
        0,
        422,
        "validation_error",
    ),
    ("ZIP with a symlink", lambda: _archive(files.zip_with_symlink()), 0, 422, "validation_error"),
    ("ZIP bomb (100 MB of zeros)", lambda: _archive(files.zip_bomb()), 0, 422, "validation_error"),
    ("ZIP entry compressed 1000:1", lambda: _archive(files.small_ratio_bomb()), 0, 422, "validation_error"),
    (
        "ZIP of non-images",
        lambda: _archive(files.zip_archive([("a.txt", b"hi"), ("b.jpg", b"nope"), ("c.gif", files.gif())])),
        0,
        422,
        "validation_error",
    ),
    (
        "ZIP inside a ZIP",
        lambda: _archive(files.zip_archive([("inner.zip", files.zip_archive([("a.jpg", files.jpeg())]))])),
        0,
        422,
        "validation_error",
    ),
    ("not a ZIP at all", lambda: _archive(files.jpeg()), 0, 415, "unsupported_media_type"),
    (
        "ZIP when all 6 slots are taken",
        lambda: _archive(files.zip_archive([("a.jpg", files.jpeg())])),
        6,
        409,
        "conflict",
    ),
    ("a 7th photo", lambda: _multipart("seventh.jpg", files.jpeg()), 6, 409, "conflict"),
    (
        "two photos when one slot is free",
        lambda: {
            "path": "/api/me/photos",
            "data": {"file": [(io.BytesIO(files.jpeg()), "a.jpg"), (io.BytesIO(files.jpeg()), "b.jpg")]},
        },
        5,
        409,
        "conflict",
    ),
    (
        "one good and one bad file",
        lambda: {
            "path": "/api/me/photos",
            "data": {"file": [(io.BytesIO(files.jpeg()), "a.jpg"), (io.BytesIO(b"text"), "b.jpg")]},
        },
        0,
        415,
        "unsupported_media_type",
    ),
]


@pytest.mark.parametrize(
    ("label", "build", "existing", "status", "code"), BAD_INPUTS, ids=[case[0] for case in BAD_INPUTS]
)
def test_bad_input_is_refused_and_leaves_nothing_behind(
    client, app, user, tmp_path, label, build, existing, status, code
):
    if existing:
        add_photos(client, user, existing)
    rows_before, keys_before = [row.id for row in photo_rows()], stored_keys(app)
    request = build()

    response = client.post(
        request["path"], data=request["data"], headers=user.headers, content_type="multipart/form-data"
    )

    assert_error(response, status, code)
    assert "Traceback" not in response.get_data(as_text=True)
    assert [row.id for row in photo_rows()] == rows_before
    assert stored_keys(app) == keys_before
    assert not list(tmp_path.rglob("evil.jpg")) and not list(Path("/tmp").glob("evil.jpg"))


def test_bad_input_errors_name_the_reason(client, user):
    slip = upload_archive(client, user, files.zip_archive([("../../evil.jpg", files.jpeg()), ("x.txt", b"hi")]))
    bomb = upload(client, user, ("bomb.png", files.decompression_bomb_png()))
    wrong_field = upload(client, user, ("ok.jpg", files.jpeg()), field="photo")

    assert slip.get_json()["fields"]["archive"] == [
        "../../evil.jpg: Unsafe file name (absolute or with '..').",
        "x.txt: Only JPEG, PNG and WebP images are accepted.",
    ]
    assert "40 megapixels" in bomb.get_json()["message"]
    assert "file" in wrong_field.get_json()["fields"]


@pytest.mark.app_config(MAX_CONTENT_LENGTH=2 * files.MB)
def test_a_request_over_max_content_length_is_json_413(client, app, user):
    response = upload(client, user, ("big.jpg", files.jpeg() + b"\0" * (3 * files.MB)))

    assert_error(response, 413, "payload_too_large")
    assert photo_rows() == [] and stored_keys(app) == set()


# --- ZIP archives ----------------------------------------------------------------------------


def test_archive_imports_images_and_reports_what_it_skipped(client, app, user):
    archive = files.zip_archive(
        [
            ("holiday/", b""),
            ("holiday/one.jpg", files.jpeg()),
            ("__MACOSX/holiday/._one.jpg", b"\0\5\26\7"),
            ("holiday/two.png", files.png()),
            ("../../evil.jpg", files.jpeg()),
            ("readme.txt", b"hello"),
        ]
    )

    response = upload_archive(client, user, archive)

    assert response.status_code == 201, response.get_json()
    body = response.get_json()
    assert len(body["photos"]) == 2
    assert [entry["name"] for entry in body["skipped"]] == [
        "__MACOSX/holiday/._one.jpg",
        "../../evil.jpg",
        "readme.txt",
    ]
    assert all(entry["reason"] for entry in body["skipped"])
    assert len(photo_rows(user.id)) == 2 and len(stored_keys(app)) == 4


def test_archive_with_more_images_than_free_slots_fills_the_slots_and_skips_the_rest(client, app, user):
    add_photos(client, user, 4)
    archive = files.zip_archive([(f"{index}.jpg", files.jpeg()) for index in range(3)])

    response = upload_archive(client, user, archive)

    assert response.status_code == 201
    assert len(response.get_json()["photos"]) == 2
    assert response.get_json()["skipped"] == [{"name": "2.jpg", "reason": "No free photo slot left."}]
    assert len(photo_rows(user.id)) == 6 and len(stored_keys(app)) == 12


# --- ownership: another user's photo is a 404 everywhere ------------------------------------


def test_another_users_photo_id_is_404_on_delete_download_confirm_and_order(client, app, make_user, user):
    other = make_user(profile=NYC_PROFILE)
    theirs = add_photos(client, other, 1)[0]
    pending = client.post(
        "/api/me/photos/upload-url", json={"content_type": "image/jpeg", "size": 1000}, headers=other.headers
    )
    mine = add_photos(client, user, 1)[0]

    assert_error(client.delete(f"/api/me/photos/{theirs['id']}", headers=user.headers), 404, "not_found")
    assert_error(client.get(f"/api/me/photos/{theirs['id']}/download", headers=user.headers), 404, "not_found")
    assert_error(client.post(f"/api/me/photos/{theirs['id']}/confirm", headers=user.headers), 404, "not_found")
    assert_error(
        client.post(f"/api/me/photos/{pending.get_json()['photo_id']}/confirm", headers=user.headers), 404, "not_found"
    )
    order = client.put("/api/me/photos/order", json={"photo_ids": [theirs["id"], mine["id"]]}, headers=user.headers)
    assert_error(order, 404, "not_found")
    assert_error(client.delete("/api/me/photos/999999", headers=user.headers), 404, "not_found")

    assert [photo["id"] for photo in client.get("/api/me/photos", headers=other.headers).get_json()["photos"]] == [
        theirs["id"]
    ]
    assert len(photo_rows(other.id)) == 2 and len(stored_keys(app)) == 4


def test_other_peoples_photos_are_visible_on_their_profile(client, make_user, user):
    other = make_user(profile=NYC_PROFILE)
    theirs = add_photos(client, other, 2)

    listed = client.get(f"/api/users/{other.id}/photos", headers=user.headers)
    profile = client.get(f"/api/users/{other.id}", headers=user.headers)

    assert listed.status_code == 200
    assert [photo["id"] for photo in listed.get_json()["photos"]] == [photo["id"] for photo in theirs]
    assert [photo["id"] for photo in profile.get_json()["photos"]] == [photo["id"] for photo in theirs]
    assert client.get(listed.get_json()["photos"][0]["url"]).status_code == 200
    assert_error(client.get("/api/users/999999/photos", headers=user.headers), 404, "not_found")
    assert client.get(f"/api/users/{other.id}/photos").status_code == 401


# --- order, delete, download ---------------------------------------------------------------


def test_reorder_takes_all_photos_exactly_once(client, user):
    first, second, third = add_photos(client, user, 3)

    response = client.put(
        "/api/me/photos/order", json={"photo_ids": [third["id"], first["id"], second["id"]]}, headers=user.headers
    )

    assert response.status_code == 200
    assert [(photo["id"], photo["position"]) for photo in response.get_json()["photos"]] == [
        (third["id"], 0),
        (first["id"], 1),
        (second["id"], 2),
    ]
    listed = client.get("/api/me/photos", headers=user.headers).get_json()["photos"]
    assert [photo["id"] for photo in listed] == [third["id"], first["id"], second["id"]]
    for wrong in ([third["id"], first["id"]], [first["id"], first["id"], second["id"], third["id"]], ["1"]):
        assert_error(
            client.put("/api/me/photos/order", json={"photo_ids": wrong}, headers=user.headers), 422, "validation_error"
        )


def test_others_see_each_persons_shown_photos_in_order_on_discover_and_in_the_match_list(client, make_user, user):
    first, second, third = add_photos(client, user, 3)
    client.put(
        "/api/me/photos/order", json={"photo_ids": [third["id"], first["id"], second["id"]]}, headers=user.headers
    )
    someone, nobody_pictured, viewer = (make_user(profile=NYC_PROFILE) for _ in range(3))
    (lone,) = add_photos(client, someone, 1)
    expected = {user.id: [(third["id"], 0), (first["id"], 1), (second["id"], 2)], someone.id: [(lone["id"], 0)]}
    expected[nobody_pictured.id] = []

    def photos_of(people):
        return {person["id"]: [(photo["id"], photo["position"]) for photo in person["photos"]] for person in people}

    shown = client.get("/api/discover", headers=viewer.headers).get_json()["users"]
    assert len(shown) == 3 and photos_of(shown) == expected

    for other in (user, someone, nobody_pictured):
        create_match(viewer, other)
    matches = client.get("/api/matches", headers=viewer.headers).get_json()["matches"]
    # One entry per match, however many photos its person has.
    assert len(matches) == 3 == len({match["id"] for match in matches})
    assert photos_of(match["user"] for match in matches) == expected


def test_delete_removes_the_row_and_the_objects_and_closes_the_gap(client, app, user):
    first, second, third = add_photos(client, user, 3)

    response = client.delete(f"/api/me/photos/{second['id']}", headers=user.headers)

    assert response.status_code == 204
    listed = client.get("/api/me/photos", headers=user.headers).get_json()["photos"]
    assert [(photo["id"], photo["position"]) for photo in listed] == [(first["id"], 0), (third["id"], 1)]
    assert len(stored_keys(app)) == 4
    assert client.get(second["url"]).status_code == 404


def test_download_redirects_to_a_short_lived_attachment_url(client, user):
    photo = add_photos(client, user, 1)[0]

    response = client.get(f"/api/me/photos/{photo['id']}/download", headers=user.headers)

    assert response.status_code == 302
    location = response.headers["Location"]
    expires = int(parse_qs(urlsplit(location).query)["expires"][0])
    assert 0 < expires - time.time() <= 300
    downloaded = client.get(location)
    assert downloaded.status_code == 200
    assert downloaded.headers["Content-Disposition"].startswith("attachment")
    assert f"friender-photo-{photo['id']}.jpg" in downloaded.headers["Content-Disposition"]
    assert downloaded.data == client.get(photo["url"]).data


def test_deleting_the_account_removes_its_storage_objects(client, app, make_user, user):
    other = make_user(profile=NYC_PROFILE)
    add_photos(client, user, 2)
    add_photos(client, other, 1)

    response = client.delete("/api/me", json={"password": user.password}, headers=user.headers)

    assert response.status_code == 204
    assert photo_rows(user.id) == []
    assert len(stored_keys(app)) == 2
    assert len(client.get("/api/me/photos", headers=other.headers).get_json()["photos"]) == 1


# --- local signed URLs ----------------------------------------------------------------------


def test_tampered_expired_and_escaping_local_urls_are_refused(client, app, user):
    photo = add_photos(client, user, 1)[0]
    parts = urlsplit(photo["url"])
    query = parse_qs(parts.query)
    other_key_path = photo["thumb_url"].split("?")[0]

    tampered = client.get(f"{parts.path}?expires={query['expires'][0]}&signature=AAAA{query['signature'][0][4:]}")
    moved = client.get(f"{other_key_path}?{parts.query}")  # a valid signature, for another key
    longer = client.get(f"{parts.path}?expires={int(query['expires'][0]) + 3600}&signature={query['signature'][0]}")
    unsigned_escape = client.get("/api/storage/%2E%2E/jwt-secret?expires=9999999999&signature=x")

    for response in (tampered, moved, longer, unsigned_escape):
        assert_error(response, 403, "forbidden")

    storage = get_storage()
    storage.url_cache.clock = lambda: time.time() + 7200
    assert_error(client.get(photo["url"]), 403, "forbidden")

    # Even correctly signed, a key that climbs out of the folder is never served.
    storage.url_cache.clock = time.time
    expires = int(time.time()) + 60
    signature = storage._sign("GET", "../jwt-secret", expires, "")
    assert_error(client.get(f"/api/storage/../jwt-secret?expires={expires}&signature={signature}"), 404, "not_found")
    signature = storage._sign("GET", "photos/..", expires, "")
    assert_error(client.get(f"/api/storage/photos/..?expires={expires}&signature={signature}"), 404, "not_found")


@pytest.mark.parametrize(
    "key", ["../evil.jpg", "photos/../../evil.jpg", "/etc/passwd", "photos\\..\\x", ".hidden", "", "a//b"]
)
def test_local_keys_can_never_escape_the_folder(app, key):
    with pytest.raises(InvalidKey):
        get_storage().put(key, b"data", "image/jpeg")
    assert not list(Path(app.config["LOCAL_STORAGE_DIR"]).parent.rglob("evil.jpg"))


@pytest.mark.app_config(TRUSTED_PROXY_COUNT=1)
def test_urls_use_the_forwarded_scheme_and_host_behind_a_trusted_proxy(client, user):
    add_photos(client, user, 1)

    photo = client.get(
        "/api/me/photos",
        headers={**user.headers, "X-Forwarded-Proto": "https", "X-Forwarded-Host": "friender.example"},
    ).get_json()["photos"][0]

    assert photo["url"].startswith("https://friender.example/api/storage/photos/")


def test_a_url_handed_out_always_has_at_least_half_its_lifetime_left(client, app, user):
    add_photos(client, user, 1)
    storage = get_storage()
    lifetime = app.config["PHOTO_URL_EXPIRES_SECONDS"]
    start = (time.time() // (lifetime / 2)) * (lifetime / 2) + 1  # just after a window starts
    signed = []
    original_sign = storage._sign_url

    def counting_sign(*args):
        signed.append(args)
        return original_sign(*args)

    storage._sign_url = counting_sign
    storage.url_cache.clear()

    seen = []
    for elapsed in (0, 1, lifetime * 0.49, lifetime * 0.51, lifetime * 0.9, lifetime * 1.2):
        now = start + elapsed
        storage.url_cache.clock = lambda now=now: now
        url = client.get("/api/me/photos", headers=user.headers).get_json()["photos"][0]["url"]
        expires = int(parse_qs(urlsplit(url).query)["expires"][0])
        assert expires - now >= lifetime / 2 - 1, (elapsed, expires - now)
        seen.append(url)

    assert seen[0] == seen[1] == seen[2]  # reused while young: same URL, the browser's cache hits
    assert seen[3] != seen[2]  # re-signed once half the lifetime had passed
    assert seen[4] == seen[3] and seen[5] != seen[4]
    assert len(signed) == 3 * 2  # url and thumb_url, signed three times in all


def test_every_process_hands_out_the_same_local_url_for_a_photo(app, client, user, database_url):
    from friender import create_app

    add_photos(client, user, 1)
    other_process = create_app(
        {
            "FRIENDER_ENV": "testing",
            "SQLALCHEMY_DATABASE_URI": database_url,
            "LOCAL_STORAGE_DIR": app.config["LOCAL_STORAGE_DIR"],
        }
    )

    first = client.get("/api/me/photos", headers=user.headers).get_json()["photos"][0]
    second = other_process.test_client().get("/api/me/photos", headers=user.headers).get_json()["photos"][0]

    assert (first["url"], first["thumb_url"]) == (second["url"], second["thumb_url"])


# --- the origin of photo URLs ---------------------------------------------------------------


@pytest.mark.app_config(APP_BASE_URL="https://friender.example/")
def test_photo_and_upload_urls_use_app_base_url_whatever_the_host_header(client, user):
    add_photos(client, user, 1)

    for host in ("localhost", "127.0.0.1:5000", "friender.example"):
        listed = client.get("/api/me/photos", headers={**user.headers, "Host": host})
        assert listed.status_code == 200, host
        (photo,) = listed.get_json()["photos"]
        assert photo["url"].startswith("https://friender.example/api/storage/photos/")
        assert photo["thumb_url"].startswith("https://friender.example/api/storage/photos/")
    grant = client.post(
        "/api/me/photos/upload-url",
        json={"content_type": "image/jpeg", "size": 1000},
        headers={**user.headers, "Host": "127.0.0.1"},
    ).get_json()
    assert grant["url"] == "https://friender.example/api/storage/upload"


@pytest.mark.app_config(APP_BASE_URL="", TRUSTED_HOSTS=["localhost", "friender.example", "app.friender.example"])
def test_without_a_base_url_each_request_signs_its_photos_for_its_own_host(client, user):
    # The signer is made once per request: a later request on another host must not get URLs
    # for the host of an earlier one, though the suite's app context spans both.
    add_photos(client, user, 2)
    for host in ("friender.example", "app.friender.example", "friender.example"):
        listed = client.get("/api/me/photos", headers={**user.headers, "Host": host})
        assert listed.status_code == 200, host
        urls = [url for photo in listed.get_json()["photos"] for url in (photo["url"], photo["thumb_url"])]
        assert len(urls) == 4
        assert all(url.startswith(f"http://{host}/api/storage/photos/") for url in urls), (host, urls)


@pytest.mark.parametrize(
    "settings",
    [
        {"APP_BASE_URL": "https://friender.example", "CORS_ORIGINS": ["https://app.friender.example"]},
        {"TRUSTED_HOSTS": ["friender.example", "app.friender.example"]},
    ],
)
def test_a_host_header_outside_the_configured_origins_is_a_json_400(database_url, tmp_path, make_user, settings):
    app = create_app(
        {
            "FRIENDER_ENV": "testing",
            "SQLALCHEMY_DATABASE_URI": database_url,
            "LOCAL_STORAGE_DIR": str(tmp_path / "uploads"),
            **settings,
        }
    )
    client = app.test_client()
    user = make_user()

    for host in ("friender.example", "app.friender.example:443"):
        assert client.get("/api/ping", headers={"Host": host}).status_code == 200, host
    for spoofed in ("evil.example", "friender.example.evil.example", "evil.example:80"):
        response = client.get("/api/me/photos", headers={**user.headers, "Host": spoofed})
        assert_error(response, 400, "bad_request")
    with app.app_context():
        db.engine.dispose()


# --- direct upload through the app's own signed form ----------------------------------------


def post_form(client, grant, content, name="upload.jpg"):
    return client.post(grant["url"], data={**grant["fields"], "file": (io.BytesIO(content), name)})


def request_upload(client, user, size, content_type="image/jpeg"):
    response = client.post(
        "/api/me/photos/upload-url", json={"content_type": content_type, "size": size}, headers=user.headers
    )
    assert response.status_code == 201, response.get_json()
    return response.get_json()


def test_direct_upload_then_confirm_makes_a_photo(client, app, user):
    content = files.jpeg_with_metadata(size=(2000, 1000))
    grant = request_upload(client, user, len(content))

    assert grant["url"] == "http://localhost/api/storage/upload"
    assert grant["expires_in"] == app.config["PHOTO_UPLOAD_URL_EXPIRES_SECONDS"]
    assert client.get("/api/me/photos", headers=user.headers).get_json()["photos"] == []
    assert_error(client.post(f"/api/me/photos/{grant['photo_id']}/confirm", headers=user.headers), 409, "conflict")

    assert post_form(client, grant, content).status_code == 204
    confirmed = client.post(f"/api/me/photos/{grant['photo_id']}/confirm", headers=user.headers)

    assert confirmed.status_code == 200
    photo = confirmed.get_json()
    assert (photo["id"], photo["width"], photo["height"], photo["position"]) == (grant["photo_id"], 1600, 800, 0)
    assert dict(Image.open(io.BytesIO(client.get(photo["url"]).data)).getexif()) == {}
    files.assert_no_metadata(client.get(photo["url"]).data)
    assert {key.split("/")[0] for key in stored_keys(app)} == {"photos"}  # the raw upload is gone
    again = client.post(f"/api/me/photos/{grant['photo_id']}/confirm", headers=user.headers)
    assert again.status_code == 200 and again.get_json()["id"] == photo["id"]


def test_direct_upload_form_is_refused_by_storage_when_over_its_size_tampered_or_expired(client, app, user):
    grant = request_upload(client, user, 1000)

    assert_error(post_form(client, grant, b"\xff\xd8\xff" + b"\0" * 2000), 413, "payload_too_large")
    forged = {**grant, "fields": {**grant["fields"], "key": "photos/00000000-0000-0000-0000-000000000000.jpg"}}
    assert_error(post_form(client, forged, files.jpeg(size=(10, 10))), 403, "forbidden")
    retyped = {**grant, "fields": {**grant["fields"], "Content-Type": "text/html"}}
    assert_error(post_form(client, retyped, b"<html>"), 403, "forbidden")
    get_storage().url_cache.clock = lambda: time.time() + 3600
    assert_error(post_form(client, grant, files.jpeg(size=(10, 10))), 403, "forbidden")
    assert stored_keys(app) == set()


def test_a_bad_direct_upload_is_removed_on_confirm(client, app, user):
    grant = request_upload(client, user, 100)
    assert post_form(client, grant, b"<svg></svg>").status_code == 204
    assert stored_keys(app) == {f"uploads/{photo_rows()[0].storage_key}"}

    response = client.post(f"/api/me/photos/{grant['photo_id']}/confirm", headers=user.headers)

    assert_error(response, 415, "unsupported_media_type")
    assert photo_rows() == [] and stored_keys(app) == set()


def test_a_direct_upload_form_stores_one_file_only(client, app, user):
    first = files.jpeg(size=(300, 200))
    grant = request_upload(client, user, 100_000)
    assert post_form(client, grant, first).status_code == 204

    again = post_form(client, grant, files.jpeg(size=(900, 900)))

    assert_error(again, 403, "forbidden")
    (key,) = stored_keys(app)
    assert (Path(app.config["LOCAL_STORAGE_DIR"]) / key).read_bytes() == first


@pytest.mark.parametrize("content, status", [(files.jpeg(size=(300, 200)), 200), (b"<svg></svg>", 415)])
def test_a_form_posted_again_after_confirm_or_refusal_stores_nothing(client, app, user, content, status):
    grant = request_upload(client, user, 100_000)
    assert post_form(client, grant, content).status_code == 204
    assert client.post(f"/api/me/photos/{grant['photo_id']}/confirm", headers=user.headers).status_code == status
    kept = stored_keys(app)

    again = post_form(client, grant, files.jpeg(size=(900, 900)))

    assert_error(again, 403, "forbidden")
    assert stored_keys(app) == kept and not any(key.startswith("uploads/") for key in kept)


def test_a_post_that_loses_the_race_with_its_photos_removal_removes_its_own_file(client, app, user, monkeypatch):
    grant = request_upload(client, user, 100_000)
    storage = get_storage()
    write = storage.put_new

    def removed_while_writing(key, data, content_type):
        # The photo goes (as a concurrent refusal or deletion would) after the post's first check.
        assert client.delete(f"/api/me/photos/{grant['photo_id']}", headers=user.headers).status_code == 204
        return write(key, data, content_type)

    monkeypatch.setattr(storage, "put_new", removed_while_writing)

    assert_error(post_form(client, grant, files.jpeg()), 403, "forbidden")
    assert stored_keys(app) == set()


def test_a_form_whose_photo_was_deleted_stores_nothing(client, app, user):
    grant = request_upload(client, user, 100_000)
    assert client.delete(f"/api/me/photos/{grant['photo_id']}", headers=user.headers).status_code == 204

    assert_error(post_form(client, grant, files.jpeg()), 403, "forbidden")
    assert stored_keys(app) == set()


def test_a_gevent_worker_removes_the_uploads_of_expired_retired_forms_in_the_background(
    app, client, user, database_url, tmp_path
):
    """The remover thread as deployed: in a gunicorn gevent worker, started by a retirement there."""
    assert app.extensions["friender_retired_forms"].stop(timeout=10)  # this process's must not do it
    root = tmp_path / "uploads"
    left_behind = "uploads/66666666-6666-6666-6666-666666666666"
    get_storage().put(left_behind, b"a re-post S3 accepted", "image/jpeg")
    db.session.add(RetiredUploadForm(upload_key=left_behind, form_expires_at=utcnow() - timedelta(hours=1)))
    db.session.commit()
    server = AppProcess(
        {
            "FRIENDER_ENV": "testing",
            "DATABASE_URL": database_url,
            "LOCAL_STORAGE_DIR": str(root),
            "MAIL_OUTBOX_DIR": str(tmp_path / "outbox"),
        }
    )
    try:
        server.wait_until_serving()
        grant = requests.post(
            f"{server.base_url}/api/me/photos/upload-url",
            json={"content_type": "image/jpeg", "size": 1000},
            headers=user.headers,
            timeout=30,
        ).json()
        deleted = requests.delete(
            f"{server.base_url}/api/me/photos/{grant['photo_id']}", headers=user.headers, timeout=30
        )
        deadline = time.monotonic() + 20
        while (root / left_behind).exists() and time.monotonic() < deadline:
            time.sleep(0.02)
        log = server.read_log()
    finally:
        server.stop()

    assert deleted.status_code == 204
    assert not (root / left_behind).exists(), log
    db.session.remove()
    remaining = db.session.scalars(sa.select(RetiredUploadForm.upload_key)).all()
    assert remaining == [grant["fields"]["key"]]  # the worker's own retirement, due in 15 minutes


def test_upload_url_checks_type_size_and_free_slots(client, user):
    for body, status, code in (
        ({"content_type": "image/gif", "size": 100}, 415, "unsupported_media_type"),
        ({"content_type": "image/jpeg", "size": 11 * files.MB}, 413, "payload_too_large"),
        ({"content_type": "image/jpeg", "size": 0}, 422, "validation_error"),
        ({"content_type": "image/jpeg", "size": "100"}, 422, "validation_error"),
        ({"content_type": "image/jpeg"}, 422, "validation_error"),
    ):
        assert_error(client.post("/api/me/photos/upload-url", json=body, headers=user.headers), status, code)
    add_photos(client, user, 5)
    request_upload(client, user, 100)  # the pending upload holds the sixth slot
    full = client.post(
        "/api/me/photos/upload-url", json={"content_type": "image/png", "size": 100}, headers=user.headers
    )
    assert_error(full, 409, "conflict")
    assert_error(upload(client, user, ("x.jpg", files.jpeg())), 409, "conflict")
    assert len(photo_rows(user.id)) == 6


def test_an_expired_direct_upload_cannot_be_confirmed(client, app, user):
    grant = request_upload(client, user, 1000)
    post_form(client, grant, files.jpeg(size=(20, 20)))
    photo = photo_rows()[0]
    photo.created_at = utcnow() - timedelta(hours=2)
    db.session.commit()

    assert_error(client.post(f"/api/me/photos/{grant['photo_id']}/confirm", headers=user.headers), 404, "not_found")
    assert photo_rows() == [] and stored_keys(app) == set()


# --- faults: a photo row exists iff its objects exist ---------------------------------------


def test_storage_failing_mid_upload_is_503_and_leaves_no_row_and_no_object(client, app, user):
    storage = get_storage()
    real_put, calls = storage.put, []

    def put_that_fails_on_the_third_write(key, data, content_type):
        calls.append(key)
        if len(calls) == 3:
            raise StorageError()
        real_put(key, data, content_type)

    storage.put = put_that_fails_on_the_third_write

    response = upload(client, user, ("a.jpg", files.jpeg()), ("b.jpg", files.jpeg()))

    assert_error(response, 503, "service_unavailable")
    assert len(calls) == 3  # the first photo's two objects were written, then storage failed
    assert photo_rows() == [] and stored_keys(app) == set()


def test_a_failed_commit_removes_the_objects_it_wrote(client, app, user, monkeypatch):
    def failing_commit():
        raise OperationalError("COMMIT", {}, Exception("connection lost"))

    monkeypatch.setattr(db.session, "commit", failing_commit)

    response = upload(client, user, ("a.jpg", files.jpeg()))

    monkeypatch.undo()
    assert_error(response, 503, "service_unavailable")
    assert photo_rows() == [] and stored_keys(app) == set()


@pytest.mark.app_config(LOCAL_STORAGE_DIR="/proc/friender-cannot-write-here")
def test_unusable_storage_is_named_by_health_and_uploads_are_503(client, user):
    health = client.get("/api/health")
    response = upload(client, user, ("a.jpg", files.jpeg()))

    assert health.status_code == 503 and health.get_json()["storage"] == "unavailable"
    assert_error(response, 503, "service_unavailable")
    assert photo_rows() == []


def test_health_reports_storage(client):
    assert client.get("/api/health").get_json() == {"status": "ok", "database": "ok", "storage": "ok"}


def test_a_failed_object_delete_still_deletes_the_photo_and_sweep_removes_the_objects_later(client, app, user):
    photo = add_photos(client, user, 1)[0]
    storage = get_storage()
    real_delete = storage.delete

    def unreachable(keys):
        raise StorageError()

    storage.delete = unreachable
    assert client.delete(f"/api/me/photos/{photo['id']}", headers=user.headers).status_code == 204
    assert photo_rows() == [] and len(stored_keys(app)) == 2

    storage.delete = real_delete
    hour_ago = time.time() - 3700
    for key in stored_keys(app):
        os.utime(Path(app.config["LOCAL_STORAGE_DIR"]) / key, (hour_ago, hour_ago))
    result = app.test_cli_runner().invoke(args=["storage", "sweep"])

    assert result.exit_code == 0, result.output
    assert "orphaned objects removed: 2" in result.output
    assert stored_keys(app) == set()


# --- sweep and the operator commands --------------------------------------------------------


def test_sweep_removes_expired_uploads_and_old_orphans_but_nothing_in_use(client, app, user):
    kept = add_photos(client, user, 1)[0]
    expired = request_upload(client, user, 1000)
    post_form(client, expired, files.jpeg(size=(20, 20)))
    fresh = request_upload(client, user, 1000)
    post_form(client, fresh, files.jpeg(size=(20, 20)))
    storage, root = get_storage(), Path(app.config["LOCAL_STORAGE_DIR"])
    storage.put("photos/11111111-1111-1111-1111-111111111111.jpg", b"old orphan", "image/jpeg")
    storage.put("photos/22222222-2222-2222-2222-222222222222.jpg", b"new orphan", "image/jpeg")
    hour_ago = time.time() - 3700
    for key in stored_keys(app) - {"photos/22222222-2222-2222-2222-222222222222.jpg"}:
        os.utime(root / key, (hour_ago, hour_ago))
    db.session.get(Photo, expired["photo_id"]).created_at = utcnow() - timedelta(hours=2)
    db.session.commit()

    result = app.test_cli_runner().invoke(args=["storage", "sweep"])

    assert result.exit_code == 0, result.output
    assert "expired uploads removed: 1; orphaned objects removed: 1" in result.output
    assert {row.id for row in photo_rows()} == {kept["id"], fresh["photo_id"]}
    fresh_key = db.session.get(Photo, fresh["photo_id"]).upload_key
    assert stored_keys(app) == {
        *[urlsplit(url).path.removeprefix("/api/storage/") for url in (kept["url"], kept["thumb_url"])],
        fresh_key,
        "photos/22222222-2222-2222-2222-222222222222.jpg",
    }
    assert client.get(kept["url"]).status_code == 200


def test_storage_init_and_ls_commands_on_local_storage(client, app, user):
    runner = app.test_cli_runner()

    init = runner.invoke(args=["storage", "init"])
    add_photos(client, user, 1)
    buckets = runner.invoke(args=["storage", "ls"])
    objects = runner.invoke(args=["storage", "ls", "photos/"])
    nothing = runner.invoke(args=["storage", "ls", "uploads/"])

    assert init.exit_code == 0 and app.config["LOCAL_STORAGE_DIR"] in init.output
    assert Path(app.config["LOCAL_STORAGE_DIR"]).is_dir()
    assert buckets.output.strip() == str(Path(app.config["LOCAL_STORAGE_DIR"]).resolve())
    assert objects.exit_code == 0 and "2 object(s)" in objects.output and "-thumb.jpg" in objects.output
    assert "0 object(s)" in nothing.output


def test_two_concurrent_uploads_for_the_last_slot_make_exactly_one_photo(app, client, user):
    import threading

    add_photos(client, user, 5)
    db.session.remove()
    start, statuses = threading.Barrier(2), []

    def upload_one():
        start.wait()
        statuses.append(upload(app.test_client(), user, ("last.jpg", files.jpeg(size=(1200, 900)))).status_code)

    threads = [threading.Thread(target=upload_one) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sorted(statuses) == [201, 409]
    assert len(photo_rows(user.id)) == 6 and len(stored_keys(app)) == 12


def test_the_local_upload_form_needs_its_file_and_fields(client, user):
    grant = request_upload(client, user, 1000)

    missing_file = client.post(grant["url"], data=grant["fields"])
    missing_policy = client.post(
        grant["url"], data={"key": grant["fields"]["key"], "file": (io.BytesIO(files.jpeg()), "a.jpg")}
    )

    assert set(assert_error(missing_file, 422, "validation_error")["fields"]) == {"file"}
    assert {"policy", "signature", "Content-Type"} <= set(missing_policy.get_json()["fields"])


def test_local_urls_outside_a_request_use_server_name(app, client, user):
    add_photos(client, user, 1)
    app.config.update(SERVER_NAME="friender.example", PREFERRED_URL_SCHEME="https")
    from friender.storage import signed_url

    photo = photo_rows(user.id)[0]
    assert signed_url(photo.thumb_key).startswith(f"https://friender.example/api/storage/{photo.thumb_key}?")


def test_an_archive_of_many_bad_images_stops_decoding_after_a_few(client, app, user):
    truncated = files.jpeg(size=(1200, 900))[:3000]
    archive = files.zip_archive([(f"{index}.jpg", truncated) for index in range(20)] + [("last.jpg", files.jpeg())])

    response = upload_archive(client, user, archive)

    reasons = assert_error(response, 422, "validation_error")["fields"]["archive"]
    assert reasons[:6] == [f"{index}.jpg: The image is corrupt or truncated." for index in range(6)]
    assert reasons[6:] == [
        f"{name}: Not examined: too many unusable entries before it."
        for name in [*(f"{index}.jpg" for index in range(6, 20)), "last.jpg"]
    ]
    assert photo_rows() == [] and stored_keys(app) == set()
