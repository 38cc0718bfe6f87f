"""What the Slack request checks cost per request, in one process (CPU µs; robust on a busy machine).

    python -m tests.bench.validation

The same signed `/kudos` slash command (and a reaction event) goes through, interleaved
in rounds so a busy machine slows every row alike:

* bolt-parse     - the baseline: what slack-bolt itself does with a body (`parse_body`);
* sdk-signature  - slack_sdk's `SignatureVerifier` (what Fivefold used before issue 9);
* signature      - Fivefold's check over the raw bytes (`adapters.slack.signature`);
* two-parses     - what the path did before issue 9 besides the signature: its shape check
                   parsed the body (`parse_qs` / `json.loads`), then Bolt parsed it again;
* validation     - Fivefold's one validation (`adapters.slack.validate.check_body`: parse,
                   pydantic, dump); Bolt then gets the dict and parses nothing.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from urllib.parse import parse_qs

from slack_bolt.request.internals import parse_body
from slack_sdk.signature import SignatureVerifier

from adapters.slack.signature import SlackSignature
from adapters.slack.validate import check_body
from tests.bench.common import kudos_request, user_ids
from tests.slack_requests import SIGNING_SECRET, event_body, signed_headers

FORM = "application/x-www-form-urlencoded"
ROUNDS, PER_ROUND = 20, 2000


def cases() -> dict[str, tuple[bytes, dict[str, str], str]]:
    """The slash command the inbound benchmark sends, and a reaction event."""
    body, headers = kudos_request(user_ids(2), 0, secret=SIGNING_SECRET, trigger_prefix="v")
    reaction = event_body({"type": "reaction_added", "user": "U0BENCH00000", "reaction": "raised_hands",
                           "item_user": "U0BENCH00001", "item": {"type": "message", "channel": "C1", "ts": "1.2"}})
    return {
        "kudos": (body, headers, FORM),
        "reaction": (reaction.encode(), signed_headers(reaction, content_type="application/json"),
                     "application/json"),
    }


def _shape_parse(text: str, content_type: str) -> object:
    if content_type.startswith("application/json"):
        return json.loads(text)
    return parse_qs(text, strict_parsing=True)


def steps(body: bytes, headers: dict[str, str], content_type: str) -> dict[str, Callable[[], object]]:
    """Each row's work on one request."""
    sdk, ours = SignatureVerifier(SIGNING_SECRET), SlackSignature(SIGNING_SECRET)
    text = body.decode()
    stamp, signature = headers["X-Slack-Request-Timestamp"], headers["X-Slack-Signature"]
    return {
        "bolt-parse": lambda: parse_body(text, content_type),
        "sdk-signature": lambda: sdk.is_valid(text, stamp, signature),
        "signature": lambda: ours.is_valid(body, stamp, signature),
        "two-parses": lambda: (_shape_parse(text, content_type), parse_body(text, content_type)),
        "validation": lambda: check_body(body, content_type),
    }


def measure() -> dict[tuple[str, str], float]:
    """Median CPU µs per call of each step, over interleaved rounds."""
    samples: dict[tuple[str, str], list[float]] = {}
    for name, (body, headers, content_type) in cases().items():
        work = steps(body, headers, content_type)
        assert check_body(body, content_type).body is not None, name
        for _ in range(ROUNDS):
            for step, call in work.items():
                started = time.process_time()
                for _ in range(PER_ROUND):
                    call()
                samples.setdefault((name, step), []).append((time.process_time() - started) / PER_ROUND * 1e6)
    return {key: sorted(values)[len(values) // 2] for key, values in samples.items()}


def main() -> None:
    """Print the table: µs per request per step, and validation against Bolt's own parse."""
    results = measure()
    print(f"{'request':<10}| {'step':<14}| {'CPU µs':>8} | vs bolt-parse")
    print("-" * 50)
    for (name, step), micros in results.items():
        ratio = micros / results[(name, "bolt-parse")]
        print(f"{name:<10}| {step:<14}| {micros:8.1f} | {ratio:6.2f}x")


if __name__ == "__main__":
    main()
