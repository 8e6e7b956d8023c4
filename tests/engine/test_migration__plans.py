"""What migrating one instance plans, from the two definitions alone (no database).

Version 2 of the basic paper workflow renames ``review`` to ``reviewing``, which now requires a
cover letter, and drops the per-party response letter. The plan keeps a state of the same
name, maps a renamed one, refuses a state without a mapping (naming the mapping to add) and
a target the new version does not have or could not have reached with what was submitted,
lists deliverables newly required and submissions the new version no longer defines, and
skips a finished instance and one already on the version.
"""

from __future__ import annotations

from datetime import UTC, datetime

from wfkit import BASIC_YAML, basic_guards

from engine import InstanceSnapshot, load_definition
from engine.migration import plan_instance

V1 = load_definition(BASIC_YAML, "v1", basic_guards()).definition
V2 = load_definition(
    BASIC_YAML.replace("version: 1", "version: 2")
    .replace("    during: [review]\n", "    during: [reviewing]\n")
    .replace("  response:\n    label: Response letter\n    per_party: true\n"
             "    submitted_by: [author]\n    during: [reviewing]\n",
             "  cover:\n    label: Cover letter\n    submitted_by: [author]\n"
             "    during: [draft]\n")
    .replace("  review:\n    label: Under review\n",
             "  reviewing:\n    label: Under review\n    requires: [cover]\n")
    .replace("source: review\n", "source: reviewing\n")
    .replace("dest: review\n", "dest: reviewing\n")
    .replace("source: [draft, review]", "source: [draft, reviewing]")
    .replace("successor: {start: review}", "successor: {start: reviewing}")
    .replace("requires: [manuscript]", "requires: [manuscript, cover]"),
    "v2", basic_guards()).definition
AT = datetime(2026, 1, 5, tzinfo=UTC)


def instance(state: str, version: int = 1) -> InstanceSnapshot:
    return InstanceSnapshot(7, "paper", version, "R1", 1, state, 3, AT, None)


def test_the_fixture_versions_differ_as_described() -> None:
    assert "reviewing" in V2.states and "review" not in V2.states
    assert "response" not in V2.deliverables and V2.states["draft"].requires == [
        "manuscript", "cover"]


def test_a_state_of_the_same_name_stays_and_lists_new_requirements() -> None:
    plan = plan_instance(V1, V2, instance("draft"), {}, {"manuscript"})
    assert (plan.action, plan.to_state, plan.to_version, plan.required) == (
        "apply", "draft", 2, ("cover",))


def test_a_state_without_mapping_is_refused_naming_the_map_to_add() -> None:
    plan = plan_instance(V1, V2, instance("review"), {}, {"manuscript", "response"})
    assert plan.refused and "review=NEW_STAGE" in str(plan.refusal)
    assert plan.orphaned == ("response",)


def test_a_mapped_state_whose_way_in_is_met_applies() -> None:
    plan = plan_instance(V1, V2, instance("review"), {"review": "reviewing"},
                         {"manuscript", "cover", "response"})
    assert plan.applies and plan.to_state == "reviewing" and plan.orphaned == ("response",)
    assert plan.required == ("cover",)


def test_a_mapped_state_whose_way_in_is_not_met_is_refused() -> None:
    plan = plan_instance(V1, V2, instance("review"), {"review": "reviewing"}, {"manuscript"})
    assert plan.refused and "Cover letter" in str(plan.refusal)


def test_a_target_the_new_version_lacks_is_refused() -> None:
    plan = plan_instance(V1, V2, instance("review"), {"review": "nowhere"}, set())
    assert plan.refused and "nowhere is not a state of version 2" in str(plan.refusal)


def test_a_target_reached_only_by_skipping_requirements_is_refused() -> None:
    plan = plan_instance(V1, V2, instance("draft"), {"draft": "withdrawn"}, set())
    assert plan.refused


def test_the_initial_state_is_always_reachable() -> None:
    plan = plan_instance(V1, V2, instance("review"), {"review": "draft"}, set())
    assert plan.applies and plan.to_state == "draft"


def test_finished_and_already_migrated_instances_are_skipped() -> None:
    finished = plan_instance(V1, V2, instance("rejected"), {}, set())
    assert finished.skipped and finished.reason == "final"
    same = plan_instance(V2, V2, instance("draft", version=2), {}, set())
    assert same.skipped and same.reason == "same_version"
