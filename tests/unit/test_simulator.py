"""The local Slack stand-in: fake Web API (driven by the real slack_sdk), signed sender, renderer."""

import json
import threading
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs
from zoneinfo import ZoneInfo

import pytest
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from slack_sdk.http_retry.builtin_handlers import RateLimitErrorRetryHandler
from slack_sdk.signature import SignatureVerifier
from slack_sdk.webhook import WebhookClient

from bot.simulator.client import SlackSender
from bot.simulator.render import render_blocks, render_message, render_mrkdwn, render_view
from bot.simulator.webapi import FakeSlackAPI, RecordedCall
from bot.simulator.world import World, default_world

TOKEN = "xoxb-sim-token"
SECRET = "test-signing-secret"


@pytest.fixture
def world() -> World:
    return default_world()


@pytest.fixture
def api(world: World) -> Iterator[FakeSlackAPI]:
    with FakeSlackAPI(world, token=TOKEN) as fake:
        yield fake


@pytest.fixture
def client(api: FakeSlackAPI) -> WebClient:
    return WebClient(token=TOKEN, base_url=api.url, retry_handlers=[])


# ---- world ---------------------------------------------------------------------------------------


def test_default_world_people_channels_and_real_offsets(world: World) -> None:
    assert world.team_id == "T0SIM" and world.bot_user_id == "U0BOT" and world.app_id == "A0FOLLOW"
    alice = world.resolve_user("alice")
    assert alice.id == "U0ALICE" and alice.is_admin and alice.tz == "America/New_York"
    offset = datetime.now(UTC).astimezone(ZoneInfo("Asia/Tokyo")).utcoffset()
    assert offset is not None and world.users["U0CAROL"].tz_offset == int(offset.total_seconds())
    assert world.users["U0ERIN"].deleted
    assert world.users["U0JIRA"].is_bot and world.users["U0JIRA"].bot_id == "B0JIRA"
    notes = world.resolve_user("notesbot")
    assert (notes.id, notes.is_bot, notes.bot_id, notes.app_id) == ("U0NOTES", True, "B0NOTES", "A0NOTES")
    assert notes.app_id != world.app_id and world.user_by_bot_id("B0NOTES") is notes
    assert "U0NOTES" in world.channels["C0WEB"].members and "U0NOTES" not in world.channels["G0LEADS"].members
    assert notes.to_slack(world.team_id)["profile"]["api_app_id"] == "A0NOTES"
    assert world.channel_by_name("#proj-website") is world.channels["C0WEB"]
    assert world.channel_by_name("leads") is world.channels["G0LEADS"]
    assert world.channels["G0LEADS"].is_private
    dm = world.dm_channel_for("U0BOB")
    assert dm.id == "D0BOB" and dm.is_im and world.dm_channel_for("U0BOB") is dm


# ---- Web API through the real slack_sdk client ---------------------------------------------------


def test_auth_test_identifies_the_bot(client: WebClient, api: FakeSlackAPI) -> None:
    resp = client.auth_test()
    assert resp["user_id"] == "U0BOT" and resp["bot_id"] == "B0BOT" and resp["team_id"] == "T0SIM"
    assert resp["url"] == "https://acme-sim.slack.com/"
    [call] = api.calls_to("auth.test")
    assert call.status == 200 and call.token == TOKEN


def test_unknown_token_is_invalid_auth(api: FakeSlackAPI) -> None:
    with pytest.raises(SlackApiError) as err:
        WebClient(token="xoxb-wrong", base_url=api.url).auth_test()
    assert err.value.response["error"] == "invalid_auth"
    api.valid_tokens.add("xoxb-second")
    assert WebClient(token="xoxb-second", base_url=api.url).auth_test()["ok"]


def test_users_list_paginates_with_limit_and_cursor(client: WebClient, world: World) -> None:
    seen: list[dict[str, Any]] = []
    cursor = None
    pages = 0
    while True:
        resp = client.users_list(limit=3, cursor=cursor)
        assert len(resp["members"]) <= 3
        seen.extend(resp["members"])
        pages += 1
        cursor = resp["response_metadata"]["next_cursor"]
        if not cursor:
            break
    assert pages == 3
    assert [m["id"] for m in seen] == list(world.users)
    bob = next(m for m in seen if m["id"] == "U0BOB")
    assert bob["tz"] == "Europe/Berlin" and isinstance(bob["tz_offset"], int)
    assert bob["profile"]["real_name"] == "Bob Becker" and bob["profile"]["display_name"] == "bob"
    assert next(m for m in seen if m["id"] == "U0ERIN")["deleted"] is True


def test_users_info_and_conversations(client: WebClient) -> None:
    assert client.users_info(user="U0ALICE")["user"]["is_admin"] is True
    with pytest.raises(SlackApiError) as err:
        client.users_info(user="U0NOBODY")
    assert err.value.response["error"] == "user_not_found"
    leads = client.conversations_info(channel="G0LEADS")["channel"]
    assert leads["is_private"] is True and leads["is_member"] is True and leads["name"] == "leads"
    assert client.conversations_open(users="U0DANA")["channel"]["id"] == "D0DANA"
    assert client.conversations_info(channel="D0DANA")["channel"]["is_im"] is True


def test_post_message_to_a_user_id_lands_in_their_dm(client: WebClient, api: FakeSlackAPI) -> None:
    blocks = [{"type": "section", "text": {"type": "mrkdwn", "text": "*Hi* <@U0BOB>"}}]
    first = client.chat_postMessage(channel="U0BOB", text="Hi bob", blocks=blocks)
    second = client.chat_postMessage(channel="U0BOB", text="again", thread_ts=first["ts"])
    assert first["channel"] == "D0BOB"
    assert first["message"]["user"] == "U0BOT" and first["message"]["bot_id"] == "B0BOT"
    assert float(second["ts"]) > float(first["ts"])
    assert second["message"]["thread_ts"] == first["ts"]
    assert [m["text"] for m in api.messages["D0BOB"]] == ["Hi bob", "again"]
    assert api.messages["D0BOB"][0]["blocks"] == blocks


def test_form_encoded_blocks_are_decoded(client: WebClient, api: FakeSlackAPI) -> None:
    blocks = [{"type": "divider"}]
    client.api_call("chat.postMessage", params={"channel": "C0WEB", "text": "x", "blocks": json.dumps(blocks)})
    [call] = api.calls_to("chat.postMessage")
    assert call.params["blocks"] == blocks and "token" not in call.params


def test_channel_not_found_and_invalid_blocks(client: WebClient, api: FakeSlackAPI) -> None:
    with pytest.raises(SlackApiError) as err:
        client.chat_postMessage(channel="C0NOPE", text="hello")
    assert err.value.response["error"] == "channel_not_found"
    with pytest.raises(SlackApiError) as err:
        client.chat_postMessage(
            channel="C0WEB", text="t", blocks=[{"type": "header", "text": {"type": "plain_text", "text": ""}}]
        )
    assert err.value.response["error"] == "invalid_blocks"
    assert [c.response["error"] for c in api.calls if c.response] == ["channel_not_found", "invalid_blocks"]


def test_update_delete_and_permalink(client: WebClient, api: FakeSlackAPI) -> None:
    posted = client.chat_postMessage(channel="#proj-website", text="v1")
    client.chat_update(channel="C0WEB", ts=posted["ts"], text="v2")
    assert api.messages["C0WEB"][-1]["text"] == "v2"
    link = client.chat_getPermalink(channel="C0WEB", message_ts="1700000000.000100")["permalink"]
    assert link == "https://acme-sim.slack.com/archives/C0WEB/p1700000000000100"
    client.chat_delete(channel="C0WEB", ts=posted["ts"])
    assert api.messages["C0WEB"] == []
    with pytest.raises(SlackApiError) as err:
        client.chat_update(channel="C0WEB", ts=posted["ts"], text="v3")
    assert err.value.response["error"] == "message_not_found"


def test_rate_limited_fault_surfaces_429_with_retry_after(client: WebClient, api: FakeSlackAPI) -> None:
    api.fail("chat.postMessage", status=429, retry_after=1)
    with pytest.raises(SlackApiError) as err:
        client.chat_postMessage(channel="C0WEB", text="hello")
    assert err.value.response.status_code == 429
    headers = {k.lower(): v for k, v in err.value.response.headers.items()}
    assert headers["retry-after"] in ("1", ["1"])
    assert client.chat_postMessage(channel="C0WEB", text="hello")["ok"]
    assert [c.status for c in api.calls_to("chat.postMessage")] == [429, 200]


def test_rate_limit_retry_handler_recovers(api: FakeSlackAPI) -> None:
    retrying = WebClient(token=TOKEN, base_url=api.url, retry_handlers=[RateLimitErrorRetryHandler(max_retry_count=2)])
    api.fail("chat.postMessage", status=429, retry_after=0, times=2)
    assert retrying.chat_postMessage(channel="C0WEB", text="eventually")["ok"]
    assert [c.status for c in api.calls_to("chat.postMessage")] == [429, 429, 200]
    assert len(api.messages["C0WEB"]) == 1


def test_server_error_and_error_faults(client: WebClient, api: FakeSlackAPI) -> None:
    api.fail("users.info", status=500)
    api.fail("users.info", status=503, empty_body=True)
    api.fail("users.info", error="fatal_error")
    for expected_status in (500, 503, 200):
        with pytest.raises(SlackApiError) as err:
            client.users_info(user="U0BOB")
        assert err.value.response.status_code == expected_status
    assert err.value.response["error"] == "fatal_error"
    assert client.users_info(user="U0BOB")["ok"]
    assert [c.status for c in api.calls_to("users.info")] == [500, 503, 200, 200]


def test_delay_fault_makes_the_client_time_out(api: FakeSlackAPI) -> None:
    impatient = WebClient(token=TOKEN, base_url=api.url, timeout=1, retry_handlers=[])
    api.fail("chat.postMessage", status=200, delay=3.0)
    started = time.monotonic()
    with pytest.raises(TimeoutError):
        impatient.chat_postMessage(channel="C0WEB", text="slow")
    assert time.monotonic() - started < 2.5


def test_per_channel_rate_limit(client: WebClient, api: FakeSlackAPI) -> None:
    api.rate_limit(per_channel_per_second=1, per_workspace_per_second=None)
    client.chat_postMessage(channel="C0WEB", text="one")
    with pytest.raises(SlackApiError) as err:
        client.chat_postMessage(channel="C0WEB", text="two")
    assert err.value.response.status_code == 429
    assert int(err.value.response.headers["Retry-After"]) >= 1
    assert client.chat_postMessage(channel="C0GEN", text="other channel")["ok"]
    api.rate_limit(None, None)
    assert client.chat_postMessage(channel="C0WEB", text="three")["ok"]


def test_clear_faults_for_one_method_or_all_and_faults_on_response_urls(client: WebClient, api: FakeSlackAPI) -> None:
    api.fail("users.info", error="fatal_error", times=5)
    api.fail("chat.postMessage", status=500, times=5)
    api.fail("response_url", status=503)
    api.clear_faults("users.info")
    assert client.users_info(user="U0BOB")["ok"]
    with pytest.raises(SlackApiError):
        client.chat_postMessage(channel="C0WEB", text="still down")
    assert WebhookClient(api.new_response_url(channel_id="C0WEB")).send(text="x").status_code == 503
    api.clear_faults()
    assert client.chat_postMessage(channel="C0WEB", text="back")["ok"]
    assert [c.status for c in api.calls_to("response_url")] == [503]


def test_response_url_posts_are_recorded_and_shown(api: FakeSlackAPI) -> None:
    url = api.new_response_url(channel_id="C0WEB", user_id="U0ALICE")
    resp = WebhookClient(url).send(text="Only you can see this", response_type="ephemeral", replace_original=False)
    assert resp.status_code == 200 and resp.body == "ok"
    [call] = api.wait_for("response_url")
    assert call.params["text"] == "Only you can see this"
    assert call.params["response_url_id"] == url.rsplit("/", 1)[-1]
    assert api.response_url_calls(url) == [call]
    assert api.ephemerals["C0WEB"][0]["to_user"] == "U0ALICE"


def test_files_upload_v2_flow(client: WebClient, api: FakeSlackAPI) -> None:
    resp = client.files_upload_v2(channel="C0WEB", content=b"a,b\n1,2\n", filename="x.csv", title="Export")
    file_id = resp["file"]["id"]
    assert api.uploads[file_id] == b"a,b\n1,2\n"
    assert resp["file"]["title"] == "Export"
    methods = [c.method for c in api.calls]
    assert methods == ["files.getUploadURLExternal", "upload", "files.completeUploadExternal"]
    assert api.messages["C0WEB"][-1]["files"][0]["id"] == file_id


def test_views_open_update_publish(client: WebClient, api: FakeSlackAPI) -> None:
    trigger = api.new_trigger_id("U0ALICE")
    modal = {"type": "modal", "title": {"type": "plain_text", "text": "New item"}, "blocks": []}
    opened = client.views_open(trigger_id=trigger, view=modal)["view"]
    assert opened["id"].startswith("V") and api.views[opened["id"]]["title"]["text"] == "New item"
    with pytest.raises(SlackApiError) as err:
        client.views_open(trigger_id=trigger, view=modal)
    assert err.value.response["error"] == "exchanged_trigger_id"
    with pytest.raises(SlackApiError) as err:
        client.views_update(view_id=opened["id"], hash="stale", view=modal)
    assert err.value.response["error"] == "hash_conflict"
    client.views_update(view_id=opened["id"], hash=opened["hash"], view={**modal, "private_metadata": "42"})
    assert api.views[opened["id"]]["private_metadata"] == "42"
    home = {"type": "home", "blocks": [{"type": "section", "text": {"type": "mrkdwn", "text": "Hi"}}]}
    client.views_publish(user_id="U0BOB", view=home)
    assert api.home_views["U0BOB"]["type"] == "home"


def test_unknown_method_recording_listener_and_wait_for(client: WebClient, api: FakeSlackAPI) -> None:
    heard: list[RecordedCall] = []
    api.on_call = heard.append
    with pytest.raises(SlackApiError) as err:
        client.api_call("made.up")
    assert err.value.response["error"] == "unknown_method"
    assert api.calls_to("made.up")[0].status == 200
    client.reactions_add(channel="C0WEB", timestamp="1.2", name="eyes")
    assert [c.method for c in heard] == ["reactions.add"]
    with pytest.raises(AssertionError, match="expected 1 call"):
        api.wait_for("chat.postMessage", timeout=0.1)
    api.clear()
    assert api.calls == []


# ---- signed sender against a tiny verifying server ------------------------------------------------


class _Receiver:
    """A stdlib HTTP app stand-in that verifies Slack signatures and records requests."""

    def __init__(self) -> None:
        self.requests: list[dict[str, Any]] = []
        self.reply_body = ""
        verifier = SignatureVerifier(SECRET)
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                raw = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                headers = {k.lower(): v for k, v in self.headers.items()}
                valid = verifier.is_valid(
                    raw, headers.get("x-slack-request-timestamp", ""), headers.get("x-slack-signature", "")
                )
                receiver.requests.append({"raw": raw.decode(), "headers": headers, "valid": valid})
                body = (receiver.reply_body if valid else '{"error": "invalid request"}').encode()
                self.send_response(200 if valid else 401)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, format: str, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
        self.thread.start()
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/slack/events"

    def form(self, index: int = -1) -> dict[str, str]:
        return {k: v[0] for k, v in parse_qs(self.requests[index]["raw"], keep_blank_values=True).items()}

    def payload(self, index: int = -1) -> dict[str, Any]:
        result: dict[str, Any] = json.loads(self.form(index)["payload"])
        return result

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def receiver() -> Iterator[_Receiver]:
    rec = _Receiver()
    yield rec
    rec.close()


@pytest.fixture
def sender(receiver: _Receiver, world: World, api: FakeSlackAPI) -> SlackSender:
    return SlackSender(receiver.url, SECRET, world, api)


def test_command_sends_a_signed_slack_shaped_form(sender: SlackSender, receiver: _Receiver) -> None:
    reply = sender.command("alice", "/action", "add <@U0BOB> Draft the charter")
    assert reply.status == 200
    assert receiver.requests[0]["valid"]
    assert receiver.requests[0]["headers"]["content-type"] == "application/x-www-form-urlencoded"
    form = receiver.form()
    assert form["command"] == "/action" and form["text"] == "add <@U0BOB> Draft the charter"
    assert form["user_id"] == "U0ALICE" and form["user_name"] == "alice"
    assert form["channel_id"] == "C0WEB" and form["channel_name"] == "proj-website"
    assert form["team_id"] == "T0SIM" and form["team_domain"] == "acme-sim" and form["api_app_id"] == "A0FOLLOW"
    assert form["is_enterprise_install"] == "false" and form["trigger_id"]
    assert form["response_url"].startswith(sender.api.root + "/response/")


def test_event_envelope_and_retry_headers(sender: SlackSender, receiver: _Receiver) -> None:
    sender.message("bob", "#proj-website", "I'll ship it Friday, @carol reviews")
    sent = receiver.requests[0]
    assert sent["valid"] and sent["headers"]["content-type"] == "application/json"
    envelope = json.loads(sent["raw"])
    assert envelope["type"] == "event_callback" and envelope["team_id"] == "T0SIM"
    assert envelope["api_app_id"] == "A0FOLLOW" and envelope["event_id"].startswith("Ev")
    assert envelope["authorizations"][0]["user_id"] == "U0BOT" and envelope["authorizations"][0]["is_bot"]
    event = envelope["event"]
    assert event["type"] == "message" and event["channel"] == "C0WEB" and event["channel_type"] == "channel"
    assert event["user"] == "U0BOB" and event["text"] == "I'll ship it Friday, <@U0CAROL> reviews"
    assert event["ts"] == sender.last_message_ts == event["event_ts"]
    sender.event(event, retry_num=1)
    retry = receiver.requests[1]
    assert retry["headers"]["x-slack-retry-num"] == "1" and retry["headers"]["x-slack-retry-reason"] == "http_timeout"
    assert json.loads(retry["raw"])["event_id"] == envelope["event_id"]


def test_forged_and_stale_requests_are_rejected(sender: SlackSender, receiver: _Receiver) -> None:
    forged = sender.raw("{}", content_type="application/json", signature="v0=" + "0" * 64)
    assert forged.status == 401 and forged.json() == {"error": "invalid request"}
    stale = sender.raw("{}", content_type="application/json", timestamp=str(int(time.time()) - 600))
    assert stale.status == 401
    assert [r["valid"] for r in receiver.requests] == [False, False]


def test_block_action_finds_the_button_on_the_commands_ephemeral_reply(
    sender: SlackSender, receiver: _Receiver
) -> None:
    button = {
        "type": "button",
        "action_id": "item_done",
        "value": "A-1",
        "text": {"type": "plain_text", "text": "Done"},
    }
    card = [{"type": "section", "block_id": "card", "text": {"type": "mrkdwn", "text": "A-1"}, "accessory": button}]
    receiver.reply_body = json.dumps({"response_type": "ephemeral", "text": "Added A-1", "blocks": card})
    sender.command("bob", "/action", "add Draft", channel="#proj-website")
    receiver.reply_body = ""
    reply = sender.block_action("bob", "item_done")
    assert reply.status == 200
    payload = receiver.payload()
    assert payload["type"] == "block_actions" and payload["user"]["id"] == "U0BOB"
    assert payload["container"]["channel_id"] == "C0WEB" and payload["container"]["is_ephemeral"] is True
    [action] = payload["actions"]
    assert action["action_id"] == "item_done" and action["block_id"] == "card" and action["value"] == "A-1"
    assert payload["response_url"] and payload["trigger_id"]
    WebhookClient(payload["response_url"]).send(text="A-1 is done", replace_original=True)
    assert sender.api.ephemerals["C0WEB"][-1]["text"] == "A-1 is done"


def test_view_submission_normalises_values(sender: SlackSender, receiver: _Receiver, api: FakeSlackAPI) -> None:
    view = {
        "type": "modal",
        "callback_id": "add_item",
        "title": {"type": "plain_text", "text": "Add"},
        "submit": {"type": "plain_text", "text": "Save"},
        "blocks": [
            {
                "type": "input",
                "block_id": "title",
                "label": {"type": "plain_text", "text": "Title"},
                "element": {"type": "plain_text_input", "action_id": "v"},
            },
            {
                "type": "input",
                "block_id": "owner",
                "label": {"type": "plain_text", "text": "Owner"},
                "element": {"type": "users_select", "action_id": "u"},
            },
            {
                "type": "input",
                "block_id": "due",
                "label": {"type": "plain_text", "text": "Due"},
                "element": {"type": "datepicker", "action_id": "d"},
            },
        ],
    }
    opened = WebClient(token=TOKEN, base_url=api.url).views_open(trigger_id="foreign", view=view)["view"]
    sender.view_submission("alice", opened["id"], {"title": "Ship it", "owner": "bob", "due": {"d": "2026-12-02"}})
    payload = receiver.payload()
    assert payload["type"] == "view_submission" and payload["view"]["callback_id"] == "add_item"
    assert payload["view"]["state"]["values"] == {
        "title": {"v": {"type": "plain_text_input", "value": "Ship it"}},
        "owner": {"u": {"type": "users_select", "selected_user": "U0BOB"}},
        "due": {"d": {"type": "datepicker", "selected_date": "2026-12-02"}},
    }


def test_shortcuts_and_app_home(sender: SlackSender, receiver: _Receiver) -> None:
    sender.global_shortcut("carol", "new_item")
    assert receiver.payload()["type"] == "shortcut" and receiver.payload()["callback_id"] == "new_item"
    sender.message("dana", "#general", "we should fix the footer")
    sender.message_shortcut("dana", "capture", "#general", sender.last_message_ts or "")
    shortcut = receiver.payload()
    assert shortcut["type"] == "message_action" and shortcut["message"]["text"] == "we should fix the footer"
    sender.app_home_opened("alice")
    event = json.loads(receiver.requests[-1]["raw"])["event"]
    assert event == {**event, "type": "app_home_opened", "user": "U0ALICE", "channel": "D0ALICE", "tab": "home"}
    assert all(r["valid"] for r in receiver.requests)


def test_an_apps_message_in_the_modern_shape(sender: SlackSender, receiver: _Receiver) -> None:
    checkbox = {
        "type": "rich_text",
        "elements": [{"type": "rich_text_list", "style": "bullet", "elements": [{"type": "rich_text_section"}]}],
    }
    attachment = {"fallback": "Action items", "color": "#36a64f", "text": "Bob: send the deck"}
    sender.bot_message(
        "#proj-website", "Meeting notes", "B0NOTES", legacy=False, blocks=[checkbox], attachments=[attachment]
    )
    event = json.loads(receiver.requests[-1]["raw"])["event"]
    assert event["type"] == "message" and "subtype" not in event and event["channel"] == "C0WEB"
    assert (event["user"], event["bot_id"], event["app_id"]) == ("U0NOTES", "B0NOTES", "A0NOTES")
    profile = event["bot_profile"]
    assert profile == {**profile, "id": "B0NOTES", "app_id": "A0NOTES", "name": "notesbot", "team_id": "T0SIM"}
    assert event["blocks"] == [checkbox] and event["attachments"] == [attachment]
    stored = sender.api.messages["C0WEB"][-1]
    assert stored["app_id"] == "A0NOTES" and stored["blocks"] == [checkbox] and stored["ts"] == event["ts"]


def test_an_apps_message_in_the_legacy_shape(sender: SlackSender, receiver: _Receiver) -> None:
    sender.bot_message("#proj-website", "AI: from Jira")
    event = json.loads(receiver.requests[-1]["raw"])["event"]
    assert event["subtype"] == "bot_message" and event["bot_id"] == "B0JIRA" and event["username"] == "jirabot"
    assert "user" not in event and "blocks" not in event and "attachments" not in event


# ---- rendering -------------------------------------------------------------------------------------


def test_render_mrkdwn(world: World) -> None:
    text = (
        "<@U0BOB> and <@U0CAROL|cc> in <#C0WEB|proj-website> / <#C0GEN>: due <!date^1700000000^{date_short}|Nov 14>"
        " see <https://example.com|the doc> or <https://example.com> <!here> &lt;b&gt; &amp; *bold*"
    )
    assert render_mrkdwn(text, world) == (
        "@bob and @carol in #proj-website / #general: due Nov 14 see the doc or https://example.com @here <b> & *bold*"
    )


def test_render_section_and_actions_message(world: World) -> None:
    blocks: list[dict[str, Any]] = [
        {"type": "header", "text": {"type": "plain_text", "text": "Action items"}},
        {
            "type": "section",
            "text": {"type": "mrkdwn", "text": "*A-1* Draft the charter — <@U0BOB>"},
            "fields": [{"type": "mrkdwn", "text": "*Due* Dec 2"}, {"type": "plain_text", "text": "Open"}],
            "accessory": {"type": "button", "action_id": "done", "text": {"type": "plain_text", "text": "Done"}},
        },
        {"type": "divider"},
        {
            "type": "actions",
            "elements": [
                {"type": "button", "action_id": "snooze", "text": {"type": "plain_text", "text": "Snooze"}},
                {
                    "type": "static_select",
                    "action_id": "owner",
                    "placeholder": {"type": "plain_text", "text": "Reassign"},
                    "options": [{"text": {"type": "plain_text", "text": "Bob"}, "value": "U0BOB"}],
                },
                {"type": "datepicker", "action_id": "due", "initial_date": "2026-12-02"},
            ],
        },
        {"type": "context", "elements": [{"type": "mrkdwn", "text": "Added by <@U0ALICE>"}]},
    ]
    assert render_message("fallback", blocks, world) == "\n".join(
        [
            "# Action items",
            "*A-1* Draft the charter — @bob  [Done]",
            "*Due* Dec 2    Open",
            "─" * 40,
            "[Snooze] [Reassign ▾] [📅 2026-12-02]",
            "› Added by @alice",
        ]
    )
    assert render_message("plain <@U0DANA>", None, world) == "plain @dana"


def test_render_view_and_input_blocks(world: World) -> None:
    view = {
        "type": "modal",
        "title": {"type": "plain_text", "text": "Add item"},
        "submit": {"type": "plain_text", "text": "Save"},
        "close": {"type": "plain_text", "text": "Cancel"},
        "blocks": [
            {
                "type": "input",
                "label": {"type": "plain_text", "text": "Title"},
                "element": {
                    "type": "plain_text_input",
                    "action_id": "t",
                    "placeholder": {"type": "plain_text", "text": "What needs doing?"},
                },
            },
            {"type": "image", "image_url": "https://example.com/x.png", "alt_text": "chart"},
        ],
    }
    assert render_view(view, world) == "┌ Add item\nTitle\n[__ What needs doing? __]\n[image: chart]\n└ [Cancel] [Save]"
    rich = {
        "type": "rich_text",
        "elements": [
            {
                "type": "rich_text_section",
                "elements": [{"type": "text", "text": "hey "}, {"type": "user", "user_id": "U0BOB"}],
            }
        ],
    }
    assert render_blocks([rich], world=world) == "hey @bob"
