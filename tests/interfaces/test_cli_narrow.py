"""`mercato board` in narrow terminals (COLUMNS=100 and 60), run as a user would in a subprocess: every line fits,
no word is broken, and the short id printed is accepted by `mercato saga`."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from typing import Any

import pytest
from rich.cells import cell_len

from tests.interfaces.conftest import REPO, open_store


def mercato(*args: str, columns: int = 100) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(REPO), "COLUMNS": str(columns), "LINES": "50", "NO_COLOR": "1"}
    env.pop("MERCATO_DB", None)
    return subprocess.run([sys.executable, "-c", "from mercato.interfaces.cli import main; main()", *args],
                          capture_output=True, text=True, timeout=120, env=env, cwd=str(REPO))


@pytest.fixture(scope="module")
def db(tmp_path_factory: pytest.TempPathFactory) -> str:
    """Sample sagas with long names and clubs (and a few with markup in them)."""
    from mercato.interfaces.web.sample import write_sample

    path = tmp_path_factory.mktemp("narrow") / "narrow.db"
    store = open_store(path)
    write_sample(store, 24, seed=7, prefix="sample")
    write_sample(store, 6, seed=11, prefix="hostile", hostile=True)
    store.close()
    return str(path)


def _rows(out: str) -> list[list[str]]:
    """The body rows of a rich table: the cells between the │ separators."""
    return [[c.strip() for c in line.strip().strip("│").split("│")] for line in out.splitlines()
            if line.startswith("│")]


def _header(out: str) -> list[str]:
    line = next(x for x in out.splitlines() if x.startswith("┃"))
    return [c.strip() for c in line.strip().strip("┃").split("┃")]


@pytest.mark.parametrize("columns", [100, 60])
def test_board_fits_the_terminal_and_its_short_ids_open_the_saga(db: str, columns: int) -> None:
    sagas = {s["id"]: s for s in json.loads(mercato("board", "--json", "--limit", "100", "--db", db).stdout)}
    res = mercato("board", "--limit", "100", "--db", db, columns=columns)
    assert res.returncode == 0, res.stderr
    lines = res.stdout.splitlines()
    assert all(cell_len(line) <= columns for line in lines), [x for x in lines if cell_len(x) > columns]
    header = _header(res.stdout)
    assert header[0] == "id" and "player" in header
    rows = _rows(res.stdout)
    assert len(rows) == len(sagas)  # one line per saga: nothing wrapped onto a second line
    players = {s["player"] for s in sagas.values()}
    seen: dict[str, Any] = {}
    for row in rows:
        short, player = row[0], row[header.index("player")]
        assert len(short) < 12
        # a name is whole or cut at its end with an ellipsis, never folded mid-word onto the next line
        assert player in players or (player.endswith("…") and any(p.startswith(player[:-1]) for p in players))
        seen[short] = player
    # every short id printed opens its saga (a sample of them, each a subprocess)
    for short, player in list(seen.items())[:: max(1, len(seen) // 6)]:
        opened = mercato("saga", short, "--json", "--db", db)
        assert opened.returncode == 0, opened.stderr
        saga = json.loads(opened.stdout)
        assert saga["id"] in sagas
        assert player.rstrip("…") and saga["player"].startswith(player.rstrip("…"))
    if columns == 60:  # the low-value columns went first; the key ones stayed
        assert "langs" not in header and "sources" not in header
        assert {"id", "player", "status"} <= set(header) and ("likelihood" in header or "%" in header)


def test_board_shows_every_column_when_wide(db: str) -> None:
    res = mercato("board", "--limit", "5", "--db", db, columns=200)
    assert _header(res.stdout) == ["id", "player", "from", "to", "status", "likelihood", "last report", "sources",
                                   "langs"]


def test_saga_refuses_unknown_and_ambiguous_short_ids_in_one_line(db: str) -> None:
    amb = mercato("saga", "sample-00", "--db", db)
    assert amb.returncode == 1 and "Traceback" not in amb.stderr
    assert "ambiguous" in amb.stderr and "'sample-00'" in amb.stderr and "sample-0000" in amb.stderr
    unknown = mercato("saga", "nothing-like-this", "--db", db)
    assert unknown.returncode == 1 and "no saga 'nothing-like-this'" in unknown.stderr
    short = mercato("saga", "abc", "--db", db)
    assert short.returncode == 1 and "at least 6 characters" in short.stderr
    # the full id still works
    assert json.loads(mercato("saga", "sample-0003", "--json", "--db", db).stdout)["id"] == "sample-0003"



@pytest.mark.parametrize("columns", [100, 60])
def test_saga_and_outlets_fit_the_terminal(db: str, columns: int) -> None:
    res = mercato("saga", "sample-0003", "--db", db, columns=columns)
    assert res.returncode == 0, res.stderr
    lines = res.stdout.splitlines()
    assert all(cell_len(line) <= columns for line in lines), [x for x in lines if cell_len(x) > columns]
    header = _header(res.stdout)
    assert {"date", "stage", "evidence"} <= set(header)
    # the evidence wraps between words: joined back, each row's text is the stored sentence
    saga = json.loads(mercato("saga", "sample-0003", "--json", "--db", db).stdout)
    at = header.index("evidence")
    timeline = res.stdout.split("┏", 1)[1].split("└", 1)[0]  # the first table (the "why" table follows)
    text = " ".join(row[at] for row in _rows(timeline) if row[at])
    for e in saga["timeline"]:
        assert (e.get("evidence") or e.get("title")) in text
    res = mercato("outlets", "--db", db, columns=columns)
    assert res.returncode == 0, res.stderr
    assert all(cell_len(line) <= columns for line in res.stdout.splitlines())
    names = {r["source"] for r in json.loads(mercato("outlets", "--json", "--db", db).stdout)}
    shown = [row[0] for row in _rows(res.stdout)]
    assert len(shown) == len(names)  # one line per outlet
    assert all(s in names or (s.endswith("…") and any(n.startswith(s[:-1]) for n in names)) for s in shown)
