"""Runs kanboard-cli 1.2.4's portfolio analysis and prints what it found as JSON.

Usage: python kanboard_cli_portfolio.py STORE_PATH PORTFOLIO_NAME [ROUNDS]
Reads KANBOARD_URL and KANBOARD_TOKEN. The analysis is the one its `portfolio tasks`,
`milestone progress`, `portfolio blocked`, `portfolio blocking` and `portfolio critical-path`
commands run under the local backend. HTTP requests are counted by wrapping the client's
transport; the time covers the analysis only (not Python's start-up).
"""

import json
import os
import sys
import time
from pathlib import Path

from kanboard import KanboardClient
from kanboard.orchestration import DependencyAnalyzer, LocalPortfolioStore, PortfolioManager


def main() -> None:
    store_path, name = sys.argv[1], sys.argv[2]
    rounds = int(sys.argv[3]) if len(sys.argv) > 3 else 1
    client = KanboardClient(url=os.environ["KANBOARD_URL"], token=os.environ["KANBOARD_TOKEN"])
    requests = 0
    post = client._http.post

    def counting_post(*args, **kwargs):
        nonlocal requests
        requests += 1
        return post(*args, **kwargs)

    client._http.post = counting_post
    store = LocalPortfolioStore(Path(store_path))
    times = []
    counts = []
    for _ in range(rounds):
        requests = 0
        start = time.perf_counter()
        manager = PortfolioManager(client, store)
        analyzer = DependencyAnalyzer(client)
        tasks = manager.get_portfolio_tasks(name)
        progress = manager.get_all_milestone_progress(name)
        blocked = analyzer.get_blocked_tasks(tasks)
        blocking = analyzer.get_blocking_tasks(tasks)
        critical = analyzer.get_critical_path(tasks)
        times.append(time.perf_counter() - start)
        counts.append(requests)
    edges = analyzer.get_dependency_edges(tasks)
    print(json.dumps({
        "requests": counts[-1],
        "requests_per_round": counts,
        "seconds": times,
        "tasks": sorted(t.id for t in tasks),
        "progress": [
            {"milestone": p.milestone_name, "total": p.total, "completed": p.completed,
             "percent": p.percent, "is_at_risk": p.is_at_risk, "is_overdue": p.is_overdue,
             "blocked_task_ids": p.blocked_task_ids}
            for p in progress
        ],
        "blocked": sorted(t.id for t, _ in blocked),
        "blocking": sorted(t.id for t, _ in blocking),
        "critical_path": [t.id for t in critical],
        "edges": sorted([e.task_id, e.opposite_task_id] for e in edges),
    }))


if __name__ == "__main__":
    main()
