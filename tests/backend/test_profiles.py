"""The signed-in user's profile (/api/me) and public profiles (/api/users/{id})."""

import pytest

from .support import NYC_PROFILE


def test_new_account_lists_every_missing_field(client, make_user):
    user = make_user()

    me = client.get("/api/me", headers=user.headers).get_json()

    assert me["profile_complete"] is False
    assert me["missing_fields"] == ["display_name", "hobbies", "interests", "zip_code", "friend_radius_miles"]
    assert me["photos"] == [] and me["hobbies"] == [] and me["bio"] == ""
    assert me["created_at"].endswith("Z") and "T" in me["created_at"]


def test_completing_the_profile_step_by_step(client, make_user):
    user = make_user()

    steps = [
        ({"display_name": "Sam"}, ["hobbies", "interests", "zip_code", "friend_radius_miles"]),
        ({"hobbies": ["Hiking"], "interests": ["Film"]}, ["zip_code", "friend_radius_miles"]),
        ({"zip_code": "94103"}, ["friend_radius_miles"]),
        ({"friend_radius_miles": 10}, []),
    ]
    for change, missing in steps:
        response = client.patch("/api/me", json=change, headers=user.headers)
        assert response.status_code == 200, response.get_json()
        assert response.get_json()["missing_fields"] == missing
    me = client.get("/api/me", headers=user.headers).get_json()
    assert me["profile_complete"] is True
    assert (me["city"], me["state"], me["zip_code"]) == ("San Francisco", "CA", "94103")


def test_tags_are_trimmed_and_deduplicated_case_insensitively(client, make_user):
    user = make_user()

    response = client.patch(
        "/api/me", json={"hobbies": ["  Chess ", "chess", "CHESS", "Go"], "bio": "  hi  "}, headers=user.headers
    )

    assert response.status_code == 200
    assert response.get_json()["hobbies"] == ["Chess", "Go"]
    assert response.get_json()["bio"] == "hi"


@pytest.mark.parametrize(
    "change, field",
    [
        ({"zip_code": "00000"}, "zip_code"),
        ({"zip_code": "1000"}, "zip_code"),
        ({"zip_code": "abcde"}, "zip_code"),
        ({"friend_radius_miles": 0}, "friend_radius_miles"),
        ({"friend_radius_miles": 251}, "friend_radius_miles"),
        ({"friend_radius_miles": "25"}, "friend_radius_miles"),
        ({"friend_radius_miles": 2.5}, "friend_radius_miles"),
        ({"friend_radius_miles": True}, "friend_radius_miles"),
        ({"display_name": ""}, "display_name"),
        ({"display_name": "   "}, "display_name"),
        ({"display_name": "x" * 51}, "display_name"),
        ({"bio": "x" * 501}, "bio"),
        ({"hobbies": []}, "hobbies"),
        ({"hobbies": [f"tag{i}" for i in range(11)]}, "hobbies"),
        ({"interests": ["x" * 31]}, "interests"),
        ({"interests": [""]}, "interests"),
        ({"interests": "Jazz"}, "interests"),
        ({"id": 999}, "id"),
        ({"username": "hijack"}, "username"),
        ({"email": "new@example.com"}, "email"),
        ({"password": "new password"}, "password"),
        ({"is_admin": True}, "is_admin"),
    ],
)
def test_invalid_or_unknown_fields_are_422_and_change_nothing(client, make_user, change, field):
    user = make_user(profile=NYC_PROFILE)
    before = client.get("/api/me", headers=user.headers).get_json()

    response = client.patch("/api/me", json={"bio": "changed", **change}, headers=user.headers)

    assert response.status_code == 422
    body = response.get_json()
    assert body["error"] == "validation_error"
    assert field in body["fields"]
    assert client.get("/api/me", headers=user.headers).get_json() == before


def test_unknown_zip_message(client, make_user):
    user = make_user()

    response = client.patch("/api/me", json={"zip_code": "00000"}, headers=user.headers)

    assert response.get_json()["fields"] == {"zip_code": ["Unknown ZIP code."]}


def test_empty_patch_is_422(client, make_user):
    user = make_user()

    assert client.patch("/api/me", json={}, headers=user.headers).status_code == 422


def test_delete_account_with_wrong_password_deletes_nothing(client, make_user):
    user = make_user(profile=NYC_PROFILE)

    response = client.delete("/api/me", json={"password": "not my password"}, headers=user.headers)

    assert response.status_code == 403
    assert response.get_json()["error"] == "forbidden"
    assert client.get("/api/me", headers=user.headers).status_code == 200
    assert (
        client.post("/api/auth/login", json={"username": user.username, "password": user.password}).status_code == 200
    )


def test_delete_account_removes_it_and_its_tokens_stop_working(client, make_user):
    user = make_user(profile=NYC_PROFILE)
    other = make_user(profile=NYC_PROFILE)

    response = client.delete("/api/me", json={"password": user.password}, headers=user.headers)

    assert response.status_code == 204
    login = client.post("/api/auth/login", json={"username": user.username, "password": user.password})
    assert login.status_code == 401
    assert client.get("/api/me", headers=user.headers).status_code == 401
    assert (
        client.post("/api/auth/refresh", headers={"Authorization": f"Bearer {user.refresh_token}"}).status_code == 401
    )
    assert client.get(f"/api/users/{user.id}", headers=other.headers).status_code == 404
    assert client.get("/api/me", headers=other.headers).status_code == 200


def test_a_deleted_accounts_tokens_never_work_for_the_next_person_to_sign_up(client, make_user):
    # SQLite without AUTOINCREMENT handed the newest deleted id to the next sign-up, and the old
    # tokens (``sub`` = that id) then read the new person's profile.
    gone = make_user(profile=NYC_PROFILE)
    assert client.delete("/api/me", json={"password": gone.password}, headers=gone.headers).status_code == 204

    newcomer = make_user()

    assert newcomer.id > gone.id
    assert client.get("/api/me", headers=gone.headers).status_code == 401
    refresh = client.post("/api/auth/refresh", headers={"Authorization": f"Bearer {gone.refresh_token}"})
    assert refresh.status_code == 401
    assert client.get("/api/me", headers=newcomer.headers).get_json()["username"] == newcomer.username


def test_delete_account_needs_the_password_field(client, make_user):
    user = make_user()

    response = client.delete("/api/me", json={}, headers=user.headers)

    assert response.status_code == 422
    assert "password" in response.get_json()["fields"]


def test_public_profile_never_shows_private_fields(client, make_user):
    viewer = make_user(profile=NYC_PROFILE)
    other = make_user(profile={**NYC_PROFILE, "zip_code": "10003", "hobbies": ["chess", "Running"]})

    response = client.get(f"/api/users/{other.id}", headers=viewer.headers)

    assert response.status_code == 200
    body = response.get_json()
    assert set(body) <= {
        "id",
        "username",
        "display_name",
        "bio",
        "hobbies",
        "interests",
        "city",
        "state",
        "photos",
        "age",
        "distance_miles",
        "shared_interests",
        "met_count",
    }
    text = response.get_data(as_text=True)
    for secret in (other.email, "10003", "40.73", "-73.98", "$2b$", "password", "birthdate", other.me["birthdate"]):
        assert secret not in text
    assert body["age"] == other.me["age"] and body["age"] >= 18
    assert body["city"] == "New York" and body["state"] == "NY"
    assert body["distance_miles"] == 2  # "within 2 miles", never finer
    assert body["shared_interests"] == ["chess", "Jazz"]


def test_public_profile_of_unknown_user_is_404(client, make_user):
    viewer = make_user()

    response = client.get("/api/users/987654", headers=viewer.headers)

    assert response.status_code == 404
    assert response.get_json()["error"] == "not_found"


def test_public_profile_needs_a_token(client, make_user):
    other = make_user()

    assert client.get(f"/api/users/{other.id}").status_code == 401
