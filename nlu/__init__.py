"""Sanad's natural-language understanding: language, intent, city entities and risk.

    from nlu import get_model
    parse = get_model().parse("jai besoin dun avocat a casa")
    parse.intent, parse.language, parse.risk, parse.city()

Depends on nothing else of ours (numpy, pyyaml; httpx for the optional Rasa backend). The
contract of the output is shared/CONTRACTS.md.
"""

from __future__ import annotations

from nlu.loader import get_model
from nlu.model import Model
from nlu.normalise import normalise
from nlu.regions import REGIONS, region_of
from nlu.trainer import train
from nlu.types import INTENTS, LANGUAGES, RISK_LEVELS, Entity, Language, Parse, Risk

__all__ = [
    "INTENTS",
    "LANGUAGES",
    "REGIONS",
    "RISK_LEVELS",
    "Entity",
    "Language",
    "Model",
    "Parse",
    "Risk",
    "get_model",
    "normalise",
    "region_of",
    "train",
]
