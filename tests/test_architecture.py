"""The layout the README's Architecture section promises: no import cycles between lrviz's modules
(counting imports inside functions; not those only a type checker runs), no module past 300 lines,
every module named in the README."""

from __future__ import annotations

import ast
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "lrviz"
MAX_LINES = 300


def module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


MODULES = {module_name(p): p for p in PACKAGE.rglob("*.py")}


def imported_modules(name: str, path: Path) -> set[str]:
    """The lrviz modules ``name`` imports anywhere in its code, resolved to modules (not packages'
    attributes): ``from .spec import x`` is the module ``lrviz.spec.x`` if there is one, else ``lrviz.spec``."""
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found = set()
    tree = ast.parse(path.read_text(encoding="utf-8"))
    typing_only = {id(n) for block in ast.walk(tree) if isinstance(block, ast.If) and "TYPE_CHECKING" in ast.unparse(block.test)
                   for n in ast.walk(block)}
    for node in ast.walk(tree):
        if id(node) in typing_only:
            continue  # `if TYPE_CHECKING:` imports run only under a type checker
        if isinstance(node, ast.Import):
            targets = [(alias.name, None) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")
                anchor = anchor[:len(anchor) - node.level + 1]
                base = ".".join(anchor + ([base] if base else []))
            targets = [(base, alias.name) for alias in node.names]
        else:
            continue
        for module, attribute in targets:
            if attribute and f"{module}.{attribute}" in MODULES:
                found.add(f"{module}.{attribute}")
            elif module in MODULES:
                found.add(module)
    found.discard(name)
    return found


GRAPH = {name: imported_modules(name, path) for name, path in MODULES.items()}


def cycle_from(start: str) -> list[str] | None:
    """A path of imports from ``start`` back to itself, or None."""
    stack, seen = [(start, [start])], set()
    while stack:
        node, path = stack.pop()
        for child in GRAPH[node]:
            if child == start:
                return path + [start]
            if child not in seen and not child.startswith(start + "."):
                seen.add(child)
                stack.append((child, path + [child]))
    return None


def test_no_module_imports_itself_through_others():
    """A package importing its own submodules (``lrviz.spec`` -> ``lrviz.spec.model``) is its
    content, not a cycle; anything else that leads back is."""
    cycles = {name: cycle for name in GRAPH if (cycle := cycle_from(name))}
    assert cycles == {}


def test_the_graph_sees_imports_inside_functions():
    assert "lrviz.plan.run" in GRAPH["lrviz.api"]  # imported inside simulate()


def test_no_module_is_longer_than_300_lines():
    long = {name: n for name, path in MODULES.items() if (n := len(path.read_text().splitlines())) > MAX_LINES}
    assert long == {}


def test_the_readme_architecture_names_every_module():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme[readme.index("## Architecture"):]
    section = section[:section.index("\n## ", 3)]
    named = set(re.findall(r"`([a-z_/]+(?:\.py|/))`", section)) | set(re.findall(r"\b([a-z_]+\.py)\b", section))
    missing = []
    for path in PACKAGE.rglob("*.py"):
        relative = path.relative_to(PACKAGE).as_posix()
        if path.name in ("__init__.py", "__main__.py") and relative.count("/") <= 1:
            continue  # packages are named by their folder, lrviz/__init__.py by the API
        folder = relative.rpartition("/")[0] + "/"
        if relative not in named and path.name not in named and folder not in named:
            missing.append(relative)
    assert missing == []
