"""What makes a password acceptable (long enough, not built on the account's name, hard to guess),
and how one is hashed and checked.

The guessability estimate is zxcvbn's (the browser app's strength meter runs the same algorithm),
so the meter and the server agree on what "too easy to guess" means.
"""

from zxcvbn import zxcvbn

from ..concurrency import run_blocking
from ..errors import ValidationFailed
from ..extensions import bcrypt

MIN_LENGTH, MAX_LENGTH = 8, 128
MIN_SCORE = 3  # zxcvbn: 3 = "safely unguessable: moderate protection from offline attacks"
TOO_EASY = "This password is too easy to guess."


def password_problem(password, username=None, email=None):
    """The sentence saying why ``password`` is refused for this account, or None when it is fine."""
    lowered = password.lower()
    if username and len(username) >= 3 and username.lower() in lowered:
        return "Your password must not contain your username."
    if email:
        local_part = email.split("@", 1)[0].lower()
        if email.lower() in lowered or (len(local_part) >= 3 and local_part in lowered):
            return "Your password must not contain your email address."
    result = zxcvbn(password, user_inputs=[value for value in (username, email) if value], max_length=MAX_LENGTH)
    if result["score"] >= MIN_SCORE:
        return None
    feedback = result["feedback"]
    reasons = [feedback["warning"], *feedback["suggestions"]] if feedback["warning"] else feedback["suggestions"]
    return " ".join([TOO_EASY, *[reason for reason in reasons if reason]]) or TOO_EASY


def require_strong_password(password, username, email, field="password"):
    """Raise a 422 on ``field`` naming why the password is refused (guessable, or built on the account's name)."""
    problem = password_problem(password, username, email)
    if problem:
        raise ValidationFailed("Choose a stronger password.", fields={field: [problem]})


def hash_password(password):
    """bcrypt hash of a password (cost from ``BCRYPT_LOG_ROUNDS``)."""
    return run_blocking(bcrypt.generate_password_hash, password).decode()


def check_password(user, password):
    """True when ``password`` is the user's password."""
    return run_blocking(bcrypt.check_password_hash, user.password_hash, password)
