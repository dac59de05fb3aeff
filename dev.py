#!/usr/bin/env python3
"""Developer entry point; needs nothing but Python 3.11+.

python3 dev.py run [--port N]     # venv + deps, migrate, demo data, worker+beat, runserver
python3 dev.py test [pytest args] # venv + deps, then pytest (browser tests need Chromium)
python3 dev.py install            # venv + deps only (used by .ci/run)
"""

import hashlib
import os
import shutil
import signal
import subprocess
import sys
import tomllib
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
BIN = VENV / ("Scripts" if os.name == "nt" else "bin")
PYTHON = BIN / "python"
STAMP = VENV / ".calibrate-deps"
DEFAULT_CHROMIUM = "/usr/bin/chromium"


def say(message):
    print(f"[dev] {message}", flush=True)


def install():
    """Create .venv if missing and install pyproject's dependencies (not the project itself)."""
    pyproject = (ROOT / "pyproject.toml").read_bytes()
    digest = hashlib.sha256(pyproject).hexdigest()
    if not PYTHON.exists():
        say("creating .venv")
        venv.EnvBuilder(with_pip=True).create(VENV)
    if STAMP.exists() and STAMP.read_text().strip() == digest:
        return
    project = tomllib.loads(pyproject.decode())["project"]
    requirements = project["dependencies"] + project.get("optional-dependencies", {}).get("dev", [])
    say(f"installing {len(requirements)} dependencies into .venv")
    subprocess.run(
        [PYTHON, "-m", "pip", "install", "--disable-pip-version-check", "-q", *requirements],
        check=True,
    )
    STAMP.write_text(digest + "\n")


def manage(*args, env=None):
    subprocess.run([PYTHON, ROOT / "manage.py", *args], check=True, cwd=ROOT, env=env)


def stop(process):
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def run(args):
    port = port_from(args)
    env = os.environ.copy()
    env.setdefault("DEBUG", "1")
    # Links in mail point at this server unless SITE_URL says otherwise.
    env.setdefault("SITE_URL", f"http://127.0.0.1:{port}")
    manage("migrate", "--noinput", env=env)
    manage("demo", env=env)
    # A plain `kill` behaves like Ctrl-C: unwind through `finally` and stop both children.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    say("starting Celery worker with embedded beat")
    var = Path(env.get("CALIBRATE_VAR_DIR", ROOT / "var"))
    schedule = var / "celerybeat-schedule"
    celery = [
        BIN / "celery",
        "-A",
        "calibration",
        "worker",
        "-B",
        "-s",
        schedule,
        "--pool=solo",
        "--loglevel=INFO",
    ]
    worker = subprocess.Popen(celery, cwd=ROOT, env=env)
    server = None
    try:
        mail = f"SMTP {env['EMAIL_HOST']}" if env.get("EMAIL_HOST") else var / "mail"
        say(f"mail is written to {mail}")
        say(f"open http://127.0.0.1:{port}/  (Ctrl-C stops the server and the worker)")
        runserver = [PYTHON, ROOT / "manage.py", "runserver", f"127.0.0.1:{port}"]
        server = subprocess.Popen(runserver, cwd=ROOT, env=env)
        return server.wait()
    except KeyboardInterrupt:
        return 0
    finally:
        for process in (server, worker):
            if process is not None:
                stop(process)


def port_from(args):
    """`--port N` (or `--port=N`); 8000 by default."""
    for n, arg in enumerate(args):
        if arg == "--port" and n + 1 < len(args):
            return int(args[n + 1])
        if arg.startswith("--port="):
            return int(arg.split("=", 1)[1])
    return 8000


def test(pytest_args):
    env = os.environ.copy()
    env["CALIBRATE_TESTING"] = "1"
    chromium = env.get("CHROMIUM", DEFAULT_CHROMIUM)
    args = list(pytest_args)
    skipped = []  # said again at the end, after minutes of output
    if not (Path(chromium).is_file() or shutil.which(chromium)):
        if env.get("CALIBRATE_REQUIRE_BROWSER") == "1":
            say(f"Chromium not found at {chromium} and CALIBRATE_REQUIRE_BROWSER=1: failing")
            return 1
        skipped.append(
            f"browser tests were SKIPPED: Chromium not found at {chromium} "
            "(install Debian's chromium, or set CHROMIUM)"
        )
        args = ["-m", "not browser", *args]
    else:
        env["CHROMIUM"] = chromium
        say(f"browser tests use {chromium}")
    if not env.get("REDIS_URL"):
        skipped.append(
            "the integration tests with a real Celery worker were SKIPPED: REDIS_URL is not set"
        )
    for note in skipped:
        say(note)
    for name in ("DATABASE_URL", "REDIS_URL"):
        say(f"{name}={env.get(name) or '(unset: embedded default)'}")
    status = subprocess.run([PYTHON, "-m", "pytest", *args], cwd=ROOT, env=env).returncode
    for note in skipped:
        say(note)
    return status


def main(argv):
    command, rest = (argv[0], argv[1:]) if argv else ("", [])
    if command not in {"run", "test", "install"}:
        print(__doc__.strip())
        return 2
    install()
    if command == "run":
        return run(rest)
    if command == "test":
        return test(rest)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
