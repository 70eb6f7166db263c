"""Language knowledge as data: cue lexicons from ``mercato/data/<lang>/*.toml``, compiled to one matcher.

Each language folder holds ``cues.toml`` (stages, modality, roles, topic, names), ``fees.toml`` ([fee]) and
``sources.toml`` ([attribution]); every ``*.toml`` of the folder is merged into one lexicon.

Every cue is written as it appears in text and folded like the text (anyascii, lowercase, punctuation to
spaces), so one matcher works for every script. A cue matches on a word start; it must also end on a word
end unless it ends in ``*`` (a stem: "trattativ*" matches "trattativa", "trattative"). The English file is
merged into every other language (English phrases travel: "here we go", "medical"), and languages without a
file read with English alone.
"""

from __future__ import annotations

import functools
import re
import tomllib
from collections.abc import Iterable
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path

from mercato.errors import UnderstandError
from mercato.understand.gazetteer import fold_key

STAGES = ("interest", "talks", "bid", "agreement", "medical", "done", "loan", "collapsed", "denied")
#: every list a cues.toml may hold, by section; a test validates each language's file against it
SCHEMA: dict[str, tuple[str, ...]] = {
    "stage": STAGES,
    "modality": ("negation", "hedge", "past", "future"),
    "roles": ("to", "from", "to_after", "from_after", "buyer", "seller", "player_of", "buyer_noun", "new_player",
              "nonplayer", "aux", "of", "suitors", "at"),
    "attribution": ("cue", "official", "journalist"),
    "fee": ("million", "thousand", "euro", "pound", "dollar", "salary", "clause", "asking", "loan_fee", "option",
            "addons", "upto", "total", "free", "years"),
    "topic": ("transfer", "match", "injury"),
    "names": ("stop", "particles", "endings"),
    "context": ("background",),
    # English cues this language does not take: its own function words spelled alike (Portuguese "no" = "in
    # the", Croatian "no" = "but"), which would negate or hedge every sentence
    "merge": ("skip_english",),
}


def _data_dir() -> Path:
    return Path(str(resources.files("mercato") / "data"))


#: matched separately: what a sentence asserts, and how names relate (a role phrase may contain a stage cue)
_LAYERS = (frozenset({"stage", "modality", "topic"}), frozenset({"roles", "fee", "attribution"}),
           frozenset({"context"}))  # background phrases, matched apart so they never hide a stage or role cue


@dataclass(frozen=True, slots=True)
class Cue:
    """One cue found in a folded text: ``start``/``end`` index the folded text."""

    start: int
    end: int
    kind: str  # "section.list", e.g. "stage.done", "roles.to"
    text: str


@dataclass
class _Node:
    """A node of the cue trie: the cue spelled by the path to it is an exact cue, a stem, or neither."""

    children: dict[str, _Node] = field(default_factory=dict)
    exact: bool = False
    stem: bool = False


def alternation(exact: Iterable[str], stems: Iterable[str] = ()) -> str:
    """A regex matching the longest of the folded ``exact`` keys that ends on a word end, or of the ``stems``
    with the rest of its word: ``key1(?![a-z0-9])|stem1[a-z0-9]*|…`` with the longest keys first, written as a
    trie (fast on large lists)."""
    return _trie_pattern(_trie(exact, stems))


def _trie(exact: Iterable[str], stems: Iterable[str]) -> _Node:
    root = _Node()
    for keys, attr in ((exact, "exact"), (stems, "stem")):
        for key in keys:
            node = root
            for ch in key:
                node = node.children.setdefault(ch, _Node())
            setattr(node, attr, True)
    return root


def _trie_pattern(node: _Node) -> str:
    """The regex of a trie: at each node the longer cues first, then the cue ending here (exact: at a word end;
    stem: with the rest of the word). The regex engine backtracks from the deepest node along the text, so the
    match is the longest cue that fits: the same as one alternative per cue, longest first, but each position
    of the text costs one branch per letter instead of one per cue."""
    alts = [re.escape(ch) + _trie_pattern(child) for ch, child in sorted(node.children.items())]
    if node.exact:
        alts.append(r"(?![a-z0-9])")
    if node.stem:
        alts.append(r"[a-z0-9]*")
    return alts[0] if len(alts) == 1 else "(?:" + "|".join(alts) + ")"


@dataclass
class Lexicon:
    """The compiled cues of one language (merged with English)."""

    lang: str
    lists: dict[str, list[str]] = field(default_factory=dict)
    _layers: list[tuple[re.Pattern[str], dict[str, list[str]], list[tuple[str, list[str]]]]] = field(
        default_factory=list)

    def words(self, kind: str) -> list[str]:
        return self.lists.get(kind, [])

    def compile(self) -> Lexicon:
        """One matcher per layer: what a sentence asserts (stage, modality, topic) and the rest (roles, fees,
        attribution) are matched separately, so a longer role phrase ("signed for") never hides a stage cue
        inside it ("signed")."""
        self._layers = []
        for layer in _LAYERS:
            exact: dict[str, list[str]] = {}
            stems: dict[str, list[str]] = {}
            for kind, cues in self.lists.items():
                if kind.startswith("names.") or kind.split(".", 1)[0] not in layer:
                    continue  # names are matched case-sensitively by the player finder
                for cue in cues:
                    stem = cue.endswith("*")
                    key = fold_key(cue[:-1] if stem else cue)
                    if not key:
                        continue
                    (stems if stem else exact).setdefault(key, []).append(kind)
            if exact or stems:
                # the character before the cue is matched, not looked behind at (``find`` puts a space in front of
                # the text): the regex engine then skips ahead to the next non-alphanumeric in C. Every cue ends on
                # an alphanumeric, so no match needs the character a previous match consumed.
                regex = re.compile(r"[^a-z0-9](" + alternation(exact, stems) + ")")
                self._layers.append((regex, exact, sorted(stems.items(), key=lambda kv: len(kv[0]), reverse=True)))
        return self

    @staticmethod
    def _kinds(matched: str, exact: dict[str, list[str]], stems: list[tuple[str, list[str]]]) -> list[str]:
        if matched in exact:
            return exact[matched]
        for key, kinds in stems:
            if matched.startswith(key):
                return kinds
        return []

    def find(self, folded: str) -> list[Cue]:
        """Every cue in a folded text (longest first at each position within a layer; one match may carry
        several kinds), in text order."""
        out = []
        padded = " " + folded
        for regex, exact, stems in self._layers:
            for m in regex.finditer(padded):
                matched = m.group(1)
                start, end = m.start(1) - 1, m.end(1) - 1
                for kind in self._kinds(matched, exact, stems):
                    out.append(Cue(start, end, kind, matched))
        out.sort(key=lambda c: (c.start, -c.end))
        return out


def _read(path: Path) -> dict[str, list[str]]:
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise UnderstandError(f"cannot read cue lexicon: {exc}", where=str(path)) from exc
    out: dict[str, list[str]] = {}
    for section, lists in data.items():
        if section == "meta":
            continue
        if section not in SCHEMA or not isinstance(lists, dict):
            raise UnderstandError(f"unknown section [{section}]; allowed: {', '.join(SCHEMA)}", where=str(path))
        for name, cues in lists.items():
            if name not in SCHEMA[section]:
                raise UnderstandError(f"unknown list {section}.{name}; allowed: {', '.join(SCHEMA[section])}",
                                      where=str(path))
            if not isinstance(cues, list) or not all(isinstance(c, str) and c.strip() for c in cues):
                raise UnderstandError(f"{section}.{name} must be a list of non-empty strings", where=str(path))
            out[f"{section}.{name}"] = list(cues)
    return out


def available_languages() -> list[str]:
    return sorted(p.parent.name for p in _data_dir().glob("*/cues.toml"))


@functools.lru_cache(maxsize=64)
def load(lang: str) -> Lexicon:
    """The lexicon of ``lang`` merged with English (English alone for languages without a file)."""
    base = _data_dir()
    lists = _read_dir(base / "en")
    own = base / lang
    if lang != "en" and own.is_dir():
        mine = _read_dir(own)
        skip = {fold_key(c.rstrip("*")) for c in mine.pop("merge.skip_english", [])}
        if skip:
            lists = {k: v if k.startswith("names.") else [c for c in v if fold_key(c.rstrip("*")) not in skip]
                     for k, v in lists.items()}
        for kind, cues in mine.items():
            lists[kind] = cues + [c for c in lists.get(kind, []) if c not in cues]
    return Lexicon(lang, lists).compile()


def _read_dir(folder: Path) -> dict[str, list[str]]:
    """Every ``*.toml`` of one language folder merged (``cues.toml``, ``fees.toml``, ``sources.toml``, ...)."""
    out: dict[str, list[str]] = {}
    for path in sorted(folder.glob("*.toml")):
        for kind, cues in _read(path).items():
            if kind in out:
                out[kind].extend(c for c in cues if c not in out[kind])
            else:
                out[kind] = list(cues)
    return out
