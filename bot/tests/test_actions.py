"""The actions, run in the bot's own environment (`python -m unittest`): questions about places are passed
to the portal as what was asked, and when the portal is slow or down the searches answer kindly with a
phone number."""

import asyncio
import socket
import unittest

from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions import portal_api
from actions.listings import one_line
from actions.opening_and_location import ActionOpeningAndLocation
from actions.search_directory import ActionSearchDirectory
from actions.semantic_fallback import ActionSemanticFallback
from actions.speak_to_person import ActionSpeakToPerson

def tracker(intent: str, text: str = "", slots: dict = None) -> Tracker:
    return Tracker("test", slots or {}, {"intent": {"name": intent}, "text": text, "metadata": {"language": "pl"}},
                   [], False, None, {}, "action_listen")


def run(action, intent: str, text: str = "", slots: dict = None) -> list:
    dispatcher = CollectingDispatcher()
    events = asyncio.run(action.run(dispatcher, tracker(intent, text, slots), {}))
    return dispatcher.messages, events


class Listings(unittest.TestCase):
    def test_one_line_is_the_first_sentence(self) -> None:
        self.assertEqual(one_line("Free advice. Call us."), "Free advice.")


class Questions(unittest.TestCase):
    """Answered by the portal from the directory: the action says only what was asked, and where."""

    def test_when_and_where_say_which_question_was_asked(self) -> None:
        for intent, about in (("ask_opening_hours", "hours"), ("ask_location", "contact")):
            messages, events = run(ActionOpeningAndLocation(), intent, "kiedy jest otwarte?")
            self.assertEqual(messages[0]["custom"]["about"], about)
            self.assertEqual(events, [])

    def test_talking_to_a_person_passes_on_the_place_given(self) -> None:
        messages, _ = run(ActionSpeakToPerson(), "speak_to_person", slots={"postcode": "SE6 4RU"})
        self.assertEqual(messages[0]["custom"]["about"], "person")
        self.assertEqual(messages[0]["custom"]["where"], "SE6 4RU")


class PortalDown(unittest.TestCase):
    def setUp(self) -> None:
        self.saved = portal_api.PORTAL_URL
        portal_api.PORTAL_URL = "http://127.0.0.1:9"  # nothing listens on the discard port

    def tearDown(self) -> None:
        portal_api.PORTAL_URL = self.saved

    def test_every_action_answers_kindly_with_a_phone_number(self) -> None:
        for action, intent, slots in ((ActionSearchDirectory(), "find_food_support", {}),
                                      (ActionSemanticFallback(), "nlu_fallback", {})):
            messages, _ = run(action, intent, "jedzenie", slots)
            payload = messages[0]["custom"]
            self.assertIn("{phone}", payload["say"], action.name())
            self.assertEqual(payload["params"]["phone"], "020 7946 0000")


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
