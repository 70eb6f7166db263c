"""Articles and helpers for the LLM reader's tests (the servers are in :mod:`mercato.testing.llm`)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

#: short articles written for these tests (tiny models are slow: keep them short)
ARTICLES = [
    {"id": "t1", "url": "https://example.org/news/gomez-milan", "date": "2025-07-01",
     "text": "Liverpool defender Joe Gomez is in talks with AC Milan over a summer move, Sky Sport reports.\n"
             "The Italian club hope to close the deal within a week."},
    {"id": "t2", "url": "https://example.org/news/sancho-juve", "date": "2025-07-02",
     "text": "Juventus have made a bid for Manchester United winger Jadon Sancho, according to La Gazzetta dello "
             "Sport.\nUnited want a fee close to 20 million euros."},
    {"id": "t3", "url": "https://example.org/news/guehi", "date": "2025-07-03",
     "text": "Crystal Palace captain Marc Guéhi has agreed personal terms with Liverpool, says Fabrizio Romano.\n"
             "The clubs are still negotiating the fee."},
]


def write_articles(path: Path, rows: list[dict] | None = None) -> Path:
    path.write_text("".join(json.dumps(r) + "\n" for r in rows or ARTICLES), encoding="utf-8")
    return path


@pytest.fixture
def articles_file(tmp_path: Path) -> Path:
    return write_articles(tmp_path / "articles.jsonl")


def llm_env(url: str, **extra: str) -> dict[str, str]:
    env = {"MERCATO_READER": "llm", "MERCATO_LLM_URL": url, "MERCATO_LLM_MODEL": "scripted",
           "MERCATO_LLM_TIMEOUT_S": "20", "MERCATO_LLM_CONCURRENCY": "2"}
    env.update(extra)
    return env
