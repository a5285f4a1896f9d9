"""Moderation: categorised reports, the moderator role, the queue and cases, decisions and their
effects, the audit log, notices, appeals, automatic protection and the blocked-people list.
"""

import io
from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa

from friender.extensions import db
from friender.models import AccountToken, ModerationAction, OutboxMail, Photo
from friender.storage import get_storage

from . import photo_files as files
from .mail import outbox_link, parts, token_of
from .matching import create_block, create_match
from .sse import ClientStream
from .support import NYC_PROFILE

FAST_HEARTBEAT = 0.2
MODERATION_ROUTES = (
    ("GET", "/api/moderation/cases", None),
    ("GET", "/api/moderation/cases/{id}", None),
    ("POST", "/api/moderation/cases/{id}/actions", {"action": "ban", "note": "x"}),
    ("GET", "/api/moderation/audit", None),
)


def in_a_day():
    return (datetime.now(UTC) + timedelta(days=1)).strftime("%Y-%m-%dT%H:%M:%SZ")


@pytest.fixture
def moderator(app, make_user):
    """A user made a moderator by the operator command."""
    user = make_user("mod")
    result = app.test_cli_runner().invoke(args=["users", "grant-moderator", "mod"])
    assert result.exit_code == 0, result.output
    return user


def report(client, reporter, user, category=None, reason="Not nice."):
    body = {"user_id": user.id, "reason": reason, **({"category": category} if category else {})}
    response = client.post("/api/reports", json=body, headers=reporter.headers)
    assert response.status_code == 201, response.get_json()
    return response.get_json()


def act(client, moderator, user, action, note="Checked the reports.", **extra):
    body = {"action": action, "note": note, **extra}
    response = client.post(f"/api/moderation/cases/{user.id}/actions", json=body, headers=moderator.headers)
    assert response.status_code == 201, response.get_json()
    return response.get_json()


def discover_ids(client, viewer):
    response = client.get("/api/discover", headers=viewer.headers)
    assert response.status_code == 200, response.get_json()
    return {person["id"] for person in response.get_json()["users"]}


def login(client, user):
    return client.post("/api/auth/login", json={"username": user.username, "password": user.password})


# --- the role -------------------------------------------------------------------------------


def test_every_moderation_route_is_404_to_non_moderators_and_anonymous_and_data_to_a_moderator(
    client, make_user, moderator
):
    person, reporter = make_user(profile=NYC_PROFILE), make_user(profile=NYC_PROFILE)
    report(client, reporter, person)
    for method, path, body in MODERATION_ROUTES:
        url = path.format(id=person.id)
        for headers in (reporter.headers, person.headers, {}):
            response = client.open(url, method=method, json=body, headers=headers)
            assert response.status_code == 404, (method, url, response.get_json())
            assert response.get_json()["error"] == "not_found"
    db.session.remove()
    assert db.session.scalar(sa.select(sa.func.count()).select_from(ModerationAction)) == 0
    assert login(client, person).status_code == 200

    cases = client.get("/api/moderation/cases", headers=moderator.headers)
    assert cases.status_code == 200
    assert [case["user_id"] for case in cases.get_json()["cases"]] == [person.id]
    assert client.get(f"/api/moderation/cases/{person.id}", headers=moderator.headers).status_code == 200
    assert client.get("/api/moderation/audit", headers=moderator.headers).get_json() == {"actions": []}


def test_the_role_is_granted_and_revoked_only_by_the_operator_command(app, client, make_user):
    person = make_user("casey")
    runner = app.test_cli_runner()

    assert client.get("/api/me", headers=person.headers).get_json()["is_moderator"] is False
    for attempt in ({"is_moderator": True}, {"is_moderator": True, "bio": "hi"}):
        refused = client.patch("/api/me", json=attempt, headers=person.headers)
        assert refused.status_code == 422
        assert "is_moderator" in refused.get_json()["fields"]
    signup = client.post(
        "/api/auth/signup",
        json={"username": "sneaky", "email": "s@example.com", "password": person.password, "is_moderator": True},
    )
    assert signup.status_code == 422
    assert client.get("/api/moderation/cases", headers=person.headers).status_code == 404

    assert runner.invoke(args=["users", "grant-moderator", "CASEY"]).exit_code == 0
    assert client.get("/api/me", headers=person.headers).get_json()["is_moderator"] is True
    assert client.get("/api/moderation/cases", headers=person.headers).status_code == 200

    assert runner.invoke(args=["users", "revoke-moderator", "casey"]).exit_code == 0
    assert client.get("/api/moderation/cases", headers=person.headers).status_code == 404
    unknown = runner.invoke(args=["users", "grant-moderator", "nobody"])
    assert unknown.exit_code != 0 and "No user named" in unknown.output


# --- reports --------------------------------------------------------------------------------


def test_reports_take_a_category_defaulting_to_other_and_an_empty_reason_only_with_one(client, make_user):
    reporter, a, b, c = (make_user() for _ in range(4))

    assert report(client, reporter, a)["category"] == "other"
    assert report(client, reporter, b, category="fake", reason="")["category"] == "fake"
    no_reason = client.post("/api/reports", json={"user_id": c.id, "reason": " "}, headers=reporter.headers)
    assert no_reason.status_code == 422 and "reason" in no_reason.get_json()["fields"]
    rude = {"user_id": c.id, "category": "rude", "reason": "x"}
    bad = client.post("/api/reports", json=rude, headers=reporter.headers)
    assert bad.status_code == 422 and "category" in bad.get_json()["fields"]
    too_long = {"user_id": c.id, "category": "spam", "reason": "x" * 1001}
    assert client.post("/api/reports", json=too_long, headers=reporter.headers).status_code == 422


@pytest.mark.app_config(REPORT_RATE_LIMIT="2 per hour")
def test_reports_are_rate_limited_per_reporter(client, make_user):
    reporter, other_reporter = make_user(), make_user()
    people = [make_user() for _ in range(3)]
    report(client, reporter, people[0])
    report(client, reporter, people[1])

    limited = client.post("/api/reports", json={"user_id": people[2].id, "reason": "x"}, headers=reporter.headers)

    assert limited.status_code == 429 and limited.get_json()["error"] == "rate_limited"
    report(client, other_reporter, people[2])


def test_three_different_reporters_hide_someone_from_discovery_until_a_moderator_decides(client, make_user, moderator):
    person, viewer = make_user(profile=NYC_PROFILE), make_user(profile=NYC_PROFILE)
    reporters = [make_user(profile=NYC_PROFILE) for _ in range(3)]
    report(client, reporters[0], person)
    report(client, reporters[1], person, category="spam")
    twice = client.post("/api/reports", json={"user_id": person.id, "reason": "again"}, headers=reporters[1].headers)
    assert twice.status_code == 409
    assert person.id in discover_ids(client, viewer)  # two people, one of them twice: still shown

    report(client, reporters[2], person)

    assert person.id not in discover_ids(client, viewer)
    assert client.get(f"/api/users/{person.id}", headers=viewer.headers).status_code == 200
    [case] = client.get("/api/moderation/cases", headers=moderator.headers).get_json()["cases"]
    assert case["hidden"] is True and case["report_count"] == 3
    assert case["categories"] == ["spam", "other"]

    act(client, moderator, person, "dismiss")

    assert person.id in discover_ids(client, viewer)
    assert client.get("/api/moderation/cases", headers=moderator.headers).get_json() == {"cases": []}


def test_a_new_report_after_a_decision_is_accepted_and_reopens_the_case_but_not_a_second_open_one(
    client, make_user, moderator
):
    person, reporter, other = make_user(), make_user(), make_user()
    report(client, reporter, person, category="spam")
    act(client, moderator, person, "warn")
    assert client.get("/api/moderation/cases", headers=moderator.headers).get_json() == {"cases": []}

    again = report(client, reporter, person, category="harassment", reason="Still at it.")

    [case] = client.get("/api/moderation/cases", headers=moderator.headers).get_json()["cases"]
    assert (case["user_id"], case["status"], case["report_count"], case["categories"]) == (
        person.id,
        "open",
        1,
        ["harassment"],
    )
    detail = client.get(f"/api/moderation/cases/{person.id}", headers=moderator.headers).get_json()
    assert [(r["id"], r["category"]) for r in detail["reports"]][-1] == (again["id"], "harassment")
    assert len(detail["reports"]) == 2 and detail["status"] == "open"
    twice = client.post("/api/reports", json={"user_id": person.id, "reason": "and again"}, headers=reporter.headers)
    assert twice.status_code == 409 and twice.get_json()["error"] == "conflict"
    report(client, other, person)  # someone else's open report is their own


def test_one_underage_report_hides_at_once(client, make_user, moderator):
    person, viewer, reporter = (make_user(profile=NYC_PROFILE) for _ in range(3))

    report(client, reporter, person, category="underage", reason="")

    assert person.id not in discover_ids(client, viewer)
    cases = client.get("/api/moderation/cases?category=underage", headers=moderator.headers).get_json()["cases"]
    assert [(case["user_id"], case["hidden"]) for case in cases] == [(person.id, True)]
    assert client.get("/api/moderation/cases?category=spam", headers=moderator.headers).get_json() == {"cases": []}


def test_the_queue_is_oldest_first_and_the_filters_are_checked(client, make_user, moderator):
    first, second, reporter = make_user(), make_user(), make_user()
    report(client, reporter, first)
    report(client, reporter, second)

    cases = client.get("/api/moderation/cases", headers=moderator.headers).get_json()["cases"]

    assert [case["user_id"] for case in cases] == [first.id, second.id]
    assert cases[0]["profile"]["username"] == first.username and "email" not in cases[0]["profile"]
    assert client.get("/api/moderation/cases?status=maybe", headers=moderator.headers).status_code == 422
    act(client, moderator, first, "warn")
    closed = client.get("/api/moderation/cases?status=closed", headers=moderator.headers).get_json()["cases"]
    assert [(case["user_id"], case["status"]) for case in closed] == [(first.id, "closed")]


# --- cases ----------------------------------------------------------------------------------


def test_a_case_shows_reporters_to_moderators_and_the_conversation_only_for_harassment_and_spam(
    client, make_user, moderator
):
    person, harassed, other = (make_user(profile=NYC_PROFILE) for _ in range(3))
    match_id = create_match(person, harassed)
    create_match(person, other)
    client.post(f"/api/matches/{match_id}/messages", json={"body": "you will regret it"}, headers=person.headers)
    report(client, harassed, person, category="harassment", reason="Threats")
    create_block(harassed, person)  # deletes the conversation; the report kept a copy
    report(client, other, person, category="fake")

    case = client.get(f"/api/moderation/cases/{person.id}", headers=moderator.headers).get_json()

    assert [(r["reporter_id"], r["category"], r["reason"]) for r in case["reports"]] == [
        (harassed.id, "harassment", "Threats"),
        (other.id, "fake", "Not nice."),
    ]
    [conversation] = case["messages"]
    assert conversation["reporter_id"] == harassed.id
    assert [(m["sender_id"], m["body"]) for m in conversation["messages"]] == [(person.id, "you will regret it")]
    assert case["status"] == "open" and case["profile"]["id"] == person.id
    assert client.get("/api/moderation/cases/999999", headers=moderator.headers).status_code == 404


# --- effects --------------------------------------------------------------------------------


def test_suspension_revokes_tokens_refuses_login_hides_everywhere_and_restore_brings_back(client, make_user, moderator):
    person, friend, stranger, reporter = (make_user(profile=NYC_PROFILE) for _ in range(4))
    match_id = create_match(person, friend)
    report(client, reporter, person, category="harassment")
    until = in_a_day()

    action = act(client, moderator, person, "suspend", until=until)

    assert action["action"] == "suspend" and action["until"] == until and action["moderator_id"] == moderator.id
    me = client.get("/api/me", headers=person.headers)
    assert me.status_code == 401 and me.get_json()["error"] == "token_revoked"
    refreshed = client.post("/api/auth/refresh", headers={"Authorization": f"Bearer {person.refresh_token}"})
    assert refreshed.status_code == 401
    refused = login(client, person)
    assert refused.status_code == 403
    assert refused.get_json()["error"] == "account_suspended" and refused.get_json()["until"] == until
    assert person.id not in discover_ids(client, stranger)
    assert client.get("/api/matches", headers=friend.headers).get_json() == {"matches": []}
    assert client.get(f"/api/users/{person.id}", headers=friend.headers).status_code == 404
    assert client.get(f"/api/users/{person.id}/photos", headers=friend.headers).status_code == 404
    assert client.get(f"/api/matches/{match_id}/messages", headers=friend.headers).status_code == 404
    swipe = client.post("/api/swipes", json={"user_id": person.id, "liked": True}, headers=stranger.headers)
    assert swipe.status_code == 404

    act(client, moderator, person, "restore", note="Served.")

    assert login(client, person).status_code == 200
    assert client.get("/api/me", headers=person.headers).status_code == 401  # old tokens stay revoked
    assert [m["id"] for m in client.get("/api/matches", headers=friend.headers).get_json()["matches"]] == [match_id]
    assert client.get(f"/api/users/{person.id}", headers=friend.headers).status_code == 200
    assert person.id in discover_ids(client, stranger)


PHILADELPHIA = {**NYC_PROFILE, "zip_code": "19103", "friend_radius_miles": 250}


def _what_others_see(client, person, friend, stranger, far_viewer, match_id, hangout_id):
    """Every way someone else reaches ``person``: route → status (or whether they are listed)."""
    base, hangout = f"/api/matches/{match_id}", f"/api/matches/{match_id}/hangouts/{hangout_id}"
    partner_routes = {
        "GET profile": client.get(f"/api/users/{person.id}", headers=friend.headers),
        "GET photos": client.get(f"/api/users/{person.id}/photos", headers=friend.headers),
        "GET messages": client.get(f"{base}/messages", headers=friend.headers),
        "POST read": client.post(f"{base}/read", headers=friend.headers),
        "POST typing": client.post(f"{base}/typing", headers=friend.headers),
        "GET hangouts": client.get(f"{base}/hangouts", headers=friend.headers),
        "GET ics": client.get(f"{hangout}.ics", headers=friend.headers),
    }
    seen = {route: response.status_code for route, response in partner_routes.items()}
    matches = client.get("/api/matches", headers=friend.headers).get_json()["matches"]
    seen["listed in matches"] = match_id in [match["id"] for match in matches]
    seen["listed in discovery"] = person.id in discover_ids(client, stranger)
    wider = client.get("/api/discover", headers=far_viewer.headers).get_json()
    seen["counted by a wider radius"] = wider["wider"][-1]["count"]
    return seen


@pytest.mark.parametrize("measure", ["suspend", "ban"])
def test_a_locked_person_is_gone_from_every_route_others_use_and_restore_brings_all_back(
    client, make_user, moderator, measure
):
    person, friend, stranger = (make_user(profile=PHILADELPHIA) for _ in range(3))
    far_viewer = make_user(profile={**NYC_PROFILE, "friend_radius_miles": 30})  # ~83 miles from them
    match_id = create_match(person, friend)
    client.post(f"/api/matches/{match_id}/messages", json={"body": "hi"}, headers=person.headers)
    body = {"activity": "Chess", "options": [{"starts_at": in_a_day(), "ends_at": in_a_day()}], "place_kind": "cafe"}
    body["options"][0]["ends_at"] = (datetime.now(UTC) + timedelta(days=1, hours=2)).strftime("%Y-%m-%dT%H:%M:%SZ")
    hangout = client.post(f"/api/matches/{match_id}/hangouts", json=body, headers=person.headers).get_json()
    accepted = client.post(
        f"/api/matches/{match_id}/hangouts/{hangout['id']}/accept", json={"option_index": 0}, headers=friend.headers
    )
    assert accepted.status_code == 200, accepted.get_json()
    client.post("/api/swipes", json={"user_id": friend.id, "liked": False}, headers=far_viewer.headers)
    client.post("/api/swipes", json={"user_id": stranger.id, "liked": False}, headers=far_viewer.headers)
    visible = _what_others_see(client, person, friend, stranger, far_viewer, match_id, hangout["id"])
    assert visible == {
        "GET profile": 200,
        "GET photos": 200,
        "GET messages": 200,
        "POST read": 204,
        "POST typing": 204,
        "GET hangouts": 200,
        "GET ics": 200,
        "listed in matches": True,
        "listed in discovery": True,
        "counted by a wider radius": 1,
    }

    act(client, moderator, person, measure, **({"until": in_a_day()} if measure == "suspend" else {}))

    hidden = _what_others_see(client, person, friend, stranger, far_viewer, match_id, hangout["id"])
    assert hidden == {
        **{route: 404 for route in visible if route.startswith(("GET", "POST"))},
        "listed in matches": False,
        "listed in discovery": False,
        "counted by a wider radius": 0,
    }
    message = client.post(f"/api/matches/{match_id}/messages", json={"body": "hello?"}, headers=friend.headers)
    swipe = client.post("/api/swipes", json={"user_id": person.id, "liked": True}, headers=stranger.headers)
    assert (message.status_code, swipe.status_code) == (404, 404)
    own = {"Authorization": f"Bearer {person.access_token}"}
    for method, path in (
        ("GET", "/api/me"),
        ("GET", "/api/matches"),
        ("GET", "/api/events"),
        ("GET", "/api/me/moderation"),
    ):
        answer = client.open(path, method=method, headers=own)
        assert answer.status_code == 401 and answer.get_json()["error"] == "token_revoked", path
    assert (
        client.post("/api/auth/refresh", headers={"Authorization": f"Bearer {person.refresh_token}"}).status_code == 401
    )

    act(client, moderator, person, "restore", note="Reviewed again.")

    assert _what_others_see(client, person, friend, stranger, far_viewer, match_id, hangout["id"]) == visible
    assert client.get("/api/me", headers=own).status_code == 401  # old tokens stay dead
    assert login(client, person).status_code == 200


def test_after_a_restore_old_tokens_stay_dead_and_a_password_change_keeps_its_session(client, make_user, moderator):
    person = make_user(profile=NYC_PROFILE)
    old_session = login(client, person).get_json()
    act(client, moderator, person, "suspend", until=in_a_day())
    act(client, moderator, person, "restore", note="Served.")

    current = login(client, person).get_json()
    other = login(client, person).get_json()
    for token in (person.access_token, old_session["access_token"]):
        assert client.get("/api/me", headers={"Authorization": f"Bearer {token}"}).status_code == 401
    for token in (person.refresh_token, old_session["refresh_token"]):
        assert client.post("/api/auth/refresh", headers={"Authorization": f"Bearer {token}"}).status_code == 401

    change = {"current_password": person.password, "new_password": "seven quiet lanterns drift"}
    current_headers = {"Authorization": f"Bearer {current['access_token']}"}
    assert client.post("/api/me/password", json=change, headers=current_headers).status_code == 204

    assert client.get("/api/me", headers=current_headers).status_code == 200
    refreshed = client.post("/api/auth/refresh", headers={"Authorization": f"Bearer {current['refresh_token']}"})
    assert refreshed.status_code == 200
    assert client.get("/api/me", headers={"Authorization": f"Bearer {other['access_token']}"}).status_code == 401
    for token in (person.access_token, old_session["access_token"]):
        assert client.get("/api/me", headers={"Authorization": f"Bearer {token}"}).status_code == 401


def test_a_ban_refuses_login_and_a_suspension_needs_a_future_end(client, make_user, moderator):
    person = make_user()
    past = (datetime.now(UTC) - timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M:%SZ")
    for body in ({"action": "suspend", "note": "x"}, {"action": "suspend", "note": "x", "until": past}):
        refused = client.post(f"/api/moderation/cases/{person.id}/actions", json=body, headers=moderator.headers)
        assert refused.status_code == 422 and "until" in refused.get_json()["fields"]
    no_note = {"action": "warn", "note": " "}
    assert (
        client.post(f"/api/moderation/cases/{person.id}/actions", json=no_note, headers=moderator.headers).status_code
        == 422
    )
    assert login(client, person).status_code == 200

    act(client, moderator, person, "ban", note="Scammer.")

    refused = login(client, person)
    assert refused.status_code == 403 and refused.get_json()["error"] == "account_banned"
    wrong_password = client.post("/api/auth/login", json={"username": person.username, "password": "wrong-password"})
    assert wrong_password.status_code == 401  # the ban is told only to someone who knows the password


@pytest.mark.app_config(EVENTS_HEARTBEAT_SECONDS=FAST_HEARTBEAT)
def test_a_ban_during_an_open_stream_sends_the_notice_and_ends_it_within_a_heartbeat(client, make_user, moderator):
    person = make_user(profile=NYC_PROFILE)
    stream = ClientStream(client.get("/api/events", headers=person.headers, buffered=False))
    assert stream.next_event().event == "ready"

    act(client, moderator, person, "ban", note="Scammer.", rule="spam")

    notice = stream.next_event(timeout=FAST_HEARTBEAT * 3)
    assert notice.event == "moderation"
    assert notice.data["action"] == "ban" and notice.data["rule"] == "spam" and "note" not in notice.data
    assert stream.next_event(timeout=FAST_HEARTBEAT * 3).event == "token_revoked"
    with pytest.raises(StopIteration):
        stream.next_frame()


def test_removing_a_photo_deletes_its_storage_objects_and_clear_bio_empties_the_bio(client, make_user, moderator):
    person = make_user(profile={**NYC_PROFILE, "bio": "Buy followers at spam.example"})
    uploaded = client.post(
        "/api/me/photos",
        data={"file": [(io.BytesIO(files.jpeg()), "a.jpg"), (io.BytesIO(files.jpeg()), "b.jpg")]},
        headers=person.headers,
        content_type="multipart/form-data",
    ).get_json()["photos"]
    photo = db.session.get(Photo, uploaded[0]["id"])
    keys = [photo.main_key, photo.thumb_key]
    storage = get_storage()
    assert all(storage.head(key) is not None for key in keys)
    other = make_user()
    theirs = client.post(
        "/api/me/photos",
        data={"file": [(io.BytesIO(files.jpeg()), "c.jpg")]},
        headers=other.headers,
        content_type="multipart/form-data",
    ).get_json()["photos"][0]["id"]
    not_theirs = {"action": "remove_photo", "note": "x", "photo_id": theirs}
    refused = client.post(f"/api/moderation/cases/{person.id}/actions", json=not_theirs, headers=moderator.headers)
    assert refused.status_code == 422

    action = act(client, moderator, person, "remove_photo", photo_id=uploaded[0]["id"], rule="inappropriate_photo")
    act(client, moderator, person, "clear_bio", rule="spam")

    assert action["photo_id"] == uploaded[0]["id"]
    assert not any(storage.head(key) is not None for key in keys)
    me = client.get("/api/me", headers=person.headers).get_json()
    assert [p["id"] for p in me["photos"]] == [uploaded[1]["id"]] and me["photos"][0]["position"] == 0
    assert me["bio"] == ""
    db.session.remove()
    assert db.session.get(Photo, theirs) is not None


# --- audit, notices, appeals ----------------------------------------------------------------


def test_every_action_is_an_audit_row_newest_first_that_no_route_changes(app, client, make_user, moderator):
    person, reporter = make_user(), make_user()
    report(client, reporter, person)
    done = [act(client, moderator, person, name, note=f"step {name}") for name in ("warn", "clear_bio", "dismiss")]

    page = client.get("/api/moderation/audit?limit=2", headers=moderator.headers).get_json()["actions"]
    rest = client.get(f"/api/moderation/audit?before={page[-1]['id']}", headers=moderator.headers).get_json()

    assert [a["action"] for a in page] == ["dismiss", "clear_bio"] and [a["action"] for a in rest["actions"]] == [
        "warn"
    ]
    assert page[0]["moderator_username"] == "mod" and page[0]["note"] == "step dismiss"
    assert [a for a in reversed(page + rest["actions"])] == [{**a, "moderator_username": "mod"} for a in done]
    writes = {
        (method, rule.rule)
        for rule in app.url_map.iter_rules()
        if rule.rule.startswith("/api/moderation")
        for method in rule.methods & {"PUT", "PATCH", "DELETE"}
    }
    assert writes == set()
    assert client.get("/api/moderation/audit?limit=0", headers=moderator.headers).status_code == 422


def test_the_person_sees_the_decision_and_appeals_once_which_reopens_the_case(client, make_user, moderator):
    person, reporter, stranger = make_user(), make_user(), make_user()
    report(client, reporter, person, category="spam")
    warned = act(client, moderator, person, "warn", note=f"Reported by {reporter.username}")

    mine = client.get("/api/me/moderation", headers=person.headers)
    assert mine.status_code == 200
    [notice] = mine.get_json()["actions"]
    assert notice["action"] == "warn" and notice["rule"] == "spam" and notice["can_appeal"] is True
    assert reporter.username not in mine.get_data(as_text=True)
    assert str(reporter.id) not in {str(v) for v in notice.values()}
    [made] = client.get("/api/me/moderation", headers=reporter.headers).get_json()["reports"]
    assert (made["user_id"], made["category"], made["handled"]) == (person.id, "spam", True)
    assert client.get("/api/moderation/cases", headers=moderator.headers).get_json() == {"cases": []}

    not_mine = client.post("/api/me/appeals", json={"action_id": warned["id"], "text": "no"}, headers=stranger.headers)
    assert not_mine.status_code == 404
    text = "I only shared a link once."
    appeal = client.post("/api/me/appeals", json={"action_id": warned["id"], "text": text}, headers=person.headers)
    assert appeal.status_code == 201 and appeal.get_json()["action_id"] == warned["id"]
    again = client.post("/api/me/appeals", json={"action_id": warned["id"], "text": "again"}, headers=person.headers)
    assert again.status_code == 409

    [case] = client.get("/api/moderation/cases", headers=moderator.headers).get_json()["cases"]
    assert (case["user_id"], case["status"], case["appeal_count"]) == (person.id, "open", 1)
    detail = client.get(f"/api/moderation/cases/{person.id}", headers=moderator.headers).get_json()
    assert [a["text"] for a in detail["appeals"]] == ["I only shared a link once."]
    assert client.get("/api/me/moderation", headers=person.headers).get_json()["actions"][0]["can_appeal"] is False


def test_a_later_decision_without_a_rule_keeps_the_rule_of_the_case(client, make_user, moderator):
    person, reporter, unreported = make_user(), make_user(), make_user()
    report(client, reporter, person, category="harassment")
    until = (datetime.now(UTC) + timedelta(days=3)).isoformat()
    suspended = act(client, moderator, person, "suspend", until=until)
    banned = act(client, moderator, person, "ban")  # the reports were handled by the suspension
    restored = act(client, moderator, person, "restore", rule="spam")
    warned = act(client, moderator, person, "warn")
    first = act(client, moderator, unreported, "warn")

    rules = [decision["rule"] for decision in (suspended, banned, restored, warned, first)]
    assert rules == ["harassment", "harassment", "spam", "spam", "other"]


def appeal_token(person):
    """The token of the appeal link in the newest decision mail to ``person``."""
    return token_of(outbox_link(person.email, "/appeal"))


def test_a_banned_person_appeals_from_the_mails_link_once_which_reopens_the_case(client, make_user, moderator):
    person, reporter = make_user(), make_user()
    report(client, reporter, person, category="fake")
    banned = act(client, moderator, person, "ban", note=f"Reported by {reporter.username}")
    token = appeal_token(person)
    assert login(client, person).status_code == 403  # no way in: the link is the way to appeal

    shown = client.get(f"/api/appeals/{token}")

    assert shown.status_code == 200
    decision = shown.get_json()
    assert (decision["id"], decision["action"], decision["rule"], decision["until"]) == (
        banned["id"],
        "ban",
        "fake",
        None,
    )
    assert decision["rule_text"].startswith("Be yourself") and decision["can_appeal"] is True
    assert "note" not in decision and reporter.username not in shown.get_data(as_text=True)
    empty = client.post(f"/api/appeals/{token}", json={"text": "  "})
    assert empty.status_code == 422 and "text" in empty.get_json()["fields"]
    assert client.get(f"/api/appeals/{token}").status_code == 200  # a refused body spends nothing

    appealed = client.post(f"/api/appeals/{token}", json={"text": "That is really me."})

    assert appealed.status_code == 201 and appealed.get_json()["action_id"] == banned["id"]
    [case] = client.get("/api/moderation/cases", headers=moderator.headers).get_json()["cases"]
    assert (case["user_id"], case["status"], case["appeal_count"], case["banned"]) == (person.id, "open", 1, True)
    detail = client.get(f"/api/moderation/cases/{person.id}", headers=moderator.headers).get_json()
    assert [(a["action_id"], a["text"]) for a in detail["appeals"]] == [(banned["id"], "That is really me.")]
    for used in (client.get(f"/api/appeals/{token}"), client.post(f"/api/appeals/{token}", json={"text": "again"})):
        assert used.status_code == 400 and used.get_json()["error"] == "invalid_token"


def test_appeal_links_are_refused_when_tampered_foreign_or_already_appealed_in_the_app(client, make_user, moderator):
    person, other = make_user(), make_user()
    warned = act(client, moderator, person, "warn")
    token = appeal_token(person)
    act(client, moderator, other, "suspend", until=in_a_day())
    others_token = appeal_token(other)
    verification = token_of(outbox_link(person.email, "/verify-email"))

    for bad in (token[:-2] + ("AA" if not token.endswith("AA") else "BB"), "nonsense", verification, "x" * 500):
        for response in (client.get(f"/api/appeals/{bad}"), client.post(f"/api/appeals/{bad}", json={"text": "hi"})):
            assert response.status_code == 400 and response.get_json()["error"] == "invalid_token", bad
    # Whoever holds a link appeals only its own decision, whatever token they sign in with.
    theirs = client.post(f"/api/appeals/{others_token}", json={"text": "mine"}, headers=person.headers)
    assert theirs.status_code == 201 and theirs.get_json()["action_id"] != warned["id"]
    assert (
        db.session.scalar(
            sa.select(sa.func.count())
            .select_from(AccountToken)
            .where(AccountToken.used_at.is_(None), AccountToken.purpose == "appeal")
        )
        == 1
    )

    in_the_app = client.post("/api/me/appeals", json={"action_id": warned["id"], "text": "No."}, headers=person.headers)
    assert in_the_app.status_code == 201
    for response in (client.get(f"/api/appeals/{token}"), client.post(f"/api/appeals/{token}", json={"text": "x"})):
        assert response.status_code == 400 and response.get_json()["error"] == "invalid_token"
    detail = client.get(f"/api/moderation/cases/{person.id}", headers=moderator.headers).get_json()
    assert [a["text"] for a in detail["appeals"]] == ["No."]  # one appeal per action


def test_a_restore_mail_has_no_appeal_link(client, make_user, moderator):
    person = make_user()
    act(client, moderator, person, "suspend", until=in_a_day())
    act(client, moderator, person, "restore", note="Served.")

    suspended, restored = db.session.scalars(
        sa.select(OutboxMail).where(OutboxMail.to_address == person.email).order_by(OutboxMail.id)
    ).all()[-2:]
    assert "/appeal?token=" in suspended.text_body and "/appeal" not in restored.text_body + restored.html_body
    assert restored.subject == "Your Friender account was restored"


@pytest.mark.app_config(APPEAL_LINK_RATE_LIMIT="2 per hour")
def test_appeal_links_are_rate_limited_per_address(client):
    statuses = [client.get(f"/api/appeals/guess{number}").status_code for number in range(3)]
    posts = [client.post(f"/api/appeals/guess{number}", json={"text": "hi"}).status_code for number in range(3)]

    assert statuses == [400, 400, 429] and posts == [400, 400, 429]


def test_a_dismissal_is_not_told_to_the_person_and_cannot_be_appealed(client, make_user, moderator):
    person, reporter = make_user(), make_user()
    report(client, reporter, person)
    dismissed = act(client, moderator, person, "dismiss")

    assert client.get("/api/me/moderation", headers=person.headers).get_json()["actions"] == []
    refused = client.post("/api/me/appeals", json={"action_id": dismissed["id"], "text": "?"}, headers=person.headers)
    assert refused.status_code == 404


def test_moderators_cannot_act_on_themselves(client, moderator):
    refused = client.post(
        f"/api/moderation/cases/{moderator.id}/actions", json={"action": "ban", "note": "x"}, headers=moderator.headers
    )
    assert refused.status_code == 422
    assert client.get("/api/me", headers=moderator.headers).status_code == 200


# --- blocks ---------------------------------------------------------------------------------


def test_the_blocked_list_and_unblocking_someone_nobody_swiped(client, make_user):
    me, blocked, swiped = (make_user(profile=NYC_PROFILE) for _ in range(3))
    client.post("/api/swipes", json={"user_id": swiped.id, "liked": False}, headers=me.headers)
    create_block(me, blocked)
    create_block(me, swiped)

    listed = client.get("/api/blocks", headers=me.headers).get_json()["blocks"]

    assert [b["user_id"] for b in listed] == [swiped.id, blocked.id]
    assert listed[0]["username"] == swiped.username and "blocked_at" in listed[0]
    assert client.get("/api/blocks", headers=blocked.headers).get_json() == {"blocks": []}
    assert client.delete(f"/api/blocks/{me.id}", headers=blocked.headers).status_code == 404
    assert client.delete(f"/api/blocks/{blocked.id}", headers=me.headers).status_code == 204
    assert client.delete(f"/api/blocks/{blocked.id}", headers=me.headers).status_code == 404
    assert client.delete(f"/api/blocks/{swiped.id}", headers=me.headers).status_code == 204
    assert discover_ids(client, me) == {blocked.id}
    assert client.get(f"/api/users/{blocked.id}", headers=me.headers).status_code == 200


def test_the_decision_is_mailed_naming_the_action_and_rule_but_not_the_reporter_or_note(
    client, make_user, moderator, smtp_server
):
    person, reporter = make_user(), make_user()
    report(client, reporter, person, category="spam")

    act(client, moderator, person, "suspend", note=f"Reported by {reporter.username}", until=in_a_day())

    # The first mail is signup's verification link; the decision is the second.
    _verification, message = smtp_server.wait_for(person.email, count=2)
    text, html = parts(message)
    assert message["Subject"] == "Your Friender account is suspended"
    assert "No spam, advertising or scams." in text and "It lasts until" in text and "/profile" in text
    for body in (text, html):
        assert reporter.username not in body and "Reported by" not in body
    act(client, moderator, person, "dismiss")
    assert len(smtp_server.to(person.email)) == 2  # a dismissal is not told
    assert all(m["Subject"] == "Confirm your email address" for m in smtp_server.to(reporter.email))
