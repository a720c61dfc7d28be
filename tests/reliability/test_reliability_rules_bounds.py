"""Issue 16, bounded resources in rules files: alias bombs, deep nesting and huge keys are refused fast.

The class under test: a rules file small on disk whose meaning is huge (aliases used over and over,
nesting thousands deep, a multi-megabyte key or name). Each must be a ``RulesError`` (exit 2, one short
line) found before anything is built, never minutes of work, gigabytes of memory or a RecursionError.
"""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from recommender.cli import main
from recommender.errors import RulesError
from recommender.typology import load_rules

RULES = Path(__file__).resolve().parents[2] / "recommender" / "rules.yaml"


def _bomb(depth: int, fan: int = 10, where: str = "version") -> str:
    lines = ["a0: &a0 [" + ", ".join(["lol"] * fan) + "]"]
    lines += [f"a{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * fan) + "]" for i in range(1, depth + 1)]
    return "\n".join(lines) + f"\n{where}: *a{depth}\n"


def _merge_bomb(depth: int) -> str:
    lines = ["m0: &m0 {" + ", ".join(f"k{j}: v" for j in range(10)) + "}"]
    for i in range(1, depth + 1):
        lines.append(f"m{i}: &m{i} {{" + ", ".join(f"x{j}: *m{i - 1}" for j in range(10)) + "}")
    return "\n".join(lines) + f"\ncriteria: *m{depth}\n"


CASES = {
    **{f"alias_bomb_depth_{d}": _bomb(d) for d in (5, 7, 9, 12)},
    "alias_bomb_inside_a_rule": RULES.read_text(encoding="utf-8") + "\n" + _bomb(8, where="extra"),
    "mapping_alias_bomb": _merge_bomb(8),
    "flow_nesting_5000": "version: " + "[" * 5000 + "]" * 5000 + "\n",
    "block_nesting_300": "".join("  " * i + f"k{i}:\n" for i in range(300)) + "  " * 300 + "v\n",
    "condition_nesting_2000": "typology_rules:\n- name: r\n  when: " + "{all: [" * 2000 + "]}" * 2000 + "\n",
    "huge_explicit_key": "? " + "k" * 2_000_000 + "\n: 1\n",
    "huge_quoted_key": '"' + "k" * 2_000_000 + '": 1\n',
    "huge_unknown_key_in_section": RULES.read_text(encoding="utf-8").replace(
        "typology_rules:", "typology_rules:\n- ? " + "z" * 2_000_000 + "\n  : 1", 1
    ),
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_huge_or_deep_rules_are_refused_fast_with_one_short_line(name, tmp_path, capsys) -> None:
    path = tmp_path / "rules.yaml"
    path.write_text(CASES[name], encoding="utf-8")
    start = time.process_time()
    with pytest.raises(RulesError) as err:
        load_rules(path)
    assert time.process_time() - start < 20  # generous: the bombs took minutes and gigabytes
    assert len(str(err.value)) < 2500
    assert main(["rules", "check", str(path)]) == 2
    out = capsys.readouterr()
    assert out.err.count("\n") == 1 and len(out.err) < 2500 and "Traceback" not in out.err


def test_the_packaged_rules_are_well_within_the_bounds() -> None:
    import yaml

    from recommender.rules.conditions import MAX_DEPTH, MAX_NODES, _LineLoader

    node = _LineLoader(RULES.read_text(encoding="utf-8")).get_single_node()
    count, deepest, stack = 0, 0, [(node, 1)]
    while stack:
        n, d = stack.pop()
        count, deepest = count + 1, max(deepest, d)
        kids = (
            [c for pair in n.value for c in pair]
            if isinstance(n, yaml.MappingNode)
            else n.value
            if isinstance(n, yaml.SequenceNode)
            else []
        )
        stack.extend((c, d + 1) for c in kids)
    assert count * 10 < MAX_NODES and deepest * 3 < MAX_DEPTH


def test_a_small_alias_use_is_still_accepted(tmp_path) -> None:
    text = RULES.read_text(encoding="utf-8")
    assert "&" not in text
    path = tmp_path / "r.yaml"
    path.write_text(_bomb(2, fan=3, where="unused_anchor_section") + text, encoding="utf-8")
    with pytest.raises(RulesError, match="unknown|ukendt"):  # an unknown section, not a size problem
        load_rules(path)
