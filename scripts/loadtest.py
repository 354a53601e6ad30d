#!/usr/bin/env python
"""A bounded load test on loopback: gunicorn (2 workers) on 127.0.0.1, a scratch PostgreSQL
database seeded with ``manage.py seed_demo``, and a fixed-duration mixed workload of token-
authenticated API reads and writes from Python threads (standard library only).

Afterwards every acknowledged write is checked against the database: each 201 record is
stored, the rows created equal the 201s, and each child's version moved by exactly its
acknowledged edits. Exit status 1 on any 5xx, transport error, unexpected status or lost
write.

    scripts/loadtest.sh --duration 30 --clients 8

The seeded database is kept as a template (``<name>_tpl_sec``) and reused while the
migrations, the seed command and the demo fixture are unchanged (--fresh re-seeds), so a
run costs its duration plus a few seconds. When the template must be made and
LOADTEST_SEEDED names a database this checkout has migrated and seeded with ``seed_demo
--children N`` already (CI's SSDA903 database), the template is a copy of it instead. Celery runs embedded (tasks execute in the
request after commit), as in a deployment without a broker."""

import argparse
import hashlib
import http.client
import json
import os
import random
import re
import signal
import socket
import subprocess
import sys
import threading
import time
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from urllib.parse import urlsplit

import psycopg2

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
SETTINGS = "tests.load.settings"
LOOPBACK = {"127.0.0.1", "localhost", "::1"}

# Operation, weight, who, expected statuses.
OPERATIONS = [
    ("children_list", 15, "sw", {200}),
    ("child_detail", 20, "sw", {200}),
    ("assessments_list", 15, "nurse", {200}),
    ("health_summary", 20, "nurse", {200}),
    ("patch_child", 10, "sw", {200, 409}),
    ("post_dental_check", 10, "nurse", {201}),
    ("post_sdq_record", 10, "sw", {201}),
]
WRITES = {"patch_child", "post_dental_check", "post_sdq_record"}


# A request still waiting this long fails in transport (and the run with it); it also bounds
# the load phase to its duration plus this.
REQUEST_TIMEOUT = 10.0


def log(message: str) -> None:
    print(f"[loadtest] {message}", flush=True)


# The scratch database ---------------------------------------------------------------------


def fingerprint(children: int) -> str:
    digest = hashlib.sha256(f"children={children}".encode())
    sources = [
        *sorted(ROOT.glob("apps/*/migrations/*.py")),
        *sorted(ROOT.glob("apps/devtools/demo/*.py")),
        ROOT / "apps/devtools/management/commands/seed_demo.py",
        ROOT / "fixtures/demo_organisations.json",
    ]
    for path in sources:
        digest.update(path.name.encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:32]


def admin_connection(server: str):
    parts = urlsplit(server)
    connection = psycopg2.connect(
        dbname="postgres",
        user=parts.username or "postgres",
        password=parts.password,
        host=parts.hostname,
        port=parts.port or 5432,
        connect_timeout=5,
    )
    connection.autocommit = True
    return connection


def database_url(server: str, name: str) -> str:
    return f"{server.rstrip('/')}/{name}"


def manage(server: str, name: str, *args: str, quiet: bool = True) -> str:
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": SETTINGS,
        "DATABASE_URL": database_url(server, name),
    }
    env.pop("CELERY_BROKER_URL", None)
    result = subprocess.run(
        [PYTHON, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True
    )
    if result.returncode != 0:
        raise SystemExit(
            f"manage.py {' '.join(args)} failed:\n{result.stdout[-2000:]}{result.stderr[-3000:]}"
        )
    return result.stdout


def seeded_children(server: str, name: str) -> int | None:
    """How many children the database ``name`` holds (None when it is not there)."""
    parts = urlsplit(server)
    try:
        connection = psycopg2.connect(
            dbname=name,
            user=parts.username or "postgres",
            password=parts.password,
            host=parts.hostname,
            port=parts.port or 5432,
            connect_timeout=5,
        )
    except psycopg2.OperationalError:
        return None
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT count(*) FROM children_child")
            return cursor.fetchone()[0]
    except psycopg2.Error:
        return None
    finally:
        connection.close()  # before the copy: a template must have no connections


def prepare_database(server: str, name: str, children: int, fresh: bool) -> float:
    template = f"{name[: -len('_sec')]}_tpl_sec"
    wanted = fingerprint(children)
    started = time.monotonic()
    admin = admin_connection(server)
    with admin.cursor() as cursor:
        cursor.execute(
            "SELECT shobj_description(oid, 'pg_database') FROM pg_database WHERE datname = %s",
            [template],
        )
        row = cursor.fetchone()
        if fresh or row is None or row[0] != wanted:
            cursor.execute(f'DROP DATABASE IF EXISTS "{template}"')
            seeded = os.environ.get("LOADTEST_SEEDED", "")
            if seeded and seeded_children(server, seeded) == children:
                log(f"template {template}: a copy of {seeded}, seeded with {children} children")
                cursor.execute(f'CREATE DATABASE "{template}" TEMPLATE "{seeded}"')
            else:
                log(f"seeding template {template} with {children} children (once per code change)")
                cursor.execute(f'CREATE DATABASE "{template}"')
                manage(server, template, "migrate", "--noinput", "-v0")
                manage(server, template, "seed_demo", "--children", str(children))
            cursor.execute(f'COMMENT ON DATABASE "{template}" IS %s', [wanted])
        cursor.execute(f'DROP DATABASE IF EXISTS "{name}"')
        cursor.execute(f'CREATE DATABASE "{name}" TEMPLATE "{template}"')
    admin.close()
    return time.monotonic() - started


def drop_database(server: str, name: str) -> None:
    admin = admin_connection(server)
    with admin.cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{name}"')
    admin.close()


def token_for(server: str, name: str, username: str) -> str:
    output = manage(
        server,
        name,
        "issue_api_token",
        username,
        "--name",
        "load test",
        "--scope",
        "write",
        "--days",
        "1",
    )
    match = re.search(r"^(lac_[\w-]+)\s", output, re.M)
    if not match:
        raise SystemExit(f"no token in: {output}")
    return match.group(1)


# The server -------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def start_gunicorn(server: str, name: str, port: int, workers: int, log_path: Path):
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": SETTINGS,
        "DATABASE_URL": database_url(server, name),
        "ALLOWED_HOSTS": "127.0.0.1",
    }
    env.pop("CELERY_BROKER_URL", None)
    gunicorn = Path(PYTHON).with_name("gunicorn")
    command = [str(gunicorn)] if gunicorn.exists() else [PYTHON, "-m", "gunicorn"]
    output = log_path.open("w")
    process = subprocess.Popen(
        [
            *command,
            "config.wsgi:application",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            str(workers),
            "--timeout",
            "60",
            "--graceful-timeout",
            "5",
        ],
        cwd=ROOT,
        env=env,
        stdout=output,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit(f"gunicorn exited:\n{log_path.read_text()[-3000:]}")
        try:
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            connection.request("GET", "/healthz")
            if connection.getresponse().status == 200:
                return process
        except OSError:
            pass
        time.sleep(0.2)
    stop(process)
    raise SystemExit(f"gunicorn did not answer /healthz in 60 s:\n{log_path.read_text()[-3000:]}")


def stop(process) -> None:
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=10)


# The workload -----------------------------------------------------------------------------


class Api:
    """One keep-alive-capable connection per client thread."""

    def __init__(self, port: int, token: str):
        self.connection = http.client.HTTPConnection("127.0.0.1", port, timeout=REQUEST_TIMEOUT)
        self.headers = {"Authorization": f"Token {token}", "Accept": "application/json"}

    def call(self, method: str, path: str, body: dict | None = None):
        headers = dict(self.headers)
        payload = None
        if body is not None:
            payload = json.dumps(body)
            headers["Content-Type"] = "application/json"
        try:
            self.connection.request(method, path, payload, headers)
            response = self.connection.getresponse()
            data = response.read()
        except (OSError, http.client.HTTPException):
            self.connection.close()
            raise
        if response.getheader("Connection", "").lower() == "close":
            self.connection.close()
        return response.status, data


@dataclass
class Child:
    id: int
    date_of_birth: date
    version: int


@dataclass
class World:
    sw_children: list[Child]
    nurse_children: list[Child]
    dental_children: list[Child]  # the nurse's with a request to her provider (may record)
    lock: threading.Lock = field(default_factory=threading.Lock)
    dental_taken: set = field(default_factory=set)  # (child id, day) already recorded
    dental_back: dict = field(default_factory=lambda: defaultdict(int))
    counter: int = 0

    def next_dental_day(self, child: Child) -> date | None:
        """A (child, day) pair not used before: one dental check per child per day."""
        with self.lock:
            while True:
                self.dental_back[child.id] += 1
                day = date.today() - timedelta(days=self.dental_back[child.id])
                if day < child.date_of_birth:
                    return None
                if (child.id, day) not in self.dental_taken:
                    self.dental_taken.add((child.id, day))
                    return day

    def next_number(self) -> int:
        with self.lock:
            self.counter += 1
            return self.counter


@dataclass
class Result:
    operation: str
    status: int  # 0: transport error
    seconds: float
    detail: dict | None = None


def list_children(port: int, token: str) -> list[Child]:
    api = Api(port, token)
    children, page = [], 1
    while True:
        status, data = api.call("GET", f"/api/v1/children/?page={page}")
        if status != 200:
            raise SystemExit(f"children list page {page}: {status} {data[:300]!r}")
        body = json.loads(data)
        children += [
            Child(row["id"], date.fromisoformat(row["date_of_birth"]), row["version"])
            for row in body["results"]
        ]
        if not body.get("next"):
            return children
        page += 1


def one_operation(name: str, api: Api, world: World, rng: random.Random) -> Result:
    detail = None
    pool = (
        world.sw_children
        if name in {"children_list", "child_detail", "patch_child", "post_sdq_record"}
        else world.nurse_children
    )
    child = rng.choice(pool)
    if name == "children_list":
        request = ("GET", f"/api/v1/children/?page={rng.randint(1, (len(pool) + 49) // 50)}", None)
    elif name == "child_detail":
        request = ("GET", f"/api/v1/children/{child.id}/", None)
    elif name == "assessments_list":
        request = ("GET", f"/api/v1/assessments/?child={child.id}", None)
    elif name == "health_summary":
        request = ("GET", f"/api/v1/children/{child.id}/health-summary/", None)
    elif name == "patch_child":
        with world.lock:
            version = child.version
        first_name = f"Load{world.next_number()}"
        request = (
            "PATCH",
            f"/api/v1/children/{child.id}/",
            {"first_name": first_name, "version": version, "reason": "Name typed wrong"},
        )
    elif name == "post_dental_check":
        child = rng.choice(world.dental_children)
        day = world.next_dental_day(child)
        if day is None:
            return one_operation("health_summary", api, world, rng)
        request = (
            "POST",
            "/api/v1/dental-checks/",
            {"child": child.id, "checked_on": day.isoformat(), "practice": "Load test dental"},
        )
    else:
        day = max(child.date_of_birth, date.today() - timedelta(days=rng.randint(0, 300)))
        request = (
            "POST",
            "/api/v1/sdq-records/",
            {
                "child": child.id,
                "completed_on": day.isoformat(),
                "informant": "CARER",
                "total_score": rng.randint(0, 40),
            },
        )
    started = time.monotonic()
    try:
        status, data = api.call(*request)
    except (OSError, http.client.HTTPException) as error:
        return Result(name, 0, time.monotonic() - started, {"error": repr(error)})
    seconds = time.monotonic() - started
    if name in WRITES and status < 500:
        try:
            body = json.loads(data)
        except ValueError:
            body = {}
        if name == "patch_child":
            with world.lock:
                if status == 200:
                    child.version = max(child.version, body["version"])
                elif status == 409:
                    child.version = max(child.version, body.get("current_version", child.version))
            detail = {
                "child": child.id,
                "version": body.get("version"),
                "first_name": body.get("first_name"),
            }
        elif status == 201:
            detail = {"id": body["id"], "child": child.id}
        else:
            detail = {"child": child.id, "body": body}
    elif status >= 400:
        detail = {"path": request[1], "body": data[:300].decode("utf-8", "replace")}
    return Result(name, status, seconds, detail)


def run_workload(port: int, tokens: dict, world: World, duration: float, clients: int, seed: int):
    results: list[Result] = []
    lock = threading.Lock()
    deadline = time.monotonic() + duration
    names = [name for name, *_ in OPERATIONS]
    weights = [weight for _, weight, *_ in OPERATIONS]
    who = {name: user for name, _, user, _ in OPERATIONS}

    def client(index: int) -> None:
        rng = random.Random(seed + index)
        apis = {user: Api(port, token) for user, token in tokens.items()}
        mine = []
        while time.monotonic() < deadline:
            name = rng.choices(names, weights)[0]
            mine.append(one_operation(name, apis[who[name]], world, rng))
        with lock:
            results.extend(mine)

    threads = [threading.Thread(target=client, args=(i,)) for i in range(clients)]
    started = time.monotonic()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results, time.monotonic() - started


# Checks against the database --------------------------------------------------------------


def requested_from_provider_of(server: str, name: str, username: str) -> set[int]:
    """Children with an assessment requested from this user's provider."""
    connection = psycopg2.connect(database_url(server, name))
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT DISTINCT a.child_id FROM assessments_assessment a "
            "JOIN accounts_user u ON u.organisation_id = a.provider_id WHERE u.username = %s",
            [username],
        )
        ids = {row[0] for row in cursor.fetchall()}
    connection.close()
    return ids


def snapshot(server: str, name: str) -> dict:
    connection = psycopg2.connect(database_url(server, name))
    with connection.cursor() as cursor:
        cursor.execute("SELECT coalesce(max(id), 0) FROM assessments_dentalcheck")
        dental = cursor.fetchone()[0]
        cursor.execute("SELECT coalesce(max(id), 0) FROM assessments_sdqrecord")
        sdq = cursor.fetchone()[0]
        cursor.execute("SELECT id, version, first_name FROM children_child")
        children = {row[0]: (row[1], row[2]) for row in cursor.fetchall()}
        cursor.execute("SELECT child_id, checked_on FROM assessments_dentalcheck")
        dental_days = set(cursor.fetchall())
    connection.close()
    return {"dental": dental, "sdq": sdq, "children": children, "dental_days": dental_days}


def verify(server: str, name: str, before: dict, results: list[Result]) -> list[str]:
    problems = []
    connection = psycopg2.connect(database_url(server, name))
    created = {}
    with connection.cursor() as cursor:
        for operation, table, key in [
            ("post_dental_check", "assessments_dentalcheck", "dental"),
            ("post_sdq_record", "assessments_sdqrecord", "sdq"),
        ]:
            acknowledged = {
                r.detail["id"]: r.detail["child"]
                for r in results
                if r.operation == operation and r.status == 201
            }
            cursor.execute(f"SELECT id, child_id FROM {table} WHERE id > %s", [before[key]])
            stored = dict(cursor.fetchall())
            created[operation] = len(stored)
            missing = {i for i in acknowledged if stored.get(i) != acknowledged[i]}
            unacknowledged = set(stored) - set(acknowledged)
            if missing:
                problems.append(
                    f"{operation}: {len(missing)} acknowledged rows missing: {sorted(missing)[:10]}"
                )
            if unacknowledged:
                problems.append(
                    f"{operation}: {len(unacknowledged)} rows without a 201: {sorted(unacknowledged)[:10]}"
                )
        after = snapshot(server, name)["children"]
    connection.close()
    edits = defaultdict(list)
    for r in results:
        if r.operation == "patch_child" and r.status == 200:
            edits[r.detail["child"]].append(r.detail)
    for child_id, acknowledged in edits.items():
        version_before, _ = before["children"][child_id]
        version_after, name_after = after[child_id]
        if version_after != version_before + len(acknowledged):
            problems.append(
                f"child {child_id}: version {version_before} -> {version_after} "
                f"but {len(acknowledged)} edits were acknowledged"
            )
        last = max(acknowledged, key=lambda d: d["version"])
        if (last["version"], last["first_name"]) != (version_after, name_after):
            problems.append(
                f"child {child_id}: stored {name_after!r} v{version_after}, last acknowledged {last}"
            )
    untouched = [c for c in after if c not in edits and after[c][0] != before["children"][c][0]]
    if untouched:
        problems.append(f"children changed without an acknowledged edit: {untouched[:10]}")
    created["patch_child"] = sum(len(v) for v in edits.values())
    return problems, created


# Report -----------------------------------------------------------------------------------


def percentile(values: list[float], q: float) -> float:
    if not values:
        return 0.0
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))]


def report(results: list[Result], elapsed: float) -> list[str]:
    problems = []
    expected = {name: statuses for name, _, _, statuses in OPERATIONS}
    total = len(results)
    statuses = Counter(r.status for r in results)
    log(
        f"{total} requests in {elapsed:.1f} s: {total / elapsed:.1f} requests/s; statuses {dict(sorted(statuses.items()))}"
    )
    for label, subset in [
        ("all", results),
        ("reads", [r for r in results if r.operation not in WRITES]),
        ("writes", [r for r in results if r.operation in WRITES]),
    ]:
        ms = [r.seconds * 1000 for r in subset]
        log(
            f"  {label:7} n={len(ms):5}  p50 {percentile(ms, 0.5):6.0f} ms  p95 {percentile(ms, 0.95):6.0f} ms  "
            f"p99 {percentile(ms, 0.99):6.0f} ms  max {max(ms, default=0):6.0f} ms"
        )
    for name, *_ in OPERATIONS:
        mine = [r for r in results if r.operation == name]
        ms = [r.seconds * 1000 for r in mine]
        log(
            f"  {name:18} n={len(mine):5}  p50 {percentile(ms, 0.5):6.0f} ms  p95 {percentile(ms, 0.95):6.0f} ms  "
            f"statuses {dict(sorted(Counter(r.status for r in mine).items()))}"
        )
    server_errors = [r for r in results if r.status >= 500]
    transport = [r for r in results if r.status == 0]
    unexpected = [
        r for r in results if 0 < r.status < 500 and r.status not in expected[r.operation]
    ]
    log(
        f"errors: {len(server_errors)} 5xx, {len(transport)} transport, {len(unexpected)} unexpected statuses"
    )
    if server_errors:
        problems.append(f"{len(server_errors)} responses were 5xx, e.g. {server_errors[0]}")
    if transport:
        problems.append(f"{len(transport)} requests failed in transport, e.g. {transport[0]}")
    if unexpected:
        problems.append(f"{len(unexpected)} unexpected statuses, e.g. {unexpected[:3]}")
    return problems


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--duration", type=float, default=30.0, help="seconds of load (default 30)")
    parser.add_argument(
        "--clients", type=int, default=8, help="concurrent client threads (default 8)"
    )
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers (default 2)")
    parser.add_argument("--children", type=int, default=200)
    parser.add_argument(
        "--server", default=os.environ.get("LOADTEST_PG", "postgres://postgres@127.0.0.1:5432")
    )
    parser.add_argument("--database", default="lac_health_load_sec")
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--fresh", action="store_true", help="re-seed the template database")
    parser.add_argument("--keep", action="store_true", help="keep the scratch database")
    args = parser.parse_args()

    if urlsplit(args.server).hostname not in LOOPBACK:
        raise SystemExit("the load test runs against a loopback PostgreSQL only")
    if not args.database.endswith("_sec"):
        raise SystemExit("the scratch database name must end with _sec")

    run_started = time.monotonic()
    setup = prepare_database(args.server, args.database, args.children, args.fresh)
    log(f"scratch database {args.database} ready in {setup:.1f} s")
    log_path = Path(os.environ.get("TMPDIR", "/tmp")) / f"loadtest-gunicorn-{os.getpid()}.log"
    port = free_port()
    process = None
    try:
        tokens = {
            user: token_for(args.server, args.database, name)
            for user, name in [("sw", "sw"), ("nurse", "nurse")]
        }
        process = start_gunicorn(args.server, args.database, port, args.workers, log_path)
        log(
            f"gunicorn on 127.0.0.1:{port} with {args.workers} workers; {args.clients} clients for {args.duration:.0f} s"
        )
        nurse_children = list_children(port, tokens["nurse"])
        requested = requested_from_provider_of(args.server, args.database, "nurse")
        world = World(
            list_children(port, tokens["sw"]),
            nurse_children,
            [c for c in nurse_children if c.id in requested],
        )
        log(
            f"social worker sees {len(world.sw_children)} children, nurse "
            f"{len(world.nurse_children)} ({len(world.dental_children)} requested from her provider)"
        )
        if not world.sw_children or not world.dental_children:
            raise SystemExit("the seeded users see no children")
        before = snapshot(args.server, args.database)
        world.dental_taken |= before["dental_days"]
        load_started = time.monotonic()
        results, elapsed = run_workload(port, tokens, world, args.duration, args.clients, args.seed)
        problems = report(results, elapsed)
        if elapsed > args.duration + REQUEST_TIMEOUT:
            problems.append(
                f"the load ran {elapsed:.1f} s, over its {args.duration:.0f} s and the "
                f"{REQUEST_TIMEOUT:.0f} s a last request may take"
            )
        stop(process)  # every request has finished: the database holds all it will hold
        lost, created = verify(args.server, args.database, before, results)
        acknowledged = sum(1 for r in results if r.operation in WRITES and r.status in {200, 201})
        log(
            f"writes acknowledged {acknowledged}; in the database: "
            + ", ".join(f"{name} {count}" for name, count in created.items())
            + f"; lost or unexplained: {len(lost)}"
        )
        problems += lost
        log(
            f"phases: database {setup:.1f} s, start {load_started - run_started - setup:.1f} s, "
            f"load {elapsed:.1f} s, checks {time.monotonic() - load_started - elapsed:.1f} s"
        )
    finally:
        if process is not None:
            stop(process)
        if not args.keep:
            drop_database(args.server, args.database)
    if problems:
        for problem in problems:
            log(f"FAIL: {problem}")
        if log_path.exists():
            log("gunicorn log tail:\n" + log_path.read_text()[-3000:])
        return 1
    log("PASS: no 5xx, no transport errors, every acknowledged write stored")
    log_path.unlink(missing_ok=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
