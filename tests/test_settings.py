import json

import pytest

from wattwatch.settings import SETTINGS_FIELDS, Settings


def test_round_trip_preserves_every_field():
    changed = Settings(timezone="Europe/London", max_kw=123.5, min_history_days=10)
    assert Settings.from_json(changed.to_json()) == changed
    assert Settings.from_json(changed.to_json()) != Settings()


def test_every_setting_has_help():
    for name, field in SETTINGS_FIELDS.items():
        assert len(field.metadata["help"]) > 20, name


def test_unknown_setting_is_refused_with_the_known_names():
    with pytest.raises(ValueError, match="unknown settings: tmezone.*timezone"):
        Settings.from_json(json.dumps({"tmezone": "UTC"}))


def test_save_and_load(tmp_path):
    path = tmp_path / "s.json"
    Settings(report_top=5).save(path)
    assert Settings.load(path).report_top == 5
