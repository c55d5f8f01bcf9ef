"""action_speak_to_person: the partnership's phone line and its hours, and the nearest hub open now."""

from __future__ import annotations

from typing import Any, Dict, List, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions import portal_api
from actions.listings import shown
from actions.replies import HELP_HOURS, HELP_PHONE, N_, reply
from actions.search_directory import ui_language


class ActionSpeakToPerson(Action):
    def name(self) -> Text:
        return "action_speak_to_person"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: Dict[Text, Any]) -> List[Dict[Text, Any]]:
        listings = []
        try:
            found = await portal_api.search(category="community-hubs", postcode=tracker.get_slot("postcode"),
                                            open_now=True, lang=ui_language(tracker), per_page=1)
            listings = [await shown(item) for item in found.listings]
        except portal_api.PortalUnavailable:
            pass
        say = (N_("You can talk to someone on {phone}, {hours}. This community hub is open now:") if listings
               else N_("You can talk to someone on {phone}, {hours}."))
        dispatcher.utter_message(json_message=reply(say, params={"phone": HELP_PHONE, "hours": HELP_HOURS},
                                                    listings=listings))
        return []
