"""Shared by the understanding tests: an article from a text written for the tests, and one reader."""

from __future__ import annotations

import pytest

from mercato.models import Article
from mercato.understand import Reader


def art(text: str) -> Article:
    return Article(key="h:test", url=None, canonical_url=None, outlet=None, title=None, author=None, published=None,
                   date_partial=None, text=text, content_hash="x", origin="test")


@pytest.fixture(scope="module")
def reader() -> Reader:
    return Reader()
