"""Matches, unmatches and blocks for the messaging tests, made through the public API."""

from flask import current_app


def _client():
    return current_app.test_client()


def create_match(first, second):
    """Both say yes through ``POST /api/swipes``; returns the match id."""
    client = _client()
    one_sided = client.post("/api/swipes", json={"user_id": second.id, "liked": True}, headers=first.headers)
    assert one_sided.status_code == 201 and one_sided.get_json() == {"match": None}, one_sided.get_json()
    mutual = client.post("/api/swipes", json={"user_id": first.id, "liked": True}, headers=second.headers)
    assert mutual.status_code == 201, mutual.get_json()
    return mutual.get_json()["match"]["id"]


def remove_match(user, match_id):
    """``user`` unmatches through ``DELETE /api/matches/{id}``."""
    response = _client().delete(f"/api/matches/{match_id}", headers=user.headers)
    assert response.status_code == 204, response.get_json()


def create_block(blocker, blocked):
    """``blocker`` blocks ``blocked`` through ``POST /api/blocks``."""
    response = _client().post("/api/blocks", json={"user_id": blocked.id}, headers=blocker.headers)
    assert response.status_code == 201, response.get_json()
