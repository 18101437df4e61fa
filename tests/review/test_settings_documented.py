"""Every setting, whichever branch added it, is listed in .env.example (the README points there)."""

from __future__ import annotations

from pathlib import Path

from maestro_graph.config import Settings

ENV_EXAMPLE = Path(__file__).resolve().parents[2] / ".env.example"


def test_every_setting_is_in_env_example() -> None:
    text = ENV_EXAMPLE.read_text(encoding="utf-8")
    names = [field.validation_alias if isinstance(field.validation_alias, str) else f"MAESTRO_{name.upper()}"
             for name, field in Settings.model_fields.items()]
    missing = [n for n in names if n not in text]
    assert not missing, f"not in .env.example: {missing}"
