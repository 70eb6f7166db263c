"""Canonical URLs (the article key depends on them) and dates from records and URLs."""

from __future__ import annotations

import pytest

from mercato.extract.dates import date_from_url, iso_date, month_from_url
from mercato.extract.urls import canonical_url, outlet_of


@pytest.mark.parametrize("variant", [
    "https://www.example.com/news/story",
    "http://example.com/news/story/",
    "https://EXAMPLE.com/news/story?utm_source=x&fbclid=y#comments",
    "https://amp.example.com/news/story/amp",
    "https://m.example.com:443/news/story",
])
def test_canonical_url_variants_are_one_key(variant):
    assert canonical_url(variant) == "https://example.com/news/story"


def test_canonical_url_keeps_meaningful_parts():
    assert canonical_url("https://example.com/a?id=3&page=2") == "https://example.com/a?id=3&page=2"
    assert canonical_url("https://example.com:8080/a") == "https://example.com:8080/a"
    for bad in (None, "", "javascript:alert(1)", "ftp://example.com/x", "https://[::1", "not a url"):
        assert canonical_url(bad) is None


def test_outlet_of():
    assert outlet_of("https://www.bbc.co.uk/sport/x") == "bbc.co.uk"
    assert outlet_of("https://amp.prod.gazzetta.it/x") == "gazzetta.it"
    assert outlet_of("https://m.marca.com/x") == "marca.com"
    assert outlet_of(None) is None and outlet_of("https://[::1") is None


def test_dates():
    assert iso_date("2025-07-01T10:00:00Z") == "2025-07-01"
    assert iso_date("2025-02-30") is None and iso_date("July 1") is None and iso_date(None) is None
    assert date_from_url("https://x.com/2025/07/01/story") == "2025-07-01"
    assert date_from_url("https://x.com/story-01-07-2025") == "2025-07-01"
    assert date_from_url("https://x.com/20250701/story") == "2025-07-01"
    assert date_from_url("https://x.com/id/12345678901") is None
    assert month_from_url("https://x.com/2025/07/story") == "2025-07"
