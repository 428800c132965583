"""The floors run one way: each package imports only from the floors below it (or its own), no
face imports another face, and nothing imports the development tools but the demo command.

    names/levels/states/config < validators < storage < messages, reports < drafts
        < usecases < faces (bot, web, ops, another messenger) < cli < devtools

Every import counts, at the top of a module or inside a function; a new package or top-level
module must be given its floor here (the test fails until it is)."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "nianbao"

FLOORS: dict[str, int] = {
    "labelled": 0, "names": 0, "levels": 0, "states": 0, "roles": 0, "config": 0,
    "validators": 1,
    "storage": 2,
    "messages": 3, "reports": 3,
    "drafts": 4,
    "usecases": 5,
    "bot": 6, "web": 6, "ops": 6, "wecom": 6,
    "cli": 7,
    "devtools": 8,
}  # fmt: skip
FACES = {"bot", "web", "ops", "wecom"}
DEVTOOLS_IMPORTED_BY = {"nianbao/cli/bot.py"}  # the demo command


def _area(module: str) -> str | None:
    parts = module.split(".")
    return parts[1] if parts[0] == "nianbao" and len(parts) > 1 else None


def _imports(path: Path, package: Path) -> list[tuple[str, int]]:
    """(module imported, line) for every import of ``path``, relative ones resolved."""
    own = list(path.relative_to(package.parent).with_suffix("").parts)
    if own[-1] == "__init__":
        own = own[:-1]
    else:
        own = own[:-1] if path.name != "__init__.py" else own
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found += [(alias.name, node.lineno) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = own[: len(own) - (node.level - 1)]
                module = ".".join(base + ([node.module] if node.module else []))
            else:
                module = node.module or ""
            found.append((module, node.lineno))
    return found


def _modules() -> list[Path]:
    return sorted(p for p in PACKAGE.rglob("*.py") if "__pycache__" not in p.parts)


def _area_of(path: Path, package: Path = PACKAGE) -> str:
    relative = path.relative_to(package)
    return relative.parts[0] if len(relative.parts) > 1 else relative.stem


def test_every_area_has_a_floor():
    areas = {_area_of(path) for path in _modules()} - {"__init__"}
    assert areas <= set(FLOORS), f"give these a floor in tests/test_floors.py: {sorted(areas - set(FLOORS))}"


def violations(path: Path, package: Path = PACKAGE) -> list[str]:
    area = _area_of(path, package)
    if area == "__init__":
        return []
    name = str(path.relative_to(package.parent))
    wrong = []
    for module, line in _imports(path, package):
        target = _area(module)
        if target is None or target == area:
            continue
        if target == "devtools" and name not in DEVTOOLS_IMPORTED_BY:
            wrong.append(f"{name}:{line} imports {module}: only the demo command imports devtools")
        elif area in FACES and target in FACES:
            wrong.append(f"{name}:{line} imports {module}: a face never imports another face")
        elif target != "devtools" and FLOORS[target] > FLOORS[area]:
            wrong.append(f"{name}:{line} imports {module}: {target} is above {area}")
    return wrong


@pytest.mark.parametrize("path", _modules(), ids=lambda p: str(p.relative_to(PACKAGE.parent)))
def test_imports_go_down_the_floors(path: Path):
    wrong = violations(path)
    assert not wrong, "\n".join(wrong)


@pytest.mark.parametrize(
    ("where", "source", "complaint"),
    [
        ("validators/probe.py", "from ..storage import Store\n", "storage is above validators"),
        ("web/probe.py", "def f():\n    from ..bot.app import build_application\n", "a face never imports another face"),
        ("bot/probe.py", "from nianbao.devtools.server import LocalBotApi\n", "only the demo command imports devtools"),
        ("drafts/probe.py", "from ..usecases.office import Office\n", "usecases is above drafts"),
    ],
)
def test_the_check_can_fail(tmp_path, where, source, complaint):
    """The checker finds an upward import in a package laid out like ours."""
    probe = tmp_path / "nianbao" / where
    probe.parent.mkdir(parents=True)
    probe.write_text(source, encoding="utf-8")
    assert any(complaint in line for line in violations(probe, tmp_path / "nianbao"))
