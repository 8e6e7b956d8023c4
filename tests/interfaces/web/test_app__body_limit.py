"""A request body past the upload limit is refused while it streams in (413), before any of it
is spooled to disk, including a chunked upload that declares no length."""

from __future__ import annotations

from collections.abc import Iterator

from fastapi.testclient import TestClient
from webkit import Web  # type: ignore[import-not-found]

from interfaces.web.app import FORM_ROOM, create_app


def test_an_oversized_chunked_upload_is_413_before_it_is_read(web: Web) -> None:
    prog = web.prog
    prog.settings = prog.settings.model_copy(update={"upload_max_bytes": 10_000})
    token = web.token(web.region.opd)
    client = TestClient(create_app(prog), raise_server_exceptions=False)

    def body() -> Iterator[bytes]:  # a generator: sent chunked, with no Content-Length
        chunk = b"x" * 65536
        for _ in range((10_000 + FORM_ROOM) // len(chunk) + 20):
            yield chunk

    response = client.post(
        f"/api/v1/regions/{web.region.code}/submissions", content=body(),
        headers={"Authorization": f"Bearer {token}",
                 "Content-Type": "multipart/form-data; boundary=xyz"})
    assert response.status_code == 413
    assert response.json()["error"] == "HTTPError"
