"""The assignment-DM lag alone: `serve` over the seeded workspace, `/action add @someone` into one workspace (50/s,
200/s: the workspace pace decides) and spread over 20 workspaces and 200 people (200/s), no floors.

    python -m bench.dmlag --db sqlite,postgres [--smoke] [--runs N]

`python -m bench` runs the same phases among the others; this is the quick way to look at them alone.
"""

from __future__ import annotations

import argparse
import dataclasses
import os
import sys
import time

from bench import databases, seed
from bench.ack import run_ack
from bench.procs import fake_slack
from bench.report import DbRuns, _ack_table, _dm_lag_table
from bench.sizes import FULL, SMOKE
from storage.db import Database


def main(argv: list[str] | None = None) -> int:
    """Print the DM-lag table per database; exit 1 when a DM was missing or doubled."""
    parser = argparse.ArgumentParser(prog="python -m bench.dmlag")
    parser.add_argument("--db", default="sqlite,postgres")
    parser.add_argument("--runs", type=int, default=1)
    parser.add_argument("--smoke", action="store_true")
    parser.add_argument("--dm-people", type=int, default=None, help="people of the spread phase (default 200)")
    args = parser.parse_args(argv)
    sizes = SMOKE if args.smoke else FULL
    if args.dm_people:
        sizes = dataclasses.replace(sizes, dm_people=args.dm_people)
    bad = 0
    for kind in [k.strip() for k in args.db.split(",") if k.strip()]:
        bench_db = databases.create(kind)
        db = Database(bench_db.url)
        try:
            db.migrate()
            seeded = seed.seed(db, sizes)
            runs = DbRuns(kind)
            for run in range(1, args.runs + 1):
                with fake_slack(sizes.people, sizes.channels) as slack:
                    runs.ack.append(
                        run_ack(bench_db.url, db, sizes, seeded, slack, run, ("assign", "assign-spread"), ())
                    )
                seed.reset(db, seeded)
                print(f"[dmlag {time.strftime('%H:%M:%S')}] {kind} run {run} done", file=sys.stderr, flush=True)
            print(f"\n### {kind} (workers: {runs.ack[0].workers}; load average now {os.getloadavg()})")
            print("\n".join(_ack_table(runs)))
            print("\n".join(_dm_lag_table(runs)))
            for res in runs.ack:
                for r in res.rows:
                    by_second = ", ".join(f"{v:.0f}" for v in r.dm_p50_by_second)
                    print(f"- {r.op} at {r.load}: DM lag p50 ms of each second's requests: {by_second}")
            bad += sum(r.errors + r.doubled for res in runs.ack for r in res.rows)
        finally:
            db.dispose()
            bench_db.drop()
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
