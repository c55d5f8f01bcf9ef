"""A referral sent as FHIR R4 carries what the hand-over needs, in a shape any FHIR system can read back, and nothing
we do not keep; an erased referral cannot be sent at all."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import UTC, datetime
from typing import Any

import pytest
import sqlite_utils
from fhir.resources.R4B.bundle import Bundle
from fhir.resources.R4B.patient import Patient
from fhir.resources.R4B.servicerequest import ServiceRequest

from directory.translations import load_listing
from referrals import fhir, store
from referrals.sealing import Seal, new_key

KEY = new_key()
BASE = "https://portal.example.org"
NAME = "أمينة يوسف"
STORY = "أحتاج إلى طرد غذائي؛ أعتني بوالدتي.\nPlease call after 10."
ANSWERS = {"Do you have children under 5?": "Yes, two", "Postcode area": "SE13", "Anything else": ""}
CONSENT = "Amina agreed we share her name, number and story with the food bank."


@pytest.fixture
def db(seeded_db: sqlite_utils.Database) -> sqlite_utils.Database:
    return seeded_db


@pytest.fixture
def listing(db: sqlite_utils.Database) -> dict[str, Any]:
    service_id = db.execute("select id from services where publication_status = 'published' "
                            "order by name limit 1").fetchone()[0]
    found = load_listing(db, service_id)
    assert found is not None
    return found


def refer(db: sqlite_utils.Database, listing: dict[str, Any], **changes: Any) -> store.Referral:
    fields = dict(service_id=listing["id"], channel=store.REFERRER, name=NAME, phone="07700 900123",
                  email="amina@example.com", contact_times="Weekday mornings", story=STORY, answers=ANSWERS,
                  consent_text=CONSENT, consent_by="link-worker", referrer_id="link-worker",
                  referrer_organization_id="org-link", language="ar", interpreter=True, need="food")
    return store.refer(db, Seal([KEY]), **(fields | changes))


def opened(db: sqlite_utils.Database, listing: dict[str, Any], made: store.Referral) -> store.Referral:
    return store.open_details(db, Seal([KEY]), made.id, "receiver-1", listing["organization_id"])


def sent(db: sqlite_utils.Database, listing: dict[str, Any], **changes: Any) -> dict[str, Any]:
    return fhir.as_fhir(opened(db, listing, refer(db, listing, **changes)), listing, BASE)


def resource(bundle: dict[str, Any], kind: str) -> dict[str, Any]:
    found = [entry["resource"] for entry in bundle["entry"] if entry["resource"]["resourceType"] == kind]
    assert len(found) == 1, f"one {kind} expected, found {len(found)}"
    return found[0]


def notes(bundle: dict[str, Any]) -> list[str]:
    return [note["text"] for note in resource(bundle, "ServiceRequest")["note"]]


def test_the_bundle_is_a_collection_that_fhir_reads_back_the_same(db, listing) -> None:  # noqa: ANN001
    bundle = sent(db, listing)
    parsed = Bundle.model_validate(json.loads(json.dumps(bundle, ensure_ascii=False)))
    assert parsed.type == "collection"
    assert [type(entry.resource) for entry in parsed.entry] == [Patient, ServiceRequest]
    assert parsed.model_dump(mode="json", exclude_none=True, exclude_comments=True) == bundle


def test_the_request_points_at_the_patient_inside_the_bundle(db, listing) -> None:  # noqa: ANN001
    bundle = sent(db, listing)
    urls = {entry["resource"]["resourceType"]: entry["fullUrl"] for entry in bundle["entry"]}
    assert all(url.startswith("urn:uuid:") for url in urls.values()) and len(set(urls.values())) == 2
    assert resource(bundle, "ServiceRequest")["subject"]["reference"] == urls["Patient"]


def test_the_request_carries_the_reference_the_listing_and_who_it_is_for(db, listing) -> None:  # noqa: ANN001
    made = refer(db, listing)
    request = resource(fhir.as_fhir(opened(db, listing, made), listing, BASE), "ServiceRequest")
    assert request["identifier"] == [{"system": f"{BASE}/referrals", "value": made.reference}]
    assert request["intent"] == "order"
    assert request["code"]["text"] == listing["name"]
    assert request["code"]["coding"][0]["code"] == listing["id"]
    assert request["category"][0]["coding"] == [{"system": "http://snomed.info/sct", "code": "3457005",
                                                 "display": "Patient referral"}]
    assert request["performer"][0]["display"] == listing["organization"]["name"]
    assert request["performer"][0]["identifier"]["value"] == made.organization_id
    assert request["requester"]["display"] == "org-link"
    assert request["reasonCode"] == [{"text": "food"}]
    assert request["authoredOn"].startswith(made.created_at[:19])
    assert request["patientInstruction"] == "Weekday mornings"


@pytest.mark.parametrize("channel", [store.WEB, store.ASSISTANT, store.KIOSK])
def test_a_resident_who_referred_themselves_is_shown_as_a_self_referral(db, listing, channel) -> None:  # noqa: ANN001
    bundle = sent(db, listing, channel=channel, referrer_id=None, referrer_organization_id=None,
                  consent_by="resident")
    assert resource(bundle, "ServiceRequest")["requester"] == {"display": "self-referral"}


def test_the_story_each_answer_and_the_consent_travel_as_notes(db, listing) -> None:  # noqa: ANN001
    made = refer(db, listing)
    request = resource(fhir.as_fhir(opened(db, listing, made), listing, BASE), "ServiceRequest")
    texts = [note["text"] for note in request["note"]]
    assert texts[0] == STORY
    assert "Do you have children under 5? Yes, two" in texts and "Postcode area: SE13" in texts
    assert not any(text.startswith("Anything else") for text in texts)  # an unanswered question says nothing
    consent = request["note"][-1]
    assert consent["text"] == f"Consent to share: {CONSENT}"
    assert consent["authorString"] == "link-worker"
    assert consent["time"].startswith(made.consented_at[:19])


def test_the_patient_is_the_name_as_given_and_a_phone_in_e164(db, listing) -> None:  # noqa: ANN001
    patient = resource(sent(db, listing), "Patient")
    assert patient["name"] == [{"text": NAME}]
    assert {"system": "phone", "value": "+447700900123"} in patient["telecom"]
    assert {"system": "email", "value": "amina@example.com"} in patient["telecom"]


def test_a_resident_who_gave_no_name_has_no_name_rather_than_an_empty_one(db, listing) -> None:  # noqa: ANN001
    made = opened(db, listing, refer(db, listing))
    nameless = replace(made, resident=replace(made.resident, name=""))  # a kiosk has no keyboard
    patient = resource(fhir.as_fhir(nameless, listing, BASE), "Patient")
    assert "name" not in patient and patient["telecom"]


def test_an_email_only_resident_has_no_phone(db, listing) -> None:  # noqa: ANN001
    patient = resource(sent(db, listing, phone=""), "Patient")
    assert patient["telecom"] == [{"system": "email", "value": "amina@example.com"}]


def test_arabic_survives_unchanged_through_json(db, listing) -> None:  # noqa: ANN001
    written = json.dumps(sent(db, listing), ensure_ascii=False).encode("utf-8")
    read = json.loads(written.decode("utf-8"))
    assert resource(read, "Patient")["name"][0]["text"] == NAME
    assert notes(read)[0] == STORY
    assert NAME.encode("utf-8") in written and STORY.split("\n")[0].encode("utf-8") in written


def test_the_language_is_preferred_and_the_interpreter_need_is_the_standard_extension(db, listing) -> None:  # noqa: ANN001
    patient = resource(sent(db, listing), "Patient")
    assert patient["communication"] == [{"language": {
        "coding": [{"system": "urn:ietf:bcp:47", "code": "ar", "display": "Arabic"}], "text": "Arabic"},
        "preferred": True}]
    assert patient["extension"] == [{"url": "http://hl7.org/fhir/StructureDefinition/patient-interpreterRequired",
                                     "valueBoolean": True}]


def test_no_interpreter_needed_is_said_rather_than_left_out(db, listing) -> None:  # noqa: ANN001
    patient = resource(sent(db, listing, language="en", interpreter=False), "Patient")
    assert patient["extension"][0]["valueBoolean"] is False
    assert patient["communication"][0]["language"]["coding"][0]["code"] == "en"


def answer(db: sqlite_utils.Database, listing: dict[str, Any], made: store.Referral, action: str) -> None:
    organization = listing["organization_id"]
    if action in (store.ACCEPTED, store.CLOSED):
        store.accept(db, made.id, "receiver-1", organization)
    if action == store.DECLINED:
        store.decline(db, made.id, "capacity", "", "receiver-1", organization)
    if action == store.CLOSED:
        store.close(db, made.id, "attended", "receiver-1", organization)


@pytest.mark.parametrize(("ours", "theirs"), [(store.SENT, "active"), (store.ACCEPTED, "active"),
                                              (store.DECLINED, "revoked"), (store.CLOSED, "completed")])
def test_each_of_our_statuses_maps_to_a_request_status(db, listing, ours, theirs) -> None:  # noqa: ANN001
    made = refer(db, listing)
    answer(db, listing, made, ours)
    request = resource(fhir.as_fhir(opened(db, listing, made), listing, BASE), "ServiceRequest")
    assert request["status"] == theirs
    assert request["extension"] == [{"url": fhir.status_extension_url(BASE), "valueCode": ours}]


def test_the_mapping_covers_every_status_we_have() -> None:
    assert set(fhir.STATUSES) == {store.SENT, store.ACCEPTED, store.DECLINED, store.CLOSED}


def test_an_erased_referral_cannot_be_sent(db, listing) -> None:  # noqa: ANN001
    made = refer(db, listing)
    answer(db, listing, made, store.CLOSED)
    assert store.erase_closed(db, now=datetime(2099, 1, 1, tzinfo=UTC)) == 1
    erased = opened(db, listing, made)
    with pytest.raises(ValueError, match="erased"):
        fhir.as_fhir(erased, listing, BASE)


def test_a_referral_that_was_not_opened_cannot_be_sent(db, listing) -> None:  # noqa: ANN001
    made = refer(db, listing)
    with pytest.raises(ValueError, match="open_details"):
        fhir.as_fhir(store.summary(db, made.id), listing, BASE)


def test_another_listing_is_refused(db, listing) -> None:  # noqa: ANN001
    made = opened(db, listing, refer(db, listing))
    with pytest.raises(ValueError, match="not"):
        fhir.as_fhir(made, listing | {"id": "another-listing"}, BASE)


def keys(value: Any) -> set[str]:
    """Every key anywhere in a JSON value."""
    if isinstance(value, dict):
        return set(value) | {k for v in value.values() for k in keys(v)}
    if isinstance(value, list):
        return {k for v in value for k in keys(v)}
    return set()


def systems(value: Any) -> set[str]:
    """Every identifier and code system named anywhere (a ContactPoint's phone/email is not one)."""
    if isinstance(value, dict):
        own = {value["system"]} if "system" in value and value["system"] not in ("phone", "email") else set()
        return own | {s for v in value.values() for s in systems(v)}
    if isinstance(value, list):
        return {s for v in value for s in systems(v)}
    return set()


def test_nothing_we_do_not_keep_appears(db, listing) -> None:  # noqa: ANN001
    bundle = sent(db, listing, neighbourhood=3)
    assert resource(bundle, "Patient").keys() == {"resourceType", "extension", "name", "telecom", "communication"}
    assert not keys(bundle) & {"birthDate", "address", "gender", "generalPractitioner", "managingOrganization",
                               "photo", "contact", "maritalStatus", "deceasedBoolean", "relevantHistory",
                               "encounter", "insurance", "contained"}
    # no NHS number or any other outside identifier: every system named is ours, SNOMED CT's or BCP-47's
    assert {s for s in systems(bundle) if not s.startswith(BASE)} == {"http://snomed.info/sct", "urn:ietf:bcp:47"}


def test_the_same_referral_names_the_same_resources_each_time(db, listing) -> None:  # noqa: ANN001
    made = opened(db, listing, refer(db, listing))
    first, again = fhir.as_fhir(made, listing, BASE), fhir.as_fhir(made, listing, BASE)
    assert [e["fullUrl"] for e in first["entry"]] == [e["fullUrl"] for e in again["entry"]]
