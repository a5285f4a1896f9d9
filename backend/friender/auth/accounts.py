"""Account lifecycle: signing up, verifying the address, resetting or changing the password, changing
the address — the flows that mail the account (login and tokens are in ``service``)."""

import sqlalchemy as sa
from flask import current_app
from sqlalchemy.exc import IntegrityError

from .. import mail
from ..errors import Conflict, InvalidToken, ValidationFailed
from ..events import end_streams
from ..extensions import db
from ..models import AccountToken, User, login_key, utcnow
from . import account_tokens
from .passwords import check_password, hash_password, require_strong_password

EMAIL_TAKEN = "An account with that email already exists."
WRONG_PASSWORD = "That password is not correct."


def signup(username, email, password, birthdate, display_name=None):
    """Create an account (adults only: the schema checked the birthdate) and mail its verification link.

    Usernames and emails are unique by their login key (``models.login_key``: Unicode-normalised and
    case-folded); a guessable password is refused.
    """
    require_strong_password(password, username, email)
    # Hashed before the first query: a signup waiting for a hashing thread holds no database
    # connection, so a burst of them leaves the pool to everyone else.
    password_hash = hash_password(password)
    taken = {}
    if find_user_by(User.username_key, username):
        taken["username"] = ["That username is taken."]
    if find_user_by(User.email_key, email):
        taken["email"] = [EMAIL_TAKEN]
    if taken:
        raise Conflict("That username or email is already registered.", fields=taken)
    user = User(
        username=username,
        email=email,
        password_hash=password_hash,
        display_name=display_name,
        birthdate=birthdate,
        hobbies=[],
        interests=[],
    )
    db.session.add(user)
    try:
        db.session.flush()
    except IntegrityError:  # Two signups raced for the same name; the index decided.
        db.session.rollback()
        raise Conflict("That username or email is already registered.") from None
    _mail_verification(user, user.email)
    db.session.commit()
    return user


def _mail_verification(user, address):
    token = account_tokens.issue(user, AccountToken.VERIFY_EMAIL, email=address)
    mail.queue_mail(
        address,
        "Confirm your email address",
        "verify_email",
        name=user.display_name or user.username,
        email=address,
        url=mail.link("/verify-email", token),
    )


def verify_email(token):
    """Follow a verification link: the address it was sent to is verified (and becomes the account's
    address, when it was a requested change). Returns the user."""
    row, user = account_tokens.redeem(token, AccountToken.VERIFY_EMAIL, check=_still_the_address)
    if login_key(row.email) != user.email_key:
        if find_user_by(User.email_key, row.email) is not None:
            db.session.rollback()
            raise Conflict("Another account has taken that email address meanwhile.", fields={"email": [EMAIL_TAKEN]})
        user.email, user.pending_email = row.email, None
    user.email_verified_at = utcnow()
    try:
        db.session.commit()
    except IntegrityError:  # another account took the address at the same instant
        db.session.rollback()
        raise Conflict(
            "Another account has taken that email address meanwhile.", fields={"email": [EMAIL_TAKEN]}
        ) from None
    return user


def _still_the_address(user, row):
    """A link for an address the account no longer has or wants (it asked for another since) is void."""
    wanted = {user.email_key, login_key(user.pending_email or "")}
    if login_key(row.email) not in wanted:
        raise InvalidToken(account_tokens.INVALID)


def resend_verification(user):
    """Mail a new verification link: to the address waiting to be confirmed, else to an unverified one."""
    if user.pending_email:
        _mail_verification(user, user.pending_email)
    elif not user.email_verified:
        _mail_verification(user, user.email)
    db.session.commit()


def request_password_reset(email):
    """Mail a reset link when an account has this address; nothing tells the caller whether one does."""
    user = find_user_by(User.email_key, email)
    if user is None:
        return
    token = account_tokens.issue(user, AccountToken.RESET_PASSWORD)
    mail.queue_mail(
        user.email,
        "Reset your Friender password",
        "reset_password",
        name=user.display_name or user.username,
        url=mail.link("/reset-password", token),
    )
    db.session.commit()


def reset_password(token, password):
    """Set a new password from a reset link; every earlier token of the account stops working."""

    def strong_enough(user, _row):
        require_strong_password(password, user.username, user.email)

    _row, user = account_tokens.redeem(token, AccountToken.RESET_PASSWORD, check=strong_enough)
    account_tokens.spend_all(user, AccountToken.RESET_PASSWORD)
    user.password_hash = hash_password(password)
    revoke_sessions(user)
    db.session.commit()
    end_streams(user.id)
    return user


def change_password(user, current_password, new_password, session_id):
    """Change the password of a signed-in person; their other sessions are signed out, this one stays.

    The other sessions' event streams end at once, in every process; this session's keep going.
    """
    if not check_password(user, current_password):
        raise ValidationFailed(WRONG_PASSWORD, fields={"current_password": [WRONG_PASSWORD]})
    require_strong_password(new_password, user.username, user.email, field="new_password")
    user.password_hash = hash_password(new_password)
    revoke_sessions(user, keep_session=session_id)
    account_tokens.spend_all(user, AccountToken.RESET_PASSWORD)
    mail.queue_mail(
        user.email,
        "Your Friender password was changed",
        "password_changed",
        name=user.display_name or user.username,
        url=f"{current_app.config['APP_BASE_URL']}/forgot-password",
    )
    db.session.commit()
    end_streams(user.id, keep_session=session_id)


def request_email_change(user, password, new_email):
    """Mail a verification link to ``new_email`` (the account switches once it is followed) and a
    notice to the current address."""
    if not check_password(user, password):
        raise ValidationFailed(WRONG_PASSWORD, fields={"password": [WRONG_PASSWORD]})
    if login_key(new_email) == user.email_key:
        raise ValidationFailed("That is already your address.", fields={"email": ["That is already your address."]})
    if find_user_by(User.email_key, new_email) is not None:
        raise Conflict("That email address is already registered.", fields={"email": [EMAIL_TAKEN]})
    user.pending_email = new_email
    _mail_verification(user, new_email)
    mail.queue_mail(
        user.email,
        "Your Friender email address is changing",
        "email_changing",
        name=user.display_name or user.username,
        new_email=new_email,
        url=f"{current_app.config['APP_BASE_URL']}/settings",
    )
    db.session.commit()


def revoke_sessions(user, keep_session=None):
    """Revoke every token the account holds, in the caller's transaction, except those of the
    session ``keep_session`` (the one that changed the password), when given.

    The one account-wide revocation: a password reset or change, a suspension and a ban all use
    it. Tokens carry the generation they were issued in (claim ``gen``) and their session
    (``sid``); moving the generation on makes every earlier one stale, and only the one kept
    session is spared, until the next move forgets it. Incremented in SQL, so two revocations
    at once both count.
    """
    user.token_generation = User.token_generation + 1
    user.kept_session = keep_session


def find_user_by(key_column, value):
    """The user whose ``username_key`` or ``email_key`` (``key_column``) is ``value``'s login key, or None."""
    return db.session.execute(sa.select(User).where(key_column == login_key(value))).scalar_one_or_none()
