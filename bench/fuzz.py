"""A long fuzz run: the issue-13 probes plus generated damaged files of every format, with counts.

    .venv/bin/python bench/fuzz.py [--cases 2000] [--seed 1] [--budget 30] [--frictionless]

Every input must end in a valid package or a one-line refusal naming the file; the run prints how many ended in
each way and exits 1 unless tracebacks, hangs past the budget, invalid packages, refused invalid records and
leftover temporary folders are all 0.
"""

from __future__ import annotations

import argparse
import collections
import resource
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))

from fuzz_support import BAD_KINDS, KINDS, PROBES, convert_case, generated_cases  # noqa: E402


def probe_cases(folder: Path) -> list[tuple[str, Path]]:
    """The probes of the issue, each made in its own folder."""
    cases = []
    for name, make in PROBES.items():
        (folder / name).mkdir(parents=True)
        cases.append((f"probe/{name}", make(folder / name)))
    return cases


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=2000, help="generated damaged files (besides the probes)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--budget", type=float, default=30.0, help="seconds per input before it counts as a hang")
    parser.add_argument("--frictionless", action="store_true", help="validate each package with Frictionless too")
    parser.add_argument("--show", type=int, default=5, help="bad outcomes to print in full")
    args = parser.parse_args()
    counts: collections.Counter[str] = collections.Counter()
    by_format: dict[str, collections.Counter[str]] = collections.defaultdict(collections.Counter)
    bad: list[tuple[str, str, str]] = []
    reasons: collections.Counter[str] = collections.Counter()
    slowest = (0.0, "")
    start = time.monotonic()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        out = folder / "out"
        generated = generated_cases(folder / "generated", args.cases, args.seed)
        for name, path in (*probe_cases(folder / "probes"), *generated):
            outcome = convert_case(path, out, budget=args.budget, frictionless=args.frictionless)
            counts[outcome.kind] += 1
            by_format[name.split("/")[0]][outcome.kind] += 1
            slowest = max(slowest, (outcome.seconds, name))
            if outcome.kind in BAD_KINDS:
                bad.append((name, outcome.kind, outcome.detail))
            elif outcome.kind == "refused":
                reasons[outcome.detail.replace(str(path), "").lstrip(": ")[:70]] += 1
            done = sum(counts.values())
            if done % 200 == 0:
                print(f"... {done} inputs, {time.monotonic() - start:.0f} s", file=sys.stderr, flush=True)
            if path.stat().st_size and not name.startswith("probe/"):
                path.unlink()  # keep the temporary folder small
    elapsed = time.monotonic() - start
    total = sum(counts.values())
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"{total} inputs in {elapsed:.1f} s ({elapsed / max(total, 1) * 1000:.0f} ms each), "
          f"slowest {slowest[0]:.2f} s ({slowest[1]}), peak RSS {rss:.0f} MB")
    print(f"{'format':<14}" + "".join(f"{kind:>16}" for kind in KINDS))
    for name in sorted(by_format):
        print(f"{name:<14}" + "".join(f"{by_format[name][kind]:>16}" for kind in KINDS))
    print(f"{'total':<14}" + "".join(f"{counts[kind]:>16}" for kind in KINDS))
    print("\nmost frequent refusals:")
    for reason, count in reasons.most_common(12):
        print(f"{count:>6}  {reason}")
    for name, kind, detail in bad[: args.show]:
        print(f"\n--- {kind}: {name}\n{detail}")
    return 1 if any(counts[kind] for kind in BAD_KINDS) else 0


if __name__ == "__main__":
    raise SystemExit(main())
