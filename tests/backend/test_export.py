"""GET /api/me/export: the person's own data and conversations, and their photos, as a ZIP."""

import io
import json
import zipfile

from friender.extensions import db
from friender.models import Block, Hangout, Match, Message, Report, Swipe

from . import photo_files as files
from .support import NYC_PROFILE


def upload(client, user, *images):
    data = {"file": [(io.BytesIO(content), f"p{i}.jpg") for i, content in enumerate(images)]}
    response = client.post("/api/me/photos", data=data, headers=user.headers, content_type="multipart/form-data")
    assert response.status_code == 201, response.get_json()


def conversation(first, second, *lines):
    """A match between two users with messages (``lines`` alternate, starting with ``first``)."""
    low, high = sorted((first.id, second.id))
    match = Match(user_low_id=low, user_high_id=high)
    db.session.add_all([Swipe(swiper_id=first.id, swipee_id=second.id, liked=True), match])
    db.session.flush()
    for index, line in enumerate(lines):
        db.session.add(Message(match_id=match.id, sender_id=(first, second)[index % 2].id, body=line))
    db.session.commit()
    return match


def export(client, user):
    response = client.get("/api/me/export", headers=user.headers)
    assert response.status_code == 200
    assert response.mimetype == "application/zip"
    assert "attachment" in response.headers["Content-Disposition"]
    return response.get_data(), zipfile.ZipFile(io.BytesIO(response.get_data()))


def test_export_holds_profile_swipes_matches_messages_blocks_reports_and_photos(client, make_user):
    alice = make_user("alice", profile=NYC_PROFILE)
    bob, carol, dave, erin = (make_user(name, profile=NYC_PROFILE) for name in ("bob", "carol", "dave", "erin"))
    upload(client, alice, files.jpeg(size=(900, 600)), files.png(size=(300, 400)))
    match = conversation(alice, bob, "Hi Bob!", "Hi Alice, climbing on Sunday?")
    other = conversation(carol, dave, "A private chat between carol and dave")
    options = [{"starts_at": "2026-12-20T15:00:00Z", "ends_at": "2026-12-20T17:00:00Z"}]
    db.session.add_all(
        [
            Swipe(swiper_id=alice.id, swipee_id=carol.id, liked=False),
            Swipe(swiper_id=erin.id, swipee_id=alice.id, liked=True),
            Block(blocker_id=alice.id, blocked_id=dave.id),
            Report(reporter_id=alice.id, reported_id=dave.id, reason="Spam"),
            Report(reporter_id=erin.id, reported_id=alice.id, reason="Someone else's report"),
            Hangout(match_id=match.id, proposer_id=bob.id, activity="Climbing", options=options, place_kind="gym"),
            Hangout(match_id=other.id, proposer_id=carol.id, activity="Secret plan", options=options, place_kind="bar"),
        ]
    )
    db.session.commit()

    raw, archive = export(client, alice)

    assert sorted(archive.namelist()) == ["me.json", "photos/1.jpg", "photos/2.jpg"]
    document = json.loads(archive.read("me.json"))
    assert document["profile"]["username"] == "alice" and document["profile"]["email"] == "alice@example.com"
    assert document["profile"]["zip_code"] == "10001"
    assert {(s["user_id"], s["liked"]) for s in document["swipes"]} == {(bob.id, True), (carol.id, False)}
    assert [m["id"] for m in document["matches"]] == [match.id]
    assert [(m["match_id"], m["body"], m["from_me"]) for m in document["messages"]] == [
        (match.id, "Hi Bob!", True),
        (match.id, "Hi Alice, climbing on Sunday?", False),
    ]
    assert document["blocks"] == [{"user_id": dave.id, "created_at": document["blocks"][0]["created_at"]}]
    assert [(r["user_id"], r["reason"]) for r in document["reports"]] == [(dave.id, "Spam")]
    assert [(h["match_id"], h["activity"], h["proposed_by_me"]) for h in document["hangouts"]] == [
        (match.id, "Climbing", False)
    ]
    assert document["profile"]["met_count"] == 0
    assert b"Secret plan" not in raw
    assert b"private chat between carol and dave" not in raw
    assert b"Someone else's report" not in raw
    assert b"bob@example.com" not in raw
    assert archive.read("photos/1.jpg")[:3] == b"\xff\xd8\xff"
    assert [p["width"] for p in document["photos"]] == [900, 300]


def test_export_of_a_new_account_is_just_its_profile(client, make_user):
    user = make_user()

    _, archive = export(client, user)

    document = json.loads(archive.read("me.json"))
    assert archive.namelist() == ["me.json"]
    assert document["swipes"] == document["matches"] == document["blocks"] == document["reports"] == []
    assert document["hangouts"] == []


def test_export_needs_a_token(client):
    response = client.get("/api/me/export")

    assert response.status_code == 401
    assert response.get_json()["error"] == "unauthorized"


def test_export_with_storage_down_is_503_before_any_byte_is_sent(client, make_user, app, monkeypatch):
    from friender.storage import StorageError, get_storage

    user = make_user(profile=NYC_PROFILE)
    upload(client, user, files.jpeg())

    def unreachable():
        raise StorageError()

    monkeypatch.setattr(get_storage(), "check", unreachable)
    response = client.get("/api/me/export", headers=user.headers)

    assert response.status_code == 503
    assert response.get_json()["error"] == "service_unavailable"
