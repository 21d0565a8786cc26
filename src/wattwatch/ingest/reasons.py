"""Reason codes for rejected rows, each with the meaning documented in docs/data-formats.md.

Every rejected row is written to the `quarantine` table with one of these codes.
"""

from __future__ import annotations

WRONG_FIELD_COUNT = "wrong_field_count"
MISSING_VALUE = "missing_value"
BAD_TIMESTAMP = "bad_timestamp"
BAD_NUMBER = "bad_number"
NON_FINITE = "non_finite"
NEGATIVE_KWH = "negative_kwh"
ABSURD_KWH = "absurd_kwh"
OUT_OF_RANGE = "out_of_range"
BAD_CATEGORY = "bad_category"
NONEXISTENT_LOCAL_TIME = "nonexistent_local_time"
UNKNOWN_METER = "unknown_meter"
UNKNOWN_STORE = "unknown_store"
DUPLICATE = "duplicate"
CONFLICTING_DUPLICATE = "conflicting_duplicate"
CONFLICTS_WITH_STORED = "conflicts_with_stored"
DUPLICATE_KEY = "duplicate_key"
OFF_GRID = "off_grid"
UNKNOWN_RESOLUTION = "unknown_resolution"
REGISTER_BASELINE = "register_baseline"
METER_REPLACEMENT = "meter_replacement"
REGISTER_GAP = "register_gap"

REASONS: dict[str, str] = {
    WRONG_FIELD_COUNT: "The CSV row has more or fewer fields than the header.",
    MISSING_VALUE: "A required value is empty.",
    BAD_TIMESTAMP: "The timestamp cannot be parsed, lies outside 1970-2100, or has no UTC offset and no --timezone "
    "was given.",
    BAD_NUMBER: "A number cannot be parsed (use '.' as the decimal separator).",
    NON_FINITE: "A number is NaN or infinite.",
    NEGATIVE_KWH: "Energy (or a register value) is negative.",
    ABSURD_KWH: "The energy implies an average power above Settings.max_kw over its interval.",
    OUT_OF_RANGE: "A value is outside its valid range (latitude, longitude, area, power, quantity).",
    BAD_CATEGORY: "The premises category is not one of the allowed categories.",
    NONEXISTENT_LOCAL_TIME: "A naive local time that does not exist in the time zone (the spring-forward gap).",
    UNKNOWN_METER: "The meter is not in the premises register.",
    UNKNOWN_STORE: "The store is not in the stores table.",
    DUPLICATE: "An exact copy of a row kept earlier in the file or already stored; the first copy is kept.",
    CONFLICTING_DUPLICATE: "Two or more rows in the file give different values for the same meter and instant; "
    "none of them is trusted.",
    CONFLICTS_WITH_STORED: "The stored value for this meter and instant differs; the stored one is kept.",
    DUPLICATE_KEY: "Another row with the same key (meter_id, store_id or sale_id) but different content was kept "
    "earlier in the file or is already stored.",
    OFF_GRID: "The timestamp is not on the meter's interval grid (a multiple of its interval from its usual phase).",
    UNKNOWN_RESOLUTION: "The meter's reading interval cannot be classified as 15, 30, 60 minutes or billing.",
    REGISTER_BASELINE: "The first register read of a meter in the file: it only sets the baseline for the next read.",
    METER_REPLACEMENT: "The register dropped (not a roll-over): the meter was replaced and the energy across it is "
    "unknown.",
    REGISTER_GAP: "Two consecutive register reads are further apart than the meter's interval, so the energy cannot "
    "be placed in one interval.",
}
