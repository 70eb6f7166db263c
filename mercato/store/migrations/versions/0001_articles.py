"""articles, revisions, runs, understanding, claims, citations, players

Revision ID: 0001
Revises: None
"""

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None


def upgrade() -> None:
    op.create_table(
        "articles",
        sa.Column("key", sa.String(length=40), primary_key=True),
        sa.Column("url", sa.Text()),
        sa.Column("canonical_url", sa.Text()),
        sa.Column("outlet", sa.String(length=255)),
        sa.Column("title", sa.Text()),
        sa.Column("author", sa.Text()),
        sa.Column("published", sa.String(length=10)),
        sa.Column("date_partial", sa.String(length=7)),
        sa.Column("external_id", sa.String(length=255)),
        sa.Column("origin", sa.Text()),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("content_hash", sa.String(length=64), nullable=False),
        sa.Column("revision", sa.Integer(), nullable=False, server_default="1"),
        sa.Column("extra", sa.JSON()),
        sa.Column("first_seen", sa.String(length=32), nullable=False),
        sa.Column("updated_at", sa.String(length=32), nullable=False),
    )
    op.create_index("ix_articles_outlet", "articles", ["outlet"])
    op.create_index("ix_articles_published", "articles", ["published"])
    op.create_index("ix_articles_external_id", "articles", ["external_id"])
    op.create_table(
        "article_revisions",
        sa.Column("article_key", sa.String(length=40), primary_key=True),
        sa.Column("revision", sa.Integer(), primary_key=True),
        sa.Column("content_hash", sa.String(length=64), nullable=False),
        sa.Column("title", sa.Text()),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("seen_at", sa.String(length=32), nullable=False),
        sa.UniqueConstraint("article_key", "content_hash", name="uq_revision_hash"),
    )
    op.create_table(
        "runs",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("command", sa.Text(), nullable=False),
        sa.Column("started_at", sa.String(length=32), nullable=False),
        sa.Column("finished_at", sa.String(length=32)),
        sa.Column("counts", sa.JSON()),
    )
    op.create_table(
        "understanding",
        sa.Column("article_key", sa.String(length=40), primary_key=True),
        sa.Column("revision", sa.Integer(), nullable=False),
        sa.Column("pipeline_version", sa.String(length=32), nullable=False),
        sa.Column("lang", sa.String(length=8)),
        sa.Column("is_transfer", sa.Boolean(), nullable=False),
        sa.Column("transfer_score", sa.Float()),
        sa.Column("data", sa.JSON()),
        sa.Column("computed_at", sa.String(length=32), nullable=False),
    )
    op.create_index("ix_understanding_pipeline_version", "understanding", ["pipeline_version"])
    op.create_index("ix_understanding_lang", "understanding", ["lang"])
    op.create_table(
        "claims",
        sa.Column("article_key", sa.String(length=40), primary_key=True),
        sa.Column("idx", sa.Integer(), primary_key=True),
        sa.Column("player", sa.Text(), nullable=False),
        sa.Column("player_key", sa.String(length=255)),
        sa.Column("from_club", sa.String(length=255)),
        sa.Column("to_club", sa.String(length=255)),
        sa.Column("stage", sa.String(length=16), nullable=False),
        sa.Column("fee_eur_m", sa.Float()),
        sa.Column("fee_raw", sa.Text()),
        sa.Column("fee", sa.JSON()),
        sa.Column("contract_years", sa.Float()),
        sa.Column("evidence", sa.Text()),
        sa.Column("hedged", sa.Boolean(), nullable=False, server_default=sa.false()),
        sa.Column("is_primary", sa.Boolean(), nullable=False, server_default=sa.false()),
    )
    op.create_index("ix_claims_player_key", "claims", ["player_key"])
    op.create_index("ix_claims_from_club", "claims", ["from_club"])
    op.create_index("ix_claims_to_club", "claims", ["to_club"])
    op.create_table(
        "citations",
        sa.Column("article_key", sa.String(length=40), primary_key=True),
        sa.Column("idx", sa.Integer(), primary_key=True),
        sa.Column("name", sa.String(length=255), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("surface", sa.Text()),
        sa.Column("evidence", sa.Text()),
    )
    op.create_index("ix_citations_name", "citations", ["name"])
    op.create_table(
        "players",
        sa.Column("key", sa.String(length=255), primary_key=True),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("surname_key", sa.String(length=255)),
        sa.Column("aliases", sa.JSON()),
        sa.Column("clubs", sa.JSON()),
        sa.Column("n_articles", sa.Integer(), nullable=False, server_default="0"),
        sa.Column("first_seen", sa.String(length=32), nullable=False),
    )
    op.create_index("ix_players_surname_key", "players", ["surname_key"])


def downgrade() -> None:
    op.drop_table("players")
    op.drop_table("citations")
    op.drop_table("claims")
    op.drop_table("understanding")
    op.drop_table("runs")
    op.drop_table("article_revisions")
    op.drop_table("articles")
