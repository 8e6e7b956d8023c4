"""Input the token endpoints must refuse as invalid rather than fail on in the database
(found by fuzzing: an id past 64 bits overflowed SQLite, NUL is refused by PostgreSQL)."""

from __future__ import annotations

from webkit import PASSWORD, Web  # type: ignore[import-not-found]


def test_nul_in_the_email_or_token_name_is_invalid_input(web: Web) -> None:
    web.account(web.region.opd)
    client = web.anonymous()
    for body in [{"email": web.region.opd, "password": PASSWORD, "name": "laptop\x00"},
                 {"email": web.region.opd + "\x00", "password": PASSWORD}]:
        refused = client.post("/api/v1/tokens", json=body)
        assert refused.status_code == 422, body
    assert web.api(web.region.opd).get("/api/v1/tokens").json()[0]["name"] == "tests"


def test_revoking_an_id_past_any_integer_is_invalid_input(web: Web) -> None:
    api = web.api(web.region.opd)
    for token_id in ["9223372036854775808", "0"]:
        assert api.delete(f"/api/v1/tokens/{token_id}").status_code == 422, token_id
    assert api.get("/api/v1/me").status_code == 200
