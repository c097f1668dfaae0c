"""`make run` starts a working school, serves the login page in French, and stops cleanly on Ctrl-C."""

import os
import signal
import subprocess
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from tests.fixtures.processes import free_port

ROOT = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.slow


def _wait_for(predicate, timeout: float, what: str):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.5)
    raise AssertionError(f"attendu : {what}")


def _process_group_alive(pgid: int) -> bool:
    try:
        os.killpg(pgid, 0)
    except ProcessLookupError:
        return False
    return True


def test_make_run_serves_the_login_page_and_stops_on_ctrl_c(tmp_path):
    port = free_port()
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "CELERY_BROKER_URL")}
    env.update(PORT=str(port), SCONET_VAR_DIR=str(tmp_path / "var"))
    env.pop("PYTEST_XDIST_WORKER", None)
    log = tmp_path / "make-run.log"
    with log.open("wb") as out:
        make = subprocess.Popen(
            ["make", "--no-print-directory", "run"],
            cwd=ROOT,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    try:
        _wait_for(lambda: "sconet est prêt" in log.read_text(), 180, "le message de démarrage")
        output = log.read_text()
        assert f"http://127.0.0.1:{port}" in output
        assert "habilitee" in output
        assert "viescolaire" in output

        def login_page():
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/connexion/", timeout=5) as response:
                    return response.read().decode()
            except OSError:
                return ""

        _wait_for(lambda: "Connexion" in login_page(), 120, "la page de connexion")
        html = login_page()
        assert '<html lang="fr">' in html
        assert "Mot de passe" in html
        _wait_for(lambda: "ready." in log.read_text(), 120, "le worker Celery prêt")
        _wait_for(lambda: "beat: Starting" in log.read_text(), 120, "beat démarré")
        assert (tmp_path / "var" / "sconet.sqlite3").is_file()

        os.killpg(make.pid, signal.SIGINT)  # Ctrl-C reaches the whole foreground group
        make.wait(timeout=90)
        _wait_for(lambda: not _process_group_alive(make.pid), 30, "tous les processus arrêtés")
        with pytest.raises(urllib.error.URLError):
            urllib.request.urlopen(f"http://127.0.0.1:{port}/connexion/", timeout=2)
        assert "Arrêt de sconet" in log.read_text()
        assert "exited with 'signal" not in log.read_text()  # the worker stopped its pool itself
    finally:
        if _process_group_alive(make.pid):
            os.killpg(make.pid, signal.SIGKILL)
