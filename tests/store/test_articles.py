"""The articles repository on SQLite and on a real PostgreSQL: add / unchanged / revised, lookups, search."""

from __future__ import annotations

import pytest

from mercato.extract import extract
from mercato.models import RawArticle
from mercato.store import Store


def art(n: int, text: str | None = None, *, url: str | None = "default", title: str | None = None, **kw):
    url = f"https://news.example.com/2025/07/0{n % 9 + 1}/story-{n}" if url == "default" else url
    return extract(RawArticle(origin=f"test:{n}", url=url, text=text or f"Player {n} close to a move, story {n}.",
                              title=title, external_id=str(n), **kw))


@pytest.fixture
def store(store_url):
    s = Store.open(store_url)
    yield s
    s.close()


def test_add_then_unchanged_then_revised_keeps_every_revision(store):
    first = art(1, "Rossi is close to Juventus.")
    assert [o.status for o in store.add_articles([first])] == ["added"]
    assert [o.status for o in store.add_articles([first])] == ["unchanged"]
    second = art(1, "Rossi has signed for Juventus.")
    assert second.key == first.key and second.content_hash != first.content_hash
    out = store.add_articles([second])
    assert (out[0].status, out[0].revision) == ("revised", 2)
    # an older text seen again is nothing new and does not roll the article back
    assert [o.status for o in store.add_articles([first])] == ["unchanged"]
    assert store.get_article(first.key).text == "Rossi has signed for Juventus."
    revs = store.revisions(first.key)
    assert [r["revision"] for r in revs] == [1, 2]
    assert [r["text"] for r in revs] == ["Rossi is close to Juventus.", "Rossi has signed for Juventus."]
    assert store.count("articles") == 1 and store.count("article_revisions") == 2


def test_same_key_twice_in_one_batch(store):
    a, b = art(2, "First text."), art(2, "Second text.")
    out = store.add_articles([a, a, b])
    assert [o.status for o in out] == ["added", "unchanged", "revised"]
    assert store.count("articles") == 1
    assert store.get_article(a.key).text == "Second text."


def test_batch_outcomes_are_in_input_order(store):
    arts = [art(i) for i in range(30)]
    store.add_articles(arts[::2])
    out = store.add_articles(arts)
    assert [o.key for o in out] == [a.key for a in arts]
    assert [o.status for o in out] == ["unchanged" if i % 2 == 0 else "added" for i in range(30)]
    assert store.count("articles") == 30


def test_get_by_key_prefix_external_id_and_url(store):
    a = art(3)
    b = art(4)
    store.add_articles([a, b])
    assert store.get_article(a.key).key == a.key
    assert store.get_article(a.key[:12]).key == a.key
    assert store.get_article("3").key == a.key  # external id
    assert store.get_article(a.url).key == a.key
    assert store.get_article(a.canonical_url).key == a.key
    assert store.get_article("u:") is None  # too short / ambiguous prefix
    assert store.get_article("no-such-thing") is None
    assert store.get_article("u:%") is None  # LIKE wildcards are literal
    got = store.articles_by_keys([b.key, "missing", a.key])
    assert [x[0].key for x in got] == [b.key, a.key] and [x[1] for x in got] == [1, 1]


def test_round_trip_keeps_fields(store):
    a = art(5, "Testo con accenti: Šeško, Højlund, Gyökeres.", title="Titolo", author="A. Rossi",
            extra={"lang": "it", "n": [1, 2]})
    store.add_articles([a])
    b = store.get_article(a.key)
    assert b == a


def test_search_is_literal_never_sql(store):
    store.add_articles([art(i) for i in range(5)])
    store.add_articles([art(99, "He said ' OR 1=1-- in the interview, 100% sure.")])
    assert len(store.list_articles(limit=100)) == 6
    hits = store.list_articles(q="' OR 1=1--")
    assert [a.external_id for a in hits] == ["99"]
    assert store.list_articles(q="'; DROP TABLE articles; --") == []
    assert [a.external_id for a in store.list_articles(q="100%")] == ["99"]
    assert [a.external_id for a in store.list_articles(q="%")] == ["99"]  # literal: only texts containing it
    assert store.list_articles(q="_") == []
    assert store.list_articles(q="\\") == []
    assert store.count("articles") == 6


def test_list_filters_pages_and_orders_newest_first(store):
    arts = [art(i) for i in range(12)]
    store.add_articles(arts)
    listed = store.list_articles(limit=100)
    dates = [a.published for a in listed]
    assert dates == sorted(dates, reverse=True)
    page1, page2 = store.list_articles(limit=5), store.list_articles(limit=5, offset=5)
    assert not {a.key for a in page1} & {a.key for a in page2}
    assert {a.outlet for a in store.list_articles(outlet="news.example.com", limit=100)} == {"news.example.com"}
    assert store.list_articles(outlet="other.example.com") == []
    assert [a.key for a in store.iter_articles(batch=5)] == sorted(a.key for a in arts)


def test_articles_without_url_are_keyed_by_text(store):
    a = art(6, "No URL here, just a text.", url=None)
    assert a.key.startswith("h:")
    store.add_articles([a])
    assert [o.status for o in store.add_articles([art(6, "No URL here, just a text.", url=None)])] == ["unchanged"]


def test_runs_are_recorded(store):
    run = store.start_run("ingest x")
    store.finish_run(run, {"added": 3})
    assert store.count("runs") == 1


def test_stats_counts(store):
    store.add_articles([art(i) for i in range(3)])
    s = store.stats()
    assert s["articles"] == 3 and s["revisions"] == 3
    assert s["top_outlets"] == {"news.example.com": 3}
