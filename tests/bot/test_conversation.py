"""A conversation through the portal's /chat with Rasa and the action server running: a need in Polish
finds listings, a place narrows them, a crisis is answered first, and stopping Rasa loses nothing."""

import re

import httpx
import pytest

pytestmark = [pytest.mark.slow]


def _chat(client: httpx.Client, message: str, language: str = "en") -> str:
    page = client.get(f"/{language}/chat").text
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    response = client.post(f"/{language}/chat", data={"csrf_token": token, "message": message},
                           headers={"HX-Request": "true"})
    assert response.status_code == 200
    return response.text


def test_a_need_written_in_polish_finds_listings_and_a_place_narrows_them(all_services: str) -> None:
    with httpx.Client(base_url=all_services, timeout=30) as client:
        first = _chat(client, "nie mam pieniędzy na jedzenie dla dzieci", "pl")
        assert first.count('href="/pl/services/') == 3 and "np-chat__buttons" in first
        assert "Here are" not in first and "Tell me your postcode" not in first  # shown in Polish
        narrowed = _chat(client, "mieszkam w Catford", "pl")  # a place typed, as a resident would
        assert narrowed.count('href="/pl/services/') == 3 and "Catford" in narrowed
        opening = _chat(client, "kiedy jest otwarte?", "pl")
        assert opening.count("np-chat__facts") == 3 and "Closed" not in opening  # each place's hours, in Polish


def test_a_named_place_and_day_are_answered_with_that_days_hours(all_services: str) -> None:
    with httpx.Client(base_url=all_services, timeout=30) as client:
        answer = _chat(client, "is deptford lounge open on saturday?")
        assert "Deptford Lounge community hub" in answer and "Saturday" in answer and "np-chat__facts" in answer
        contact = _chat(client, "what is their phone number?")
        assert 'href="tel:' in contact


def test_a_crisis_is_answered_with_emergency_numbers(all_services: str) -> None:
    with httpx.Client(base_url=all_services, timeout=30) as client:
        for words in ("i cant do this anymore i want to end my life", "someone is hurting me at home right now"):
            reply = _chat(client, words)
            assert "999" in reply and "116 123" in reply, words


def test_asking_for_a_person_gives_the_phone_line(all_services: str) -> None:
    with httpx.Client(base_url=all_services, timeout=30) as client:
        assert "020 7946 0000" in _chat(client, "can I talk to an actual human")


@pytest.mark.parametrize(("language", "words"), [
    ("en", "can someone call me?"), ("pl", "czy ktoś może do mnie zadzwonić?"), ("pt", "alguém me pode ligar?"),
    ("es", "¿alguien me puede llamar por teléfono?"), ("tr", "biri beni arayabilir mi?"),
    ("so", "qof ma i soo wici karaa?"), ("ar", "هل يمكن لأحد أن يتصل بي؟"),
    ("bn", "কেউ কি আমাকে ফোন করতে পারবেন?"), ("fr", "quelqu'un peut-il m'appeler ?"),
])
def test_can_someone_call_me_in_any_language_offers_a_call_back_from_the_hub_team(all_services: str, language: str,
                                                                                   words: str) -> None:
    with httpx.Client(base_url=all_services, timeout=30) as client:
        reply = _chat(client, words, language)
        prefix = "" if language == "en" else f"/{language}"
        assert f'href="{prefix}/contact-me?via=assistant"' in reply, (language, words)
