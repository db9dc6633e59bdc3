"""The compare module: figures computed by hand on small cases, and the verdict ladder."""

import math

import numpy as np

from npu.compare import CLOSE, EQUAL, NOT_SIMILAR, SIMILAR, compare, first_divergence, sqnr_db, top1_agreement, topk_agreement


def test_sqnr_by_hand():
    ref = np.array([3.0, 4.0])  # signal power 25
    act = np.array([3.0, 3.0])  # noise power 1
    assert math.isclose(sqnr_db(ref, act), 10 * math.log10(25.0))
    assert sqnr_db(ref, ref) == float("inf")


def test_verdict_ladder():
    ref = np.linspace(-1, 1, 1000, dtype=np.float32)
    assert compare("a", ref, ref.copy()).verdict == EQUAL
    assert compare("b", ref, ref + 1e-7).verdict == CLOSE
    assert compare("c", ref, ref + 0.01 * np.sin(np.arange(1000))).verdict == SIMILAR
    assert compare("d", ref, -ref).verdict == NOT_SIMILAR
    assert compare("e", ref, ref[:10]).verdict == NOT_SIMILAR


def test_first_divergence_and_top1():
    ref = np.eye(4)
    rows = [compare("l0", ref, ref), compare("l1", ref, ref + 0.001), compare("l2", ref, -ref)]
    assert first_divergence(rows).name == "l2"
    assert top1_agreement(np.eye(4), np.eye(4)[[0, 1, 3, 2]]) == 0.5


def test_topk_agreement_counts_rows_whose_reference_class_is_among_the_k_largest():
    reference = np.eye(3, 6)  # classes 0, 1, 2
    actual = np.array([[3, 9, 8, 7, 6, 5],  # class 0 ranked 6th
                       [9, 8, 0, 0, 0, 0],  # class 1 ranked 2nd
                       [0, 0, 9, 0, 0, 0]], np.float32)  # class 2 ranked 1st
    assert topk_agreement(reference, actual, 1) == 1 / 3
    assert topk_agreement(reference, actual, 2) == 2 / 3
    assert topk_agreement(reference, actual, 5) == 2 / 3
    assert topk_agreement(reference, actual, 6) == 1.0
    assert topk_agreement(reference, actual, 1) == top1_agreement(reference, actual)
