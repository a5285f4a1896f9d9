"""Profile photos.

A photo belongs to exactly one user and goes with them; its storage objects are named from the
random ``storage_key``. The (user_id, position) index serves "this user's photos in order", the
(status, created_at) index lets the sweep find expired direct uploads.

Revision ID: 0003_photos
Revises: 0002_social
Create Date: 2026-11-22
"""

import sqlalchemy as sa
from alembic import op

revision = "0003_photos"
down_revision = "0002_social"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "photos",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("storage_key", sa.String(length=36), nullable=False),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("content_type", sa.String(length=32), nullable=True),
        sa.Column("width", sa.Integer(), nullable=True),
        sa.Column("height", sa.Integer(), nullable=True),
        sa.Column("blurhash", sa.String(length=64), nullable=True),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], name="fk_photos_user_id_users", ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name="pk_photos"),
        sa.UniqueConstraint("storage_key", name="uq_photos_storage_key"),
        sa.CheckConstraint("status IN ('pending', 'ready')", name="ck_photos_status"),
    )
    op.create_index("ix_photos_user_id_position", "photos", ["user_id", "position"])
    op.create_index("ix_photos_status_created_at", "photos", ["status", "created_at"])


def downgrade():
    op.drop_table("photos")
