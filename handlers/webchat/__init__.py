"""The web chat: the page at `/` and its JSON API (`POST /api/webchat/messages`).

Counsellors' replies reach an open page through a server-sent event stream
(`GET /api/webchat/events`), fed by the state store's pub/sub so it works across workers.
"""

from handlers.webchat.adapter import WebchatAdapter, create

__all__ = ["WebchatAdapter", "create"]
