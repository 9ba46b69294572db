"""Risk detection: `none`, `elevated` or `critical` (definitions in shared/CONTRACTS.md).

Design. A missed critical message can cost a life, a false alarm costs a counsellor's minute, so
the detector is built for critical recall first and combines two independent signals:

1. Curated phrases (`risk_lexicon.py`) in French, English, Arabic script and Arabizi for the
   unambiguous core: suicidal intent or plan, self-harm, being attacked or held now, a child in
   danger, a medical emergency. A phrase counts only when it is not negated just before it
   ("je ne vais pas me tuer", "I don't want to kill myself", "ما بغيتش نموت", "ma bade mout")
   and not placed in the past, resolved or habitual ("l'année dernière…", "now I'm fine",
   "الحمد لله دابا مزيان", "dima"); a marker of now ("now", "ce soir", "دابا") brings a past or
   habitual event back, and present-tense attacks that may be habitual ("mon mari me frappe")
   count only with such a marker. A softened phrase still makes the message `elevated`.
   Questions asked for information ("what number do I call if someone is suicidal?") soften too.
   A state that began recently counts as now ("enfermée depuis hier", "since this morning"), and
   being held by the police softens a held phrase (a legal emergency, not a danger to life; an
   attack by the police stays critical). Laughter ("mdr", "😂") and a stated non-intent ("but I
   won't do anything", "ما غاديش ندير والو") soften a phrase too. A few firm phrases are undone by
   nothing but a resolved or informational context: "I will not stop until I die", "when you
   read this I will be gone", "the boat is sinking".
2. A softmax model over the shared word/character n-gram features plus cross-lingual concept
   features (`concepts.py`: method, farewell, now, bleeding, child, …, and their pairs), trained
   on `nlu/risk_data/`
   (plus ordinary messages of the non-risk intents as `none`, and those of the other intents —
   shelter, health, violence, … — with the soft label "none or elevated, not critical", so
   everyday traffic stays calm), its logits mixed with a multinomial naive Bayes's. It
   catches the indirect phrasings no list can enumerate ("I want to sleep and never wake up",
   "goodbye, tell my mother I love her"). Its critical threshold is chosen on cross-validated
   predictions for recall; when a figure of speech is present ("this heat is killing me", "je
   meurs de faim", "قتلني الجوع") or the phrase was negated or past, the model needs much more
   confidence before it may call the message critical, and so it does when the message names no
   danger at all (no danger concept: method, bleeding, violence, final goodbye, …, or a child
   alone), which keeps "bed for tonight" and "bslama" calm however the words weigh; a message
   of three words or fewer that names no danger ("stop", "khalas") is never critical on the
   model's word alone. A long message is also read in overlapping windows of a few words
   (`windows`, `pool`), so that a danger buried among greetings and paperwork is not diluted by
   them.

`elevated` is the union of the elevated phrases and the model's elevated-or-critical mass above
its own threshold. Everything is computed on normalised text, so accents, hamza forms and SMS
spellings do not matter.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from nlu import risk_lexicon as lex
from nlu.concepts import CONCEPTS, DANGER, concept_names
from nlu.types import Risk

# Model confidence needed for `critical` when a guard (idiom, negation, past) fired, and when the
# message names no danger at all.
GUARDED_CRITICAL = 0.9
# 0.2 (was 0.45) since the risk head's penalty is 3e-6 (trainer.OPTIONS), which makes its
# probabilities sharper: indirect farewells ("give my place to someone else, for me it ends
# tonight") name no danger concept and are the largest group of misses. 5-fold CV with the
# windows below, on 7,210 risk examples (the seventh round is indirect danger and its calm
# twins): critical recall 97.2 % at precision 81.7 % (97.1-97.3 % with other fold splits),
# calm everyday messages called critical 2.9 %; 0.25 gave 96.9 %, 82.3 % and 2.5 %, 0.45 gave
# 95.5 %, 84.0 % and 1.6 %. Recall first: a miss can cost a life, a false alarm a minute.
NO_DANGER_CRITICAL = 0.2
# A message this short that names no danger is never critical on the model's word: "stop",
# "khalas", "safi" end ordinary conversations far more often than lives (5-fold CV:
# critical recall 93.5 % against 93.8 % without the rule; ordinary messages of <= 3 words
# called critical 1.5 % against 3.9 %). A curated phrase still makes them critical.
SHORT_NO_DANGER_WORDS = 3
# A long message whose words the model mostly never saw (random characters, a pasted binary) is
# not language it can judge: its danger words are accidents of the noise. From GIBBERISH_WORDS
# words on, below this share of known words, only a curated phrase may raise the level (held-out
# messages of 12 words or more: 78 % known words at the least; 100 KB of random letters: 8-13 %).
GIBBERISH_WORDS = 12
GIBBERISH_KNOWN_SHARE = 0.4
# A long message can bury the danger in one sentence among greetings and paperwork ("… and the
# certificate for school; tonight I take the pills I kept; thank you for everything"). Its
# features are normalised over the whole text, so the buried sentence weighs little. From
# WINDOW_MIN_WORDS words on, the model also reads every WINDOW_WORDS-word window (overlapping by
# half), and a window that is critical with WINDOW_CRITICAL confidence speaks for the message.
# The guards (negation, past, idiom, no danger named) are still read on the whole text. 5-fold
# CV: critical recall +0.6 points at the same precision; from 20 words on, or with shorter
# windows, windows cut out of context raise too many ordinary messages.
WINDOW_MIN_WORDS = 30
WINDOW_WORDS = 8
WINDOW_CRITICAL = 0.7


@dataclass(frozen=True)
class Thresholds:
    critical: float = 0.35
    elevated: float = 0.5


@dataclass(frozen=True)
class Signals:
    """What the curated phrases say about one normalised message."""

    critical: bool = False  # a live critical phrase
    softened: bool = False  # a critical phrase, but negated, past or resolved
    elevated: bool = False
    idiom: bool = False
    danger: bool = False  # a danger concept (concepts.DANGER) is present, or a child alone
    words: int = 0  # tokens of the normalised text


def _negated(toks_before: list[str], toks_after: list[str]) -> bool:
    window = toks_before[-3:]
    # An Arabic word carries its subject and clitics, so a negation three words back belongs to
    # another clause: "ما عاد فيني بلعت الحبوب" is "I can't anymore, I swallowed the pills".
    if len(window) == 3 and window[0] in lex.NEGATIONS and not window[0].isascii():
        window = window[1:]
    if any(t in lex.NEGATIONS for t in window):
        return True
    if window and window[-1] in lex.NEGATION_PARTICLES:
        return True
    return any(t in lex.FRENCH_NE for t in window) and any(
        t in lex.FRENCH_NEG_AFTER for t in toks_after[:2]
    )


def signals(norm: str) -> Signals:
    """Evaluate the curated phrases on a normalised text."""
    found = set(lex.PRESENT.present(norm))
    # Laughter ("mdr", "😂") makes a phrase a joke more often than a crisis: the concept's words.
    laugh = "laugh" in concept_names(norm)
    idiom = "idioms" in found or laugh
    text = norm
    if "idioms" in found:
        # Figures of speech are blanked out so "je meurs de faim" cannot feed a critical phrase.
        text = lex.IDIOMS.sub(" ", norm)
        found = set(lex.PRESENT.present(text))
    now = "now" in found
    firm = "critical_firm" in found and not found & {"resolved", "info"}
    matches = list(lex.CRITICAL.finditer(text)) if "critical" in found else []
    if now and "critical_if_now" in found:
        matches += list(lex.CRITICAL_IF_NOW.finditer(text))
    live, softened = firm, False
    if matches and not live:
        # Resolved ("now I'm fine") wins over "now"; past and habitual only without "now".
        calm = laugh or bool(found & {"resolved", "info"})
        past = "past" in found and not now
        habitual = "habitual" in found and not now
        # Held by the police, or shut in by oneself, is not being held by someone.
        not_captive = bool(found & {"custody", "self_shut"})
        for m in matches:
            # Words before the one the match starts in ("فالانتحار" is one word).
            head = text[: m.start()]
            before = head.split() if head.endswith(" ") or not head else head.split()[:-1]
            after = text[m.end() :].split()
            # Being held is a state: "every night they take one of us" does not make it a habit
            # that is over; the past ("last year"), the police or one's own door can.
            held_phrase = bool(CONCEPTS["held"].search(m.group(0)))
            soft = calm or past or (habitual and not held_phrase) or (not_captive and held_phrase)
            if soft or _negated(before, after):
                softened = True
            else:
                live = True
                break
    names = set(concept_names(text))
    # "Now I'm fine" says the danger is over even when no phrase named it: the model then
    # needs the guarded confidence too.
    resolved = not live and "resolved" in found
    return Signals(
        critical=live,
        softened=softened or resolved,
        elevated=bool(found & {"elevated", "critical_if_now"}),
        idiom=idiom,
        danger=bool(names & DANGER) or {"child", "alone"} <= names,
        words=len(norm.split()),
    )


def windows(norm: str) -> list[str]:
    """The overlapping word windows the model also reads in a long message (none if short)."""
    words = norm.split()
    if len(words) < WINDOW_MIN_WORDS:
        return []
    step = WINDOW_WORDS // 2
    return [" ".join(words[i : i + WINDOW_WORDS]) for i in range(0, len(words) - step, step)]


def pool(whole: npt.NDArray[np.float32], parts: npt.NDArray[np.float32]) -> npt.NDArray[np.float32]:
    """The message's probabilities given its own and its windows' (rows of `parts`): the most
    critical window when it is surer than WINDOW_CRITICAL and than the whole text."""
    if not len(parts):
        return whole
    best = int(np.argmax(parts[:, 2]))
    if parts[best, 2] >= WINDOW_CRITICAL and parts[best, 2] > whole[2]:
        return parts[best]
    return whole


def decide(
    norm: str, probs: npt.NDArray[np.float32], th: Thresholds, known_share: float = 1.0
) -> Risk:
    """Combine phrases and model probabilities (order: none, elevated, critical);
    `known_share` is the share of the text's words that the model has seen."""
    return combine(signals(norm), probs, th, known_share)


def combine(
    s: Signals, probs: npt.NDArray[np.float32], th: Thresholds, known_share: float = 1.0
) -> Risk:
    """The level given the phrase signals and the model's probabilities."""
    if s.critical:
        return "critical"
    if s.words >= GIBBERISH_WORDS and known_share < GIBBERISH_KNOWN_SHARE:
        return "elevated" if s.softened or s.elevated else "none"
    guarded = s.idiom or s.softened
    p_elevated, p_critical = float(probs[1]), float(probs[2])
    # Without any danger named, the model needs much more confidence: "bed for tonight" or
    # "bslama" share words with crisis messages but describe none.
    needed = max(th.critical, GUARDED_CRITICAL) if guarded else th.critical
    if not s.danger:
        needed = max(needed, NO_DANGER_CRITICAL)
    if p_critical >= needed and (s.danger or s.words > SHORT_NO_DANGER_WORDS):
        return "critical"
    if s.softened or s.elevated or p_elevated + p_critical >= th.elevated:
        return "elevated"
    return "none"
