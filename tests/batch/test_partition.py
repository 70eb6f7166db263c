"""Byte-range partitions read exactly the lines, origins and errors the single-process reader gives."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import pytest

from mercato.batch.partition import count_lines, plan, read_partition
from mercato.errors import SourceError
from mercato.sources.jsonl import MAX_LINE_BYTES, read_jsonl


def _as_tuples(items) -> list[tuple]:
    out = []
    for it in items:
        if isinstance(it, SourceError):
            out.append(("error", type(it).__name__, str(it)))
        else:
            out.append(("raw", it.origin, it.external_id, it.text, it.url))
    return out


def _read_all(paths, target: int) -> list[tuple]:
    parts, errors = plan(paths, target_bytes=target)
    assert not errors
    got, line = [], 1
    for p in parts:
        if p.whole or p.start == 0:
            line = 1
        got.extend(read_partition(p, line))
        line += count_lines(p)
    return _as_tuples(got)


def _messy_archive(path: Path) -> Path:
    """Varied line lengths, blank lines, CRLF, a BOM, bad JSON, a wrong type and a truncated last line."""
    lines = []
    for i in range(40):
        obj = {"id": f"n{i}", "url": f"https://example.org/{i}", "text": "word " * (i * 7 % 53 + 1) + "é"}
        lines.append(json.dumps(obj, ensure_ascii=i % 2 == 0))
    lines[3] = "\ufeff" + lines[3]
    lines[5] = ""
    lines[9] = "{not json"
    lines[12] = json.dumps({"id": "x", "text": 5})
    lines[20] = lines[20] + "\r"
    body = "\n".join(lines) + "\n" + '{"id": "cut", "text": "trunc'
    path.write_bytes(body.encode("utf-8"))
    return path


@pytest.mark.parametrize("target", [1, 2, 3, 7, 31, 100, 257, 1000, 4096, 10**7])
def test_ranges_equal_the_single_reader(tmp_path, target):
    path = _messy_archive(tmp_path / "a.jsonl")
    want = _as_tuples(read_jsonl(path))
    assert any(w[0] == "error" for w in want) and sum(w[0] == "raw" for w in want) == 37
    assert _read_all([path], target) == want


def test_many_files_number_their_own_lines(tmp_path):
    a = _messy_archive(tmp_path / "a.jsonl")
    b = tmp_path / "b.jsonl"
    b.write_text("\n".join(json.dumps({"id": f"b{i}", "text": f"t {i}"}) for i in range(30)) + "\n")
    want = _as_tuples(list(read_jsonl(a)) + list(read_jsonl(b)))
    assert _read_all([a, b], 50) == want
    assert ("raw", f"{b}:30", "b29", "t 29", None) in want


def test_gzip_is_one_partition(tmp_path):
    plain = _messy_archive(tmp_path / "a.jsonl")
    gz = tmp_path / "a.jsonl.gz"
    gz.write_bytes(gzip.compress(plain.read_bytes()))
    parts, _ = plan([gz], target_bytes=10)
    assert len(parts) == 1 and parts[0].whole
    got = _as_tuples(read_partition(parts[0]))
    assert [g[1:3] for g in got if g[0] == "raw"] == [
        (w[1].replace("a.jsonl", "a.jsonl.gz"), w[2]) for w in _as_tuples(read_jsonl(plain)) if w[0] == "raw"]


def test_directories_and_missing_paths(tmp_path):
    d = tmp_path / "arch"
    (d / "sub").mkdir(parents=True)
    _messy_archive(d / "sub" / "z.jsonl")
    _messy_archive(d / "a.jsonl")
    (d / "notes.txt").write_text("not an archive")
    parts, errors = plan([d, tmp_path / "missing.jsonl"], target_bytes=10**6)
    assert [Path(p.path).name for p in parts] == ["a.jsonl", "z.jsonl"]
    assert len(errors) == 1 and "missing.jsonl" in str(errors[0]) and "no such file" in str(errors[0])


def test_a_line_over_the_cap_is_reported_and_skipped(tmp_path):
    path = tmp_path / "big.jsonl"
    good = json.dumps({"id": "g", "text": "fine"})
    with open(path, "wb") as f:
        f.write((good + "\n").encode())
        f.write(b'{"id": "huge", "text": "' + b"a" * (MAX_LINE_BYTES + 10) + b'"}\n')
        f.write((good.replace('"g"', '"h"') + "\n").encode())
    want = _as_tuples(read_jsonl(path))
    assert [w[0] for w in want] == ["raw", "error", "raw"] and want[1][2].endswith("bytes") and ":2:" in want[1][2]
    for target in (1024 * 1024, 3 * 1024 * 1024, 10**8):
        assert _read_all([path], target) == want
