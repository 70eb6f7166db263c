"""sagas, their articles, their look-up index and source reliability

Revision ID: 0003
Revises: 0002
"""

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = '0002'


def upgrade() -> None:
    op.create_table(
        "sagas",
        sa.Column("id", sa.String(length=255), primary_key=True),
        sa.Column("link_key", sa.String(length=255), nullable=False),
        sa.Column("epoch", sa.Integer(), nullable=False, server_default="0"),
        sa.Column("player", sa.Text(), nullable=False),
        sa.Column("player_key", sa.String(length=255)),
        sa.Column("from_club", sa.String(length=255)),
        sa.Column("to_club", sa.String(length=255)),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("resolved", sa.Boolean(), nullable=False, server_default=sa.false()),
        sa.Column("outcome", sa.String(length=16)),
        sa.Column("likelihood", sa.Float()),
        sa.Column("first_date", sa.String(length=10)),
        sa.Column("last_date", sa.String(length=10)),
        sa.Column("n_articles", sa.Integer(), nullable=False, server_default="0"),
        sa.Column("n_sources", sa.Integer(), nullable=False, server_default="0"),
        sa.Column("langs", sa.JSON()),
        sa.Column("data", sa.JSON()),
        sa.Column("updated_at", sa.String(length=32), nullable=False),
    )
    op.create_index("ix_sagas_link_key", "sagas", ["link_key"])
    op.create_index("ix_sagas_player_key", "sagas", ["player_key"])
    op.create_index("ix_sagas_from_club", "sagas", ["from_club"])
    op.create_index("ix_sagas_to_club", "sagas", ["to_club"])
    op.create_index("ix_sagas_first_date", "sagas", ["first_date"])
    op.create_index("ix_sagas_last_date", "sagas", ["last_date"])
    op.create_table(
        "saga_articles",
        sa.Column("saga_id", sa.String(length=255), primary_key=True),
        sa.Column("article_key", sa.String(length=40), primary_key=True),
        sa.Column("role", sa.String(length=8), nullable=False),
        sa.Column("stage", sa.String(length=16)),
        sa.Column("date", sa.String(length=10)),
        sa.Column("outlet", sa.String(length=255)),
        sa.Column("is_original", sa.Boolean()),
        sa.Column("data", sa.JSON()),
    )
    op.create_index("ix_saga_articles_article_key", "saga_articles", ["article_key"])
    op.create_table(
        "saga_index",
        sa.Column("key", sa.String(length=255), primary_key=True),
        sa.Column("saga_id", sa.String(length=255), primary_key=True),
    )
    op.create_index("ix_saga_index_saga_id", "saga_index", ["saga_id"])
    op.create_table(
        "source_reliability",
        sa.Column("source", sa.String(length=255), primary_key=True),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("resolved", sa.Integer(), nullable=False, server_default="0"),
        sa.Column("hits", sa.Integer(), nullable=False, server_default="0"),
        sa.Column("originals", sa.Integer(), nullable=False, server_default="0"),
        sa.Column("rereports", sa.Integer(), nullable=False, server_default="0"),
        sa.Column("prior", sa.Float()),
        sa.Column("reliability", sa.Float()),
        sa.Column("updated_at", sa.String(length=32), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("source_reliability")
    op.drop_table("saga_index")
    op.drop_table("saga_articles")
    op.drop_table("sagas")
