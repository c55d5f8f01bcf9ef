"""The crisis check, rule by rule: quiet messages that mean a life is at risk now are answered with emergency
numbers in every language, and words about suicide, overdoses or violence in the past, about someone who has
died, or from a resident now safe ask for support instead, unless the message says it is happening again now.
(Sentences written for these tests; the benchmark's messages are in bench/eval and never here.)"""

from __future__ import annotations

import pytest

from directory.crisis import sounds_like_crisis


@pytest.mark.parametrize(
    "words",
    [
        # a goodbye with the means or a high place
        "I left a note for my sister, the pills are on the bed",
        "zostawiłam list dla męża, lina jest w szafie",
        "deixei uma carta para a minha filha, estou em cima da ponte",
        "escribí una carta de despedida, tengo las pastillas",
        "herkese veda ettim, köprüdeyim",
        "warqad ayaan u qoray hooyo, xarigga waa diyaar",
        "كتبت رسالة وداع، الحبل جاهز",
        # every pill taken
        "I've taken the whole box of my sleeping tablets",
        "wziąłem wszystkie leki mamy",
        "tomei a caixa inteira de comprimidos",
        "me tomé toda la caja de pastillas",
        "tüm hapları yuttum",
        "kiniinada oo dhan waan liqay",
        "بلعت كل الحبوب",
        # someone who will not respond, whose body is failing
        "grandad is on the floor and not responding",
        "tata leży na podłodze i nie reaguje",
        "ele caiu e não reage",
        "mi hijo está en el suelo y no responde",
        "babam yerde, tepki vermiyor",
        "aabbe dhulka ayuu ku dhacay, ima jawaabo",
        "ابوي وقع على الأرض وما بيرد",
        # poison, gas, bleeding, a door being broken in
        "my toddler drank some bleach",
        "odkręciłem gaz i zamknąłem okna",
        "he's kicking the door in right now",
        "cortei-me e não consigo parar o sangue",
        "kan durmuyor, kolumu kestim",
        "عم يكسر الباب ومعه سكين",
        # a past attempt, and now again
        "I tried to kill myself last year and I'm going to do it again tonight",
        "chcę się zabić dziś w nocy",
    ],
)
def test_a_quiet_message_about_a_life_at_risk_now_is_a_crisis(words: str) -> None:
    assert sounds_like_crisis(words)


@pytest.mark.parametrize(
    "words",
    [
        "my uncle took his own life years ago and I've never had counselling",
        "my cousin died of an overdose last year",
        "rok temu próbowałem się zabić, teraz chcę terapii",
        "mój brat popełnił samobójstwo, szukam grupy wsparcia",
        "tentei me matar no ano passado, hoje estou melhor mas quero terapia",
        "meu pai se suicidou, preciso de apoio no luto",
        "hace dos años intenté suicidarme, ahora busco un terapeuta",
        "mi tío se suicidó y quiero un grupo de duelo",
        "geçen yıl intihar girişimim oldu, şimdi iyiyim, terapi istiyorum",
        "sannadkii hore ayaan isku dayay inaan is dilo, hadda waan fiicanahay, la-taliye ayaan rabaa",
        "قبل سنتين حاولت انتحر، هلق انا منيحة بس بدي معالج",
        "زوجي كان يضربني وهلق انا بأمان عند اهلي",
        "I'm not suicidal, I just feel low",
        "o meu marido não me bate mas controla o dinheiro",
    ],
)
def test_words_about_the_past_someone_who_died_or_a_resident_now_safe_ask_for_support(words: str) -> None:
    assert not sounds_like_crisis(words)


@pytest.mark.parametrize(
    "words",
    [
        "I took my tablets this morning",
        "can I get all my medicines at the pharmacy",
        "my phone is not responding",
        "the gas bill is too high",
        "is the bridge closed tonight",
        "he's not answering my texts",
        "سكرت الباب وطلعت",
        "كل الحبوب اللي بآخدها للضغط، وين بقدر افحص الضغط",
        "no tengo dinero para todo el mes",
    ],
)
def test_everyday_words_near_the_danger_ones_are_not_a_crisis(words: str) -> None:
    assert not sounds_like_crisis(words)
