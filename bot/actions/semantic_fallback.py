"""action_semantic_fallback: when the assistant is unsure, search the directory with the resident's own
words (in any language: the directory searches by meaning), then ask if that was what they meant."""

from __future__ import annotations

from typing import Any, Dict, List, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions import portal_api
from actions.listings import shown
from actions.replies import N_, button, reply
from actions.search_directory import unavailable, ui_language


class ActionSemanticFallback(Action):
    def name(self) -> Text:
        return "action_semantic_fallback"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: Dict[Text, Any]) -> List[Dict[Text, Any]]:
        words = tracker.latest_message.get("text") or ""
        try:
            found = await portal_api.search(text=words, postcode=tracker.get_slot("postcode"),
                                            lang=ui_language(tracker))
        except portal_api.PortalUnavailable:
            dispatcher.utter_message(json_message=unavailable())
            return []
        if not found.listings:
            dispatcher.utter_message(response="utter_ask_rephrase")
            return []
        dispatcher.utter_message(json_message=reply(
            N_("I am not sure I understood. Is this the kind of help you need?"),
            listings=[shown(item) for item in found.listings],
            buttons=[button(N_("Yes"), "/affirm"), button(N_("No"), "/deny")]))
        return []
