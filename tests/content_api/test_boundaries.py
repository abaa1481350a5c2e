import ast
from pathlib import Path

import content

CONTENT_DIR = Path(content.__file__).resolve().parent


def imported_modules(path: Path) -> set[str]:
    names = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
    return names


def test_the_content_app_never_imports_the_screening_app():
    # screening depends on content (flag rules name condition codes), never the other way.
    offenders = {
        str(path.relative_to(CONTENT_DIR)): sorted(
            name for name in imported_modules(path) if name.split(".")[0] == "screening"
        )
        for path in CONTENT_DIR.rglob("*.py")
    }
    assert {path: names for path, names in offenders.items() if names} == {}
