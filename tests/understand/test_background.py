"""Background mentions: a claim read only from sentences telling the past is marked, so it sets no status."""

from __future__ import annotations

from mercato.extract import extract
from mercato.models import RawArticle
from mercato.understand import Reader

TEXT = """Crystal Palace captain Marc Guehi is wanted by Manchester City

Manchester City are in talks with Crystal Palace over a deal for defender Marc Guehi, according to reports on Monday.
Guehi came close to joining Liverpool last summer, but the deal collapsed on deadline day."""


def test_a_move_that_came_close_before_is_a_background_claim():
    art = extract(RawArticle(origin="test:bg", url="https://example.com/bg", text=TEXT, date="2026-01-05",
                             outlet="example.com"))
    u = Reader.shared().read(art)
    by_club = {c.to_club: c for c in u.claims}
    assert by_club["Liverpool"].background
    assert not by_club["Manchester City"].background
