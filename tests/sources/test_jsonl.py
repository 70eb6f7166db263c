"""JSONL archives (reliability row 11): every bad line is reported as file:line, the good ones are kept."""

from __future__ import annotations

import gzip
import json
import re
import shutil
from pathlib import Path

import pytest

from mercato.errors import BadArchiveLine, SourceError
from mercato.models import RawArticle
from mercato.sources import read_jsonl

BAD = Path(__file__).resolve().parent.parent / "data" / "bad_input"


def split(path: Path, **kw) -> tuple[list[RawArticle], dict[int, str]]:
    good, bad = [], {}
    for item in read_jsonl(path, **kw):
        if isinstance(item, SourceError):
            m = re.match(rf"{re.escape(str(path))}:(\d+): (.*)", str(item))
            assert m, f"error does not name file:line: {item}"
            bad[int(m.group(1))] = m.group(2)
        else:
            good.append(item)
    return good, bad


def test_truncated_last_line():
    good, bad = split(BAD / "truncated_last.jsonl")
    assert [g.external_id for g in good] == ["g1", "g2", "g3"]
    assert bad == {4: "truncated line"}


def test_bad_json_mid_file():
    good, bad = split(BAD / "bad_json_mid.jsonl")
    assert [g.external_id for g in good] == ["g1", "g2", "g3"]
    assert sorted(bad) == [2, 4, 5] and all("invalid JSON" in r for r in bad.values())
    assert [g.origin for g in good] == [f"{BAD / 'bad_json_mid.jsonl'}:{n}" for n in (1, 3, 6)]


def test_wrong_types_name_the_field():
    good, bad = split(BAD / "wrong_types.jsonl")
    assert [g.external_id for g in good] == ["g4", "g5"]
    assert sorted(bad) == list(range(1, 12))
    assert "'text' must be a string, got int" in bad[1]
    assert "'url' must be a string, got list" in bad[2]
    assert "no 'text'" in bad[3] and "no 'text'" in bad[4]
    assert "'id' must be a string, got bool" in bad[5]
    assert "'date'" in bad[6] and "'text'" in bad[7]
    assert all("expected a JSON object" in bad[n] for n in (8, 9, 10, 11))


def test_crlf_lines():
    good, bad = split(BAD / "crlf.jsonl")
    assert not bad and len(good) == 5
    assert all("\r" not in g.text for g in good)


def test_blank_lines_and_bom():
    good, bad = split(BAD / "blank_and_bom.jsonl")
    assert not bad and [g.external_id for g in good] == ["g1", "g2"]


def test_latin1_line_in_utf8_archive():
    good, bad = split(BAD / "mixed_encodings.jsonl")
    assert not bad
    assert "Il difensore è passato al Torino" in good[1].text


def test_duplicate_ids_are_read_as_given():
    good, bad = split(BAD / "duplicate_ids.jsonl")
    assert not bad and [g.external_id for g in good] == ["g1", "g1", "g1", "g3"]


def test_unknown_fields_kept_in_extra():
    good, _ = split(BAD / "nasty_strings.jsonl")
    n6 = [g for g in good if g.external_id == "n6"][0]
    assert n6.extra["lang"] == "en" and "extra_field" in n6.extra


def test_ten_megabyte_line_is_reported_and_skipped(tmp_path):
    path = tmp_path / "big.jsonl"
    with open(path, "wb") as f:
        f.write(json.dumps({"id": "a", "text": "before the big line"}).encode() + b"\n")
        f.write(json.dumps({"id": "big", "text": "x" * (10 * 1024 * 1024)}).encode() + b"\n")
        f.write(json.dumps({"id": "b", "text": "after the big line"}).encode() + b"\n")
    good, bad = split(path)
    assert [g.external_id for g in good] == ["a", "b"]
    assert list(bad) == [2] and "longer than" in bad[2]


@pytest.mark.parametrize("name", ["crlf.jsonl.gz", "archive.jsonl"])
def test_gzip_detected_by_magic(tmp_path, name):
    path = tmp_path / name
    path.write_bytes(gzip.compress((BAD / "crlf.jsonl").read_bytes()))
    good, bad = split(path)
    assert not bad and len(good) == 5


def test_truncated_gzip_keeps_what_was_read(tmp_path):
    data = gzip.compress(b"".join(
        json.dumps({"id": str(i), "text": f"line {i} " + "words " * 50}).encode() + b"\n" for i in range(2000)))
    path = tmp_path / "cut.jsonl.gz"
    path.write_bytes(data[: len(data) // 2])
    items = list(read_jsonl(path))
    good = [i for i in items if isinstance(i, RawArticle)]
    errors = [i for i in items if isinstance(i, SourceError)]
    assert 0 < len(good) < 2000
    assert [g.external_id for g in good] == [str(i) for i in range(len(good))]
    assert len(errors) == 1 and str(path) in str(errors[0]) and "unreadable" in str(errors[0])


def test_not_gzip_but_named_gz(tmp_path):
    path = tmp_path / "plain.jsonl.gz"
    shutil.copy(BAD / "crlf.jsonl", path)
    good, bad = split(path)
    assert len(good) == 5 and not bad


def test_start_and_stop_line():
    good, _ = split(BAD / "crlf.jsonl", start_line=2, stop_line=4)
    assert [g.external_id for g in good] == ["g2", "g3", "g4"]


def test_missing_archive(tmp_path):
    [err] = list(read_jsonl(tmp_path / "none.jsonl"))
    assert isinstance(err, SourceError) and "none.jsonl" in str(err)


def test_bad_lines_are_bad_archive_line():
    items = list(read_jsonl(BAD / "wrong_types.jsonl"))
    assert all(isinstance(i, BadArchiveLine) for i in items if isinstance(i, SourceError))
