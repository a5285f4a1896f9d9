"""Operator commands: ``flask --app friender users grant-moderator | revoke-moderator USERNAME``.

The moderator role is given only here, never through the API.
"""

import click
import sqlalchemy as sa
from flask.cli import AppGroup

from ..extensions import db
from ..models import User, login_key

users_cli = AppGroup("users", help="Manage accounts: the moderator role.")


def _set_moderator(username, value):
    user = db.session.scalar(sa.select(User).where(User.username_key == login_key(username)))
    if user is None:
        raise click.ClickException(f"No user named {username!r}.")
    user.is_moderator = value
    db.session.commit()
    return user


@users_cli.command("grant-moderator")
@click.argument("username")
def grant_moderator(username):
    """Make USERNAME a moderator."""
    user = _set_moderator(username, True)
    click.echo(f"{user.username} is now a moderator.")


@users_cli.command("revoke-moderator")
@click.argument("username")
def revoke_moderator(username):
    """Take the moderator role from USERNAME."""
    user = _set_moderator(username, False)
    click.echo(f"{user.username} is no longer a moderator.")
