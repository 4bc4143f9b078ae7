"""Owner names in notes -> members: whole names before unique first names, never a word that is no one's name."""

from __future__ import annotations

import pytest

from bot.capture.names import Member, NameMatch, index_of, match_name, person_like, read_owners

MEMBERS = [
    Member("UBOB", "bob", "Bob", "Bob Smith", "Bob", "Smith"),
    Member("UDANA", "dana.lee", "Dana (she/her)", "Dana Lee", "Dana", "Lee"),
    Member("UALEXK", "alexk", "Alex K", "Alex Kim", "Alex", "Kim"),
    Member("UALEXN", "alexn", "Alex", "Alex Ng", "Alex", "Ng"),
    Member("UCAROL", "carol", "Carol", "Carol Díaz", "Carol", "Díaz"),
    Member("UPRIYA", "priya", "", "Priya Patel", "", ""),
]


@pytest.mark.parametrize(
    ("name", "user_id"),
    [
        ("Bob Smith", "UBOB"),
        ("bob smith", "UBOB"),
        ("Bob", "UBOB"),
        ("@bob", "UBOB"),
        ("Smith, Bob", "UBOB"),
        ("Bob S.", "UBOB"),
        ("B. Smith", "UBOB"),
        ("Bobsmith", "UBOB"),
        ("Bob Smith (2)", "UBOB"),
        ("Bob's team", "UBOB"),
        ("dana.lee", "UDANA"),
        ("Dana", "UDANA"),
        ("Carol Diaz", "UCAROL"),
        ("CAROL DÍAZ", "UCAROL"),
        ("Priya", "UPRIYA"),  # first name from the real name when Slack has none
        ("Alex Kim", "UALEXK"),
        ("alexn", "UALEXN"),
    ],
)
def test_names_people_write_find_the_member(name: str, user_id: str) -> None:
    assert match_name(name, MEMBERS) == NameMatch(user_id)


def test_a_first_name_two_people_share_matches_neither_and_names_both() -> None:
    assert match_name("Alex", MEMBERS) == NameMatch(None, "2 people: Alex Kim, Alex Ng")


@pytest.mark.parametrize("name", ["Team", "everyone", "We", "Engineering", "all"])
def test_group_words_are_a_group(name: str) -> None:
    assert match_name(name, MEMBERS) == NameMatch(None, "a group")


@pytest.mark.parametrize("name", ["Morgan", "Review", "Smith", "", "   "])
def test_anything_else_is_no_one(name: str) -> None:
    assert match_name(name, MEMBERS) == NameMatch(None, "no one")


def test_owner_lists_make_one_owner_each_and_a_group_word_beside_a_name_adds_nothing() -> None:
    index = index_of(MEMBERS)
    assert read_owners("Bob & Dana", index).ids == ("UBOB", "UDANA")
    assert read_owners("Bob, Dana and Priya", index).ids == ("UBOB", "UDANA", "UPRIYA")
    assert read_owners("Smith, Bob; Lee, Dana", index).ids == ("UBOB", "UDANA")
    assert read_owners("<@U9> + Carol", index).ids == ("U9", "UCAROL")
    carol_and_team = read_owners("Carol & Team", index)
    assert (carol_and_team.ids, carol_and_team.unplaced) == (("UCAROL",), ())
    assert read_owners("Team", index).unplaced == ("Team (a group)",)
    assert read_owners("Unassigned", index).unplaced == ()
    assert read_owners("Alex and Bob", index).unplaced == ("Alex (2 people: Alex Kim, Alex Ng)",)


def test_person_like_words_are_names_of_strangers_not_topics() -> None:
    assert person_like("Morgan Wells")
    assert not person_like("Morgan")
    assert person_like("Morgan", single=True)
    assert not person_like("Design Review")
    assert not person_like("the launch plan")
