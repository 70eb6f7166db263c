"""The LLM reader's answers, kept so that a re-run (or a second evaluation) asks the model server nothing again.

The reader (:mod:`mercato.understand.llm`) computes the key from the text it sends, the model and the prompt
version; the store only keeps the validated answer with the tokens it cost.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

import sqlalchemy as sa

from mercato.store import schema as t
from mercato.store.articles import now_iso
from mercato.store.dialect import chunks, upsert


class LlmCacheRepo:
    """Mixed into :class:`mercato.store.Store`."""

    engine: sa.Engine

    def _write(self):  # provided by Store
        raise NotImplementedError

    def llm_cached(self, keys: Iterable[str]) -> dict[str, dict[str, Any]]:
        """key → ``{"answer", "tokens_in", "tokens_out"}`` for the keys the cache holds."""
        c = t.llm_cache
        out: dict[str, dict[str, Any]] = {}
        keys = sorted(set(keys))
        with self.engine.connect() as conn:
            for chunk in chunks(keys):
                for r in conn.execute(sa.select(c.c.key, c.c.answer, c.c.tokens_in, c.c.tokens_out)
                                      .where(c.c.key.in_(list(chunk)))):
                    out[r.key] = {"answer": r.answer, "tokens_in": r.tokens_in, "tokens_out": r.tokens_out}
        return out

    def save_llm_answers(self, rows: Sequence[dict[str, Any]]) -> None:
        """Keep answers (``key, text_hash, model, prompt_version, answer, tokens_in, tokens_out``), one transaction."""
        if not rows:
            return
        when = now_iso()
        cols = ["text_hash", "model", "prompt_version", "answer", "tokens_in", "tokens_out", "created_at"]
        with self._write() as conn:
            for r in rows:
                conn.execute(upsert(self.engine, t.llm_cache, ["key"], cols).values(**{**r, "created_at": when}))

    def llm_cache_size(self) -> int:
        with self.engine.connect() as conn:
            return int(conn.execute(sa.select(sa.func.count()).select_from(t.llm_cache)).scalar_one())
