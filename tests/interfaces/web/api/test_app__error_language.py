"""The API's errors in the caller's language: Indonesian by default, English with
``Accept-Language: en``, the same catalogue key in ``code`` either way.

The answer's language does not depend on the database, so these run on SQLite only.
"""

from __future__ import annotations

from typing import Any

import pytest
from webkit import Web  # type: ignore[import-not-found]

BASE = "/api/v1/regions"


@pytest.fixture
def database_url(sqlite_database_url: str) -> str:
    return sqlite_database_url


def _both(web: Web, email: str, call: Any) -> tuple[Any, Any]:
    """The same request as an Indonesian caller (no Accept-Language) and an English one."""
    return call(web.api(email, lang=None)), call(web.api(email, lang="en"))


def test_a_refusal_reads_in_indonesian_by_default_and_in_english_when_asked(web: Web) -> None:
    id_, en = _both(web, web.world.COORDINATOR, lambda api: api.get(f"{BASE}/Kota Balikpapn"))
    assert id_.status_code == en.status_code == 404
    assert id_.json() == {
        "detail": "daerah “Kota Balikpapn” tidak dikenal; maksud Anda Kota Balikpapan, "
                  "Kota Malang, Kota Blitar?",
        "error": "NotFoundError", "code": "directory.unknown_region"}
    assert en.json() == {
        "detail": "unknown region “Kota Balikpapn”; did you mean Kota Balikpapan, Kota Malang, "
                  "Kota Blitar?",
        "error": "NotFoundError", "code": "directory.unknown_region"}


def test_an_engine_refusal_names_the_action_and_the_roles_in_the_language(web: Web) -> None:
    r = web.region
    web.world.drive(r, "bimtek_1")
    id_, en = _both(web, r.opd, lambda api: api.post(f"{BASE}/{r.code}/advance",
                                                     json={"trigger": "close_bimtek_1"}))
    assert id_.status_code == en.status_code == 403
    assert id_.json()["code"] == en.json()["code"] == "engine.only_roles"
    assert id_.json()["detail"].startswith("hanya Koordinator ")
    assert "“tutup bimtek I”" in id_.json()["detail"]
    assert en.json()["detail"].startswith("only Coordinator may close bimtek I")
    assert "close_bimtek_1" not in id_.json()["detail"] + en.json()["detail"]


def test_a_guard_failure_says_what_is_missing_without_a_command(web: Web) -> None:
    r = web.region
    web.world.drive(r, "bimtek_1")
    id_, en = _both(web, web.world.COORDINATOR, lambda api: api.post(
        f"{BASE}/{r.code}/advance", json={"trigger": "close_bimtek_1"}))
    assert id_.status_code == en.status_code == 409
    assert id_.json()["code"] == en.json()["code"] == "engine.guard_failed"
    assert "belum mengirim kuesioner" in id_.json()["detail"]
    assert "have not submitted the questionnaire" in en.json()["detail"]
    assert "smartcity " not in id_.json()["detail"] + en.json()["detail"]


def test_a_request_refused_by_validation_reads_in_both_languages(web: Web) -> None:
    r = web.region
    web.world.drive(r, "bimtek_1")
    id_, en = _both(web, web.world.COORDINATOR, lambda api: api.post(
        f"{BASE}/{r.code}/advance", json={"expected_version": "soon"}))
    assert id_.status_code == en.status_code == 422
    assert id_.json()["error"] == en.json()["error"] == "InvalidInputError"
    assert id_.json()["code"] == en.json()["code"] == "web.invalid_request"
    assert id_.json()["problems"] == ["trigger: wajib diisi",
                                      "expected_version: harus berupa bilangan bulat"]
    assert en.json()["problems"] == ["trigger: field required",
                                     "expected_version: must be a whole number"]
    assert id_.json()["detail"] == "trigger: wajib diisi; expected_version: harus berupa " \
                                   "bilangan bulat"


def test_a_too_long_value_names_the_limit(web: Web) -> None:
    r = web.region
    id_, en = _both(web, web.world.COORDINATOR, lambda api: api.post(
        f"{BASE}/{r.code}/advance", json={"trigger": "x" * 200}))
    assert id_.status_code == en.status_code == 422
    assert id_.json()["detail"].startswith("trigger: terlalu panjang: paling banyak ")
    assert en.json()["detail"].startswith("trigger: too long: at most ")


def test_an_unknown_address_and_a_validator_message_are_worded_too(web: Web) -> None:
    id_, en = _both(web, web.world.COORDINATOR, lambda api: api.get("/api/v1/nothing-here"))
    assert id_.status_code == en.status_code == 404
    assert id_.json() == {"detail": "halaman atau data ini tidak ditemukan",
                          "error": "HTTPError", "code": "web.http.404"}
    assert en.json()["detail"] == "not found"
    id_, en = _both(web, web.world.COORDINATOR, lambda api: api.get(f"{BASE}/64.71%00"))
    assert id_.status_code == en.status_code == 422
    assert "tidak boleh memuat karakter NUL" in id_.json()["detail"]
    assert "must not contain NUL characters" in en.json()["detail"]


def test_an_internal_error_is_logged_and_answered_in_the_language(web: Web) -> None:
    def boom() -> None:
        raise RuntimeError("a bug")

    web.app.add_api_route("/api/v1/boom", boom)
    web.app.add_api_route("/boom", boom)
    id_, en = _both(web, web.world.COORDINATOR, lambda api: api.get("/api/v1/boom"))
    assert id_.status_code == en.status_code == 500
    assert id_.json() == {"detail": "terjadi kesalahan internal; kesalahan ini sudah dicatat",
                          "error": "InternalError", "code": "web.internal"}
    assert en.json()["detail"] == "internal error; it has been logged"
    page = web.anonymous().get("/boom?lang=en")
    assert (page.status_code, page.text) == (500, "internal error; it has been logged")
    assert "a bug" not in id_.text + page.text


def test_a_page_that_does_not_exist_is_worded_in_the_page_language(web: Web) -> None:
    browser = web.browser(web.world.COORDINATOR)
    missing = browser.get("/tidak-ada")
    assert missing.status_code == 404
    assert "halaman atau data ini tidak ditemukan" in missing.text
    assert "Not Found" not in missing.text
    english = browser.get("/tidak-ada?lang=en")
    assert english.status_code == 404 and "not found" in english.text
