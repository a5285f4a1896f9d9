"""All database tables. Every change here comes with an Alembic migration.

One module on purpose (STYLE.md's layout): the tables refer to each other throughout, and a
migration is checked against this one file.
"""

import unicodedata
from datetime import UTC, date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship, validates

# NEVER_REUSE_IDS is applied to every table by the models' base; models that name it still work.
from .extensions import NEVER_REUSE_IDS, db  # noqa: F401

REQUIRED_PROFILE_FIELDS = ("display_name", "hobbies", "interests", "zip_code", "friend_radius_miles", "birthdate")
ADULT_AGE = 18
OLDEST_AGE = 99


def utcnow():
    """Timezone-aware now, the only clock the models use."""
    return datetime.now(UTC)


def login_key(text):
    """The form of a username or email address that identifies an account: NFKC, then case-folded.

    ``ÄNNE@x.org``, ``änne@x.org`` and ``a\u0308nne@x.org`` all name the same account. Normalised
    again after folding, since folding can undo NFKC (as the Unicode standard's NFKC_Casefold does).
    """
    return unicodedata.normalize("NFKC", unicodedata.normalize("NFKC", text).casefold())


def as_utc(moment):
    """``moment`` in UTC: SQLite hands back naive datetimes, which were stored as UTC."""
    return moment.astimezone(UTC) if moment.tzinfo else moment.replace(tzinfo=UTC)


class User(db.Model):
    """An account and its profile.

    Location is stored as the ZIP centroid's latitude/longitude; the composite index lets
    discovery narrow a bounding box before computing exact distances.
    """

    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(sa.String(30))
    email: Mapped[str] = mapped_column(sa.String(254))
    # The login keys (:func:`login_key`) of the two, kept in step by :meth:`_keep_login_keys`;
    # unique, so one account per name or address on every database, whatever its collation.
    username_key: Mapped[str] = mapped_column(sa.String(254))
    email_key: Mapped[str] = mapped_column(sa.String(254))
    password_hash: Mapped[str] = mapped_column(sa.String(128))

    display_name: Mapped[str | None] = mapped_column(sa.String(50))
    bio: Mapped[str] = mapped_column(sa.String(500), default="")
    hobbies: Mapped[list[str]] = mapped_column(sa.JSON, default=list)
    interests: Mapped[list[str]] = mapped_column(sa.JSON, default=list)
    zip_code: Mapped[str | None] = mapped_column(sa.String(5))
    city: Mapped[str | None] = mapped_column(sa.String(64))
    state: Mapped[str | None] = mapped_column(sa.String(2))
    latitude: Mapped[float | None]
    longitude: Mapped[float | None]
    friend_radius_miles: Mapped[int | None]
    birthdate: Mapped[date | None]
    # The ages this person wants to meet; discovery applies it both ways, like the radius.
    age_min: Mapped[int] = mapped_column(sa.SmallInteger, default=ADULT_AGE, server_default=str(ADULT_AGE))
    age_max: Mapped[int] = mapped_column(sa.SmallInteger, default=OLDEST_AGE, server_default=str(OLDEST_AGE))

    email_verified_at: Mapped[datetime | None]
    # An address the person asked to switch to; it replaces ``email`` once its link is followed.
    pending_email: Mapped[str | None] = mapped_column(sa.String(254))
    # Tokens carry the generation they were issued in; a password reset or change, a suspension or
    # a ban moves it on, which revokes every earlier token except those of ``kept_session`` (the
    # session that changed the password; None after any other revocation).
    token_generation: Mapped[int] = mapped_column(default=0, server_default="0")
    kept_session: Mapped[str | None] = mapped_column(sa.String(36))
    # How many different people confirmed meeting this person after a hangout, both sides
    # agreeing; kept as a counter so every profile shown carries it without another query.
    met_count: Mapped[int] = mapped_column(default=0, server_default="0")

    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    # The shown photos in display order; ``selectinload(User.photos)`` fetches them for a whole
    # page in one query.
    photos: Mapped[list["Photo"]] = relationship(
        primaryjoin=lambda: sa.and_(User.id == Photo.user_id, Photo.status == Photo.READY),
        order_by=lambda: (Photo.position, Photo.id),
        viewonly=True,
        lazy="select",
    )

    # Granted only by an operator (``flask users grant-moderator``); no API schema loads it.
    is_moderator: Mapped[bool] = mapped_column(default=False, server_default=sa.false())
    suspended_until: Mapped[datetime | None]
    banned_at: Mapped[datetime | None]
    # Set by automatic protection (several reporters, or an underage report): out of discovery
    # until a moderator decides.
    hidden_at: Mapped[datetime | None]

    __table_args__ = (
        sa.Index("uq_users_username_key", username_key, unique=True),
        sa.Index("uq_users_email_key", email_key, unique=True),
        sa.Index("ix_users_latitude_longitude", "latitude", "longitude"),
        # The few people under a moderation measure, so "not restricted" is a scan of a tiny index.
        sa.Index(
            "ix_users_restricted",
            "id",
            postgresql_where=sa.text("suspended_until IS NOT NULL OR banned_at IS NOT NULL OR hidden_at IS NOT NULL"),
            sqlite_where=sa.text("suspended_until IS NOT NULL OR banned_at IS NOT NULL OR hidden_at IS NOT NULL"),
        ),
    )

    @validates("username", "email")
    def _keep_login_keys(self, name, value):
        """Every write of a username or email, whichever code path makes it, writes its key too."""
        setattr(self, f"{name}_key", login_key(value))
        return value

    @property
    def locked(self):
        """True while the account is banned or suspended: it cannot sign in and nobody sees it."""
        return self.banned_at is not None or (
            self.suspended_until is not None and as_utc(self.suspended_until) > utcnow()
        )

    @property
    def missing_fields(self):
        """The required profile fields that are still empty, in a stable order."""
        return [name for name in REQUIRED_PROFILE_FIELDS if not getattr(self, name)]

    @property
    def profile_complete(self):
        """A profile is complete when every required field is set; photos are optional."""
        return not self.missing_fields

    @property
    def email_verified(self):
        """True once the person followed the link mailed to their address."""
        return self.email_verified_at is not None

    @property
    def age(self):
        """Whole years since the birthdate, today (UTC), or None when it is not known."""
        return age_of(self.birthdate)


def age_of(birthdate):
    """Whole years since ``birthdate``, today (UTC), or None when it is not known."""
    return age_on(birthdate, datetime.now(UTC).date()) if birthdate else None


def age_on(birthdate, day):
    """Whole years between ``birthdate`` and ``day`` (a 29 February birthday counts on 1 March)."""
    return day.year - birthdate.year - ((day.month, day.day) < (birthdate.month, birthdate.day))


def latest_birthdate_for_age(age, day):
    """The latest birthdate of someone who is at least ``age`` on ``day``."""
    try:
        return day.replace(year=day.year - age)
    except ValueError:  # 29 February in a year that has none: born on 28 February they are that age
        return date(day.year - age, 2, 28)


def is_locked(user=User):
    """SQL: ``user`` (the table or an alias) is banned or suspended right now; nobody else sees them."""
    # Spelled out so that a NULL end time makes the whole condition false, never NULL (NOT NULL is NULL).
    suspended = sa.and_(user.suspended_until.is_not(None), user.suspended_until > sa.func.now())
    return sa.or_(user.banned_at.is_not(None), suspended)


# The same rule for discovery's hand-written statements, which also leave out people whom automatic
# protection hid until a moderator decides. ``CURRENT_TIMESTAMP`` is UTC on SQLite, as stored.
OUT_OF_DISCOVERY_SQL = (
    "SELECT id FROM users WHERE hidden_at IS NOT NULL OR banned_at IS NOT NULL OR suspended_until > CURRENT_TIMESTAMP"
)


class LocationChange(db.Model):
    """One change of a user's ZIP code or friend radius, counted against the daily allowance.

    Each change lets the user read every distance again from a new place; unlimited changes let
    anyone triangulate other people's private ZIP codes.
    """

    __tablename__ = "location_changes"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"))
    changed_at: Mapped[datetime] = mapped_column(default=utcnow)

    __table_args__ = (sa.Index("ix_location_changes_user_id_changed_at", "user_id", "changed_at"),)


class RevokedToken(db.Model):
    """A JWT (access or refresh) that logout revoked, kept until it would have expired."""

    __tablename__ = "revoked_tokens"

    jti: Mapped[str] = mapped_column(sa.String(64), primary_key=True)
    token_type: Mapped[str] = mapped_column(sa.String(10))
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), index=True)
    expires_at: Mapped[datetime] = mapped_column(index=True)


class AccountToken(db.Model):
    """A single-use token mailed to a person: to verify an address, to reset the password, or to
    appeal a moderation decision without signing in (a banned person cannot).

    Only the SHA-256 of the token's random part is stored, so the table cannot be used to act
    for anyone; ``used_at`` makes it single use.
    """

    __tablename__ = "account_tokens"

    VERIFY_EMAIL, RESET_PASSWORD, APPEAL = "verify_email", "reset_password", "appeal"

    digest: Mapped[str] = mapped_column(sa.String(64), primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), index=True)
    purpose: Mapped[str] = mapped_column(sa.String(20))
    # The address a verification token confirms (the current one, or the one switched to).
    email: Mapped[str | None] = mapped_column(sa.String(254))
    # The decision an appeal token lets its person appeal.
    action_id: Mapped[int | None] = mapped_column(sa.ForeignKey("moderation_actions.id", ondelete="CASCADE"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime]
    used_at: Mapped[datetime | None]

    __table_args__ = (sa.CheckConstraint("purpose IN ('verify_email', 'reset_password', 'appeal')", name="purpose"),)


class OutboxMail(db.Model):
    """A mail recorded in the transaction that caused it and delivered after the commit.

    ``sent_at`` is set once the mail server accepted it; until then ``next_attempt_at`` says when
    to try again and ``claimed_until`` keeps two processes from sending it at the same time.
    """

    __tablename__ = "outbox_mails"

    id: Mapped[int] = mapped_column(primary_key=True)
    to_address: Mapped[str] = mapped_column(sa.String(254))
    subject: Mapped[str] = mapped_column(sa.String(200))
    text_body: Mapped[str] = mapped_column(sa.Text)
    html_body: Mapped[str] = mapped_column(sa.Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    attempts: Mapped[int] = mapped_column(default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(default=utcnow)
    claimed_until: Mapped[datetime | None]
    last_error: Mapped[str | None] = mapped_column(sa.String(200))
    sent_at: Mapped[datetime | None]

    __table_args__ = (
        # Unsent mail is little: this small index finds what is due without reading the sent ones.
        sa.Index(
            "ix_outbox_mails_unsent",
            "next_attempt_at",
            postgresql_where=sa.text("sent_at IS NULL"),
            sqlite_where=sa.text("sent_at IS NULL"),
        ),
    )


class Swipe(db.Model):
    """One person's single Yes or No about another; a second decision on the same pair is refused."""

    __tablename__ = "swipes"

    id: Mapped[int] = mapped_column(primary_key=True)
    swiper_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"))
    swipee_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"))
    liked: Mapped[bool]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    __table_args__ = (
        sa.UniqueConstraint("swiper_id", "swipee_id", name="uq_swipes_swiper_id_swipee_id"),
        sa.Index("ix_swipes_swipee_id_liked", "swipee_id", "liked"),
    )


class Match(db.Model):
    """Two people who both said yes. The pair is stored in id order, so it can exist only once."""

    __tablename__ = "matches"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_low_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"))
    user_high_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), index=True)
    matched_at: Mapped[datetime] = mapped_column(default=utcnow)
    # Bumped by every message, so "newest activity first" is one indexed sort.
    last_activity_at: Mapped[datetime] = mapped_column(default=utcnow)

    __table_args__ = (
        sa.UniqueConstraint("user_low_id", "user_high_id", name="uq_matches_user_low_id_user_high_id"),
        sa.CheckConstraint("user_low_id < user_high_id", name="ordered_pair"),
    )

    def other_user_id(self, user_id):
        """The member of the match who is not ``user_id``."""
        return self.user_high_id if user_id == self.user_low_id else self.user_low_id


class Block(db.Model):
    """``blocker`` never sees ``blocked`` again, and the other way round."""

    __tablename__ = "blocks"

    blocker_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    blocked_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), primary_key=True, index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


REPORT_CATEGORIES = ("fake", "harassment", "spam", "underage", "inappropriate_photo", "other")
# Reports of these categories carry the conversation between the two people as evidence.
CONVERSATION_CATEGORIES = ("harassment", "spam")


class Report(db.Model):
    """A report of a user, kept for moderation; one open (undecided) report per reporter and reported user.

    ``handled_at`` is set when a moderator decides the case; until then the report is open.
    ``evidence`` is a copy of the conversation between the two, taken when a harassment or spam
    report is made, so that an unmatch or a block (which delete the messages) cannot erase it.
    """

    __tablename__ = "reports"

    id: Mapped[int] = mapped_column(primary_key=True)
    reporter_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"))
    reported_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), index=True)
    reason: Mapped[str] = mapped_column(sa.String(1000))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    category: Mapped[str] = mapped_column(sa.String(24), default="other", server_default="other")
    handled_at: Mapped[datetime | None]
    evidence: Mapped[list[dict] | None] = mapped_column(sa.JSON)

    # One undecided report per reporter and person; once a moderator decides, they may report again.
    __table_args__ = (
        sa.Index(
            "uq_reports_open_reporter_id_reported_id",
            "reporter_id",
            "reported_id",
            unique=True,
            postgresql_where=sa.text("handled_at IS NULL"),
            sqlite_where=sa.text("handled_at IS NULL"),
        ),
    )


MODERATION_ACTIONS = ("dismiss", "warn", "remove_photo", "clear_bio", "suspend", "ban", "restore")


class ModerationAction(db.Model):
    """One moderator decision: the audit log. Rows are only ever added, never changed by the app.

    ``user_id`` is the person the case is about; ``rule`` is the report category the decision
    applies (the notice names it). Both people may delete their accounts later: the row stays.
    """

    __tablename__ = "moderation_actions"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"), index=True)
    moderator_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    action: Mapped[str] = mapped_column(sa.String(16))
    rule: Mapped[str] = mapped_column(sa.String(24))
    note: Mapped[str] = mapped_column(sa.String(1000))
    until: Mapped[datetime | None]
    photo_id: Mapped[int | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class Appeal(db.Model):
    """The affected person's one appeal against one action; it reopens their case until decided."""

    __tablename__ = "appeals"

    id: Mapped[int] = mapped_column(primary_key=True)
    action_id: Mapped[int] = mapped_column(sa.ForeignKey("moderation_actions.id", ondelete="CASCADE"), unique=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), index=True)
    text: Mapped[str] = mapped_column(sa.String(2000))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    handled_at: Mapped[datetime | None]


class Message(db.Model):
    """A message in a match's conversation; it goes when the match goes."""

    __tablename__ = "messages"

    id: Mapped[int] = mapped_column(primary_key=True)
    match_id: Mapped[int] = mapped_column(sa.ForeignKey("matches.id", ondelete="CASCADE"))
    sender_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), index=True)
    body: Mapped[str] = mapped_column(sa.String(2000))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    read_at: Mapped[datetime | None]

    __table_args__ = (
        sa.Index("ix_messages_match_id_id", "match_id", "id"),
        # Unread messages are few: this small index serves unread counts and "mark read".
        sa.Index(
            "ix_messages_unread",
            "match_id",
            "sender_id",
            postgresql_where=sa.text("read_at IS NULL"),
            sqlite_where=sa.text("read_at IS NULL"),
        ),
    )


class Hangout(db.Model):
    """A plan one member of a match proposes: an activity, 1–3 time options and a kind of public place.

    The other member accepts one option or declines; either may cancel. It goes when the match
    goes (unmatch, block, account deletion).
    """

    __tablename__ = "hangouts"

    PROPOSED, ACCEPTED, DECLINED, CANCELLED = "proposed", "accepted", "declined", "cancelled"
    STATUSES = (PROPOSED, ACCEPTED, DECLINED, CANCELLED)
    PLACE_KINDS = ("cafe", "park", "bar", "gym", "museum", "online", "other")

    id: Mapped[int] = mapped_column(primary_key=True)
    match_id: Mapped[int] = mapped_column(sa.ForeignKey("matches.id", ondelete="CASCADE"), index=True)
    proposer_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), index=True)
    activity: Mapped[str] = mapped_column(sa.String(80))
    # [{"starts_at": ISO UTC, "ends_at": ISO UTC}, ...]: 1–3 options, validated on the way in.
    options: Mapped[list[dict]] = mapped_column(sa.JSON)
    place_kind: Mapped[str] = mapped_column(sa.String(10))
    note: Mapped[str] = mapped_column(sa.String(500), default="")
    status: Mapped[str] = mapped_column(sa.String(10), default=PROPOSED)
    accepted_option: Mapped[int | None] = mapped_column(sa.SmallInteger)
    accepted_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    __table_args__ = (
        sa.CheckConstraint("status IN ('proposed', 'accepted', 'declined', 'cancelled')", name="status"),
        sa.CheckConstraint(
            "place_kind IN ('cafe', 'park', 'bar', 'gym', 'museum', 'online', 'other')", name="place_kind"
        ),
        sa.CheckConstraint("(status = 'accepted') = (accepted_option IS NOT NULL)", name="accepted_option"),
    )


class HangoutConfirmation(db.Model):
    """One member's "we met" about an accepted hangout, given once after its end."""

    __tablename__ = "hangout_confirmations"

    hangout_id: Mapped[int] = mapped_column(sa.ForeignKey("hangouts.id", ondelete="CASCADE"), primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), primary_key=True, index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class Meeting(db.Model):
    """Two people who both confirmed meeting; kept after an unmatch, so ``met_count`` stays true.

    The pair is stored in id order, once, however many hangouts they confirm.
    """

    __tablename__ = "meetings"

    user_low_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    user_high_id: Mapped[int] = mapped_column(
        sa.ForeignKey("users.id", ondelete="CASCADE"), primary_key=True, index=True
    )
    met_at: Mapped[datetime] = mapped_column(default=utcnow)

    __table_args__ = (sa.CheckConstraint("user_low_id < user_high_id", name="ordered_pair"),)


class Photo(db.Model):
    """One of a user's profile photos.

    Its storage objects are named from ``storage_key`` (a random UUID), never from the uploaded
    file's name. A ``pending`` photo is a direct upload that was promised but not yet confirmed:
    it has only the raw ``upload_key`` object (once the browser has posted it) and is not shown.
    A ``ready`` photo has exactly its ``main_key`` and ``thumb_key`` objects.
    """

    __tablename__ = "photos"

    PENDING, READY = "pending", "ready"
    UPLOAD_PREFIX = "uploads/"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"))
    storage_key: Mapped[str] = mapped_column(sa.String(36), unique=True)
    status: Mapped[str] = mapped_column(sa.String(10), default=READY)
    content_type: Mapped[str | None] = mapped_column(sa.String(32))
    width: Mapped[int | None]
    height: Mapped[int | None]
    blurhash: Mapped[str | None] = mapped_column(sa.String(64))
    position: Mapped[int] = mapped_column(default=0)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    __table_args__ = (
        sa.CheckConstraint("status IN ('pending', 'ready')", name="status"),
        sa.Index("ix_photos_user_id_position", "user_id", "position"),
        sa.Index("ix_photos_status_created_at", "status", "created_at"),
    )

    @staticmethod
    def main_key_for(storage_key):
        """The re-encoded image of ``storage_key``, longest side ≤ 1600 px."""
        return f"photos/{storage_key}.jpg"

    @staticmethod
    def thumb_key_for(storage_key):
        """The thumbnail of ``storage_key``, longest side ≤ 400 px."""
        return f"photos/{storage_key}-thumb.jpg"

    @property
    def main_key(self):
        """The re-encoded image, longest side ≤ 1600 px."""
        return self.main_key_for(self.storage_key)

    @property
    def thumb_key(self):
        """The thumbnail, longest side ≤ 400 px."""
        return self.thumb_key_for(self.storage_key)

    @property
    def upload_key(self):
        """Where a direct upload lands before ``confirm`` checks and processes it."""
        return f"{self.UPLOAD_PREFIX}{self.storage_key}"

    @property
    def object_keys(self):
        """Every key this photo may own in storage, whatever its status."""
        return [self.main_key, self.thumb_key, self.upload_key]


class RetiredUploadForm(db.Model):
    """A direct-upload form retired before it expired, and when it expires.

    Retiring a form (its photo confirmed, refused, deleted or expired) removes its upload object
    at once, but S3 cannot refuse a form it signed: until ``form_expires_at`` a re-post lands
    under ``upload_key`` again. Once the form has expired nothing new can arrive there, so one
    more removal after that time is final; the row goes with it (``friender.storage.retired_forms``).
    """

    __tablename__ = "retired_upload_forms"

    upload_key: Mapped[str] = mapped_column(sa.String(64), primary_key=True)
    form_expires_at: Mapped[datetime] = mapped_column(index=True)


class Tag(db.Model):
    """A hobby or interest as discovery knows it: lower-cased, one row per distinct spelling.

    ``bit`` (0–62) is given to the most popular tags by ``flask discovery reindex``; a search
    row's ``mask`` has that bit set when its user carries the tag, so shared tags that were not
    scanned can still be counted from the row itself.
    """

    __tablename__ = "tags"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(30), unique=True)
    bit: Mapped[int | None] = mapped_column(sa.SmallInteger, unique=True)

    __table_args__ = (sa.CheckConstraint("bit >= 0 AND bit < 63", name="bit_range"),)


class SearchGeometry:
    """Where a searchable user is and how far they reach: a latitude band, the longitude, the unit
    vector of the ZIP centroid and the cosine of their radius, so "within both radii" is two
    comparisons of one dot product."""

    lat_band: Mapped[int] = mapped_column(sa.SmallInteger)
    longitude: Mapped[float]
    x: Mapped[float]
    y: Mapped[float]
    z: Mapped[float]
    cos_radius: Mapped[float]
    # The birthdate as a day number (``date.toordinal``) and the ages the person wants to meet, so
    # "the viewer's range holds them and theirs holds the viewer" is four comparisons in the index.
    # (A row without a birthdate matches no age range, so it is never shown.)
    birth_day: Mapped[int | None]
    age_min: Mapped[int] = mapped_column(sa.SmallInteger, server_default=str(ADULT_AGE))
    age_max: Mapped[int] = mapped_column(sa.SmallInteger, server_default=str(OLDEST_AGE))


class SearchProfile(SearchGeometry, db.Model):
    """One row per complete profile, for people who share no tag with the viewer. Kept in step with
    profile edits by ``friender.discovery.index``; deleting the user deletes it.
    """

    __tablename__ = "search_profiles"

    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)

    __table_args__ = (
        sa.Index(
            "ix_search_profiles_lat_band_longitude",
            "lat_band",
            "longitude",
            postgresql_include=["user_id", "x", "y", "z", "cos_radius", "birth_day", "age_min", "age_max"],
        ),
    )


class SearchTag(SearchGeometry, db.Model):
    """One row per (tag, complete user), carrying the user's search geometry and tag mask, so
    discovery ranks people by shared tags with index-only scans of the tags it chooses to scan.
    """

    __tablename__ = "search_tags"

    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    tag_id: Mapped[int] = mapped_column(sa.ForeignKey("tags.id", ondelete="CASCADE"), primary_key=True)
    mask: Mapped[int] = mapped_column(sa.BigInteger)

    __table_args__ = (
        sa.Index(
            "ix_search_tags_tag_id_lat_band_longitude",
            "tag_id",
            "lat_band",
            "longitude",
            postgresql_include=["user_id", "x", "y", "z", "cos_radius", "birth_day", "age_min", "age_max", "mask"],
        ),
    )
