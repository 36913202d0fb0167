"""The sampling primitives of the demo generator: exact counts, independent streams per key, and
draws that follow their weights and scores (small arrays; the national dataset is tested in
test_demo.py)."""

from __future__ import annotations

import numpy as np
import pytest

from analysis.demo import sampling


def test_streams_are_reproducible_and_independent_per_key():
    a = sampling.rng_for(2018, "etic_2d", 2019).random(5)
    assert np.array_equal(a, sampling.rng_for(2018, "etic_2d", 2019).random(5))
    assert not np.array_equal(a, sampling.rng_for(2018, "etic_2d", 2018).random(5))
    assert not np.array_equal(a, sampling.rng_for(7, "etic_2d", 2019).random(5))
    # keys are read as text: 2019 and "2019" are the same stream (stable across platforms)
    assert np.array_equal(a, sampling.rng_for(2018, "etic_2d", "2019").random(5))


def test_top_k_marks_exactly_the_k_largest():
    score = np.array([0.1, 5.0, 3.0, -1.0, 4.0])
    assert sampling.top_k(score, 2).tolist() == [False, True, False, False, True]
    assert sampling.top_k(score, 0).sum() == 0 and sampling.top_k(score, 9).all()
    assert sampling.top_k(score, -3).sum() == 0


def test_pick_draws_exactly_k_and_never_a_zero_weight():
    rng = sampling.rng_for(1, "pick")
    weights = np.array([0.0, 1.0, 1.0, 0.0, 50.0, 1.0])
    chosen = [sampling.pick(rng, weights, 2) for _ in range(200)]
    assert all(c.sum() == 2 and not c[0] and not c[3] for c in chosen)
    assert sum(c[4] for c in chosen) > 190                        # the heavy item is almost always in


@pytest.mark.parametrize("share, n, expected", [(0.5, 3, 2), (0.25, 10, 3), (0.0, 10, 0), (1.2, 10, 10),
                                                (-0.1, 10, 0), (0.05, 10, 1)])
def test_share_count_rounds_half_up_and_clips(share, n, expected):
    assert sampling.share_count(share, n) == expected


def test_allocate_sums_to_the_total_proportionally_with_a_minimum():
    # quotas 2.5, 2.5, 5: the unit left goes to the largest remainder, the first one on a tie
    assert sampling.allocate(10, np.array([1.0, 1.0, 2.0])).tolist() == [3, 2, 5]
    assert sampling.allocate(7, np.array([0.2, 0.5, 0.3])).tolist() == [1, 4, 2]
    floor = sampling.allocate(10, np.array([0.0, 0.0, 1.0]), minimum=2)
    assert floor.tolist() == [2, 2, 6]
    with pytest.raises(ValueError, match="minimum too large"):
        sampling.allocate(3, np.ones(4), minimum=1)


def test_ordinal_gives_exact_counts_in_score_order():
    score = np.array([9.0, 1.0, 5.0, 3.0, 7.0, 2.0, 8.0, 4.0, 6.0, 0.0])
    cats = sampling.ordinal(score, [0.2, 0.3, 0.5])
    assert np.bincount(cats).tolist() == [2, 3, 5]
    assert cats[np.argsort(score)].tolist() == sorted(cats.tolist())      # low score, low category


def test_categorical_follows_each_row_probabilities():
    rng = sampling.rng_for(3, "categorical")
    probs = np.tile([[0.0, 1.0, 0.0], [0.5, 0.0, 0.5]], (500, 1))
    draws = sampling.categorical(rng, probs)
    assert (draws[::2] == 1).all()
    second = draws[1::2]
    assert set(second) == {0, 2} and 200 < (second == 0).sum() < 300


def test_mix_has_unit_variance_and_needs_an_array():
    rng = sampling.rng_for(4, "mix")
    component = rng.standard_normal(20_000)
    score = sampling.mix(rng, (component, 0.6), (1.0, 0.0))
    assert score.std() == pytest.approx(1.0, abs=0.03)
    assert np.corrcoef(score, component)[0, 1] == pytest.approx(0.6, abs=0.03)
    with pytest.raises(ValueError, match="at least one array"):
        sampling.mix(rng, (1.0, 0.5))


def test_solve_intercept_reaches_the_target_of_an_increasing_function():
    a = sampling.solve_intercept(lambda x: sampling.sigmoid(x), 0.8)
    assert sampling.sigmoid(a) == pytest.approx(0.8, abs=1e-9)
