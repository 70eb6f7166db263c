"""Build the player knowledge base ``mercato/data/players.tsv`` from open data (CC0, openfootball).

Sources (bare git mirrors; the commit read is recorded in ``mercato/data/README.md``):

* ``openfootball/players`` — country files ``<continent>/<country>/<cc>.players.txt``
  (``Name, POS, height, b. D Mon YYYY @ place``) and ``europe/players.up.txt`` (``Name | Alias, b. YYYY``);
* ``openfootball/euro`` — ``<year>--<host>/squads/*.txt`` (``n, Name, POS, caps/goals, b. YYYY, Club (CTY)``);
* ``openfootball/copa-america`` — the same squad format.

Squad lines join their player on nationality, birth year and folded name (equal, or one name's words inside
the other's: "Alisson" / "Alisson Becker"); a joined player gets the squad's club (latest tournament first) and
the tournament in ``note`` (a player of note). Squad players missing from the player files are added.

usage: python scripts/build_players.py [--players DIR] [--euro DIR] [--copa DIR] [--out PATH]
"""

from __future__ import annotations

import argparse
import re
import subprocess
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from mercato.understand.folding import fold_key

MIRROR = Path("/work/.mirror")
OUT = Path(__file__).resolve().parent.parent / "mercato" / "data" / "players.tsv"

_PLAYER = re.compile(r"^\s*(?P<name>[^,]+?)\s*,\s*(?P<pos>[GDMF|]*)\s*,\s*[-0-9. m]*,\s*"
                     r"b\.\s*(?P<day>\d{1,2}) (?P<mon>[A-Z][a-z]{2}) (?P<year>\d{4})")
_SQUAD = re.compile(r"^\s*\d+,\s*(?P<name>[^,]+?)\s*,\s*(?P<pos>[A-Z]{2}),\s*\d+/\d+\s*,\s*b\. (?P<year>\d{4}),"
                    r"\s*(?P<club>.+?)\s*(?:\((?P<cty>[A-Z]{3})\))?\s*$")
_ALIAS = re.compile(r"^\s*(?P<a>[^|#]+?)\s*\|\s*(?P<b>[^,#]+?)\s*,\s*b\. (?P<year>\d{4})")
_MONTHS = {m: i for i, m in enumerate(["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"], 1)}
_POS = {"GK": "G", "DF": "D", "MF": "M", "FW": "F"}
#: spellings a name is also written with: German-style umlauts and Nordic letters, "dj" for "đ"
_ALT = str.maketrans({"ä": "ae", "Ä": "Ae", "æ": "ae", "Æ": "Ae", "ö": "oe", "Ö": "Oe", "ø": "oe", "Ø": "Oe",
                      "œ": "oe", "ü": "ue", "Ü": "Ue", "å": "aa", "Å": "Aa", "ß": "ss", "đ": "dj", "Đ": "Dj"})


@dataclass
class Entry:
    name: str
    birth: str  # YYYY-MM-DD or YYYY
    pos: str
    nat: str
    known_as: list[str] = field(default_factory=list)
    club: str = ""
    note: list[str] = field(default_factory=list)

    @property
    def year(self) -> str:
        return self.birth[:4]


def git_files(repo: Path, pattern: str) -> tuple[str, dict[str, str]]:
    """The commit of HEAD and the text of every file whose path matches ``pattern``."""
    def git(*args: str) -> str:
        return subprocess.run(["git", f"--git-dir={repo}", *args], check=True, capture_output=True,
                              text=True).stdout

    commit = git("rev-parse", "HEAD").strip()
    paths = [p for p in git("ls-tree", "-r", "--name-only", "HEAD").splitlines() if re.search(pattern, p)]
    return commit, {p: git("show", f"HEAD:{p}") for p in sorted(paths)}


def _clean_name(raw: str) -> tuple[str, list[str]]:
    """A name without its quoted nickname, and the nickname as a known-as name."""
    nick = re.findall(r'"([^"]+)"', raw)
    name = re.sub(r'\s*"[^"]+"\s*', " ", raw).strip()
    return re.sub(r"\s+", " ", name), nick


def read_players(files: dict[str, str]) -> list[Entry]:
    out = []
    for path, text in files.items():
        if path.startswith("attic/") or not path.endswith(".players.txt"):
            continue
        nat = ""
        for line in text.splitlines():
            if line.startswith("="):
                if line.strip("= "):
                    nat = line.strip("= ").strip()
                continue
            m = _PLAYER.match(line)
            if not m:
                continue
            name, nick = _clean_name(m["name"])
            birth = f"{m['year']}-{_MONTHS[m['mon']]:02d}-{int(m['day']):02d}"
            out.append(Entry(name, birth, m["pos"].replace("|", "/"), nat, nick))
    return out


def read_aliases(files: dict[str, str]) -> dict[tuple[str, str], str]:
    """(folded name, birth year) → known-as name, from ``players.up.txt``."""
    out = {}
    for path, text in files.items():
        if not path.endswith("players.up.txt"):
            continue
        for line in text.splitlines():
            m = _ALIAS.match(line)
            if m:
                out[(fold_key(m["a"]), m["year"])] = m["b"]
                out[(fold_key(m["b"]), m["year"])] = m["a"]
    return out


def read_squads(files: dict[str, str], tag: str) -> list[tuple[str, Entry]]:
    """(tournament tag, entry) for every squad line; the tag is ``<tag><yy>`` ("euro24")."""
    out = []
    for path, text in files.items():
        m = re.match(r"(\d{4})--", path)
        if not m or "/squads/" not in path:
            continue
        event = f"{tag}{m.group(1)[2:]}"
        nat = ""
        for line in text.splitlines():
            if line.startswith("="):
                if line.strip("= "):
                    nat = line.strip("= ").split(" - ")[0].strip()
                continue
            s = _SQUAD.match(line)
            if s:
                name, nick = _clean_name(s["name"])
                out.append((event, Entry(name, s["year"], _POS.get(s["pos"], s["pos"]), nat, nick,
                                         club=s["club"].strip())))
    return out


def _words(name: str) -> set[str]:
    return set(fold_key(name).split())


def join(players: list[Entry], squads: list[tuple[str, Entry]]) -> list[Entry]:
    """Squad entries onto players (birth year + nationality + folded name), latest tournament first."""
    by_year: dict[str, list[Entry]] = defaultdict(list)
    for p in players:
        by_year[p.year].append(p)
    added = []
    for event, s in sorted(squads, key=lambda es: es[0][-2:], reverse=True):
        sw = _words(s.name)
        cands = [p for p in by_year[s.year] if p.nat == s.nat and sw and (sw <= _words(p.name) or _words(p.name) <= sw)]
        exact = [p for p in cands if _words(p.name) == sw]
        cands = exact or cands
        if len(cands) != 1:
            cands = [p for p in added if p.year == s.year and p.nat == s.nat and _words(p.name) == sw]
            if not cands:
                s.note.append(event)
                added.append(s)
                continue
        p = cands[0]
        if event not in p.note:
            p.note.append(event)
        if not p.club:
            p.club = s.club
        if fold_key(s.name) != fold_key(p.name) and s.name not in p.known_as:
            p.known_as.append(s.name)
        for k in s.known_as:
            if k not in p.known_as:
                p.known_as.append(k)
    return players + added


def spellings(name: str) -> list[str]:
    """Folded spellings of a name besides its plain fold (Højlund → hoejlund; Đurić → djuric)."""
    plain = fold_key(name)
    alt = fold_key(name.translate(_ALT))
    return [alt] if alt != plain else []


def write(entries: list[Entry], out: Path) -> None:
    entries.sort(key=lambda e: (fold_key(e.name), e.birth))
    lines = ["# name\tknown_as\tbirth\tpos\tnat\tclub\tnote\tspellings  (built by scripts/build_players.py; "
             "see README.md)"]
    for e in entries:
        alts = spellings(e.name) + [s for k in e.known_as for s in spellings(k)]
        cols = [e.name, "|".join(e.known_as), e.birth, e.pos, e.nat, e.club, " ".join(e.note), "|".join(alts)]
        lines.append("\t".join(c.replace("\t", " ") for c in cols))
    out.write_text("\n".join(lines) + "\n", encoding="utf-8")


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--players", type=Path, default=MIRROR / "openfootball+players" / "repo")
    ap.add_argument("--euro", type=Path, default=MIRROR / "openfootball+euro" / "repo")
    ap.add_argument("--copa", type=Path, default=MIRROR / "openfootball+copa-america" / "repo")
    ap.add_argument("--out", type=Path, default=OUT)
    args = ap.parse_args()
    c_players, pfiles = git_files(args.players, r"\.players\.txt$|players\.up\.txt$")
    players = read_players(pfiles)
    aliases = read_aliases(pfiles)
    for p in players:
        a = aliases.get((fold_key(p.name), p.year))
        if a and a not in p.known_as:
            p.known_as.append(a)
    squads = []
    commits = {"players": c_players}
    for tag, repo in (("euro", args.euro), ("copa", args.copa)):
        commits[tag], files = git_files(repo, r"^20(2[1-9])--[^/]+/squads/")
        squads += read_squads(files, tag)
    entries = join(players, squads)
    write(entries, args.out)
    noted = sum(1 for e in entries if e.note)
    print(f"{len(entries)} players ({noted} in a squad) → {args.out}")
    for k, v in commits.items():
        print(f"  {k}: {v}")


if __name__ == "__main__":
    main()
