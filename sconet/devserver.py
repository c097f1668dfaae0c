"""``make run``: a working school on one machine, with nothing to install.

Migrates, creates the demo when the database is empty, then runs the web server, one Celery worker
and one beat side by side, on SQLite and the embedded broker unless DATABASE_URL and
CELERY_BROKER_URL say otherwise. Ctrl-C stops every process it started; the data stays in var/.
"""

import contextlib
import os
import signal
import subprocess
import sys
import time

STOP_GRACE_SECONDS = 10


def _manage(*args: str) -> list[str]:
    return [sys.executable, "manage.py", *args]


def _celery(*args: str) -> list[str]:
    return [sys.executable, "-m", "celery", "-A", "sconet", *args]


def _stop(processes: dict[str, subprocess.Popen]) -> None:
    # SIGTERM to each main process, which stops its own children (Celery's pool) cleanly; the whole
    # process group is killed only if it does not stop in time.
    for process in processes.values():
        if process.poll() is None:
            process.terminate()
    deadline = time.monotonic() + STOP_GRACE_SECONDS
    for process in processes.values():
        try:
            process.wait(timeout=max(0.1, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)  # whatever the group still holds


def main() -> int:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sconet.settings")
    import django
    from django.conf import settings

    django.setup()
    settings.VAR_DIR.mkdir(parents=True, exist_ok=True)
    port = os.environ.get("PORT", "8000")

    subprocess.run(_manage("migrate", "--noinput", "-v", "0"), check=True)
    subprocess.run(_manage("load_demo"), check=True)

    commands = {
        "web": _manage("runserver", f"127.0.0.1:{port}", "--noreload"),
        "worker": _celery("worker", "--loglevel", "INFO", "--concurrency", "2", "--hostname", "sconet@%h"),
        "beat": _celery("beat", "--loglevel", "INFO"),
    }
    processes = {name: subprocess.Popen(cmd, start_new_session=True) for name, cmd in commands.items()}

    def on_signal(signum, frame):
        raise KeyboardInterrupt

    # Ctrl-C and SIGTERM stop everything, even when the shell that started us ignored SIGINT (a
    # background job, some CI runners): Python would then leave it ignored.
    signal.signal(signal.SIGINT, on_signal)
    signal.signal(signal.SIGTERM, on_signal)
    broker = (
        f"broker embarqué ({settings.VAR_DIR / 'broker'})"
        if settings.EMBEDDED_BROKER
        else settings.CELERY_BROKER_URL.split("@")[-1]
    )
    print(
        f"\nsconet est prêt : http://127.0.0.1:{port}\n"
        f"Base : {settings.DATABASES['default']['ENGINE'].rsplit('.', 1)[-1]}, Celery : {broker}\n"
        "Ctrl-C pour tout arrêter.\n",
        flush=True,
    )
    try:
        while True:
            for name, process in processes.items():
                if process.poll() is not None:
                    print(
                        f"Le processus « {name} » s'est arrêté (code {process.returncode}) : arrêt.",
                        flush=True,
                    )
                    return 1
            time.sleep(0.5)
    except KeyboardInterrupt:
        print("\nArrêt de sconet…", flush=True)
        return 0
    finally:
        _stop(processes)


if __name__ == "__main__":
    sys.exit(main())
