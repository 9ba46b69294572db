"""The counsellors' console at `/console`: a live queue ordered by risk then waiting time, the
conversation with its history, replies that reach the person on their own channel, notes,
voicemail playback, supervision and accounts. Server-rendered (Starlette + Jinja2) with one small
script; no front-end build.

The queue is pushed over server-sent events fed by the state store's "console" channel, so a
console on one worker sees tickets opened on another when Redis is shared.
"""

from handlers.console.adapter import ConsoleAdapter, create
from handlers.console.canned import Canned, load_canned

__all__ = ["Canned", "ConsoleAdapter", "create", "load_canned"]
