"""Names in other scripts to their usual Latin spelling, by per-script rules kept as data.

``data/translit/<script>.toml`` holds ordered ``[[rules]]`` tables: ``from`` (lowercase source letters),
``to`` (Latin), optional ``where`` (``start`` = at a word start, ``end`` = at a word end, ``inside`` = not at a
word start, ``any`` = default) and optional ``variant`` (Cyrillic: ``uk``, ``ru``, ``bg``, ``sr``; a variant is
chosen from the letters the text uses).  At each position the longest matching ``from`` wins; among rules of the
same length the first listed wins.  Hangul syllables are decomposed into jamo by Unicode arithmetic and the jamo
are looked up in ``hangul.toml`` (``initials``, ``medials``, ``finals`` arrays).  An optional ``post`` list of
``[from, to]`` pairs is applied to the Latin result (Hangul ``lr`` -> ``ll``).  Anything the rules do not cover
falls back to anyascii; Latin text is returned untouched.

    >>> to_latin("Τζο Γκόμεζ")
    'Jo Gomez'
"""

from __future__ import annotations

import functools
import logging
import tomllib
import unicodedata
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from anyascii import anyascii

from mercato.errors import UnderstandError

log = logging.getLogger(__name__)

__all__ = ["SCRIPTS", "script_of", "to_latin"]

SCRIPTS = ("greek", "cyrillic", "hangul", "arabic")
_WHERE = ("any", "start", "end", "inside")
_HANGUL_BASE, _HANGUL_LAST = 0xAC00, 0xD7A3


def _char_script(ch: str) -> str | None:
    if not ch.isalpha():
        return None
    code = ord(ch)
    if _HANGUL_BASE <= code <= _HANGUL_LAST or 0x1100 <= code <= 0x11FF or 0x3130 <= code <= 0x318F:
        return "hangul"
    name = unicodedata.name(ch, "")
    first = name.split(" ", 1)[0].lower()
    if first in ("latin", "greek", "cyrillic", "arabic", "hebrew", "malayalam", "devanagari", "thai", "tamil",
                 "georgian", "armenian", "hiragana", "katakana", "bengali"):
        return first
    if first == "cjk":
        return "han"
    return "other"


def script_of(text: str) -> str:
    """The main script of ``text``: 'latin', 'greek', 'cyrillic', 'hangul', 'arabic', … ('latin' if no letters)."""
    counts: dict[str, int] = {}
    for ch in text:
        script = _char_script(ch)
        if script:
            counts[script] = counts.get(script, 0) + 1
    if not counts:
        return "latin"
    return max(counts.items(), key=lambda kv: kv[1])[0]


@dataclass(frozen=True, slots=True)
class _Rule:
    source: str
    target: str
    where: str
    variant: str | None


@dataclass(frozen=True, slots=True)
class _Table:
    script: str
    rules: dict[str, list[_Rule]]  # keyed by first source letter, longest first, file order within a length
    variants: dict[str, str]  # letter -> variant it reveals (Cyrillic "і" -> "uk")
    default_variant: str | None
    hangul: dict[str, list[str]]
    post: tuple[tuple[str, str], ...] = ()  # plain replacements on the Latin result ("lr" -> "ll")


def _data_dir() -> Path:
    return Path(str(resources.files("mercato") / "data" / "translit"))


def load_table(path: Path) -> _Table:
    """Parse and check one rules file (raises UnderstandError naming the file)."""
    try:
        doc = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise UnderstandError(f"cannot read transliteration rules: {exc}", where=str(path)) from exc
    rules: dict[str, list[_Rule]] = {}
    for n, raw in enumerate(doc.get("rules", []), start=1):
        source, target = raw.get("from"), raw.get("to")
        where = raw.get("where", "any")
        if not isinstance(source, str) or not source or not isinstance(target, str):
            raise UnderstandError(f"rule {n} needs string 'from' and 'to'", where=str(path))
        if where not in _WHERE:
            raise UnderstandError(f"rule {n}: where={where!r}; allowed: {', '.join(_WHERE)}", where=str(path))
        rule = _Rule(source.lower(), target, where, raw.get("variant"))
        rules.setdefault(rule.source[0], []).append(rule)
    for bucket in rules.values():
        bucket.sort(key=lambda r: -len(r.source))  # stable: file order kept within one length
    hangul = {k: list(doc[k]) for k in ("initials", "medials", "finals") if k in doc}
    if hangul and [len(hangul.get(k, [])) for k in ("initials", "medials", "finals")] != [19, 21, 28]:
        raise UnderstandError("hangul tables need 19 initials, 21 medials, 28 finals", where=str(path))
    variants = {str(k): str(v) for k, v in doc.get("variant_letters", {}).items()}
    post = doc.get("post", [])
    if not all(isinstance(p, list) and len(p) == 2 and all(isinstance(x, str) for x in p) for p in post):
        raise UnderstandError("'post' must be a list of [from, to] string pairs", where=str(path))
    return _Table(
        doc.get("script", path.stem), rules, variants, doc.get("default_variant"), hangul, tuple(map(tuple, post))
    )


@functools.lru_cache(maxsize=1)
def _tables() -> dict[str, _Table]:
    tables = {}
    for path in sorted(_data_dir().glob("*.toml")):
        table = load_table(path)
        tables[table.script] = table
    return tables


def _is_letter(text: str, i: int) -> bool:
    return 0 <= i < len(text) and (text[i].isalpha() or unicodedata.category(text[i]).startswith("M"))


def _apply(text: str, table: _Table) -> str:
    variant = table.default_variant
    for ch in text.lower():
        if ch in table.variants:
            variant = table.variants[ch]
            break
    low = text.lower()
    out: list[str] = []
    i = 0
    while i < len(text):
        ch = low[i]
        if table.hangul and _HANGUL_BASE <= ord(text[i]) <= _HANGUL_LAST:
            out.append(_hangul_syllable(text[i], table.hangul))
            i += 1
            continue
        chosen: _Rule | None = None
        for rule in table.rules.get(ch, ()):
            if rule.variant and rule.variant != variant:
                continue
            if not low.startswith(rule.source, i):
                continue
            at_start = not _is_letter(text, i - 1)
            at_end = not _is_letter(text, i + len(rule.source))
            if (rule.where == "start" and not at_start) or (rule.where == "end" and not at_end):
                continue
            if rule.where == "inside" and at_start:
                continue
            chosen = rule
            break
        if chosen is None:
            out.append(text[i] if text[i].isascii() else anyascii(text[i]))
            i += 1
            continue
        target = chosen.target
        if target and text[i] != ch:  # source starts uppercase: capitalise
            target = target[0].upper() + target[1:]
        out.append(target)
        i += len(chosen.source)
    return "".join(out)


def _hangul_syllable(ch: str, tables: dict[str, list[str]]) -> str:
    offset = ord(ch) - _HANGUL_BASE
    initial, rest = divmod(offset, 21 * 28)
    medial, final = divmod(rest, 28)
    return tables["initials"][initial] + tables["medials"][medial] + tables["finals"][final]


def to_latin(name: str) -> str:
    """Latin spelling of ``name``: per-script rules, anyascii for the rest; Latin text is returned as is."""
    if not name or name.isascii():
        return name
    tables = _tables()
    out: list[str] = []
    # split into runs of one script so mixed text ("Віктор Gyökeres") keeps its Latin parts untouched
    run: list[str] = []
    run_script: str | None = None
    for ch in name:
        script = _char_script(ch)
        if script is None and run_script is not None:
            script = run_script  # spaces and punctuation stay inside the current run
        if script != run_script and run:
            out.append(_convert(run_script, "".join(run), tables))
            run = []
        run_script = script
        run.append(ch)
    if run:
        out.append(_convert(run_script, "".join(run), tables))
    result = "".join(out)
    if result != name:
        log.debug("transliterated %r -> %r", name, result)
    return result


def _convert(script: str | None, text: str, tables: dict[str, _Table]) -> str:
    if script in (None, "latin"):
        return text
    table = tables.get(script)
    if table is None:
        return anyascii(text)
    converted = _apply(text, table)
    for old, new in table.post:
        converted = converted.replace(old, new)
    if script == "hangul":  # Hangul is caseless: give names a capital like the Latin press does
        converted = " ".join(w[:1].upper() + w[1:] for w in converted.split(" "))
    return converted
