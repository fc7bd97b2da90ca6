"""Benchmark how long a refused sign-in takes, by the state of the account named.

An attacker who can tell "no such account", "invited, no password yet" or "disabled" from
"wrong password" by the time the answer takes can list the accounts. The baseline is a
wrong password on a real, active account, measured in the same run with the production
Argon2id parameters; each other state should take as long (ratio close to 1.0). Every
attempt comes from its own address and account name, so no throttle answers instead.

    .venv/bin/python bench/sign_in_timing.py [--rounds N]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from app import create_app  # noqa: E402
from app.extensions import db  # noqa: E402
from app.models import User  # noqa: E402
from app.services.accounts.passwords import hash_password  # noqa: E402
from config import Config  # noqa: E402

PASSWORD = "a-long-enough-passphrase-42"  # noqa: S105 - a throw-away database


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=15)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        app = create_app(
            "testing",
            INSTANCE_DIR=Path(folder),
            ARGON2_TIME_COST=Config.ARGON2_TIME_COST,
            ARGON2_MEMORY_COST=Config.ARGON2_MEMORY_COST,
            LOGIN_RATE_LIMIT="100000 per minute",
            ACCOUNT_FAILURE_LIMIT="100000 per minute",
        )
        with app.app_context():
            db.create_all()
            states = ("wrong password", "unknown", "invited", "disabled")
            for round_ in range(args.rounds):
                for state in states:
                    _make(state, round_)
            db.session.commit()
            client = app.test_client()
            client.post("/login", data={"email": "warm@example.org", "password": "x"})
            times: dict[str, list[float]] = {state: [] for state in states}
            for round_ in range(args.rounds):
                for number, state in enumerate(states):
                    started = time.perf_counter()
                    client.post(
                        "/login",
                        data={"email": _email(state, round_), "password": "not-the-password"},
                        environ_base={"REMOTE_ADDR": f"10.{round_ % 250}.{number}.1"},
                    )
                    times[state].append(time.perf_counter() - started)
    baseline = statistics.median(times["wrong password"])
    print(f"refused sign-in, median of {args.rounds} (Argon2id m={Config.ARGON2_MEMORY_COST} KiB)")
    print(f"  baseline  wrong password on an active account  {baseline * 1000:7.1f} ms")
    for state in states[1:]:
        ours = statistics.median(times[state])
        print(f"  {state:<42} {ours * 1000:7.1f} ms  ratio {ours / baseline:4.2f}")


def _email(state: str, round_: int) -> str:
    return f"{state.replace(' ', '-')}-{round_}@example.org"


def _make(state: str, round_: int) -> None:
    if state == "unknown":
        return
    db.session.add(
        User(
            email=_email(state, round_),
            name="Bench",
            role="council",
            password_hash=None if state == "invited" else hash_password(PASSWORD),
            active=state != "disabled",
        )
    )


if __name__ == "__main__":
    main()
