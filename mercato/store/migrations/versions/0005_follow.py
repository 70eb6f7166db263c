"""follow: watchlists, the last noted state of each saga, saga changes, webhooks and their deliveries

Revision ID: 0005
Revises: 0004

``saga_state`` starts from the sagas already stored, so the first run after the upgrade reports only what
changes from then on (not every saga as new).
"""

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"


def upgrade() -> None:
    op.create_table(
        "watchlists",
        sa.Column("name", sa.String(length=64), primary_key=True),
        sa.Column("created_at", sa.String(length=32), nullable=False),
    )
    op.create_table(
        "watchlist_items",
        sa.Column("list_name", sa.String(length=64), primary_key=True),
        sa.Column("kind", sa.String(length=8), primary_key=True),
        sa.Column("key", sa.String(length=255), primary_key=True),
        sa.Column("label", sa.Text(), nullable=False),
        sa.Column("added_at", sa.String(length=32), nullable=False),
    )
    op.create_index("ix_watchlist_items_key", "watchlist_items", ["key"])
    op.create_table(
        "saga_state",
        sa.Column("saga_id", sa.String(length=255), primary_key=True),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("likelihood", sa.Float()),
        sa.Column("noted_at", sa.String(length=32), nullable=False),
    )
    op.execute("INSERT INTO saga_state (saga_id, status, likelihood, noted_at) "
               "SELECT id, status, likelihood, updated_at FROM sagas")
    op.create_table(
        "saga_events",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("saga_id", sa.String(length=255), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("old_status", sa.String(length=16)),
        sa.Column("new_status", sa.String(length=16)),
        sa.Column("old_likelihood", sa.Float()),
        sa.Column("new_likelihood", sa.Float()),
        sa.Column("at", sa.String(length=32), nullable=False),
    )
    op.create_index("ix_saga_events_saga_id", "saga_events", ["saga_id"])
    op.create_index("ix_saga_events_at", "saga_events", ["at"])
    op.create_table(
        "webhooks",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("url", sa.Text(), nullable=False),
        sa.Column("secret", sa.Text(), nullable=False),
        sa.Column("list_name", sa.String(length=64)),
        sa.Column("added_at", sa.String(length=32), nullable=False),
    )
    op.create_table(
        "webhook_deliveries",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("webhook_id", sa.Integer(), nullable=False),
        sa.Column("event_id", sa.Integer(), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("state", sa.String(length=12), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False, server_default="0"),
        sa.Column("last_status", sa.Integer()),
        sa.Column("last_error", sa.Text()),
        sa.Column("created_at", sa.String(length=32), nullable=False),
        sa.Column("last_attempt_at", sa.String(length=32)),
        sa.Column("delivered_at", sa.String(length=32)),
        sa.UniqueConstraint("webhook_id", "event_id", name="uq_delivery_event"),
    )
    op.create_index("ix_webhook_deliveries_webhook_id", "webhook_deliveries", ["webhook_id"])
    op.create_index("ix_webhook_deliveries_state", "webhook_deliveries", ["state"])


def downgrade() -> None:
    for name in ("webhook_deliveries", "webhooks", "saga_events", "saga_state", "watchlist_items", "watchlists"):
        op.drop_table(name)
