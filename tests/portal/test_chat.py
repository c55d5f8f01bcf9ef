"""/chat and /kiosk through the portal with the assistant stopped or stuck: a crisis is answered first,
the directory answers instead of Rasa, bad messages get a clear error, and a kiosk visit is wiped on reset."""

import html
import re
import socket
import threading
from collections.abc import Iterator
from http.server import ThreadingHTTPServer
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from directory.crisis import sounds_like_crisis
from portal.app import create_app
from portal.settings import Settings
from tests.portal.conftest import RecordingRasa
from tests.portal.pages import reset_link


@pytest.fixture
def stuck_assistant(seeded_path: Path, monkeypatch: pytest.MonkeyPatch):  # noqa: ANN201
    """A 'Rasa' that accepts the connection and never answers."""
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen(8)
        monkeypatch.setattr("portal.assistant.TIMEOUT_S", 0.5)
        settings = Settings(db=seeded_path, secret_key="x",
                            rasa_url=f"http://127.0.0.1:{listener.getsockname()[1]}")
        with TestClient(create_app(settings)) as client:
            yield client


def _token(client: TestClient, path: str = "/chat") -> str:
    return re.search(r'name="csrf_token" value="([^"]+)"', client.get(path).text).group(1)


def _button(page: str, title: str) -> str:
    """The signed value the button labelled `title` on this page sends."""
    form = re.search(r'<form[^>]*>(?:(?!</form>).)*?>' + re.escape(title) + r'</button>', page, re.S).group(0)
    return html.unescape(re.findall(r'name="button" value="([^"]+)"', form)[-1])


def _press(client: TestClient, path: str, title: str, **headers: str):  # noqa: ANN202
    page = client.get(path).text
    return client.post(path, data={"csrf_token": re.search(r'name="csrf_token" value="([^"]+)"', page).group(1),
                                   "button": _button(page, title)}, headers=headers)


@pytest.mark.parametrize("words", [
    "I want to kill myself", "i took an overdose", "he is hitting me right now", "chcę się zabić",
    "quiero morir", "kendimi öldürmek istiyorum", "أريد أن أموت", "waan rabaa inaan dhinto",
])
def test_crisis_words_in_any_language_are_recognised(words: str) -> None:
    assert sounds_like_crisis(words)


@pytest.mark.parametrize("words", [
    "my dad collapsed in the kitchen", "she is not breathing", "I want to hurt myself",
    "he took a whole pack of paracetamol",
    "someone outside with a knife", "ele está inconsciente", "nie oddycha", "no respira", "uyanmıyor",
    "ما يتنفس", "combien de temps, il ne respire pas",
])
def test_a_life_at_risk_now_is_a_crisis_in_any_language(words: str) -> None:
    assert sounds_like_crisis(words)


@pytest.mark.parametrize("words", [
    "I need food", "debt advice", "killer heels shop", "my phone died", "our ceiling collapsed",
    "I'm not in danger but I want to talk to someone", "i dont want to hurt myself but i need to talk to someone",
    "no quiero hacerme daño pero necesito ayuda",
    "the landlord nie reaguje", "niyaddaydu way dhacday, counsellor ayaan rabaa", "where can I buy paracetamol",
])
def test_ordinary_needs_are_not_taken_for_a_crisis(words: str) -> None:
    assert not sounds_like_crisis(words)


def test_no_training_sentence_of_another_need_sounds_like_a_crisis() -> None:
    """The crisis check comes before the assistant: a false alarm there hides the help that was asked for."""
    import yaml

    bot = Path(__file__).resolve().parents[2] / "bot" / "data"
    alarms = [line[2:] for path in bot.glob("nlu*.yml")
              for block in yaml.safe_load(path.read_text(encoding="utf-8")).get("nlu") or []
              if block.get("intent") not in (None, "crisis")
              for line in (block.get("examples") or "").splitlines() if line.startswith("- ")
              if sounds_like_crisis(line[2:])]
    assert alarms == []


def test_a_crisis_is_answered_with_emergency_numbers_even_with_the_assistant_stopped(no_assistant) -> None:
    reply = no_assistant.post("/chat", data={"csrf_token": _token(no_assistant), "message": "i want to end my life"})
    assert reply.status_code == 200 and "999" in reply.text and "116 123" in reply.text and "SE13 6LH" in reply.text


def test_with_the_assistant_stopped_the_directory_answers(no_assistant) -> None:
    reply = no_assistant.post("/chat", data={"csrf_token": _token(no_assistant), "message": "I need a food bank"})
    assert reply.status_code == 200 and "The assistant is not available just now" in reply.text
    assert reply.text.count('href="/services/') == 3


def test_with_the_assistant_not_answering_in_time_the_directory_answers(stuck_assistant) -> None:
    reply = stuck_assistant.post("/chat", data={"csrf_token": _token(stuck_assistant), "message": "debt advice"})
    assert reply.status_code == 200 and "The assistant is not available just now" in reply.text
    assert reply.text.count('href="/services/') == 3


def test_a_button_press_is_searched_for_in_words_when_the_assistant_is_stopped(no_assistant) -> None:
    reply = _press(no_assistant, "/ar/chat", "الطعام", **{"HX-Request": "true"})
    assert "<html" not in reply.text and reply.text.count('href="/ar/services/') == 3


@pytest.mark.parametrize("message, expected", [("", "Type a message"), ("x" * 501, "500 characters or fewer")])
def test_an_empty_or_long_message_is_refused_with_a_clear_error(no_assistant, message: str, expected: str) -> None:
    reply = no_assistant.post("/chat", data={"csrf_token": _token(no_assistant), "message": message})
    assert reply.status_code == 400 and expected in reply.text


def test_chat_messages_need_the_csrf_token(no_assistant) -> None:
    no_assistant.get("/chat")
    assert no_assistant.post("/chat", data={"message": "food"}).status_code == 400


def test_the_kiosk_starts_with_a_choice_of_language(no_assistant) -> None:
    page = no_assistant.get("/kiosk").text
    for name in ("English", "Polski", "العربية", "Soomaali"):
        assert name in page
    assert 'href="/so/kiosk/chat"' in page and "np-languages" not in page


def test_a_kiosk_visit_can_be_taken_away_and_is_wiped_on_reset(no_assistant) -> None:
    _press(no_assistant, "/pl/kiosk/chat", "Jedzenie")
    take_away = no_assistant.get("/pl/kiosk/take-away").text
    assert 'src="data:image/svg+xml' in take_away and take_away.count('class="np-result"') == 3
    reset = no_assistant.get(reset_link(take_away), follow_redirects=False)
    assert reset.status_code == 303 and reset.headers["location"] == "/kiosk"
    assert 'class="np-result"' not in no_assistant.get("/pl/kiosk/take-away").text


def test_a_kiosk_left_alone_without_javascript_still_starts_again(no_assistant) -> None:
    page = no_assistant.get("/en/kiosk/chat").text
    reset = html.escape(reset_link(page))
    assert f'<noscript><meta http-equiv="refresh" content="110;url={reset}"></noscript>' in page


@pytest.fixture
def rasa(seeded_path: Path) -> Iterator[tuple[TestClient, type[RecordingRasa]]]:
    RecordingRasa.script = None
    RecordingRasa.received, RecordingRasa.replies = [], [{"custom": {
        "say": "Here is some help.", "buttons": [
            {"title": "Near Catford", "payload": '/inform{"neighbourhood": "Catford"}'},
            {"title": "Search for more", "url": "/search?q=food"},
            {"title": "Elsewhere", "url": "https://evil.example/phish"},
            {"title": "Also elsewhere", "url": "//evil.example/phish"},
            {"title": "Run this", "url": "javascript:alert(1)"}]}}]
    server = ThreadingHTTPServer(("127.0.0.1", 0), RecordingRasa)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    settings = Settings(db=seeded_path, secret_key="x", rasa_url=f"http://127.0.0.1:{server.server_address[1]}")
    with TestClient(create_app(settings)) as client:
        yield client, RecordingRasa
    server.shutdown()


def test_without_an_assistant_configured_no_message_leaves_the_portal(seeded_path: Path, monkeypatch) -> None:  # noqa: ANN001
    sent: list[str] = []
    monkeypatch.setattr("httpx.post", lambda url, **kwargs: sent.append(url))
    assert Settings().rasa_url == ""  # `portal serve --assistant` sets it to the Rasa it starts
    with TestClient(create_app(Settings(db=seeded_path, secret_key="x"))) as client:
        reply = client.post("/chat", data={"csrf_token": _token(client), "message": "I need a food bank"})
    assert reply.status_code == 200 and "The assistant is not available just now" in reply.text and sent == []


def test_a_typed_message_starting_with_a_slash_is_words_not_an_intent(rasa) -> None:
    client, recorded = rasa
    client.post("/chat", data={"csrf_token": _token(client), "message": '/speak_to_person{"x": "y"}'})
    client.post("/chat", data={"csrf_token": _token(client), "message": "  //find_food_support"})
    assert [m["message"] for m in recorded.received] == ['speak_to_person{"x": "y"}', "find_food_support"]


def test_only_buttons_the_portal_showed_send_an_intent(rasa) -> None:
    client, recorded = rasa
    page = client.post("/chat", data={"csrf_token": _token(client), "message": "food"}).text
    pressed = client.post("/chat", data={"csrf_token": _token(client), "button": _button(page, "Near Catford")})
    assert recorded.received[-1]["message"] == '/inform{"neighbourhood": "Catford"}'
    assert "Near Catford" in pressed.text  # what the resident is shown as having said
    forged = client.post("/chat", data={"csrf_token": _token(client), "button": '["/restart", "x"]'})
    assert forged.status_code == 400 and "That button no longer works" in forged.text
    assert len(recorded.received) == 2


def test_assistant_links_are_shown_only_when_they_are_the_portals_own_pages(rasa) -> None:
    client, _ = rasa
    page = client.post("/pl/chat", data={"csrf_token": _token(client, "/pl/chat"), "message": "jedzenie"}).text
    assert 'href="/pl/search?q=food"' in page
    assert "evil.example" not in page and "javascript:" not in page


@pytest.mark.parametrize("message", ["?", "🍞", "😢", "a", "...", "7", "!!"])
def test_a_message_that_says_nothing_gets_a_kind_question_and_the_topics_never_listings(rasa, message: str) -> None:
    """"?" found three random listings and 🍞 was taken as "yes": nothing here is a need, or an answer."""
    client, recorded = rasa
    page = client.post("/chat", data={"csrf_token": _token(client), "message": message})
    assert page.status_code == 200 and "I did not catch what you need" in page.text
    assert "/services/" not in page.text.split("I did not catch what you need")[1]
    answer = page.text.split("I did not catch what you need")[1]
    assert ">Food</button>" in answer and ">Speak to a person</button>" in answer  # the topics, with the question
    assert recorded.received == []  # never sent to Rasa, whose classifier has to choose some intent


def test_a_message_that_says_nothing_is_asked_about_in_the_residents_language(rasa) -> None:
    client, _ = rasa
    page = client.post("/ar/chat", data={"csrf_token": _token(client, "/ar/chat"), "message": "؟"}).text
    assert "لم أفهم ما تحتاج إليه" in page and "I did not catch" not in page


def test_a_flood_of_messages_from_one_connection_is_slowed(seeded_path: Path, monkeypatch) -> None:  # noqa: ANN001
    from portal.routes import chat_pages

    monkeypatch.setattr(chat_pages, "MESSAGES_PER_ADDRESS", 3)
    with TestClient(create_app(Settings(db=seeded_path, secret_key="x"))) as client:
        replies = [client.post("/chat", data={"csrf_token": _token(client), "message": f"food bank {n}"})
                   for n in range(5)]
    assert [r.status_code for r in replies] == [200, 200, 200, 429, 429]
    assert "Many messages have come from your connection just now" in replies[-1].text
