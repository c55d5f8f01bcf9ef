"""action_speak_to_person: the resident wants to talk to someone.

The portal answers, knowing the time: in the advice line's hours, the line; out of hours, when it opens
again and what is open now near the place the resident gave (see the portal's `follow_ups`).
"""

from __future__ import annotations

from typing import Any, Dict, List, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.replies import reply


class ActionSpeakToPerson(Action):
    def name(self) -> Text:
        return "action_speak_to_person"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: Dict[Text, Any]) -> List[Dict[Text, Any]]:
        where = tracker.get_slot("postcode") or tracker.get_slot("neighbourhood") or ""
        dispatcher.utter_message(json_message=reply("", about="person", where=where))
        return []
