"""The premises register: who lives or works where, what kind of premises, how big, on which meter."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .names import CITIES, FEMALE, MALE, STREETS, SURNAMES

# category -> (subtypes, their weights); subtypes pick the load shape
SUBTYPES: dict[str, tuple[tuple[str, ...], tuple[float, ...]]] = {
    "residential": (("flat", "house"), (0.6, 0.4)),
    "commercial": (("shop", "cafe", "office", "supermarket"), (0.45, 0.25, 0.2, 0.1)),
    "industrial": (("factory", "workshop", "warehouse"), (0.4, 0.35, 0.25)),
    "agricultural": (("farm", "irrigation"), (0.55, 0.45)),
    "public": (("school", "office", "streetlight", "hospital"), (0.4, 0.3, 0.2, 0.1)),
    "other": (("telecom", "worship", "garage", "pump"), (0.3, 0.25, 0.3, 0.15)),
}
# category -> (median floor area m2, log-sd, median kWh per m2 and year)
SIZE: dict[str, tuple[float, float, float]] = {
    "residential": (85.0, 0.35, 28.0),
    "commercial": (140.0, 0.8, 160.0),
    "industrial": (1200.0, 0.8, 110.0),
    "agricultural": (1500.0, 0.9, 12.0),
    "public": (1200.0, 0.8, 60.0),
    "other": (90.0, 0.8, 60.0),
}
RESIDENTIAL_FUSES = np.array([3.0, 4.5, 6.0, 8.0, 10.0, 12.0, 15.0])


@dataclass
class Registry:
    """One entry per meter; `primary` marks a premises' main meter (the one cases are planted on)."""

    premise_id: np.ndarray
    meter_id: np.ndarray
    category: np.ndarray
    subtype: np.ndarray
    city: np.ndarray  # index into names.CITIES
    latitude: np.ndarray
    longitude: np.ndarray
    address: np.ndarray
    holder: np.ndarray  # object, None = not on record
    phone: np.ndarray  # object, None = not on record
    holder_true: np.ndarray  # the real account holder's name even when the register lacks it
    phone_true: np.ndarray
    floor_area: np.ndarray
    contracted_kw: np.ndarray
    mean_kw: np.ndarray  # average power of the premises' ordinary consumption
    resolution: np.ndarray
    primary: np.ndarray

    def __len__(self) -> int:
        return len(self.meter_id)

    def take(self, rows: np.ndarray) -> "Registry":
        return Registry(**{k: v[rows] for k, v in self.__dict__.items()})


def person_name(rng: np.random.Generator) -> str:
    firsts = MALE if rng.random() < 0.55 else FEMALE
    return f"{firsts[int(rng.integers(len(firsts)))]} {SURNAMES[int(rng.integers(len(SURNAMES)))]}"


def phone_number(rng: np.random.Generator) -> str:
    return f"+355 6{rng.choice([7, 8, 9])} {rng.integers(100, 1000)} {rng.integers(1000, 10000)}"


def street_address(rng: np.random.Generator) -> str:
    return f"{STREETS[int(rng.integers(len(STREETS)))]}, Nr. {int(rng.integers(1, 180))}"


def make_registry(rng: np.random.Generator, n_premises: int, category_shares: dict[str, float],
                  resolution_shares: dict[str, float], extra_meter_share: float) -> Registry:
    cats = np.array(list(category_shares))
    p = np.array(list(category_shares.values()), dtype=float)
    category = rng.choice(cats, n_premises, p=p / p.sum())
    subtype = np.empty(n_premises, dtype=object)
    for c, (names, w) in SUBTYPES.items():
        m = category == c
        subtype[m] = rng.choice(np.array(names, dtype=object), m.sum(), p=np.array(w) / sum(w))
    weights = np.array([c[3] for c in CITIES])
    city = rng.choice(len(CITIES), n_premises, p=weights / weights.sum())
    lat0 = np.array([c[1] for c in CITIES])[city]
    lon0 = np.array([c[2] for c in CITIES])[city]
    radius = np.array([c[5] for c in CITIES])[city] * np.sqrt(rng.random(n_premises))
    angle = rng.uniform(0, 2 * np.pi, n_premises)
    latitude = lat0 + radius * np.sin(angle) / 111.0
    longitude = lon0 + radius * np.cos(angle) / (111.0 * np.cos(np.radians(lat0)))

    med_area = np.array([SIZE[c][0] for c in category])
    sd_area = np.array([SIZE[c][1] for c in category])
    area = med_area * np.exp(rng.normal(0, 1, n_premises) * sd_area)
    area = np.where(subtype == "house", area * 1.6, area)
    kwh_m2 = np.array([SIZE[c][2] for c in category]) * np.exp(rng.normal(0, 0.45, n_premises))
    annual = area * kwh_m2
    residential = category == "residential"
    annual = np.where(residential, np.clip(annual, 900, 14_000), np.maximum(annual, 1_500))
    annual = np.where(subtype == "streetlight", rng.uniform(4_000, 60_000, n_premises), annual)
    annual = np.where(subtype == "telecom", rng.uniform(8_000, 35_000, n_premises), annual)
    mean_kw = annual / 8760.0
    peak_ratio = rng.uniform(3.0, 6.0, n_premises)
    fuse_needed = mean_kw * peak_ratio
    fuse_res = RESIDENTIAL_FUSES[np.minimum(np.searchsorted(RESIDENTIAL_FUSES, fuse_needed + 1.5),
                                            len(RESIDENTIAL_FUSES) - 1)]
    contracted = np.where(residential, fuse_res, np.round(fuse_needed * rng.uniform(1.1, 1.8, n_premises) + 5, 0))

    holder = np.empty(n_premises, dtype=object)
    phone = np.empty(n_premises, dtype=object)
    address = np.empty(n_premises, dtype=object)
    for i in range(n_premises):  # one register row each: names are strings, no vectorising to be had
        if category[i] in ("residential", "agricultural") or rng.random() < 0.3:
            holder[i] = person_name(rng)
        else:
            holder[i] = f"{rng.choice(['Shoqëria', 'Firma', 'Ndërmarrja'])} {person_name(rng).split()[1]} shpk"
        phone[i] = phone_number(rng)
        address[i] = street_address(rng)
    holder_true, phone_true = holder.copy(), phone.copy()
    holder = np.where(rng.random(n_premises) < 0.04, None, holder)
    phone = np.where(rng.random(n_premises) < 0.12, None, phone)

    res_names = np.array(list(resolution_shares))
    rp = np.array(list(resolution_shares.values()), dtype=float)
    resolution = rng.choice(res_names, n_premises, p=rp / rp.sum())
    premise_id = np.array([f"P{i + 1:06d}" for i in range(n_premises)], dtype=object)
    base = Registry(premise_id, premise_id, category.astype(object), subtype, city, latitude, longitude, address,
                    holder, phone, holder_true, phone_true, area, contracted, mean_kw, resolution.astype(object),
                    np.ones(n_premises, bool))

    # a few larger premises have a second meter (another building or circuit) with its own consumption
    big = np.flatnonzero(~residential & (rng.random(n_premises) < extra_meter_share))
    extra = base.take(big)
    extra.primary = np.zeros(len(big), bool)
    extra.mean_kw = extra.mean_kw * rng.uniform(0.1, 0.6, len(big))
    reg = Registry(**{k: np.concatenate([getattr(base, k), getattr(extra, k)]) for k in base.__dict__})
    serials = rng.choice(9_000_000, len(reg), replace=False) + 1_000_000
    reg.meter_id = np.array([f"ALB{s}" for s in serials], dtype=object)
    return reg
