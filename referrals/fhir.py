"""A referral as FHIR R4, for a receiving organisation whose case system takes FHIR rather than our pages.

What goes out is what the hand-over needs and nothing more, the same rule as the store: a minimal Patient (the
name as the resident gave it, how to reach them, their language and whether they need an interpreter) and a
ServiceRequest (the reference, the listing, their story and answers, the consent). docs/referrals-fhir.md lists
what is mapped, what is not, and why.

The bundle is built through the fhir.resources R4B models (R4B shares R4's Patient, ServiceRequest and Bundle), so
a wrongly shaped bundle fails here rather than in someone else's system. The models check structure and types,
not code values, so the status and the intent are checked here.
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Any

from babel import Locale, UnknownLocaleError
from fhir.resources.R4B.annotation import Annotation
from fhir.resources.R4B.bundle import Bundle, BundleEntry
from fhir.resources.R4B.codeableconcept import CodeableConcept
from fhir.resources.R4B.coding import Coding
from fhir.resources.R4B.contactpoint import ContactPoint
from fhir.resources.R4B.extension import Extension
from fhir.resources.R4B.humanname import HumanName
from fhir.resources.R4B.identifier import Identifier
from fhir.resources.R4B.patient import Patient, PatientCommunication
from fhir.resources.R4B.reference import Reference
from fhir.resources.R4B.servicerequest import ServiceRequest

from referrals import store

# Ours -> ServiceRequest.status (http://hl7.org/fhir/request-status). FHIR has no "sent but not yet answered", so
# sent and accepted are both active; our own word travels beside it in STATUS_EXTENSION so nothing is lost.
STATUSES = {store.SENT: "active", store.ACCEPTED: "active", store.DECLINED: "revoked", store.CLOSED: "completed"}
SELF_REFERRAL = "self-referral"  # the requester when the resident referred themselves (web, assistant, kiosk)
SNOMED = "http://snomed.info/sct"
PATIENT_REFERRAL = ("3457005", "Patient referral")  # SNOMED CT 3457005 |Patient referral (procedure)|
BCP47 = "urn:ietf:bcp:47"
INTERPRETER_REQUIRED = "http://hl7.org/fhir/StructureDefinition/patient-interpreterRequired"


def status_extension_url(base_url: str) -> str:
    """Where our own status (sent, accepted, declined, closed) is named; a plain valueCode, safe to ignore."""
    return f"{base_url.rstrip('/')}/fhir/StructureDefinition/referral-status"


def as_fhir(referral: store.Referral, listing: dict[str, Any], base_url: str,
            referrer_name: str = "") -> dict[str, Any]:
    """The referral, opened with `store.open_details`, as a FHIR R4 Bundle (type "collection") ready for JSON.
    `referrer_name` is the referring organisation's name, shown to whoever reads it (else its id).

    ValueError when there is nothing to send (the details were erased, or the referral was not opened), when the
    listing is not the one referred to, or when the status is not one of ours.
    """
    resident = referral.resident
    if referral.erased_at or resident is None:
        why = (f"its details were erased on {referral.erased_at}" if referral.erased_at
               else "it was not opened with store.open_details, so there are no details to send")
        raise ValueError(f"referral {referral.reference} cannot be sent as FHIR: {why}")
    if listing.get("id") != referral.service_id:
        raise ValueError(f"referral {referral.reference} is for listing {referral.service_id}, not {listing.get('id')}")
    if referral.status not in STATUSES:
        raise ValueError(f"referral {referral.reference} has an unknown status {referral.status!r}")
    base = base_url.rstrip("/")
    patient_url = _full_url(base, referral.reference, "patient")
    request_url = _full_url(base, referral.reference, "request")
    bundle = Bundle(type="collection", timestamp=datetime.now(UTC).isoformat(timespec="seconds"), entry=[
        BundleEntry(fullUrl=patient_url, resource=_patient(referral, resident)),
        BundleEntry(fullUrl=request_url, resource=_request(referral, resident, listing, base, patient_url,
                                                                  referrer_name))])
    return bundle.model_dump(mode="json", exclude_none=True, exclude_comments=True)


def _full_url(base: str, reference: str, part: str) -> str:
    """A stable urn:uuid per referral and part, so sending the same referral twice names the same resources."""
    return f"urn:uuid:{uuid.uuid5(uuid.NAMESPACE_URL, f'{base}/referrals/{reference}#{part}')}"


def _patient(referral: store.Referral, resident: store.Resident) -> Patient:
    """Only what we keep: one free-text name (never split: we do not know which part is the family name; none from
    a kiosk, which has no keyboard), how to reach them, their language and whether they need an interpreter."""
    telecom = []
    if resident.phone is not None:
        telecom.append(ContactPoint(system="phone", value=resident.phone.e164))
    if resident.email:
        telecom.append(ContactPoint(system="email", value=resident.email))
    language = _language(referral.language)
    return Patient(
        extension=[Extension(url=INTERPRETER_REQUIRED, valueBoolean=referral.interpreter)],
        name=[HumanName(text=resident.name)] if resident.name.strip() else None, telecom=telecom or None,
        communication=[PatientCommunication(language=language, preferred=True)] if language else None)


def _language(code: str) -> CodeableConcept | None:
    """The BCP-47 code as given, with its English name when Babel knows it, for people reading the record."""
    if not code.strip():
        return None
    try:
        name = Locale.parse(code.strip(), sep="-").get_display_name("en")
    except (ValueError, UnknownLocaleError):
        name = None
    return CodeableConcept(coding=[Coding(system=BCP47, code=code.strip(), display=name)], text=name)


def _request(referral: store.Referral, resident: store.Resident, listing: dict[str, Any], base: str,
             patient_url: str, referrer_name: str = "") -> ServiceRequest:
    organisations = f"{base}/api/v1/organizations"  # the namespace of our organisation ids (the ORUK API's)
    receiving = listing.get("organization") or {}
    performer = Reference(type="Organization", display=receiving.get("name") or referral.organization_id,
                          identifier=Identifier(system=organisations, value=referral.organization_id))
    if referral.channel != store.REFERRER:
        requester = Reference(display=SELF_REFERRAL)
    elif referral.referrer_organization_id:
        requester = Reference(type="Organization", display=referrer_name or referral.referrer_organization_id,
                              identifier=Identifier(system=organisations, value=referral.referrer_organization_id))
    else:
        requester = Reference(display=referral.referrer_id or "referring organisation not recorded")
    return ServiceRequest(
        extension=[Extension(url=status_extension_url(base), valueCode=referral.status)],
        identifier=[Identifier(system=f"{base}/referrals", value=referral.reference)],
        status=STATUSES[referral.status], intent="order",
        category=[CodeableConcept(coding=[Coding(system=SNOMED, code=PATIENT_REFERRAL[0],
                                                 display=PATIENT_REFERRAL[1])])],
        code=CodeableConcept(coding=[Coding(system=f"{base}/api/v1/services", code=referral.service_id,
                                            display=listing["name"])], text=listing["name"]),
        reasonCode=[CodeableConcept(text=referral.need)] if referral.need.strip() else None,
        subject=Reference(reference=patient_url, type="Patient"),
        authoredOn=referral.created_at, requester=requester, performer=[performer],
        patientInstruction=resident.contact_times or None,
        note=_notes(referral, resident))


def _notes(referral: store.Referral, resident: store.Resident) -> list[Annotation]:
    """Their story in their own words, each question with its answer, then the consent: who recorded it, when,
    and what was said, so the receiver can see what the resident agreed to before acting on it."""
    notes = [Annotation(text=resident.story)] if resident.story.strip() else []
    for question, answer in resident.answers.items():
        if answer.strip():
            notes.append(Annotation(text=_answered(question.strip(), answer.strip())))
    said = resident.consent or "recorded (what was said is not available)"
    notes.append(Annotation(authorString=referral.consent_by or None, time=referral.consented_at,
                            text=f"Consent to share: {said}"))
    return notes


def _answered(question: str, answer: str) -> str:
    if not question:
        return answer
    return f"{question} {answer}" if question.endswith(("?", ":", "؟")) else f"{question}: {answer}"
