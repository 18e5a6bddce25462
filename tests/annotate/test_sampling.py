import random

import pytest
from hypothesis import given, strategies as st

from annotate.sampling import stratified_sample

WORK = [("ana", f"a{i}") for i in range(60)] + [("ben", f"b{i}") for i in range(30)] + \
       [("cem", "c0"), ("cem", "c1")]


def test_same_seed_same_sample_whatever_the_order():
    shuffled = WORK[:]
    random.Random(1).shuffle(shuffled)
    assert stratified_sample(WORK, n=10, seed=7) == stratified_sample(shuffled, n=10, seed=7)
    assert stratified_sample(WORK, n=10, seed=7) != stratified_sample(WORK, n=10, seed=8)


def test_every_annotator_is_represented_in_proportion():
    sample = stratified_sample(WORK, n=10, seed=3)
    per = {who: sum(k.startswith(who[0]) for k in sample) for who in ("ana", "ben", "cem")}
    assert sum(per.values()) == 10
    assert per == {"ana": 6, "ben": 3, "cem": 1}  # 60:30:2 of 92, cem at least one


def test_fraction_and_limits():
    assert len(stratified_sample(WORK, fraction=0.5, seed=0)) == 46
    assert len(stratified_sample(WORK, n=1, seed=0)) == 3  # one each beats a total of one
    assert sorted(stratified_sample(WORK, n=500, seed=0)) == sorted(k for _, k in WORK)
    with pytest.raises(ValueError, match="either"):
        stratified_sample(WORK, n=3, fraction=0.1)


@given(st.lists(st.tuples(st.sampled_from("abcd"), st.integers(0, 10**6)),
                unique_by=lambda item: item[1], max_size=80),  # keys: annotation ids
       st.integers(1, 100), st.integers(0, 5))
def test_samples_are_subsets_covering_every_stratum(items, n, seed):
    sample = stratified_sample(items, n=n, seed=seed)
    keys = [k for _, k in items]
    assert len(sample) == len(set(sample)) and set(sample) <= set(keys)
    strata = {s for s, _ in items}
    assert len(sample) == min(len(items), max(n, len(strata)))
    for stratum in strata:
        assert any(k in sample for s, k in items if s == stratum)
