"""The inbound benchmark (SPEC §4, "Inbound"): kudos requests per second and p50/p99 latency.

    python -m tests.bench.inbound                 # ~5 minutes on 2 cores
    python -m tests.bench.inbound --quick         # ~2.5 minutes
    python -m tests.bench.inbound --only teams    # one platform (slack or teams)

For each platform and database (a migrated SQLite file, then a fresh PostgreSQL
database that is dropped afterwards; each platform gets its own) two servers are
measured, each in its own uvicorn process on 127.0.0.1:

Slack, signed `/kudos <@U…> great work #customer-first` slash commands:

* baseline      - `tests.bench.baseline_app`: the same Slack HMAC check and one
                  INSERT, the floor of this stack;
* bolt-floor    - `tests.bench.bolt_floor_app`: the same check and INSERT behind
                  slack-bolt's AsyncApp (its request verification, middleware and
                  a `/kudos` listener that acks), the most a Bolt app can do here;
* sql-floor     - the same Bolt app running, instead of the INSERT, the statements
                  Fivefold's `/kudos` must run (members, dedupe key, the day's
                  count, kudos, tag, two outbox rows) on a Core connection, built
                  by Fivefold's code: no parsing, rules, rendering or ORM;
* fivefold      - `fivefold serve`, talking to a fake Slack Web API that runs in
                  this process and knows every user the load names.

Microsoft Teams, personal-chat Bot Framework activities `kudos <at>Name</at> great
work #customer-first` with a mention entity for the receiver, each with a channel
JWT (RS256, signed with the test key of tests/teams/fake_botframework: one token per
load run, minted before it starts and valid for an hour, as Bot Framework's are):

* baseline-jwt  - the same baseline app's `POST /api/messages`: the JWT checked
                  with PyJWT against the key from the fake's OpenID metadata, one
                  INSERT (no reply);
* teams         - `fivefold serve` with Teams enabled, validating every token
                  against the fake Bot Framework's OpenID metadata/JWKS (this
                  process) and answering each kudos in the chat through the fake
                  connector, as Teams requires.

The load comes from a third process (`tests.bench.loadgen`): a warm-up in which
every user makes first contact, then closed-loop maximum throughput (16 concurrent
clients), then a fixed offered rate (100 requests/s; last, because an overloaded
server is left with a backlog; before each phase the load generator waits,
bounded, for the server's CPU to go idle). Fivefold's JSON logs
go to a file per run, kept after the run for diagnosis.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
import uuid
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import create_engine, text

from bot.db import sync_url
from tests import databases
from tests.bench.baseline_app import TABLE, TABLE_DDL
from tests.bench.common import TEAMS_TOKEN_ENV, user_ids
from tests.fakes.slack_api import FakeSlack
from tests.slack_requests import SIGNING_SECRET
from tests.teams.fake_botframework import APP_ID, FakeBotFramework

ROOT = Path(__file__).resolve().parents[2]
HOST = "127.0.0.1"
P99_TARGET_MS = 300.0
THROUGHPUT_TARGET = 0.60
READY_TIMEOUT = 60.0
STOP_TIMEOUT = 15.0
CLOCK_TICKS = os.sysconf("SC_CLK_TCK")
NOISY_MACHINE = 0.3
PLATFORMS = ("slack", "teams")
# row name prefixes per platform: (baseline, fivefold)
PREFIXES = {"slack": ("baseline", "fivefold"), "teams": ("baseline-jwt", "teams")}
# the uvicorn factory of each reference app, and the platforms it serves
APPS = {
    "baseline": ("tests.bench.baseline_app:create_app", PLATFORMS),
    "floor": ("tests.bench.bolt_floor_app:create_app", ("slack",)),
    "sql-floor": ("tests.bench.bolt_floor_app:create_app", ("slack",)),
}
FLOORS = {"floor": "bolt-floor", "sql-floor": "sql-floor"}
BOT_ID = f"28:{APP_ID}"


@dataclass
class Plan:
    """How hard and how long to push each server."""

    users: int
    warmup: int
    rate: float
    open_seconds: float
    closed_seconds: float
    concurrency: int


@dataclass
class Fakes:
    """The fake platforms this process serves."""

    slack: FakeSlack
    teams: FakeBotFramework


@dataclass
class Result:
    """One server's figures."""

    name: str
    database: str
    kind: str
    platform: str = "slack"
    phases: dict[str, Any] = field(default_factory=dict)
    peak_rss_kib: int | None = None
    cpu_seconds: float | None = None
    rows: int | None = None
    log_path: Path | None = None
    log_summary: str = ""
    failure: str | None = None
    note: str = ""

    def phase(self, name: str) -> dict[str, Any]:
        return self.phases.get(name) or {}

    @property
    def requests(self) -> int:
        return sum(int(p.get("sent", 0)) for p in self.phases.values())

    @property
    def accepted(self) -> int:
        return sum(int(p.get("ok", 0)) for p in self.phases.values())


# --- processes -------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        port: int = sock.getsockname()[1]
        return port


def proc_status(pid: int, key: str) -> int | None:
    """A `kB` figure from /proc/<pid>/status (VmHWM is the peak resident set)."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith(key + ":"):
                return int(line.split()[1])
    except OSError:
        return None
    return None


def cpu_seconds(pid: int) -> float | None:
    """User + system CPU time the process has used so far."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) / CLOCK_TICKS


def machine_busy_cores(seconds: float = 1.0) -> float | None:
    """How many cores the machine keeps busy over `seconds` (before the benchmark starts)."""

    def busy() -> float | None:
        try:
            ticks = [int(v) for v in Path("/proc/stat").read_text().splitlines()[0].split()[1:]]
        except (OSError, ValueError, IndexError):
            return None
        return (sum(ticks) - ticks[3] - ticks[4]) / CLOCK_TICKS

    before = busy()
    time.sleep(seconds)
    after = busy()
    return None if before is None or after is None else (after - before) / seconds


def fivefold_command() -> list[str]:
    """`fivefold` from this interpreter's environment (or the same entry point via -c)."""
    script = Path(sys.executable).parent / "fivefold"
    if script.exists():
        return [str(script)]
    found = shutil.which("fivefold")
    if found:
        return [found]
    return [
        sys.executable,
        "-c",
        "import sys; sys.argv[0] = 'fivefold'; from app import main; main()",
    ]


def clean_environment() -> dict[str, str]:
    """This process's environment without any Fivefold, Slack or Teams settings."""
    prefixes = ("FIVEFOLD_", "SLACK_", "MICROSOFT_", "TEAMS_", "BENCH_")
    return {
        k: v for k, v in os.environ.items() if not k.startswith(prefixes) and k != "DATABASE_URL"
    }


class Server:
    """One uvicorn server process on a loopback port, its output in a log file."""

    def __init__(self, argv: list[str], env: dict[str, str], log_path: Path) -> None:
        self.port = free_port()
        self.url = f"http://{HOST}:{self.port}"
        self.argv = [*argv, "--host", HOST, "--port", str(self.port)]
        self.env = env
        self.log_path = log_path
        self.process: subprocess.Popen[bytes] | None = None

    def __enter__(self) -> Server:
        with self.log_path.open("wb") as log:
            self.process = subprocess.Popen(
                self.argv,
                env=self.env,
                cwd=ROOT,
                stdout=log,
                stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL,
            )
        self.wait_ready()
        return self

    def __exit__(self, *_exc: object) -> None:
        self.stop()

    @property
    def pid(self) -> int:
        assert self.process is not None
        return self.process.pid

    def wait_ready(self) -> None:
        assert self.process is not None
        deadline = time.monotonic() + READY_TIMEOUT
        last = "no answer"
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(
                    f"server exited with {self.process.returncode} before it was ready\n"
                    + tail(self.log_path)
                )
            try:
                with urllib.request.urlopen(self.url + "/readyz", timeout=2) as response:  # noqa: S310
                    if response.status == 200:
                        return
                    last = f"HTTP {response.status}"
            except urllib.error.HTTPError as exc:
                last = f"HTTP {exc.code}: {exc.read()[:200]!r}"
            except OSError as exc:
                last = str(exc)
            time.sleep(0.1)
        raise RuntimeError(
            f"server not ready after {READY_TIMEOUT:.0f} s ({last})\n" + tail(self.log_path)
        )

    def stop(self) -> None:
        process = self.process
        if process is None or process.poll() is not None:
            return
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=STOP_TIMEOUT)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=STOP_TIMEOUT)


def tail(path: Path, lines: int = 15) -> str:
    try:
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])
    except OSError:
        return ""


def run_load(
    url: str,
    plan: Plan,
    expect: str,
    server_pid: int | None = None,
    *,
    platform: str = "slack",
    fakes: Fakes | None = None,
) -> dict[str, Any]:
    """Run the load generator in its own process against `url`; its JSON figures."""
    env = clean_environment()
    argv = [sys.executable, "-m", "tests.bench.loadgen", "--url", url, "--platform", platform]
    if platform == "teams":
        assert fakes is not None
        argv += ["--service-url", fakes.teams.url, "--bot-id", BOT_ID]
        # One channel token for the whole load run, minted before anything is measured
        # (Bot Framework tokens live an hour and the connector reuses them the same way);
        # handed over in the environment, not on the command line.
        env[TEAMS_TOKEN_ENV] = fakes.teams.token()
    else:
        argv += ["--secret", SIGNING_SECRET]
    argv += [
        "--users",
        str(plan.users),
        "--trigger-prefix",
        uuid.uuid4().hex[:12],
        "--expect",
        expect,
        "--warmup",
        str(plan.warmup),
        "--rate",
        str(plan.rate),
        "--open-seconds",
        str(plan.open_seconds),
        "--closed-seconds",
        str(plan.closed_seconds),
        "--concurrency",
        str(plan.concurrency),
    ]
    if server_pid is not None:
        argv += ["--server-pid", str(server_pid)]
    bound = plan.open_seconds + plan.closed_seconds + 120
    done = subprocess.run(
        argv, cwd=ROOT, capture_output=True, timeout=bound, check=False, env=env
    )
    if done.returncode != 0:
        raise RuntimeError(
            f"load generator failed ({done.returncode}):\n{done.stderr.decode()[-2000:]}"
        )
    figures: dict[str, Any] = json.loads(done.stdout.decode().strip().splitlines()[-1])
    return figures


# --- targets ---------------------------------------------------------------------


def count_rows(url: str, table: str) -> int | None:
    engine = create_engine(sync_url(url))
    try:
        with engine.connect() as conn:
            return int(conn.execute(text(f"SELECT count(*) FROM {table}")).scalar_one())
    except Exception:
        return None
    finally:
        engine.dispose()


def measure(
    result: Result, server: Server, plan: Plan, expect: str, fakes: Fakes | None = None
) -> None:
    before = cpu_seconds(server.pid)
    result.phases = run_load(
        server.url, plan, expect, server.pid, platform=result.platform, fakes=fakes
    )
    after = cpu_seconds(server.pid)
    if before is not None and after is not None:
        result.cpu_seconds = after - before
    result.peak_rss_kib = proc_status(server.pid, "VmHWM")


def run_baseline(
    database: str,
    url: str,
    plan: Plan,
    workdir: Path,
    platform: str,
    fakes: Fakes,
    kind: str = "baseline",
) -> Result:
    """Serve one of the reference apps (`APPS[kind]`) and load it like Fivefold."""
    prefix = FLOORS.get(kind) or PREFIXES[platform][0]
    name = f"{prefix}-{database}"
    result = Result(name, database, kind, platform, log_path=workdir / f"{name}.log")
    engine = create_engine(sync_url(url))
    with engine.begin() as conn:
        conn.execute(text(TABLE_DDL[database]))
        conn.execute(text(f"DELETE FROM {TABLE}"))  # PostgreSQL: the apps share a database
    engine.dispose()
    env = {**clean_environment(), "BENCH_DATABASE_URL": url, "SLACK_SIGNING_SECRET": SIGNING_SECRET}
    if kind == "sql-floor":
        env |= {"BENCH_FLOOR": "kudos-sql", "BENCH_USERS": str(plan.users)}
    if platform == "teams":
        env |= {"BENCH_TEAMS_METADATA_URL": fakes.teams.metadata_url, "BENCH_TEAMS_APP_ID": APP_ID}
    argv = [
        sys.executable,
        "-m",
        "uvicorn",
        APPS[kind][0],
        "--factory",
        "--log-level",
        "warning",
        "--no-access-log",
    ]
    assert result.log_path is not None
    with Server(argv, env, result.log_path) as server:
        measure(result, server, plan, expect="", fakes=fakes)
    result.rows = count_rows(url, "kudos" if kind == "sql-floor" else TABLE)
    return result


def run_sql_floor(database: str, plan: Plan, workdir: Path, platform: str, fakes: Fakes) -> Result:
    """The Bolt app running Fivefold's kudos statements, on its own migrated database."""
    if database == "sqlite":
        directory = workdir / "sql-floor"
        directory.mkdir(exist_ok=True)
        return run_baseline(
            database, f"sqlite:///{databases.sqlite_template(directory)}", plan, workdir, platform, fakes, "sql-floor"
        )
    url = databases.create_postgres_database()
    try:
        return run_baseline(database, url, plan, workdir, platform, fakes, "sql-floor")
    finally:
        databases.drop_postgres_database(url)


def run_fivefold(
    database: str, url: str, plan: Plan, workdir: Path, platform: str, fakes: Fakes
) -> Result:
    name = f"{PREFIXES[platform][1]}-{database}"
    result = Result(name, database, "fivefold", platform, log_path=workdir / f"{name}.log")
    env = {
        **clean_environment(),
        "DATABASE_URL": url,
        "SLACK_SIGNING_SECRET": SIGNING_SECRET,
        "SLACK_BOT_TOKEN": "xoxb-bench",
        "SLACK_API_URL": fakes.slack.url,
        "FIVEFOLD_ENV": "test",
        "FIVEFOLD_LOG_FORMAT": "json",
        "FIVEFOLD_KUDOS_DAILY_ALLOWANCE": "1000000",
    }
    if platform == "teams":
        env |= {
            "FIVEFOLD_TEAMS_ENABLED": "true",
            "MICROSOFT_APP_ID": APP_ID,
            "MICROSOFT_APP_PASSWORD": "bench-password",
            "TEAMS_OPENID_METADATA_URL": fakes.teams.metadata_url,
            "TEAMS_LOGIN_URL": fakes.teams.url,
        }
    assert result.log_path is not None
    # The database was migrated when it was made; migrate again with this tree's
    # `fivefold migrate` right before serving, so a migration added since cannot stop it.
    migrated = subprocess.run(
        [*fivefold_command(), "migrate"],
        env=env,
        cwd=ROOT,
        capture_output=True,
        timeout=120,
        check=False,
    )
    if migrated.returncode != 0:
        raise RuntimeError(f"fivefold migrate failed:\n{migrated.stderr.decode()[-2000:]}")
    # Slack answers the slash command in the HTTP response ("Kudos sent"); Teams answers
    # 200 with no body and posts the reply to the connector: counted below instead.
    expect = "Kudos sent" if platform == "slack" else ""
    posted = len(fakes.teams.posted)
    with Server([*fivefold_command(), "serve"], env, result.log_path) as server:
        measure(result, server, plan, expect=expect, fakes=fakes)
    result.rows = count_rows(url, "kudos")
    result.log_summary = summarise_log(result.log_path)
    if platform == "teams":
        result.note = teams_replies(fakes.teams, posted)
    return result


def teams_replies(fake: FakeBotFramework, since: int) -> str:
    """What the fake connector received during one run, by kind of message."""
    with fake._lock:
        posted = fake.posted[since:]
    kinds = Counter(
        "conversation created"
        if p.path == "/v3/conversations"
        else re.sub(r"\d+", "N", str(p.body.get("summary") or p.body.get("text") or "?"))[:45]
        for p in posted
    )
    top = ", ".join(f"{n}x {kind!r}" for kind, n in kinds.most_common(3))
    return f"fake connector: {len(posted)} calls ({top or 'none'})"


def guarded(name: str, database: str, kind: str, run: Any, platform: str = "slack") -> Result:
    """Run one target; a failure becomes a row that says why instead of ending the run."""
    print(f"  {name} ...", file=sys.stderr, flush=True)
    started = time.monotonic()
    try:
        result: Result = run()
    except Exception as exc:
        result = Result(name, database, kind, platform, failure=f"{type(exc).__name__}: {exc}")
    print(f"  {name} done in {time.monotonic() - started:.0f} s", file=sys.stderr, flush=True)
    return result


def summarise_log(path: Path) -> str:
    """Levels and the most frequent non-access events in a JSON log file."""
    levels: Counter[str] = Counter()
    events: Counter[str] = Counter()
    first_error = ""
    other = 0
    try:
        lines = path.read_text(errors="replace").splitlines()
    except OSError:
        return "log unreadable"
    for line in lines:
        try:
            record = json.loads(line)
        except ValueError:
            other += 1
            continue
        level = str(record.get("level", "?"))
        levels[level] += 1
        event = str(record.get("event", ""))
        if '" 200' not in event or "HTTP/1.1" not in event:
            events[event[:90]] += 1
        if level in ("error", "critical") and not first_error:
            first_error = f"{event[:120]} {str(record.get('exception', ''))[-400:]}".strip()
    parts = [f"{len(lines)} lines", ", ".join(f"{k}={v}" for k, v in levels.most_common())]
    if other:
        parts.append(f"{other} non-JSON")
    top = "; ".join(f"{n}x {e!r}" for e, n in events.most_common(4))
    summary = " | ".join(parts) + (f"\n      top events: {top}" if top else "")
    if first_error:
        summary += f"\n      first error: {first_error}"
    return summary


def run_database(
    database: str,
    url: str,
    baseline_url: str,
    plan: Plan,
    fakes: Fakes,
    workdir: Path,
    platform: str,
) -> list[Result]:
    base, five = (f"{prefix}-{database}" for prefix in PREFIXES[platform])
    results = [
        guarded(
            base,
            database,
            "baseline",
            lambda: run_baseline(database, baseline_url, plan, workdir, platform, fakes),
            platform,
        )
    ]
    if platform in APPS["floor"][1]:
        floor_url = baseline_url.replace("baseline.db", "floor.db")
        results.append(
            guarded(
                f"{FLOORS['floor']}-{database}",
                database,
                "floor",
                lambda: run_baseline(database, floor_url, plan, workdir, platform, fakes, "floor"),
                platform,
            )
        )
    if platform in APPS["sql-floor"][1]:
        results.append(
            guarded(
                f"{FLOORS['sql-floor']}-{database}",
                database,
                "sql-floor",
                lambda: run_sql_floor(database, plan, workdir, platform, fakes),
                platform,
            )
        )
    return [
        *results,
        guarded(
            five,
            database,
            "fivefold",
            lambda: run_fivefold(database, url, plan, workdir, platform, fakes),
            platform,
        ),
    ]


# --- the table -------------------------------------------------------------------


def ms(value: Any) -> str:
    return "-" if value is None else f"{value:.0f}" if value >= 10 else f"{value:.1f}"


def render(results: list[Result], plan: Plan) -> str:
    headers = [
        "target",
        f"@{plan.rate:.0f}/s rps",
        "p50 ms",
        "p99 ms",
        "err",
        ">3 s",
        f"max({plan.concurrency}) rps",
        "p50 ms",
        "p99 ms",
        "err",
        "vs base",
        "peak RSS MiB",
        "CPU ms/req",
    ]
    baseline_rps = {
        (r.platform, r.database): r.phase("closed").get("rps")
        for r in results
        if r.kind == "baseline"
    }
    rows: list[list[str]] = []
    for r in results:
        if r.failure:
            rows.append([r.name, "FAILED", *[""] * (len(headers) - 2)])
            continue
        fixed, closed = r.phase("open"), r.phase("closed")
        base = baseline_rps.get((r.platform, r.database))
        ratio = closed.get("rps", 0) / base if base and r.kind != "baseline" else None
        # Server CPU per request in the closed-loop phase (steady state, no backlog).
        cpu = (
            closed["server_cpu_s"] * 1000 / closed["sent"]
            if closed.get("server_cpu_s") is not None and closed.get("sent")
            else None
        )
        rows.append(
            [
                r.name,
                f"{fixed.get('rps', 0):.1f}",
                ms(fixed.get("p50_ms")),
                ms(fixed.get("p99_ms")),
                str(fixed.get("errors", "-")),
                str(fixed.get("over_3s", "-")),
                f"{closed.get('rps', 0):.1f}",
                ms(closed.get("p50_ms")),
                ms(closed.get("p99_ms")),
                str(closed.get("errors", "-")),
                "-" if ratio is None else f"{ratio:.0%}",
                "-" if r.peak_rss_kib is None else f"{r.peak_rss_kib / 1024:.0f}",
                ms(cpu),
            ]
        )
    widths = [max(len(h), *(len(row[i]) for row in rows)) for i, h in enumerate(headers)]
    line = "+".join("-" * (w + 2) for w in widths)

    def fmt(cells: list[str]) -> str:
        return "|".join(
            f" {c:<{w}} " if i == 0 else f" {c:>{w}} "
            for i, (c, w) in enumerate(zip(cells, widths, strict=True))
        )

    out = [line, fmt(headers), line, *(fmt(row) for row in rows), line]
    return "\n".join(out)


def verdicts(results: list[Result], plan: Plan) -> list[str]:
    lines = []
    baselines = {(r.platform, r.database): r for r in results if r.kind == "baseline"}
    for five in (r for r in results if r.kind == "fivefold"):
        base, label = baselines.get((five.platform, five.database)), five.name
        if five.failure:
            lines.append(f"{label}: Fivefold run failed: {five.failure}")
            continue
        fixed, closed = five.phase("open"), five.phase("closed")
        p99 = fixed.get("p99_ms")
        errors = int(fixed.get("errors", 0)) + int(closed.get("errors", 0))
        p99_ok = p99 is not None and p99 < P99_TARGET_MS and int(fixed.get("errors", 0)) == 0
        lines.append(
            f"{label}: p99 < {P99_TARGET_MS:.0f} ms at {plan.rate:.0f} req/s (no errors): "
            f"{'met' if p99_ok else 'NOT MET'} (p99 {ms(p99)} ms, "
            f"{fixed.get('errors', '-')} errors, "
            f"{fixed.get('over_3s', 0)} over 3 s)"
        )
        if base is None or base.failure or not base.phase("closed").get("rps"):
            lines.append(
                f"{label}: >= {THROUGHPUT_TARGET:.0%} of baseline throughput: no baseline figure"
            )
        else:
            ratio = closed.get("rps", 0) / base.phase("closed")["rps"]
            lines.append(
                f"{label}: >= {THROUGHPUT_TARGET:.0%} of baseline throughput: "
                f"{'met' if ratio >= THROUGHPUT_TARGET else 'NOT MET'} ({ratio:.0%}: "
                f"{closed.get('rps', 0):.1f} vs {base.phase('closed')['rps']:.1f} req/s)"
            )
        if errors:
            lines.append(f"{label}: Fivefold answered {errors} measured requests with an error")
    what = {
        "floor": "slack-bolt with nothing behind it but the baseline's INSERT",
        "sql-floor": "slack-bolt with nothing behind it but Fivefold's kudos statements",
    }
    for floor in (r for r in results if r.kind in what and not r.failure):
        base = baselines.get((floor.platform, floor.database))
        if base is None or base.failure or not base.phase("closed").get("rps"):
            continue
        ratio = floor.phase("closed").get("rps", 0) / base.phase("closed")["rps"]
        lines.append(f"{floor.name}: {what[floor.kind]} reaches {ratio:.0%} of the baseline")
    if lines:
        lines.insert(0, "Targets (Fivefold rows, measured phases):")
    return lines


def details(results: list[Result]) -> list[str]:
    lines = []
    for r in results:
        if r.failure:
            lines.append(f"{r.name}: FAILED: {r.failure}")
            if r.log_path:
                lines.append(f"    log: {r.log_path}")
            continue
        warm = r.phase("warmup")
        lines.append(
            f"{r.name}: warm-up {warm.get('ok', 0)}/{warm.get('sent', 0)} ok in "
            f"{warm.get('elapsed_s', 0):.1f} s; {r.accepted}/{r.requests} accepted, "
            f"{r.rows if r.rows is not None else '?'} rows written; "
            f"closed-loop max {ms(r.phase('closed').get('max_ms'))} ms"
        )
        shares = []
        for phase in r.phases.values():
            server, client = phase.get("server_cpu_share"), phase.get("client_cpu_share")
            machine = phase.get("machine_cpu_share")
            if server is not None and client is not None:
                rest = f"/{max(0.0, machine - server - client):.0%}" if machine is not None else ""
                drain = phase.get("drain_s", 0)
                waited = f" (after {drain:.0f} s idle wait)" if drain > 1 else ""
                shares.append(f"{phase['name']} {server:.0%}/{client:.0%}{rest}{waited}")
        if shares:
            lines.append(
                f"    CPU in cores ({os.cpu_count()} here), server/load generator/rest (database, "
                "anything else): " + ", ".join(shares)
            )
        for phase in r.phases.values():
            for sample in phase.get("error_samples", [])[:2]:
                lines.append(f"    {phase['name']} error: {sample}")
        if r.note:
            lines.append(f"    {r.note}")
        if r.log_summary:
            lines.append(f"    log {r.log_path}: {r.log_summary}")
    return lines


# --- main ------------------------------------------------------------------------


def main() -> None:
    parser = argparse.ArgumentParser(description="Fivefold's inbound benchmark (SPEC §4).")
    parser.add_argument(
        "--quick", action="store_true", help="shorter phases (about 2.5 minutes in all)"
    )
    parser.add_argument("--sqlite-only", action="store_true", help="skip PostgreSQL")
    parser.add_argument("--only", choices=PLATFORMS, help="one platform (default: both)")
    parser.add_argument(
        "--users", type=int, default=200, help="workspace users (givers and receivers)"
    )
    args = parser.parse_args()
    if args.users < 2:
        parser.error("--users must be at least 2")
    plan = (
        Plan(args.users, args.users, 100.0, 4.0, 3.0, 16)
        if args.quick
        else Plan(args.users, args.users, 100.0, 10.0, 8.0, 16)
    )
    results: list[Result] = []
    notes: list[str] = []
    workdir = Path(tempfile.mkdtemp(prefix="fivefold-bench-"))
    idle_busy = machine_busy_cores()
    if idle_busy is not None and idle_busy > NOISY_MACHINE:
        notes.append(
            f"WARNING: before the run the machine was already busy ({idle_busy:.1f} of "
            f"{os.cpu_count()} cores): other processes compete with the servers, figures are noisy."
        )
        print(f"  {notes[-1]}", file=sys.stderr, flush=True)
    started = time.monotonic()
    print(
        f"inbound benchmark: {plan.users} users, "
        f"{plan.rate:.0f} req/s for {plan.open_seconds:.0f} s, "
        f"{plan.concurrency} clients for {plan.closed_seconds:.0f} s; work files in {workdir}",
        file=sys.stderr,
        flush=True,
    )
    platforms = (args.only,) if args.only else PLATFORMS
    with FakeSlack() as slack, FakeBotFramework() as teams:
        for uid in user_ids(plan.users):
            slack.add_user(uid, f"Bench {uid[-5:]}", tz="Europe/Warsaw", locale="en-US")
        fakes = Fakes(slack, teams)
        sqlite_dir = workdir / "sqlite"
        for platform in platforms:
            platform_dir = sqlite_dir / platform
            platform_dir.mkdir(parents=True)
            fivefold_db = databases.sqlite_template(platform_dir)
            results += run_database(
                "sqlite",
                f"sqlite:///{fivefold_db}",
                f"sqlite:///{platform_dir / 'baseline.db'}",
                plan,
                fakes,
                workdir,
                platform,
            )
        problem = "skipped (--sqlite-only)" if args.sqlite_only else databases.postgres_reachable()
        if problem:
            notes.append(f"PostgreSQL at {databases.POSTGRES_URL}: {problem}; SQLite only.")
            print(f"  {notes[-1]}", file=sys.stderr)
        else:
            for platform in platforms:
                url = databases.create_postgres_database()
                try:
                    results += run_database(
                        "postgresql", url, url, plan, fakes, workdir, platform
                    )
                finally:
                    databases.drop_postgres_database(url)
        slack_calls = Counter(call.method for call in slack.calls)
        teams_calls = Counter(
            "create conversation" if p.path == "/v3/conversations" else "post activity"
            for p in teams.posted
        )
        teams_calls["token"] = teams.token_requests
    shutil.rmtree(sqlite_dir, ignore_errors=True)

    print()
    print(
        "Inbound (SPEC §4): Slack = signed /kudos slash commands; Teams = JWT-signed "
        "personal-chat kudos activities at /api/messages. "
        f"(a) fixed rate {plan.rate:.0f} req/s "
        f"for {plan.open_seconds:.0f} s, latency from each request's scheduled time, '>3 s' = "
        f"past Slack's ack limit (Bot Framework allows 15 s); (b) {plan.concurrency} concurrent clients for "
        f"{plan.closed_seconds:.0f} s. Latency in ms; 'vs base' = Fivefold/baseline (b) "
        f"throughput; CPU ms/req = server CPU per request in (b)."
    )
    print(render(results, plan))
    for line in verdicts(results, plan):
        print(line)
    print()
    for line in [*details(results), *notes]:
        print(line)
    print(f"fake Slack saw: {dict(slack_calls.most_common())}")
    if "teams" in platforms:
        print(f"fake Bot Framework saw: {dict(teams_calls.most_common())}")
    print(f"total {time.monotonic() - started:.0f} s; logs kept in {workdir}")


if __name__ == "__main__":
    main()
