"""Every table, in one place (SQLAlchemy Core). Migrations under ``migrations/`` create them.

Ownership by concept: articles/revisions/runs (ingest), understanding/claims/citations/players (understand),
feeds (sources), sagas/saga_articles/saga_index/source_reliability (stories), watchlists/watchlist_items/
saga_state/saga_events/webhooks/webhook_deliveries (follow).
"""

from __future__ import annotations

import sqlalchemy as sa

metadata = sa.MetaData()

articles = sa.Table(
    "articles",
    metadata,
    sa.Column("key", sa.String(40), primary_key=True),
    sa.Column("url", sa.Text),
    sa.Column("canonical_url", sa.Text),
    sa.Column("outlet", sa.String(255), index=True),
    sa.Column("title", sa.Text),
    sa.Column("author", sa.Text),
    sa.Column("published", sa.String(10), index=True),
    sa.Column("date_partial", sa.String(7)),
    sa.Column("external_id", sa.String(255), index=True),
    sa.Column("origin", sa.Text),
    sa.Column("text", sa.Text, nullable=False),
    sa.Column("content_hash", sa.String(64), nullable=False),
    sa.Column("revision", sa.Integer, nullable=False, server_default="1"),
    sa.Column("extra", sa.JSON),
    sa.Column("first_seen", sa.String(32), nullable=False),
    sa.Column("updated_at", sa.String(32), nullable=False),
)

article_revisions = sa.Table(
    "article_revisions",
    metadata,
    sa.Column("article_key", sa.String(40), primary_key=True),
    sa.Column("revision", sa.Integer, primary_key=True),
    sa.Column("content_hash", sa.String(64), nullable=False),
    sa.Column("title", sa.Text),
    sa.Column("text", sa.Text, nullable=False),
    sa.Column("seen_at", sa.String(32), nullable=False),
    sa.UniqueConstraint("article_key", "content_hash", name="uq_revision_hash"),
)

runs = sa.Table(
    "runs",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("command", sa.Text, nullable=False),
    sa.Column("started_at", sa.String(32), nullable=False),
    sa.Column("finished_at", sa.String(32)),
    sa.Column("counts", sa.JSON),
)

understanding = sa.Table(
    "understanding",
    metadata,
    sa.Column("article_key", sa.String(40), primary_key=True),
    sa.Column("revision", sa.Integer, nullable=False),
    sa.Column("pipeline_version", sa.String(32), nullable=False, index=True),
    sa.Column("lang", sa.String(8), index=True),
    sa.Column("is_transfer", sa.Boolean, nullable=False),
    sa.Column("transfer_score", sa.Float),
    sa.Column("data", sa.JSON),
    sa.Column("computed_at", sa.String(32), nullable=False),
)

claims = sa.Table(
    "claims",
    metadata,
    sa.Column("article_key", sa.String(40), primary_key=True),
    sa.Column("idx", sa.Integer, primary_key=True),
    sa.Column("player", sa.Text, nullable=False),
    sa.Column("player_key", sa.String(255), index=True),
    sa.Column("from_club", sa.String(255), index=True),
    sa.Column("to_club", sa.String(255), index=True),
    sa.Column("stage", sa.String(16), nullable=False),
    sa.Column("fee_eur_m", sa.Float),
    sa.Column("fee_raw", sa.Text),
    sa.Column("fee", sa.JSON),
    sa.Column("contract_years", sa.Float),
    sa.Column("evidence", sa.Text),
    sa.Column("hedged", sa.Boolean, nullable=False, server_default=sa.false()),
    sa.Column("is_primary", sa.Boolean, nullable=False, server_default=sa.false()),
    # the reader's own reading, before the cross-article steps (registry names, reconciled links) changed it
    sa.Column("raw_player", sa.Text),
    sa.Column("raw_player_key", sa.String(255), index=True),
    sa.Column("raw_from_club", sa.String(255)),
    sa.Column("raw_to_club", sa.String(255)),
    sa.Column("first", sa.Boolean, nullable=False, server_default=sa.true()),  # not from a second reading
)

# words of a claimless article that a known surname could turn into a player (for its second reading)
article_names = sa.Table(
    "article_names",
    metadata,
    sa.Column("article_key", sa.String(40), primary_key=True),
    sa.Column("token", sa.String(255), primary_key=True, index=True),
)

citations = sa.Table(
    "citations",
    metadata,
    sa.Column("article_key", sa.String(40), primary_key=True),
    sa.Column("idx", sa.Integer, primary_key=True),
    sa.Column("name", sa.String(255), nullable=False, index=True),
    sa.Column("kind", sa.String(16), nullable=False),
    sa.Column("surface", sa.Text),
    sa.Column("evidence", sa.Text),
)

players = sa.Table(
    "players",
    metadata,
    sa.Column("key", sa.String(255), primary_key=True),
    sa.Column("name", sa.Text, nullable=False),
    sa.Column("surname_key", sa.String(255), index=True),
    sa.Column("aliases", sa.JSON),
    sa.Column("clubs", sa.JSON),
    sa.Column("n_articles", sa.Integer, nullable=False, server_default="0"),
    sa.Column("first_seen", sa.String(32), nullable=False),
)

feeds = sa.Table(
    "feeds",
    metadata,
    sa.Column("url", sa.Text, primary_key=True),
    sa.Column("name", sa.Text),
    sa.Column("lang", sa.String(8)),
    sa.Column("etag", sa.Text),
    sa.Column("last_modified", sa.Text),
    sa.Column("last_polled", sa.String(32)),
    sa.Column("last_ok", sa.String(32)),
    sa.Column("next_poll", sa.String(32)),
    sa.Column("last_status", sa.Integer),
    sa.Column("error_count", sa.Integer, nullable=False, server_default="0"),
    sa.Column("consecutive_errors", sa.Integer, nullable=False, server_default="0"),
    sa.Column("last_error", sa.Text),
    sa.Column("entries_seen", sa.Integer, nullable=False, server_default="0"),
    sa.Column("entries_added", sa.Integer, nullable=False, server_default="0"),
    sa.Column("added_at", sa.String(32), nullable=False),
)

sagas = sa.Table(
    "sagas",
    metadata,
    sa.Column("id", sa.String(255), primary_key=True),
    sa.Column("link_key", sa.String(255), nullable=False, index=True),  # player_key|from|to
    sa.Column("epoch", sa.Integer, nullable=False, server_default="0"),
    sa.Column("player", sa.Text, nullable=False),
    sa.Column("player_key", sa.String(255), index=True),
    sa.Column("from_club", sa.String(255), index=True),
    sa.Column("to_club", sa.String(255), index=True),
    sa.Column("status", sa.String(16), nullable=False),
    sa.Column("resolved", sa.Boolean, nullable=False, server_default=sa.false()),
    sa.Column("outcome", sa.String(16)),
    sa.Column("likelihood", sa.Float),
    sa.Column("first_date", sa.String(10), index=True),
    sa.Column("last_date", sa.String(10), index=True),
    sa.Column("n_articles", sa.Integer, nullable=False, server_default="0"),
    sa.Column("n_sources", sa.Integer, nullable=False, server_default="0"),
    sa.Column("langs", sa.JSON),
    sa.Column("data", sa.JSON),
    sa.Column("updated_at", sa.String(32), nullable=False),
    sa.Column("stale_after", sa.String(10), index=True),  # a live saga with no report past this day is stale
)

saga_articles = sa.Table(
    "saga_articles",
    metadata,
    sa.Column("saga_id", sa.String(255), primary_key=True),
    sa.Column("article_key", sa.String(40), primary_key=True, index=True),
    sa.Column("role", sa.String(8), nullable=False),  # primary | other
    sa.Column("stage", sa.String(16)),
    sa.Column("date", sa.String(10)),
    sa.Column("outlet", sa.String(255)),
    sa.Column("is_original", sa.Boolean),
    sa.Column("data", sa.JSON),
)

saga_index = sa.Table(  # keyed look-up of candidate sagas: "name-word>to-club" / "name-word<from-club"
    "saga_index",
    metadata,
    sa.Column("key", sa.String(255), primary_key=True),
    sa.Column("saga_id", sa.String(255), primary_key=True, index=True),
)

source_reliability = sa.Table(
    "source_reliability",
    metadata,
    sa.Column("source", sa.String(255), primary_key=True),
    sa.Column("kind", sa.String(16), nullable=False),
    sa.Column("resolved", sa.Integer, nullable=False, server_default="0"),
    sa.Column("hits", sa.Integer, nullable=False, server_default="0"),
    sa.Column("originals", sa.Integer, nullable=False, server_default="0"),
    sa.Column("rereports", sa.Integer, nullable=False, server_default="0"),
    sa.Column("prior", sa.Float),
    sa.Column("reliability", sa.Float),
    sa.Column("updated_at", sa.String(32), nullable=False),
)

# -- follow: watchlists, what was last noted of each saga, the changes noted, webhooks and their deliveries ------

watchlists = sa.Table(
    "watchlists",
    metadata,
    sa.Column("name", sa.String(64), primary_key=True),
    sa.Column("created_at", sa.String(32), nullable=False),
)

watchlist_items = sa.Table(
    "watchlist_items",
    metadata,
    sa.Column("list_name", sa.String(64), primary_key=True),
    sa.Column("kind", sa.String(8), primary_key=True),  # club | player
    sa.Column("key", sa.String(255), primary_key=True, index=True),  # the club's name, or the player's key
    sa.Column("label", sa.Text, nullable=False),
    sa.Column("added_at", sa.String(32), nullable=False),
)

saga_state = sa.Table(  # what was last noted of each saga: changes are measured from here
    "saga_state",
    metadata,
    sa.Column("saga_id", sa.String(255), primary_key=True),
    sa.Column("status", sa.String(16), nullable=False),
    sa.Column("likelihood", sa.Float),
    sa.Column("noted_at", sa.String(32), nullable=False),
)

saga_events = sa.Table(
    "saga_events",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("saga_id", sa.String(255), nullable=False, index=True),
    sa.Column("kind", sa.String(16), nullable=False),  # new | status | likelihood
    sa.Column("old_status", sa.String(16)),
    sa.Column("new_status", sa.String(16)),
    sa.Column("old_likelihood", sa.Float),
    sa.Column("new_likelihood", sa.Float),
    sa.Column("at", sa.String(32), nullable=False, index=True),
)

webhooks = sa.Table(
    "webhooks",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("url", sa.Text, nullable=False),
    sa.Column("secret", sa.Text, nullable=False),
    sa.Column("list_name", sa.String(64)),  # only the sagas this watchlist follows; NULL: every watchlist
    sa.Column("added_at", sa.String(32), nullable=False),
)

webhook_deliveries = sa.Table(
    "webhook_deliveries",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("webhook_id", sa.Integer, nullable=False, index=True),
    sa.Column("event_id", sa.Integer, nullable=False),
    sa.Column("body", sa.Text, nullable=False),  # the exact JSON sent (and signed) on every attempt
    sa.Column("state", sa.String(12), nullable=False, index=True),  # pending | delivered | failed
    sa.Column("attempts", sa.Integer, nullable=False, server_default="0"),
    sa.Column("last_status", sa.Integer),
    sa.Column("last_error", sa.Text),
    sa.Column("created_at", sa.String(32), nullable=False),
    sa.Column("last_attempt_at", sa.String(32)),
    sa.Column("delivered_at", sa.String(32)),
    sa.UniqueConstraint("webhook_id", "event_id", name="uq_delivery_event"),
)
# the answers of an LLM reader (mercato.understand.llm), validated, so a re-run asks the model nothing again
llm_cache = sa.Table(
    "llm_cache",
    metadata,
    sa.Column("key", sa.String(64), primary_key=True),  # sha256 of (text hash, model, prompt version)
    sa.Column("text_hash", sa.String(64), nullable=False),
    sa.Column("model", sa.String(255), nullable=False),
    sa.Column("prompt_version", sa.String(32), nullable=False),
    sa.Column("answer", sa.JSON, nullable=False),
    sa.Column("tokens_in", sa.Integer, nullable=False, server_default="0"),
    sa.Column("tokens_out", sa.Integer, nullable=False, server_default="0"),
    sa.Column("created_at", sa.String(32), nullable=False),
)
