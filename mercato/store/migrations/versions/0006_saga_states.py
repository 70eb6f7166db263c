"""sagas: the day after which a live saga with no new report is stale

Revision ID: 0006
Revises: 0005

A saga's window closes on the first transfer-window close on or after its last report; ``stale_after`` is
that close plus the grace period (``mercato/data/reliability.toml``, [windows]). The board shows a live saga
as stale once the store's news clock has passed it. Sagas written before this revision get it on their next
update.
"""

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"


def upgrade() -> None:
    with op.batch_alter_table("sagas") as b:
        b.add_column(sa.Column("stale_after", sa.String(length=10)))
    op.create_index("ix_sagas_stale_after", "sagas", ["stale_after"])


def downgrade() -> None:
    op.drop_index("ix_sagas_stale_after", "sagas")
    with op.batch_alter_table("sagas") as b:
        b.drop_column("stale_after")
