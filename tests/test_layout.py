"""The house rules that can be checked: imports flow downstream, public names, CLI help documented."""

from __future__ import annotations

import ast
import pathlib

import mercato

ROOT = pathlib.Path(mercato.__file__).parent
# Pipeline order; a stage may import earlier stages and the shared top-level modules, never later ones.
ORDER = ["sources", "extract", "understand", "stories", "store", "follow", "batch", "interfaces"]
SHARED = {"models", "errors", "settings", "stats", "data", "testing"}


def _stage(module: str) -> str | None:
    parts = module.split(".")
    if parts[0] != "mercato" or len(parts) < 2:
        return None
    return parts[1]


def _imports(path: pathlib.Path) -> list[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    out = []
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            out.append(node.module)
        elif isinstance(node, ast.Import):
            out.extend(a.name for a in node.names)
    return out


def test_imports_flow_downstream() -> None:
    bad = []
    for path in ROOT.rglob("*.py"):
        rel = path.relative_to(ROOT)
        here = rel.parts[0] if len(rel.parts) > 1 else rel.stem
        if here not in ORDER:
            continue
        for mod in _imports(path):
            there = _stage(mod)
            if there is None or there in SHARED or there == here:
                continue
            if there in ("pipeline", "evaluation", "feeding"):  # assemblers: they sit after every stage
                if here in ("interfaces", "batch"):
                    continue
                bad.append(f"{rel} imports {mod} (the runner sits after every stage)")
            elif there in ORDER and ORDER.index(there) > ORDER.index(here):
                bad.append(f"{rel} imports {mod} (upstream)")
    assert not bad, "\n".join(bad)


def test_all_lists_the_public_names_in_order() -> None:
    public = {n for n in vars(mercato) if not n.startswith("_") and n[0].isupper()}
    assert set(mercato.__all__) == public
    assert list(mercato.__all__) == sorted(mercato.__all__)


def test_every_cli_command_has_help_and_is_documented() -> None:
    import typer.main

    from mercato.interfaces.cli import app

    group = typer.main.get_command(app)
    docs = (ROOT.parent / "README.md").read_text(encoding="utf-8")
    for path in (ROOT.parent / "docs").glob("*.md"):
        docs += path.read_text(encoding="utf-8")
    missing_help, undocumented = [], []
    for name, cmd in group.commands.items():  # type: ignore[attr-defined]
        if not (cmd.help or "").strip():
            missing_help.append(name)
        if f"mercato {name}" not in docs:
            undocumented.append(name)
    assert not missing_help, f"commands without help: {missing_help}"
    assert not undocumented, f"commands not mentioned in README.md or docs/: {undocumented}"
