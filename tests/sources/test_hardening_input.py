"""Hostile input the outside probe found (issue 13, point 8): deep nesting, implausible dates, over-long fields,
internationalised host names. Bad lines are rejected with ``file:line`` and a reason, good lines kept, dropped or
capped fields counted by reason, and no traceback reaches the user."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from mercato.extract import MAX_CHARS, extract
from mercato.extract.text import title_from_text
from mercato.interfaces.cli import app
from mercato.models import RawArticle
from mercato.sources import read_jsonl
from mercato.stats import RunStats

REPO = Path(__file__).resolve().parents[2]
TEXT = "Chelsea are in talks with Crystal Palace to sign Marc Guéhi for €50m."


def mercato(*args: str, timeout: float = 180) -> subprocess.CompletedProcess:
    """The CLI of this checkout in a subprocess, as a user runs it (stderr included)."""
    env = {**os.environ, "PYTHONPATH": str(REPO), "COLUMNS": "200"}
    return subprocess.run([sys.executable, "-c", "from mercato.interfaces.cli import main; main()", *args],
                          capture_output=True, text=True, timeout=timeout, env=env, cwd=str(REPO))


def good(i: int, **extra) -> str:
    return json.dumps({"id": f"g{i}", "url": f"https://example.com/n/{i}", "outlet": "Example",
                       "text": f"{TEXT} Report number {i}.", **extra}, ensure_ascii=False)


def nested_archive(path: Path) -> Path:
    lines = [
        good(1),
        "[" * 1100 + "]" * 1100,  # the whole line nested 1,100 deep
        good(2),
        json.dumps({"id": "d1", "text": TEXT})[:-1] + ', "x": ' + "[" * 1100 + "]" * 1100 + "}",
        good(3),
        json.dumps({"id": "d2", "text": TEXT})[:-1] + ', "x": ' + "[" * 700 + "]" * 700 + "}",  # 500–900 deep
        good(4),
        json.dumps({"id": "d3", "text": TEXT})[:-1] + ', "x": ' + '{"a": ' * 300 + "1" + "}" * 300 + "}",
        good(5),
    ]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


# -- nesting ----------------------------------------------------------------------------------------------------

def test_deeply_nested_lines_are_rejected_by_line_and_the_rest_kept(tmp_path):
    path = nested_archive(tmp_path / "nested.jsonl")
    items = list(read_jsonl(path))
    kept = [i.external_id for i in items if isinstance(i, RawArticle)]
    bad = {str(i) for i in items if not isinstance(i, RawArticle)}
    assert kept == ["g1", "g2", "g3", "g4", "g5"]
    assert bad == {f"{path}:{n}: JSON nested deeper than 64 levels" for n in (2, 4, 6, 8)}


def test_ingest_of_a_nested_archive_keeps_good_lines_without_traceback(tmp_path):
    path = nested_archive(tmp_path / "nested.jsonl")
    proc = mercato("ingest", str(path), "--no-understand", "--db", str(tmp_path / "n.db"), "--json")
    assert "Traceback" not in proc.stderr and len(proc.stderr.splitlines()) < 20, proc.stderr[-3000:]
    assert proc.returncode == 1  # rejects: exit 1
    out = json.loads(proc.stdout)
    assert (out["added"], out["rejected"]) == (5, 4)
    assert f"{path}:2: JSON nested deeper than 64 levels" in out["errors"]


def test_batch_of_a_nested_archive_keeps_good_lines(tmp_path):
    pytest.importorskip("dask.distributed")
    path = nested_archive(tmp_path / "nested.jsonl")
    res = CliRunner().invoke(app, ["batch", str(path), "--workers", "1", "--db", str(tmp_path / "b.db"), "--json"])
    out = json.loads(res.stdout)
    assert (out["added"], out["rejected"]) == (5, 4), res.output
    assert f"{path}:4: JSON nested deeper than 64 levels" in out["errors"]


# -- dates ------------------------------------------------------------------------------------------------------

def extracted(stats: RunStats, **fields) -> object:
    with stats.active():
        return extract(RawArticle(origin="t:1", text=fields.pop("text", TEXT), **fields))


@pytest.mark.parametrize(("given", "reason"), [("9999-12-31", "implausible"), ("0001-01-01", "implausible"),
                                               ("1989-12-31", "implausible"), ("2025-02-30", "impossible"),
                                               ("yesterday", "unreadable")])
def test_implausible_dates_are_dropped_and_counted(given, reason):
    stats = RunStats()
    a = extracted(stats, date=given, url="https://example.com/news/story")
    assert a.published is None and a.text  # the article is kept, the date dropped
    assert stats.to_dict()["reasons"] == {f"dropped/date/{reason}": 1}


def test_a_good_date_is_kept_and_an_implausible_one_falls_back_to_the_text_marker():
    stats = RunStats()
    assert extracted(stats, date="2025-07-01").published == "2025-07-01"
    assert extracted(stats, date="9999-12-31", text=" date 2025-08-02 " + TEXT).published == "2025-08-02"
    assert extracted(stats, text=" date 0001-01-01 " + TEXT).published is None
    assert stats.to_dict()["reasons"] == {"dropped/date/implausible": 2}


def test_ingest_counts_dropped_dates_and_a_saga_does_not_span_millennia(tmp_path):
    path = tmp_path / "dates.jsonl"
    path.write_text("\n".join([good(1, date="9999-12-31"), good(2, date="0001-01-01"), good(3, date="2025-02-30"),
                               good(4, date="2025-07-01")]) + "\n", encoding="utf-8")
    db = str(tmp_path / "d.db")
    res = CliRunner().invoke(app, ["ingest", str(path), "--no-understand", "--db", db, "--json"])
    assert res.exit_code == 0, res.output
    out = json.loads(res.stdout)
    assert out["added"] == 4
    assert out["reasons"] == {"dropped/date/implausible": 2, "dropped/date/impossible": 1}
    listed = json.loads(CliRunner().invoke(app, ["articles", "list", "--json", "--db", db]).stdout)
    assert sorted(a["date"] or "" for a in listed) == ["", "", "", "2025-07-01"]


# -- field lengths ----------------------------------------------------------------------------------------------

def test_over_long_fields_are_capped_and_counted(tmp_path):
    stats = RunStats()
    a = extracted(stats, outlet="O" * 100_000, title="T" * 5000, author="A" * 5000, external_id="i" * 1000,
                  url="https://example.com/" + "p" * 10_000)
    assert len(a.outlet) == MAX_CHARS["outlet"] and len(a.title) == MAX_CHARS["title"]
    assert len(a.author) == MAX_CHARS["author"] and len(a.external_id) == MAX_CHARS["external_id"]
    assert a.url is None  # a cut URL would point elsewhere: dropped
    assert stats.to_dict()["reasons"] == {f"capped/{f}": 1 for f in ("outlet", "title", "author", "external_id",
                                                                      "url")}


def test_ingest_of_a_100_kb_outlet_stores_it_capped(tmp_path):
    path = tmp_path / "long.jsonl"
    path.write_text(good(1, outlet="Ω" * 100_000) + "\n", encoding="utf-8")
    db = str(tmp_path / "l.db")
    out = json.loads(CliRunner().invoke(app, ["ingest", str(path), "--no-understand", "--db", db, "--json"]).stdout)
    assert out["added"] == 1 and out["reasons"] == {"capped/outlet": 1}
    listed = json.loads(CliRunner().invoke(app, ["articles", "list", "--json", "--db", db]).stdout)
    assert listed[0]["outlet"] == "Ω" * MAX_CHARS["outlet"]


# -- internationalised host names -------------------------------------------------------------------------------

@pytest.mark.parametrize("url", ["https://☃.net/story", "https://xn--zz.com/story", "https://ελληνικά..gr/story",
                                 "https://١٢٣.com/story"])
def test_an_invalid_internationalised_host_is_one_line_naming_the_input(tmp_path, url):
    proc = mercato("ingest", url, "--no-understand", "--db", str(tmp_path / "i.db"))
    assert proc.returncode == 1
    assert "Traceback" not in proc.stderr and "crashed" not in proc.stderr, proc.stderr
    err = " ".join(proc.stderr.split())
    assert f"rejected: {url}: host name" in err and "not a valid internationalised domain name" in err


def test_a_valid_internationalised_host_is_accepted_as_input():
    from mercato.sources.addresses import check_url

    assert check_url("https://Ελληνικά.gr/άρθρο")[1] == "ελληνικά.gr"


# -- titles -----------------------------------------------------------------------------------------------------

def test_title_marker_stripped_and_missing_title_from_the_first_sentence():
    stats = RunStats()
    assert extracted(stats, title=" date 2026-01-19 Guéhi to Chelsea").title == "Guéhi to Chelsea"
    a = extracted(stats, text=" date 2026-01-19 Chelsea have agreed a fee with Crystal Palace for Marc Guéhi. "
                              "The defender will have a medical on Monday.")
    assert a.title == "Chelsea have agreed a fee with Crystal Palace for Marc Guéhi"
    assert a.published == "2026-01-19"
    long = extracted(stats, text="Word " * 100 + ". Second sentence.").title
    assert long and len(long) <= 120 and long.startswith("Word Word") and not long.endswith(" ")


def test_a_derived_title_does_not_change_the_revision_hash():
    stats = RunStats()
    a = extracted(stats, text=TEXT)
    import hashlib

    assert a.title and a.content_hash == hashlib.sha256(("\n" + a.text).encode()).hexdigest()


def test_title_from_text_skips_month_markers_and_ordinals():
    assert title_from_text(" date 2025-06 Dans le Mercato. Suite") == "Dans le Mercato"
    assert title_from_text("Süper Lig'de 16. sırada yer alan takım. Yeni cümle") == "Süper Lig'de 16. sırada yer alan takım"
    assert title_from_text("   \n  ") is None


def test_the_extract_copy_of_what_the_reader_skips_matches_the_understanding():
    """A derived title must be found by the understanding at the start of the text (else it would read the first
    sentence twice): extract mirrors ``normalize.clean`` without importing it."""
    from mercato.extract import text as ex
    from mercato.understand import normalize

    assert (ex._READER_MARK.pattern, ex._READER_MARK.flags) == (normalize._DATE_MARK.pattern,
                                                                normalize._DATE_MARK.flags)
    assert (ex._READER_BOILER.pattern, ex._READER_BOILER.flags) == (normalize._BOILER.pattern,
                                                                    normalize._BOILER.flags)
    sample = " date 2025-06-01 FOTO: x\nGetty Images\nChelsea sign Guéhi. date 2025-06 More.\n\n\nAnzeige\n"
    assert ex.reader_view(sample) == normalize.clean(sample)
