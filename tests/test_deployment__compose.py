"""The deployment files say only what the program understands: ``compose.yaml``, the
``Dockerfile``, ``deploy/`` (the env file templates, the Caddyfiles, the systemd units).

A container runtime is not needed to check them: every command they run is a real
``smartcity`` command with real options (the lazy command table's own modules, loaded), every
``SMARTCITY_*`` variable is a field of :class:`config.settings.Settings` (a misspelt one would
be silently ignored, ``extra="ignore"``), every process that reads or writes uploads mounts the
same volume at the image's data directory, and the proxy points at the web service's port.
Where Docker with a running daemon and the compose plugin is present, the image is also built
and the compose file validated by Docker itself; elsewhere that test is skipped, also under
``CI=true``: the suite never requires a container runtime.
"""

from __future__ import annotations

import json
import re
import shlex
import shutil
import subprocess
import tomllib
from pathlib import Path
from typing import Any

import pytest
import typer.main
import yaml
from typer.core import TyperGroup

from config.settings import Settings
from interfaces.cli.app import COMMANDS, app, load

ROOT = Path(__file__).resolve().parent.parent
DEPLOY = ROOT / "deploy"
SMARTCITY_SERVICES = ("init", "web", "worker")
SMTP_SETTINGS = {"smtp_host", "smtp_port", "smtp_security", "smtp_username", "smtp_password"}


def compose() -> dict[str, Any]:
    return dict(yaml.safe_load((ROOT / "compose.yaml").read_text(encoding="utf-8")))


def env_file(name: str) -> dict[str, str]:
    """``deploy/<name>``'s template (``.example``): KEY=value lines, comments skipped."""
    path = DEPLOY / f"{Path(name).name}.example"
    assert path.is_file(), f"{name} has no template {path.name} in deploy/"
    pairs = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.lstrip().startswith("#"):
            key, _, value = line.partition("=")
            pairs[key.strip()] = value.strip()
    return pairs


def setting(key: str) -> str:
    """The Settings field a ``SMARTCITY_*`` variable sets."""
    assert key.startswith("SMARTCITY_"), key
    return key.removeprefix("SMARTCITY_").lower()


def check_command(args: list[str]) -> None:
    """``args`` (after ``smartcity``) name a real command and only options it has."""
    name, *rest = args
    own = typer.main.get_command(app)
    assert isinstance(own, TyperGroup)
    assert name in COMMANDS or name in own.commands, f"smartcity {name}: no such command"
    command = own.commands[name] if name in own.commands else load(name)
    options = {opt for param in command.params for opt in [*param.opts, *param.secondary_opts]}
    for arg in rest:
        if arg.startswith("--"):
            assert arg.split("=", 1)[0] in options, f"smartcity {name} has no {arg}"


def dockerfile() -> list[tuple[str, str]]:
    """The Dockerfile's instructions (continuation lines joined, comments dropped)."""
    lines, current = [], ""
    for raw in (ROOT / "Dockerfile").read_text(encoding="utf-8").splitlines():
        if raw.lstrip().startswith("#") or not raw.strip():
            continue
        current += raw.rstrip().removesuffix("\\") + " "
        if not raw.rstrip().endswith("\\"):
            word, _, rest = current.strip().partition(" ")
            lines.append((word.upper(), rest.strip()))
            current = ""
    return lines


def instruction(name: str) -> list[str]:
    return [rest for word, rest in dockerfile() if word == name]


def test_the_compose_file_has_the_production_layout() -> None:
    services = compose()["services"]
    assert set(services) == {"postgres", "init", "web", "worker", "proxy"}
    assert services["web"]["deploy"]["replicas"] >= 2
    assert services["worker"]["deploy"]["replicas"] >= 2
    # Web processes only serve; the workers run the clock and deliver email.
    assert services["web"]["command"][:2] == ["serve", "--no-background"]
    assert "0.0.0.0" in services["web"]["command"]
    assert services["worker"]["command"][:1] == ["worker"]
    assert services["init"]["command"] == ["init"]
    # Nothing starts before the migrations are done, and they wait for the database.
    for name in ("web", "worker"):
        assert services[name]["depends_on"]["init"]["condition"] == \
            "service_completed_successfully"
    assert services["init"]["depends_on"]["postgres"]["condition"] == "service_healthy"
    assert "healthcheck" in services["postgres"]
    assert any(v.startswith("pgdata:") for v in services["postgres"]["volumes"])
    # Only the proxy is reachable from outside, and only it reaches the web processes (which
    # believe the client address it forwards).
    assert [name for name, s in services.items() if "ports" in s] == ["proxy"]
    assert [name for name, s in services.items() if "front" in s["networks"]] == \
        ["web", "proxy"]


def test_every_command_in_the_deployment_files_is_a_real_command_and_option() -> None:
    services = compose()["services"]
    for name in SMARTCITY_SERVICES:
        check_command(services[name]["command"])
    (cmd,) = instruction("CMD")
    check_command(json.loads(cmd))
    for unit in DEPLOY.glob("*.service"):
        (start,) = re.findall(r"^ExecStart=(.*)$", unit.read_text(encoding="utf-8"), re.M)
        program, *args = shlex.split(start.replace("%i", "8001"))
        assert program.endswith("/smartcity"), unit.name
        check_command(args)


def test_every_smartcity_variable_is_a_setting_and_smtp_is_only_where_mail_is_sent() -> None:
    services = compose()["services"]
    fields = set(Settings.model_fields)
    files: dict[str, set[str]] = {}
    for name, service in services.items():
        for file in service.get("env_file", []):
            keys = set(env_file(file))
            files.setdefault(name, set()).update(keys)
            unknown = {k for k in keys if k.startswith("SMARTCITY_") and setting(k) not in fields}
            assert not unknown, f"{file}: not settings: {unknown}"
        environment = service.get("environment", {})
        for key in environment:
            if key.startswith("SMARTCITY_"):
                assert setting(key) in fields, f"{name}: {key} is not a setting"
    for name in SMARTCITY_SERVICES:
        keys = {setting(k) for k in files[name] if k.startswith("SMARTCITY_")}
        # The same secret and addresses in every process of one database.
        assert {"secret_key", "base_url", "database_url"} <= keys, name
        assert bool(keys & SMTP_SETTINGS) == (name == "worker"), name
    shared = env_file("smartcity.env")
    assert shared["SMARTCITY_DATABASE_URL"].startswith("postgresql+psycopg://")
    password = env_file("postgres.env")["POSTGRES_PASSWORD"]
    assert f":{password}@" in shared["SMARTCITY_DATABASE_URL"]


def received(service: dict[str, Any]) -> set[str]:
    """Every variable a service's container is given: its env files' (templates') keys and
    its ``environment:`` keys (a mapping or ``KEY=value`` items)."""
    keys: set[str] = set()
    for file in service.get("env_file", []):
        keys |= set(env_file(file if isinstance(file, str) else file["path"]))
    environment = service.get("environment", {})
    items = environment if isinstance(environment, dict) else \
        [item.partition("=")[0] for item in environment]
    return keys | set(items)


def test_each_container_gets_only_the_variables_it_needs() -> None:
    """The secret key (which signs sign-in links) and the other SMARTCITY_* settings reach the
    smartcity processes alone; PostgreSQL gets POSTGRES_*, the proxy SITE_ADDRESS."""
    services = compose()["services"]
    for name in ("proxy", "postgres"):
        assert "SMARTCITY_SECRET_KEY" not in received(services[name]), name
        assert not {k for k in received(services[name]) if k.startswith("SMARTCITY_")}, name
    assert received(services["proxy"]) == {"SITE_ADDRESS"}
    assert {k.split("_", 1)[0] for k in received(services["postgres"])} == {"POSTGRES"}
    for name in SMARTCITY_SERVICES:
        assert "SMARTCITY_SECRET_KEY" in received(services[name]), name
        assert {k for k in received(services[name]) if not k.startswith("SMARTCITY_")} == \
            set(), name


def test_every_serve_and_worker_shares_the_uploads_at_the_images_data_directory() -> None:
    services = compose()["services"]
    env = " ".join(instruction("ENV"))
    data_dir = re.search(r"SMARTCITY_DATA_DIR=(\S+)", env)
    assert data_dir is not None
    for name in ("web", "worker"):
        assert f"uploads:{data_dir.group(1)}" in services[name]["volumes"], name
    assert "uploads" in compose()["volumes"]


def test_the_image_installs_the_package_as_a_user_and_checks_its_own_health() -> None:
    pyproject = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    (entrypoint,) = instruction("ENTRYPOINT")
    assert json.loads(entrypoint) == ["smartcity"]
    assert "smartcity" in pyproject["project"]["scripts"]
    bases = [rest.split()[0] for rest in instruction("FROM")]
    assert all(b.startswith("python:3.11") for b in bases), bases  # requires-python >= 3.11
    assert pyproject["project"]["requires-python"] == ">=3.11"
    runs = " ".join(instruction("RUN"))
    assert "pip install ." in runs
    assert "python -m config.messages compile" in runs
    assert "libpango-1.0-0" in runs  # WeasyPrint's monthly report PDF
    (user,) = instruction("USER")
    assert user not in ("root", "0")
    (health,) = instruction("HEALTHCHECK")
    path = re.search(r"127\.0\.0\.1:8000(/\w+)", health)
    assert path is not None
    from interfaces.web.health import router

    assert path.group(1) in {getattr(r, "path", None) for r in router.routes}
    # Every file the image copies exists, and none the build needs is ignored.
    ignored = {line.strip() for line in (ROOT / ".dockerignore").read_text().splitlines()
               if line.strip() and not line.startswith("#")}
    for copy in instruction("COPY"):
        if "--from" not in copy:
            *sources, _ = copy.split()
            for source in sources:
                assert (ROOT / source).exists() and source not in ignored, source


def test_every_worker_answers_health_and_metrics_on_its_own_port() -> None:
    """A worker has no pages: its sends, sweeps and leadership are read from the endpoint
    ``--metrics-port`` gives it, which the compose file probes and no one outside reaches."""
    worker = compose()["services"]["worker"]
    command = worker["command"]
    port = command[command.index("--metrics-port") + 1]
    assert command[command.index("--metrics-host") + 1] == "0.0.0.0"  # other containers scrape
    assert "ports" not in worker and "front" not in worker["networks"]
    probe = " ".join(worker["healthcheck"]["test"])
    path = re.search(rf"127\.0\.0\.1:{port}(/\w+)", probe)
    assert path is not None, probe
    from interfaces.web.health import router

    assert path.group(1) in {getattr(r, "path", None) for r in router.routes}
    unit = (DEPLOY / "smartcity-worker@.service").read_text(encoding="utf-8")
    (start,) = re.findall(r"^ExecStart=(.*)$", unit, re.M)
    args = shlex.split(start)
    assert args[1:2] == ["worker"]
    assert args[args.index("--metrics-port") + 1] == "%i"  # the instance is its port
    assert args[args.index("--metrics-host") + 1] == "127.0.0.1"


def test_the_proxy_sends_to_the_web_service_and_keeps_metrics_internal() -> None:
    services = compose()["services"]
    caddyfile = (DEPLOY / "Caddyfile").read_text(encoding="utf-8")
    assert "./deploy/Caddyfile:/etc/caddy/Caddyfile:ro" in services["proxy"]["volumes"]
    web = services["web"]["command"]
    port = web[web.index("--port") + 1]
    assert re.search(rf"name web\s+port {port}\b", caddyfile)
    for text in (caddyfile, (DEPLOY / "Caddyfile.systemd").read_text(encoding="utf-8")):
        assert "@internal path /healthz /readyz /metrics" in text
        assert "respond @internal 404" in text
        assert "health_uri /readyz" in text


def test_the_proxy_logs_each_request_with_the_id_the_application_logs_and_no_token() -> None:
    """Both Caddyfiles write an access log, hand each request Caddy's id as X-Request-ID (a
    sane token the application keeps: interfaces/web/requestid.py) and log it as request_id;
    the token of a sign-in, password or calendar link is masked in the logged URI."""
    from interfaces.web.requestid import SANE

    assert SANE.fullmatch("0b4ac1a4-7c1e-4f57-9c36-02b1f1d1e1aa")  # a {http.request.uuid}
    for name in ("Caddyfile", "Caddyfile.systemd"):
        caddyfile = (DEPLOY / name).read_text(encoding="utf-8")
        assert re.search(r"^\tlog \{$", caddyfile, re.M), name
        assert "\trequest_header X-Request-ID {http.request.uuid}\n" in caddyfile, name
        assert "\tlog_append <request_id {http.request.uuid}\n" in caddyfile, name
        found = re.search(r'request>uri regexp "([^"]+)" "([^"]+)"', caddyfile)
        assert found is not None, name
        # RE2's syntax here is also Python's; Go writes a group ${1}, Python \g<1>.
        pattern, replacement = found.group(1), found.group(2).replace("${1}", r"\g<1>")
        token = "eyJlbWFpbCI6ImFAYi5nby5pZCJ9.c2lnbmF0dXJl"
        for path, logged in [(f"/l/{token}", "/l/REDACTED"),
                             (f"/password/{token}?next=/", "/password/REDACTED?next=/"),
                             (f"/calendar/{token}.ics", "/calendar/REDACTED"),
                             ("/password/forgot", "/password/forgot"),
                             ("/regions/64.71", "/regions/64.71")]:
            assert re.sub(pattern, replacement, path) == logged, (name, path)


#: The major version of ``postgresql-client`` in each Debian release an image may be based on.
DEBIAN_POSTGRESQL_CLIENT = {"bookworm": 15, "trixie": 17}


def runtime_stage() -> list[tuple[str, str]]:
    """The Dockerfile's instructions from its last ``FROM`` on: the image that runs."""
    lines = dockerfile()
    last = max(i for i, (word, _) in enumerate(lines) if word == "FROM")
    return lines[last:]


def test_the_image_can_back_up_the_compose_database() -> None:
    """``smartcity backup`` in the container runs ``pg_dump``, which must be installed in the
    image that runs (not only the build stage) and be at least as new as compose's PostgreSQL
    (an older ``pg_dump`` refuses to dump a newer server)."""
    stage = runtime_stage()
    base = stage[0][1].split()[0]
    release = next(name for name in DEBIAN_POSTGRESQL_CLIENT if base.endswith(f"-{name}"))
    installs = " ".join(rest for word, rest in stage if word == "RUN" and "apt-get install" in rest)
    assert re.search(r"(?<![\w-])postgresql-client(?![\w-])", installs), installs
    server = compose()["services"]["postgres"]["image"]
    found = re.fullmatch(r"postgres:(\d+)(?:[.-]\S*)?", server)
    assert found is not None, f"pin the postgres image to a major version: {server}"
    assert DEBIAN_POSTGRESQL_CLIENT[release] >= int(found[1]), (base, server)


def test_the_backup_timer_runs_the_backup_as_the_service_does() -> None:
    """``smartcity-backup.service`` runs as the web and worker units do (user, environment,
    data directory), may write only there, and its timer starts it nightly, catching up a
    night the machine was off."""
    def keys(name: str) -> dict[str, list[str]]:
        found: dict[str, list[str]] = {}
        for line in (DEPLOY / name).read_text(encoding="utf-8").splitlines():
            if "=" in line and not line.lstrip().startswith(("#", "[")):
                key, _, value = line.partition("=")
                found.setdefault(key.strip(), []).append(value.strip())
        return found

    service, web = keys("smartcity-backup.service"), keys("smartcity-web@.service")
    for key in ("User", "Group", "EnvironmentFile", "WorkingDirectory", "ReadWritePaths"):
        assert service[key] == web[key], key
    assert service["Type"] == ["oneshot"]
    start = shlex.split(service["ExecStart"][0])
    assert start[0] == shlex.split(web["ExecStart"][0])[0] and start[1:] == ["backup"]
    # Old archives pruned where the program writes them: SMARTCITY_DATA_DIR, else its
    # default, relative to the working directory.
    (prune,) = service["ExecStartPost"]
    shell, flag, script = shlex.split(prune)
    assert (shell, flag) == ("/bin/sh", "-c"), prune
    default = Settings.model_fields["data_dir"].default
    assert f'"$${{SMARTCITY_DATA_DIR:-{default}}}/backups"' in script, script
    assert "smartcity-*.tar.gz" in script and "-delete" in script
    timer = keys("smartcity-backup.timer")
    assert timer["Unit"] == ["smartcity-backup.service"]
    assert timer["OnCalendar"] and timer["Persistent"] == ["true"]
    assert timer["WantedBy"] == ["timers.target"]


def _docker_ready() -> bool:
    if shutil.which("docker") is None:
        return False
    for probe in (["docker", "info"], ["docker", "compose", "version"]):
        if subprocess.run(probe, capture_output=True, timeout=30, check=False).returncode:
            return False
    return True


@pytest.mark.xdist_group("docker")
def test_the_image_builds_and_docker_accepts_the_compose_file(tmp_path: Path) -> None:
    if not _docker_ready():
        pytest.skip("no container runtime (docker with a running daemon and compose)")
    # Docker reads the env files: a copy of the layout with the templates filled in as-is.
    shutil.copyfile(ROOT / "compose.yaml", tmp_path / "compose.yaml")
    shutil.copytree(DEPLOY, tmp_path / "deploy")
    for example in DEPLOY.glob("*.env.example"):
        shutil.copyfile(example, tmp_path / "deploy" / example.name.removesuffix(".example"))
    checked = subprocess.run(["docker", "compose", "config", "--quiet"], cwd=tmp_path,
                             capture_output=True, text=True, timeout=120, check=False)
    assert checked.returncode == 0, checked.stderr
    built = subprocess.run(["docker", "build", "-q", "-t", "smartcity-workflow:test", str(ROOT)],
                           capture_output=True, text=True, timeout=1800, check=False)
    assert built.returncode == 0, built.stderr
    ran = subprocess.run(["docker", "run", "--rm", "smartcity-workflow:test", "--help"],
                         capture_output=True, text=True, timeout=120, check=False)
    assert ran.returncode == 0 and "serve" in ran.stdout, ran.stderr
