"""RawArticle to Article: stable keys, revisions by content hash, skips with a reason."""

from __future__ import annotations

import pytest

from mercato.errors import Skip
from mercato.extract import MAX_TEXT_CHARS, extract
from mercato.models import RawArticle


def raw(**kw) -> RawArticle:
    kw.setdefault("origin", "test")
    return RawArticle(**kw)


def test_key_from_canonical_url_is_stable_across_variants():
    a = extract(raw(url="https://www.example.com/a/b?utm_source=x", text="One."))
    b = extract(raw(url="http://example.com/a/b/", text="Two, a different text."))
    assert a.key == b.key and a.key.startswith("u:") and len(a.key) <= 40
    assert a.content_hash != b.content_hash


def test_key_from_text_without_url():
    a = extract(raw(text="Same text."))
    b = extract(raw(text="Same text.", origin="elsewhere"))
    assert a.key == b.key and a.key.startswith("h:")
    assert extract(raw(text="Other text.")).key != a.key


def test_title_change_is_a_new_revision():
    a = extract(raw(url="https://x.com/a", text="Body.", title="Old"))
    b = extract(raw(url="https://x.com/a", text="Body.", title="New"))
    assert a.key == b.key and a.content_hash != b.content_hash


def test_date_marker_url_date_and_outlet():
    a = extract(raw(url="https://www.example.com/2025/06/story", text=" date 2025-07-03 Rossi signs."))
    assert a.published == "2025-07-03" and a.date_partial is None and a.outlet == "example.com"
    b = extract(raw(url="https://www.example.com/2025/06/story", text="Rossi signs."))
    assert b.published is None and b.date_partial == "2025-06"


@pytest.mark.parametrize(("item", "reason"), [
    (raw(text="   "), "empty-text"),
    (raw(text=" date 2025-07-01 "), "empty-text"),
    (raw(html="<html><body></body></html>"), "empty-text"),
    (raw(text="x" * (MAX_TEXT_CHARS + 1)), "text-too-long"),
])
def test_skips_carry_a_reason(item, reason):
    with pytest.raises(Skip) as exc:
        extract(item)
    assert exc.value.reason == reason


def test_every_field_is_storable():
    a = extract(raw(origin="f\udcff.txt", url="https://x.com/\ud800", text="T\x00ext", title="Ti\x00tle",
                    author="\udc80A", outlet="o\x00ut", external_id="i\x00d", extra={"k": "\x00\ud800"}))
    for v in (a.origin, a.url, a.text, a.title, a.author, a.outlet, a.external_id, str(a.extra)):
        v.encode("utf-8")
        assert "\x00" not in v
