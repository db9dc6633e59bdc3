"""The ONNX backend node tests on the importer + golden interpreter.

Every case whose op is in the coverage list (npu.onnx.conformance.COVERAGE) and
whose graph inputs/outputs are numeric tensors must pass (npu has no string,
sequence or optional values); the other cases are run and counted (printed
with -s) but not asserted.
`python -m npu.onnx.conformance --report docs/onnx-conformance.md` writes the
per-op table.
"""

from collections import Counter

import pytest

from npu.onnx import conformance

CASES = conformance.list_cases()
COVERED = [c for c in CASES if c.op_type in conformance.COVERAGE and c.numeric]
OTHERS = [c for c in CASES if c not in COVERED]


def test_the_wheel_ships_the_node_tests():
    assert len(CASES) == 1765, "onnx==1.22.0 ships 1765 node test cases"
    assert len(COVERED) > 500


@pytest.mark.parametrize("case", COVERED, ids=[c.name for c in COVERED])
def test_covered_case_passes(case):
    result = conformance.run_case(case)
    assert result.status == conformance.PASS, result.message


def test_other_cases_are_counted():
    results = conformance.run_all(OTHERS)
    counts = Counter(r.status for r in results)
    print(f"\nnode tests outside the coverage list: {dict(counts)} of {len(OTHERS)}")
    assert sum(counts.values()) == len(OTHERS)
    assert counts[conformance.PASS] > 0
