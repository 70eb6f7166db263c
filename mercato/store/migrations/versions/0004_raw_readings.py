"""claims keep their raw reading; the names a claimless article could resolve

Revision ID: 0004
Revises: 0003

The cross-article steps (player registry, second reading with known surnames, link reconciliation) are
recomputed from the raw readings, so their result does not depend on the order articles arrived in.
"""

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = '0003'


def upgrade() -> None:
    with op.batch_alter_table("claims") as b:
        b.add_column(sa.Column("raw_player", sa.Text()))
        b.add_column(sa.Column("raw_player_key", sa.String(length=255)))
        b.add_column(sa.Column("raw_from_club", sa.String(length=255)))
        b.add_column(sa.Column("raw_to_club", sa.String(length=255)))
        b.add_column(sa.Column("first", sa.Boolean(), nullable=False, server_default=sa.true()))
    op.execute("UPDATE claims SET raw_player = player, raw_player_key = player_key, raw_from_club = from_club, "
               "raw_to_club = to_club")
    op.create_index("ix_claims_raw_player_key", "claims", ["raw_player_key"])
    op.create_table(
        "article_names",
        sa.Column("article_key", sa.String(length=40), primary_key=True),
        sa.Column("token", sa.String(length=255), primary_key=True),
    )
    op.create_index("ix_article_names_token", "article_names", ["token"])


def downgrade() -> None:
    op.drop_table("article_names")
    op.drop_index("ix_claims_raw_player_key", "claims")
    with op.batch_alter_table("claims") as b:
        for col in ("first", "raw_to_club", "raw_from_club", "raw_player_key", "raw_player"):
            b.drop_column(col)
