"""Discovery's search tables: tags, one search row per complete profile, one per (tag, user).

The covering indexes (PostgreSQL ``INCLUDE``) let discovery answer from index-only scans:
``search_tags`` on (tag, latitude band, longitude) carrying the unit vector, cos(radius), the
user id and the tag mask; ``search_profiles`` on (latitude band, longitude) for the people who
share no tag with the viewer. Existing complete profiles are indexed by revision 0008, whose
search columns the index code of today writes (it cannot run against this revision's tables).

Revision ID: 0004_discovery
Revises: 0003_photos
Create Date: 2026-11-22
"""

import sqlalchemy as sa
from alembic import op

revision = "0004_discovery"
down_revision = "0003_photos"
branch_labels = None
depends_on = None


def _geometry_columns():
    return [
        sa.Column("lat_band", sa.SmallInteger(), nullable=False),
        sa.Column("longitude", sa.Float(), nullable=False),
        sa.Column("x", sa.Float(), nullable=False),
        sa.Column("y", sa.Float(), nullable=False),
        sa.Column("z", sa.Float(), nullable=False),
        sa.Column("cos_radius", sa.Float(), nullable=False),
    ]


def upgrade():
    op.create_table(
        "tags",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=30), nullable=False),
        sa.Column("bit", sa.SmallInteger(), nullable=True),
        sa.CheckConstraint("bit >= 0 AND bit < 63", name="ck_tags_bit_range"),
        sa.PrimaryKeyConstraint("id", name="pk_tags"),
        sa.UniqueConstraint("name", name="uq_tags_name"),
        sa.UniqueConstraint("bit", name="uq_tags_bit"),
    )

    op.create_table(
        "search_profiles",
        sa.Column("user_id", sa.Integer(), nullable=False),
        *_geometry_columns(),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], name="fk_search_profiles_user_id_users", ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("user_id", name="pk_search_profiles"),
    )
    op.create_index(
        "ix_search_profiles_lat_band_longitude",
        "search_profiles",
        ["lat_band", "longitude"],
        postgresql_include=["user_id", "x", "y", "z", "cos_radius"],
    )

    op.create_table(
        "search_tags",
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("tag_id", sa.Integer(), nullable=False),
        *_geometry_columns(),
        sa.Column("mask", sa.BigInteger(), nullable=False),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], name="fk_search_tags_user_id_users", ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["tag_id"], ["tags.id"], name="fk_search_tags_tag_id_tags", ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("user_id", "tag_id", name="pk_search_tags"),
    )
    op.create_index(
        "ix_search_tags_tag_id_lat_band_longitude",
        "search_tags",
        ["tag_id", "lat_band", "longitude"],
        postgresql_include=["user_id", "x", "y", "z", "cos_radius", "mask"],
    )


def downgrade():
    op.drop_table("search_tags")
    op.drop_table("search_profiles")
    op.drop_table("tags")
