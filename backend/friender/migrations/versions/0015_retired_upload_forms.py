"""Retired upload forms: the upload keys of direct-upload forms retired before they expired.

S3 cannot refuse a presigned POST it signed, so a form posted again after its photo was
confirmed, refused or deleted leaves an object under ``uploads/``. Each retirement records the
key and the form's expiry in the same transaction; the app removes the object once more after
that time and deletes the row (``friender.storage.retired_forms``). A new table only: nothing
existing changes, and downgrade drops it.

Revision ID: 0015_retired_upload_forms
Revises: 0014_login_keys
Create Date: 2026-12-04
"""

import sqlalchemy as sa
from alembic import op

revision = "0015_retired_upload_forms"
down_revision = "0014_login_keys"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "retired_upload_forms",
        sa.Column("upload_key", sa.String(length=64), nullable=False),
        sa.Column("form_expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("upload_key", name="pk_retired_upload_forms"),
    )
    op.create_index("ix_retired_upload_forms_form_expires_at", "retired_upload_forms", ["form_expires_at"])


def downgrade():
    op.drop_index("ix_retired_upload_forms_form_expires_at", table_name="retired_upload_forms")
    op.drop_table("retired_upload_forms")
