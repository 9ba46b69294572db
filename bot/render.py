"""Render channel-neutral replies in one language for one kind of channel."""

from __future__ import annotations

import re
import string
from collections.abc import Mapping
from datetime import date, datetime

from babel import Locale
from babel.dates import format_date, format_datetime
from babel.numbers import format_decimal

from bot.directory import Directory, Service
from bot.domain import Answer, Body, Capabilities, Plural, Rendered, Reply, Services, Text, Verbatim
from bot.i18n import Catalogs
from bot.knowledge import Knowledge

CONTACT_VIA_COUNSELLOR = Text(
    "directory.via_counsellor_all",
    "Where no contact is given, ask a counsellor, who will put you in touch.",
)
SERVICES_IN = Text("directory.services_in", "Services in {region}:")
NO_SERVICES = Text(
    "directory.none",
    "I know of no such service listed in {region}. A counsellor can help you find the nearest one.",
)
LANGUAGES_SPOKEN = Text("directory.languages", "Languages: {languages}.")
_FULL_STOP = (".", "!", "?", "؟", "…", ":")


def _sentence(text: str) -> str:
    text = text.strip()
    return text if not text or text.endswith(_FULL_STOP) else text + "."


def _spoken_digits(text: str) -> str:
    """ "05 37 54 54 00" → "0 5 3 7 5 4 5 4 0 0": a phone line reads numbers digit by digit,
    and a caller in Morocco dials the national form (0…) rather than +212."""
    text = re.sub(r"\+212\s*(?:\(0\)\s*)?", "0", text)
    return re.sub(r"\d[\d .\-]*\d|\d", lambda m: " ".join(re.sub(r"\D", "", m.group(0))), text)


class Renderer:
    def __init__(self, catalogs: Catalogs, knowledge: Knowledge, directory: Directory) -> None:
        self.catalogs = catalogs
        self.knowledge = knowledge
        self.directory = directory

    def render(self, reply: Reply, language: str, caps: Capabilities | None = None) -> Rendered:
        caps = caps or Capabilities()
        lang = self.catalogs.language(language)
        if reply.every_language:
            parts = [self.body(reply.body, code, caps) for code in self.catalogs.languages]
            # Before a language is chosen: the same words in each language, once each.
            text = "\n".join(dict.fromkeys(parts))
        else:
            text = self.body(reply.body, lang.code, caps)
        options = tuple((o.id, self.label(o.label, lang.code)) for o in reply.options)
        return Rendered(text=text, options=options, language=lang.code, direction=lang.direction)

    def label(self, label: Text | Verbatim, language: str) -> str:
        return label.text if isinstance(label, Verbatim) else self.text(label, language)

    def text(self, text: Text, language: str) -> str:
        template = self.catalogs.text(language, text.ctx, text.source)
        return self._format(template, text.params, language)

    def body(self, body: Body, language: str, caps: Capabilities) -> str:
        if isinstance(body, Text):
            return self.text(body, language)
        if isinstance(body, Plural):
            n = body.params.get(body.count, 0)
            template = self.catalogs.plural(
                language,
                body.ctx,
                body.singular,
                body.plural,
                int(n) if isinstance(n, int | float) else 0,
            )
            return self._format(template, body.params, language)
        if isinstance(body, Verbatim):
            return body.text
        if isinstance(body, Answer):
            entry = self.knowledge.get(language, body.key)
            if entry is None:  # `sanad content check` prevents this; never crash a conversation
                return body.key
            return self._format(entry.variant(caps.variant), body.params, language)
        return self._services(body, language, caps)

    def _services(self, body: Services, language: str, caps: Capabilities) -> str:
        region = self.directory.region_name(body.region, language)
        found = self.directory.find(body.offer, body.region)
        if not found:
            return self.text(NO_SERVICES.with_params(region=region), language)
        lines = [self.text(SERVICES_IN.with_params(region=region), language)]
        lines += [self._service(s, language, caps) for s in found]
        if any(not s.contact for s in found):  # said once, not after every service
            lines.append(self.text(CONTACT_VIA_COUNSELLOR, language))
        return "\n".join(lines)

    def _service(self, service: Service, language: str, caps: Capabilities) -> str:
        name = service.name.get(language) or service.name.get("en") or service.id
        city = f" ({self.directory.city_name(service.city, language)})" if service.city else ""
        sentences = [_sentence(service.about.get(language, ""))]
        if service.contact:
            wanted = (
                ("phone", "whatsapp", "address")
                if caps.voice
                else ("phone", "whatsapp", "address", "web", "email")
            )
            contact = ", ".join(service.contact[k] for k in wanted if k in service.contact)
            sentences.append(_sentence(_spoken_digits(contact) if caps.voice else contact))
            sentences.append(_sentence(service.hours.get(language, "")))
        if service.languages:
            locale = self.catalogs.language(language).locale
            names = ", ".join(locale.languages.get(code, code) for code in service.languages)
            sentences.append(self.text(LANGUAGES_SPOKEN.with_params(languages=names), language))
        details = " ".join(s for s in sentences if s)
        return f"• {name}{city}" + (f" — {details}" if details else "")

    def _format(self, template: str, params: Mapping[str, object], language: str) -> str:
        if not params:
            return template
        locale = self.catalogs.language(language).locale
        values = {key: self._value(value, language, locale) for key, value in params.items()}
        try:
            return string.Formatter().vformat(template, (), _Default(values))
        except (ValueError, IndexError):  # a translator's broken brace: show the text as is
            return template

    def _value(self, value: object, language: str, locale: Locale) -> str:
        if isinstance(value, Text):
            return self.text(value, language)
        if isinstance(value, bool):
            return str(value)
        if isinstance(value, int | float):
            return format_decimal(value, locale=locale)
        if isinstance(value, datetime):
            return format_datetime(value, format="short", locale=locale)
        if isinstance(value, date):
            return format_date(value, format="long", locale=locale)
        return str(value)


class _Default(dict[str, str]):
    def __missing__(self, key: str) -> str:
        return "{" + key + "}"
