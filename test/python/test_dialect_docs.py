"""The generated dialect reference stays true to the IRDL files.

* docs/dialects/ equals what `python -m npu.ir.dialect_docs` generates now
  (whoever changes an IRDL file or a verifier regenerates the pages);
* every op, type and attribute of every dialect has a summary and an example;
* every example parses in a context with the npu dialects (operands it does
  not define become arguments of a wrapping function, typed from the op's
  signature), so the examples cannot rot.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from mlir import ir

from npu.ir import dialect_docs
from npu.ir.context import available_dialects, make_context

ROOT = Path(__file__).resolve().parents[2]
DOCS = ROOT / "docs" / "dialects"
_DEFS = [(name, d) for name in available_dialects() for d in dialect_docs.dialect_docs(name).definitions]
_IDS = [d.full_name for _, d in _DEFS]


def test_committed_docs_are_generated():
    problems = dialect_docs.check(DOCS)
    assert not problems, "\n".join(problems) + "\nrun: python -m npu.ir.dialect_docs --write docs/dialects"


def test_every_dialect_has_a_page_with_all_its_ops():
    pages = dialect_docs.render_all()
    for name in available_dialects():
        page = pages[f"{name}.md"]
        for defn in dialect_docs.dialect_docs(name).definitions:
            assert f"### `{defn.full_name}`" in page


@pytest.mark.parametrize(("dialect", "defn"), _DEFS, ids=_IDS)
def test_has_summary_and_example(dialect, defn):
    assert defn.summary, f"{defn.full_name} has no summary line in dialects/{dialect}.irdl.mlir"
    assert defn.example, f"{defn.full_name} has no 'Example:' in dialects/{dialect}.irdl.mlir"


@pytest.fixture(scope="module")
def ctx():
    return make_context()


@pytest.mark.parametrize(("dialect", "defn"), _DEFS, ids=_IDS)
def test_example_parses(ctx, dialect, defn):
    if not defn.example:
        pytest.skip("no example (reported by test_has_summary_and_example)")
    with ctx, ir.Location.unknown():
        if defn.kind == "type":
            ir.Type.parse(defn.example)
            return
        if defn.kind == "attribute":
            ir.Attribute.parse(defn.example)
            return
        text = wrap_example(defn.example)
        try:
            ir.Module.parse(text)
        except ir.MLIRError as err:
            pytest.fail(f"example of {defn.full_name} does not parse: {err}\n{text}")
        assert f'"{defn.full_name}"' in defn.example, f"the example of {defn.full_name} does not use it"


# ---------------------------------------------------------------- example wrapping

_DEF = re.compile(r"^\s*(%[\w.$-]+(?:\s*,\s*%[\w.$-]+)*)\s*=")
_OPERANDS = re.compile(r'"[\w.]+"\s*\(([^()]*)\)')


def _top_level(text: str, sep: str) -> list[int]:
    """Positions of `sep` outside brackets and strings."""
    depth, in_str, found = 0, False, []
    for i, ch in enumerate(text):
        if ch == '"':
            in_str = not in_str
        elif in_str:
            continue
        elif ch in "([{<":
            depth += 1
        elif ch in ")]}>" and not (ch == ">" and text[i - 1] == "-"):
            depth -= 1
        elif ch == sep and depth == 0:
            found.append(i)
    return found


def _split(text: str) -> list[str]:
    cuts = [-1] + _top_level(text, ",") + [len(text)]
    return [text[a + 1:b].strip() for a, b in zip(cuts, cuts[1:]) if text[a + 1:b].strip()]


def _operand_types(line: str) -> dict[str, str]:
    """{operand name: type} of one generic-form op line."""
    operands = _OPERANDS.search(line)
    colons = _top_level(line, ":")
    if not operands or not colons:
        return {}
    signature = line[colons[-1] + 1:].strip()
    inputs = signature[1:_matching_paren(signature)] if signature.startswith("(") else ""
    names = [n.strip() for n in operands.group(1).split(",") if n.strip()]
    return dict(zip(names, _split(inputs)))


def _matching_paren(text: str) -> int:
    depth = 0
    for i, ch in enumerate(text):
        depth += ch == "("
        depth -= ch == ")"
        if depth == 0:
            return i
    return len(text)


def wrap_example(example: str) -> str:
    """The example as a module: free operands become arguments of a function."""
    if "func.func" in example or example.lstrip().startswith("module"):
        return example
    defined, args = set(), {}
    for line in example.splitlines():
        for name, type_ in _operand_types(line).items():
            if name not in defined:
                args.setdefault(name, type_)
        match = _DEF.match(line)
        if match:
            defined.update(n.strip() for n in match.group(1).split(","))
    signature = ", ".join(f"{n}: {t}" for n, t in args.items())
    return f"func.func @example({signature}) {{\n{example}\n  return\n}}"
