"""YAML files read safely and within limits (lrviz.limits): at most MAX_YAML_BYTES of UTF-8, the safe
loader refusing language tags and duplicate keys, at most MAX_YAML_NODES values once anchors and
aliases are expanded, nesting at most MAX_NESTING levels, no alias inside its own anchor, no whole
number beyond a float. lrviz.spec.yamlfile makes specs of what it returns.
"""

from __future__ import annotations

import collections.abc
from pathlib import Path

from ..errors import LrvizError
from ..limits import MAX_NESTING, MAX_YAML_BYTES, MAX_YAML_NODES, check_whole_numbers
from ..output import note_input


def _yaml_loader():
    """PyYAML's SafeLoader that refuses duplicate keys and says why it refuses tags like ``!!python/object``."""
    import yaml

    class StrictSafeLoader(yaml.SafeLoader):
        depth = 0

        def compose_node(self, parent, index):
            """PyYAML composes recursively: refuse a nesting deeper than MAX_NESTING before Python's stack runs out."""
            self.depth += 1
            try:
                if self.depth > MAX_NESTING:
                    raise yaml.composer.ComposerError(None, None, f"lists and mappings nest more than {MAX_NESTING} "
                                                      f"levels deep", self.peek_event().start_mark)
                return super().compose_node(parent, index)
            finally:
                self.depth -= 1

        def construct_mapping(self, node, deep=False):
            seen = set()
            for key_node, _ in node.value:
                key = self.construct_object(key_node, deep=deep)
                if not isinstance(key, collections.abc.Hashable):
                    continue  # PyYAML refuses it below: "found unhashable key"
                if key in seen:
                    raise yaml.constructor.ConstructorError(None, None, f"duplicate key '{key}'", key_node.start_mark)
                seen.add(key)
            return super().construct_mapping(node, deep=deep)

        def construct_undefined(self, node):
            raise yaml.constructor.ConstructorError(
                None, None, f"tag {node.tag!r} is refused: lrviz loads YAML safely (mappings, lists, "
                f"numbers, strings, booleans and null only)", node.start_mark)

    StrictSafeLoader.add_constructor(None, StrictSafeLoader.construct_undefined)
    return StrictSafeLoader


def expanded_size(node, limit: int, sizes: dict | None = None) -> tuple[int, int]:
    """How many nodes a composed YAML node stands for once every alias is expanded (stopping past
    ``limit``), and how deep they nest; an LrvizError for an alias inside its own anchor (``&a [*a]``).

    Each node is counted once per path to it, so ``[*a, *a]`` counts ``a`` twice; shared
    nodes are measured once (memoised), so even a "billion laughs" file is measured in a moment.
    """
    sizes = {} if sizes is None else sizes
    if id(node) in sizes:
        if sizes[id(node)] is None:
            raise LrvizError(f"an alias refers to its own anchor (line {node.start_mark.line + 1}), "
                             f"so the value would contain itself forever")
        return sizes[id(node)]
    sizes[id(node)] = None  # being measured
    total, depth = 1, 0
    children = node.value if isinstance(node.value, list) else []
    for child in children:
        for part in child if isinstance(child, tuple) else (child,):  # mapping items are (key, value)
            size, below = expanded_size(part, limit, sizes)
            total, depth = total + size, max(depth, below + isinstance(part.value, list))
            if total > limit:
                break
    sizes[id(node)] = total, depth
    return total, depth


def _read_text(path: Path) -> str:
    """A spec file's text, at most ``MAX_YAML_BYTES`` of UTF-8; every problem is an LrvizError."""
    try:
        with open(path, "rb") as fh:
            data = fh.read(MAX_YAML_BYTES + 1)
    except FileNotFoundError:
        raise LrvizError(f"no such file: {path}") from None
    except IsADirectoryError:
        raise LrvizError(f"{path} is a directory, not a YAML file") from None
    except OSError as exc:
        raise LrvizError(f"cannot read {path}: {exc.strerror or exc}") from None
    if len(data) > MAX_YAML_BYTES:
        raise LrvizError(f"{path} is larger than {MAX_YAML_BYTES:,} bytes: a schedule spec is a few lines of YAML")
    note_input(path)
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise LrvizError(f"{path} is not UTF-8 text (byte {exc.start} is {data[exc.start]:#04x})") from None


def read_yaml(path: str | Path):
    """Load a YAML file with the safe loader; every problem is an LrvizError."""
    import yaml

    path = Path(path)
    text = _read_text(path)
    try:
        loader = _yaml_loader()(text)
        try:
            node = loader.get_single_node()
            if node is not None:
                _check_expansion(node, path)
            data = None if node is None else loader.construct_document(node)
        finally:
            loader.dispose()
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" (line {mark.line + 1})" if mark else ""
        problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        raise LrvizError(f"{path}: invalid YAML{where}: {problem}") from None
    except ValueError as exc:  # a value PyYAML cannot make: a date 2001-13-45, an integer of 5,000 digits
        problem = "a whole number is larger than the largest float" if "integer string" in str(exc) else exc
        raise LrvizError(f"{path}: invalid YAML value: {problem}") from None
    check_whole_numbers(data, f"a number in {path}")  # YAML's 0x... has no length limit
    if data is None:
        raise LrvizError(f"{path} is empty: it needs at least a 'scheduler:' mapping")
    if not isinstance(data, dict):
        raise LrvizError(f"{path} must hold a mapping with a 'scheduler:' key, not a {type(data).__name__}")
    return data


def _check_expansion(node, path: Path) -> None:
    """Refuse a document whose aliases expand past MAX_YAML_NODES values or MAX_NESTING levels."""
    try:
        size, depth = expanded_size(node, MAX_YAML_NODES)
    except LrvizError as exc:
        raise LrvizError(f"{path}: {exc}") from None
    if size > MAX_YAML_NODES:
        raise LrvizError(f"{path} expands to more than {MAX_YAML_NODES:,} values through its "
                         f"anchors and aliases (&name / *name): refusing it")
    if depth > MAX_NESTING:
        raise LrvizError(f"{path}: lists and mappings nest more than {MAX_NESTING} levels deep once its "
                         f"aliases (*name) are expanded")
