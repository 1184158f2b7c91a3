#!/usr/bin/env python3
"""Prints each benchmark group's portal and raw-rusqlite times and their ratio.

Reads criterion's estimates from the last `cargo bench -p benches --bench toolbox` run: the slope estimate
(criterion's headline `time:` figure) for each of `portal` and `raw_rusqlite` in a group, for
the wall-time groups and their CPU-time twins (`_cpu`).
Usage: python3 benches/ratios.py [CRITERION_DIR]  (default: $CARGO_TARGET_DIR/criterion or
target/criterion).
"""

import json
import os
import sys
from pathlib import Path

TARGETS = {"add_activity": 1.5, "home": 2.0}
# Each benchmark runs twice: measured in wall time, and in the thread's CPU time (`_cpu`).
GROUPS = [(name + suffix, target) for suffix in ("", "_cpu") for name, target in TARGETS.items()]


def estimate(path: Path) -> float:
    data = json.loads(path.read_text())
    best = data.get("slope") or data["mean"]
    return best["point_estimate"]


def main() -> int:
    default = Path(os.environ.get("CARGO_TARGET_DIR", "target")) / "criterion"
    root = Path(sys.argv[1]) if len(sys.argv) > 1 else default
    if not root.is_dir():
        print(
            f"error: no criterion results in {root}; run `cargo bench -p benches --bench toolbox` first",
            file=sys.stderr,
        )
        return 1
    print(f"{'group':<18} {'portal':>12} {'raw rusqlite':>14} {'ratio':>7} {'target':>8}")
    for group, target in GROUPS:
        portal = root / group / "portal" / "new" / "estimates.json"
        raw = root / group / "raw_rusqlite" / "new" / "estimates.json"
        if not (portal.exists() and raw.exists()):
            print(f"{group:<18} (not run)")
            continue
        p, r = estimate(portal), estimate(raw)
        verdict = "met" if p / r <= target else "MISSED"
        print(f"{group:<18} {p / 1000:>9.1f} us {r / 1000:>11.1f} us {p / r:>6.2f}x  <= {target}x {verdict}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
