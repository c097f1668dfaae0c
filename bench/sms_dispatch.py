"""10,000 waiting SMS dispatched through the Pluriware adapter to the loopback server by one real
Celery worker, against the floor: the same requests posted by a bare loop with `requests`.

Prints:
- end to end: from "Diffuser les SMS sélectionnés" to the last SMS en transit, SMS and requests per second,
  and the worker's share of it (from its first claim to its last answer recorded);
- the floor: the same 100-message requests posted by a bare loop, the median of a few runs (and, to
  show what batching buys, the same 10,000 SMS posted one per request);
- their ratios (aims: end to end at least half the floor's rate per request; the batched run faster
  than the one-per-request floor);
- one status poll over the 10,000 SMS en transit: its time and the SQL queries it runs;
- the CPU the whole machine spent during the floor and during the end-to-end run (database, worker,
  loopback server and this script share the same cores).

It works on a database of its own (created and dropped, like the tests'), on the configured
DATABASE_URL / CELERY_BROKER_URL (SQLite and the embedded broker when unset). The loopback server
runs in a process of its own, so that neither the bench's loop nor the worker shares its interpreter.
"""

import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sconet.settings")
# As in production: DEBUG off, so that neither this process nor the worker logs every query.
os.environ.setdefault("DEBUG", "off")

from tests.loopback import PluriwareServer  # noqa: E402 (after the path is set)
from tests.loopback.process import LoopbackProcess  # noqa: E402

COUNT = 10_000
TEXT = (
    "Collège Victor Hugo : votre enfant ELEVE a été absent le 15/02/2008 de 08:30 à 12:00. "
    "Merci de justifier cette absence."
)
DISPATCH_TIMEOUT_SECONDS = 900
FLOOR_RUNS = 5


def busy_cpu_seconds() -> float:
    """The whole machine's busy CPU time since boot (Linux; NaN elsewhere): its growth over a run,
    divided by the run's duration, says how many cores the run kept busy."""
    try:
        fields = [int(x) for x in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:8]]
    except OSError:
        return float("nan")
    user, nice, system, _idle, _iowait, irq, softirq = fields
    return (user + nice + system + irq + softirq) / os.sysconf("SC_CLK_TCK")


def cpu_by_process(worker_group: int, server_pid: int) -> dict[str, float]:
    """The CPU time (user and system, with that of children already gone) spent so far by each side
    of the end-to-end run (Linux; empty elsewhere): every PostgreSQL process (a closed connection's
    backend counts in its parent's children time), the worker's process group, the loopback server
    and this script (which clicks Diffuser)."""
    sides = dict.fromkeys(("PostgreSQL", "worker", "loopback server", "this script (Diffuser)"), 0.0)
    tick = os.sysconf("SC_CLK_TCK")
    for entry in Path("/proc").glob("[0-9]*"):
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue  # gone meanwhile
        name, fields = stat[stat.index("(") + 1 : stat.rindex(")")], stat[stat.rindex(")") + 2 :].split()
        pid, group, seconds = int(entry.name), int(fields[2]), sum(map(int, fields[11:15])) / tick
        if name == "postgres":
            sides["PostgreSQL"] += seconds
        elif group == worker_group:
            sides["worker"] += seconds
        elif pid == server_pid:
            sides["loopback server"] += seconds
        elif pid == os.getpid():
            sides["this script (Diffuser)"] += seconds
    return sides


def _messages(first: int, count: int):
    from sms.providers.base import OutgoingMessage

    return [
        OutgoingMessage(f"floor-{n}", f"+336{20000000 + n:08d}", TEXT, "0472000000", "0")
        for n in range(first, first + count)
    ]


def floor(server: LoopbackProcess, batch_size: int) -> tuple[float, int, float]:
    """The same requests the adapter makes (built beforehand), posted by a bare `requests` loop."""
    import requests

    from sms.providers.base import Credentials
    from sms.providers.pluriware import PluriwareProvider

    builder = PluriwareProvider(Credentials("CLE-TEST", "mot-de-passe"), base_url=server.url)
    calls = [builder.build_send(_messages(first, batch_size)) for first in range(0, COUNT, batch_size)]
    session = requests.Session()
    started, cpu = time.perf_counter(), busy_cpu_seconds()
    for call in calls:
        session.post(call.url, files=call.files, timeout=(5, 30)).raise_for_status()
    return time.perf_counter() - started, len(calls), busy_cpu_seconds() - cpu


def adapter_alone(server: LoopbackProcess) -> float:
    """The adapter's own share: send_batch (build, post, parse) for the same batches, no database."""
    from sms.providers.base import Credentials, SendOutcome
    from sms.providers.pluriware import PluriwareProvider

    provider = PluriwareProvider(Credentials("CLE-TEST", "mot-de-passe"), base_url=server.url)
    batches = [_messages(first, 100) for first in range(0, COUNT, 100)]
    started = time.perf_counter()
    for batch in batches:
        results = provider.send_batch(batch)
        assert all(result.outcome == SendOutcome.ACCEPTED for result in results)
    return time.perf_counter() - started


def end_to_end(server: LoopbackProcess) -> tuple[float, float, float, float, dict[str, float], object]:
    from django.db import transaction
    from django.db.models import Max, Min

    from eleves.models import Responsable
    from sconet.celery import app as celery_app
    from sms.models import OutboundSms, SmsState
    from sms.services import provider_settings_update, sms_release
    from tests import factories
    from tests.fixtures.celery_worker import WorkerProcess, _purge

    etablissement = factories.EtablissementFactory(uai="0699990J", nom="Collège Victor Hugo")
    user = factories.vie_scolaire(etablissement, username="bench")
    provider_settings_update(
        etablissement=etablissement,
        user=user,
        provider_code="pluriware",
        login="CLE-TEST",
        password="mot-de-passe",
        option1="",
        option2="",
    )
    _queue_waiting_sms(etablissement, COUNT)
    _settle(OutboundSms, Responsable)
    waiting_ids = list(OutboundSms.objects.filter(state=SmsState.QUEUED).values_list("pk", flat=True))

    queue = f"sconet-bench-{os.getpid()}"
    celery_app.conf.task_default_queue = queue
    _purge(queue)
    log_path = Path(os.environ.get("SCONET_VAR_DIR", ROOT / "var")) / "bench-worker.log"
    log_path.parent.mkdir(parents=True, exist_ok=True)
    log_path.unlink(missing_ok=True)
    worker = WorkerProcess(queue, log_path, extra_env={"SCONET_PLURIWARE_URL": server.url}).start()
    requests_before = server.ask("requests")
    try:
        by_process = cpu_by_process(worker.process.pid, server.process.pid)
        started, cpu = time.perf_counter(), busy_cpu_seconds()
        with transaction.atomic():
            sms_release(etablissement=etablissement, user=user, ids=waiting_ids)
        released = time.perf_counter() - started
        deadline = time.monotonic() + DISPATCH_TIMEOUT_SECONDS
        # The server's count of requests first (it costs the database and the server nothing), then
        # the outbox itself.
        while server.ask("requests") - requests_before < COUNT // 100 or (
            OutboundSms.objects.filter(state=SmsState.SUBMITTED).count() < COUNT
        ):
            if time.monotonic() > deadline:
                raise SystemExit(f"Dispatch unfinished after {DISPATCH_TIMEOUT_SECONDS}s; see {log_path}")
            time.sleep(0.02)
        elapsed, cpu = time.perf_counter() - started, busy_cpu_seconds() - cpu
        after = cpu_by_process(worker.process.pid, server.process.pid)
        by_process = {side: after[side] - seconds for side, seconds in by_process.items()}
    finally:
        worker.stop()
    window = OutboundSms.objects.aggregate(first_claim=Min("claimed_at"), last_answer=Max("submitted_at"))
    worker_share = (window["last_answer"] - window["first_claim"]).total_seconds()
    return elapsed, released, worker_share, cpu, by_process, etablissement


def _settle(*models) -> None:
    """PostgreSQL: what autovacuum does to freshly filled tables in a live database (it may be off
    where the bench runs): the visibility map, the hint bits and the planner's statistics."""
    from django.db import connection

    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        for model in models:
            cursor.execute(f'VACUUM ANALYZE "{model._meta.db_table}"')


def _queue_waiting_sms(etablissement, count: int) -> None:
    """The starting state: `count` SMS en attente de diffusion (as sms_enqueue leaves them), each to a
    responsable who accepts SMS (the worker asks again at dispatch)."""
    from django.utils import timezone

    from eleves.models import Responsable
    from sms.encoding import analyse
    from sms.models import OutboundSms, SmsState

    phones = [f"+336{10000000 + i:08d}" for i in range(count)]
    responsables = Responsable.objects.bulk_create(
        (
            Responsable(
                etablissement=etablissement,
                nom=f"PARENT{i:05d}",
                prenom="Anne",
                tel_mobile=phone,
                accepte_sms=True,
            )
            for i, phone in enumerate(phones)
        ),
        batch_size=1000,
    )
    now, analysis = timezone.now(), analyse(TEXT)
    OutboundSms.objects.bulk_create(
        (
            OutboundSms(
                etablissement=etablissement,
                dedup_key=f"bench:{i}",
                event_key=f"bench:{i}",
                responsable=responsable,
                phone=responsable.tel_mobile,
                recipient_label="Légal 1 - Financier",
                eleve_label=f"ELEVE{i:05d} Pauline",
                division_label="5A",
                event_label="Absence du 15/02/08 08:30 au 15/02/08 12:00",
                action_label="Envoi de SMS",
                text=TEXT,
                sender="0472000000",
                service_code="0",
                encoding=analysis.encoding,
                parts=analysis.parts,
                state=SmsState.QUEUED,
                state_changed_at=now,
            )
            for i, responsable in enumerate(responsables)
        ),
        batch_size=1000,
    )


def status_poll(server: LoopbackProcess, etablissement) -> tuple[float, int, int, int]:
    from django.conf import settings
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from sms.services import sms_poll_statuses

    settings.SCONET_PLURIWARE_URL = server.url
    server.ask("deliver_all")
    requests_before, _ = server.ask("count")
    with CaptureQueriesContext(connection) as queries:
        started = time.perf_counter()
        changed = sms_poll_statuses(etablissement_id=etablissement.pk)
        elapsed = time.perf_counter() - started
    requests_after, _ = server.ask("count")
    return elapsed, len(queries), changed, requests_after - requests_before


def main() -> None:
    import django

    django.setup()
    from django.db import connection
    from django.test.utils import setup_databases, teardown_databases

    test_settings = connection.settings_dict.setdefault("TEST", {})
    if connection.vendor == "sqlite":
        test_settings["NAME"] = str(Path(test_settings["NAME"]).with_name("bench.sqlite3"))
    else:
        test_settings["NAME"] = f"bench_{connection.settings_dict['NAME']}"
    databases = setup_databases(verbosity=0, interactive=False)
    server = LoopbackProcess(PluriwareServer)
    try:
        # The floor is the median of a few runs: on a shared machine one run may be 30 % off.
        floors = sorted(floor(server, batch_size=100) for _ in range(FLOOR_RUNS))
        batched_floor, floor_requests, floor_cpu = floors[len(floors) // 2]
        single_floor, single_requests, _ = floor(server, batch_size=1)
        adapter = adapter_alone(server)
        requests_before, messages_before = server.ask("count")
        e2e, release, worker_share, e2e_cpu, e2e_by_process, etablissement = end_to_end(server)
        requests_after, messages_after = server.ask("count")
        e2e_requests, e2e_messages = requests_after - requests_before, messages_after - messages_before
        poll_time, poll_queries, poll_changed, poll_requests = status_poll(server, etablissement)
    finally:
        server.stop()
        connection.close()
        teardown_databases(databases, verbosity=0)

    broker = os.environ.get("CELERY_BROKER_URL", "filesystem (embedded)")
    print(f"database: {connection.vendor}, broker: {broker}")
    print(
        f"end to end: {COUNT} SMS in {e2e:.2f} s = {COUNT / e2e:.0f} SMS/s, "
        f"{e2e_requests} requests = {e2e_requests / e2e:.1f} requests/s "
        f"(the server received {e2e_messages} SMS), of which the release itself (Diffuser) {release:.2f} s"
    )
    print(
        f"the worker's share (first claim to last answer recorded): {worker_share:.2f} s = "
        f"{e2e_requests / worker_share:.1f} requests/s"
    )
    print(
        f"floor, same 100-SMS requests by a bare requests loop: {batched_floor:.2f} s = "
        f"{COUNT / batched_floor:.0f} SMS/s, {floor_requests / batched_floor:.1f} requests/s "
        f"(median of {FLOOR_RUNS} runs, from {floors[0][0]:.2f} s to {floors[-1][0]:.2f} s)"
    )
    print(
        f"floor, one SMS per request: {single_floor:.2f} s = {COUNT / single_floor:.0f} SMS/s, "
        f"{single_requests / single_floor:.1f} requests/s"
    )
    print(
        f"the adapter alone (send_batch, no database), same 100-SMS requests: {adapter:.2f} s = "
        f"{(COUNT // 100) / adapter:.1f} requests/s, {adapter / batched_floor:.2f} times the floor"
    )
    print(
        f"CPU the whole machine spent ({os.cpu_count()} cores): "
        f"floor {floor_cpu:.2f} s in {batched_floor:.2f} s "
        f"({floor_cpu / batched_floor:.1f} cores busy), end to end {e2e_cpu:.2f} s in {e2e:.2f} s "
        f"({e2e_cpu / e2e:.1f} cores busy)"
    )
    print(
        "CPU of each side during the end-to-end run: "
        + ", ".join(f"{side} {seconds:.2f} s" for side, seconds in e2e_by_process.items())
    )
    per_request_ratio = (e2e_requests / e2e) / (floor_requests / batched_floor)
    print(
        f"ratio end to end / floor per request: {per_request_ratio:.2f} (aim >= 0.50: "
        f"{'met' if per_request_ratio >= 0.5 else 'MISSED'})"
    )
    print(
        f"ratio of the worker's share alone / floor per request: "
        f"{(e2e_requests / worker_share) / (floor_requests / batched_floor):.2f}"
    )
    print(
        f"whole run end to end / one-per-request floor: {e2e:.2f} s / {single_floor:.2f} s = "
        f"{e2e / single_floor:.2f} (aim < 1: {'met' if e2e < single_floor else 'MISSED'})"
    )
    print(
        f"status poll over {COUNT} SMS en transit: {poll_time:.2f} s, {poll_queries} SQL queries, "
        f"{poll_requests} provider requests, {poll_changed} SMS now délivré"
    )


if __name__ == "__main__":
    main()
