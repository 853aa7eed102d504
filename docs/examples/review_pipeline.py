#!/usr/bin/env python3
"""A pipeline that stops for a person: it drafts a guest list, asks a reviewer to approve it and to
fill in the host (title, first and last name), then writes the table. Standard library only.

    python3 docs/examples/review_pipeline.py --url http://127.0.0.1:8787 --token="$(npx margin token)"

The reviewer answers in the companion dashboard's inbox (or anything that calls the API). While it
waits the script long-polls `GET /api/v1/reviews/<id>?wait=30`; the review lives in the companion's
database, so the script may be stopped and run again (the same --key finds the same review), and the
companion may restart in between. See docs/reviews.md.

Exit codes: 0 approved and written, 1 rejected, 2 expired, 3 cancelled, 4 the companion refused the
request (the message says why).
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import random
import sys
import time
import urllib.error
import urllib.request
from typing import Any

FIRST_NAMES = ["Ada", "Alan", "Grace", "Edsger", "Barbara", "Donald", "Frances", "Ken", "Radia", "Tim"]
LAST_NAMES = ["Lovelace", "Turing", "Hopper", "Dijkstra", "Liskov", "Knuth", "Allen", "Thompson", "Perlman", "Lee"]

# The form, in the JSON Schema subset the companion accepts (see docs/reviews.md): it is what
# Prefect's RunInput or a Pydantic model would describe, written out so nothing needs installing.
HOST_FORM = {
    "type": "object",
    "title": "Host",
    "properties": {
        "title": {"type": "string", "enum": ["Dr", "Mr", "Ms", "Mx"], "description": "How to address the host"},
        "first_name": {"type": "string", "minLength": 1, "maxLength": 50},
        "last_name": {"type": "string", "minLength": 1, "maxLength": 50},
    },
    "required": ["title", "first_name", "last_name"],
}

EXIT_CODES = {"approved": 0, "rejected": 1, "expired": 2, "cancelled": 3}


class CompanionError(Exception):
    """The companion answered with an error (4xx): retrying the same request will not help."""


class Companion:
    def __init__(self, url: str, token: str) -> None:
        self.url = url.rstrip("/")
        self.token = token

    def call(self, method: str, path: str, body: Any = None, timeout: float = 30) -> Any:
        data = None if body is None else json.dumps(body).encode("utf-8")
        request = urllib.request.Request(self.url + path, data=data, method=method)
        request.add_header("Authorization", f"Bearer {self.token}")
        if data is not None:
            request.add_header("Content-Type", "application/json")
        try:
            with urllib.request.urlopen(request, timeout=timeout) as response:
                return json.load(response)
        except urllib.error.HTTPError as error:
            if error.code < 500 and error.code != 429:
                detail = json.load(error).get("error", {})
                issues = "".join(f"\n  {issue['path']}: {issue['message']}" for issue in detail.get("issues", []))
                raise CompanionError(f"{error.code} {detail.get('code')}: {detail.get('message')}{issues}") from None
            raise

    def retrying(self, method: str, path: str, body: Any = None, timeout: float = 30) -> Any:
        """`call`, retried while the companion cannot be reached (it is restarting, say). Safe for the
        review requests: creating one again with the same key returns the same review."""
        backoff = 0.5
        while True:
            try:
                return self.call(method, path, body, timeout)
            except (urllib.error.URLError, ConnectionError, TimeoutError) as error:
                log(f"companion unreachable ({error}); retrying in {backoff:.1f} s")
                time.sleep(backoff)
                backoff = min(backoff * 2, 10)

    def wait(self, review_id: str, poll_seconds: int) -> dict[str, Any]:
        """Long-polls until the review is no longer pending."""
        while True:
            path = f"/api/v1/reviews/{review_id}?wait={poll_seconds}"
            review = self.retrying("GET", path, timeout=poll_seconds + 15)
            if review["status"] != "pending":
                return review


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def generate_names(count: int, seed: int) -> list[dict[str, str]]:
    """The step before the review: here, random names; in real life, a model's output."""
    rng = random.Random(seed)
    return [{"first_name": rng.choice(FIRST_NAMES), "last_name": rng.choice(LAST_NAMES)} for _ in range(count)]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--url", default=os.environ.get("MARGIN_URL", "http://127.0.0.1:8787"))
    parser.add_argument("--token", default=os.environ.get("MARGIN_TOKEN"), help="pairing token (env MARGIN_TOKEN)")
    parser.add_argument("--count", type=int, default=3, help="how many guest names to generate")
    parser.add_argument("--seed", type=int, default=7, help="seed of the name generator")
    parser.add_argument("--key", help="idempotency key (default: derived from --seed and --count)")
    parser.add_argument("--timeout", type=float, default=3600, help="seconds before the review expires")
    parser.add_argument("--poll", type=int, default=30, help="seconds per long poll (at most 60)")
    parser.add_argument("--out", default="guests.csv", help="where to write the table (CSV)")
    args = parser.parse_args()
    if not args.token:
        parser.error("give --token or set MARGIN_TOKEN (print it with: npx margin token)")

    companion = Companion(args.url, args.token)
    guests = generate_names(args.count, args.seed)
    try:
        created = companion.retrying(
            "POST",
            "/api/v1/reviews",
            {
                "title": f"Approve {len(guests)} guest names and fill in the host",
                "description": (
                    "The pipeline generated the guests below. **Approve** to write the list with the host "
                    "you fill in; **reject** to drop it."
                ),
                "rows": guests,
                "form": HOST_FORM,
                "timeout": args.timeout,
                "key": args.key or f"review-pipeline:seed-{args.seed}:count-{args.count}",
                "metadata": {"pipeline": "review_pipeline.py", "seed": args.seed},
            },
        )
        review = created["review"]
        log(f"review {review['id']} {'created' if created['created'] else 'found again'}: waiting for a person")
        if review["status"] == "pending":
            review = companion.wait(review["id"], args.poll)
    except CompanionError as error:
        log(f"the companion refused the request: {error}")
        return 4
    except KeyboardInterrupt:
        log("interrupted: the review stays pending; run again with the same --key to pick it up")
        return 130

    status = review["status"]
    if status != "approved":
        reason = f": {review['comment']}" if review.get("comment") else ""
        log(f"review {status}{reason}; nothing written")
        return EXIT_CODES[status]

    host = review["input"]
    table = [{"role": "host", **host}] + [{"role": "guest", "title": "", **guest} for guest in guests]
    with open(args.out, "w", newline="", encoding="utf-8") as file:
        writer = csv.DictWriter(file, fieldnames=["role", "title", "first_name", "last_name"])
        writer.writeheader()
        writer.writerows(table)
    log(f"approved by {review['reviewer']}: wrote {len(table)} rows to {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
