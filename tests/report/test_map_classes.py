"""The classes of a map: thresholds at the display precision, French legends, displayed values."""

from __future__ import annotations

import numpy as np
import pytest

from analysis.core.formatting import round_half_up
from analysis.report import map_classes

NBSP = "\u00a0"
NNBSP = "\u202f"


def test_classify_labels_are_french_and_cover_all_values():
    x = np.array([3.0, 7.5, 12.0, 18.0, 20.0, 25.0, np.nan])
    thresholds, labels, idx = map_classes.classify(x, scheme="fixed", bins=[5, 10, 20], unit="ratio")
    assert labels == ["moins de 5", "de 5 à 10", "de 10 à 20", "20 et plus"]
    assert list(idx) == [0, 1, 2, 2, 3, 3, -1]  # 20 is in "20 et plus"
    _, labels, _ = map_classes.classify([2.0, 55.0], scheme="fixed", bins=[10, 20], unit="%")
    assert labels == [f"moins de 10{NBSP}%", f"de 10 à 20{NBSP}%", f"20{NBSP}% et plus"]
    rng = np.random.default_rng(1)
    for scheme in ("quantiles", "natural_breaks", "equal_interval"):
        v = rng.uniform(0, 100, 101)
        thresholds, labels, idx = map_classes.classify(v, scheme=scheme, k=5)
        assert len(labels) == len(thresholds) + 1 <= 5
        assert (idx >= 0).all() and idx.max() == len(labels) - 1
        t = np.asarray(thresholds)
        assert (t == np.round(t)).all()  # whole numbers at the display precision for %
        for i, raw in enumerate(v):  # each value, as displayed (whole %), is within its class's bounds
            val = float(round_half_up(raw))
            lo = -np.inf if idx[i] == 0 else t[idx[i] - 1]
            hi = np.inf if idx[i] == len(t) else t[idx[i]]
            assert lo <= val < hi


def test_classify_uses_displayed_values():
    # 2,96 élèves par terminal reads "3,0": it belongs to "de 3 à 4", not to "moins de 3"
    _, labels, idx = map_classes.classify([2.96, 2.94, 3.5], scheme="fixed", bins=[3, 4], unit="ratio")
    assert [labels[i] for i in idx] == ["de 3 à 4", "moins de 3", "de 3 à 4"]
    _, _, idx = map_classes.classify([74.5, 74.4], scheme="fixed", bins=[75], unit="%")
    assert list(idx) == [1, 0]  # 74,5 % reads "75 %" (half up)


def test_classify_nice_thresholds_and_degenerate_cases():
    assert map_classes.nice_threshold(41.3, 58.7) == 50
    assert map_classes.nice_threshold(0.2, 0.8) == 0.5
    assert map_classes.nice_threshold(5, 5) is None
    thresholds, labels, _ = map_classes.classify([50.0, 50.0, 50.0], k=4)
    assert thresholds == [] and labels == [f"50{NBSP}%"]
    thresholds, labels, idx = map_classes.classify([np.nan, np.nan])
    assert thresholds == [] and labels == [] and list(idx) == [-1, -1]
    _, labels, _ = map_classes.classify([1000, 5000, 25000, 63059], k=3, unit="count")
    assert labels[-1] == f"50{NNBSP}000 et plus"
    with pytest.raises(ValueError):
        map_classes.classify([1, 2], scheme="jenks")


