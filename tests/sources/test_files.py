"""Files and directories (reliability rows 9 and 10): odd encodings are read, odd paths are refused by name."""

from __future__ import annotations

import os
import threading
from pathlib import Path

import pytest

from mercato.errors import SourceError
from mercato.extract import extract
from mercato.models import RawArticle
from mercato.sources import read_paths

BAD = Path(__file__).resolve().parent.parent / "data" / "bad_input"


def read_all(*paths, timeout: float = 10.0) -> list[RawArticle | SourceError]:
    """read_paths in a thread, failing (not hanging) when it does not finish in time."""
    out: list = []
    th = threading.Thread(target=lambda: out.extend(read_paths(list(paths))), daemon=True)
    th.start()
    th.join(timeout)
    assert not th.is_alive(), f"reading {paths} hung"
    return out


def one_error(path: Path) -> SourceError:
    [item] = read_all(path)
    assert isinstance(item, SourceError), item
    assert str(path) in str(item)
    return item


@pytest.mark.parametrize(("name", "must_contain"), [
    ("latin1.txt", "Müller è vicino al Bayern"),
    ("cp1252.txt", "Ødegaard deal agreed"),
    ("cp1252.txt", "fee €50m"),
    ("utf16_bom.txt", "Le défenseur a signé à Lyon pour 12 M€."),
    ("utf16be_bom.txt", "L'attaquant rejoint Nice"),
    ("invalid_utf8.txt", "El delantero está cerca del Sevilla"),
    ("utf8_bom.txt", "Der Stürmer wechselt für 30 Mio. € nach Dortmund."),
    ("c1_controls.txt", "The winger  joins Porto on loan."),
])
def test_encodings_become_valid_utf8(name, must_contain):
    [raw] = read_all(BAD / name)
    assert isinstance(raw, RawArticle), raw
    a = extract(raw)
    a.text.encode("utf-8")  # no lone surrogates
    assert must_contain in a.text
    assert not any(ord(c) < 32 and c not in "\n\t" or 0x7F <= ord(c) <= 0x9F for c in a.text)
    assert "\ufeff" not in a.text


def test_mislabelled_html_is_decoded():
    [raw] = read_all(BAD / "mislabelled.html")
    assert isinstance(raw, RawArticle) and raw.html
    a = extract(raw)
    assert "reconocimiento médico" in a.text and "Múnich" in a.text


def test_directory_is_walked_in_order_skipping_hidden(tmp_path):
    (tmp_path / "b").mkdir()
    (tmp_path / "b" / "2.txt").write_text("Second article text here.")
    (tmp_path / "a.txt").write_text("First article text here.")
    (tmp_path / ".hidden.txt").write_text("never read")
    (tmp_path / ".git").mkdir()
    (tmp_path / ".git" / "x.txt").write_text("never read")
    items = read_all(tmp_path)
    assert [Path(i.origin).name for i in items] == ["a.txt", "2.txt"]


def test_fifo_is_refused_without_hanging(tmp_path):
    fifo = tmp_path / "pipe.txt"
    os.mkfifo(fifo)
    assert "FIFO" in str(one_error(fifo))
    (tmp_path / "ok.txt").write_text("A normal article next to the FIFO.")
    items = read_all(tmp_path)  # inside a directory too
    assert sorted(type(i).__name__ for i in items) == ["RawArticle", "SourceError"]


def test_dev_zero_is_refused():
    assert "device" in str(one_error(Path("/dev/zero")))


def test_symlinks(tmp_path):
    target = tmp_path / "real.txt"
    target.write_text("Article behind a symlink.")
    link = tmp_path / "link.txt"
    link.symlink_to(target)
    [raw] = read_all(link)
    assert isinstance(raw, RawArticle) and raw.origin == str(link)
    fifo = tmp_path / "fifo"
    os.mkfifo(fifo)
    to_fifo = tmp_path / "to_fifo.txt"
    to_fifo.symlink_to(fifo)
    assert "FIFO" in str(one_error(to_fifo))
    broken = tmp_path / "broken.txt"
    broken.symlink_to(tmp_path / "nowhere")
    assert "broken symlink" in str(one_error(broken))
    loop = tmp_path / "loop.txt"
    loop.symlink_to(loop)
    assert "cannot read" in str(one_error(loop))
    to_dev = tmp_path / "zero.txt"
    to_dev.symlink_to("/dev/zero")
    assert "device" in str(one_error(to_dev))


def test_binary_files_are_refused(tmp_path):
    png = tmp_path / "image.txt"
    png.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 8)
    assert "binary" in str(one_error(png))
    elf = tmp_path / "program.html"
    elf.write_bytes(b"\x7fELF\x02\x01\x01\x00" + os.urandom(4096))
    assert "binary" in str(one_error(elf))


def test_huge_file_is_refused_by_size(tmp_path):
    huge = tmp_path / "huge.txt"
    with open(huge, "wb") as f:
        f.truncate(25 * 1024 * 1024)  # sparse: costs no disk
    err = one_error(huge)
    assert "too large" in str(err) and "limit" in str(err)


def test_empty_and_missing_files(tmp_path):
    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"  \n\n")
    assert "empty" in str(one_error(empty))
    assert "no such file" in str(one_error(tmp_path / "missing.txt"))


def test_text_file_title_and_html_sniffing(tmp_path):
    t = tmp_path / "story.txt"
    t.write_text("Rossi joins Milan\nThe deal was agreed this morning.\n")
    [raw] = read_all(t)
    assert raw.title == "Rossi joins Milan" and raw.html is None
    h = tmp_path / "page.txt"
    h.write_text("<!DOCTYPE html><html><body><p>Hello</p></body></html>")
    [raw] = read_all(h)
    assert raw.html and raw.text is None


def test_file_name_not_utf8(tmp_path):
    name = os.fsencode(tmp_path) + b"/caf\xe9.txt"
    with open(name, "wb") as f:
        f.write(b"An article whose file name is Latin-1.")
    [raw] = read_all(tmp_path)
    a = extract(raw)
    a.origin.encode("utf-8")  # the origin is storable although the name is not UTF-8
