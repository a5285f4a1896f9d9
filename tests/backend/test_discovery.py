"""GET /api/discover: who is shown, in which order, and that the index follows every change."""

import random
import threading
from datetime import date

import psycopg2.extensions
import pytest
import sqlalchemy as sa

from friender.discovery.ranker_postgresql import TieredIndexRanker
from friender.discovery.ranker_sqlite import OneQueryRanker
from friender.discovery.service import ranker
from friender.extensions import db
from friender.geo import distance_miles
from friender.models import Block, SearchProfile, SearchTag, Swipe, Tag, User, age_on, utcnow
from friender.profiles.service import shared_tags

from .support import NYC_PROFILE


def person(zip_code, hobbies, interests, radius=25, name="Someone"):
    return {
        "display_name": name,
        "hobbies": hobbies,
        "interests": interests,
        "zip_code": zip_code,
        "friend_radius_miles": radius,
    }


def discover(client, user, **query):
    response = client.get("/api/discover", query_string=query, headers=user.headers)
    assert response.status_code == 200, response.get_json()
    return response.get_json()["users"]


def ids(users):
    return [user["id"] for user in users]


def test_the_app_ranks_with_its_own_databases_ranker(app):
    """Every discovery test below runs through this ranker: PostgreSQL's whenever the suite runs on it."""
    expected = TieredIndexRanker if db.engine.dialect.name == "postgresql" else OneQueryRanker
    assert type(ranker()) is expected


def test_the_apps_postgresql_connections_never_compile_queries(app):
    """Discovery's scans cross jit_above_cost by the planner's estimates; compiling costs milliseconds."""
    if db.engine.dialect.name != "postgresql":
        pytest.skip("JIT compilation is PostgreSQL's")
    assert db.session.execute(sa.text("SHOW jit")).scalar() == "off"


def test_a_page_on_postgresql_is_read_in_one_snapshot_with_its_token_check(client, make_user):
    """Ranking reads every scan from one REPEATABLE READ snapshot (a concurrent reindex cannot mix
    old masks with new bits); the request begins in it, so nothing commits before ranking."""
    if db.engine.dialect.name != "postgresql":
        pytest.skip("REPEATABLE READ snapshots are PostgreSQL's ranker's")
    viewer = make_user(profile=NYC_PROFILE)
    shown = make_user(profile=person("10011", ["Chess"], ["Jazz"]))
    db.session.commit()  # each request of a served app begins with no transaction
    events = []
    # The request runs in this thread (the test client); the app's background work, on its own
    # connections, would be recorded too by these engine-wide listeners.
    request_thread = threading.get_ident()

    def on_statement(_conn, cursor, statement, *_args):
        if threading.get_ident() == request_thread:
            events.append((cursor.connection.isolation_level, statement.split()[0]))

    def on_commit(_conn):
        if threading.get_ident() == request_thread:
            events.append((None, "COMMIT"))

    sa.event.listen(db.engine, "before_cursor_execute", on_statement)
    sa.event.listen(db.engine, "commit", on_commit)
    try:
        users = discover(client, viewer)
    finally:
        sa.event.remove(db.engine, "before_cursor_execute", on_statement)
        sa.event.remove(db.engine, "commit", on_commit)

    assert ids(users) == [shown.id]
    assert len(events) >= 4  # the token check, the viewer's tags, a scan, the profiles and photos
    assert events == [(psycopg2.extensions.ISOLATION_LEVEL_REPEATABLE_READ, "SELECT")] * len(events)


def test_the_contract_decides_who_is_shown_and_in_which_order(client, make_user):
    viewer = make_user(profile=NYC_PROFILE)  # 10001, 25 miles, Climbing, Chess, Jazz
    three_shared = make_user(profile=person("10011", ["chess", "CLIMBING"], ["jazz"]))  # 0.6 mi
    one_shared_near = make_user(profile=person("10003", ["Chess"], ["Opera"]))  # 1.2 mi
    one_shared_far = make_user(profile=person("10701", ["Cooking"], ["Jazz"]))  # Yonkers, 15.3 mi
    none_shared = make_user(profile=person("11201", ["Knitting"], ["Opera"]))  # Brooklyn, 3.8 mi
    outside_my_radius = make_user(profile=person("19103", ["Chess"], ["Jazz"], radius=250))  # 82.9 mi
    outside_their_radius = make_user(profile=person("10451", ["Chess"], ["Jazz"], radius=5))  # Bronx, 6.4 mi
    swiped_yes = make_user(profile=person("07030", ["Chess"], ["Jazz"]))
    swiped_no = make_user(profile=person("11101", ["Chess"], ["Jazz"]))
    blocked_by_me = make_user(profile=person("10003", ["Chess"], ["Jazz"]))
    blocked_me = make_user(profile=person("10011", ["Chess"], ["Jazz"]))
    incomplete = make_user(profile={"display_name": "Half", "hobbies": ["Chess"], "zip_code": "10001"})
    assert (
        client.post("/api/swipes", json={"user_id": swiped_yes.id, "liked": True}, headers=viewer.headers).status_code
        == 201
    )
    assert (
        client.post("/api/swipes", json={"user_id": swiped_no.id, "liked": False}, headers=viewer.headers).status_code
        == 201
    )
    assert client.post("/api/blocks", json={"user_id": blocked_by_me.id}, headers=viewer.headers).status_code == 201
    assert client.post("/api/blocks", json={"user_id": viewer.id}, headers=blocked_me.headers).status_code == 201

    users = discover(client, viewer)

    assert ids(users) == [three_shared.id, one_shared_near.id, one_shared_far.id, none_shared.id]
    hidden = {outside_my_radius, outside_their_radius, swiped_yes, swiped_no, blocked_by_me, blocked_me, incomplete}
    assert not {user.id for user in hidden} & set(ids(users))
    assert [user["distance_miles"] for user in users] == [2, 2, 25, 5]
    assert users[0]["shared_interests"] == ["chess", "CLIMBING", "jazz"]
    assert users[2]["shared_interests"] == ["Jazz"] and users[3]["shared_interests"] == []
    assert users[0]["city"] == "New York" and users[0]["photos"] == []
    text = str(users)
    for secret in ("zip_code", "email", "latitude", "10011", "password"):
        assert secret not in text


def test_blocked_people_do_not_see_the_blocker_either(client, make_user):
    viewer = make_user(profile=NYC_PROFILE)
    blocker = make_user(profile=NYC_PROFILE)
    assert ids(discover(client, viewer)) == [blocker.id]

    client.post("/api/blocks", json={"user_id": viewer.id}, headers=blocker.headers)

    assert discover(client, viewer) == []
    assert discover(client, blocker) == []


def test_distance_is_shown_only_as_within_a_bucket(client, make_user):
    viewer = make_user(profile=NYC_PROFILE)
    same_zip = make_user(profile=person("10001", ["Chess"], ["Jazz"]))  # 0 mi
    hoboken = make_user(profile=person("07030", ["Chess"], ["Jazz"]))  # 1.914 mi
    queens = make_user(profile=person("11101", ["Chess"], ["Jazz"]))  # 3.266 mi
    brooklyn = make_user(profile=person("11201", ["Chess"], ["Jazz"]))  # 3.774 mi

    users = discover(client, viewer)

    assert ids(users) == [same_zip.id, hoboken.id, queens.id, brooklyn.id]
    assert [user["distance_miles"] for user in users] == [2, 2, 5, 5]


def test_equal_rank_and_distance_falls_back_to_id(client, make_user):
    viewer = make_user(profile=NYC_PROFILE)
    twins = [make_user(profile=person("10003", ["Chess"], ["Opera"])) for _ in range(4)]

    assert ids(discover(client, viewer)) == sorted(twin.id for twin in twins)
    assert ids(discover(client, viewer, limit=2)) == sorted(twin.id for twin in twins)[:2]


def test_incomplete_viewer_gets_409_listing_what_is_missing(client, make_user):
    viewer = make_user(profile={"display_name": "Half", "hobbies": ["Chess"]})

    response = client.get("/api/discover", headers=viewer.headers)

    assert response.status_code == 409
    body = response.get_json()
    assert body["error"] == "profile_incomplete"
    assert set(body["fields"]) == {"interests", "zip_code", "friend_radius_miles"}


@pytest.mark.parametrize("limit", ["0", "51", "abc", "-1"])
def test_bad_limit_is_422(client, make_user, limit):
    viewer = make_user(profile=NYC_PROFILE)

    response = client.get(f"/api/discover?limit={limit}", headers=viewer.headers)

    assert response.status_code == 422
    assert "limit" in response.get_json()["fields"]


def test_discover_needs_a_token(client):
    response = client.get("/api/discover")

    assert response.status_code == 401
    assert response.get_json()["error"] == "unauthorized"


def _search_rows(user_id):
    db.session.expire_all()
    profiles = db.session.scalar(sa.select(sa.func.count()).where(SearchProfile.user_id == user_id))
    tags = db.session.scalar(sa.select(sa.func.count()).where(SearchTag.user_id == user_id))
    return profiles, tags


def test_profile_edits_and_deletion_keep_discovery_in_step(client, make_user):
    viewer = make_user(profile=NYC_PROFILE)
    other = make_user(profile=person("10003", ["Knitting"], ["Opera"]))
    rival = make_user(profile=person("11201", ["Chess"], ["Opera"]))
    assert ids(discover(client, viewer)) == [rival.id, other.id]
    assert _search_rows(other.id) == (1, 2)

    client.patch("/api/me", json={"hobbies": ["Chess", "climbing", "knitting"]}, headers=other.headers)
    assert ids(discover(client, viewer)) == [other.id, rival.id]
    assert discover(client, viewer)[0]["shared_interests"] == ["Chess", "climbing"]
    assert _search_rows(other.id) == (1, 4)

    client.patch("/api/me", json={"zip_code": "19103"}, headers=other.headers)
    assert ids(discover(client, viewer)) == [rival.id]

    client.patch("/api/me", json={"zip_code": "10003", "friend_radius_miles": 1}, headers=other.headers)
    assert ids(discover(client, viewer)) == [rival.id]  # 1.2 miles away: outside their own radius

    client.patch("/api/me", json={"friend_radius_miles": 2}, headers=other.headers)
    assert ids(discover(client, viewer)) == [other.id, rival.id]

    client.patch("/api/me", json={"friend_radius_miles": 1}, headers=viewer.headers)
    assert discover(client, viewer) == []  # the viewer's own radius shrank

    response = client.delete("/api/me", json={"password": other.password}, headers=other.headers)
    assert response.status_code == 204
    assert _search_rows(other.id) == (0, 0)
    client.patch("/api/me", json={"friend_radius_miles": 25}, headers=viewer.headers)
    assert ids(discover(client, viewer)) == [rival.id]


def test_reindex_command_rebuilds_the_same_answers(app, client, make_user):
    viewer = make_user(profile=NYC_PROFILE)
    others = [make_user(profile=person("10003", ["Chess", f"Tag{i}"], ["Opera"])) for i in range(3)]
    before = discover(client, viewer)

    result = app.test_cli_runner().invoke(args=["discovery", "reindex"])

    assert result.exit_code == 0, result.output
    assert "Indexed 4 searchable profiles" in result.output
    assert discover(client, viewer) == before
    assert ids(before) == [other.id for other in others]


def test_someone_with_a_rare_tag_and_a_common_one_counts_both(app, client, make_user):
    common = [f"common{n:02d}" for n in range(63)]
    for filler in range(10):  # far away; they make the 63 common tags the most popular (the ones with bits)
        tags = [common[(filler * 20 + n) % 63] for n in range(20)]
        make_user(profile=person("94103", tags[:10], tags[10:]))
    viewer = make_user(profile=person("10001", ["common00", "zzrare"], ["common01"]))
    both = make_user(profile=person("11201", ["ZZRARE"], ["common00"]))  # 3.8 miles, shares 2
    nearer = make_user(profile=person("10011", ["common00"], ["Opera"]))  # 0.6 miles, shares 1
    other = make_user(profile=person("10003", ["common01"], ["Opera"]))  # 1.2 miles, shares 1
    assert app.test_cli_runner().invoke(args=["discovery", "reindex"]).exit_code == 0
    db.session.expire_all()
    assert db.session.scalar(sa.select(Tag.bit).where(Tag.name == "zzrare")) is None
    assert db.session.scalar(sa.select(Tag.bit).where(Tag.name == "common00")) is not None

    users = discover(client, viewer)

    assert ids(users) == [both.id, nearer.id, other.id]
    assert users[0]["shared_interests"] == ["ZZRARE", "common00"]


def test_a_viewer_with_only_popular_tags_still_gets_the_nearest_of_the_next_rank(app, client, make_user):
    for _ in range(3):  # far away; they make alpha and beta more popular than gamma
        make_user(profile=person("94103", ["alpha", "beta"], ["filler"]))
    viewer = make_user(profile=person("10001", ["alpha", "beta"], ["gamma"]))
    everything = [make_user(profile=person("07030", ["alpha", "beta"], ["gamma"])) for _ in range(3)]
    farther_two = make_user(profile=person("11201", ["alpha"], ["gamma"]))  # 3.8 miles, shares 2
    nearer_two = make_user(profile=person("10011", ["alpha", "beta"], ["opera"]))  # 0.6 miles, shares 2
    assert app.test_cli_runner().invoke(args=["discovery", "reindex"]).exit_code == 0

    assert ids(discover(client, viewer, limit=3)) == [user.id for user in everything]
    assert ids(discover(client, viewer, limit=4)) == [*(user.id for user in everything), nearer_two.id]
    assert ids(discover(client, viewer, limit=5)) == [*(u.id for u in everything), nearer_two.id, farther_two.id]


# A baseline written from the contract alone: every user, exact geopy distance, tags compared per row.
def naive_discover(viewer_id, limit):
    db.session.expire_all()
    everyone = db.session.scalars(sa.select(User)).all()
    viewer = next(user for user in everyone if user.id == viewer_id)
    swiped = set(db.session.scalars(sa.select(Swipe.swipee_id).where(Swipe.swiper_id == viewer_id)))
    blocks = db.session.execute(sa.select(Block.blocker_id, Block.blocked_id)).all()
    blocked = {b for a, b in blocks if a == viewer_id} | {a for a, b in blocks if b == viewer_id}
    ranked = []
    today = utcnow().date()
    viewer_age = age_on(viewer.birthdate, today)
    for user in everyone:
        if user.id == viewer_id or not user.profile_complete or user.id in swiped | blocked:
            continue
        if not user.email_verified:
            continue
        age = age_on(user.birthdate, today)
        if not (viewer.age_min <= age <= viewer.age_max and user.age_min <= viewer_age <= user.age_max):
            continue
        miles = distance_miles(viewer.latitude, viewer.longitude, user.latitude, user.longitude)
        if miles <= viewer.friend_radius_miles and miles <= user.friend_radius_miles:
            ranked.append((-len(shared_tags(viewer, user)), miles, user.id))
    return [user_id for _, _, user_id in sorted(ranked)[:limit]]


ZIPS = ["10001", "10003", "10011", "11201", "07030", "10451", "11101", "10701", "06901", "08540", "19103", "07302"]


def test_results_are_identical_to_the_naive_baseline(app, client, make_user):
    rng = random.Random(5)
    # 70 tags (more than the 63 mask bits) with a skewed popularity, spelled in mixed case.
    vocabulary = [f"tag{i:02d}" for i in range(70)]
    weights = [1 / (rank + 1) for rank in range(len(vocabulary))]

    def tags(count):
        chosen = set()
        while len(chosen) < count:
            chosen.add(rng.choices(vocabulary, weights)[0])
        return [tag.upper() if rng.random() < 0.3 else tag for tag in chosen]

    def random_ages():
        """A birthdate from 18 to 70 years ago, and mostly the default range, else a narrow one."""
        born = utcnow().date().replace(day=1, month=rng.randint(1, 12)).toordinal() - rng.randint(19, 70) * 365
        low = rng.choice([18, 18, 18, 25, 30, 40])
        return {
            "birthdate": date.fromordinal(born).isoformat(),
            "age_min": low,
            "age_max": 99 if low == 18 else low + rng.choice([5, 10]),
        }

    def random_profile():
        profile = person(rng.choice(ZIPS), tags(rng.randint(1, 4)), tags(rng.randint(1, 3)), rng.choice([2, 5, 25, 60]))
        return {**profile, **random_ages()}

    people = [make_user(profile=random_profile(), verified=rng.random() < 0.9) for _ in range(120)]
    for swiper in people[:20]:
        for target in rng.sample(people, 8):
            if target is not swiper:
                client.post(
                    "/api/swipes", json={"user_id": target.id, "liked": rng.random() < 0.5}, headers=swiper.headers
                )
    for blocker in people[20:30]:
        client.post("/api/blocks", json={"user_id": rng.choice(people).id}, headers=blocker.headers)
    viewers = people[:12] + people[25:30]

    def compare():
        for viewer in viewers:
            for limit in (1, 3, 20, 50):
                assert ids(discover(client, viewer, limit=limit)) == naive_discover(viewer.id, limit), (
                    viewer.id,
                    limit,
                )

    compare()  # tags have no mask bits yet: every tag is scanned
    assert app.test_cli_runner().invoke(args=["discovery", "reindex"]).exit_code == 0
    compare()  # the 63 most popular tags have bits; the rest are scanned
    for person_ in rng.sample(people, 15):
        client.patch("/api/me", json=random_profile(), headers=person_.headers)
    compare()  # edits after the reindex
