"""Reading ``rules.yaml`` with line numbers, and compiling its conditions (spec §9).

A condition is a mapping. A leaf names one intake ``field`` and one test: ``equals`` (one value), ``in``
(a non-empty list of values), or, for whole-number fields only, ``at_least`` / ``at_most``. Leaves
combine with ``all`` (a list: every one holds), ``any`` (a list: at least one holds) and ``not`` (one
condition). Values may be codes, Danish or English labels; they are stored as codes.

Every compiled condition has two faces that must agree: :meth:`test` on one record (a mapping of
field to value, e.g. ``vars(citizen)``) and :meth:`mask` on a whole table (a pandas DataFrame, one
column per field, values as :class:`~recommender.citizen.Citizen` stores them).

>>> c = compile_condition({"all": [{"field": "job_goal_level", "in": ["faglært", "higher"]},
...                                {"not": {"field": "searches_broadly", "equals": "ja"}}]}, Context())
>>> c.describe()
'(job_goal_level in [skilled, higher] and not searches_broadly = yes)'
>>> c.test({"job_goal_level": "skilled", "searches_broadly": "partly"})
True
"""

from __future__ import annotations

import functools
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, NoReturn

import numpy as np
import yaml

from recommender.citizen import parse_value
from recommender.errors import RulesError, did_you_mean, show_value
from recommender.vocab import FIELDS, FieldSpec

if TYPE_CHECKING:
    import pandas as pd

__all__ = [
    "AllOf",
    "AnyOf",
    "Condition",
    "ConditionResult",
    "Context",
    "Leaf",
    "Not",
    "YamlMap",
    "YamlSeq",
    "compile_condition",
    "load_yaml",
]

LEAF_TESTS = ("equals", "in", "at_least", "at_most")
COMBINATORS = ("all", "any", "not")
KEYWORDS = ("field", *LEAF_TESTS, *COMBINATORS)
_SYMBOL = {"equals": "=", "in": "in", "at_least": ">=", "at_most": "<="}


# --- YAML with line numbers -------------------------------------------------------------------------


class YamlMap(dict):
    """A YAML mapping that remembers its line, each key's line and each scalar value's source text."""

    line: int = 0

    def __init__(self) -> None:
        super().__init__()
        self.key_lines: dict[object, int] = {}
        self.raw: dict[object, str | None] = {}

    def line_of(self, key: object) -> int:
        return self.key_lines.get(key, self.line)


class YamlSeq(list):
    """A YAML sequence that remembers its line, each item's line and each scalar item's source text."""

    line: int = 0

    def __init__(self) -> None:
        super().__init__()
        self.item_lines: list[int] = []
        self.raw: list[str | None] = []

    def line_of(self, index: int) -> int:
        return self.item_lines[index] if index < len(self.item_lines) else self.line


class _DuplicateKey(Exception):
    def __init__(self, key: object, line: int, first: int):
        self.key, self.line, self.first = key, line, first


class _LineLoader(yaml.SafeLoader):
    """SafeLoader whose mappings and sequences record lines, and which refuses duplicate keys."""


def _raw(node: yaml.Node) -> str | None:
    return node.value if isinstance(node, yaml.ScalarNode) else None


def _construct_map(loader: _LineLoader, node: yaml.MappingNode) -> Iterator[YamlMap]:
    loader.flatten_mapping(node)
    result = YamlMap()
    result.line = node.start_mark.line + 1
    yield result
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=True)
        line = key_node.start_mark.line + 1
        if not isinstance(key, (str, int, float, bool)) or key is None:
            raise yaml.constructor.ConstructorError(
                None, None, "a key must be a plain word / en nøgle skal være et ord", key_node.start_mark
            )
        if key in result:
            raise _DuplicateKey(key, line, result.key_lines[key])
        result[key] = loader.construct_object(value_node, deep=True)
        result.key_lines[key] = line
        result.raw[key] = _raw(value_node)


def _construct_seq(loader: _LineLoader, node: yaml.SequenceNode) -> Iterator[YamlSeq]:
    result = YamlSeq()
    result.line = node.start_mark.line + 1
    yield result
    for item in node.value:
        result.append(loader.construct_object(item, deep=True))
        result.item_lines.append(item.start_mark.line + 1)
        result.raw.append(_raw(item))


_LineLoader.add_constructor("tag:yaml.org,2002:map", _construct_map)
_LineLoader.add_constructor("tag:yaml.org,2002:seq", _construct_seq)


def load_yaml(data: bytes, path: str | None) -> object:
    """Parse YAML text, keeping line numbers; any syntax problem is a :class:`RulesError` with its line."""
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise RulesError(
            f"not UTF-8 text / ikke UTF-8-tekst ({exc.reason} at byte {exc.start})", path=path
        ) from None
    loader = _LineLoader(text)
    try:
        node = loader.get_single_node()
        if node is None:
            return None
        _check_size(node, path)
        return loader.construct_document(node)
    except RecursionError:
        raise RulesError(
            f"nested more deeply than a rules file can be (at most {MAX_DEPTH} levels) / for dybt indlejret",
            path=path,
        ) from None
    except _DuplicateKey as exc:
        raise RulesError(
            f"key {show_value(exc.key)} appears twice (first on line {exc.first}) / nøglen står to gange",
            path=path,
            line=exc.line,
        ) from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
        line = mark.line + 1 if mark is not None else None
        what = " ".join(str(getattr(exc, "problem", None) or exc).split())
        raise RulesError(f"not valid YAML / ikke gyldig YAML: {what}", path=path, line=line) from None
    finally:
        loader.dispose()


#: The most nodes a rules file may expand to (aliases counted as often as they are used), and its depth.
#: The packaged rules have about 1,500 nodes and 10 levels; an alias bomb of 11 KB expands to billions.
MAX_NODES = 100_000
MAX_DEPTH = 60


def _check_size(root: yaml.Node, path: str | None) -> None:
    """Refuse a node graph whose alias expansion or depth is beyond any real rules file, before building it.

    Sizes are counted once per distinct node (memoised), so the check itself is linear in the file even
    when the expansion is exponential.
    """
    size: dict[int, int] = {}
    depth: dict[int, int] = {}
    stack: list[tuple[yaml.Node, bool]] = [(root, False)]
    on_stack: set[int] = set()
    while stack:
        node, done = stack.pop()
        key = id(node)
        children = (
            [n for pair in node.value for n in pair]
            if isinstance(node, yaml.MappingNode)
            else list(node.value)
            if isinstance(node, yaml.SequenceNode)
            else []
        )
        if done:
            on_stack.discard(key)
            size[key] = min(1 + sum(size[id(c)] for c in children), MAX_NODES + 1)
            depth[key] = 1 + max((depth[id(c)] for c in children), default=0)
            if size[key] > MAX_NODES:
                raise RulesError(
                    f"the YAML expands to more than {MAX_NODES:,} values (aliases used over "
                    "and over); a rules file is far smaller / YAML-aliaser udfolder sig for "
                    "meget",
                    path=path,
                    line=node.start_mark.line + 1,
                )
            if depth[key] > MAX_DEPTH:
                raise RulesError(
                    f"nested more deeply than a rules file can be (at most {MAX_DEPTH} levels) "
                    "/ for dybt indlejret",
                    path=path,
                    line=node.start_mark.line + 1,
                )
            continue
        if key in size:
            continue
        if key in on_stack:  # a recursive alias (a node inside itself): never finite
            raise RulesError(
                "a YAML alias refers to itself / et YAML-alias henviser til sig selv",
                path=path,
                line=node.start_mark.line + 1,
            )
        on_stack.add(key)
        stack.append((node, True))
        stack.extend((c, False) for c in children if id(c) not in size)


@dataclass(frozen=True)
class Context:
    """Where we are in the rules file, so that every error names the path, the rule and the line."""

    path: str | None = None
    rule: str | None = None

    def fail(self, message: str, line: int | None = None, **kw: object) -> NoReturn:
        raise RulesError(message, path=self.path, rule=self.rule, line=line, **kw)  # type: ignore[arg-type]

    def within(self, rule: str | None) -> Context:
        return Context(self.path, rule)


# --- compiled conditions -----------------------------------------------------------------------------


@dataclass(frozen=True)
class ConditionResult:
    """One leaf of a condition checked against one citizen: what was asked, what they have, met or not."""

    field: str
    operator: str
    expected: object
    value: object
    met: bool

    def to_dict(self) -> dict[str, object]:
        expected = list(self.expected) if isinstance(self.expected, tuple) else self.expected
        return {
            "field": self.field,
            "operator": self.operator,
            "expected": expected,
            "value": self.value,
            "met": self.met,
        }

    def __repr__(self) -> str:
        mark = "✓" if self.met else "✗"
        return (
            f"ConditionResult({self.field} {_SYMBOL[self.operator]} {_show(self.expected)}: "
            f"{self.value!r} {mark})"
        )


class Condition:
    """A compiled condition: :meth:`test` one record, :meth:`mask` a table, :meth:`explain` its leaves."""

    line: int

    def test(self, record: Mapping[str, object]) -> bool:
        raise NotImplementedError

    def mask(self, frame: pd.DataFrame) -> np.ndarray:
        raise NotImplementedError

    def leaves(self) -> Iterator[Leaf]:
        raise NotImplementedError

    def describe(self) -> str:
        raise NotImplementedError

    @functools.cached_property
    def fields(self) -> frozenset[str]:
        return frozenset(leaf.field for leaf in self.leaves())

    def explain(self, record: Mapping[str, object]) -> tuple[ConditionResult, ...]:
        """Every leaf with the record's value and whether that leaf holds."""
        return tuple(
            ConditionResult(leaf.field, leaf.op, leaf.expected, record[leaf.field], leaf.test(record))
            for leaf in self.leaves()
        )

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {self.describe()} (line {self.line})>"


def _show(values: object) -> str:
    if isinstance(values, tuple):
        return "[" + ", ".join(_show(v) for v in values) + "]"
    return str(values).lower() if isinstance(values, bool) else str(values)


class Leaf(Condition):
    """``field`` compared with one value (``equals``), a set (``in``) or a bound
    (``at_least``/``at_most``)."""

    def __init__(self, field: str, op: str, values: tuple[object, ...], line: int):
        self.field, self.op, self.values, self.line = field, op, values, line
        self._set = frozenset(values)

    @property
    def expected(self) -> object:
        return self.values if self.op == "in" else self.values[0]

    def test(self, record: Mapping[str, object]) -> bool:
        value = record[self.field]
        if self.op == "at_least":
            return value >= self.values[0]  # type: ignore[operator]
        if self.op == "at_most":
            return value <= self.values[0]  # type: ignore[operator]
        return value in self._set

    def mask(self, frame: pd.DataFrame) -> np.ndarray:
        column = frame[self.field]
        if self.op == "at_least":
            return column.to_numpy() >= self.values[0]
        if self.op == "at_most":
            return column.to_numpy() <= self.values[0]
        return column.isin(list(self.values)).to_numpy(dtype=bool)

    def leaves(self) -> Iterator[Leaf]:
        yield self

    def describe(self) -> str:
        return f"{self.field} {_SYMBOL[self.op]} {_show(self.expected)}"


class AllOf(Condition):
    word = "and"

    def __init__(self, parts: tuple[Condition, ...], line: int):
        self.parts, self.line = parts, line

    def test(self, record: Mapping[str, object]) -> bool:
        return all(part.test(record) for part in self.parts)

    def mask(self, frame: pd.DataFrame) -> np.ndarray:
        return np.logical_and.reduce([part.mask(frame) for part in self.parts])

    def leaves(self) -> Iterator[Leaf]:
        for part in self.parts:
            yield from part.leaves()

    def describe(self) -> str:
        return "(" + f" {self.word} ".join(part.describe() for part in self.parts) + ")"


class AnyOf(AllOf):
    word = "or"

    def test(self, record: Mapping[str, object]) -> bool:
        return any(part.test(record) for part in self.parts)

    def mask(self, frame: pd.DataFrame) -> np.ndarray:
        return np.logical_or.reduce([part.mask(frame) for part in self.parts])


class Not(Condition):
    def __init__(self, part: Condition, line: int):
        self.part, self.line = part, line

    def test(self, record: Mapping[str, object]) -> bool:
        return not self.part.test(record)

    def mask(self, frame: pd.DataFrame) -> np.ndarray:
        return ~self.part.mask(frame)

    def leaves(self) -> Iterator[Leaf]:
        return self.part.leaves()

    def describe(self) -> str:
        return f"not {self.part.describe()}"


# --- compiling ---------------------------------------------------------------------------------------


def compile_condition(node: object, ctx: Context, line: int = 0) -> Condition:
    """Check one condition mapping against the intake schema and compile it; errors name the line."""
    if not isinstance(node, dict):
        ctx.fail(
            "a condition must be a mapping with 'field' and 'equals'/'in', or 'all'/'any'/'not'; "
            f"got {show_value(node)} / en betingelse skal være et felt med equals/in eller all/any/not",
            line,
        )
    line = getattr(node, "line", line)
    lines = node.key_lines if isinstance(node, YamlMap) else {}
    for key in node:
        if key not in KEYWORDS:
            ctx.fail(
                f"unknown word {show_value(key)} in a condition "
                f"(allowed: {', '.join(KEYWORDS)}) / ukendt ord",
                lines.get(key, line),
                field=str(key),
                suggestion=did_you_mean(key, KEYWORDS),
            )
    combinators = [k for k in COMBINATORS if k in node]
    if combinators:
        if len(node) != 1:
            ctx.fail(
                f"'{combinators[0]}' must stand alone in its condition, not with "
                f"{', '.join(repr(k) for k in node if k != combinators[0])}; nest them instead / "
                "skal stå alene",
                line,
            )
        word = combinators[0]
        body, body_line = node[word], lines.get(word, line)
        if word == "not":
            return Not(compile_condition(body, ctx, body_line), body_line)
        if not isinstance(body, list) or not body:
            ctx.fail(
                f"'{word}' needs a non-empty list of conditions; got {_got(body)} / "
                "skal have en liste af betingelser",
                body_line,
            )
        parts = tuple(
            compile_condition(item, ctx, _item_line(body, i, body_line)) for i, item in enumerate(body)
        )
        return (AllOf if word == "all" else AnyOf)(parts, body_line)
    return _compile_leaf(node, ctx, line)


def _got(value: object) -> str:
    return "an empty list []" if isinstance(value, list) and not value else show_value(value)


def _item_line(seq: list, index: int, default: int) -> int:
    return seq.line_of(index) if isinstance(seq, YamlSeq) else default


def _compile_leaf(node: dict, ctx: Context, line: int) -> Leaf:
    lines = node.key_lines if isinstance(node, YamlMap) else {}
    if "field" not in node:
        ctx.fail("a condition needs 'field' (or 'all'/'any'/'not') / en betingelse skal have 'field'", line)
    name = node["field"]
    field_line = lines.get("field", line)
    if not isinstance(name, str) or name.strip() not in FIELDS:
        ctx.fail(
            f"unknown field {show_value(name)} / ukendt felt",
            field_line,
            field=str(name),
            value=name,
            suggestion=did_you_mean(name, FIELDS),
        )
    spec = FIELDS[name.strip()]
    if spec.kind == "str":
        ctx.fail(
            f"field {spec.name!r} is free text and cannot be used in a rule / fritekstfelt kan ikke "
            "bruges i en regel",
            field_line,
            field=spec.name,
        )
    if spec.protected:
        ctx.fail(
            f"field {spec.name!r} is a protected attribute (for fairness audits only) and cannot be "
            "used in a rule / beskyttet oplysning kan ikke bruges i en regel",
            field_line,
            field=spec.name,
        )
    tests = [k for k in LEAF_TESTS if k in node]
    if len(tests) != 1:
        got = " and ".join(repr(t) for t in tests) if tests else "none"
        ctx.fail(
            f"field {spec.name!r} needs exactly one of 'equals', 'in', 'at_least', 'at_most'; got "
            f"{got} / brug præcis én af equals, in, at_least, at_most",
            line,
            field=spec.name,
        )
    op = tests[0]
    value_line = lines.get(op, line)
    raw = node.raw.get(op) if isinstance(node, YamlMap) else None
    if op in ("at_least", "at_most") and spec.kind != "int":
        ctx.fail(
            f"'{op}' is only for whole-number fields, not {spec.name!r} ({spec.kind}) / kun for "
            "heltalsfelter",
            value_line,
            field=spec.name,
        )
    if op == "in":
        items = node["in"]
        if not isinstance(items, list) or not items:
            ctx.fail(
                f"'in' for {spec.name!r} needs a non-empty list, e.g. [ja, delvist]; got "
                f"{_got(items)} / 'in' skal have en ikke-tom liste",
                value_line,
                field=spec.name,
            )
        values = []
        for i, item in enumerate(items):
            item_raw = items.raw[i] if isinstance(items, YamlSeq) else None
            value = _value(spec, item, item_raw, ctx, _item_line(items, i, value_line))
            if value not in values:
                values.append(value)
        return Leaf(spec.name, op, tuple(values), line)
    return Leaf(spec.name, op, (_value(spec, node[op], raw, ctx, value_line),), line)


def _value(spec: FieldSpec, value: object, raw: str | None, ctx: Context, line: int) -> object:
    """One value of a condition, normalised to what a Citizen stores; refused with the line if bad."""
    if spec.kind == "code" and isinstance(value, bool):
        assert spec.scale is not None
        word = raw if raw is not None else str(value).lower()
        example = word if spec.scale.parse(word) else spec.scale.codes[0]
        ctx.fail(
            f"{spec.name}: bare {word} is read by YAML as the boolean {str(value).lower()}, not a "
            f'code; write it in quotes: "{example}" / skriv det i anførselstegn: "{example}"',
            line,
            field=spec.name,
            value=value,
            allowed=spec.scale.codes,
        )
    parsed, problem = parse_value(spec, value)
    if problem is None:
        return parsed
    allowed = spec.scale.codes if spec.scale is not None else ()
    ctx.fail(
        f"{spec.name}: unknown value {show_value(value)}; expected {problem.expected} / ukendt værdi",
        line,
        field=spec.name,
        value=value,
        allowed=allowed,
        suggestion=problem.suggestion,
    )
