"""The web chat in a real headless Chromium: an Arabic conversation, right to left."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from bot.runtime import Runtime

from ..bot.conftest import KeywordParser

pytestmark = pytest.mark.e2e


def test_an_arabic_conversation_in_the_browser_is_right_to_left(
    make_runtime: Callable[..., Runtime], live_server: Callable[..., Any], page: Any
) -> None:
    server = live_server(make_runtime(parse=KeywordParser()))
    page.goto(server.url + "/")
    assert page.locator("html").get_attribute("dir") == "rtl"
    assert page.locator("html").get_attribute("lang") == "ar"

    page.fill("#text", "مرحبا، أحتاج محامي")
    page.press("#text", "Enter")
    page.wait_for_selector("text=المساعدة القضائية توفر محامياً.")
    bubble = page.locator(".msg.bot").last
    assert bubble.evaluate("el => getComputedStyle(el).direction") == "rtl"
    assert page.locator("html").get_attribute("dir") == "rtl"

    page.get_by_role("button", name="أين؟").click()
    page.wait_for_selector("text=جمعيات تساعد.")
    page.get_by_role("button", name="في مدينتي").click()
    page.wait_for_selector("text=أي مدينة؟")
    page.fill("#text", "oujda")
    page.press("#text", "Enter")
    page.wait_for_selector("text=المنظمة المغربية لحقوق الإنسان - وجدة", timeout=10_000)

    page.select_option("#language", "fr")  # the switcher changes the page and the conversation
    page.wait_for_selector("text=Langue choisie.")
    assert page.locator("html").get_attribute("dir") == "ltr"
    assert page.locator("#send").inner_text() != ""
