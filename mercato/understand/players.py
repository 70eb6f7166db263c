"""Players: person-name spans (capitalised sequences in alphabetic scripts, transliterated to Latin), filtered
by stop lists and the clubs and outlets found, then grouped so a surname alone joins its full name."""

from __future__ import annotations

import functools
import re
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path

from mercato.understand.gazetteer import fold_key as _fold_key
from mercato.understand.skeletons import CASELESS

#: words and names recur across articles: their folds are kept
fold_key = functools.lru_cache(maxsize=1 << 16)(_fold_key)

_APOS_SUFFIX = re.compile(r"['’][a-zçğıöşü]{1,5}$")  # Turkish case endings: "Yılmaz'ın", "Sane'nin"
_ELISION = re.compile(r"[a-z]{1,5}['’](?=[^\W\d_])(?=[^a-z])")  # "d'Ounahi", "dell’Arabia"
_TOKEN = re.compile(r"[^\W\d_][\w’'\-.]*[^\W_]|[^\W\d_]")


@dataclass
class Player:
    name: str  # best full name (Latin script)
    key: str  # folded full name
    surname: str  # folded last token
    mentions: list[tuple[int, int]] = field(default_factory=list)  # original offsets
    written_full: bool = True  # False: the text names him by one word only, the full name is known elsewhere

    @property
    def first(self) -> int:
        return self.mentions[0][0] if self.mentions else 0


def _strip_token(tok: str) -> str:
    """A token without a Turkish case ending (after an apostrophe) and trailing punctuation."""
    if "'" in tok or "’" in tok:
        tok = _APOS_SUFFIX.sub("", tok)
    return tok.rstrip(".'’-")


def _token(m: re.Match) -> tuple[int, int, str]:
    """A token's offsets and text, without an elided article or preposition in front of a capital
    ("d'Ounahi", "dell'Inter": the name begins after the apostrophe)."""
    tok = m.group(0)
    el = _ELISION.match(tok)
    if el:
        return m.start() + el.end(), m.end(), _strip_token(tok[el.end():])
    return m.start(), m.end(), _strip_token(tok)


def _is_cap(tok: str) -> bool:
    ch = tok[0]
    return ch.isupper() or (ch.isalpha() and not ch.islower() and not ch.isupper())


@functools.cache
def _not_players() -> frozenset[str]:
    """Folded names of stadiums, competitions, places and non-playing people (``data/not_players.tsv``)."""
    path = Path(str(resources.files("mercato") / "data" / "not_players.tsv"))
    out = set()
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            out.add(fold_key(line.split("\t")[0]))
    return frozenset(out)


@functools.cache
def _not_players_words() -> int:
    """The most words of a name in ``data/not_players.tsv``."""
    return max((len(b.split(" ")) for b in _not_players()), default=0)


def _is_blocked_name(key: str) -> bool:
    """``key`` (folded: single spaces, stripped) holds a not-player name as whole words."""
    blocked = _not_players()
    words = key.split(" ")
    most = _not_players_words()
    return any(" ".join(words[i:j]) in blocked for i in range(len(words))
               for j in range(i + 1, min(len(words), i + most) + 1))


@functools.cache
def _lookup():
    """simplemma's dictionary lookup, memory-frugal (front-coded streams: ~12 MB a language instead of ~100 MB)
    and with room for every language (its default keeps 8 and reloads the rest, seconds per article on a
    multilingual stream)."""
    from simplemma.strategies.dictionaries.stream_dictionary_factory import StreamDictionaryFactory
    from simplemma.strategies.dictionary_lookup import DictionaryLookupStrategy

    return DictionaryLookupStrategy(StreamDictionaryFactory(cache_max_size=128))


@functools.cache
def _has_dictionary(lang: str) -> bool:
    try:
        _lookup().get_lemma("test", lang)
    except Exception:  # noqa: BLE001 - a language simplemma lacks: no dictionary filter
        return False
    return True


@functools.lru_cache(maxsize=1 << 15)
def _is_common(word: str, lang: str) -> bool:
    """simplemma knows the word as written and in lower case (a front-coded lookup costs ~20 µs; names and
    capitalised words recur across articles, so answers are kept)."""
    lookup = _lookup()
    return lookup.get_lemma(word, lang) is not None and lookup.get_lemma(word.lower(), lang) is not None


def _dictionary(lang: str | None) -> Callable[[str], bool]:
    """Is a word a common word of ``lang``? (simplemma's dictionaries; False when the language is unknown)"""
    if not lang or not _has_dictionary(lang):
        return lambda w: False
    return functools.partial(_is_common, lang=lang)


@functools.cache
def first_names() -> frozenset[str]:
    """Folded given names (``data/first_names.txt``); empty when the file is absent."""
    path = Path(str(resources.files("mercato") / "data" / "first_names.txt"))
    if not path.is_file():
        return frozenset()
    return frozenset(fold_key(x) for x in path.read_text(encoding="utf-8").splitlines()
                     if x.strip() and not x.startswith("#"))


def trim_name(words: list[str], known: Callable[[str], bool], particles: set[str]) -> list[str]:
    """Drop dictionary words in front of a name ("Spitzenreiter Enzo Fernandez"); nothing left when every
    word is a common word and the first is no given name ("Bisheriger Rekordhalter", "Mundial de Clubes")."""
    words = [w[2:] if len(w) > 3 and w[1] in "'’" and w[0] in "LlDd" else w for w in words]  # "L'Inter"
    given = first_names()
    while len(words) > 2 and fold_key(words[0]) not in given and known(words[0]):
        words = words[1:]
    if given and fold_key(words[0]) not in given and all(w.lower() in particles or known(w) for w in words):
        return []
    while words and words[0].lower() in particles:
        words = words[1:]
    return words


def _greek_nominative(latin: str) -> str:
    """A Greek given name in the genitive or accusative drops its final -s ("Παναγιώτη Ρέτσου"): given back
    when the name with it is a known given name ("Panagioti" → "Panagiotis")."""
    parts = latin.split()
    given = first_names()
    if fold_key(parts[0]) not in given and fold_key(parts[0] + "s") in given:
        parts[0] += "s"
    return " ".join(parts)


def find_players(text: str, blocked: list[tuple[int, int]], stop: set[str], particles: set[str],
                 roles: set[str] | None = None, lang: str | None = None,
                 surnames: dict[str, str] | None = None, endings: tuple[str, ...] = ()) -> list[Player]:
    """Name spans of ``text`` outside ``blocked`` spans (clubs, outlets); full names first, surnames joined.
    ``surnames`` (folded surname → registry name) lets a surname alone stand for a known player. Names the
    player knowledge base knows take its spelling; a mononym or a surname alone it knows is a player; a run of
    capitalised words keeps the known name inside it; ``endings`` (folded case endings of the language) are
    tried off a word to find a known surname ("Modrića")."""
    from mercato.understand.knowledge import knowledge
    from mercato.understand.transliterate import script_of, to_latin

    kb = knowledge()
    known = _unless_known(_dictionary(lang), kb, endings)
    glue = _glue(stop, known, kb)

    blocked_at = set()
    for s, e in blocked:
        blocked_at.update(range(s, e))
    toks = [_token(m) for m in _TOKEN.finditer(text)]
    spans: list[tuple[int, int, list[str]]] = []
    cur: list[tuple[int, int, str]] = []

    def flush() -> None:
        while cur and cur[-1][2].lower() in particles:
            cur.pop()
        if cur:
            spans.append((cur[0][0], cur[-1][1], [t for _, _, t in cur]))
        cur.clear()

    prev_end = -1
    for s, e, t in toks:
        gap = text[prev_end:s] if prev_end >= 0 else " "
        ok = (_is_cap(t) and t not in stop and t.lower() not in stop and s not in blocked_at
              and len(t) > 1 and not t.isupper())
        if cur and gap.strip() not in ("", "-") :
            flush()
        if ok or cur and t.lower() in particles and gap.strip() == "":
            cur.append((s, e, t))
        elif cur:
            flush()
        prev_end = e
    flush()
    players: dict[str, Player] = {}
    singles: list[tuple[int, int, str]] = []
    roles = roles or set()
    narrowed: set[str] = set()
    for s, e, words in spans:
        if script_of(words[0]) in CASELESS:  # no capitals: only names the knowledge base knows
            _caseless(text, s, words, players)
            continue
        if script_of(words[0]) == "hangul" and _korean(text, s, words, players):
            continue  # a Korean player's name in the run: the rest is the words around it
        while len(words) > 1 and fold_key(words[0]) in roles:  # "Angreifer Nicolas Jackson"
            s = text.index(words[1], s)
            words = words[1:]
        inside = _known_inside(words, kb, glue, endings)
        if len(inside) == 1 < len(words):
            narrowed.add(fold_key(to_latin(inside[0])))  # a known surname after glue words ("Nonostante X")
        s, words = _narrowed(text, s, words, inside)
        if len(words) > 4:
            continue
        trimmed = trim_name(words, known, particles)
        if not trimmed:
            continue
        s, words = _narrowed(text, s, words, trimmed)
        latin = " ".join(to_latin(w) for w in words)
        if len(words) > 1 and script_of(words[0]) == "greek":
            latin = _greek_nominative(latin)
        if _is_blocked_name(fold_key(latin)):
            continue
        if len(words) == 1:
            singles.append((s, e, latin))
            continue
        latin = _canonical(latin, kb, endings, script_of(words[-1]) != "latin")
        key = fold_key(latin)
        p = players.get(key)
        if p is None:
            p = players[key] = Player(latin, key, key.split()[-1])
        p.mentions.append((s, e))
    by_surname: dict[str, list[Player]] = {}
    for p in players.values():
        by_surname.setdefault(p.surname, []).append(p)
        for tok in p.key.split()[:-1]:  # "Kolo Muani": "Kolo" alone also refers to him
            if len(tok) > 3:
                by_surname.setdefault(tok, []).append(p)
    alone = Counter(fold_key(latin) for _s, _e, latin in singles)
    for s, e, latin in singles:
        k = fold_key(latin)
        cands = by_surname.get(k)
        if not cands:
            cands = [p for p in players.values() if _close(k, p.surname)]
        if len(cands) >= 1:
            cands[0].mentions.append((s, e))
        elif surnames and k in surnames:
            full = surnames[k]
            fk = fold_key(full)
            p = players.get(fk)
            if p is None:
                p = players[fk] = Player(full, fk, fk.split()[-1])
                by_surname.setdefault(k, []).append(p)
            p.mentions.append((s, e))
        elif (full := _known_single(latin, k, kb, known, endings, alone[k] >= 2)) is not None:
            fk = fold_key(full)
            p = players.get(fk)
            if p is None:
                p = players[fk] = Player(full, fk, fk.split()[-1], written_full=False)
                by_surname.setdefault(k, []).append(p)
            p.mentions.append((s, e))
        elif (alone[k] >= 2 or k in narrowed) and (sur := _shared_surname(latin, k, kb, known, endings)):
            # a surname several known players carry ("Greenwood", "Milinković-Savić"), written alone more
            # than once (or after glue words): a player, named by the surname
            p = players.get(sur)
            if p is None:
                p = players[sur] = Player(latin if sur == k else _surname_spelling(kb, sur), sur,
                                          sur.split()[-1], written_full=False)
                by_surname.setdefault(k, []).append(p)
            p.mentions.append((s, e))
    for p in players.values():
        p.mentions.sort()
    return sorted(players.values(), key=lambda p: p.first)


#: Korean particles written onto the word before them (topic, subject, object, genitive, place, with, to)
_HANGUL_PARTICLES = ("에서", "으로", "에게", "은", "는", "이", "가", "을", "를", "의", "에", "와", "과", "도", "로")


def _narrowed(text: str, start: int, words: list[str], part: list[str]) -> tuple[int, list[str]]:
    """A span's words narrowed to ``part`` (a run inside them), with the start moved to where it begins."""
    if part == words:
        return start, words
    try:
        start = text.index(part[0], start)
    except ValueError:
        pass
    return start, part


def _caseless(text: str, start: int, words: list[str], players: dict[str, Player]) -> None:
    """The players a run of words in a script without capitals names, by consonant skeleton (:mod:`.skeletons`)."""
    from mercato.understand.skeletons import index
    from mercato.understand.transliterate import to_latin

    idx = index()
    pos, prev = start, None
    for w in words:
        ws = text.find(w, pos)
        if ws < 0:
            ws = pos
        we = ws + len(w)
        pos = we
        forms = [w] + [w[:-len(x)] for x in _HANGUL_PARTICLES if w.endswith(x) and len(w) > len(x) + 1]
        name = None
        for f in forms:  # Korean writes its particles onto the name ("가르나초는")
            latin = to_latin(f)
            name = idx.name(prev, latin)
            if name:
                break
        prev = to_latin(forms[-1])
        if name:
            key = fold_key(name)
            p = players.get(key)
            if p is None:
                p = players[key] = Player(name, key, key.split()[-1])
            p.mentions.append((ws, we))


def _korean(text: str, start: int, words: list[str], players: dict[str, Player]) -> bool:
    """The Korean players of the knowledge base a run of Hangul words names ("손흥민은" → Son Heung-min, its
    particle off), by :class:`~.skeletons.KoreanIndex`; False when it names none."""
    from mercato.understand.skeletons import korean_index

    idx = korean_index()
    pos, found = start, False
    for w in words:
        ws = text.find(w, pos)
        ws = pos if ws < 0 else ws
        pos = ws + len(w)
        for f in [w] + [w[:-len(x)] for x in _HANGUL_PARTICLES if w.endswith(x) and len(w) > len(x) + 1]:
            name = idx.name(f)
            if name:
                key = fold_key(name)
                p = players.get(key)
                if p is None:
                    p = players[key] = Player(name, key, key.split()[-1])
                p.mentions.append((ws, ws + len(f)))
                found = True
                break
    return found


def name_words(text: str) -> set[str]:
    """Folded words of ``text`` that a registry surname could make a player of (a superset of the single
    names :func:`find_players` looks up in ``surnames``)."""
    from mercato.understand.transliterate import to_latin

    out = set()
    for m in _TOKEN.finditer(text):
        t = _strip_token(m.group(0))
        if len(t) > 1 and _is_cap(t):
            k = fold_key(to_latin(t))
            if len(k) >= 4:
                out.add(k)
    return out


def _close(a: str, b: str) -> bool:
    """Inflected or differently transliterated surname ("Gomes"/"Gomez", "Sanéye")."""
    if len(a) < 4 or len(b) < 4:
        return False
    if a.startswith(b) and len(a) - len(b) <= 3:
        return True
    from rapidfuzz.distance import Levenshtein

    return Levenshtein.distance(a, b) <= 1 and a[:3] == b[:3]


def _unless_known(known: Callable[[str], bool], kb, endings: tuple[str, ...]) -> Callable[[str], bool]:
    """The dictionary test, except for the surname or mononym of a player of note (a dictionary may list
    "Szoboszlainak")."""
    def test(word: str) -> bool:
        if not known(word):
            return False
        base = kb.uninflect(fold_key(word), endings)
        p = base and (kb.by_surname(base) or kb.by_mononym(base))
        return not (p and p.noted)
    return test


def _glue(stop: set[str], known: Callable[[str], bool], kb) -> Callable[[str], bool]:
    """Is a capitalised word glued to a name rather than part of it? A stop word, a country, or a common word
    that is no given name ("Hoewel Højlund", "Croatia Luka Modrić", "Confirm Florian Wirtz Signing")."""
    given = first_names()

    def glue(word: str) -> bool:
        k = fold_key(word)
        return (word in stop or word.lower() in stop or k in kb.nations
                or (k not in given and k not in kb.mono and known(word)))
    return glue


def _known_inside(words: list[str], kb, glue: Callable[[str], bool], endings: tuple[str, ...]) -> list[str]:
    """The known name inside a run of capitalised words: the run itself when the knowledge base knows it (or
    knows nothing in it); else the longest known full name in it; else a known surname or mononym at its end
    when every word before it is glue."""
    n = len(words)
    if n < 2:
        return words
    keys = [fold_key(w) for w in words]
    if kb.by_name(" ".join(keys)):
        return words
    for size in range(n - 1, 1, -1):
        for i in range(n - size + 1):
            if kb.by_name(" ".join(keys[i:i + size])):
                return words[i:i + size]
    last = kb.uninflect(keys[-1], endings) if keys[-1] else None
    if last and (kb.is_surname(last) or kb.by_mononym(last)) and all(glue(w) for w in words[:-1]) \
            and not any(_alike(k, f) for k in keys[:-1] for f in kb.first_of.get(last, ())):
        return words[-1:]
    return words


def _alike(a: str, b: str) -> bool:
    """Two folded given names alike enough to be one spelled two ways ("leni", "leny")."""
    from rapidfuzz.distance import JaroWinkler

    return a == b or (len(a) >= 3 and JaroWinkler.similarity(a, b) >= 0.85)


def _canonical(latin: str, kb, endings: tuple[str, ...], transliterated: bool = False) -> str:
    """A full name in the knowledge base's spelling ("Rasmus Hojlund" → "Rasmus Højlund"); an inflected one
    ("Luku Modrića") too, when its surname comes back with an ending and its first name starts alike; a
    misspelt or ``transliterated`` one ("Fakounto Pelistri") when one known name is clearly the closest."""
    key = fold_key(latin)
    p = kb.by_name(key)
    if p:
        return _spelled(p.name, latin)
    words = key.split()
    if endings and len(words) >= 2:
        sur = kb.uninflect(words[-1], endings)
        if sur and sur != words[-1]:
            cands = {c.name for c in kb.surname.get(sur, ()) if fold_key(c.name).split()[0][:3] == words[0][:3]}
            if len(cands) == 1:
                return cands.pop()
    near = kb.nearest(key, loose=transliterated)
    return near.name if near is not None else latin


def _spelled(name: str, surface: str) -> str:
    """The knowledge base's name, each word of it that has no diacritic written as the text has it when the
    text's word folds alike and has them ("Sebastian Szymanski" read as "Szymański")."""
    seen = {fold_key(w): w for w in surface.split()}
    out = []
    for w in name.split():
        t = seen.get(fold_key(w))
        out.append(t if t and w.isascii() and not t.isascii() else w)
    return " ".join(out)


def _known_single(latin: str, key: str, kb, known: Callable[[str], bool], endings: tuple[str, ...],
                  repeated: bool = False) -> str | None:
    """The name a single word stands for when the knowledge base knows it: a mononym or known-as name
    ("Pedri"), or a surname (perhaps inflected) one player of note carries ("Højlund", "Modrića"); never a
    common word of the language, nor a given name (unless a player of note goes by it alone, or the text
    writes it alone more than once: "Antony")."""
    if len(key) < 4 or known(latin):
        return None
    p = kb.by_mononym(key)
    if p and (p.noted or repeated or key not in first_names()):
        return p.name
    sur = kb.uninflect(key, endings)
    if sur and sur not in first_names():  # "Antonio", "Michael" alone: a given name, not a surname
        p = kb.by_surname(sur)
        if p:
            return p.name
    return None


def _shared_surname(latin: str, key: str, kb, known: Callable[[str], bool], endings: tuple[str, ...]) -> str | None:
    """The folded surname of players of the knowledge base a single word is (perhaps inflected), unless it is a
    common word of the language, a given name or a country."""
    if len(key) < 5 or known(latin) or key in first_names() or key in kb.nations:
        return None
    sur = kb.uninflect(key, endings)
    return sur if sur and kb.is_surname(sur) else None


def _surname_spelling(kb, sur: str) -> str:
    """The knowledge base's spelling of a folded surname ("modric" → "Modrić")."""
    return kb.surname[sur][0].name.split()[-1]
