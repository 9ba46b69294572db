"""A fourth language is content only: added in a temporary copy of the content, Sanad serves it."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import yaml
from anyio.from_thread import BlockingPortal
from babel.messages.catalog import Catalog
from babel.messages.pofile import read_po, write_po

from bot.content import check_content
from bot.runtime import Runtime
from bot.testing import TestBot

from ..conftest import FIXTURE_CONTENT
from .conftest import KeywordParser

SPANISH = {
    "Choose your language:": "Elija su idioma:",
    "Language set.": "Idioma elegido.",
    "Main menu:": "Menú principal:",
    "Legal aid": "Ayuda jurídica",
    "Where?": "¿Dónde?",
}


def add_spanish(content: Path) -> None:
    """What an operator does for a new language: a language.yml, a catalog, the answers."""
    es = content / "locales" / "es"
    (es / "LC_MESSAGES").mkdir(parents=True)
    (es / "language.yml").write_text("name: Español\nlocale: es\norder: 4\n", encoding="utf-8")
    with (content / "locales" / "en" / "LC_MESSAGES" / "sanad.po").open("rb") as handle:
        english = read_po(handle)
    catalog = Catalog(locale="es", domain="sanad", fuzzy=False)
    for message in english:
        if message.id:
            source = str(message.id)
            catalog.add(source, SPANISH.get(source, f"(es) {source}"), context=message.context)
    with (es / "LC_MESSAGES" / "sanad.po").open("wb") as handle:
        write_po(handle, catalog)
    (es / "answers").mkdir()
    for answers in (content / "locales" / "en" / "answers").glob("*.yml"):
        entries = yaml.safe_load(answers.read_text(encoding="utf-8"))
        for entry in entries.values():
            for variant in ("text", "voice", "short"):
                if variant in entry:
                    entry[variant] = "(es) " + entry[variant]
        if "legal.what" in entries:
            entries["legal.what"]["text"] = "La ayuda jurídica le da un abogado."
        (es / "answers" / answers.name).write_text(
            yaml.safe_dump(entries, allow_unicode=True), encoding="utf-8"
        )


def test_a_new_language_needs_no_code(
    tmp_path: Path, make_runtime: Callable[..., Runtime], portal: BlockingPortal
) -> None:
    content = tmp_path / "content"
    shutil.copytree(FIXTURE_CONTENT, content)
    add_spanish(content)
    assert check_content(content) == []
    bot = TestBot(make_runtime(parse=KeywordParser(), content_dir=content), portal)
    said = bot.say("ok")
    assert "Elija su idioma:" in said.text
    assert said.labels == ["Français", "العربية", "English", "Español"]
    said = bot.choose("Español")
    assert said.language == "es"
    assert said.replies[0].text == "Idioma elegido."
    assert said.labels[0] == "Ayuda jurídica"
    assert bot.say("1").text == "La ayuda jurídica le da un abogado."


def test_a_new_language_without_its_translations_is_refused(tmp_path: Path) -> None:
    content = tmp_path / "content"
    shutil.copytree(FIXTURE_CONTENT, content)
    add_spanish(content)
    (content / "locales" / "es" / "answers" / "legal.yml").unlink()
    problems = check_content(content)
    assert any("legal.what: missing in es" in p for p in problems), problems
