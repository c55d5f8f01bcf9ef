"""action_search_directory: the top three listings for what the resident needs, near where they are."""

from __future__ import annotations

from typing import Any, Dict, List, Optional, Text
from urllib.parse import urlencode

from rasa_sdk import Action, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions import portal_api
from actions.listings import shown
from actions.replies import HELP_PHONE, N_, button, link, reply

# Intents of need, and the directory category each one searches.
NEEDS: Dict[str, str] = {
    "find_debt_advice": "money-debt", "find_benefits_advice": "money-debt",
    "find_mental_health_support": "mental-health", "find_black_therapist": "mental-health",
    "find_social_prescribing": "social-prescribing", "find_community_hub": "community-hubs",
    "find_food_support": "food", "find_housing_help": "housing", "find_family_support": "family",
    "find_youth_support": "young-people", "find_carer_support": "carers",
    "find_older_people_support": "older-people", "find_health_check": "health-checks",
    "find_employment_support": "employment",
}
# Some needs are narrower than their category: the words find the right listings within it.
NEED_WORDS: Dict[str, str] = {
    "find_black_therapist": "Black therapists culturally aware counselling",
    "find_benefits_advice": "benefits advice Universal Credit PIP",
    "find_debt_advice": "debt advice",
}


def ui_language(tracker: Tracker) -> Optional[str]:
    return (tracker.latest_message.get("metadata") or {}).get("language")


def unavailable() -> Dict[str, Any]:
    return reply(N_("Sorry, I cannot search the directory just now. Please call {phone} and someone will help."),
                 params={"phone": HELP_PHONE})


async def search_and_reply(dispatcher: CollectingDispatcher, tracker: Tracker, need: Optional[str],
                           text: str = "") -> List[Dict[Text, Any]]:
    postcode, place = tracker.get_slot("postcode"), tracker.get_slot("neighbourhood")
    try:
        found = await portal_api.search(
            text=text or NEED_WORDS.get(need or "", ""), category=NEEDS.get(need or ""), postcode=postcode,
            neighbourhood=None if postcode else place, language=tracker.get_slot("language"),
            lang=ui_language(tracker))
    except portal_api.PortalUnavailable:
        dispatcher.utter_message(json_message=unavailable())
        return []
    if not found.listings:
        dispatcher.utter_message(json_message=reply(
            N_("I could not find anything for that. Call {phone} and someone will help you find support."),
            params={"phone": HELP_PHONE},
            buttons=[button(N_("Speak to a person"), "/speak_to_person")]))
        return []
    listings = [shown(item) for item in found.listings]
    where = postcode or place
    more = urlencode({k: v for k, v in {"q": text, "category": NEEDS.get(need or ""), "postcode": postcode}.items() if v})
    buttons = [link(N_("See more"), f"/search?{more}")]
    if not where:
        buttons += [button(N_("Near Deptford and New Cross"), '/inform{"neighbourhood": "Deptford"}'),
                    button(N_("Near Lewisham and Lee"), '/inform{"neighbourhood": "Lewisham"}'),
                    button(N_("Near Catford and Downham"), '/inform{"neighbourhood": "Catford"}'),
                    button(N_("Near Sydenham and Forest Hill"), '/inform{"neighbourhood": "Sydenham"}')]
    say = (N_("Here are {shown} of {total} places near {where}.") if where
           else N_("Here are {shown} of {total} places. Tell me your postcode to see the nearest."))
    dispatcher.utter_message(json_message=reply(
        say, params={"shown": len(listings), "total": found.total, "where": where or ""},
        listings=listings, buttons=buttons))
    return [SlotSet("last_listing", listings[0]["id"])]


class ActionSearchDirectory(Action):
    def name(self) -> Text:
        return "action_search_directory"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: Dict[Text, Any]) -> List[Dict[Text, Any]]:
        intent = tracker.latest_message.get("intent", {}).get("name")
        need = intent if intent in NEEDS else tracker.get_slot("need")
        events = await search_and_reply(dispatcher, tracker, need)
        return [SlotSet("need", need), *events] if need else events
