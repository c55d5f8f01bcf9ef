"""Conformance with the Open Referral UK 3.0 profile, as its validator checks a feed: schemathesis drives every
operation of the uk-profile OpenAPI against the portal served for real on 127.0.0.1, and every answer must be
what the profile says (valid JSON of the right schema, the right content type, never a server error)."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.specs.openapi.checks import positive_data_acceptance, status_code_conformance

from portal.settings import Settings
from tests.live import serve
from tests.schemas.oruk_profile import openapi

pytestmark = pytest.mark.slow

PROFILE = schemathesis.openapi.from_dict(openapi())


@pytest.fixture(scope="module")
def live_api(seeded_file: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    db = tmp_path_factory.mktemp("oruk") / "portal.db"
    shutil.copy(seeded_file, db)
    with serve(Settings(db=db, secret_key="conformance", log_searches=False, rasa_url="")) as base:
        yield f"{base}/api/v1"



# Parameters the profile types loosely (any string) whose value must still mean something: a postcode that is not
# one, metres that are not a number, a day or time of day that is neither, an essay as a search.
CHECKED_VALUES = ("postcode", "proximity", "search", "day", "start_time", "end_time")


def refusals_say_why(ctx: object, response: schemathesis.Response, case: schemathesis.Case) -> None:
    """Stands in for two of schemathesis' checks the profile cannot pass as written. It documents only 200
    answers, so the status check would fail a 404 for an id that does not exist; and it types a postcode, metres
    and times as any string, so "valid data accepted" would want `postcode=7´` answered. Instead: anything but
    200 is a 404 for an id, or a 400 naming a parameter that was sent with a value that cannot mean anything,
    saying why in JSON (a request the profile calls wrong may be refused for any reason)."""
    if case.method != "GET" or response.status_code == 200:
        return
    detail = response.json()["detail"]
    if response.status_code == 404:
        assert case.path_parameters and detail, response.text
        return
    assert response.status_code == 400, response.status_code
    if case.meta is not None and not case.meta.generation.mode.is_positive:
        return  # a request the profile itself calls wrong: schemathesis' own check wants it refused
    blamed = {problem["loc"][-1] for problem in detail} if isinstance(detail, list) else \
        {name for name in CHECKED_VALUES if name in detail}
    assert blamed & set(CHECKED_VALUES) & set(case.query or {}), response.text


@PROFILE.parametrize()
@settings(max_examples=100, deadline=None, suppress_health_check=list(HealthCheck))
def test_every_profile_operation_answers_as_the_profile_says(case: schemathesis.Case, live_api: str) -> None:
    case.call_and_validate(base_url=live_api, excluded_checks=[status_code_conformance, positive_data_acceptance],
                          additional_checks=[refusals_say_why])
