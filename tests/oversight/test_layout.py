"""The ground floor imports no app: arrows point from the apps down to ``oversight``, never up."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
APPS = {"cases", "audits", "commitments", "performance", "summaries"}


def _imported_apps(path: Path) -> set[str]:
    found = set()
    for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names = [node.module]
        elif isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        else:
            continue
        found |= {name.split(".")[0] for name in names} & APPS
    return found


@pytest.mark.parametrize("path", sorted((ROOT / "oversight").rglob("*.py")), ids=lambda p: str(p.relative_to(ROOT)))
def test_the_ground_floor_imports_no_app(path: Path) -> None:
    assert _imported_apps(path) == set()


def test_the_check_finds_an_app_import(tmp_path: Path) -> None:
    module = tmp_path / "module.py"
    module.write_text("def f():\n    from summaries.tasks import queue_rebuild\n")
    assert _imported_apps(module) == {"summaries"}


@pytest.mark.parametrize("app", sorted(APPS - {"summaries"}))
def test_no_app_but_summaries_reads_the_summaries_app(app: str) -> None:
    offenders = [p for p in sorted((ROOT / app).rglob("*.py")) if "summaries" in _imported_apps(p)]
    assert offenders == []
