"""A refusal reads in its reader's language, naming things by the definition's labels in it.

Proves on both databases, with a format-2 definition whose labels are given in Indonesian and
English: the same refusal -- deliverables still to be submitted, a role that may not submit, an
action the stage does not offer, a stale version, an actor bound to no region -- is written in
Bahasa Indonesia under ``language.using("id")`` and in English under ``"en"``, each with that
language's labels and none of the other's, and its ``code`` is the catalogue key either way; a
refusal made once is written in whichever language reads it. A format-1 definition's plain
labels (upgraded to Indonesian-only texts) fall back to the same words in both languages, and a
stage without a label is named by its key made readable, never the bare key.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from wfkit import AUTHOR, REVIEWER, manuscript

from config import language
from engine.contracts import Actor, Wording
from engine.errors import (
    ConflictError,
    GuardFailed,
    PermissionDenied,
    TransitionNotAllowed,
    WorkflowError,
)
from engine.guards import GuardRegistry
from engine.permissions import check_scope

PERMIT = """\
key: permit
version: 1
format: 2
title: {id: Izin usaha, en: Business permit}
initial: draft
roles:
  applicant: {label: {id: Pemohon, en: Applicant}, scoped: true}
  clerk: {label: {id: Petugas, en: Clerk}}
  observer: {label: {id: Pemantau, en: Observer}}
deliverables:
  form:
    label: {id: Formulir permohonan, en: Application form}
    submitted_by: [applicant, clerk]
    during: [draft]
  site_plan:
    label: {id: Denah lokasi, en: Site plan}
    submitted_by: [applicant]
    during: [draft]
states:
  draft: {label: {id: Penyusunan, en: Drafting}, requires: [form, site_plan]}
  checking: {label: {id: Pemeriksaan, en: Checking}}
  granted: {label: {id: Disetujui, en: Granted}, final: true}
transitions:
  - trigger: apply
    source: draft
    dest: checking
    roles: [applicant]
    label: {id: Ajukan permohonan, en: Apply}
  - trigger: grant
    source: checking
    dest: granted
    roles: [clerk]
    label: {id: Setujui, en: Grant}
"""

APPLICANT = Actor("sri@r1.example.org", "applicant", subjects=frozenset({"R1"}),
                  name="Sri Wahyuni")
CLERK = Actor("budi@example.org", "clerk", name="Budi Santoso")
OBSERVER = Actor("dewi@example.org", "observer", name="Dewi Lestari")

# The programme's words for its subjects, which are catalogue keys (see workflows.programme).
PROGRAMME_WORDS = Wording(subject="word.region", subjects="word.regions")


def refused(error: type[WorkflowError], call: Callable[[], Any]) -> dict[str, WorkflowError]:
    """The refusal of ``call``, made once under each language; it must write nothing, so the
    second attempt meets the same state as the first."""
    made = {}
    for lang in language.LANGUAGES:
        with language.using(lang), pytest.raises(error) as info:
            call()
        made[lang] = info.value
    return made


def written(made: dict[str, WorkflowError]) -> dict[str, str]:
    """Each refusal as its own language writes it."""
    out = {}
    for lang, exc in made.items():
        with language.using(lang):
            out[lang] = str(exc)
    return out


def codes(made: dict[str, WorkflowError]) -> set[str | None]:
    return {exc.code for exc in made.values()}


def test_missing_deliverables_are_named_in_each_language(workflow):
    wf = workflow(PERMIT, GuardRegistry())
    iid = wf.start("R1", CLERK)

    made = refused(GuardFailed, lambda: wf.fire(iid, "apply", APPLICANT))

    assert written(made) == {
        "id": "tidak dapat ajukan permohonan: masih harus diunggah: Formulir permohonan, "
              "Denah lokasi",
        "en": "cannot apply: still to be submitted: Application form, Site plan",
    }
    assert codes(made) == {"engine.guard_failed"}
    assert {r.key for exc in made.values() for r in exc.reasons} == {"engine.still_to_submit"}
    # a refusal made once is written in the language of whoever reads it
    assert made["id"].message.in_("en") == written(made)["en"]
    assert made["en"].message.in_("id") == written(made)["id"]
    assert (wf.instance(iid).state, wf.instance(iid).version) == ("draft", 1)


def test_a_role_that_may_not_submit_is_refused_in_each_language(workflow):
    wf = workflow(PERMIT, GuardRegistry())
    iid = wf.start("R1", CLERK)

    made = refused(PermissionDenied, lambda: wf.submit(iid, OBSERVER, manuscript(
        "form.pdf", deliverable="form")))

    assert written(made) == {
        "id": "hanya Pemohon atau Petugas yang dapat mengunggah Formulir permohonan; "
              "Dewi Lestari tidak dapat",
        "en": "only Applicant or Clerk may submit Application form; Dewi Lestari may not",
    }
    assert codes(made) == {"engine.only_roles"}
    assert wf.count("submission") == 0


def test_an_action_the_stage_does_not_offer_is_refused_in_each_language(workflow):
    wf = workflow(PERMIT, GuardRegistry())
    iid = wf.start("R1", CLERK)

    made = refused(TransitionNotAllowed, lambda: wf.fire(iid, "grant", CLERK))

    assert written(made) == {
        "id": "tidak dapat setujui untuk R1: sedang pada tahap Penyusunan; yang dapat "
              "dilakukan sekarang: Ajukan permohonan",
        "en": "cannot grant for R1: it is in Drafting; possible now: Apply",
    }
    assert codes(made) == {"engine.not_now"}
    assert len(wf.history(iid)) == 1


def test_a_stale_version_is_refused_in_each_language(workflow):
    wf = workflow(PERMIT, GuardRegistry())
    iid = wf.start("R1", CLERK)
    seen = wf.instance(iid).version
    wf.submit(iid, APPLICANT, manuscript("form.pdf", deliverable="form"))  # meanwhile

    made = refused(ConflictError, lambda: wf.submit(
        iid, APPLICANT, manuscript("plan.pdf", deliverable="site_plan"), expected_version=seen))

    assert written(made) == {
        "id": "R1 telah berubah sejak Anda membukanya; muat ulang lalu coba lagi",
        "en": "R1 changed since you looked; reload and try again",
    }
    assert codes(made) == {"engine.stale"}
    assert [s["deliverable"] for s in wf.table("submission", instance_id=iid)] == ["form"]


def test_an_actor_bound_to_no_region_is_refused_in_each_language(workflow):
    d = workflow(PERMIT, GuardRegistry()).loaded.definition
    unbound = Actor("sri@example.org", "applicant", name="Sri Wahyuni")

    made = refused(PermissionDenied, lambda: check_scope(d, "R1", unbound, PROGRAMME_WORDS))

    assert written(made) == {
        "id": "Sri Wahyuni belum ditugaskan ke daerah mana pun; Pemohon hanya bertindak untuk "
              "daerah yang ditugaskan kepadanya",
        "en": "Sri Wahyuni is not bound to any of the regions; someone in the role Applicant "
              "acts only for the regions assigned to them",
    }
    assert codes(made) == {"engine.not_bound"}


def test_format_1_labels_fall_back_to_the_same_words_in_both_languages(workflow):
    wf = workflow()  # wfkit.BASIC_YAML: format 1, plain English labels
    iid = wf.start("R1")

    missing = refused(GuardFailed, lambda: wf.fire(iid, "send", AUTHOR))
    assert written(missing) == {
        "id": "tidak dapat send: masih harus diunggah: Manuscript",
        "en": "cannot send: still to be submitted: Manuscript",
    }

    role = refused(PermissionDenied, lambda: wf.submit(iid, REVIEWER, manuscript()))
    assert written(role) == {
        "id": "hanya Author atau Coordinator yang dapat mengunggah Manuscript; "
              "rev@example.org tidak dapat",
        "en": "only Author or Coordinator may submit Manuscript; rev@example.org may not",
    }

    stage = refused(TransitionNotAllowed, lambda: wf.submit(
        iid, AUTHOR, manuscript(deliverable="response", party="lab_a")))
    assert written(stage) == {
        "id": "Response letter diterima pada tahap Under review; R1 sedang pada tahap Drafting",
        "en": "Response letter is accepted during Under review; R1 is in Drafting",
    }
    assert wf.count("submission") == 0

    wf.fire(iid, "withdraw")  # to a final stage that has no label
    ended = refused(TransitionNotAllowed, lambda: wf.fire(iid, "send", AUTHOR))
    assert written(ended) == {
        "id": "tidak dapat send untuk R1: sedang pada tahap Withdrawn; yang dapat dilakukan "
              "sekarang: tidak ada",
        "en": "cannot send for R1: it is in Withdrawn; possible now: none",
    }
    assert codes(ended) == {"engine.not_now"}
