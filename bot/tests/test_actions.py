"""The actions, run in the bot's own environment (`python -m unittest`): they read today's opening hours
in London time and, when the portal is slow or down, answer kindly with a phone number."""

import asyncio
import socket
import unittest
from datetime import datetime
from zoneinfo import ZoneInfo

from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions import portal_api
from actions.listings import hours_today, one_line
from actions.opening_and_location import ActionOpeningAndLocation
from actions.search_directory import ActionSearchDirectory
from actions.semantic_fallback import ActionSemanticFallback
from actions.speak_to_person import ActionSpeakToPerson

LONDON = ZoneInfo("Europe/London")


def tracker(intent: str, text: str = "", slots: dict = None) -> Tracker:
    return Tracker("test", slots or {}, {"intent": {"name": intent}, "text": text, "metadata": {"language": "pl"}},
                   [], False, None, {}, "action_listen")


def run(action, intent: str, text: str = "", slots: dict = None) -> list:
    dispatcher = CollectingDispatcher()
    events = asyncio.run(action.run(dispatcher, tracker(intent, text, slots), {}))
    return dispatcher.messages, events


class OpeningToday(unittest.TestCase):
    def test_only_sessions_on_todays_london_weekday_count(self) -> None:
        schedules = [{"byday": "MO,WE", "opens_at": "09:30", "closes_at": "12:00"},
                     {"byday": "MO", "opens_at": "14:00:00", "closes_at": "16:00:00"},
                     {"byday": "TU", "opens_at": "10:00", "closes_at": "11:00"}]
        monday_evening_utc = datetime(2026, 11, 23, 23, 30, tzinfo=ZoneInfo("UTC"))  # Monday in London too
        self.assertEqual(hours_today(schedules, monday_evening_utc), "09:30–12:00, 14:00–16:00")
        sunday_late_utc = datetime(2026, 7, 5, 23, 30, tzinfo=ZoneInfo("UTC"))  # already Monday in London (BST)
        self.assertEqual(hours_today(schedules, sunday_late_utc), "09:30–12:00, 14:00–16:00")
        self.assertIsNone(hours_today(schedules, datetime(2026, 11, 26, 12, tzinfo=LONDON)))

    def test_one_line_is_the_first_sentence(self) -> None:
        self.assertEqual(one_line("Free advice. Call us."), "Free advice.")


class PortalDown(unittest.TestCase):
    def setUp(self) -> None:
        self.saved = portal_api.PORTAL_URL
        portal_api.PORTAL_URL = "http://127.0.0.1:9"  # nothing listens on the discard port

    def tearDown(self) -> None:
        portal_api.PORTAL_URL = self.saved

    def test_every_action_answers_kindly_with_a_phone_number(self) -> None:
        for action, intent, slots in ((ActionSearchDirectory(), "find_food_support", {}),
                                      (ActionSemanticFallback(), "nlu_fallback", {}),
                                      (ActionOpeningAndLocation(), "ask_opening_hours", {"last_listing": "x"})):
            messages, _ = run(action, intent, "jedzenie", slots)
            payload = messages[0]["custom"]
            self.assertIn("{phone}", payload["say"], action.name())
            self.assertEqual(payload["params"]["phone"], "020 7946 0000")

    def test_speak_to_person_still_gives_the_phone_line(self) -> None:
        messages, _ = run(ActionSpeakToPerson(), "speak_to_person")
        self.assertEqual(messages[0]["custom"]["params"]["phone"], "020 7946 0000")
        self.assertNotIn("listings", messages[0]["custom"])

    def test_asking_when_it_opens_before_any_search_asks_what_is_needed(self) -> None:
        messages, _ = run(ActionOpeningAndLocation(), "ask_opening_hours")
        self.assertIn("what you need", messages[0]["custom"]["say"])


class PortalSlow(PortalDown):
    """The same kind answers when the portal accepts the connection but never replies."""

    def setUp(self) -> None:
        self.listener = socket.socket()
        self.listener.bind(("127.0.0.1", 0))
        self.listener.listen(8)  # the kernel accepts connections; nobody ever reads or answers them
        self.saved = portal_api.PORTAL_URL, portal_api.TIMEOUT_S
        portal_api.PORTAL_URL = f"http://127.0.0.1:{self.listener.getsockname()[1]}"
        portal_api.TIMEOUT_S = 0.5

    def tearDown(self) -> None:
        portal_api.PORTAL_URL, portal_api.TIMEOUT_S = self.saved
        self.listener.close()


if __name__ == "__main__":
    unittest.main()
