"""Sale lines linked to premises, with a match probability; `links.csv` holds ids and probabilities only.

Why Splink link-only rather than a hand-calibrated score: the evidence weights (how rare an exact name, address or
phone match is among strangers, how often a true match disagrees) are learnt from the data itself without labels,
so they follow the register and the shops a deployment really has; the model is saved as JSON and can be re-run.

From Splink's pairwise match weights (which include the prior) the probability that premises j is THE premises of
a sale profile is 2^w_j / (1 + sum_k 2^w_k): a buyer lives at one premises or none, so two equally good candidates
(two "Arben Hoxha" in the register) share the probability instead of both looking certain. A profile then takes
the best link of its key group (profiles sharing a phone or an address, straw buyers included), discounted, when
that is better than its own and the profile's address is not in another town: a friend buying with the grower's
phone is linked to the grower's premises. Addresses written without a town first take the town the buyer's other
receipts state (towns.with_group_towns).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import duckdb
import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv

from wattwatch.linkage.models import buyer_model, premises_model
from wattwatch.linkage.records import premises_records, sale_profiles
from wattwatch.linkage.settings import LinkageSettings
from wattwatch.linkage.splink_run import run_model
from wattwatch.linkage.straw import KEY_COLUMNS, key_groups
from wattwatch.linkage.towns import towns_agree, with_group_towns

MODEL_FILE = "linkage_model.json"
LINKS_FILE = "links.csv"
_MAX_WEIGHT = 60.0  # 2^60 is certainty for every purpose and keeps 2^w finite


@dataclass(frozen=True)
class LinkResult:
    """One entry per sale line, sorted by sale_id. No personal values: ids, probabilities and key kinds only."""

    sale_id: pa.Array
    premise_id: pa.Array  # best premises; null when no link reaches settings.min_link_probability
    probability: np.ndarray  # probability of that link; the best candidate's even when below the minimum
    via_group: np.ndarray  # True when the link comes from the sale's phone/address group, not its own fields
    buyer_id: np.ndarray  # buyer (Splink cluster) id; -1 for a line with no personal field at all
    buyer_probability: np.ndarray  # best match probability to another line of the same buyer; 0 when alone
    straw_group: np.ndarray  # straw-buyer group id, -1 when none
    straw_key: np.ndarray  # "phone", "address", "phone+address" or ""
    straw_size: np.ndarray  # named buyers in the straw group (1 when none)
    models: dict[str, Any]  # {"settings": ..., "buyers": trained Splink model, "premises": trained Splink model}

    def links(self) -> pa.Table:
        keep = pa.array(~pc.is_null(self.premise_id).to_numpy(zero_copy_only=False))
        return pa.table({"sale_id": self.sale_id, "premise_id": self.premise_id,
                         "probability": pa.array(np.round(self.probability, 6))}).filter(keep)


def _has_fields(profiles: pa.Table) -> np.ndarray:
    cols = ("name_full", "place", "street", "phone")
    return np.any([~pc.is_null(profiles[c]).to_numpy(zero_copy_only=False) for c in cols], axis=0)


def _own_links(con: duckdb.DuckDBPyConnection, predictions: pa.Table) -> pa.Table:
    """Best premises per sale profile and its probability under 'one premises or none'."""
    con.register("pred", predictions)
    return con.execute(f"""
        WITH p AS (
            SELECT CASE WHEN source_dataset_l = 'sales' THEN unique_id_l ELSE unique_id_r END AS profile,
                   CASE WHEN source_dataset_l = 'sales' THEN unique_id_r ELSE unique_id_l END AS premises,
                   least(match_weight, {_MAX_WEIGHT}) AS w
            FROM pred),
        post AS (SELECT profile, premises, pow(2, w) / (1 + sum(pow(2, w)) OVER (PARTITION BY profile)) AS p FROM p)
        SELECT profile, arg_max(premises, p) AS premises, max(p) AS p FROM post GROUP BY profile ORDER BY profile
        """).arrow().read_all()


def _buyers(con: duckdb.DuckDBPyConnection, run_clusters: pa.Table, predictions: pa.Table,
            n: int) -> tuple[np.ndarray, np.ndarray]:
    buyer = np.arange(n, dtype=np.int64)
    ids = np.asarray(run_clusters["unique_id"], dtype=np.int64)
    buyer[ids] = np.asarray(run_clusters["cluster_id"], dtype=np.int64)
    con.register("bpred", predictions)
    con.register("bclusters", pa.table({"unique_id": np.arange(n), "buyer": buyer}))
    rows = con.execute("""
        WITH pairs AS (SELECT unique_id_l AS a, unique_id_r AS b, match_probability AS p FROM bpred
                       UNION ALL SELECT unique_id_r, unique_id_l, match_probability FROM bpred)
        SELECT a, max(p) FROM pairs JOIN bclusters ca ON ca.unique_id = a JOIN bclusters cb ON cb.unique_id = b
        WHERE ca.buyer = cb.buyer GROUP BY a""").fetchall()
    best = np.zeros(n)
    for a, p in rows:
        best[a] = p
    return buyer, best


def _spread(own_premises: np.ndarray, own_p: np.ndarray, family: np.ndarray, town: list[str | None],
            premises_town: list[str | None], discount: float) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(premises, probability, via family) per profile: the best own link in each family (key group: profiles tied
    by a shared phone or address), offered to every member at a discount when it beats the member's own, unless the
    member's address is in another town than that premises."""
    order = np.lexsort((-own_p, family))
    first = order[np.r_[True, family[order][1:] != family[order][:-1]]]
    best = np.full(len(family), -1, dtype=np.int64)
    best[family[first]] = first
    carrier = best[family]
    carrier_town = list(np.asarray(premises_town + [None], dtype=object)[own_premises[carrier]])
    family_p = own_p[carrier] * discount * towns_agree(town, carrier_town)
    via = family_p > own_p
    return np.where(via, own_premises[carrier], own_premises), np.where(via, family_p, own_p), via


def link_sales(con: duckdb.DuckDBPyConnection, settings: LinkageSettings = LinkageSettings(),
               trained: dict[str, Any] | None = None) -> LinkResult:
    """Resolve buyers, find straw groups and link every sale line to its most probable premises.

    `trained` is the `models` of an earlier result (or `load_models`): the run then repeats with those models
    instead of training new ones.
    """
    sales = sale_profiles(con, settings.phone_region)
    if len(sales.sale_id) == 0:
        empty = np.zeros(0)
        return LinkResult(sales.sale_id, pa.array([], pa.string()), empty, empty.astype(bool),
                          empty.astype(np.int64), empty, empty.astype(np.int64), empty.astype(object),
                          empty.astype(np.int64), {"settings": json.loads(settings.to_json())})
    premises, premise_ids = premises_records(con, settings.phone_region)
    profiles = with_group_towns(sales.table)
    groups = key_groups(profiles.select(list(KEY_COLUMNS)))
    n = profiles.num_rows
    trained = trained or {}
    work = duckdb.connect()
    buyer, buyer_p = np.arange(n, dtype=np.int64), np.zeros(n)
    models: dict[str, Any] = {"settings": json.loads(settings.to_json())}
    if n > 1:
        run = run_model(buyer_model(settings), {"sales": profiles}, settings, trained.get("buyers"),
                        cluster_threshold=settings.buyer_threshold)
        buyer, buyer_p = _buyers(work, run.clusters, run.predictions, n)
        models["buyers"] = run.model
    own_premises, own_p = np.full(n, -1, dtype=np.int64), np.zeros(n)
    if n and premises.num_rows:
        run = run_model(premises_model(settings), {"sales": profiles, "premises": premises}, settings,
                        trained.get("premises"))
        own = _own_links(work, run.predictions)
        rows = np.asarray(own["profile"], dtype=np.int64)
        own_premises[rows] = np.asarray(own["premises"], dtype=np.int64)
        own_p[rows] = np.asarray(own["p"], dtype=float)
        models["premises"] = run.model
    work.close()
    # Splink's buyer clusters are not families here: initials chain "Gentian Rama" to "Gëzim Rama" through "G. Rama"
    link, p, via_group = _spread(own_premises, own_p, groups.group, profiles["city"].to_pylist(),
                                 premises["city"].to_pylist(), settings.straw_discount)
    # sale lines take their profile's answer
    k = sales.profile
    linked = (link[k] >= 0) & (p[k] >= settings.min_link_probability)
    premise_of_line = pa.array(np.where(linked, np.asarray(premise_ids.to_numpy(zero_copy_only=False),
                                                           dtype=object)[np.maximum(link[k], 0)], None), pa.string())
    named = _has_fields(profiles)
    return LinkResult(
        sale_id=sales.sale_id, premise_id=premise_of_line, probability=np.where(link[k] >= 0, p[k], 0.0),
        via_group=via_group[k] & linked, buyer_id=np.where(named[k], buyer[k], -1), buyer_probability=buyer_p[k],
        straw_group=groups.straw[k], straw_key=groups.key_type[k], straw_size=groups.size[k], models=models)


def save_links(result: LinkResult, out_dir: Path) -> Path:
    """Write DIR/links.csv (sale_id, premise_id, probability) and DIR/linkage_model.json; return the CSV path."""
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    path = out_dir / LINKS_FILE
    pacsv.write_csv(result.links(), path)
    (out_dir / MODEL_FILE).write_text(json.dumps(result.models, indent=1, sort_keys=True) + "\n", encoding="utf-8")
    return path


def write_links(con: duckdb.DuckDBPyConnection, out_dir: Path, settings: LinkageSettings = LinkageSettings(),
                trained: dict[str, Any] | None = None) -> Path:
    """Link every sale (link_sales) and save the result (save_links)."""
    return save_links(link_sales(con, settings, trained), out_dir)


def load_models(out_dir: Path) -> tuple[LinkageSettings, dict[str, Any]]:
    """The settings and trained models an earlier `write_links` saved: pass both back to repeat that run."""
    models = json.loads((Path(out_dir) / MODEL_FILE).read_text(encoding="utf-8"))
    return LinkageSettings.from_json(json.dumps(models["settings"])), models
