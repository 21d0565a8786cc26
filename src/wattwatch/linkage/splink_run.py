"""Training and running a Splink model on a private in-memory DuckDB, with Splink's logging silenced.

Splink works in its own in-memory database so that no personal value reaches the user's database file, and its
loggers and warnings are muted for the duration: nothing it might print about records can end up in a log.
"""

from __future__ import annotations

import copy
import logging
import warnings
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any, Iterator

import duckdb
import pyarrow as pa
from splink import DuckDBAPI, Linker, block_on

from wattwatch.linkage.models import DETERMINISTIC_RECALL, DETERMINISTIC_RULES, EM_BLOCKS, NULL_COLUMNS
from wattwatch.linkage.settings import LinkageSettings

LINKER_UID = "wattwatch"  # fixed, so that the saved model JSON is the same from run to run
MAX_U_CORRECTION = 0.01
RULE_OF_THREE = 3.0  # a rate never seen in N tries is below 3 / N (95 % upper bound)


@contextmanager
def silenced_splink() -> Iterator[None]:
    """No Splink log record or warning escapes, whatever the application's logging configuration."""
    logger = logging.getLogger("splink")
    level, propagate = logger.level, logger.propagate
    logger.setLevel(logging.CRITICAL + 1)
    logger.propagate = False
    try:
        with warnings.catch_warnings():
            warnings.filterwarnings("ignore", module=r"splink(\.|$)")
            yield
    finally:
        logger.setLevel(level)
        logger.propagate = propagate


@dataclass(frozen=True)
class ModelRun:
    predictions: pa.Table  # unique_id_l, unique_id_r (+ source_dataset_* when linking), match_weight, ...
    clusters: pa.Table | None  # unique_id, cluster_id when a cluster threshold was given
    model: dict[str, Any]  # the trained model, JSON-ready: give it back as `trained` to repeat the run


def _pair_count(rows: list[int], link_type: str) -> int:
    if link_type == "link_only":
        return sum(a * b for i, a in enumerate(rows) for b in rows[i + 1:])
    n = sum(rows)
    return n * (n - 1) // 2


def decontaminate_u(model: dict[str, Any], match_share: dict[str, float], floor: float) -> dict[str, Any]:
    """u values free of the true matches that random pairs contain.

    Random pairs are a mix: u_sampled = s * m + (1 - s) * u, with s the share of true matches among the sampled
    pairs where the field is filled in on both sides. Splink takes u_sampled for u, which is right when s is
    negligible next to u, but not for near-unique keys: two strangers share a phone about as rarely as a random
    pair is a true match (both scale as one over the number of people), and pairs where both sides give a phone are
    far more often matches than pairs in general (repeat buyers leave their phone). Solving for u undoes that, down
    to `floor` (the caller gives three in the number of pairs sampled: the usual upper bound on a rate never seen in
    that many tries). The share is itself a rough estimate, so no u is cut by more than a factor of
    1 / MAX_U_CORRECTION (about 6.6 bits of evidence). A level no sampled pair reached but EM saw among matches
    (the same street and number with the town unstated, in a small register) gets the floor too.
    """
    out = copy.deepcopy(model)
    for comparison in out["comparisons"]:
        s = match_share.get(comparison["output_column_name"], 0.0)
        levels = [lv for lv in comparison["comparison_levels"] if not lv.get("is_null_level")]
        for lv in levels:
            if not _observed(lv.get("u_probability")) and _observed(lv.get("m_probability")):
                lv["u_probability"] = floor
        levels = [lv for lv in levels if _observed(lv.get("u_probability"))]
        fixed = [lv["u_probability"] if lv.get("m_probability") is None else
                 max((lv["u_probability"] - s * lv["m_probability"]) / (1 - s), lv["u_probability"] * MAX_U_CORRECTION,
                     min(lv["u_probability"], floor))
                 for lv in levels]
        for lv, u in zip(levels, fixed):
            lv["u_probability"] = u / sum(fixed)
    return out


def match_share(tables: dict[str, pa.Table], link_type: str) -> dict[str, float]:
    """Per comparison: the share of true matches among record pairs where its field is filled in on both sides,
    estimated like Splink's prior, from deterministic-rule pairs over their assumed recall."""
    con = duckdb.connect()
    for name, table in tables.items():
        con.register(name, table)
    left, right = (list(tables) * 2)[:2] if link_type != "link_only" else list(tables)
    distinct = "" if link_type == "link_only" else "AND l.unique_id < r.unique_id"
    pairs = " UNION ".join(
        f"SELECT l.unique_id AS a, r.unique_id AS b FROM {left} l JOIN {right} r ON {rule} {distinct}"
        for rule in DETERMINISTIC_RULES)
    con.execute(f"CREATE TEMP TABLE det AS {pairs}")
    out = {}
    for comparison, column in NULL_COLUMNS.items():
        n_left, n_right = (con.execute(f"SELECT count({column}) FROM {t}").fetchone()[0] for t in (left, right))
        total = n_left * n_right if link_type == "link_only" else n_left * (n_left - 1) // 2
        found = con.execute(f"""
            SELECT count(*) FROM det JOIN {left} l ON l.unique_id = det.a JOIN {right} r ON r.unique_id = det.b
            WHERE l.{column} IS NOT NULL AND r.{column} IS NOT NULL""").fetchone()[0]
        out[comparison] = min(found / total / DETERMINISTIC_RECALL, 0.5) if total else 0.0
    con.close()
    return out


def _observed(probability: Any) -> bool:
    """Splink leaves an m or u it could not estimate as None, or as a "level not observed" text."""
    return isinstance(probability, float) and probability > 0


def neutral_unseen(model: dict[str, Any]) -> dict[str, Any]:
    """A level seen neither among random pairs nor among matches (another flat, where no register lists flats)
    carries no evidence either way: its u is set to its m. Splink would otherwise take an unseen u for one in a
    million, and the floored m over that for strong evidence of a match."""
    out = copy.deepcopy(model)
    for comparison in out["comparisons"]:
        for lv in comparison["comparison_levels"]:
            if not lv.get("is_null_level") and not _observed(lv.get("u_probability")):
                lv["u_probability"] = lv["m_probability"]
    return out


def floor_m(model: dict[str, Any], floor: float) -> dict[str, Any]:
    """m values of at least `floor`, renormalised: no field is infallible.

    EM sets m to zero for a disagreement it never saw among the pairs it judged matches (a phone that differs
    between shop and register), or leaves it untrained, which would veto any link on one typo or one new phone
    number.
    """
    out = copy.deepcopy(model)
    for comparison in out["comparisons"]:
        levels = [lv for lv in comparison["comparison_levels"] if not lv.get("is_null_level")]
        floored = [max(lv.get("m_probability") or 0.0, floor) for lv in levels]  # unobserved levels: the floor
        for lv, m in zip(levels, floored):
            lv["m_probability"] = m / sum(floored)
    return out


def _expectation_maximisation(linker: Linker) -> None:
    """One EM pass per strong key. A pass in which some level's m underflows to zero (every pair at that level
    judged a certain non-match, say every differing phone at a shared address) makes Splink refuse the whole pass;
    it is then left out, its comparisons keep what the other pass learnt, and floor_m keeps every m above zero."""
    for keys in EM_BLOCKS:
        try:
            linker.training.estimate_parameters_using_expectation_maximisation(block_on(*keys))
        except ValueError as error:
            if "below the minimum allowed" not in str(error):
                raise


def _train(inputs: Any, model: dict[str, Any], settings: LinkageSettings,
           tables: dict[str, pa.Table]) -> dict[str, Any]:
    linker = Linker(inputs, dict(model, linker_uid=LINKER_UID), log_level=None)
    linker.training.estimate_probability_two_random_records_match(
        list(DETERMINISTIC_RULES), recall=DETERMINISTIC_RECALL)
    linker.training.estimate_u_using_random_sampling(max_pairs=settings.u_max_pairs, seed=settings.seed)
    _expectation_maximisation(linker)
    # m values from EM let us correct u; a second EM pass then learns m against the corrected u
    pairs = _pair_count([t.num_rows for t in tables.values()], model["link_type"])
    corrected = decontaminate_u(linker.misc.save_model_to_json(), match_share(tables, model["link_type"]),
                                RULE_OF_THREE / min(pairs, settings.u_max_pairs))
    linker = Linker(inputs, corrected, log_level=None)
    _expectation_maximisation(linker)
    return neutral_unseen(floor_m(linker.misc.save_model_to_json(), settings.m_floor))


def run_model(model: dict[str, Any], tables: dict[str, pa.Table], settings: LinkageSettings,
              trained: dict[str, Any] | None = None, cluster_threshold: float | None = None) -> ModelRun:
    """Train (unless `trained` is given) without labels, then score all blocked pairs.

    u values come from random record pairs (seeded), the prior from near-certain deterministic pairs, and m values
    by expectation maximisation on pairs blocked by each strong key in turn; then u is freed of the true matches
    hidden in the random pairs (`decontaminate_u`), m is learnt again, and floored (`floor_m`).
    """
    with silenced_splink():
        db = DuckDBAPI(duckdb.connect(":memory:", config={"threads": settings.splink_threads}))
        frames = [db.register(t, table_name=name) for name, t in tables.items()]
        inputs = frames if len(frames) > 1 else frames[0]
        if trained is None:
            trained = _train(inputs, model, settings, tables)
        linker = Linker(inputs, trained, log_level=None)
        predictions = linker.inference.predict(warning_mode="never")
        clusters = None
        if cluster_threshold is not None:
            clusters = linker.clustering.cluster_pairwise_predictions_at_threshold(
                predictions, threshold_match_probability=cluster_threshold).as_pyarrow_table()
        result = ModelRun(predictions.as_pyarrow_table(), clusters, linker.misc.save_model_to_json())
        db.duckdb_con.close()
    return result
