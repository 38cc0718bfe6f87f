"""Schemathesis over `/api/v1`, from the served app's own OpenAPI: never a 5xx, never a server exception.

Valid and invalid cases for every operation, with an admin key of a tenant that has members,
a campaign and a track (so ids 1 name real rows), over real HTTP on both databases. Bounded
(`EXAMPLES` requests per database), so the suite's time stays small.
"""

from __future__ import annotations

from collections import Counter

import httpx
import requests
import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from schemathesis import GenerationMode

from tests.conftest import scalar
from tests.test_api_campaigns import CAMPAIGN, admin  # noqa: F401 - the `admin` fixture
from tests.test_tracks import track_data

EXAMPLES = 300


def test_api_v1_never_answers_5xx(served, admin, capsys):  # noqa: F811 - the fixture
    assert admin.post("/campaigns", json=CAMPAIGN).status_code == 201
    assert admin.post("/tracks", json=track_data()).status_code == 201
    schema = schemathesis.openapi.from_url(served.base_url + "/openapi.json")
    operations = [result.ok() for result in schema.get_all_operations()]
    cases = st.one_of([
        operation.as_strategy(generation_mode=mode)
        for operation in operations if operation.path.startswith("/api/v1")
        for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE)
    ])
    auth = {"Authorization": admin.headers["Authorization"]}
    statuses: Counter[tuple[str, int]] = Counter()
    session = requests.Session()

    @settings(max_examples=EXAMPLES, deadline=None, database=None, derandomize=True,
              phases=[Phase.explicit, Phase.generate], suppress_health_check=list(HealthCheck))
    @given(case=cases)
    def no_server_error(case: schemathesis.Case) -> None:
        response = case.call(base_url=served.base_url, headers=auth, session=session, timeout=30)
        statuses[(f"{case.method} {case.path}", response.status_code)] += 1
        assert response.status_code < 500, (case.as_curl_command(), response.text[:500])

    no_server_error()
    with capsys.disabled():
        print("\n/api/v1 schemathesis: " + ", ".join(f"{op} {code}: {n}" for (op, code), n in sorted(statuses.items())))
    assert sum(statuses.values()) >= EXAMPLES // 2
    assert httpx.get(served.base_url + "/readyz").status_code == 200


def test_the_cases_schemathesis_found_are_422(admin, sql):  # noqa: F811 - the fixture
    nul_track = track_data(name="Onboarding\x00")
    nul_lesson = track_data()
    nul_lesson["lessons"][0]["title"] = "a\x00b"
    for body in (nul_track, nul_lesson, track_data(name="x" * 201)):
        assert admin.post("/tracks", json=body).status_code == 422
    assert admin.post("/tracks", json=track_data()).status_code == 201
    assert admin.patch("/tracks/1", json={"name": "\x00"}).status_code == 422
    assert admin.patch("/tracks/59980396523638", json={"name": "x"}).status_code == 422  # as campaign ids are
    segment = {**CAMPAIGN, "audience": {"kind": "segment", "department": ["\x00"]}}
    assert admin.post("/campaigns", json=segment).status_code == 422
    long_member = {**CAMPAIGN, "audience": {"kind": "members", "members": ["U" * 65]}}
    assert admin.post("/campaigns", json=long_member).status_code == 422
    assert admin.post("/tracks/1/enroll", json={"members": ["U\x00"]}).status_code == 422
    assert scalar(sql, "select count(*) from broadcast") == 0
    assert scalar(sql, "select name from track") == track_data()["name"]
