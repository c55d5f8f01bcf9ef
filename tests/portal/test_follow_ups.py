"""Follow-up questions in the assistant: "when is it open?", "is it open on Saturday?", "what is their number?"
and "can I talk to someone?" are answered from the directory, about the place named or last shown, with the
portal's clock, in the resident's language; and the conversation lasts the visit, through Back and reloads."""

from __future__ import annotations

import re
from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from fastapi.testclient import TestClient

from directory.corpus import corpus
from directory.publishing import publish_translation
from directory.schedules import weekly
from directory.store import open_db
from portal import follow_ups, opening_times
from portal.i18n import translator
from tests.portal.pages import reset_link

LONDON = ZoneInfo("Europe/London")
SUNDAY_NIGHT = datetime(2026, 12, 13, 23, 30, tzinfo=LONDON)
TUESDAY_MORNING = datetime(2026, 12, 8, 11, 0, tzinfo=LONDON)
CATFORD_FOOD_BANK = "7d8d757b-6e46-575a-8d1f-25e26ec743a2"  # Tuesday and Friday, 12:00-15:00
CRISIS_LINE = "df86353a-f798-555c-b27a-a6e6293b88bc"  # every day, round the clock
FOOD = [{"custom": {"say": "Here is some help.", "listings": [{"id": CATFORD_FOOD_BANK}]}}]
NEEDS = ("I need food", "food", "food please")


def _send(client: TestClient, message: str, language: str = "en", fragment: bool = False) -> str:
    """The page after sending a message, or with `fragment` the new turn alone, as htmx asks for it."""
    page = client.get(f"/{language}/chat").text
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    response = client.post(f"/{language}/chat", data={"csrf_token": token, "message": message},
                           headers={"HX-Request": "true"} if fragment else {})
    assert response.status_code == 200
    return response.text


def _rasa_answers(recorded, about: str) -> None:  # noqa: ANN001
    """Rasa sends listings for a need, and says what was asked for a follow-up (as its actions do)."""
    recorded.script = lambda message: FOOD if message in NEEDS else [{"custom": {"say": "", "about": about}}]


@pytest.mark.parametrize(("text", "language", "weekday"), [
    ("is it open on Saturday?", "en", 5), ("czy jest otwarte w sobotę?", "pl", 5), ("هل هو مفتوح يوم السبت؟", "ar", 5),
    ("cumartesi açık mı", "tr", 5), ("cuma günü açık mı", "tr", 4), ("¿está abierto el sábado?", "es", 5),
    ("ma furan yahay Sabtida", "so", 5), ("est-ce ouvert lundi ?", "fr", 0), ("শনিবার খোলা?", "bn", 5),
    ("open on saturday?", "pl", 5),  # English among another language's words
])
def test_a_day_named_in_any_language_is_the_next_such_day(text: str, language: str, weekday: int) -> None:
    monday = date(2026, 12, 7)
    day = follow_ups.named_day(text, translator(language), monday)
    assert day is not None and day.weekday() == weekday and 0 <= (day - monday).days < 7


@pytest.mark.parametrize(("text", "language"), [("is it open tomorrow", "en"), ("czy jutro jest otwarte", "pl"),
                                                ("هل هو مفتوح غدا", "ar")])
def test_tomorrow_is_tomorrow(text: str, language: str) -> None:
    assert follow_ups.named_day(text, translator(language), date(2026, 12, 7)) == date(2026, 12, 8)


@pytest.mark.parametrize("text", ["when is it open", "what time do they close", "is the market open", "sunny"])
def test_no_day_named_is_today(text: str) -> None:
    assert follow_ups.named_day(text, translator("en"), date(2026, 12, 7)) is None


def test_a_place_is_found_by_its_name_misspelt_or_before_its_dash(seeded_path) -> None:  # noqa: ANN001
    db = open_db(seeded_path)
    found = corpus(db, None)
    named = {text: follow_ups.named_listing(found, text, "en", []) for text in (
        "when is catford foodbank open", "whats the number for citizens advise lewisham", "is the food bank open",
        "when is it open", "is deptford lounge open on saturday?")}
    in_polish = {text: follow_ups.named_listing(found, text, "pl", []) for text in (
        "kiedy jest otwarty bank żywności w deptford", "kiedy jest otwarty bank żywności w catford")}
    db.close()
    deptford = found.index_of[in_polish["kiedy jest otwarty bank żywności w deptford"]]
    assert found.listings[deptford].name == "Deptford food bank"  # by its Polish name
    assert in_polish["kiedy jest otwarty bank żywności w catford"] is None  # not Deptford's: Catford is named
    assert found.listings[found.index_of[named["is deptford lounge open on saturday?"]]].name.startswith(
        "Deptford Lounge")
    assert named["when is catford foodbank open"] == CATFORD_FOOD_BANK
    assert found.listings[found.index_of[named["whats the number for citizens advise lewisham"]]].name.startswith(
        "Citizens Advice Lewisham")
    assert named["is the food bank open"] is None and named["when is it open"] is None


def test_hours_say_closed_then_when_it_next_opens_and_the_usual_week() -> None:
    food_bank = weekly("TU,FR 12:00-15:00")
    lines = opening_times.when_open(food_bank, translator("en"), SUNDAY_NIGHT)
    assert lines == ["Closed today.", "Opens Tuesday at 12:00", "Tuesday: 12:00–15:00", "Friday: 12:00–15:00"]
    saturday = opening_times.when_open(food_bank, translator("en"), SUNDAY_NIGHT, date(2026, 12, 19))
    assert saturday[0] == "Closed on Saturday." and "22 December 2026" in saturday[1]


def test_a_round_the_clock_line_is_open_24_hours_not_until_23_59() -> None:
    line = weekly("MO,TU,WE,TH,FR,SA,SU 00:00-23:59")
    assert opening_times.when_open(line, translator("en"), SUNDAY_NIGHT) == ["Open 24 hours, every day."]
    assert opening_times.today_line(line, translator("en"), SUNDAY_NIGHT) == "Open 24 hours"


def test_a_holiday_closure_is_said_before_the_usual_week() -> None:
    hub = weekly("MO,TU,WE,TH,FR 09:00-17:00") + [{"dtstart": "2026-12-25", "until": "2026-12-28"}]
    lines = opening_times.when_open(hub, translator("en"), TUESDAY_MORNING, date(2026, 12, 25))
    assert lines[0] == "Closed on 25 December 2026." and "Opens 29 December 2026 at 09:00" in lines
    assert any(line.startswith("Change to the usual hours, 25 December 2026 – 28 December 2026: Closed")
               for line in lines)
    assert lines[-1] == "Monday–Friday: 09:00–17:00"


def test_when_is_it_open_is_about_what_was_shown_and_names_the_day(scripted_rasa) -> None:  # noqa: ANN001
    client, recorded = scripted_rasa
    _rasa_answers(recorded, "hours")
    with time_machine.travel(SUNDAY_NIGHT):
        _send(client, "I need food")
        answer = _send(client, "is it open on saturday?", fragment=True)
    assert "Catford food bank" in answer and "Closed on Saturday." in answer and "Tuesday: 12:00–15:00" in answer
    assert "Here is some help" not in answer  # the new turn alone, for the page to add


def test_a_named_place_is_answered_even_before_anything_was_shown(scripted_rasa) -> None:  # noqa: ANN001
    client, recorded = scripted_rasa
    _rasa_answers(recorded, "hours")
    with time_machine.travel(TUESDAY_MORNING):
        answer = _send(client, "when is catford foodbank open?")
    assert "Catford food bank" in answer and "Open today: 12:00–15:00." in answer


def test_asking_when_before_anything_was_shown_or_named_asks_what_is_needed(scripted_rasa) -> None:  # noqa: ANN001
    client, recorded = scripted_rasa
    _rasa_answers(recorded, "hours")
    assert "Tell me what you need help with first" in _send(client, "when is it open?")


def test_their_phone_is_a_number_to_tap_and_their_address_has_a_map(scripted_rasa) -> None:  # noqa: ANN001
    client, recorded = scripted_rasa
    _rasa_answers(recorded, "contact")
    _send(client, "food please")
    answer = _send(client, "what is their phone number")
    assert 'href="tel:02079460429"' in answer and "openstreetmap.org/?mlat=" in answer


def test_how_to_get_there_is_the_editors_note_in_the_residents_language_where_they_wrote_one(
        scripted_rasa, seeded_path) -> None:  # noqa: ANN001
    client, recorded = scripted_rasa
    _rasa_answers(recorded, "contact")
    _send(client, "food please")
    english = _send(client, "how do I get there")
    assert "Getting there:" in english and "Next to Catford Bridge station." in english
    _send(client, "food please", "pl")
    polish = _send(client, "jak tam dojechać", "pl")
    assert "Next to Catford Bridge station." in polish and "(po angielsku)" in polish  # not yet translated
    db = open_db(seeded_path)
    publish_translation(db, CATFORD_FOOD_BANK, "pl", "Bank żywności w Catford", "Żywność na trzy dni.",
                     {"transportation": "Obok stacji Catford Bridge."})
    polish = _send(client, "jak tam dojechać", "pl")
    assert "Obok stacji Catford Bridge." in polish and "Next to Catford Bridge station." not in polish


def test_in_arabic_the_day_and_the_answer_are_arabic(scripted_rasa) -> None:  # noqa: ANN001
    client, recorded = scripted_rasa
    _rasa_answers(recorded, "hours")
    with time_machine.travel(SUNDAY_NIGHT):
        _send(client, "food", "ar")
        answer = _send(client, "هل هو مفتوح يوم السبت؟", "ar")
    assert "السبت" in answer and "Closed on Saturday" not in answer


def test_talking_to_a_person_out_of_hours_says_when_the_line_opens_and_what_is_open_now(scripted_rasa) -> None:  # noqa: ANN001
    client, recorded = scripted_rasa
    _rasa_answers(recorded, "person")
    with time_machine.travel(SUNDAY_NIGHT):
        late = _send(client, "can I talk to a real person", fragment=True)
    assert "closed now" in late and "Opens tomorrow at 09:00" in late
    assert f"/services/{CRISIS_LINE}" in late and "Open 24 hours" in late
    assert 'href="tel:02079460000"' not in late  # no button to ring a line nobody answers
    with time_machine.travel(TUESDAY_MORNING):
        day = _send(client, "can I talk to a real person", fragment=True)
    assert "is open now" in day and 'href="tel:02079460000"' in day


def test_the_person_button_still_answers_with_the_assistant_stopped(no_assistant) -> None:  # noqa: ANN001
    page = no_assistant.get("/chat").text
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    signed = re.findall(r'name="button" value="([^"]+)"', page)[-1]  # "Speak to a person" is the last topic
    with time_machine.travel(TUESDAY_MORNING):
        answer = no_assistant.post("/chat", data={"csrf_token": token, "button": signed.replace("&#34;", '"')}).text
    assert "advice line is open now" in answer


def test_a_crisis_gives_numbers_to_tap(no_assistant) -> None:  # noqa: ANN001
    answer = _send(no_assistant, "i want to end my life")
    assert all(f'href="tel:{n}"' in answer for n in ("999", "116123", "08007312864"))


def test_the_conversation_survives_back_and_reload_then_is_forgotten_after_half_an_hour(scripted_rasa) -> None:  # noqa: ANN001
    client, recorded = scripted_rasa
    _rasa_answers(recorded, "hours")
    with time_machine.travel(TUESDAY_MORNING, tick=False) as clock:
        first = client.post("/chat", data={"csrf_token": re.search(r'name="csrf_token" value="([^"]+)"', client.get(
            "/chat").text).group(1), "message": "I need food"}, follow_redirects=False)
        assert first.status_code == 303 and first.headers["location"].endswith("/chat#np-latest")
        _send(client, "when are they open?")
        client.get(f"/services/{CATFORD_FOOD_BANK}")
        back = client.get("/chat")
        assert back.headers["cache-control"] == "no-store"
        assert "I need food" in back.text and "when are they open?" in back.text and "Open today: 12:00" in back.text
        assert back.text.count('id="np-latest"') == 1
        clock.shift(60 * 31)
        assert "I need food" not in client.get("/chat").text


def test_a_kiosk_start_again_forgets_the_conversation(scripted_rasa) -> None:  # noqa: ANN001
    client, recorded = scripted_rasa
    _rasa_answers(recorded, "hours")
    page = client.get("/kiosk/chat").text
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    client.post("/kiosk/chat", data={"csrf_token": token, "message": "I need food"})
    assert "I need food" in client.get("/kiosk/chat").text
    client.get(reset_link(client.get("/kiosk/chat").text))
    assert "I need food" not in client.get("/kiosk/chat").text


@pytest.mark.parametrize(("text", "language", "about", "name"), [
    ("czy ladywell youth club jest otwarty w czwartek", "pl", "hours", "Ladywell youth club"),
    ("Lewisham Works'un telefonu ne", "tr", "contact", "Lewisham Works employment support"),
    ("brockley pantry cumartesi acik mi", "tr", "hours", "Brockley community pantry"),
    ("where is deptford lounge", "en", "contact", "Deptford Lounge community hub"),
    ("Deptford Lounge şu an açık mı", "tr", "hours", "Deptford Lounge community hub"),
])
def test_a_question_naming_a_place_is_answered_about_it_without_the_assistant(
        seeded_path, text: str, language: str, about: str, name: str) -> None:  # noqa: ANN001
    db = open_db(seeded_path)
    found = corpus(db, None)
    db.close()
    asked = follow_ups.asked_about_named(found, text, language, [], date(2026, 12, 7))
    assert asked is not None and asked.about == about
    assert found.listings[found.index_of[asked.listings[0]["id"]]].name == name


@pytest.mark.parametrize("text", ["youth club in ladywell", "I need a food bank", "ladywell youth club",
                                  "kiedy jest otwarty bank żywności w catford"])
def test_a_need_or_a_bare_name_is_left_to_the_assistant(seeded_path, text: str) -> None:  # noqa: ANN001
    db = open_db(seeded_path)
    found = corpus(db, None)
    db.close()
    assert follow_ups.asked_about_named(found, text, "pl", [], date(2026, 12, 7)) is None


def test_asking_for_a_person_at_a_named_place_gives_that_places_number(scripted_rasa) -> None:  # noqa: ANN001
    client, recorded = scripted_rasa
    _rasa_answers(recorded, "person")  # the assistant hears "number" and offers the advice line
    answer = _send(client, "can i talk to someone at catford food bank")
    assert 'href="tel:02079460429"' in answer and "advice line" not in answer


def test_one_word_of_a_name_names_a_place_only_among_those_just_shown(seeded_path) -> None:  # noqa: ANN001
    db = open_db(seeded_path)
    found = corpus(db, None)
    db.close()
    befriending = next(listing.id for listing in found.listings if listing.name.startswith("Befriending"))
    text = "jak sie skontaktowac z tym befriending dla starszych"
    assert follow_ups.named_listing(found, text, "pl", [befriending, CATFORD_FOOD_BANK]) == befriending
    assert follow_ups.named_listing(found, text, "pl", [CATFORD_FOOD_BANK]) is None  # not on the screen
