"""The dashboard call from Python, on the shape of bindings/benches/home.rs.

Run by bindings/bench.sh with the generated module and the release library on PYTHONPATH;
prints the median of five rounds' mean, in microseconds per call, on its last line.
"""

import os
import statistics
import sys
import tempfile
import timeit

from recovery_core import NewActivity, NewGoal, NewPerson, Portal, Role


def main():
    with tempfile.TemporaryDirectory() as tmp:
        portal = Portal.open(os.path.join(tmp, "bench.sqlite"))
        anna = portal.register(NewPerson(role=Role.SERVICE_USER, display_name="Anna")).id
        portal.add_domain(anna, "Garden")
        domains = [d.domain for d in portal.domains(anna)]
        assert len(domains) == 7
        for g in range(20):
            goal = portal.add_goal(anna, NewGoal(domain=domains[g % len(domains)], title=f"Goal {g}"))
            for a in range(5):
                portal.add_activity(anna, NewActivity(goal=goal.id, title=f"Activity {a}"))
        assert sum(len(g.activities) for d in portal.home(anna).domains for g in d.goals) == 100

        calls = 200
        timer = timeit.Timer(lambda: portal.home(anna))
        timer.timeit(number=calls)  # warm-up
        rounds = sorted(t / calls * 1e6 for t in timer.repeat(repeat=5, number=calls))
        print("python home rounds (µs):", ", ".join(f"{r:.1f}" for r in rounds), file=sys.stderr)
        print(f"{statistics.median(rounds):.3f}")


if __name__ == "__main__":
    main()
