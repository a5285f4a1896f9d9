"""Hangouts: proposing, accepting exactly one option, declining, cancelling, the .ics file, "we met"
and met_count, for the two members of an active match only.
"""

from datetime import UTC, datetime, timedelta

import icalendar
import pytest
import sqlalchemy as sa

from friender.extensions import db
from friender.models import Hangout, HangoutConfirmation, Meeting

from .matching import create_block, create_match, remove_match
from .sse import ClientStream
from .support import NYC_PROFILE

pytestmark = pytest.mark.app_config(EVENTS_HEARTBEAT_SECONDS=0.2)


def iso(moment):
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def soon(hours=24, length=2):
    start = datetime.now(UTC).replace(microsecond=0) + timedelta(hours=hours)
    return {"starts_at": iso(start), "ends_at": iso(start + timedelta(hours=length))}


def plan(**changes):
    return {"activity": "Climbing", "options": [soon(24), soon(48)], "place_kind": "gym", **changes}


@pytest.fixture
def pair(make_user):
    """Ana and Ben are matched; Cy is matched with Ana only."""
    ana, ben, cy = (make_user(profile={**NYC_PROFILE, "display_name": name}) for name in ("Ana", "Ben", "Cy"))
    return ana, ben, cy, create_match(ana, ben), create_match(ana, cy)


def propose(client, user, match_id, body=None):
    response = client.post(f"/api/matches/{match_id}/hangouts", json=body or plan(), headers=user.headers)
    assert response.status_code == 201, response.get_json()
    return response.get_json()


def act(client, user, match_id, hangout_id, action, body=None):
    return client.post(f"/api/matches/{match_id}/hangouts/{hangout_id}/{action}", json=body, headers=user.headers)


def shift_into_the_past(hangout_id, hours=30):
    """Move a hangout's times back, as if it had happened (the API refuses past times)."""
    hangout = db.session.get(Hangout, hangout_id)
    moved = []
    for option in hangout.options:
        start = datetime.fromisoformat(option["starts_at"]) - timedelta(hours=hours + 48)
        end = datetime.fromisoformat(option["ends_at"]) - timedelta(hours=hours + 48)
        moved.append({"starts_at": iso(start), "ends_at": iso(end)})
    hangout.options = moved
    db.session.commit()


def test_a_member_proposes_and_both_see_it(client, pair):
    ana, ben, _cy, match_id, _ = pair

    created = propose(client, ana, match_id, plan(note="  Bring chalk  "))

    assert created["proposer_id"] == ana.id and created["match_id"] == match_id
    assert created["status"] == "proposed" and created["accepted_option"] is None
    assert created["note"] == "Bring chalk" and created["place_kind"] == "gym" and len(created["options"]) == 2
    for user in (ana, ben):
        listed = client.get(f"/api/matches/{match_id}/hangouts", headers=user.headers)
        assert listed.status_code == 200
        assert [h["id"] for h in listed.get_json()["hangouts"]] == [created["id"]]


@pytest.mark.parametrize(
    "body, field",
    [
        (plan(options=[]), "options"),
        (plan(options=[soon(1), soon(2), soon(3), soon(4)]), "options"),
        (plan(options=[soon(-2)]), "options"),
        (plan(options=[soon(24 * 91)]), "options"),
        (plan(options=[{"starts_at": soon(5)["ends_at"], "ends_at": soon(5)["starts_at"]}]), "options"),
        (plan(options=[{"starts_at": "2027-01-01T10:00:00", "ends_at": "2027-01-01T12:00:00"}]), "options"),
        (plan(options=[{"starts_at": "tomorrow", "ends_at": "later"}]), "options"),
        # Before the first UTC time there is (found by the OpenAPI fuzzer as a 500).
        (plan(options=[{"starts_at": "0001-01-01T00:01:00Z", "ends_at": "0001-01-01T00:00:01+01:01"}]), "options"),
        (plan(place_kind="my flat"), "place_kind"),
        (plan(activity="   "), "activity"),
        (plan(activity="x" * 81), "activity"),
        (plan(note="x" * 501), "note"),
        ({**plan(), "status": "accepted"}, "status"),
        ({"options": [soon()], "place_kind": "cafe"}, "activity"),
    ],
)
def test_bad_proposals_are_422_and_store_nothing(client, pair, body, field):
    ana, _ben, _cy, match_id, _ = pair

    response = client.post(f"/api/matches/{match_id}/hangouts", json=body, headers=ana.headers)

    assert response.status_code == 422, response.get_json()
    assert response.get_json()["error"] == "validation_error"
    assert field in response.get_json()["fields"]
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Hangout)) == 0


def test_the_other_member_accepts_exactly_one_option(client, pair):
    ana, ben, _cy, match_id, _ = pair
    hangout = propose(client, ana, match_id)

    own = act(client, ana, match_id, hangout["id"], "accept", {"option_index": 0})
    out_of_range = act(client, ben, match_id, hangout["id"], "accept", {"option_index": 2})
    not_a_number = act(client, ben, match_id, hangout["id"], "accept", {"option_index": "1"})
    accepted = act(client, ben, match_id, hangout["id"], "accept", {"option_index": 1})
    again = act(client, ben, match_id, hangout["id"], "accept", {"option_index": 0})

    assert own.status_code == 403 and own.get_json()["error"] == "forbidden"
    assert out_of_range.status_code == 422 and "option_index" in out_of_range.get_json()["fields"]
    assert not_a_number.status_code == 422
    assert accepted.status_code == 200, accepted.get_json()
    assert accepted.get_json()["status"] == "accepted" and accepted.get_json()["accepted_option"] == 1
    assert again.status_code == 409
    stored = db.session.get(Hangout, hangout["id"])
    db.session.refresh(stored)
    assert (stored.status, stored.accepted_option) == ("accepted", 1)


def test_decline_and_cancel(client, pair):
    ana, ben, _cy, match_id, _ = pair
    first, second, third = (propose(client, ana, match_id) for _ in range(3))

    assert act(client, ana, match_id, first["id"], "decline").status_code == 403
    declined = act(client, ben, match_id, first["id"], "decline")
    cancelled_by_proposer = act(client, ana, match_id, second["id"], "cancel")
    act(client, ben, match_id, third["id"], "accept", {"option_index": 0})
    cancelled_after_accepting = act(client, ben, match_id, third["id"], "cancel")

    assert declined.status_code == 200 and declined.get_json()["status"] == "declined"
    assert cancelled_by_proposer.get_json()["status"] == "cancelled"
    assert cancelled_after_accepting.get_json()["status"] == "cancelled"
    assert cancelled_after_accepting.get_json()["accepted_option"] is None
    assert act(client, ben, match_id, first["id"], "accept", {"option_index": 0}).status_code == 409
    assert act(client, ana, match_id, first["id"], "cancel").status_code == 409
    assert act(client, ben, match_id, second["id"], "decline").status_code == 409


def test_a_match_holds_at_most_five_open_proposals(client, pair):
    ana, _ben, _cy, match_id, _ = pair
    for _ in range(5):
        propose(client, ana, match_id)

    response = client.post(f"/api/matches/{match_id}/hangouts", json=plan(), headers=ana.headers)

    assert response.status_code == 409


def test_only_members_of_the_match_can_see_or_act(client, pair):
    ana, ben, cy, match_id, cy_match = pair
    hangout = propose(client, ana, match_id)
    act(client, ben, match_id, hangout["id"], "accept", {"option_index": 0})
    base = f"/api/matches/{match_id}/hangouts"

    attempts = [
        client.get(base, headers=cy.headers),
        client.post(base, json=plan(), headers=cy.headers),
        client.get(f"{base}/{hangout['id']}.ics", headers=cy.headers),
        *(act(client, cy, match_id, hangout["id"], action) for action in ("decline", "cancel", "we-met")),
        act(client, cy, match_id, hangout["id"], "accept", {"option_index": 0}),
        # Cy's own match with Ana does not open Ben's hangout through another match id.
        client.get(f"/api/matches/{cy_match}/hangouts/{hangout['id']}.ics", headers=cy.headers),
        act(client, cy, cy_match, hangout["id"], "cancel"),
        client.get("/api/matches/999999/hangouts", headers=ana.headers),
    ]

    for response in attempts:
        assert response.status_code == 404, response.get_json()
        assert response.get_json()["error"] == "not_found"
        assert "Climbing" not in response.get_data(as_text=True)
    assert db.session.get(Hangout, hangout["id"]).status == "accepted"
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Hangout)) == 1


def test_the_ics_parses_and_carries_the_accepted_time_and_activity(client, pair):
    ana, ben, _cy, match_id, _ = pair
    options = [soon(24), soon(50, length=3)]
    body = plan(activity="Bouldering at the gym", options=options, note="Bring chalk")
    hangout = propose(client, ana, match_id, body)
    url = f"/api/matches/{match_id}/hangouts/{hangout['id']}.ics"
    assert client.get(url, headers=ben.headers).status_code == 404  # nothing agreed yet
    act(client, ben, match_id, hangout["id"], "accept", {"option_index": 1})

    files = [client.get(url, headers=user.headers) for user in (ana, ben)]

    assert all(response.status_code == 200 for response in files)
    assert files[0].mimetype == "text/calendar"
    assert "attachment" in files[0].headers["Content-Disposition"]
    assert files[0].data == files[1].data
    calendar = icalendar.Calendar.from_ical(files[0].data)
    (event,) = calendar.walk("VEVENT")
    assert str(event["SUMMARY"]) == "Bouldering at the gym"
    assert iso(event.decoded("DTSTART")) == options[1]["starts_at"]
    assert iso(event.decoded("DTEND")) == options[1]["ends_at"]
    assert "Ana and Ben" in str(event["DESCRIPTION"]) and "Bring chalk" in str(event["DESCRIPTION"])
    assert str(event["LOCATION"]) == "A gym"


@pytest.mark.parametrize("end_it", ["unmatch", "block"])
def test_unmatch_or_block_removes_the_hangouts(client, pair, end_it):
    ana, ben, _cy, match_id, _ = pair
    hangout = propose(client, ana, match_id)
    act(client, ben, match_id, hangout["id"], "accept", {"option_index": 0})

    if end_it == "unmatch":
        remove_match(ben, match_id)
    else:
        create_block(ben, ana)

    assert db.session.scalar(sa.select(sa.func.count()).select_from(Hangout)) == 0
    assert client.get(f"/api/matches/{match_id}/hangouts", headers=ana.headers).status_code == 404
    assert client.get(f"/api/matches/{match_id}/hangouts/{hangout['id']}.ics", headers=ana.headers).status_code == 404


def test_both_members_streams_receive_hangout_events_and_nobody_else(client, pair):
    ana, ben, cy, match_id, _ = pair
    streams = {u.id: ClientStream(client.get("/api/events", headers=u.headers, buffered=False)) for u in (ana, ben, cy)}
    for stream in streams.values():
        stream.next_event()  # the cursor the stream starts with

    hangout = propose(client, ana, match_id)
    act(client, ben, match_id, hangout["id"], "accept", {"option_index": 0})

    for user in (ana, ben):
        proposed, accepted = streams[user.id].next_event(), streams[user.id].next_event()
        assert (proposed.event, proposed.data["status"]) == ("hangout", "proposed")
        assert (accepted.event, accepted.data["status"], accepted.data["accepted_option"]) == ("hangout", "accepted", 0)
        assert accepted.data["id"] == hangout["id"]
    with pytest.raises(TimeoutError):
        streams[cy.id].next_event(timeout=0.5)
    for stream in streams.values():
        stream.close()


def met_count(client, viewer, user):
    return client.get(f"/api/users/{user.id}", headers=viewer.headers).get_json()["met_count"]


def test_met_count_counts_only_mutual_confirmations_after_an_accepted_hangouts_end(client, pair):
    ana, ben, cy, match_id, cy_match = pair
    hangout = propose(client, ana, match_id)
    proposed_only = propose(client, ana, match_id)
    assert act(client, ana, match_id, hangout["id"], "we-met").status_code == 409  # not accepted
    act(client, ben, match_id, hangout["id"], "accept", {"option_index": 0})
    assert act(client, ana, match_id, hangout["id"], "we-met").status_code == 409  # not over yet
    shift_into_the_past(hangout["id"])
    shift_into_the_past(proposed_only["id"])
    assert act(client, ben, match_id, proposed_only["id"], "we-met").status_code == 409

    first = act(client, ana, match_id, hangout["id"], "we-met")
    twice = act(client, ana, match_id, hangout["id"], "we-met")

    assert first.status_code == 200 and first.get_json()["met_confirmed"] is True and first.get_json()["met"] is False
    assert twice.status_code == 409
    assert met_count(client, cy, ana) == 0 and met_count(client, cy, ben) == 0  # one side is not both

    second = act(client, ben, match_id, hangout["id"], "we-met")

    assert second.status_code == 200 and second.get_json()["met"] is True
    assert met_count(client, cy, ana) == 1 and met_count(client, cy, ben) == 1
    assert met_count(client, ana, cy) == 0
    # A second hangout of the same two people is not a second person met.
    again = propose(client, ben, match_id)
    act(client, ana, match_id, again["id"], "accept", {"option_index": 0})
    shift_into_the_past(again["id"])
    act(client, ana, match_id, again["id"], "we-met")
    act(client, ben, match_id, again["id"], "we-met")
    assert met_count(client, cy, ana) == 1
    # Another person, both confirming: now two.
    with_cy = propose(client, cy, cy_match)
    act(client, ana, cy_match, with_cy["id"], "accept", {"option_index": 1})
    shift_into_the_past(with_cy["id"], hours=60)
    act(client, cy, cy_match, with_cy["id"], "we-met")
    act(client, ana, cy_match, with_cy["id"], "we-met")
    assert met_count(client, ben, ana) == 2 and met_count(client, ana, cy) == 1
    # The count never says who; the meeting survives an unmatch.
    profile = client.get(f"/api/users/{ana.id}", headers=ben.headers).get_json()
    assert "meetings" not in profile and str(cy.id) not in str(profile.get("met_count"))
    remove_match(ana, cy_match)
    assert met_count(client, ben, ana) == 2
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Meeting)) == 2
    assert db.session.scalar(sa.select(sa.func.count()).select_from(HangoutConfirmation)) == 4


def test_met_count_is_on_discovery_cards_and_matches(client, make_user, pair):
    ana, ben, _cy, match_id, _ = pair
    hangout = propose(client, ana, match_id)
    act(client, ben, match_id, hangout["id"], "accept", {"option_index": 0})
    shift_into_the_past(hangout["id"])
    act(client, ana, match_id, hangout["id"], "we-met")
    act(client, ben, match_id, hangout["id"], "we-met")
    newcomer = make_user(profile=NYC_PROFILE)

    cards = client.get("/api/discover", headers=newcomer.headers).get_json()["users"]
    matches = client.get("/api/matches", headers=ben.headers).get_json()["matches"]

    assert {card["id"]: card["met_count"] for card in cards}[ana.id] == 1
    assert matches[0]["user"]["met_count"] == 1
