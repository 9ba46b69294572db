"""Everything operators edit, loaded and checked as one: languages, catalogs, answers, directory
and flows. `load_content` refuses to start on any problem; `sanad content check` lists them all,
each naming its file and key or node."""

from __future__ import annotations

import re
import string
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.plurals import get_plural

from bot.checkins import Questionnaire, load_questionnaires
from bot.dialogue import ACTIONS, CONDITIONS, REQUIRED_ANSWERS, REQUIRED_NODES
from bot.directory import Directory
from bot.domain import Text
from bot.errors import ContentError
from bot.flows import Flows, load_flows
from bot.i18n import SOURCE_LANGUAGE, Catalogs, po_path, read_catalog
from bot.knowledge import MAX_TEXT, MAX_VOICE, Knowledge
from bot.render import Renderer
from nlu.types import INTENTS

FACTS = Path("sources") / "FACTS.md"
REPORT = Path("sources") / "report-programme5.txt"
TEMPLATE = Path("locales") / "sanad.pot"

_URL = re.compile(
    r"(?:https?://|www\.)[^\s)>\]]+|\b[\w-]+(?:\.[\w-]+)*\.(?:ma|org|com|net|int|fr)\b[^\s)>\]]*",
    re.I,
)
_EMAIL = re.compile(r"[\w.+-]+@[\w-]+\.[\w.-]+")
# Digit groups joined by one separator ("05 37 54 54 00", "2 5 1 1", "18,000", "514-65").
_NUMBER = re.compile(r"\+?\d+(?:[ .,\-\u00a0]\d+)*")
_ALTERNATIVES = re.compile(r"((?:\+?\d+[ .\-]?)+\d)((?:\s*/\s*\d{2,4})+)")


@dataclass(frozen=True)
class Content:
    dir: Path
    catalogs: Catalogs
    knowledge: Knowledge
    directory: Directory
    flows: Flows
    questionnaires: dict[str, Questionnaire]

    @property
    def renderer(self) -> Renderer:
        return Renderer(self.catalogs, self.knowledge, self.directory)


def load_content(content_dir: Path) -> Content:
    """Load and check all content; raise `ContentError` with every problem found."""
    content, problems = _load(content_dir)
    if content is None or problems:
        raise ContentError(problems)
    return content


def check_content(content_dir: Path) -> list[str]:
    """Every problem of the content, for `sanad content check`; empty when all is well."""
    return _load(content_dir)[1]


def _load(content_dir: Path) -> tuple[Content | None, list[str]]:
    problems: list[str] = []

    def attempt(load):  # type: ignore[no-untyped-def]
        try:
            return load()
        except ContentError as exc:
            problems.extend(exc.problems)
            return None

    catalogs = attempt(lambda: Catalogs(content_dir))
    if catalogs is None:
        return None, problems
    codes = list(catalogs.languages)
    knowledge = attempt(lambda: Knowledge.load(content_dir, codes))
    directory = attempt(lambda: Directory.load(content_dir / "directory.yml"))
    flows = attempt(
        lambda: load_flows(content_dir / "flows", INTENTS, ACTIONS, REQUIRED_NODES, CONDITIONS)
    )
    questionnaires = attempt(lambda: load_questionnaires(content_dir / "checkins"))
    if knowledge is None or directory is None or flows is None or questionnaires is None:
        return None, problems

    verified = _VerifiedContacts(content_dir)
    problems += [
        f"content/locales/*/answers: {key}: the engine needs this answer (in every language)"
        for key in REQUIRED_ANSWERS
        if key not in knowledge.all_keys()
    ]
    problems += _check_answers(knowledge, flows, codes)
    problems += _check_catalogs(content_dir, flows, questionnaires, codes, verified)
    problems += _check_directory(directory, flows, verified)
    problems += _check_contacts_in_answers(knowledge, verified)
    for questionnaire in questionnaires.values():
        if questionnaire.resources and questionnaire.resources not in knowledge.all_keys():
            problems.append(
                f"{questionnaire.file}: resources: answer {questionnaire.resources!r} does not "
                f"exist"
            )
    return Content(content_dir, catalogs, knowledge, directory, flows, questionnaires), problems


def _placeholders(text: str) -> set[str]:
    try:
        return {name for _, name, _, _ in string.Formatter().parse(text) if name}
    except ValueError:
        return {"<unbalanced braces>"}


def _check_answers(knowledge: Knowledge, flows: Flows, codes: list[str]) -> list[str]:
    problems: list[str] = []
    all_keys = knowledge.all_keys()
    for node in flows.nodes.values():
        if node.answer and node.answer not in all_keys:
            problems.append(f"{node.file}: node {node.qid}: answer {node.answer!r} does not exist")
    for key in sorted(all_keys):
        reference: set[str] | None = None
        for code in codes:
            entry = knowledge.entries[code].get(key)
            if entry is None:
                problems.append(f"content/locales/{code}/answers: {key}: missing in {code}")
                continue
            where = f"{entry.file}: {key}"
            if len(entry.text) > MAX_TEXT:
                problems.append(
                    f"{where}: text is {len(entry.text)} characters (at most {MAX_TEXT}); "
                    "split it into steps with options"
                )
            if entry.short and len(entry.short) > len(entry.text):
                problems.append(f"{where}: `short` is longer than `text`")
            if len(entry.voice) > MAX_VOICE:
                problems.append(
                    f"{where}: voice is {len(entry.voice)} characters (at most {MAX_VOICE})"
                )
            if _URL.search(entry.voice) or _EMAIL.search(entry.voice):
                problems.append(f"{where}: voice must not contain links (it is spoken)")
            if re.search(r"\d{3,}", entry.voice):
                problems.append(f'{where}: voice: write numbers digit by digit ("2 5 1 1")')
            for source in entry.sources:
                if not re.search(r"\b(report|FACTS)\b", source):
                    problems.append(f"{where}: source {source!r} must cite the report or FACTS.md")
            names = _placeholders(entry.text) | _placeholders(entry.voice)
            if entry.short:
                names |= _placeholders(entry.short)
            if reference is None:
                reference = names
            elif names != reference:
                problems.append(
                    f"{where}: placeholders {sorted(names)} differ from other languages "
                    f"{sorted(reference)}"
                )
    return problems


def _check_catalogs(
    content_dir: Path,
    flows: Flows,
    questionnaires: dict[str, Questionnaire],
    codes: list[str],
    verified: _VerifiedContacts,
) -> list[str]:
    problems: list[str] = []
    template_path = content_dir / TEMPLATE
    template: list[tuple[str | None, str]] = []
    if template_path.is_file():
        from babel.messages.pofile import read_po

        with template_path.open("rb") as handle:
            template = [
                (m.context, m.id[0] if isinstance(m.id, tuple) else str(m.id))
                for m in read_po(handle)
                if m.id
            ]
    for text in flows.texts():
        if len(text.source) > MAX_TEXT:
            problems.append(
                f"{_flow_file(flows, text)}: {text.ctx}: longer than {MAX_TEXT} characters"
            )
    for code in codes:
        if code == SOURCE_LANGUAGE:
            continue
        path = po_path(content_dir, code)
        catalog = read_catalog(content_dir, code)
        if catalog is None:
            problems.append(f"{path}: missing: run `make messages`, then translate")
            continue
        if catalog.fuzzy:
            problems.append(
                f"{path}: the catalog header is marked fuzzy, so `pybabel compile` would "
                "skip the whole file: review it and remove `#, fuzzy` above its header"
            )
        expected = get_plural(code).num_plurals
        if catalog.num_plurals != expected:
            problems.append(
                f"{path}: Plural-Forms has {catalog.num_plurals} forms; {code} needs {expected}"
            )
        for text in flows.texts():
            problem = _translation_problem(catalog, text.ctx, text.source, code)
            if problem:
                problems.append(f"{_flow_file(flows, text)}: node {text.ctx}: {problem} ({path})")
        for questionnaire in questionnaires.values():
            for text in questionnaire.texts():
                problem = _translation_problem(catalog, text.ctx, text.source, code)
                if problem:
                    problems.append(f"{questionnaire.file}: {text.ctx}: {problem} ({path})")
        for ctx, msgid in template:
            problem = _translation_problem(catalog, ctx, msgid, code)
            if problem:
                problems.append(f"{path}: {ctx or msgid}: {problem}")
        for message in catalog:
            if message.id and isinstance(message.string, str) and message.string:
                for detail in verified.unverified(message.string):
                    problems.append(
                        f"{path}: {message.context}: contact detail {detail!r} is not "
                        "marked verified in FACTS.md"
                    )
    return problems


def _translation_problem(catalog: Catalog, ctx: str | None, source: str, code: str) -> str | None:
    message = catalog.get(source, context=ctx)
    if (
        message is None
        or not message.string
        or (isinstance(message.string, tuple) and not all(message.string))
    ):
        return f"no {code} translation"
    if message.fuzzy:
        return f"the {code} translation is marked fuzzy: review it"
    if isinstance(message.id, tuple):  # plural forms may drop the number ("every day")
        allowed = set().union(*(_placeholders(form) for form in message.id))
        if any(not _placeholders(form) <= allowed for form in message.string):
            return f"the {code} translation's placeholders differ from the source's"
        return None
    translated = message.string if isinstance(message.string, str) else message.string[0]
    if _placeholders(translated) != _placeholders(source):
        return f"the {code} translation's placeholders differ from the source's"
    if len(translated) > MAX_TEXT:
        return f"the {code} translation is longer than {MAX_TEXT} characters"
    return None


def _flow_file(flows: Flows, text: Text) -> Path:
    qid = text.ctx if text.ctx in flows.nodes else text.ctx.rsplit(".", 1)[0]
    node = flows.nodes.get(qid)
    return node.file if node else Path("content/flows")


def _check_directory(directory: Directory, flows: Flows, verified: _VerifiedContacts) -> list[str]:
    problems: list[str] = []
    offers = {offer for service in directory.services for offer in service.offers}
    for node in flows.nodes.values():
        if node.directory and node.directory not in offers:
            problems.append(
                f"{node.file}: node {node.qid}: no service in the directory offers "
                f"{node.directory!r}"
            )
    for service in directory.services:
        for value in list(service.contact.values()) + list(service.hours.values()):
            for detail in verified.unverified(value):
                problems.append(
                    f"{directory.file}: {service.id}: contact detail {detail!r} is not "
                    "marked verified in FACTS.md"
                )
        for source in service.sources:
            if not re.search(r"\b(report|FACTS)\b", source):
                problems.append(
                    f"{directory.file}: {service.id}: source {source!r} must cite the "
                    "report or FACTS.md"
                )
    return problems


def _check_contacts_in_answers(knowledge: Knowledge, verified: _VerifiedContacts) -> list[str]:
    problems: list[str] = []
    for entries in knowledge.entries.values():
        for key, entry in entries.items():
            for variant in (entry.text, entry.short or "", entry.voice):
                for detail in verified.unverified(variant):
                    problems.append(
                        f"{entry.file}: {key}: contact detail {detail!r} is not marked "
                        "verified in FACTS.md"
                    )
    return problems


class _VerifiedContacts:
    """Numbers, links and e-mail addresses that section A of FACTS.md lists as verified.

    Figures quoted from the report are allowed too (it has no contact details)."""

    def __init__(self, content_dir: Path) -> None:
        facts = (
            (content_dir / FACTS).read_text(encoding="utf-8")
            if (content_dir / FACTS).is_file()
            else ""
        )
        verified_part = facts.split("## B.", 1)[0]
        report = (
            (content_dir / REPORT).read_text(encoding="utf-8")
            if (content_dir / REPORT).is_file()
            else ""
        )
        known = _numbers(_expand_alternatives(verified_part) + "\n" + report)
        self.numbers = {digits for _, digits in known if digits}
        self.text = (verified_part + report).lower()

    def unverified(self, text: str) -> list[str]:
        found: list[str] = []
        for match in _EMAIL.finditer(text):
            if match.group(0).lower() not in self.text:
                found.append(match.group(0))
        for match in _URL.finditer(text):
            url = re.sub(r"^(https?://)?(www\.)?", "", match.group(0).lower()).rstrip("/.,;")
            if url not in self.text:
                found.append(match.group(0))
        for raw, number in _numbers(text):
            if number and number not in self.numbers:
                found.append(raw.strip())
        return found


def _numbers(text: str) -> Iterable[tuple[str, str]]:
    """Each number as written, with its significant digits; "" for numbers of under 3 digits and
    years 1900-2099, which are no contact detail."""
    for raw in _NUMBER.findall(text.replace("(0)", "")):
        digits = re.sub(r"\D", "", raw)
        if len(digits) < 3 or (len(digits) == 4 and digits[:2] in ("19", "20")):
            yield raw, ""
            continue
        if digits.startswith("00212"):
            digits = digits[5:]
        elif digits.startswith("212") and len(digits) >= 11:
            digits = digits[3:]
        elif digits.startswith("0") and len(digits) >= 9:
            digits = digits[1:]
        yield raw, digits


def _expand_alternatives(text: str) -> str:
    """ "+212 6 14 00 47 22 / 39 / 73" lists three numbers: write each out in full."""

    def expand(match: re.Match[str]) -> str:
        first = match.group(1)
        digits = re.sub(r"\D", "", first)
        tails = re.findall(r"\d+", match.group(2))
        return " ; ".join([first] + [digits[: len(digits) - len(t)] + t for t in tails])

    return _ALTERNATIVES.sub(expand, text)
