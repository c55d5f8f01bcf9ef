"""action_opening_and_location: when and where the last place the assistant showed is open."""

from __future__ import annotations

from typing import Any, Dict, List, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions import portal_api
from actions.listings import hours_today
from actions.replies import N_, reply
from actions.search_directory import unavailable


class ActionOpeningAndLocation(Action):
    def name(self) -> Text:
        return "action_opening_and_location"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: Dict[Text, Any]) -> List[Dict[Text, Any]]:
        service_id = tracker.get_slot("last_listing")
        if not service_id:
            dispatcher.utter_message(json_message=reply(N_("Tell me what you need help with first, and I will find a place.")))
            return []
        try:
            record = await portal_api.service(service_id)
        except portal_api.PortalUnavailable:
            dispatcher.utter_message(json_message=unavailable())
            return []
        places = [", ".join(p for p in (a.get("address_1"), a.get("postal_code")) if p)
                  for link in record.get("service_at_locations") or []
                  for a in (link.get("location") or {}).get("addresses") or []]
        today = hours_today(record.get("schedules") or [])
        say = N_("{name} is open today {hours}.") if today else N_("{name} is not open today.")
        dispatcher.utter_message(json_message=reply(
            say, params={"name": record.get("name", ""), "hours": today or ""},
            address=places, url=f"/services/{service_id}"))
        return []
