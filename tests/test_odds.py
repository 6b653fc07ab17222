import numpy as np
import pytest

from nbaprops.predict.odds import implied_probability, over_under_probabilities, payout


def test_american_odds_arithmetic() -> None:
    assert implied_probability(-110) == pytest.approx(110 / 210)
    assert implied_probability(150) == pytest.approx(0.4)
    assert payout(-110) == pytest.approx(100 / 110)
    assert payout(150) == pytest.approx(1.5)
    assert payout(100) == pytest.approx(1.0)


def test_half_point_line_splits_probability_with_no_push() -> None:
    p_over, p_under = over_under_probabilities(np.array([20.5]), np.array([5.0]), np.array([20.5]))
    assert p_over[0] == pytest.approx(0.5)
    assert p_over[0] + p_under[0] == pytest.approx(1.0)


def test_whole_line_leaves_room_for_a_push() -> None:
    p_over, p_under = over_under_probabilities(np.array([20.0]), np.array([5.0]), np.array([20.0]))
    assert p_over[0] == pytest.approx(p_under[0])
    assert 0.05 < 1.0 - p_over[0] - p_under[0] < 0.1  # P(exactly 20) under Normal(20, 5)


def test_higher_mean_means_higher_p_over() -> None:
    p_low, _ = over_under_probabilities(np.array([18.0]), np.array([5.0]), np.array([20.5]))
    p_high, _ = over_under_probabilities(np.array([23.0]), np.array([5.0]), np.array([20.5]))
    assert p_low[0] < 0.5 < p_high[0]
