"""Schema-driven fuzzing: every operation of the OpenAPI schema, with generated input, as a
programme-wide coordinator, must never answer with a server error (5xx), and must answer as its
schema says: a documented status code, a documented media type, a body that validates against
the documented schema of that status (the error body included), and the documented headers
(schemathesis's ``status_code_conformance``, ``content_type_conformance``,
``response_schema_conformance`` and ``response_headers_conformance`` checks).

The operations come from the app's own schema (``/api/v1/openapi.json``), so a new endpoint is
fuzzed without touching this file. The programme is seeded once for the module on SQLite (one
region implementing its master plan inside an open evaluation window, one in bimtek I) with
the clock frozen, so generated requests reach the deep paths (returns, scores, uploads,
deadlines) as well as the refusals: besides schemathesis's positive and negative cases, each
operation is also fuzzed with its path parameters pinned to the seeded region, cohort,
window and first submissions (so a download reaches its file). Each operation gets a bounded
number of examples to keep the run short; the PostgreSQL half of the suite covers the same
code through the endpoint tests.

(schemathesis's own pytest loader, ``schemathesis.pytest.from_fixture``, fails under pytest 9:
it writes ``request.node._nodeid``, which pytest no longer has; so the operations are
parametrized here and each is run with Hypothesis directly.)
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
import schemathesis
from argon2 import PasswordHasher
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from schemathesis import Case, GenerationMode
from schemathesis.checks import (
    content_type_conformance,
    not_a_server_error,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)
from webkit import Web  # type: ignore[import-not-found]
from worldkit import World  # type: ignore[import-not-found]

from config.settings import Settings
from interfaces.web.app import create_app
from workflows.access import accounts
from workflows.evaluation import windows
from workflows.programme import Programme

NOW = datetime(2026, 6, 10, 3, 0, tzinfo=UTC)  # inside the 2026-H1 evaluation window
REVOKE_TOKEN = "/api/v1/tokens/{token_id}"
MAX_EXAMPLES = 15
#: Besides "no 5xx": the answer keeps the schema's contract (its status, media type, body and
#: headers are the documented ones).
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance,
          response_schema_conformance, response_headers_conformance]
# Path parameters pinned to what the module seeds, so generated bodies reach the domain.
PINNED: dict[str, list[Any]] = {
    "region": ["64.71", "64.72"],
    "cohort": [World.COHORT],
    "window": ["2026-H1"],
    "state": ["bimtek_1", "implementation"],
    "email": ["dinkes.6472@pemda.go.id"],
    "request_id": [1],
    "submission_id": [1, 2],  # the implementing region's first files: a download's 200
}


def _labels() -> list[str]:
    """Every operation of the API, read from the schema of an app on an empty programme."""
    spec = create_app(Programme(Settings(database_url="sqlite:///:memory:"))).openapi()
    return [f"{method.upper()} {path}" for path, ops in spec["paths"].items() for method in ops]


@dataclass
class Fuzzed:
    web: Web
    schema: Any  # schemathesis.BaseSchema
    coordinator: str  # bearer token
    spare: str  # another account's token, for DELETE /tokens/{id} to revoke at will


@pytest.fixture(scope="module")
def fuzzed(sqlite_template: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Fuzzed]:
    folder = tmp_path_factory.mktemp("fuzz")
    shutil.copyfile(sqlite_template, folder / "fuzz.db")
    prog = Programme(Settings(data_dir=folder, database_url=f"sqlite:///{folder / 'fuzz.db'}"),
                     clock=lambda: NOW)
    with pytest.MonkeyPatch.context() as patch:
        # Argon2 at full cost takes most of a second per login, and POST /tokens is fuzzed.
        cheap = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)
        patch.setattr(accounts, "_hasher", cheap)
        dummy = cheap.hash("dummy-password")
        patch.setattr(accounts, "_dummy_hash", lambda: dummy)
        world = World(prog, folder / "in")
        world.seed_people()
        implementing = world.region()
        world.drive(implementing, "implementation")
        world.drive(world.region("64.72", opds=("DINKES",)), "bimtek_1")
        windows.ensure_windows(prog, 2026)
        web = Web(world, implementing)
        schema = schemathesis.openapi.from_asgi("/api/v1/openapi.json", web.app)
        yield Fuzzed(web, schema, web.token(World.COORDINATOR), web.token(implementing.head))
    prog.close()


def _strategy(operation: Any, schema: Any) -> st.SearchStrategy[Case]:
    modes = [GenerationMode.POSITIVE, GenerationMode.NEGATIVE]
    names = [p.name for p in operation.path_parameters]
    strategies = [operation.as_strategy(mode) for mode in modes]
    if names and all(n in PINNED for n in names):
        for i in range(max(len(PINNED[n]) for n in names)):
            pinned = {n: PINNED[n][i % len(PINNED[n])] for n in names}
            strategies += [operation.as_strategy(mode, path_parameters=pinned)
                           for mode in modes]
    strategies += schema.get_strategies_from_examples(operation)
    return st.one_of(strategies)


@pytest.mark.parametrize("label", _labels())
def test_every_operation_keeps_its_contract(label: str, fuzzed: Fuzzed) -> None:
    schema = fuzzed.schema
    operation = schema.find_operation_by_label(label)
    headers = {"Authorization": "Bearer " + (
        fuzzed.spare if operation.path == REVOKE_TOKEN else fuzzed.coordinator)}

    def call(case: Case) -> None:
        try:
            case.call_and_validate(headers=headers, checks=CHECKS)
        except Exception as exc:  # name the request that broke, then fail
            raise AssertionError(f"{case.as_curl_command(headers)}\n{exc!r}") from exc

    # Schemathesis's coverage phase first: boundary values, wrong types, missing parts.
    for case in schema.iter_coverage_cases(
            operation, generation_modes=list(GenerationMode),
            generation_config=schema.config.generation_for(operation=operation)):
        call(case)

    @given(case=_strategy(operation, schema))
    @settings(max_examples=MAX_EXAMPLES, deadline=None, derandomize=True, database=None,
              suppress_health_check=list(HealthCheck))
    def fuzz(case: Case) -> None:
        call(case)

    fuzz()
