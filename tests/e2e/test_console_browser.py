"""The counsellors' console in a real headless Chromium, next to a person's web chat.

A counsellor signs in; a person writes a critical message in the web chat; the ticket appears at
the top of the queue without a reload, with a sound and a notification; the counsellor takes it
and replies; the reply appears in the person's chat; closing hands the conversation back to the bot.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest
from anyio.from_thread import BlockingPortal
from playwright.sync_api import expect

from bot import counsellors
from bot.runtime import Runtime
from bot.testing import TestBot

from ..bot.conftest import KeywordParser
from ..bot.test_escalation import PASSWORD, fast_passwords  # noqa: F401 - an autouse fixture

pytestmark = pytest.mark.e2e

# Records what the console does to get a counsellor's attention: notifications raised and tones
# played (a headless browser has no speakers and no notification centre to look at).
WATCH_ALERTS = """
window.__notifications = [];
window.Notification = class {
  constructor(title, options) { window.__notifications.push(title); }
  close() {}
  static get permission() { return "granted"; }
  static requestPermission() { return Promise.resolve("granted"); }
};
window.__tones = 0;
const createOscillator = AudioContext.prototype.createOscillator;
AudioContext.prototype.createOscillator = function () {
  window.__tones += 1;
  return createOscillator.call(this);
};
"""


@pytest.fixture
def contexts(browser: Any) -> Iterator[Callable[..., Any]]:
    made: list[Any] = []

    def new(**options: Any) -> Any:
        context = browser.new_context(locale="en-GB", **options)
        made.append(context)
        return context

    yield new
    for context in made:
        context.close()


def test_a_critical_message_reaches_a_counsellor_who_answers_and_hands_back_to_the_bot(
    make_runtime: Callable[..., Runtime],
    live_server: Callable[..., Any],
    contexts: Callable[..., Any],
    portal: BlockingPortal,
) -> None:
    runtime = make_runtime(parse=KeywordParser())
    with runtime.db.session() as s:
        counsellors.add(s, "Amina", ["fr", "en"], "counsellor", PASSWORD)
    TestBot(runtime, portal, sender="waiting-before").say(
        "i want a human counsellor"
    )  # a normal one
    server = live_server(runtime)

    # The counsellor signs in and keeps the queue open.
    console_context = contexts(viewport={"width": 1280, "height": 900})
    console_context.add_init_script(WATCH_ALERTS)
    console = console_context.new_page()
    console.set_default_timeout(10_000)
    console.goto(server.url + "/console")
    assert console.url.endswith("/console/login?next=/console/")
    console.fill("#name", "Amina")
    console.fill("#password", PASSWORD)
    console.click("#sign-in")
    console.wait_for_selector("#board")
    console.wait_for_selector("body[data-live='1']")  # the live stream is open
    rows = console.locator("#waiting tr.ticket")
    assert rows.count() == 1 and rows.first.get_attribute("data-priority") == "normal"

    # A person writes in the web chat, in another browser.
    chat = contexts(viewport={"width": 360, "height": 740}).new_page()
    chat.set_default_timeout(10_000)
    chat.goto(server.url + "/")
    chat.fill("#text", "i want to kill myself tonight")
    chat.press("#text", "Enter")
    chat.wait_for_selector("text=You are not alone. Police: 19.")

    # Without a reload: the critical ticket is at the top of the queue, with an alert.
    expect(rows).to_have_count(2)  # the page's CSP forbids eval: no wait_for_function
    assert rows.first.get_attribute("data-priority") == "critical"
    assert rows.nth(1).get_attribute("data-priority") == "normal"
    assert "Danger now" in rows.first.inner_text()
    console.wait_for_selector("#alert:not([hidden])")
    assert "Critical: someone may be in danger" in console.inner_text("#alert")
    assert console.evaluate("window.__notifications") == ["Critical: someone may be in danger"]
    assert console.evaluate("window.__tones") == 3
    assert console.title().startswith("⚠")

    # The counsellor takes it: the whole conversation is there.
    rows.first.get_by_role("button", name="Take it").click()
    console.wait_for_selector("#reply")
    assert "i want to kill myself tonight" in console.inner_text("#history")
    chat.wait_for_selector("text=A counsellor is with you now. You can write to them here.")

    # The reply reaches the person's web chat; the person's answer reaches the console live.
    console.fill("#reply", "Hello, I am Amina. Are you safe right now?")
    console.click("#send-reply")
    chat.wait_for_selector(".msg.counsellor >> text=Hello, I am Amina. Are you safe right now?")
    chat.fill("#text", "yes, I am at home")
    chat.press("#text", "Enter")
    console.wait_for_selector("#history >> text=yes, I am at home")
    assert chat.locator(".msg.bot").last.inner_text() != "yes, I am at home"  # the bot stays quiet

    # Closing hands the conversation back to the bot, and the person is told.
    console.select_option("#outcome", "information")
    console.click("#close")
    console.wait_for_selector("text=Closed; the person was told and Sanad takes over again.")
    chat.wait_for_selector("text=The counsellor has closed this conversation.", timeout=10_000)
    chat.fill("#text", "i need a lawyer")
    chat.press("#text", "Enter")
    chat.wait_for_selector("text=Legal aid gives a lawyer.")
