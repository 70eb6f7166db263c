"""What reads across articles, recomputed so that it depends on what the store holds, not on arrival order.

Every claim keeps the reader's own reading (``claims.raw_*``). After new first readings are stored:

1. the player registry is the function of every first reading's names (canonical Latin-script names, counted
   by articles, shown in their most frequent spelling);
2. a claimless article is read again with the registry surnames found among its words
   (``article_names``) whenever that set changes -- back to its first reading when it becomes empty;
3. each claim's player is its raw name resolved against the registry (or the raw name), recomputed for every
   claim a registry change may move;
4. the buyer/seller reading of every claim of an affected player is reconciled from the *raw* clubs of all
   that player's claims (:mod:`mercato.understand.links`), or reverts to its raw reading.

Each step only touches what its inputs changed; the result is the same whatever the batches and their order.
"""

from __future__ import annotations

import logging
from collections import Counter, defaultdict
from collections.abc import Sequence

from mercato.errors import MercatoError
from mercato.models import Article

log = logging.getLogger(__name__)


def _reader():
    """The pipeline's reader: the one set by ``pipeline.use_reader`` (cross-validation's fold models), else the
    shared one."""
    from mercato import pipeline

    return pipeline._reader()


def name_words(a: Article) -> list[str]:
    """The words of a (claimless) article a registry surname could turn into a player."""
    from mercato.understand import normalize
    from mercato.understand.players import name_words as words

    text = normalize.clean(a.text or "")
    return sorted(words((a.title or "") + "\n" + text))


def wanted_registry(rows: Sequence[tuple[str, str, str | None, str]]) -> dict[str, tuple[str, int]]:
    """The registry learned from first readings (raw name, raw key, lang, article): key → (name, articles).

    A key is registered when one of its names is canonical; its count is the articles naming it, its name the
    most frequent canonical spelling (ties: the first in sort order)."""
    from mercato.understand.registry import PlayerRegistry

    articles: dict[str, set[str]] = defaultdict(set)
    spellings: dict[str, Counter] = defaultdict(Counter)
    for name, key, lang, article in rows:
        if not key:
            continue
        articles[key].add(article)
        if PlayerRegistry.is_canonical(name, lang):
            spellings[key][name] += 1
    return {k: (min(c.items(), key=lambda kv: (-kv[1], kv[0]))[0], len(articles[k]))
            for k, c in sorted(spellings.items())}


def _registry(names: dict[str, tuple[str, int]]):
    from mercato.understand.registry import PlayerRegistry

    return PlayerRegistry(v for _k, v in sorted(names.items()))


def refresh_registry(store) -> tuple[object, set[str], set[str]]:
    """Make the stored registry the function of the first readings; returns the registry, whether any name
    or count changed (the keys) and the surnames whose registry name changed."""
    before = store.registry_rows()
    wanted = wanted_registry(store.first_reading_names())
    changed = store.sync_players(wanted)
    registry = _registry(wanted)
    if not changed:
        return registry, set(), set()
    old, new = _registry(before).surnames(), registry.surnames()
    moved = {k for k in set(old) | set(new) if old.get(k) != new.get(k)}
    return registry, changed, moved


def reread(store, keys: Sequence[str], moved: set[str], surnames: dict[str, str], lost: set[str]) -> list[str]:
    """Read again the claimless first readings among ``keys`` or holding a surname in ``moved``, when the
    registry surnames among their words differ from those they were last read with. Returns those read (and
    adds the players of the claims they replace to ``lost``)."""
    todo = store.first_claimless(keys, moved)
    if not todo:
        return []
    last = store.reread_with(list(todo))
    want = {k: {w: surnames[w] for w in words if w in surnames} for k, words in todo.items()}
    redo = sorted(k for k in todo if want[k] != last.get(k, {}))
    if not redo:
        return []
    lost.update(store.player_keys_of(redo))
    reader = _reader()
    items, second = [], {}
    for a, revision in store.articles_by_keys(redo):
        try:
            u = reader.read(a, surnames=want[a.key] or None)
        except MercatoError as exc:
            log.warning("second reading failed for %s: %s", a.key, exc)
            continue
        except Exception:  # noqa: BLE001 - logged; the reading stored stays
            log.exception("second reading crashed on %s", a.key)
            continue
        items.append((u, revision))
        if want[a.key]:
            second[a.key] = want[a.key]
    store.save_understanding(items, names={u.article_key: todo[u.article_key] for u, _ in items}, second=second)
    return [u.article_key for u, _ in items]


def resolve_names(store, registry, keys: Sequence[str], everything: bool) -> tuple[list[str], set[str]]:
    """Give each claim its raw name resolved against the registry (every claim a registry change may move
    when ``everything``, else the claims of ``keys``). Returns the articles renamed and the player keys they
    left."""
    rows = store.claims_for_names(None if everything else keys)
    if everything and keys:
        seen = {(r[0], r[1]) for r in rows}
        rows += [r for r in store.claims_for_names(keys) if (r[0], r[1]) not in seen]
    from mercato.store.understanding import player_key

    changes, left = [], set()
    for key, idx, raw, lang, current in rows:
        new = registry.resolve(raw, lang) or raw
        if new != current:
            changes.append((key, idx, new))
            left.add(player_key(current))
    store.rename_claim_players(changes)
    return sorted({k for k, _i, _n in changes}), left


def reconcile_links(store, players: set[str]) -> list[str]:
    """Every claim of these players gets the buyer/seller that reconciling the raw readings of all their
    claims gives (:mod:`mercato.understand.links`); returns the articles whose claims changed."""
    from mercato.understand.links import reconcile

    rows = store.link_evidence(players)
    decided = {(k, i): (to, frm) for k, i, to, frm in reconcile(r[:6] for r in rows)}
    changes = []
    for key, idx, _pk, raw_to, raw_from, _ev, to_club, from_club in rows:
        want = decided.get((key, idx), (raw_to, raw_from))
        if want != (to_club, from_club):
            changes.append((key, idx, *want))
    store.set_claim_clubs(changes)
    return sorted({k for k, *_ in changes})


def settle(store, keys: Sequence[str], lost: set[str] | None = None) -> list[str]:
    """After these articles' first readings were stored: registry, second readings, names, links. ``lost``:
    the player keys of the claims those readings replaced (a revised article's). Returns every article key
    whose claims may have changed (these and older ones) for the stories to update."""
    keys = sorted(set(keys))
    before = set(lost or ())
    registry, changed, moved = refresh_registry(store)
    surnames = registry.surnames()
    read_again = reread(store, keys, moved, surnames, before)
    fresh = sorted(set(keys) | set(read_again))
    renamed, left = resolve_names(store, registry, fresh, everything=bool(changed))
    touched = sorted(set(fresh) | set(renamed))
    players = store.player_keys_of(touched) | left | before
    relinked = reconcile_links(store, players)
    return sorted(set(touched) | set(relinked))
