"""A province's own workflow has the region workflow page at ``/provinces/{code}/workflows/
{key}``: the province's coordinator sees it, uploads and acts there; the subject links to the
board filtered by the province; someone of another province is refused."""

from __future__ import annotations

from provincekit import KEY, publish  # type: ignore[import-not-found]
from webkit import Web  # type: ignore[import-not-found]

from workflows import instances
from workflows.directory import registration

PAPUA = "diskominfo@papua.go.id"
JABAR = "diskominfo@jabarprov.go.id"


def test_the_province_page_shows_and_drives_its_workflow(web: Web) -> None:
    publish(web.prog)
    registration.add_person(web.prog, PAPUA, "Diskominfo Papua", "coordinator", None, "91")
    registration.add_person(web.prog, JABAR, "Diskominfo Jabar", "coordinator", None, "32")
    instances.start(web.prog, KEY, "Papua", PAPUA)
    page = f"/provinces/91/workflows/{KEY}"
    coordinator = web.browser(PAPUA)

    shown = coordinator.get(page).text
    assert "Rencana pembinaan provinsi" in shown and "Penyusunan" in shown
    assert "Provinsi:" in shown and "Papua (91)" in shown and "WIT" in shown
    assert 'href="/board?province=91"' in shown
    sent = coordinator.post(f"{page}/submit", data={
        "csrf_token": coordinator.csrf(page), "deliverable": "conducting_plan"},
        files={"file": ("rencana.pdf", b"%PDF-1.4\n% rencana\n%%EOF\n", "application/pdf")})
    assert sent.status_code == 303, sent.text
    assert sent.headers["location"].startswith(f"{page}?uploaded=conducting_plan")
    with web.prog.db.read() as session:
        version = web.prog.current_instance(session, "91", KEY).version
    moved = coordinator.post_form(f"{page}/advance", {"trigger": "send",
                                                      "expected_version": str(version)},
                                  page=page)
    assert moved.status_code == 303 and moved.headers["location"] == f"{page}?done=send"
    english = coordinator.get(f"{page}?lang=en").text
    assert "Province conducting plan" in english and "Endorsement" in english

    assert web.browser(JABAR).get(page).status_code == 403
