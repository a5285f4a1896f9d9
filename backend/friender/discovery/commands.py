"""``flask discovery reindex``: rebuild the search tables after bulk loads that bypass the ORM."""

import click
from flask.cli import AppGroup

from ..extensions import db
from .index import rebuild_search_index

cli = AppGroup("discovery", help="Discovery's search index.")


@cli.command("reindex")
def reindex():
    """Rebuild every search row and give the most popular tags their mask bits (one transaction)."""
    count = rebuild_search_index(db.session.connection())
    db.session.commit()
    click.echo(f"Indexed {count} searchable profiles.")
