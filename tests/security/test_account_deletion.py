"""DELETE /api/me leaves nothing behind: no row naming the user, no storage object, no working token."""

import io

import sqlalchemy as sa

from friender.extensions import db
from friender.models import Block, Match, Message, Photo, Report, Swipe, User
from friender.storage import get_storage
from tests.backend import photo_files as files
from tests.backend.support import NYC_PROFILE


def upload(client, user, count):
    data = {"file": [(io.BytesIO(files.jpeg()), f"p{i}.jpg") for i in range(count)]}
    response = client.post("/api/me/photos", data=data, headers=user.headers, content_type="multipart/form-data")
    assert response.status_code == 201


def rows_naming(user_id):
    """Every row in every table whose user foreign key (or the users id itself) is ``user_id``."""
    found = {}
    for table in db.metadata.sorted_tables:
        columns = [c for c in table.columns if any(fk.column.table.name == "users" for fk in c.foreign_keys)]
        if table.name == "users":
            columns = [table.c.id]
        for column in columns:
            count = db.session.scalar(sa.select(sa.func.count()).select_from(table).where(column == user_id))
            if count:
                found[f"{table.name}.{column.name}"] = count
    return found


def test_deleting_an_account_leaves_no_row_object_or_token(client, make_user):
    alice = make_user("alice", profile=NYC_PROFILE)
    bob = make_user("bob", profile=NYC_PROFILE)
    carol = make_user("carol", profile=NYC_PROFILE)
    upload(client, alice, 2)
    upload(client, bob, 1)
    match = Match(user_low_id=alice.id, user_high_id=bob.id)
    db.session.add_all(
        [
            Swipe(swiper_id=alice.id, swipee_id=bob.id, liked=True),
            Swipe(swiper_id=bob.id, swipee_id=alice.id, liked=True),
            Swipe(swiper_id=carol.id, swipee_id=alice.id, liked=False),
            match,
            Block(blocker_id=carol.id, blocked_id=alice.id),
            Report(reporter_id=alice.id, reported_id=carol.id, reason="test"),
            Report(reporter_id=carol.id, reported_id=alice.id, reason="test"),
        ]
    )
    db.session.flush()
    db.session.add_all([Message(match_id=match.id, sender_id=s, body="hi") for s in (alice.id, bob.id)])
    db.session.commit()
    first_session = client.post("/api/auth/login", json={"username": "alice", "password": alice.password}).get_json()
    client.post("/api/auth/logout", headers={"Authorization": f"Bearer {first_session['access_token']}"})
    alice_keys = {
        k for p in db.session.scalars(sa.select(Photo).where(Photo.user_id == alice.id)) for k in p.object_keys
    }
    assert rows_naming(alice.id)

    response = client.delete("/api/me", json={"password": alice.password}, headers=alice.headers)

    assert response.status_code == 204
    db.session.remove()
    assert rows_naming(alice.id) == {}
    assert db.session.get(User, bob.id) is not None
    stored = {item.key for item in get_storage().list("")}
    assert stored.isdisjoint(alice_keys)
    assert len(stored) == 2  # bob's photo and its thumbnail
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Message)) == 0
    assert client.get("/api/me", headers=alice.headers).status_code == 401
    refresh = client.post("/api/auth/refresh", headers={"Authorization": f"Bearer {alice.refresh_token}"})
    assert refresh.status_code == 401
    assert client.post("/api/auth/login", json={"username": "alice", "password": alice.password}).status_code == 401
