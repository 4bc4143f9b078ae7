"""Meeting notes as meeting tools and people post them -> action items (tests/fixtures/notes, one case a file)."""

from __future__ import annotations

import json
import time
from datetime import date, datetime
from datetime import time as clock_time
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.capture.dates import When
from bot.capture.names import Member
from bot.capture.notes import MAX_ITEMS, NotesReading, read_notes
from tests.support.examples import examples

# A case is `<name>.json` — {"tool", "from_app", "members": "members.json", "expected": [{"title", "owners", "due",
# "unplaced"?}], and "text"/"blocks"/"attachments" when it has blocks} — with the message text in `<name>.txt` when
# it has none. Dates are read on Wednesday 2026-12-02; an empty "expected" is a negative case.
FIXTURES = Path(__file__).parent.parent / "fixtures" / "notes"
MEMBERS = [Member(**m) for m in json.loads((FIXTURES / "members.json").read_text())]
WED = date(2026, 12, 2)  # a Wednesday
CASES = sorted(p.stem for p in FIXTURES.glob("*.json") if p.stem != "members")


def read(text: str, blocks: Any = None, attachments: Any = None, *, from_app: bool = False) -> NotesReading:
    return read_notes(text, blocks, attachments, from_app=from_app, members=MEMBERS, when_for=lambda _owner: WED)


def _case(stem: str) -> dict[str, Any]:
    case: dict[str, Any] = json.loads((FIXTURES / f"{stem}.json").read_text())
    txt = FIXTURES / f"{stem}.txt"
    if txt.exists():
        case["text"] = txt.read_text()
    return case


def _seen(reading: NotesReading, with_unplaced: list[bool]) -> list[dict[str, Any]]:
    out = []
    for entry, unplaced in zip(reading.entries, with_unplaced, strict=False):
        item: dict[str, Any] = {
            "title": entry.title,
            "owners": list(entry.owners),
            "due": entry.due.day.isoformat() if entry.due else None,
        }
        if unplaced:
            item["unplaced"] = list(entry.unplaced)
        out.append(item)
    return out


@pytest.mark.parametrize("stem", CASES)
def test_each_fixture_reads_as_expected(stem: str) -> None:
    case = _case(stem)
    assert case["members"] == "members.json"
    reading = read(case.get("text", ""), case.get("blocks"), case.get("attachments"), from_app=case["from_app"])
    expected = case["expected"]
    assert _seen(reading, ["unplaced" in e for e in expected] + [False] * len(reading.entries)) == expected


def test_there_are_positive_fixtures_for_each_tool_and_enough_negatives() -> None:
    tools = " ".join(_case(stem)["tool"] for stem in CASES)
    for name in ("Zoom", "Gemini", "Otter", "Fireflies", "Teams", "Fathom", "Read.ai", "tl;dv", "Granola", "Notion"):
        assert name in tools
    assert "Gong" in tools
    assert sum(1 for stem in CASES if not _case(stem)["expected"]) >= 8


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "*Action items*\n🔹 Bob to send the deck\n:small_blue_diamond: Dana: book the room",
            [("Send the deck", ("UBOB",), None), ("Book the room", ("UDANA",), None)],
        ),
        ("*Action items for Bob Smith*\n• Send the deck", [("Send the deck", ("UBOB",), None)]),
        ("Dana's next steps:\n- Book the room", [("Book the room", ("UDANA",), None)]),
        ("*Next steps*\n• Dana (design) to share the mocks", [("Share the mocks", ("UDANA",), None)]),
        ("*Action items*\n• Send the deck (Owner: Bob, Due: Fri)", [("Send the deck", ("UBOB",), "2026-12-04")]),
        (
            "*Action items*\n• Book the room | Owner: Smith, Bob | Due: Dec 9",
            [("Book the room", ("UBOB",), "2026-12-09")],
        ),
        (
            "*Action items*\n• Send the deck\n  Owner: Dana Lee · Due: Dec 5",
            [("Send the deck", ("UDANA",), "2026-12-05")],
        ),
        ("*Action items*\n• Send the deck — Bob — due Fri", [("Send the deck", ("UBOB",), "2026-12-04")]),
        ("*Action items*\n• Send the deck → Priya", [("Send the deck", ("UPRIYA",), None)]),
        (
            "Next steps: Bob will send the deck. Dana will book the room.",
            [("Send the deck", ("UBOB",), None), ("Book the room", ("UDANA",), None)],
        ),
        (
            "*Next steps*\n• Bob will update the deck. He will add the Q3 numbers and share it by Friday.",
            [("Update the deck", ("UBOB",), "2026-12-04")],
        ),
        (
            "*Next steps*\n• Talk to Dr. Lee about the pilot - Carol",
            [("Talk to Dr. Lee about the pilot", ("UCAROL",), None)],
        ),
        ("ACTION ITEMS\n- Bob to send the deck\n\nDECISIONS\n- Ship it", [("Send the deck", ("UBOB",), None)]),
        (
            "*Action items*\n1. Launch\n   a. Bob to draft the notes\n   b. Dana to update the page",
            [("Draft the notes", ("UBOB",), None), ("Update the page", ("UDANA",), None)],
        ),
        ("**Action Items**\n\n**Bob Smith**\nSend the deck (12:41)", [("Send the deck", ("UBOB",), None)]),
        ("*Action items*\n☐ *Bob Smith* Send the deck (12:41)", [("Send the deck", ("UBOB",), None)]),
        ("ACTION ITEMS\n• Bob: Send the SOW to legal (WATCH @ 12:30)", [("Send the SOW to legal", ("UBOB",), None)]),
        ("*Action items*\n• Review Process Update the wiki", [("Review Process Update the wiki", (), None)]),
        ("*Next steps*\n• I'll draft the memo by Friday", [("Draft the memo", (), "2026-12-04")]),
        ("*Action items*\n• Bob: send it by end of day Friday", [("Send it", ("UBOB",), "2026-12-04")]),
        ("*Action items*\n• Bob: check it on Dec 5", [("Check it on Dec 5", ("UBOB",), None)]),
        (
            "*Follow-up tasks*\n• Bob Smith will share the numbers. (Bob Smith)",
            [("Share the numbers", ("UBOB",), None)],
        ),
        ("*Action items*\n• Owner: Dana — draft the brief", [("Draft the brief", ("UDANA",), None)]),
        ("*Action items*\n• Dana to call the vendor at 10:30", [("Call the vendor at 10:30", ("UDANA",), None)]),
        (
            "*Action items*\n• Bob, Dana, and Priya to review the plan",
            [("Review the plan", ("UBOB", "UDANA", "UPRIYA"), None)],
        ),
        (
            "*Action items*\n• Bob to send the deck\nDana to review it.",
            [("Send the deck", ("UBOB",), None), ("Review it", ("UDANA",), None)],
        ),
        (
            "*Timeline and next steps*\nWe went over the timeline. Bob will follow up.\n• Bob to send the contract",
            [("Send the contract", ("UBOB",), None)],
        ),
        (
            "Next steps: Bob sends the SSO spec by Friday, Priya sets up a sandbox for them.",
            [("Send the SSO spec", ("UBOB",), "2026-12-04"), ("Set up a sandbox for them", ("UPRIYA",), None)],
        ),
        (
            "*Action items*\n• Send the deck to Acme, Globex and Initech",
            [("Send the deck to Acme, Globex and Initech", (), None)],
        ),
        (
            "standup\n- deploy went fine\n- next steps:\n  - bob to rotate the keys\n- no blockers",
            [("Rotate the keys", ("UBOB",), None)],
        ),
        (
            "*Action items*\n• Bob to send the deck\n*Mentions*\n@Dana Lee was mentioned twice.",
            [("Send the deck", ("UBOB",), None)],
        ),
        (
            "*Action items*\n• Review https://github.com/o/r/pull/12 ETA Friday <https://zoom.us/t/1>",
            [("Review https://github.com/o/r/pull/12", (), "2026-12-04")],
        ),
        ("*Action items*\n• Send the recap [WATCH](https://fathom.video/share/a?t=1)", [("Send the recap", (), None)]),
        ("🎯 *Action items*\n• Bob to send the deck", [("Send the deck", ("UBOB",), None)]),
        ("✅ *Action Items*\n• Bob to send the deck\n✅ Dana to book the room", [("Send the deck", ("UBOB",), None)]),
        (
            "*Action items*\nSend it\nOwner: Bob J. Smith\nBook it\nOwner: Lee Dana\nDraft it - bob.smith@x.co",
            [("Send it", ("UBOB",), None), ("Book it", ("UDANA",), None), ("Draft it", ("UBOB",), None)],
        ),
        (
            "Next steps:\n- Bob to send the deck\n\nDana to review it\nThanks all!",
            [("Send the deck", ("UBOB",), None), ("Review it", ("UDANA",), None)],
        ),
        (
            "*Action items*\n• Post the notes in <#C1|> and <#C2|general>",
            [("Post the notes in #C1 and #general", (), None)],
        ),
        (
            "*Action items*\n• ~Bob to send the deck~\n• Dana to ~book~ reserve the room",
            [("Reserve the room", ("UDANA",), None)],
        ),
        ("Follow up: the customer called again and is upset", []),
        (
            "Action items\n@Bob send the deck\n@dana book the room",
            [("Send the deck", ("UBOB",), None), ("Book the room", ("UDANA",), None)],
        ),
    ],
)
def test_entry_shapes(text: str, expected: list[tuple[str, tuple[str, ...], str | None]]) -> None:
    found = [(e.title, e.owners, e.due.day.isoformat() if e.due else None) for e in read(text, from_app=True).entries]
    assert found == expected


def test_a_user_group_names_no_one_and_says_so() -> None:
    (entry,) = read("*Action items*\n• <!subteam^S1|@design> to review the mocks", from_app=True).entries
    assert (entry.title, entry.owners, entry.unplaced) == ("Review the mocks", (), ("@design (a group)",))


@pytest.mark.parametrize(
    "text",
    [
        "*Action items*\n• " + " ".join(["The group talked about the roadmap at length."] * 6),
        "*Action items*\n• Bob Smith",
        "*Action items*\n• Who owns the migration?",
        "*Action items*\nFireflies.ai helps your team transcribe and search meetings.",
        "*Action items*\n• Bob to send the deck\n\nWatch the recording: <https://x.io/r|here>",
        "Tasks: I finished all of them yesterday",
    ],
)
def test_paragraphs_names_questions_and_footers_are_not_items(text: str) -> None:
    titles = [e.title for e in read(text, from_app=False).entries]
    assert titles in ([], ["Send the deck"])


def test_a_marker_inside_a_section_is_captured_once() -> None:
    reading = read("*Action items*\n• AI: Bob to send the deck\n• TODO: Dana to book the room")
    assert [e.title for e in reading.entries] == ["Send the deck", "Book the room"]
    assert [e.owners for e in reading.entries] == [("UBOB",), ("UDANA",)]


def test_checkbox_lines_count_only_without_headings_or_under_an_action_heading() -> None:
    assert [e.title for e in read("[ ] water the plants").entries] == ["Water the plants"]
    assert read("*Ideas*\n[ ] water the plants").entries == []
    assert [e.title for e in read("*To-dos*\n[ ] water the plants").entries] == ["Water the plants"]


def test_only_action_sections_count_in_an_apps_message() -> None:
    text = "TODO: rotate the keys\n*Next steps*\n• Bob to rotate the keys"
    assert [e.title for e in read(text, from_app=True).entries] == ["Rotate the keys"]
    assert len(read(text).entries) == 2


def test_at_most_fifty_items_and_the_rest_are_named() -> None:
    lines = "\n".join(f"• Write chapter {n}" for n in range(1, 56))
    reading = read(f"*Action items*\n{lines}")
    assert len(reading.entries) == MAX_ITEMS
    assert reading.left_out == [f"Write chapter {n}" for n in range(51, 56)]


def test_a_fingerprint_stays_put_when_other_entries_change() -> None:
    before = read("*Action items*\n• Bob to send the deck\n• Dana to book the room").entries
    after = read("*Action items*\n• Bob to send the deck\n• Dana to book the big room\n• Priya: ship it").entries
    assert before[0].fingerprint == after[0].fingerprint
    assert before[1].fingerprint != after[1].fingerprint
    assert len({e.fingerprint for e in after}) == 3
    assert all(len(e.fingerprint) == 12 for e in after)


def test_the_same_entry_twice_is_one_item() -> None:
    assert len(read("*Action items*\n• Bob to send the deck\n• Bob to send the deck").entries) == 1


def test_dates_are_read_in_the_owners_context() -> None:
    asked: list[str | None] = []

    def when_for(owner: str | None) -> date:
        asked.append(owner)
        return WED if owner == "UBOB" else date(2026, 12, 3)

    text = "*Next steps*\n• Bob to send the deck tomorrow\n• Book the room tomorrow"
    reading = read_notes(text, None, None, from_app=True, members=MEMBERS, when_for=when_for)
    assert [e.due.day if e.due else None for e in reading.entries] == [date(2026, 12, 3), date(2026, 12, 4)]
    assert asked[0] == "UBOB"
    assert set(asked) == {"UBOB", None}


def test_a_when_in_the_owners_zone_reads_the_date_and_time() -> None:
    berlin = When(now=datetime(2026, 12, 2, 23, 30, tzinfo=ZoneInfo("Europe/Berlin")))
    new_york = When.on(date(2026, 12, 2), ZoneInfo("America/New_York"))

    def when_for(owner: str | None) -> When:
        return berlin if owner == "UDANA" else new_york

    text = "*Next steps*\n• Dana to send the deck by COB tomorrow\n• Bob to book the room tomorrow"
    dana, bob = read_notes(text, None, None, from_app=True, members=MEMBERS, when_for=when_for).entries
    assert dana.due is not None and (dana.due.day, dana.due.at) == (date(2026, 12, 3), clock_time(17, 0))
    assert bob.due is not None and bob.due.day == date(2026, 12, 3)


def test_a_past_due_date_is_kept_with_a_warning() -> None:
    (entry,) = read("*Action items*\n• Bob to send the deck by 2026-11-30").entries
    assert entry.due is not None and entry.due.day == date(2026, 11, 30)
    assert entry.warning and "past" in entry.warning


def test_an_impossible_date_leaves_the_words_and_says_so() -> None:
    (entry,) = read("*Action items*\n• Bob to send the deck by Feb 31").entries
    assert entry.due is None
    assert entry.title == "Send the deck by Feb 31"
    assert entry.warning and "Feb 31" in entry.warning


def test_continuation_lines_join_their_entry_and_sub_bullets_are_details() -> None:
    text = "*Action items*\n• Bob to send the deck\n  to the board\n• Update the FAQ\n    ◦ include the pricing page"
    first, second = read(text).entries
    assert first.title == "Send the deck to the board"
    assert second.title == "Update the FAQ"
    assert "pricing page" in second.text


def test_mentions_become_owners_unless_a_preposition_puts_them_in_the_title() -> None:
    first, second = read("*Action items*\n• <@UDANA> draft the memo\n• Sync with <@UBOB|bob> on pricing").entries
    assert (first.owners, first.title) == (("UDANA",), "Draft the memo")
    assert (second.owners, second.title) == ((), "Sync with Bob Smith on pricing")


def test_blocks_shapes_are_read_header_fields_context_radio_and_input() -> None:
    blocks = [
        {"type": "header", "text": {"type": "plain_text", "text": "Next steps"}},
        {"type": "section", "fields": [{"type": "mrkdwn", "text": "• Bob to fix the login bug"}]},
        {"type": "context", "elements": [{"type": "mrkdwn", "text": "• Dana to file the expense report"}]},
        {
            "type": "actions",
            "elements": [
                {"type": "radio_buttons", "options": [{"text": {"type": "plain_text", "text": "Priya: ship v2"}}]}
            ],
        },
        {
            "type": "input",
            "element": {"type": "checkboxes", "options": [{"text": {"type": "mrkdwn", "text": "Carol: QA the build"}}]},
        },
    ]
    titles = [(e.title, e.owners) for e in read("", blocks, from_app=True).entries]
    assert titles == [
        ("Fix the login bug", ("UBOB",)),
        ("File the expense report", ("UDANA",)),
        ("Ship v2", ("UPRIYA",)),
        ("QA the build", ("UCAROL",)),
    ]


def test_a_checkbox_options_description_is_read_with_its_label() -> None:
    options = [
        {
            "text": {"type": "plain_text", "text": "Send the deck"},
            "description": {"type": "plain_text", "text": "Bob Smith · Due Dec 5"},
            "value": "1",
        }
    ]
    blocks = [
        {"type": "section", "text": {"type": "mrkdwn", "text": ":white_check_mark: *Action Items*"}},
        {"type": "actions", "elements": [{"type": "checkboxes", "options": options}]},
    ]
    (entry,) = read("", blocks, from_app=True).entries
    assert (entry.title, entry.owners, entry.due and entry.due.day) == ("Send the deck", ("UBOB",), date(2026, 12, 5))


def test_struck_rich_text_is_crossed_off() -> None:
    items = [
        {
            "type": "rich_text_section",
            "elements": [{"type": "text", "text": "Bob to send it", "style": {"strike": True}}],
        },
        {"type": "rich_text_section", "elements": [{"type": "text", "text": "Dana to file it"}]},
    ]
    blocks = [
        {"type": "header", "text": {"type": "plain_text", "text": "Action items"}},
        {"type": "rich_text", "elements": [{"type": "rich_text_list", "style": "bullet", "elements": items}]},
    ]
    assert [e.title for e in read("", blocks, from_app=True).entries] == ["File it"]


def test_a_blocks_copy_that_names_the_owner_fills_in_the_texts_entry() -> None:
    text = "*Action items*\n• Send the signed order form to procurement (03:10)"
    blocks = [
        {"type": "section", "text": {"type": "mrkdwn", "text": "*Action items*"}},
        {
            "type": "section",
            "text": {"type": "mrkdwn", "text": "• Bob Smith: Send the signed order form to procurement"},
        },
    ]
    (entry,) = read(text, blocks, from_app=True).entries
    assert (entry.title, entry.owners) == ("Send the signed order form to procurement", ("UBOB",))


_BLOCK = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=30),
    lambda inner: (
        st.lists(inner, max_size=4)
        | st.dictionaries(
            st.sampled_from(
                _KEYS := [
                    "type",
                    "text",
                    "elements",
                    "fields",
                    "options",
                    "initial_options",
                    "style",
                    "indent",
                    "offset",
                    "url",
                    "user_id",
                    "name",
                    "value",
                    "element",
                    "accessory",
                    "title",
                    "pretext",
                    "blocks",
                ]
            ),
            inner,
            max_size=5,
        )
    ),
    max_leaves=20,
)
_LINE = st.sampled_from(
    [
        "*Action items*",
        "Next steps:",
        "• Bob to send it by Friday",
        "[ ] x",
        "✅ y",
        "## Notes",
        "  - sub",
        "Dana",
        "",
        "AI: z",
    ]
)


@settings(max_examples=examples(300), deadline=None)
@given(
    text=st.text(max_size=300) | st.lists(_LINE | st.text(max_size=40), max_size=12).map("\n".join),
    blocks=st.lists(_BLOCK, max_size=4) | st.none(),
    attachments=st.lists(_BLOCK, max_size=3) | st.none(),
    from_app=st.booleans(),
)
def test_read_notes_never_raises(text: str, blocks: Any, attachments: Any, from_app: bool) -> None:
    reading = read(text, blocks, attachments, from_app=from_app)
    assert len(reading.entries) <= MAX_ITEMS
    for entry in reading.entries:
        assert entry.title and entry.title == entry.title.strip()


def test_hostile_lines_read_in_linear_time() -> None:
    # Every message passes through the reader before anything is held: a long line of one symbol must not blow up.
    started = time.perf_counter()
    for ch in "<(@&[*_:.-!#":
        read(ch * 20000 + "x" + ch * 20000 + "\n" + (ch + " ") * 5000)
    read("*Action items*\n• " + "<https://x|y " * 5000)
    read("\n".join(["*Next steps*", "Bob Smith"] * 2000))
    assert time.perf_counter() - started < 5
