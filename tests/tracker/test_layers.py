"""Dependencies point one way (STYLE.md): the tracker never imports partners, not even inside a
function; it tells partners of changes through its outbox (``tracker.Event``), which partners
read. (``tracker/api`` is a surface, built on the partner API's base classes.)"""

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def imported_modules(path: Path) -> set[str]:
    names = set()
    for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            names.add(node.module)
    return names


def test_the_tracker_imports_nothing_from_partners():
    offending = {
        f"{path.relative_to(ROOT)}: {name}"
        for path in (ROOT / "tracker").rglob("*.py")
        if not {"api", "migrations"} & set(path.relative_to(ROOT).parts)
        for name in imported_modules(path)
        if name.split(".")[0] == "partners"
    }
    assert not offending
