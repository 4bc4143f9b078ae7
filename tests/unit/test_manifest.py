"""Both manifests are valid against Slack's manifest schema and declare exactly what the code handles."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import yaml

from bot.listeners.commands import HANDLED_COMMANDS
from bot.listeners.digest import DIGEST_COMMANDS
from bot.listeners.events import HANDLED_BOT_EVENTS
from bot.listeners.lifecycle import LIFECYCLE_EVENTS
from bot.listeners.plan import PLAN_COMMANDS
from bot.listeners.shortcuts import HANDLED_SHORTCUTS

ROOT = Path(__file__).resolve().parents[2]
SCHEMA_DIR = ROOT.parent / "shared" / "slack-fixtures" / "07_manifest" / "slackapi_manifest-schema"
MANIFESTS = ["manifest.yml", "manifest.socket.yml"]


def load(name: str) -> dict[str, Any]:
    data = yaml.safe_load((ROOT / name).read_text())
    assert isinstance(data, dict)
    return data


@pytest.mark.parametrize("name", MANIFESTS)
def test_manifest_is_valid_against_slacks_schema(name: str) -> None:
    schema_file = SCHEMA_DIR / "schemas__manifest.schema.1.0.0.json"
    if not schema_file.exists():
        pytest.skip("../shared/slack-fixtures is not beside this checkout")
    schema = json.loads(schema_file.read_text())
    errors = sorted(jsonschema.Draft7Validator(schema).iter_errors(load(name)), key=str)
    assert [f"{'/'.join(map(str, e.path))}: {e.message}" for e in errors] == []


@pytest.mark.parametrize("name", MANIFESTS)
def test_commands_escape_and_match_the_code(name: str) -> None:
    manifest = load(name)
    commands = manifest["features"]["slash_commands"]
    assert all(c["should_escape"] is True for c in commands)
    assert {c["command"] for c in commands} == set(HANDLED_COMMANDS) | set(PLAN_COMMANDS) | set(DIGEST_COMMANDS)
    events = set(manifest["settings"]["event_subscriptions"]["bot_events"])
    assert events == set(HANDLED_BOT_EVENTS) | set(LIFECYCLE_EVENTS)
    assert {s["callback_id"] for s in manifest["features"]["shortcuts"]} == set(HANDLED_SHORTCUTS)


def test_both_manifests_declare_the_same_features() -> None:
    http, socket = load("manifest.yml"), load("manifest.socket.yml")
    assert [c["command"] for c in http["features"]["slash_commands"]] == [
        c["command"] for c in socket["features"]["slash_commands"]
    ]
    assert http["oauth_config"]["scopes"] == socket["oauth_config"]["scopes"]
    assert (
        http["settings"]["event_subscriptions"]["bot_events"] == socket["settings"]["event_subscriptions"]["bot_events"]
    )


@pytest.mark.parametrize("name", MANIFESTS)
def test_the_oauth_flow_asks_for_the_manifests_scopes(name: str) -> None:
    from bot.slack.scopes import BOT_SCOPES

    assert sorted(load(name)["oauth_config"]["scopes"]["bot"]) == sorted(BOT_SCOPES)
