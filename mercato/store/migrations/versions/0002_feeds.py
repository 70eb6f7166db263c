"""feeds and their health

Revision ID: 0002
Revises: 0001
"""

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = '0001'


def upgrade() -> None:
    op.create_table(
        "feeds",
        sa.Column("url", sa.Text(), primary_key=True),
        sa.Column("name", sa.Text()),
        sa.Column("lang", sa.String(length=8)),
        sa.Column("etag", sa.Text()),
        sa.Column("last_modified", sa.Text()),
        sa.Column("last_polled", sa.String(length=32)),
        sa.Column("last_ok", sa.String(length=32)),
        sa.Column("next_poll", sa.String(length=32)),
        sa.Column("last_status", sa.Integer()),
        sa.Column("error_count", sa.Integer(), nullable=False, server_default="0"),
        sa.Column("consecutive_errors", sa.Integer(), nullable=False, server_default="0"),
        sa.Column("last_error", sa.Text()),
        sa.Column("entries_seen", sa.Integer(), nullable=False, server_default="0"),
        sa.Column("entries_added", sa.Integer(), nullable=False, server_default="0"),
        sa.Column("added_at", sa.String(length=32), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("feeds")
