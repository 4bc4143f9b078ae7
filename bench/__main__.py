"""`python -m bench --db sqlite,postgres --runs 3 [--smoke]`: every benchmark, side by side, into docs/benchmarks.md."""

from __future__ import annotations

import argparse
import shlex
import sys
import time
from pathlib import Path

from bench import databases, seed
from bench.ack import run_ack
from bench.checks import check
from bench.fanout import measure_fanout, sweep_peak_rss
from bench.plan import measure_plan
from bench.procs import fake_slack
from bench.report import DbRuns, render, write
from bench.sizes import FULL, SMOKE
from bench.tick import measure_tick
from storage.db import Database


def main(argv: list[str] | None = None) -> int:
    """Run, write the report, exit 1 when a correctness check failed (timings never fail the run)."""
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument("--db", default="sqlite,postgres", help="comma-separated: sqlite, postgres")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--smoke", action="store_true", help="small sizes and short phases (CI)")
    parser.add_argument("--out", default=None, help="report file (default docs/benchmarks.md; none for --smoke)")
    args = parser.parse_args(argv)
    sizes = SMOKE if args.smoke else FULL
    out = Path(args.out) if args.out else (None if args.smoke else Path("docs/benchmarks.md"))
    results: list[DbRuns] = []
    pg_url = None
    for kind in [k.strip() for k in args.db.split(",") if k.strip()]:
        bench_db = databases.create(kind)
        if kind == "postgres":
            pg_url = databases.postgres_base()
        db = Database(bench_db.url)
        try:
            db.migrate()
            runs = DbRuns(kind)
            seeded = seed.seed(db, sizes)
            runs.seed_seconds = seeded.seconds
            _log(f"{kind}: seeded {sizes.open_items:,} open items in {seeded.seconds:.1f} s")
            for run in range(1, args.runs + 1):
                runs.tick.append(measure_tick(db, bench_db.url, seeded, sizes.repeat))
                runs.plan.append(measure_plan(db, sizes.repeat, small_milestone=2, small_channel=1))
                tick, plan = runs.tick[-1], runs.plan[-1]
                _log(f"{kind} run {run}: tick {tick.db_seconds:.3f} s, status {plan.status_seconds:.3f} s")
                with fake_slack(sizes.people, sizes.channels) as slack:
                    runs.ack.append(run_ack(bench_db.url, db, sizes, seeded, slack, run))
                seed.reset(db, seeded)
                _log(f"{kind} run {run}: ack path done")
                runs.fanout.append(measure_fanout(db, bench_db.url, sizes, seeded))
                runs.sweep_rss.append(sweep_peak_rss(bench_db.url, sizes, seeded, db))
                _log(f"{kind} run {run}: fan-out {runs.fanout[-1].seconds:.1f} s")
            results.append(runs)
        finally:
            db.dispose()
            bench_db.drop()
    command = "python -m bench " + " ".join(shlex.quote(a) for a in (argv if argv is not None else sys.argv[1:]))
    report = render(results, command=command, sizes_name=sizes.name, runs=args.runs, pg_url=pg_url)
    if out is not None:
        write(out, report)
        _log(f"wrote {out}")
    else:
        print(report)
    problems = check(results, sizes)
    for p in problems:
        _log(f"CHECK FAILED: {p}")
    return 1 if problems else 0


def _log(message: str) -> None:
    print(f"[bench {time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


if __name__ == "__main__":
    sys.exit(main())
