"""Hangout rules: who may propose, accept, decline, cancel and confirm, and the calendar file.

Only the two members of an active match may see or act on its hangouts; for anyone else they do
not exist (404). The member who proposed cannot accept or decline; either may cancel. A change
of state locks the hangout's row first (``SELECT … FOR UPDATE`` on PostgreSQL; SQLite serialises
writers), so an accept and a cancel at the same moment cannot both win, and two "we met"s at the
same moment make exactly one meeting. Every change is committed, then sent to both members'
streams as a ``hangout`` event.
"""

from datetime import UTC, datetime

import icalendar
import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.exc import StaleDataError

from .. import events
from ..errors import Conflict, Forbidden, NotFound, ValidationFailed
from ..extensions import db
from ..messages.service import active_match
from ..models import Hangout, HangoutConfirmation, Meeting, User, utcnow
from .schemas import HangoutSchema

# Built once: it builds and compiles its dump on first use.
_HANGOUT_EVENT = HangoutSchema()

# A match holds at most this many open proposals, so one member cannot flood the other.
MAX_OPEN_PROPOSALS = 5
NO_SUCH_HANGOUT = "No such hangout."
PLACE_LABELS = {
    "cafe": "a café",
    "park": "a park",
    "bar": "a bar",
    "gym": "a gym",
    "museum": "a museum",
    "online": "online",
    "other": "a public place",
}
CALENDAR_PRODUCT = "-//Friender//Hangouts//EN"


def _iso(moment):
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _as_utc(moment):
    """SQLite hands back naive datetimes; they were stored as UTC."""
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def _parse(text):
    return datetime.fromisoformat(text.replace("Z", "+00:00"))


class HangoutView:
    """A hangout with where "we met" stands, as one member sees it."""

    def __init__(self, hangout, confirmed_by):
        self.hangout = hangout
        self.confirmed_by = set(confirmed_by)
        self.met = len(self.confirmed_by) == 2
        self.met_confirmed = False

    def for_viewer(self, viewer_id):
        """This view, with ``met_confirmed`` saying whether ``viewer_id`` has confirmed."""
        self.met_confirmed = viewer_id in self.confirmed_by
        return self

    def __getattr__(self, name):
        return getattr(self.hangout, name)


def _views(hangouts):
    """Views of ``hangouts`` with their confirmations, in one query."""
    ids = [hangout.id for hangout in hangouts]
    confirmed = {hangout_id: set() for hangout_id in ids}
    if ids:
        rows = db.session.execute(
            sa.select(HangoutConfirmation.hangout_id, HangoutConfirmation.user_id).where(
                HangoutConfirmation.hangout_id.in_(ids)
            )
        )
        for hangout_id, user_id in rows:
            confirmed[hangout_id].add(user_id)
    return [HangoutView(hangout, confirmed[hangout.id]) for hangout in hangouts]


def list_hangouts(user_id, match_id):
    """The match's hangouts, newest first, as ``user_id`` sees them."""
    active_match(user_id, match_id)
    hangouts = db.session.scalars(
        sa.select(Hangout).where(Hangout.match_id == match_id).order_by(Hangout.id.desc())
    ).all()
    return [view.for_viewer(user_id) for view in _views(hangouts)]


def propose_hangout(user_id, match_id, data):
    """Store a proposal from one member (``data`` validated by the schema) and tell both members."""
    match = active_match(user_id, match_id)
    open_count = db.session.scalar(
        sa.select(sa.func.count())
        .select_from(Hangout)
        .where(Hangout.match_id == match.id, Hangout.status == Hangout.PROPOSED)
    )
    if open_count >= MAX_OPEN_PROPOSALS:
        raise Conflict(f"This chat already has {MAX_OPEN_PROPOSALS} open plans; settle one first.")
    hangout = Hangout(
        match_id=match.id,
        proposer_id=user_id,
        activity=data["activity"],
        options=[{"starts_at": _iso(o["starts_at"]), "ends_at": _iso(o["ends_at"])} for o in data["options"]],
        place_kind=data["place_kind"],
        note=data["note"],
        status=Hangout.PROPOSED,
        created_at=utcnow(),
    )
    db.session.add(hangout)
    _commit_or_gone()
    return _announce(match, hangout, user_id)


def _commit_or_gone():
    """Commit; a match removed meanwhile (unmatch, block) makes the hangout gone too."""
    try:
        db.session.commit()
    except (IntegrityError, StaleDataError):
        db.session.rollback()
        raise NotFound(NO_SUCH_HANGOUT) from None


def _locked_hangout(user_id, match_id, hangout_id):
    """The match and its hangout, the row locked for this transaction; 404 unless ``user_id`` is a member."""
    match = active_match(user_id, match_id)
    hangout = db.session.scalar(
        sa.select(Hangout).where(Hangout.id == hangout_id, Hangout.match_id == match.id).with_for_update()
    )
    if hangout is None:
        raise NotFound(NO_SUCH_HANGOUT)
    return match, hangout


def _announce(match, hangout, viewer_id):
    """Send the hangout to both members' streams (each with their own "we met" state); return the viewer's."""
    view = _views([hangout])[0]
    for member_id in (match.user_low_id, match.user_high_id):
        events.publish(member_id, "hangout", _HANGOUT_EVENT.dump(view.for_viewer(member_id)))
    return view.for_viewer(viewer_id)


def _open_plan_to_answer(user_id, match_id, hangout_id, proposer_message):
    """The locked match and hangout the member who did not propose may answer: open, else 409.

    The proposer gets 403 with ``proposer_message``, which says what they can do instead.
    """
    match, hangout = _locked_hangout(user_id, match_id, hangout_id)
    if hangout.proposer_id == user_id:
        raise Forbidden(proposer_message)
    if hangout.status != Hangout.PROPOSED:
        raise Conflict(f"This plan is already {hangout.status}.")
    return match, hangout


def accept_hangout(user_id, match_id, hangout_id, option_index):
    """The member who did not propose picks one option; a hangout that is no longer open → 409."""
    match, hangout = _open_plan_to_answer(
        user_id, match_id, hangout_id, "You proposed this plan; the other person accepts or declines it."
    )
    if option_index >= len(hangout.options):
        raise ValidationFailed(
            "No such time option.", fields={"option_index": [f"Pick 0 to {len(hangout.options) - 1}."]}
        )
    if _parse(hangout.options[option_index]["starts_at"]) <= utcnow():
        raise Conflict("That time has already begun; propose a new one.")
    hangout.status = Hangout.ACCEPTED
    hangout.accepted_option = option_index
    hangout.accepted_at = utcnow()
    _commit_or_gone()
    return _announce(match, hangout, user_id)


def decline_hangout(user_id, match_id, hangout_id):
    """The member who did not propose says no to every option."""
    match, hangout = _open_plan_to_answer(user_id, match_id, hangout_id, "You proposed this plan; cancel it instead.")
    hangout.status = Hangout.DECLINED
    _commit_or_gone()
    return _announce(match, hangout, user_id)


def cancel_hangout(user_id, match_id, hangout_id):
    """Either member calls off a proposed plan, or an accepted one that has not ended."""
    match, hangout = _locked_hangout(user_id, match_id, hangout_id)
    if hangout.status == Hangout.ACCEPTED and _accepted_end(hangout) <= utcnow():
        raise Conflict("This hangout is over; it can no longer be cancelled.")
    if hangout.status not in (Hangout.PROPOSED, Hangout.ACCEPTED):
        raise Conflict(f"This plan is already {hangout.status}.")
    hangout.status = Hangout.CANCELLED
    hangout.accepted_option = None
    _commit_or_gone()
    return _announce(match, hangout, user_id)


def _accepted_end(hangout):
    return _parse(hangout.options[hangout.accepted_option]["ends_at"])


def confirm_met(user_id, match_id, hangout_id):
    """One member's "we met", once, after an accepted hangout's end.

    When both members have confirmed, the pair becomes a :class:`Meeting` (once per pair, however
    many hangouts) and each member's ``met_count`` grows by one.
    """
    match, hangout = _locked_hangout(user_id, match_id, hangout_id)
    if hangout.status != Hangout.ACCEPTED:
        raise Conflict("Only an accepted hangout can be confirmed.")
    if _accepted_end(hangout) > utcnow():
        raise Conflict("You can confirm once the hangout is over.")
    # The row lock serialises confirmations of this hangout, so reading them first is safe.
    confirmed = set(
        db.session.scalars(sa.select(HangoutConfirmation.user_id).where(HangoutConfirmation.hangout_id == hangout.id))
    )
    if user_id in confirmed:
        raise Conflict("You have already confirmed this hangout.")
    db.session.add(HangoutConfirmation(hangout_id=hangout.id, user_id=user_id, created_at=utcnow()))
    if match.other_user_id(user_id) in confirmed:
        _record_meeting(match.user_low_id, match.user_high_id)
    _commit_or_gone()
    return _announce(match, hangout, user_id)


def _record_meeting(low_id, high_id):
    """Add the pair's meeting and count it on both profiles, unless they already met."""
    exists = db.session.scalar(
        sa.select(Meeting.user_low_id).where(Meeting.user_low_id == low_id, Meeting.user_high_id == high_id)
    )
    if exists is not None:
        return
    db.session.add(Meeting(user_low_id=low_id, user_high_id=high_id, met_at=utcnow()))
    db.session.execute(
        sa.update(User).where(User.id.in_((low_id, high_id))).values(met_count=User.met_count + 1),
        execution_options={"synchronize_session": False},
    )


def calendar_file(user_id, match_id, hangout_id):
    """The accepted hangout as an iCalendar file (bytes); the same file for both members.

    Not accepted → 404: until a time is agreed there is nothing to put in a calendar.
    """
    match = active_match(user_id, match_id)
    hangout = db.session.scalar(sa.select(Hangout).where(Hangout.id == hangout_id, Hangout.match_id == match.id))
    if hangout is None or hangout.status != Hangout.ACCEPTED:
        raise NotFound("No agreed hangout with that id.")
    option = hangout.options[hangout.accepted_option]
    names = [
        user.display_name or user.username
        for user in db.session.scalars(
            sa.select(User).where(User.id.in_((match.user_low_id, match.user_high_id))).order_by(User.id)
        )
    ]
    place = PLACE_LABELS[hangout.place_kind]
    description = f"A Friender hangout: {' and '.join(names)}, at {place}."
    if hangout.note:
        description += f"\n\n{hangout.note}"

    calendar = icalendar.Calendar()
    calendar.add("prodid", CALENDAR_PRODUCT)
    calendar.add("version", "2.0")
    calendar.add("method", "PUBLISH")
    event = icalendar.Event()
    event.add("uid", f"hangout-{hangout.id}@friender")
    # The time of the agreement, not of the download: both members get the very same file.
    event.add("dtstamp", _as_utc(hangout.accepted_at))
    event.add("dtstart", _parse(option["starts_at"]))
    event.add("dtend", _parse(option["ends_at"]))
    event.add("summary", hangout.activity)
    event.add("location", place.capitalize() if place != "online" else "Online")
    event.add("description", description)
    calendar.add_component(event)
    return calendar.to_ical()
