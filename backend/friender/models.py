"""All database tables. Every change here comes with an Alembic migration."""

from datetime import UTC, date, datetime

import sqlalchemy as sa

from .extensions import db

REQUIRED_PROFILE_FIELDS = ("display_name", "hobbies", "interests", "zip_code", "friend_radius_miles", "birthdate")
ADULT_AGE = 18
OLDEST_AGE = 99

# On SQLite, a deleted row's id would go to the next insert: a deleted account's tokens would then
# name the next person to sign up (migration 0006). PostgreSQL's sequences never go back.
NEVER_REUSE_IDS = {"sqlite_autoincrement": True}


def utcnow():
    """Timezone-aware now, the only clock the models use."""
    return datetime.now(UTC)


class User(db.Model):
    """An account and its profile.

    Location is stored as the ZIP centroid's latitude/longitude; the composite index lets
    discovery narrow a bounding box before computing exact distances.
    """

    __tablename__ = "users"

    id = sa.Column(sa.Integer, primary_key=True)
    username = sa.Column(sa.String(30), nullable=False)
    email = sa.Column(sa.String(254), nullable=False)
    password_hash = sa.Column(sa.String(128), nullable=False)

    display_name = sa.Column(sa.String(50))
    bio = sa.Column(sa.String(500), nullable=False, default="")
    hobbies = sa.Column(sa.JSON, nullable=False, default=list)
    interests = sa.Column(sa.JSON, nullable=False, default=list)
    zip_code = sa.Column(sa.String(5))
    city = sa.Column(sa.String(64))
    state = sa.Column(sa.String(2))
    latitude = sa.Column(sa.Float)
    longitude = sa.Column(sa.Float)
    friend_radius_miles = sa.Column(sa.Integer)
    birthdate = sa.Column(sa.Date)
    # The ages this person wants to meet; discovery applies it both ways, like the radius.
    age_min = sa.Column(sa.SmallInteger, nullable=False, default=ADULT_AGE, server_default=str(ADULT_AGE))
    age_max = sa.Column(sa.SmallInteger, nullable=False, default=OLDEST_AGE, server_default=str(OLDEST_AGE))

    email_verified_at = sa.Column(sa.DateTime(timezone=True))
    # An address the person asked to switch to; it replaces ``email`` once its link is followed.
    pending_email = sa.Column(sa.String(254))
    # Tokens carry the generation they were issued in; a password reset or change moves it on, which
    # revokes every earlier token except those of ``kept_session`` (the session that changed it).
    token_generation = sa.Column(sa.Integer, nullable=False, default=0, server_default="0")
    kept_session = sa.Column(sa.String(36))

    created_at = sa.Column(sa.DateTime(timezone=True), nullable=False, default=utcnow)
    updated_at = sa.Column(sa.DateTime(timezone=True), nullable=False, default=utcnow, onupdate=utcnow)

    __table_args__ = (
        sa.Index("uq_users_username_lower", sa.func.lower(username), unique=True),
        sa.Index("uq_users_email_lower", sa.func.lower(email), unique=True),
        sa.Index("ix_users_latitude_longitude", latitude, longitude),
        NEVER_REUSE_IDS,
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
        return age_on(self.birthdate, datetime.now(UTC).date()) if self.birthdate else None


def age_on(birthdate, day):
    """Whole years between ``birthdate`` and ``day`` (a 29 February birthday counts on 1 March)."""
    return day.year - birthdate.year - ((day.month, day.day) < (birthdate.month, birthdate.day))


def latest_birthdate_for_age(age, day):
    """The latest birthdate of someone who is at least ``age`` on ``day``."""
    try:
        return day.replace(year=day.year - age)
    except ValueError:  # 29 February in a year that has none: born on 28 February they are that age
        return date(day.year - age, 2, 28)


class LocationChange(db.Model):
    """One change of a user's ZIP code or friend radius, counted against the daily allowance.

    Each change lets the user read every distance again from a new place; unlimited changes let
    anyone triangulate other people's private ZIP codes.
    """

    __tablename__ = "location_changes"

    id = sa.Column(sa.Integer, primary_key=True)
    user_id = sa.Column(sa.Integer, sa.ForeignKey("users.id", ondelete="CASCADE"), nullable=False)
    changed_at = sa.Column(sa.DateTime(timezone=True), nullable=False, default=utcnow)

    __table_args__ = (sa.Index("ix_location_changes_user_id_changed_at", "user_id", "changed_at"), NEVER_REUSE_IDS)


class RevokedToken(db.Model):
    """A JWT (access or refresh) that logout revoked, kept until it would have expired."""

    __tablename__ = "revoked_tokens"

    jti = sa.Column(sa.String(64), primary_key=True)
    token_type = sa.Column(sa.String(10), nullable=False)
    user_id = sa.Column(sa.Integer, sa.ForeignKey("users.id", ondelete="CASCADE"), nullable=False, index=True)
    expires_at = sa.Column(sa.DateTime(timezone=True), nullable=False, index=True)


class AccountToken(db.Model):
    """A single-use token mailed to a person: to verify an address or to reset the password.

    Only the SHA-256 of the token's random part is stored, so the table cannot be used to act
    for anyone; ``used_at`` makes it single use.
    """

    __tablename__ = "account_tokens"

    VERIFY_EMAIL, RESET_PASSWORD = "verify_email", "reset_password"

    digest = sa.Column(sa.String(64), primary_key=True)
    user_id = sa.Column(sa.Integer, sa.ForeignKey("users.id", ondelete="CASCADE"), nullable=False, index=True)
    purpose = sa.Column(sa.String(20), nullable=False)
    # The address a verification token confirms (the current one, or the one switched to).
    email = sa.Column(sa.String(254))
    created_at = sa.Column(sa.DateTime(timezone=True), nullable=False, default=utcnow)
    expires_at = sa.Column(sa.DateTime(timezone=True), nullable=False)
    used_at = sa.Column(sa.DateTime(timezone=True))

    __table_args__ = (sa.CheckConstraint("purpose IN ('verify_email', 'reset_password')", name="purpose"),)


class OutboxMail(db.Model):
    """A mail recorded in the transaction that caused it and delivered after the commit.

    ``sent_at`` is set once the mail server accepted it; until then ``next_attempt_at`` says when
    to try again and ``claimed_until`` keeps two processes from sending it at the same time.
    """

    __tablename__ = "outbox_mails"

    id = sa.Column(sa.Integer, primary_key=True)
    to_address = sa.Column(sa.String(254), nullable=False)
    subject = sa.Column(sa.String(200), nullable=False)
    text_body = sa.Column(sa.Text, nullable=False)
    html_body = sa.Column(sa.Text, nullable=False)
    created_at = sa.Column(sa.DateTime(timezone=True), nullable=False, default=utcnow)
    attempts = sa.Column(sa.Integer, nullable=False, default=0)
    next_attempt_at = sa.Column(sa.DateTime(timezone=True), nullable=False, default=utcnow)
    claimed_until = sa.Column(sa.DateTime(timezone=True))
    last_error = sa.Column(sa.String(200))
    sent_at = sa.Column(sa.DateTime(timezone=True))

    __table_args__ = (
        # Unsent mail is little: this small index finds what is due without reading the sent ones.
        sa.Index(
            "ix_outbox_mails_unsent",
            "next_attempt_at",
            postgresql_where=sa.text("sent_at IS NULL"),
            sqlite_where=sa.text("sent_at IS NULL"),
        ),
        NEVER_REUSE_IDS,
    )


class Swipe(db.Model):
    """One person's single Yes or No about another; a second decision on the same pair is refused."""

    __tablename__ = "swipes"

    id = sa.Column(sa.Integer, primary_key=True)
    swiper_id = sa.Column(sa.Integer, sa.ForeignKey("users.id", ondelete="CASCADE"), nullable=False)
    swipee_id = sa.Column(sa.Integer, sa.ForeignKey("users.id", ondelete="CASCADE"), nullable=False)
    liked = sa.Column(sa.Boolean, nullable=False)
    created_at = sa.Column(sa.DateTime(timezone=True), nullable=False, default=utcnow)

    __table_args__ = (
        sa.UniqueConstraint("swiper_id", "swipee_id", name="uq_swipes_swiper_id_swipee_id"),
        sa.Index("ix_swipes_swipee_id_liked", "swipee_id", "liked"),
        NEVER_REUSE_IDS,
    )


class Match(db.Model):
    """Two people who both said yes. The pair is stored in id order, so it can exist only once."""

    __tablename__ = "matches"

    id = sa.Column(sa.Integer, primary_key=True)
    user_low_id = sa.Column(sa.Integer, sa.ForeignKey("users.id", ondelete="CASCADE"), nullable=False)
    user_high_id = sa.Column(sa.Integer, sa.ForeignKey("users.id", ondelete="CASCADE"), nullable=False, index=True)
    matched_at = sa.Column(sa.DateTime(timezone=True), nullable=False, default=utcnow)
    # Bumped by every message, so "newest activity first" is one indexed sort.
    last_activity_at = sa.Column(sa.DateTime(timezone=True), nullable=False, default=utcnow)

    __table_args__ = (
        sa.UniqueConstraint("user_low_id", "user_high_id", name="uq_matches_user_low_id_user_high_id"),
        sa.CheckConstraint("user_low_id < user_high_id", name="ordered_pair"),
        NEVER_REUSE_IDS,
    )

    def other_user_id(self, user_id):
        """The member of the match who is not ``user_id``."""
        return self.user_high_id if user_id == self.user_low_id else self.user_low_id


class Block(db.Model):
    """``blocker`` never sees ``blocked`` again, and the other way round."""

    __tablename__ = "blocks"

    blocker_id = sa.Column(sa.Integer, sa.ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    blocked_id = sa.Column(sa.Integer, sa.ForeignKey("users.id", ondelete="CASCADE"), primary_key=True, index=True)
    created_at = sa.Column(sa.DateTime(timezone=True), nullable=False, default=utcnow)


class Report(db.Model):
    """A report of a user, kept for moderation; one per reporter and reported user."""

    __tablename__ = "reports"

    id = sa.Column(sa.Integer, primary_key=True)
    reporter_id = sa.Column(sa.Integer, sa.ForeignKey("users.id", ondelete="CASCADE"), nullable=False)
    reported_id = sa.Column(sa.Integer, sa.ForeignKey("users.id", ondelete="CASCADE"), nullable=False, index=True)
    reason = sa.Column(sa.String(1000), nullable=False)
    created_at = sa.Column(sa.DateTime(timezone=True), nullable=False, default=utcnow)

    __table_args__ = (
        sa.UniqueConstraint("reporter_id", "reported_id", name="uq_reports_reporter_id_reported_id"),
        NEVER_REUSE_IDS,
    )


class Message(db.Model):
    """A message in a match's conversation; it goes when the match goes."""

    __tablename__ = "messages"

    id = sa.Column(sa.Integer, primary_key=True)
    match_id = sa.Column(sa.Integer, sa.ForeignKey("matches.id", ondelete="CASCADE"), nullable=False)
    sender_id = sa.Column(sa.Integer, sa.ForeignKey("users.id", ondelete="CASCADE"), nullable=False, index=True)
    body = sa.Column(sa.String(2000), nullable=False)
    created_at = sa.Column(sa.DateTime(timezone=True), nullable=False, default=utcnow)
    read_at = sa.Column(sa.DateTime(timezone=True))

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
        NEVER_REUSE_IDS,
    )


class Photo(db.Model):
    """One of a user's profile photos.

    Its storage objects are named from ``storage_key`` (a random UUID), never from the uploaded
    file's name. A ``pending`` photo is a direct upload that was promised but not yet confirmed:
    it has only the raw ``upload_key`` object (once the browser has posted it) and is not shown.
    A ``ready`` photo has exactly its ``main_key`` and ``thumb_key`` objects.
    """

    __tablename__ = "photos"

    PENDING, READY = "pending", "ready"

    id = sa.Column(sa.Integer, primary_key=True)
    user_id = sa.Column(sa.Integer, sa.ForeignKey("users.id", ondelete="CASCADE"), nullable=False)
    storage_key = sa.Column(sa.String(36), nullable=False, unique=True)
    status = sa.Column(sa.String(10), nullable=False, default=READY)
    content_type = sa.Column(sa.String(32))
    width = sa.Column(sa.Integer)
    height = sa.Column(sa.Integer)
    blurhash = sa.Column(sa.String(64))
    position = sa.Column(sa.Integer, nullable=False, default=0)
    created_at = sa.Column(sa.DateTime(timezone=True), nullable=False, default=utcnow)

    __table_args__ = (
        sa.CheckConstraint("status IN ('pending', 'ready')", name="status"),
        sa.Index("ix_photos_user_id_position", "user_id", "position"),
        sa.Index("ix_photos_status_created_at", "status", "created_at"),
        NEVER_REUSE_IDS,
    )

    @property
    def main_key(self):
        """The re-encoded image, longest side ≤ 1600 px."""
        return f"photos/{self.storage_key}.jpg"

    @property
    def thumb_key(self):
        """The thumbnail, longest side ≤ 400 px."""
        return f"photos/{self.storage_key}-thumb.jpg"

    @property
    def upload_key(self):
        """Where a direct upload lands before ``confirm`` checks and processes it."""
        return f"uploads/{self.storage_key}"

    @property
    def object_keys(self):
        """Every key this photo may own in storage, whatever its status."""
        return [self.main_key, self.thumb_key, self.upload_key]


# A user's shown photos in display order; ``selectinload(User.photos)`` fetches them for a whole
# page in one query.
User.photos = db.relationship(
    Photo,
    primaryjoin=sa.and_(User.id == Photo.user_id, Photo.status == Photo.READY),
    order_by=(Photo.position, Photo.id),
    viewonly=True,
    lazy="select",
)


class Tag(db.Model):
    """A hobby or interest as discovery knows it: lower-cased, one row per distinct spelling.

    ``bit`` (0–62) is given to the most popular tags by ``flask discovery reindex``; a search
    row's ``mask`` has that bit set when its user carries the tag, so shared tags that were not
    scanned can still be counted from the row itself.
    """

    __tablename__ = "tags"

    id = sa.Column(sa.Integer, primary_key=True)
    name = sa.Column(sa.String(30), nullable=False, unique=True)
    bit = sa.Column(sa.SmallInteger, unique=True)

    __table_args__ = (sa.CheckConstraint("bit >= 0 AND bit < 63", name="bit_range"), NEVER_REUSE_IDS)


class SearchGeometry:
    """Where a searchable user is and how far they reach: a latitude band, the longitude, the unit
    vector of the ZIP centroid and the cosine of their radius, so "within both radii" is two
    comparisons of one dot product."""

    lat_band = sa.Column(sa.SmallInteger, nullable=False)
    longitude = sa.Column(sa.Float, nullable=False)
    x = sa.Column(sa.Float, nullable=False)
    y = sa.Column(sa.Float, nullable=False)
    z = sa.Column(sa.Float, nullable=False)
    cos_radius = sa.Column(sa.Float, nullable=False)
    # The birthdate as a day number (``date.toordinal``) and the ages the person wants to meet, so
    # "the viewer's range holds them and theirs holds the viewer" is four comparisons in the index.
    # (A row without a birthdate matches no age range, so it is never shown.)
    birth_day = sa.Column(sa.Integer)
    age_min = sa.Column(sa.SmallInteger, nullable=False, server_default=str(ADULT_AGE))
    age_max = sa.Column(sa.SmallInteger, nullable=False, server_default=str(OLDEST_AGE))


class SearchProfile(SearchGeometry, db.Model):
    """One row per complete profile, for people who share no tag with the viewer. Kept in step with
    profile edits by ``friender.discovery.index``; deleting the user deletes it.
    """

    __tablename__ = "search_profiles"

    user_id = sa.Column(sa.Integer, sa.ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)

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

    user_id = sa.Column(sa.Integer, sa.ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    tag_id = sa.Column(sa.Integer, sa.ForeignKey("tags.id", ondelete="CASCADE"), primary_key=True)
    mask = sa.Column(sa.BigInteger, nullable=False)

    __table_args__ = (
        sa.Index(
            "ix_search_tags_tag_id_lat_band_longitude",
            "tag_id",
            "lat_band",
            "longitude",
            postgresql_include=["user_id", "x", "y", "z", "cos_radius", "birth_day", "age_min", "age_max", "mask"],
        ),
    )
