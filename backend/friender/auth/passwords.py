"""What makes a password acceptable: long enough, not built on the account's name, hard to guess.

The guessability estimate is zxcvbn's (the browser app's strength meter runs the same algorithm),
so the meter and the server agree on what "too easy to guess" means.
"""

from zxcvbn import zxcvbn

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
