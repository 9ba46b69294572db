"""One broken flow per validation error: each problem names its file and node."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from bot.content import check_content, load_content
from bot.errors import ContentError

from ..conftest import FIXTURE_CONTENT

LEGAL = "flows/legal.yml"


@pytest.fixture
def content(tmp_path: Path) -> Path:
    target = tmp_path / "content"
    shutil.copytree(FIXTURE_CONTENT, target)
    return target


def edit(content: Path, relative: str, old: str, new: str) -> None:
    path = content / relative
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {relative}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def problems_of(content: Path) -> list[str]:
    return check_content(content)


def test_the_test_content_is_valid(content: Path) -> None:
    assert problems_of(content) == []


@pytest.mark.parametrize(
    ("relative", "old", "new", "expected"),
    [
        pytest.param(
            LEGAL,
            "goto: where",
            "goto: nowhere",
            "legal.yml: node start: option where leads to unknown node 'nowhere'",
            id="unknown node",
        ),
        pytest.param(
            LEGAL,
            "    next: where",
            "    next: main.nowhere",
            "legal.yml: node ask_town: `next` leads to unknown node 'main.nowhere'",
            id="unknown next",
        ),
        pytest.param(
            LEGAL,
            "  ask_town:",
            '  orphan:\n    say: "Nobody comes here."\n  ask_town:',
            "legal.yml: node orphan: unreachable",
            id="unreachable node",
        ),
        pytest.param(
            LEGAL,
            "  where:",
            '  start:\n    say: "Again."\n  where:',
            "legal.yml: not valid YAML",
            id="duplicate node id",
        ),
        pytest.param(
            LEGAL,
            '      - id: menu\n        label: "Main menu"\n        goto: main.menu\n  where',
            '      - id: where\n        label: "Main menu"\n        goto: main.menu\n  where',
            "legal.yml: node start: duplicate option id 'where'",
            id="duplicate option id",
        ),
        pytest.param(
            LEGAL,
            "flow: legal",
            "flow: main",
            "main.yml: duplicate flow id 'main' (also in",
            id="duplicate flow id",
        ),
        pytest.param(
            LEGAL,
            "intents: [legal_aid]",
            "intents: [lawyers]",
            "legal.yml: node start: unknown intent 'lawyers'",
            id="unknown intent",
        ),
        pytest.param(
            LEGAL,
            "intents: [legal_aid]",
            "intents: [help_menu]",
            "main.yml: node menu: intent 'help_menu' already starts legal.start",
            id="intent twice",
        ),
        pytest.param(
            LEGAL,
            "    answer: legal.what",
            "    answer: legal.nothing",
            "legal.yml: node legal.start: answer 'legal.nothing' does not exist",
            id="unknown answer",
        ),
        pytest.param(
            LEGAL,
            "    slot: city\n",
            "",
            "legal.yml: node ask_town: `ask` needs `options` or a `slot`",
            id="ask without options",
        ),
        pytest.param(
            LEGAL,
            "    entity: city",
            "    entity: country",
            "legal.yml: node ask_town: unknown entity 'country'",
            id="unknown entity",
        ),
        pytest.param(
            LEGAL,
            "    directory: legal_aid",
            "    directory: rockets",
            "legal.yml: node legal.where: no service in the directory offers 'rockets'",
            id="unknown service",
        ),
        pytest.param(
            LEGAL,
            "  where:\n",
            "  where:\n    colour: red\n",
            "legal.yml: node where: unknown field(s) colour",
            id="unknown field",
        ),
        pytest.param(
            "flows/main.yml",
            "    action: delete_data",
            "    action: format_disk",
            "main.yml: node erase: unknown action 'format_disk'",
            id="unknown action",
        ),
        pytest.param(
            "flows/system.yml",
            '  empty:\n    say: "Please write something."\n',
            "",
            "the required node system.empty is missing",
            id="required node",
        ),
        pytest.param(
            LEGAL,
            'label: "Where?"',
            'label: "Where exactly?"',
            "legal.yml: node legal.start.where: no fr translation",
            id="missing translation",
        ),
    ],
)
def test_each_broken_flow_is_reported_with_its_file_and_node(
    content: Path, relative: str, old: str, new: str, expected: str
) -> None:
    edit(content, relative, old, new)
    problems = problems_of(content)
    assert any(expected in p for p in problems), problems
    with pytest.raises(ContentError):  # and Sanad refuses to start on it
        load_content(content)


def test_yes_and_no_are_option_ids_not_booleans(content: Path) -> None:
    flows = load_content(content).flows
    assert [o.id for o in flows["system.offer_counsellor"].options] == ["yes", "no"]


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        pytest.param(
            '  voice: "Legal aid gives a lawyer."\n',
            "",
            "legal.yml: legal.what: `voice` (the phone-line variant) is missing",
            id="no voice",
        ),
        pytest.param(
            "  sources: [report §1.1]\n  reviewed: 2026-11-29\nlegal.where",
            "  reviewed: 2026-11-29\nlegal.where",
            "legal.what: `sources` is missing",
            id="no sources",
        ),
        pytest.param(
            'text: "Legal aid gives a lawyer."',
            'text: "Legal aid: call 0612345678."',
            "legal.what: contact detail '0612345678' is not marked verified",
            id="unverified phone",
        ),
        pytest.param(
            'text: "Legal aid gives a lawyer."',
            'text: "See www.example.org"',
            "contact detail 'www.example.org' is not marked verified",
            id="unverified link",
        ),
        pytest.param(
            'voice: "Legal aid gives a lawyer."',
            'voice: "Call 2511."',
            "voice: write numbers digit by digit",
            id="voice digits",
        ),
        pytest.param(
            'text: "Legal aid gives a lawyer."',
            'text: "' + "x" * 701 + '"',
            "legal.what: text is 701 characters (at most 700)",
            id="too long",
        ),
        pytest.param(
            'text: "Legal aid gives a lawyer."',
            'text: "Legal aid in {city}."',
            "legal.what: placeholders ['city'] differ",
            id="placeholders",
        ),
    ],
)
def test_each_broken_answer_is_reported_with_its_file_and_key(
    content: Path, old: str, new: str, expected: str
) -> None:
    edit(content, "locales/en/answers/legal.yml", old, new)
    problems = problems_of(content)
    assert any(expected in p for p in problems), problems


def test_an_answer_missing_in_one_language_is_reported(content: Path) -> None:
    edit(content, "locales/ar/answers/legal.yml", "legal.where:", "legal.elsewhere:")
    problems = problems_of(content)
    assert any("legal.where: missing in ar" in p for p in problems), problems


def test_verified_numbers_of_the_fact_sheet_pass_in_any_spelling(content: Path) -> None:
    edit(
        content,
        "locales/en/answers/legal.yml",
        'text: "Legal aid gives a lawyer."',
        'text: "UNHCR: 05 37 54 54 00, WhatsApp +212 666 045 606; FOO Rabat 06 14 00 47 73; 8350."',
    )
    assert problems_of(content) == []


def test_content_without_the_safety_reply_is_refused(content: Path) -> None:
    for language in ("en", "fr", "ar"):
        (content / "locales" / language / "answers" / "safety.yml").unlink()
    problems = problems_of(content)
    assert any("safety.critical: the engine needs this answer" in p for p in problems), problems
