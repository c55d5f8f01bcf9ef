"""Residents' details are sealed field by field: unreadable without a key, refused if altered, and still readable
across a key rotation until every field has been re-sealed and the old key dropped."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from referrals.sealing import Seal, SealError, keys_from, new_key

OLD, NEW = new_key(), new_key()


@given(st.text(max_size=500))
def test_whatever_is_sealed_opens_to_exactly_what_it_was(text: str) -> None:
    seal = Seal([OLD])
    token = seal.seal(text)
    assert seal.open(token) == text
    assert len(text) < 8 or text not in token  # nothing readable in the token (a letter or two may occur by chance)


def test_the_same_words_seal_differently_each_time() -> None:
    seal = Seal([OLD])
    assert seal.seal("07700 900123") != seal.seal("07700 900123")  # no telling two residents share a number


def test_an_altered_token_is_refused_not_misread() -> None:
    seal = Seal([OLD])
    token = seal.seal("Amina, 07700 900123")
    altered = token[:-6] + ("A" if token[-6] != "A" else "B") + token[-5:]
    with pytest.raises(SealError):
        seal.open(altered)


def test_rotation_new_key_first_old_still_opens_rotated_needs_only_the_new() -> None:
    before = Seal([OLD]).seal("needs help with a food parcel")
    during = Seal(keys_from(f"{NEW}, {OLD}"))
    assert during.open(before) == "needs help with a food parcel"
    rotated = during.rotate(before)
    after = Seal([NEW])  # the old key dropped once every field is re-sealed
    assert after.open(rotated) == "needs help with a food parcel"
    with pytest.raises(SealError):
        after.open(before)  # a field missed by the rotation cannot be read without its key


@pytest.mark.parametrize("setting", ["", " , ", "not-a-key", "é" * 44])
def test_a_missing_or_malformed_key_is_refused_at_start_with_a_reason(setting: str) -> None:
    with pytest.raises(SealError) as refused:
        Seal(keys_from(setting))
    assert "PORTAL_REFERRAL_KEYS" in str(refused.value)
    assert not setting.strip(" ,") or setting not in str(refused.value)  # a key is never echoed
