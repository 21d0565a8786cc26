"""What a lead says: the signals that fired for one meter, each with a plain-language sentence and its numbers.

Only non-personal facts appear here (dates, kW, hours, ratios, category, city); names, phones and addresses never do.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from wattwatch.core.absence import AbsenceResult
from wattwatch.core.comovers import ComoverFall
from wattwatch.core.fusion import AGRICULTURAL, INCREASE_SCALE, FusedScores
from wattwatch.core.lookalike_season import DARK_DAYS, EARLY_DAYS
from wattwatch.core.night_band import NIGHT_HOURS
from wattwatch.core.peers import SHAPE_FEATURES
from wattwatch.core.photoperiod import NO_CYCLE_KEEP, runs_without_cycle, season_of, seasons_kept
from wattwatch.core.seasonal_fall import PRIOR_HIGH, PRIOR_LOW
from wattwatch.core.switching import DEEP, MIN_SPELL_DAYS, WINDOW_DAYS
from wattwatch.scan.evidence import Evidence
from wattwatch.schema import CATEGORIES

MIN_SHOWN = 0.1  # a part of the score under this is not worth a line
LIKELY_LOOKALIKE = 0.5  # a look-alike at or above this is reported as a possible innocent cause
ABSENCE_SHOWN = 0.5  # a drop an absence explains at least this well says so (fusion has already discounted it)
SEASON_SHOWN = 0.2  # ... and one its own seasons explain this well (core.seasonal_fall)
SEASON_PART_SHOWN = 0.25  # each of the two seasonal signs named when it carries at least this much
COMOVERS_SHOWN = 0.2  # ... and one the premises most like it explain this well by falling too (core.comovers)
MONTHLY_READS = "monthly_reads"
#: Every signal a lead can carry, declared once with what it means (docs/detectors.md is tested against this).
SIGNALS: dict[str, str] = {
    "grow_lights": "a daily lamp block of about 12, 18 or 20 h at a fixed clock time, with sharp edges and a flat plateau",
    "strange_increase": "a lasting rise against the premises' own history (and the same weeks last year)",
    "peer_outlier": "far more use than premises of the same category, size and city",
    "lamp_purchases": "grow lamps or grow kit bought by a buyer linked to the premises, above all just before a rise",
    "bypass_with_lights": "the metered level fell while lamp blocks appeared: lamps wired past the meter",
    "sustained_drop": "a lasting fall against the premises' own history and its peers",
    "night_drop": f"a lasting fall of the night hours' use alone ({NIGHT_HOURS[0]:02d}:00-{NIGHT_HOURS[1]:02d}:00): "
                  "a bypass connected at night",
    "switched_drop": "use switching between a high level and a far lower one in spells of days since a change: a "
                     "bypass switched in and out",
    "flat_meter": "a meter stuck flat or at zero for weeks after normal use",
    "feeder_loss": "the feeder's unmetered energy rose when this meter fell",
    "greenhouse": "an agricultural premises with lighting: likely a licensed greenhouse (down-weighted)",
    MONTHLY_READS: "the meter is read monthly: levels only, weaker evidence",
}
SEASONAL_SHARE = 0.5  # under this share of the rise new against last year, the rise reads as seasonal


@dataclass(frozen=True)
class Finding:
    signal: str  # a key of SIGNALS
    strength: float  # the part's contribution in [0, 1], for ordering
    text: str

    def __post_init__(self) -> None:
        if self.signal not in SIGNALS:
            raise ValueError(f"unknown signal {self.signal!r}")


@dataclass(frozen=True)
class ChartMarks:
    """What the daily chart marks: the change day (index, -1 none) and the levels either side (kWh/day)."""

    change_day: int
    level_before: float
    level_after: float


def _day(ev: Evidence, index: int) -> str:
    return ev.daily.day(int(index)).isoformat()


def _clock(hour: float) -> str:
    minutes = int(round(hour * 60)) % (24 * 60)
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


def lighting_finding(ev: Evidence, fused: FusedScores, i: int) -> Finding | None:
    if fused.lighting[i] < MIN_SHOWN:
        return None
    p = ev.lighting
    text = (
        f"Lamp-like block: about {p.hours_on[i]:.0f} h on from {_clock(p.on_hour[i])} on {p.n_block_days[i]} days "
        f"from {_day(ev, p.first_block_day[i])} to {_day(ev, p.last_block_day[i])}, "
        f"{p.coverage[i]:.0%} of days incl. weekends; {p.lamp_kw[i]:.1f} kW switched at sharp edges"
    )
    if p.in_added_load[i]:
        text += (f" in the load added since {_day(ev, ev.increase.change_day[i])}, beside the premises' own daily "
                 "schedule")
    if p.switch_day[i] >= 0:
        text += f"; switched from 18 h to 12 h on {_day(ev, p.switch_day[i])} (flowering)"
    if p.n_gap_days[i] > 0:
        text += f"; {p.n_gap_days[i]} dark days in gaps (harvests)"
    if runs_without_cycle(p.first_block_day[i], p.last_block_day[i], p.n_gap_days[i], p.switch_day[i]):
        text += (f"; but {p.last_block_day[i] - p.first_block_day[i] + 1} days with no switch or harvest gap, as a "
                 f"pump's, greenhouse's or building's schedule runs (a grow cycles): counted at {NO_CYCLE_KEEP:.0%}")
    text += "; the block is new (weeks without it before)" if fused.new_block[i] else "; present from the start"
    season = season_of(p, i)
    if season > 0:
        text += f", but {_block_season_reason(p, i)}, as a pool or irrigation pump's season does: counted at " \
                f"{seasons_kept(season):.0%}"
    if fused.season_kept[i] < 1.0:
        text += (f"; the rise that began with it is {SEASONAL_RETURN} ({_season_return_reason(ev, i)}): the block "
                 f"counted at a further {fused.season_kept[i]:.0%}")
    if fused.coherent[i] and fused.switching[i] < 1.0:
        text += (f"; but the rise that began with it is smooth ({_smooth_rise(ev, i)}), a thermostat's block: "
                 f"counted at {fused.switching[i]:.0%}")
    return Finding("grow_lights", float(fused.lighting[i]), text + ".")


def increase_finding(ev: Evidence, fused: FusedScores, i: int) -> Finding | None:
    inc = ev.increase
    if fused.increase[i] < MIN_SHOWN or inc.change_day[i] < 0:
        return None
    text = (
        f"Daily use rose from {inc.level_before[i]:.1f} to {inc.level_after[i]:.1f} kWh/day "
        f"({inc.added_kw[i]:+.2f} kW around the clock) from {_day(ev, inc.change_day[i])}, "
        f"above halfway to the new level on {inc.persistence[i]:.0%} of {inc.n_days_after[i]} days since"
    )
    if math.isnan(inc.yoy_ratio[i]):
        text += "; no year-ago data"
    elif inc.season_share[i] < SEASONAL_SHARE:
        text += f"; likely seasonal: {inc.yoy_ratio[i]:.1f}x the same weeks last year"
    else:
        text += f"; {inc.yoy_ratio[i]:.1f}x the same weeks last year"
    if fused.coherent[i] and fused.lighting[i] >= MIN_SHOWN:
        text += "; the rise began with the lamp block"
    if fused.switching[i] < 1.0:
        text += (f"; but {_smooth_rise(ev, i)}, as heating or cooling that follows the weather adds, not lamps "
                 f"switching on and off: counted at {fused.switching[i]:.0%}")
    return Finding("strange_increase", float(fused.increase[i]), text + ".")


def _smooth_rise(ev: Evidence, i: int) -> str:
    """The measure behind fused.switching (core.fusion: lamps switch)."""
    return (f"the day it added never steps: its largest hour-to-hour change is {ev.lookalikes.added_edge[i]:.0%} of "
            "its range")


def peer_finding(ev: Evidence, fused: FusedScores, i: int) -> Finding | None:
    pr = ev.peers
    if fused.peers[i] < MIN_SHOWN:
        return None
    where = {0: "in its city", 1: "nationally", 2: "of any size"}.get(int(pr.group_level[i]), "")
    category = CATEGORIES[ev.info.category[i]] if ev.info.category[i] >= 0 else "premises"
    text = (
        f"Uses {pr.level_ratio[i]:.1f}x the typical {category} premises of its size {where} "
        f"({pr.level_kwh_day[i]:.0f} kWh/day; {pr.peer_size[i]} peers)"
    )
    if pr.shape_feature[i] >= 0 and abs(pr.shape_z[i]) >= 3:
        text += f"; unusual {SHAPE_FEATURES[pr.shape_feature[i]].replace('_', ' ')} for its peers"
    return Finding("peer_outlier", float(fused.peers[i]), text + ".")


def purchase_finding(ev: Evidence, fused: FusedScores, i: int) -> Finding | None:
    pu = ev.purchases
    if pu is None or fused.purchases[i] < MIN_SHOWN:
        return None
    text = (
        f"Linked purchases: {pu.lamp_kw[i]:.1f} kW of grow lamps ({pu.n_lamps[i]:.0f} lamps) and "
        f"{pu.kit_items[i]:.0f} other grow-kit items in {pu.n_sales[i]} sale lines at {pu.n_stores[i]} shop(s), "
        f"{pu.cash_share[i]:.0%} cash, {_day(ev, pu.first_day[i])} to {_day(ev, pu.last_day[i])}"
    )
    if pu.timed[i]:
        text += f"; the last {pu.lead_days[i]:.0f} days before the lamps came on or use rose"
    text += f" (link probability {pu.link_probability[i]:.2f})"
    return Finding("lamp_purchases", float(fused.purchases[i]), text + ".")


def drop_finding(ev: Evidence, fused: FusedScores, i: int) -> Finding | None:
    d = ev.drop
    if fused.drop[i] < MIN_SHOWN or d.change_day[i] < 0:
        return None
    text = (
        f"Daily use fell from {d.level_before[i]:.1f} to {d.level_after[i]:.1f} kWh/day ({-d.lost_kw[i]:+.2f} kW) "
        f"from {_day(ev, d.change_day[i])} and stayed low in {d.persistence[i]:.0%} of weeks since"
    )
    if not math.isnan(d.peer_ratio[i]):
        text += f"; now {d.peer_ratio[i]:.2f}x what similar premises use"
    text += _absence_note(ev.absence, i, "It", "its") + _seasonal_note(ev, i) + _comover_note(ev.comover_fall, i)
    return Finding("sustained_drop", float(fused.drop[i]), text + ".")


def _absence_note(a: AbsenceResult, i: int, subject: str, whose: str) -> str:
    """The sentence a fall that came back up earns (core.absence), or nothing."""
    if a.explained[i] < ABSENCE_SHOWN:
        return ""
    return (f". {subject} came back up to {a.rebound[i]:.1f}x {whose} lowest week ({a.recovered[i]:.0%} of the old "
            "level): more like a vacation, a change of occupant or an empty season than a bypass, so the fall counts "
            "for less")


def night_drop_finding(ev: Evidence, fused: FusedScores, i: int) -> Finding | None:
    n = ev.night_drop
    if fused.night_drop[i] < MIN_SHOWN or n.change_day[i] < 0:
        return None
    start, end = NIGHT_HOURS
    text = (  # the night series is scaled to a whole day (core.night_band): /24 gives the night hours' mean kW
        f"Use in the night hours ({start:02d}:00-{end:02d}:00) fell from {n.level_before[i] / 24:.2f} to "
        f"{n.level_after[i] / 24:.2f} kW ({n.ratio[i]:.0%} of before) from {_day(ev, n.change_day[i])} and stayed "
        f"low in {n.persistence[i]:.0%} of weeks since"
    )
    if fused.drop[i] < fused.night_drop[i]:
        text += "; the whole day's use fell less, as when part of the supply bypasses the meter at night"
    text += _absence_note(ev.night_absence, i, "The nights", "their")
    explained = ev.night_seasonal_fall.explained[i]
    if explained >= SEASON_SHOWN:
        text += (f". Its nights followed the population's night-time seasons (heating or cooling at night), which "
                 f"explain {explained:.0%} of it, so the fall counts for less")
    return Finding("night_drop", float(fused.night_drop[i]), text + ".")


def switched_drop_finding(ev: Evidence, fused: FusedScores, i: int) -> Finding | None:
    s = ev.switched
    if fused.switched_drop[i] < MIN_SHOWN or s.fall.change_day[i] < 0:
        return None
    text = (
        f"From {_day(ev, s.fall.change_day[i])} daily use switches between a high and a far lower level: "
        f"{s.low_spells[i]} spells of {MIN_SPELL_DAYS} days or more under {DEEP:.0%} of the high days' level in the "
        f"{WINDOW_DAYS // 7} weeks after, with high days between them; {s.lost_kw[i]:.2f} kW less on average than "
        "the same weekdays before, as when a bypass is connected some weeks and not others"
    )
    if fused.drop[i] < fused.switched_drop[i]:
        text += "; the weekly levels go up and down, so as a lasting fall it counts for little"
    explained = ev.switched_seasonal_fall.explained[i]
    if explained >= SEASON_SHOWN:
        text += f". Its own seasons explain {explained:.0%} of the low level, so it counts for less"
    text += _comover_note(ev.switched_comover_fall, i)
    return Finding("switched_drop", float(fused.switched_drop[i]), text + ".")


def _comover_note(c: ComoverFall, i: int) -> str:
    explained = 1.0 - c.unexplained[i]
    if explained < COMOVERS_SHOWN:
        return ""
    return (f". The {c.n_comovers[i]} premises of its category whose weeks moved most like its own before fell to "
            f"{c.comover_ratio[i]:.0%} across the same days (a calendar they share: a school's holidays, a closing "
            f"month), which explains {explained:.0%} of it, so the fall counts for less")


def _seasonal_note(ev: Evidence, i: int) -> str:
    s = ev.seasonal_fall
    if s.explained[i] < SEASON_SHOWN:
        return ""
    signs = []  # (weight, words)
    if not math.isnan(s.seasonal_share[i]):
        signs.append((s.seasonal_share[i], "its level followed the population's seasons, which predict "
                                           f"{s.seasonal_share[i]:.0%} of the fall"))
    if s.prior_low_day[i] >= 0 and not math.isnan(s.prior_ratio[i]):
        signs.append(((s.prior_ratio[i] - PRIOR_LOW) / (PRIOR_HIGH - PRIOR_LOW),
                      f"it fell to {s.prior_ratio[i]:.0%} of its lowest earlier level (the 8 weeks from "
                      f"{_day(ev, s.prior_low_day[i])}), close to what it used then"))
    shown = [words for weight, words in signs if weight >= SEASON_PART_SHOWN] or [max(signs)[1]]
    said = "; ".join(shown)
    return (f". {said[0].upper()}{said[1:]}: heating or cooling switched off, a school's summer or a season's work"
            f" ending explain {s.explained[i]:.0%} of it, so the fall counts for less")


def flat_finding(ev: Evidence, fused: FusedScores, i: int) -> Finding | None:
    d = ev.drop
    if fused.flat[i] < MIN_SHOWN or d.flat_start[i] < 0:
        return None
    text = (
        f"Meter flat at {d.flat_level[i]:.2f} kWh/day for {d.flat_days[i]} days from {_day(ev, d.flat_start[i])}, "
        f"after {d.flat_prior_level[i]:.1f} kWh/day before: stuck or bypassed"
    )
    text += " (the old level came back: possibly an empty home)" if d.flat_returned[i] else ""
    return Finding("flat_meter", float(fused.flat[i]), text + ".")


def feeder_finding(ev: Evidence, fused: FusedScores, i: int) -> Finding | None:
    f = ev.feeder
    if f is None or fused.feeder[i] < MIN_SHOWN or ev.info.feeder[i] < 0:
        return None
    row = int(ev.info.feeder[i])
    text = (
        f"Feeder {ev.feeders.feeder_ids[row]}: unmetered energy rose by {f.excess_kwh_per_day[row]:.0f} kWh/day "
        f"from {_day(ev, f.change_day[row])} (losses {f.loss_share_before[row]:.1%} -> {f.loss_share_after[row]:.1%}); "
        f"this meter's fall explains {f.explained_share[i]:.0%} of it"
    )
    return Finding("feeder_loss", float(fused.feeder[i]), text + ".")


def bypass_finding(ev: Evidence, fused: FusedScores, i: int) -> Finding | None:
    if not fused.bypass_with_lights[i]:
        return None
    return Finding(
        "bypass_with_lights", float(fused.theft[i]),
        "Metered use fell while lamp blocks appeared: lamps likely wired past the meter.",
    )


def greenhouse_finding(ev: Evidence, fused: FusedScores, i: int) -> Finding | None:
    agricultural_buyer = (ev.purchases is not None and ev.purchases.score[i] >= MIN_SHOWN
                          and ev.info.category[i] == AGRICULTURAL)
    if fused.greenhouse[i] < LIKELY_LOOKALIKE and not agricultural_buyer:
        return None
    return Finding(
        "greenhouse", 0.0,
        "Agricultural premises with lighting or lamp purchases: likely a licensed greenhouse (grow evidence "
        "down-weighted).",
    )


def lookalike_text(ev: Evidence, fused: FusedScores, i: int) -> str | None:
    """Which innocent causes were considered, and why each was ruled out or not (grow-like leads only)."""
    if fused.grow[i] < MIN_SHOWN:
        return None
    reasons = _lookalike_reasons(ev, i)
    likely = [f"{name} ({why})" for name, (p, why) in reasons.items() if p >= LIKELY_LOOKALIKE]
    ruled_out = [f"{name} ({why})" for name, (p, why) in reasons.items() if p < LIKELY_LOOKALIKE]
    parts = []
    if likely:
        parts.append("Could also be: " + "; ".join(likely) + ".")
    if ruled_out:
        parts.append("Considered and ruled out: " + "; ".join(ruled_out) + ".")
    return " ".join(parts)


def explained_rise_text(ev: Evidence, fused: FusedScores, i: int) -> str | None:
    """A rise worth a line that look-alikes explained away (so no strange_increase signal): what rose and what
    explains it, so a premises whose use jumped says why it is not a lead."""
    inc = ev.increase
    raw = inc.score[i] / INCREASE_SCALE
    if inc.change_day[i] < 0 or raw < MIN_SHOWN or fused.increase[i] >= MIN_SHOWN:
        return None
    reasons = _lookalike_reasons(ev, i)
    if fused.coherent[i]:  # a rise that began with lamps: only these two explain it (core.fusion)
        reasons = {name: reasons[name] for name in (GROWTH, SEASONAL_RETURN)}
    causes = [f"{name} ({why})" for name, (p, why) in reasons.items() if p >= LIKELY_LOOKALIKE]
    if fused.switching[i] <= 1.0 - LIKELY_LOOKALIKE:
        causes.append(f"heating or cooling that follows the weather ({_smooth_rise(ev, i)})")
    if not causes:
        return None
    return (f"Daily use rose from {inc.level_before[i]:.1f} to {inc.level_after[i]:.1f} kWh/day from "
            f"{_day(ev, inc.change_day[i])}, explained as {'; '.join(causes)}: not counted as grow evidence.")


GROWTH = "business growth"
SEASONAL_RETURN = "an appliance back with its season (a pool or irrigation pump, air conditioning)"


def _lookalike_reasons(ev: Evidence, i: int) -> dict[str, tuple[float, str]]:
    """Each non-greenhouse look-alike's likelihood for meter i and the measure that rules it in or out."""
    la = ev.lookalikes
    return {
        "crypto mining": (la.crypto[i], f"added load night/day {_ratio(la.added_night_kw[i], la.added_day_kw[i])}, "
                                        f"flatness {_num(la.added_flatness[i], '.2f')} (mining is flat 24/7)"),
        "EV charging": (la.ev[i], f"charging-like sessions on {_num(la.ev_day_share[i], '.0%')} of days"),
        "night shift": (la.night_shift[i], f"weekday/weekend night ratio {_num(la.weekday_night_ratio[i], '.2f')}"),
        "electric heating/cooling": (la.heating[i], _heating_reason(la, i)),
        GROWTH: (la.growth[i], f"old shape kept {_num(la.added_shape_corr[i], '.2f')}"),
        "an appliance on a timer (storage or water heater, a pump, an EV)": (la.timed_load[i], _timer_reason(la, i)),
        SEASONAL_RETURN: (la.seasonal_return[i], _season_return_reason(ev, i)),
    }


def _timer_reason(la, i: int) -> str:
    """The window the timed load was measured on: the load a rise added, or (without a rise) the use above peers."""
    if la.timed_by_peers[i]:
        load = f"the use above peers (+{_num(la.peer_excess_kw[i], '.2f')} kW)"
        window = la.peer_excess_window_h[i]
    else:
        load, window = "the added load", la.added_window_h[i]
    return f"{load} fits in {_num(window, '.1f')} h of the day; lamps burn 12 h or more"


def _heating_reason(la, i: int) -> str:
    """Heating follows the season, or repeats last year's weeks with the months between off (core.lookalikes): both
    measures, the second where it was taken."""
    corr = f"correlation with the season {_num(la.season_corr[i], '.2f')}"
    return "; ".join([corr, _year_repeat_reason(la, i)]) if not math.isnan(la.year_repeat[i]) else corr


def _year_repeat_reason(la, i: int) -> str:
    """The rise's level the same weeks a year before, and how many of the weeks before the rise were at the old level
    (an off season)."""
    return (f"the same weeks a year before had {la.year_repeat[i]:.0%} of the rise; "
            f"{_num(la.off_season_share[i], '.0%')} of the {la.off_season_weeks[i]} weeks before it at the old level")


def _block_season_reason(p, i: int) -> str:
    """Why the photoperiod took a block for a season's appliance (core.photoperiod.block_season): the share of its
    days a year before, its earlier run and the dark season since, or its one season and the dark days after it,
    whichever counted more."""
    if p.one_season[i] and p.year_repeat[i] < 1.0 and not p.back_after_dark[i]:
        cycle = f"a pause of {p.n_gap_days[i]} days and no switch" if p.n_gap_days[i] else "no switch or harvest gap"
        return (f"after {p.last_block_day[i] - p.first_block_day[i] + 1} days with {cycle} it has been dark the last "
                f"{p.dark_since[i]} days")
    if p.year_repeat[i] >= float(p.back_after_dark[i]):
        return f"{p.year_repeat[i]:.0%} of its days had the same block a year before, with weeks dark in between"
    return (f"the same block ran {p.earlier_block_days[i]} days before and was dark for {p.days_without_before[i]} "
            "days until it came back")


def _season_return_reason(ev: Evidence, i: int) -> str:
    """What the seasonal return measured: the rise's level a year before and the weeks before it (or, on data under a
    year, the data's first weeks and the weeks before it), and the block's season (a year before or after a dark
    season), each where it was measured (the likelihood takes the larger)."""
    la = ev.lookalikes
    parts = []
    if not math.isnan(la.year_repeat[i]):
        parts.append(_year_repeat_reason(la, i))
    if not math.isnan(la.early_repeat[i]):
        parts.append(f"the data's first {EARLY_DAYS // 7} weeks had {la.early_repeat[i]:.0%} of the rise; "
                     f"{_num(la.early_dark_share[i], '.0%')} of the {DARK_DAYS // 7} weeks before it at the old level")
    if la.block_season[i] > 0:
        parts.append(f"the lamp-like block: {_block_season_reason(ev.lighting, i)}")
    return "; ".join(parts) or "no year-ago days to compare"


def _num(value: float, spec: str) -> str:
    """A measure for a sentence; 'n/a' where it could not be taken."""
    return "n/a" if math.isnan(value) else format(value, spec)


def _ratio(a: float, b: float) -> str:
    return f"{a / b:.2f}" if b and not math.isnan(a) and not math.isnan(b) and b > 0 else "n/a"


FINDERS = (
    lighting_finding, increase_finding, purchase_finding, bypass_finding, drop_finding, night_drop_finding,
    switched_drop_finding, flat_finding, feeder_finding, peer_finding, greenhouse_finding,
)


#: The findings that are theft evidence; the others are grow evidence (or say what a grow could be instead).
THEFT_SIGNALS = frozenset({"sustained_drop", "night_drop", "switched_drop", "flat_meter", "feeder_loss",
                           "bypass_with_lights"})


def findings_for(ev: Evidence, fused: FusedScores, i: int) -> list[Finding]:
    """The meter's findings: those of the question that gives the lead its score first (theft where its theft score
    is the higher), each question's strongest first. Strengths are each part's evidence before the question's
    weights (a monthly meter's fall weighs half in its theft score), so the order of the parts alone would not say
    which question ranked the lead."""
    found = [f for finder in FINDERS if (f := finder(ev, fused, i)) is not None]
    theft_leads = bool(fused.theft[i] > fused.grow[i])
    found.sort(key=lambda f: ((f.signal in THEFT_SIGNALS) != theft_leads, -f.strength))
    if ev.daily.is_billing[i]:
        found.append(Finding(MONTHLY_READS, 0.0, "Monthly reads: weaker evidence (levels only, no time of day)."))
    return found


#: The parts of the score, in the words a weak lead's explanation uses (FusedScores field -> what it weighs).
SCORE_PARTS = {"lighting": "lamp-like blocks", "increase": "rise", "peers": "use against peers",
               "purchases": "grow-kit purchases", "drop": "fall", "night_drop": "night-time fall",
               "switched_drop": "switched fall", "flat": "stuck meter", "feeder": "feeder loss"}


def weak_evidence_text(fused: FusedScores, i: int) -> str:
    """Why a lead with no signal is in the list at all: its score's parts, none strong enough for a line of its own
    (MIN_SHOWN), so that every lead says why with numbers."""
    parts = [f"{name} {math.floor(100 * getattr(fused, part)[i])}%" for part, name in SCORE_PARTS.items()
             if getattr(fused, part)[i] >= 0.01]  # whole per cent, rounded down: each stays under the threshold
    detail = ": " + ", ".join(parts) if parts else ""
    return (f"Weak evidence only, no part strong enough for a signal (each under {MIN_SHOWN:.0%} of its full "
            f"weight){detail}. Ranked for completeness; not a reason to inspect on its own.")


def estimates(fused: FusedScores, i: int) -> tuple[float | None, float | None]:
    """(lamp kW, unmetered kWh/day) of meter i where its evidence is worth a line, else None."""
    lamp_kw = float(fused.lamp_kw[i]) if not math.isnan(fused.lamp_kw[i]) and fused.lighting[i] >= MIN_SHOWN else None
    unmetered = fused.unmetered_kwh_day[i]
    return lamp_kw, (float(unmetered) if unmetered > 0 and fused.theft[i] >= MIN_SHOWN else None)


def estimates_text(lamp_kw: float | None, unmetered: float | None) -> str | None:
    """The explanation's sentence for estimates() (None when it gave neither)."""
    parts = []
    if lamp_kw is not None:
        parts.append(f"about {lamp_kw:.1f} kW of lamps metered")
    if unmetered is not None:
        parts.append(f"about {unmetered:.0f} kWh/day not reaching the meter")
    return ("Estimate: " + "; ".join(parts) + ".") if parts else None


def chart_marks(ev: Evidence, fused: FusedScores, i: int) -> ChartMarks:
    """Mark the increase on grow-like leads and the fall on theft-like ones (a night-only or a switched fall: its
    day, with no levels: the chart shows whole days, and a switched fall's are its low envelope's)."""
    if fused.theft[i] > fused.grow[i]:
        weight, found = max((fused.night_drop[i], ev.night_drop), (fused.switched_drop[i], ev.switched.fall),
                            key=lambda fall: fall[0])
        if weight > fused.drop[i] and found.change_day[i] >= 0:
            return ChartMarks(int(found.change_day[i]), math.nan, math.nan)
        if ev.drop.change_day[i] >= 0:
            d = ev.drop
            return ChartMarks(int(d.change_day[i]), float(d.level_before[i]), float(d.level_after[i]))
    inc = ev.increase
    return ChartMarks(int(inc.change_day[i]), float(inc.level_before[i]), float(inc.level_after[i]))
