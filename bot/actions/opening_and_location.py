"""action_opening_and_location: the resident asks when a place is open, or how to reach it.

The action says only what was asked; the portal answers from the directory, about the place the resident
named or the places it last showed, with its own clock and in the resident's language (see the portal's
`follow_ups`). So the answer is right however long ago the places were shown, and whatever day was named.
"""

from __future__ import annotations

from typing import Any, Dict, List, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.replies import reply

ASKED = {"ask_opening_hours": "hours", "ask_location": "contact"}


class ActionOpeningAndLocation(Action):
    def name(self) -> Text:
        return "action_opening_and_location"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: Dict[Text, Any]) -> List[Dict[Text, Any]]:
        intent = tracker.latest_message.get("intent", {}).get("name")
        dispatcher.utter_message(json_message=reply("", about=ASKED.get(intent, "hours")))
        return []
