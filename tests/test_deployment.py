"""The deployment artefacts stay consistent with the app: compose services and `check --deploy`."""

import gc
import os
import runpy
import secrets
import string
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent
APP_SERVICES = ("web", "worker", "beat")
SHARED_ENV = ("DATABASE_URL", "REDIS_URL", "EMAIL_HOST")


@pytest.fixture(scope="module")
def compose():
    with open(ROOT / "docker-compose.yml") as fh:
        return yaml.safe_load(fh)


def command_of(service):
    command = service.get("command", "")
    return " ".join(command) if isinstance(command, list) else command


def environment_of(service):
    env = service.get("environment", {})
    if isinstance(env, list):  # the ["KEY=value", ...] form
        env = dict(item.split("=", 1) for item in env)
    return env


def test_compose_has_every_service(compose):
    assert set(compose["services"]) >= {"web", "worker", "beat", "db", "redis", "mail"}


def test_compose_commands(compose):
    services = compose["services"]
    assert "gunicorn -c gunicorn.conf.py calibration.wsgi" in command_of(services["web"])
    assert "manage.py migrate" in command_of(services["web"])
    assert "celery -A calibration worker" in command_of(services["worker"])
    assert "celery -A calibration beat" in command_of(services["beat"])
    # Beat must never be embedded in (and so multiplied with) the workers.
    assert " -B" not in command_of(services["worker"])
    assert services["beat"].get("deploy", {}).get("replicas", 1) == 1


def test_app_services_share_environment(compose):
    envs = [environment_of(compose["services"][name]) for name in APP_SERVICES]
    for key in SHARED_ENV:
        values = {env.get(key) for env in envs}
        assert len(values) == 1 and None not in values, f"{key} differs: {values}"
    assert envs[0]["DEBUG"] in {"0", 0}


def test_check_deploy_is_clean():
    alphabet = string.ascii_letters + string.digits + "!@#%^&*(-_=+)"
    env = {
        key: value
        for key, value in os.environ.items()
        # A deployment has none of the test run's switches (browser tests set the async one).
        if key not in {"CALIBRATE_TESTING", "DJANGO_ALLOW_ASYNC_UNSAFE"}
        and not key.startswith(("SECURE_", "SESSION_", "CSRF_"))
    }
    env.update(
        DEBUG="0",
        SECRET_KEY="".join(secrets.choice(alphabet) for _ in range(50)),
        ALLOWED_HOSTS="calibrate.example.com",
    )
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    assert "no issues" in output, output


def test_every_gunicorn_start_uses_the_shared_config(compose):
    assert "gunicorn -c gunicorn.conf.py" in command_of(compose["services"]["web"])
    assert '"gunicorn", "-c", "gunicorn.conf.py"' in (ROOT / "Dockerfile").read_text()
    assert '"gunicorn.conf.py"' in (ROOT / "benchmarks" / "pages.py").read_text()


def test_each_worker_freezes_the_garbage_collector_after_start_up():
    config = runpy.run_path(str(ROOT / "gunicorn.conf.py"))
    gc.unfreeze()
    try:
        config["post_worker_init"](worker=None)
        assert gc.get_freeze_count() > 0
    finally:
        gc.unfreeze()
