"""Purchase evidence against a per-meter reference that follows the module's rules line by line."""

import math

import numpy as np
import pytest

from wattwatch.core import purchases as P
from wattwatch.core.purchases import purchase_evidence


def random_entries(rng, n_rows=12, n=60, days=300):
    grow = rng.random(n) < 0.5
    return dict(
        row=rng.integers(-1, n_rows, n),
        probability=np.where(rng.random(n) < 0.05, np.nan, rng.random(n)),
        day=rng.integers(0, days, n),
        lamp_kw=np.where(grow, rng.choice([0.0, 0.6, 1.2, 4.8], n), 0.0),
        n_lamps=np.where(grow, rng.integers(0, 9, n), 0).astype(float),
        kit_items=np.where(grow & (rng.random(n) < 0.5), rng.integers(1, 4, n), 0).astype(float),
        ordinary_items=np.where(~grow, rng.integers(1, 30, n), 0).astype(float),
        is_cash=rng.random(n) < 0.6,
        store=rng.integers(0, 5, n),
    ), np.where(rng.random(n_rows) < 0.7, rng.integers(0, days, n_rows), -1)


def naive(entries, onset, r):
    idx = [i for i in range(len(entries["row"])) if entries["row"][i] == r]
    p = {i: min(max(0.0 if math.isnan(entries["probability"][i]) else entries["probability"][i], 0.0), 1.0) for i in idx}
    kw = sum(p[i] * entries["lamp_kw"][i] for i in idx)
    lamps = sum(p[i] * entries["n_lamps"][i] for i in idx)
    kit = sum(p[i] * entries["kit_items"][i] for i in idx)
    ordinary = sum(p[i] * entries["ordinary_items"][i] for i in idx)
    grow = [i for i in idx if entries["lamp_kw"][i] > 0 or entries["kit_items"][i] > 0]
    stores = {entries["store"][i] for i in grow}
    cash_share = sum(entries["is_cash"][i] for i in grow) / len(grow) if grow else math.nan
    leads = [onset[r] - entries["day"][i] for i in grow if onset[r] >= 0 and 0 <= onset[r] - entries["day"][i] <= P.TIMING_DAYS]
    strength = 1 - math.exp(-kw / P.KW_SCALE)
    strength = 1 - (1 - strength) * (1 - P.KIT_WEIGHT * (1 - math.exp(-kit / P.KIT_SCALE)))
    if ordinary >= P.ORDINARY_MIN_ITEMS:
        strength *= (lamps + kit) / (ordinary + lamps + kit)
    split = len(stores) >= 2 or len(grow) >= 3
    gain = 1 + P.CASH_GAIN * (0 if math.isnan(cash_share) else cash_share) + P.SPLIT_GAIN * split
    return dict(
        score=min(max(strength * gain, 0), 1), lamp_kw=kw, n_sales=len(grow), n_stores=len(stores),
        first_day=min((entries["day"][i] for i in grow), default=-1), last_day=max((entries["day"][i] for i in grow), default=-1),
        lead_days=min(leads) if leads else math.nan, cash_share=cash_share,
        link_probability=max((p[i] for i in grow), default=0.0),
    )


@pytest.mark.parametrize("seed", range(10))
def test_matches_the_reference(seed):
    rng = np.random.default_rng(seed)
    entries, onset = random_entries(rng)
    got = purchase_evidence(len(onset), **entries, onset_day=onset)
    for r in range(len(onset)):
        want = naive(entries, onset, r)
        for name, value in want.items():
            assert getattr(got, name)[r] == pytest.approx(value, nan_ok=True, abs=1e-12), (name, r)
        assert got.timed[r] == (not math.isnan(want["lead_days"]))


def test_no_entries():
    entries, onset = random_entries(np.random.default_rng(0), n=0)
    got = purchase_evidence(len(onset), **entries, onset_day=onset)
    assert np.all(got.score == 0) and np.all(got.first_day == -1)


def one(**line):
    base = dict(row=[0], probability=[1.0], day=[100], lamp_kw=[0.0], n_lamps=[0.0], kit_items=[0.0],
                ordinary_items=[0.0], is_cash=[False], store=[0])
    base.update(line)
    return purchase_evidence(1, **{k: np.asarray(v) for k, v in base.items()}, onset_day=np.array([110]))


def test_more_lamps_bought_more_evidence_and_kit_alone_is_weaker():
    small, big = one(lamp_kw=[0.6], n_lamps=[1]), one(lamp_kw=[4.8], n_lamps=[8])
    kit_only = one(kit_items=[8])
    assert 0 < small.score[0] < big.score[0]
    assert kit_only.score[0] < one(lamp_kw=[4.8], n_lamps=[8]).score[0]


def test_a_bulk_buyer_of_ordinary_lighting_is_discounted():
    grower = one(lamp_kw=[2.4], n_lamps=[4])
    electrician = one(lamp_kw=[2.4], n_lamps=[4], ordinary_items=[200])
    assert electrician.score[0] == pytest.approx(grower.score[0] * 4 / 204)  # keeps the grow share of its items
    household_bulbs = one(lamp_kw=[2.4], n_lamps=[4], ordinary_items=[6])  # a family buying bulbs: no trade
    assert household_bulbs.score[0] == grower.score[0]


def test_timing_before_the_onset_and_weak_links():
    assert one(lamp_kw=[2.4], day=[100]).timed[0]  # 10 days before the onset at 110
    assert not one(lamp_kw=[2.4], day=[20]).timed[0]  # 90 days before: too early
    assert not one(lamp_kw=[2.4], day=[115]).timed[0]  # after the onset
    assert one(lamp_kw=[2.4], probability=[0.2]).score[0] < one(lamp_kw=[2.4]).score[0]
