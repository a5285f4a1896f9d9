"""Operator commands: ``flask --app friender storage init | ls [PREFIX] | sweep``."""

import click
from flask import current_app
from flask.cli import AppGroup

from .storage import get_storage

storage_cli = AppGroup("storage", help="Manage photo storage (the S3 bucket or the local folder).")


@storage_cli.command("init")
@click.option(
    "--origin",
    "origins",
    multiple=True,
    help="Browser origin allowed to GET and POST to the bucket (repeatable). Default: CORS_ORIGINS, else any.",
)
def init_command(origins):
    """Create the bucket (or folder) if missing and set the CORS rules browsers need."""
    origins = list(origins) or current_app.config["CORS_ORIGINS"] or ["*"]
    for line in get_storage().init(origins):
        click.echo(line)


@storage_cli.command("ls")
@click.argument("prefix", required=False)
def ls_command(prefix):
    """List the buckets, or with PREFIX the objects whose keys start with it ("" for all)."""
    storage = get_storage()
    if prefix is None:
        for name in storage.list_buckets():
            click.echo(name)
        return
    count = total = 0
    for info in storage.list(prefix):
        click.echo(f"{info.last_modified:%Y-%m-%dT%H:%M:%SZ}  {info.size:>10}  {info.key}")
        count, total = count + 1, total + info.size
    click.echo(f"{count} object(s), {total} bytes")


@storage_cli.command("sweep")
def sweep_command():
    """Remove expired direct uploads, the uploads of expired retired forms, and objects no photo owns."""
    from .photos.sweep import sweep_storage

    report = sweep_storage()
    click.echo(
        f"expired uploads removed: {report.expired_uploads}; orphaned objects removed: {report.orphans_removed}; "
        f"failed: {report.failed}; unrecognised objects kept: {report.unknown_kept}; "
        f"retired upload forms cleared: {report.retired_forms_cleared}"
    )
    if report.failed:
        raise SystemExit(1)
