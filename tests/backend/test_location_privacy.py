"""Private ZIP codes stay private: coarse distances, shown only within both radii, and a limit
on how often one can move to measure again."""

import collections

import pytest

from friender.geo import all_zip_places, distance_miles, shown_miles

from .support import NYC_PROFILE

TARGET_ZIP = "60614"  # Lincoln Park, Chicago: two exact-mile probes from inside Chicago pin it


def profile_in(zip_code, radius=50):
    return {**NYC_PROFILE, "zip_code": zip_code, "friend_radius_miles": radius}


def move(client, user, **changes):
    return client.patch("/api/me", json=changes, headers=user.headers)


def test_two_probes_of_the_distance_do_not_recover_a_private_zip(client, make_user):
    """The attack the hardening review ran: read the distance, move, read again, and keep the ZIPs
    of the target's public city that agree with every reading under the published rounding."""
    target = make_user(profile=profile_in(TARGET_ZIP))
    attacker = make_user(profile=profile_in("60601", radius=250))
    public = client.get(f"/api/users/{target.id}", headers=attacker.headers).get_json()
    candidates = sorted(
        (place for place in all_zip_places() if (place.city, place.state) == (public["city"], public["state"])),
        key=lambda place: place.zip_code,
    )
    assert len(candidates) > 50 and TARGET_ZIP in {place.zip_code for place in candidates}
    miles = {
        (a.zip_code, b.zip_code): distance_miles(a.latitude, a.longitude, b.latitude, b.longitude)
        for a in candidates
        for b in candidates
    }

    remaining = [place.zip_code for place in candidates]
    for _probe in range(2):
        # The probe that leaves the fewest candidates in the worst case.
        probe = min(
            (place.zip_code for place in candidates),
            key=lambda zip_code: (
                max(collections.Counter(shown_miles(miles[zip_code, c]) for c in remaining).values()),
                zip_code,
            ),
        )
        assert move(client, attacker, zip_code=probe).status_code == 200
        seen = client.get(f"/api/users/{target.id}", headers=attacker.headers).get_json()["distance_miles"]
        remaining = [c for c in remaining if shown_miles(miles[probe, c]) == seen]

    assert TARGET_ZIP in remaining
    assert len(remaining) >= 3, f"the private ZIP was narrowed to {remaining}"


@pytest.mark.parametrize(
    ("miles", "shown"),
    [(0, 2), (1.99, 2), (2, 5), (4.9, 5), (9.5, 10), (14.2, 15), (24.9, 25), (49, 50), (99.9, 100), (180, 250)],
)
def test_distances_are_shown_as_the_bucket_they_are_under(miles, shown):
    assert shown_miles(miles) == shown


def test_distance_is_shown_only_when_each_is_within_the_others_radius(client, make_user):
    viewer = make_user(profile=profile_in("10001", radius=250))
    near_small_radius = make_user(profile=profile_in("10451", radius=5))  # the Bronx, 6.4 mi away
    philadelphia = make_user(profile=profile_in("19103", radius=250))  # 82.9 mi

    assert "distance_miles" not in client.get(f"/api/users/{near_small_radius.id}", headers=viewer.headers).get_json()
    assert client.get(f"/api/users/{philadelphia.id}", headers=viewer.headers).get_json()["distance_miles"] == 100

    assert move(client, viewer, friend_radius_miles=50).status_code == 200
    assert "distance_miles" not in client.get(f"/api/users/{philadelphia.id}", headers=viewer.headers).get_json()
    assert "distance_miles" not in client.get(f"/api/users/{viewer.id}", headers=philadelphia.headers).get_json()


@pytest.mark.app_config(LOCATION_CHANGE_LIMIT=3)
def test_location_changes_are_limited_per_day_and_a_refused_one_changes_nothing(client, make_user):
    user = make_user(profile=profile_in("10001"))  # the first location is change 1 of 3
    assert move(client, user, zip_code="10003").status_code == 200
    assert move(client, user, friend_radius_miles=30, bio="Same place, new radius").status_code == 200
    assert move(client, user, zip_code="10003", friend_radius_miles=30, bio="Nothing moved").status_code == 200

    refused = move(client, user, zip_code="11201", bio="Moved again")
    assert refused.status_code == 429
    body = refused.get_json()
    assert body["error"] == "rate_limited" and "3 times in 24 hours" in body["message"]
    me = client.get("/api/me", headers=user.headers).get_json()
    assert (me["zip_code"], me["friend_radius_miles"], me["bio"]) == ("10003", 30, "Nothing moved")
    assert move(client, user, friend_radius_miles=40).status_code == 429
    assert move(client, user, bio="Other fields can still change").status_code == 200
    other = make_user(profile=profile_in("10001"))
    assert move(client, other, zip_code="11201").status_code == 200  # the allowance is per person
