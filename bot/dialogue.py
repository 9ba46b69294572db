"""The flow runner: from where a conversation waits and what the person sent, to replies and
effects. It only decides; the engine carries the effects out (goflow's events, PTB's
check/handle split)."""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

from bot.domain import Answer, Option, Reply, Services, Text, Verbatim
from bot.flows import FlowOption, Flows, Node
from nlu.types import Parse

# Nodes the engine itself leads to; `sanad content check` refuses flows without them.
WELCOME = "system.welcome"
LANGUAGE = "system.language"
NOT_UNDERSTOOD = "system.not_understood"
FALLBACK = "system.fallback"
EMPTY = "system.empty"
MENU = "main.menu"
OFFER_COUNSELLOR = "system.offer_counsellor"
REQUIRED_NODES = (WELCOME, LANGUAGE, NOT_UNDERSTOOD, FALLBACK, EMPTY, MENU, OFFER_COUNSELLOR)

# Answers the engine gives itself: the safety reply to danger now, and the emergency numbers
# outside opening hours. `sanad content check` refuses content without them.
SAFETY_ANSWER = "safety.critical"
EMERGENCY_ANSWER = "emergency.numbers"
REQUIRED_ANSWERS = (SAFETY_ANSWER, EMERGENCY_ANSWER)

# Actions a flow may ask for (`action: …`); the engine knows how to carry each out.
ACTIONS = ("delete_data", "checkin_subscribe", "checkin_pause", "checkin_resume", "checkin_stop")
# Conditions a flow may test (`if: …`, `then: …`, `next: …`); the engine answers them.
CONDITIONS = ("checkin_subscribed",)

# Intents that leave whatever the person was doing, even a question waiting for an answer.
GLOBAL_INTENTS = ("help_menu", "talk_to_human", "change_language", "delete_my_data")
MAX_MISSES = 2
SURE_INTENT = 0.9  # above this, an intent beats a town named while a topic offers local services
PENDING = "_pending"  # slot keeping the first question while the language is asked

CHOOSE = Text("dialogue.choose", "Please choose one of these options:")
UNKNOWN_CITY = Text(
    "dialogue.unknown_city",
    "I did not recognise a town in Morocco. Please write the name of your town, for example Rabat.",
)
TIME_FORMAT = Text(
    "dialogue.time_format",
    "Please write a time of day with hours and minutes, from 00:00 to 23:59, for example 18:00 "
    "or 9:30.",
)
_TIME = re.compile(r"^\s*(\d{1,2})\s*(?:(?:[:h.]|\s)\s*(\d{2})?)?\s*(am|pm)?\s*$", re.IGNORECASE)


def parse_time(text: str) -> str | None:
    """ "18:00", "18h", "9h30", "6pm", "18", "1830" (a phone keypad) → "HH:MM"; None for a time
    that does not exist."""
    if text.strip().isdigit() and len(text.strip()) in (3, 4):
        text = f"{text.strip()[:-2]}:{text.strip()[-2:]}"
    match = _TIME.match(text)
    if not match:
        return None
    hour, minute = int(match[1]), int(match[2] or 0)
    if match[3]:
        if not 1 <= hour <= 12:
            return None
        hour = hour % 12 + (12 if match[3].lower() == "pm" else 0)
    if hour > 23 or minute > 59:
        return None
    return f"{hour:02d}:{minute:02d}"


@dataclass
class State:
    node: str | None = None
    slots: dict[str, str] = field(default_factory=dict)
    misses: int = 0
    # Answers the flows' `if:` conditions for this person (set by the engine; not stored).
    test: Callable[[str], bool] = field(default=lambda _: False, repr=False, compare=False)


@dataclass(frozen=True)
class Turn:
    text: str
    option: str | None
    parse: Parse | None
    language: str | None  # None until known


@dataclass(frozen=True)
class Handoff:
    reason: str
    priority: str


@dataclass(frozen=True)
class SetLanguage:
    code: str


@dataclass(frozen=True)
class RunAction:
    name: str


@dataclass(frozen=True)
class EndConversation:
    pass


Effect = Handoff | SetLanguage | RunAction | EndConversation


@dataclass
class Outcome:
    replies: list[Reply] = field(default_factory=list)
    effects: list[Effect] = field(default_factory=list)


class Dialogue:
    def __init__(
        self,
        flows: Flows,
        languages: Mapping[str, str],  # code -> name in itself
        label_of: Callable[[str, Text], str],  # render a label in a language
        language_names: Mapping[str, set[str]],  # code -> normalised names people type
        normalise: Callable[[str], str],
    ) -> None:
        self.flows = flows
        self.languages = languages
        self.label_of = label_of
        self.language_names = language_names
        self.normalise = normalise

    # --- entry points -----------------------------------------------------------------------

    def goto(
        self, qid: str, state: State, language: str | None, out: Outcome | None = None
    ) -> Outcome:
        """Run from node `qid` until a node waits for the person or the flow ends."""
        out = out or Outcome()
        for _ in range(50):  # a `next` cycle is a content bug; never loop forever
            node = self.flows[qid]
            if node.condition is not None and node.then is not None:
                qid = node.then if state.test(node.condition) else (node.next or MENU)
                continue
            self._emit(node, state, language, out)
            if node.waits:
                state.node = qid
                return out
            if node.next is None:
                state.node = None
                return out
            qid = node.next
        state.node = None
        return out

    def step(self, state: State, turn: Turn) -> Outcome:
        """One message from the person, in the conversation's current position."""
        node = self.flows.get(state.node)
        if turn.option is not None:
            chosen = self._option_by_id(turn.option)
            if chosen is not None:
                return self._choose(state, turn, *chosen)
        if node is not None and node.waits and not node.slot:
            typed = self._option_by_text(node, turn)
            if typed is not None:
                return self._choose(state, turn, node, typed)
            if node.language_options:
                # Not a language: the person went on writing. Keep the language; read the message.
                node, state.node = None, None
        parse = turn.parse
        understood = parse is not None and parse.understood
        if node is not None and node.slot:
            if understood and parse is not None and parse.intent in GLOBAL_INTENTS:
                return self._intent(state, turn, parse.intent)
            return self._fill_slot(state, turn, node)
        if (
            node is not None
            and parse is not None
            and parse.city() is not None
            and (not understood or parse.confidence < SURE_INTENT)
        ):
            # "je suis à Oujda" while the topic offers local services: show them, unless the
            # message clearly asks about something else ("a doctor in Oujda").
            local = next((o for o in node.options if self.flows.nodes[o.goto].directory), None)
            if local is not None:
                return self._choose(state, turn, node, local)
        if understood and parse is not None:
            if node is not None:
                by_intent = next((o for o in node.options if parse.intent in o.intents), None)
                if by_intent is not None:
                    return self._choose(state, turn, node, by_intent)
            if parse.intent in self.flows.by_intent:
                return self._intent(state, turn, parse.intent)
        return self._not_understood(state, turn, node)

    def language_of_option(self, option_id: str | None) -> str | None:
        """The language a pressed option picks (an option of a language menu), else None.

        The phone line offers the languages before anything else, so its first message from a
        new caller is such an option."""
        if option_id is None:
            return None
        found = self._option_by_id(option_id)
        return found[1] if found is not None and isinstance(found[1], str) else None

    # --- decisions --------------------------------------------------------------------------

    def _intent(self, state: State, turn: Turn, intent: str) -> Outcome:
        state.misses = 0
        return self.goto(self.flows.by_intent[intent], state, turn.language)

    def _choose(self, state: State, turn: Turn, node: Node, choice: FlowOption | str) -> Outcome:
        state.misses = 0
        if isinstance(choice, FlowOption):
            state.slots.update(choice.assign)
            return self.goto(choice.goto, state, turn.language)
        out = Outcome(effects=[SetLanguage(choice)])
        pending = state.slots.pop(PENDING, None)
        if pending and pending in self.flows.by_intent:
            return self.goto(self.flows.by_intent[pending], state, choice, out)
        if node.next:
            return self.goto(node.next, state, choice, out)
        state.node = None
        return out

    def _fill_slot(self, state: State, turn: Turn, node: Node) -> Outcome:
        slot, after = node.slot or "", node.next or MENU  # the loader requires both
        value = turn.text.strip()
        if node.entity == "city":
            city = turn.parse.city() if turn.parse else None
            if city is None:
                state.misses += 1
                if state.misses < MAX_MISSES:
                    return Outcome([Reply(UNKNOWN_CITY)])
                state.misses = 0
                return self.goto(after, state, turn.language)
            value = city.value
            if city.region:
                state.slots["region"] = city.region
        elif node.entity == "time":
            time_of_day = parse_time(self.normalise(turn.text))
            if time_of_day is None:
                return Outcome([Reply(TIME_FORMAT)])
            value = time_of_day
        if not value:
            return Outcome([self._prompt(node, state, turn.language)])
        state.slots[slot] = value
        state.misses = 0
        return self.goto(after, state, turn.language)

    def _not_understood(self, state: State, turn: Turn, node: Node | None) -> Outcome:
        state.misses += 1
        if state.misses >= MAX_MISSES:
            state.misses = 0
            return self.goto(FALLBACK, state, turn.language)
        waiting = node if node is not None and node.waits else None
        out = self.goto(NOT_UNDERSTOOD, state, turn.language)
        if waiting is not None:
            state.node = waiting.qid
            out.replies.append(self._prompt(waiting, state, turn.language))
        return out

    # --- matching ---------------------------------------------------------------------------

    def _option_by_id(self, option_id: str) -> tuple[Node, FlowOption | str] | None:
        qid, _, local = option_id.rpartition(":")
        node = self.flows.get(qid)
        if node is None:
            return None
        if node.language_options and local in self.languages:
            return node, local
        option = node.option(local)
        return (node, option) if option is not None else None

    def _option_by_text(self, node: Node, turn: Turn) -> FlowOption | str | None:
        typed = self.normalise(turn.text)
        if not typed:
            return None
        if node.language_options:
            codes = list(self.languages)
            if typed.isdigit() and 1 <= int(typed) <= len(codes):
                return codes[int(typed) - 1]
            return next((c for c, names in self.language_names.items() if typed in names), None)
        if typed.isdigit() and 1 <= int(typed) <= len(node.options):
            return node.options[int(typed) - 1]
        for option in node.options:
            labels = {option.id.replace("_", " "), option.label.source}
            if turn.language:
                labels.add(self.label_of(turn.language, option.label))
            if typed in {self.normalise(label) for label in labels}:
                return option
        return None

    # --- output -----------------------------------------------------------------------------

    def _emit(self, node: Node, state: State, language: str | None, out: Outcome) -> None:
        options = self._options(node)
        if node.say is not None:
            out.replies.append(Reply(node.say))
        if node.answer is not None:
            out.replies.append(Reply(Answer(node.answer), options if node.ask is None else ()))
            region = state.slots.get("region")
            if node.directory and region:
                out.replies.append(Reply(Services(node.directory, region)))
        if node.ask is not None:
            out.replies.append(Reply(node.ask, options, every_language=language is None))
        if node.handoff is not None:
            out.effects.append(Handoff(node.handoff, node.priority))
        if node.action is not None:
            out.effects.append(RunAction(node.action))
        if node.end:
            out.effects.append(EndConversation())

    def _options(self, node: Node) -> tuple[Option, ...]:
        if node.language_options:
            return tuple(
                Option(f"{node.qid}:{code}", Verbatim(name))
                for code, name in self.languages.items()
            )
        return tuple(Option(f"{node.qid}:{o.id}", o.label) for o in node.options)

    def _prompt(self, node: Node, state: State, language: str | None) -> Reply:
        options = self._options(node)
        if node.ask is not None:
            return Reply(node.ask, options, every_language=language is None)
        return Reply(CHOOSE, options)
