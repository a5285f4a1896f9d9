"""Undo, the typing signal and the honest empty deck (``wider`` counts on an empty discovery page)."""

import random
from datetime import timedelta

import pytest
import sqlalchemy as sa

from friender.extensions import db
from friender.geo import distance_miles
from friender.models import Block, Swipe, User

from .matching import create_match
from .sse import ClientStream
from .support import NYC_PROFILE
from .test_discovery import ZIPS, discover, ids, person

# Reads from a test-client stream wait at most one heartbeat; keep it short so no read can hang.
pytestmark = pytest.mark.app_config(EVENTS_HEARTBEAT_SECONDS=0.2)
OTHER_ZIPS = [zip_code for zip_code in ZIPS if zip_code != "08540"]


def swipe(client, user, other, liked):
    response = client.post("/api/swipes", json={"user_id": other.id, "liked": liked}, headers=user.headers)
    assert response.status_code == 201, response.get_json()
    return response.get_json()


def undo(client, user):
    return client.post("/api/swipes/undo", headers=user.headers)


def test_a_no_can_be_undone_and_the_person_is_shown_again(client, make_user):
    viewer, other = make_user(profile=NYC_PROFILE), make_user(profile=NYC_PROFILE)
    swipe(client, viewer, other, False)
    assert other.id not in ids(discover(client, viewer))

    response = undo(client, viewer)

    assert response.status_code == 200 and response.get_json() == {"user_id": other.id}
    assert other.id in ids(discover(client, viewer))
    assert swipe(client, viewer, other, True) == {"match": None}  # and can be decided again


def test_an_unanswered_yes_can_be_undone_and_only_the_latest_decision(client, make_user):
    viewer, first, second = (make_user(profile=NYC_PROFILE) for _ in range(3))
    swipe(client, viewer, first, True)
    swipe(client, viewer, second, True)

    assert undo(client, viewer).get_json() == {"user_id": second.id}
    assert undo(client, viewer).get_json() == {"user_id": first.id}
    assert undo(client, viewer).status_code == 404
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Swipe)) == 0


def test_a_yes_that_made_a_match_cannot_be_undone(client, make_user):
    ana, ben = make_user(profile=NYC_PROFILE), make_user(profile=NYC_PROFILE)
    create_match(ana, ben)

    response = undo(client, ben)

    assert response.status_code == 409 and response.get_json()["error"] == "conflict"
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Swipe)) == 2
    assert client.get("/api/matches", headers=ana.headers).get_json()["matches"]


def test_after_five_minutes_a_decision_stands(client, make_user):
    viewer, other = make_user(profile=NYC_PROFILE), make_user(profile=NYC_PROFILE)
    swipe(client, viewer, other, False)
    stored = db.session.scalar(sa.select(Swipe))
    stored.created_at = stored.created_at - timedelta(minutes=5, seconds=1)
    db.session.commit()

    response = undo(client, viewer)

    assert response.status_code == 409
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Swipe)) == 1


def test_another_users_decision_cannot_be_touched(client, make_user):
    viewer, other, third = (make_user(profile=NYC_PROFILE) for _ in range(3))
    swipe(client, other, third, False)

    assert undo(client, viewer).status_code == 404
    assert undo(client, third).status_code == 404  # the decision was about them, not theirs
    assert db.session.scalar(sa.select(Swipe.swiper_id)) == other.id
    assert client.post("/api/swipes/undo").status_code == 401


def test_typing_reaches_the_other_member_only_and_stores_nothing(client, make_user):
    ana, ben, cy = (make_user(profile=NYC_PROFILE) for _ in range(3))
    match_id = create_match(ana, ben)
    streams = {u.id: ClientStream(client.get("/api/events", headers=u.headers, buffered=False)) for u in (ana, ben, cy)}
    for stream in streams.values():
        stream.next_event()

    response = client.post(f"/api/matches/{match_id}/typing", headers=ana.headers)

    assert response.status_code == 204
    event = streams[ben.id].next_event()
    assert (event.event, event.data) == ("typing", {"match_id": match_id, "user_id": ana.id})
    for user in (ana, cy):
        with pytest.raises(TimeoutError):
            streams[user.id].next_event(timeout=0.4)
    assert client.post(f"/api/matches/{match_id}/typing", headers=cy.headers).status_code == 404
    for stream in streams.values():
        stream.close()


@pytest.mark.app_config(TYPING_RATE_LIMIT="3 per minute", EVENTS_HEARTBEAT_SECONDS=0.2)
def test_typing_is_rate_limited(client, make_user):
    ana, ben = make_user(profile=NYC_PROFILE), make_user(profile=NYC_PROFILE)
    match_id = create_match(ana, ben)

    codes = [client.post(f"/api/matches/{match_id}/typing", headers=ana.headers).status_code for _ in range(4)]

    assert codes == [204, 204, 204, 429]
    assert client.post(f"/api/matches/{match_id}/typing", headers=ben.headers).status_code == 204


def naive_wider(viewer_id, radii):
    """From the contract alone: everyone complete, not decided about, no block, both radii reached."""
    db.session.expire_all()
    everyone = db.session.scalars(sa.select(User)).all()
    viewer = next(user for user in everyone if user.id == viewer_id)
    swiped = set(db.session.scalars(sa.select(Swipe.swipee_id).where(Swipe.swiper_id == viewer_id)))
    blocks = db.session.execute(sa.select(Block.blocker_id, Block.blocked_id)).all()
    blocked = {b for a, b in blocks if a == viewer_id} | {a for a, b in blocks if b == viewer_id}
    counts = []
    for radius in radii:
        count = 0
        for user in everyone:
            if user.id == viewer_id or not user.profile_complete or user.id in swiped | blocked:
                continue
            miles = distance_miles(viewer.latitude, viewer.longitude, user.latitude, user.longitude)
            count += miles <= radius and miles <= user.friend_radius_miles
        counts.append({"radius_miles": radius, "count": count})
    return counts


def test_an_empty_page_says_how_many_a_wider_radius_would_bring_like_a_naive_count(client, make_user):
    rng = random.Random(18)
    # The viewer in Princeton with a 2-mile radius sees nobody; New York, Philadelphia, Stamford… are 40–70 miles off.
    viewer = make_user(profile=person("08540", ["Chess"], ["Jazz"], radius=2))
    people = [
        make_user(profile=person(rng.choice(OTHER_ZIPS), ["Chess"], ["Jazz"], radius=rng.choice([5, 60, 250])))
        for _ in range(40)
    ]
    for other in rng.sample(people, 6):
        client.post("/api/swipes", json={"user_id": other.id, "liked": rng.random() < 0.5}, headers=viewer.headers)
    client.post("/api/blocks", json={"user_id": people[0].id}, headers=viewer.headers)
    client.post("/api/blocks", json={"user_id": viewer.id}, headers=people[1].headers)

    body = client.get("/api/discover", headers=viewer.headers).get_json()

    assert body["users"] == []
    expected = naive_wider(viewer.id, (25, 50, 100))
    assert body["wider"] == expected
    assert [entry["count"] for entry in expected] == sorted(entry["count"] for entry in expected)
    assert expected[-1]["count"] > 0


def test_counts_are_offered_only_for_radii_wider_than_the_viewers_and_only_on_an_empty_page(client, make_user):
    viewer = make_user(profile=person("10001", ["Chess"], ["Jazz"], radius=30))
    near = make_user(profile=person("10003", ["Chess"], ["Jazz"], radius=250))
    far = make_user(profile=person("19103", ["Chess"], ["Jazz"], radius=250))  # Philadelphia, ~83 miles

    full_page = client.get("/api/discover", headers=viewer.headers).get_json()
    swipe(client, viewer, near, False)
    empty_page = client.get("/api/discover", headers=viewer.headers).get_json()

    assert ids(full_page["users"]) == [near.id] and "wider" not in full_page
    assert empty_page == {"users": [], "wider": [{"radius_miles": 50, "count": 0}, {"radius_miles": 100, "count": 1}]}
    assert far.id
    client.patch("/api/me", json={"friend_radius_miles": 250}, headers=viewer.headers)
    assert client.get("/api/discover", headers=viewer.headers).get_json()["users"][0]["id"] == far.id


def test_wider_counts_leave_out_people_the_mutual_age_rule_keeps_apart(client, make_user):
    # The viewer (born 1990) wants 30 to 45; Philadelphia, ~83 miles off, holds one of each case.
    viewer = make_user(profile={**person("10001", ["Chess"], ["Jazz"], radius=30), "age_min": 30, "age_max": 45})
    fits = make_user(profile=person("19103", ["Chess"], ["Jazz"], radius=250))
    too_young = make_user(profile={**person("19103", ["Chess"], ["Jazz"], radius=250), "birthdate": "2005-01-01"})
    wants_younger = make_user(profile={**person("19103", ["Chess"], ["Jazz"], radius=250), "age_max": 25})

    empty_page = client.get("/api/discover", headers=viewer.headers).get_json()

    assert empty_page == {"users": [], "wider": [{"radius_miles": 50, "count": 0}, {"radius_miles": 100, "count": 1}]}
    assert too_young.id and wants_younger.id
    client.patch("/api/me", json={"friend_radius_miles": 250}, headers=viewer.headers)
    assert ids(client.get("/api/discover", headers=viewer.headers).get_json()["users"]) == [fits.id]
