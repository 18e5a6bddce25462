"""Agreement metrics: small cases worked by hand, then independent implementations."""
import math

import krippendorff
import numpy
import pytest
from hypothesis import given, settings, strategies as st
from sklearn.metrics import cohen_kappa_score

from annotate.agreement import (
    OUTSIDE, binary_tags, cohen_kappa, krippendorff_alpha, span_agreement,
    span_agreement_by_label, token_tags, wilson_interval,
)
from annotate.spans import Span
from annotate.tokenizer import tokens_of

TEXT = "Well over 7,500 people marched in Lyon on Tuesday."


def test_span_f1_by_hand():
    ana = [Span(0, 15, "CARDINAL"), Span(34, 38, "GPE"), Span(42, 49, "DATE")]
    ben = [Span(10, 15, "CARDINAL"), Span(34, 38, "GPE"), Span(23, 30, "EVENT")]
    exact = span_agreement(ana, ben)
    assert (exact.matched, exact.f1) == (1, pytest.approx(2 / 6))
    partial = span_agreement(ana, ben, partial=True)  # "7,500" inside "Well over 7,500"
    assert (partial.matched, partial.f1) == (2, pytest.approx(4 / 6))
    by_label = span_agreement_by_label(ana, ben)
    assert by_label["GPE"].f1 == 1.0 and by_label["DATE"].f1 == 0.0
    assert span_agreement([], []).f1 == 1.0


def test_partial_matching_uses_each_span_once():
    one_long = [Span(0, 20, "ORG")]
    two_short = [Span(0, 5, "ORG"), Span(10, 20, "ORG")]
    assert span_agreement(one_long, two_short, partial=True).matched == 1


def test_token_tags_follow_the_spans():
    tags = token_tags(tokens_of(TEXT), [Span(0, 15, "CARDINAL"), Span(34, 38, "GPE")])
    assert tags == ["CARDINAL"] * 3 + [OUTSIDE] * 3 + ["GPE"] + [OUTSIDE] * 3


def test_kappa_by_hand():
    # observed 3/4; expected 1/2 * 1/4 + 1/2 * 3/4 = 1/2; kappa = (3/4 - 1/2) / (1/2)
    assert cohen_kappa(list("AABB"), list("ABBB")) == pytest.approx(0.5)
    assert cohen_kappa(list("OOO"), list("OOO")) == 1.0


def test_alpha_by_hand():
    # coincidences: A-A 2, A-B 1, B-A 1, B-B 4; n_A 3, n_B 5, n 8
    # alpha = 1 - (n - 1) * 2 / (2 * 3 * 5) = 1 - 14/30
    units = [["A", "A"], ["A", "B"], ["B", "B"], ["B", "B"], ["A", None]]
    assert krippendorff_alpha(units) == pytest.approx(1 - 14 / 30)
    assert math.isnan(krippendorff_alpha([["A", "A"], ["A", "A"]]))


def test_wilson_interval_by_hand():
    low, high = wilson_interval(8, 10)
    assert (round(low, 4), round(high, 4)) == (0.4902, 0.9433)
    assert wilson_interval(0, 0) == (0.0, 1.0)
    assert wilson_interval(10, 10)[1] == pytest.approx(1.0)
    assert wilson_interval(0, 10)[0] == 0.0


tag_lists = st.integers(min_value=2, max_value=60).flatmap(
    lambda n: st.tuples(*[st.lists(st.sampled_from("OABC"), min_size=n, max_size=n)] * 2))


@pytest.mark.filterwarnings("ignore::sklearn.exceptions.UndefinedMetricWarning")
@pytest.mark.filterwarnings("ignore:A single label was found")  # scikit-learn, same cases
@settings(max_examples=200, deadline=None)
@given(tag_lists)
def test_kappa_matches_scikit_learn(pair):
    first, second = pair
    ours = cohen_kappa(first, second)
    theirs = cohen_kappa_score(first, second)
    if math.isnan(theirs):  # scikit-learn's 0/0 where both use one tag only
        assert ours in (0.0, 1.0)
    else:
        assert ours == pytest.approx(theirs, abs=1e-9)


codes = st.lists(st.lists(st.sampled_from(["O", "A", "B", None]), min_size=3, max_size=3),
                 min_size=2, max_size=40)


@settings(max_examples=200, deadline=None)
@given(codes)
def test_alpha_matches_the_krippendorff_package(units):
    pairable = [unit for unit in units if sum(v is not None for v in unit) >= 2]
    if len({v for unit in pairable for v in unit if v is not None}) < 2:
        assert math.isnan(krippendorff_alpha(units))  # nothing varies: undefined
        return  # (the package refuses data with a single value)
    index = {"O": 0, "A": 1, "B": 2}
    matrix = numpy.array([[numpy.nan if v is None else index[v] for v in unit]
                          for unit in units], dtype=float).T  # coders x units
    theirs = krippendorff.alpha(reliability_data=matrix, level_of_measurement="nominal")
    assert krippendorff_alpha(units) == pytest.approx(theirs, abs=1e-9)


def test_per_label_tags():
    assert binary_tags(["A", "B", "O", "A"], "A") == ["A", OUTSIDE, OUTSIDE, "A"]


def test_agreement_report_by_hand():
    from annotate.agreement import agreement_report
    ana = [Span(0, 15, "CARDINAL"), Span(34, 38, "GPE")]
    ben = [Span(10, 15, "CARDINAL"), Span(34, 38, "GPE")]
    report = agreement_report([(TEXT, {"ana": ana, "ben": ben}),
                               ("Lyon only.", {"ana": [Span(0, 4, "GPE")]})], tokens_of)
    assert report.documents == 1 and report.annotators == ("ana", "ben")
    [pair] = report.pairs
    assert (pair.first, pair.second, pair.documents) == ("ana", "ben", 1)
    assert pair.exact.f1 == pytest.approx(0.5) and pair.partial.f1 == 1.0
    # tokens: Well over 7,500 people marched in Lyon on Tuesday . -> ana tags 3 CARDINAL,
    # ben tags 1; they differ on 2 of 10 tokens
    first = ["CARDINAL"] * 3 + ["O"] * 3 + ["GPE"] + ["O"] * 3
    second = ["O", "O", "CARDINAL"] + ["O"] * 3 + ["GPE"] + ["O"] * 3
    assert pair.kappa == pytest.approx(cohen_kappa_score(first, second))
    assert report.alpha == pytest.approx(krippendorff_alpha(list(map(list, zip(first, second)))))
    labels = {entry.label: entry for entry in report.labels}
    assert labels["GPE"].exact_f1 == 1.0 and labels["GPE"].kappa == 1.0
    assert labels["CARDINAL"].exact_f1 == 0.0
