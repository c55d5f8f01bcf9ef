"""/chat and /kiosk through the portal with the assistant stopped or stuck: a crisis is answered first,
the directory answers instead of Rasa, bad messages get a clear error, and a kiosk visit is wiped on reset."""

import re
import socket
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from directory.crisis import sounds_like_crisis
from portal.app import create_app
from portal.settings import Settings


@pytest.fixture
def no_assistant(seeded_path: Path):  # noqa: ANN201 - a client whose Rasa is not running
    settings = Settings(db=seeded_path, secret_key="x", rasa_url="http://127.0.0.1:9")
    with TestClient(create_app(settings)) as client:
        yield client


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


@pytest.mark.parametrize("words", [
    "I want to kill myself", "i took an overdose", "he is hitting me right now", "chcę się zabić",
    "quiero morir", "kendimi öldürmek istiyorum", "أريد أن أموت", "waan rabaa inaan dhinto",
])
def test_crisis_words_in_any_language_are_recognised(words: str) -> None:
    assert sounds_like_crisis(words)


@pytest.mark.parametrize("words", ["I need food", "debt advice", "killer heels shop", "my phone died"])
def test_ordinary_needs_are_not_taken_for_a_crisis(words: str) -> None:
    assert not sounds_like_crisis(words)


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
    reply = no_assistant.post("/ar/chat", data={"csrf_token": _token(no_assistant, "/ar/chat"),
                                                "message": "/find_food_support", "title": "Food"},
                              headers={"HX-Request": "true"})
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
    no_assistant.post("/pl/kiosk/chat", data={"csrf_token": _token(no_assistant, "/pl/kiosk/chat"),
                                              "message": "/find_food_support", "title": "Jedzenie"})
    take_away = no_assistant.get("/pl/kiosk/take-away").text
    assert 'src="data:image/svg+xml' in take_away and take_away.count('class="np-result"') == 3
    reset = no_assistant.get("/kiosk/reset", follow_redirects=False)
    assert reset.status_code == 303 and reset.headers["location"] == "/kiosk"
    assert 'class="np-result"' not in no_assistant.get("/pl/kiosk/take-away").text


def test_a_kiosk_left_alone_without_javascript_still_starts_again(no_assistant) -> None:
    page = no_assistant.get("/en/kiosk/chat").text
    assert '<noscript><meta http-equiv="refresh" content="110;url=/kiosk/reset"></noscript>' in page
