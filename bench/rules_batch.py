"""Benchmark the columnar rules engine on synthetic enterprises.

    python bench/rules_batch.py --programme tech_sme --n 1000000
    python bench/rules_batch.py --programme all --n 1000000
    python bench/rules_batch.py --single

Builds N enterprises as columns in memory (not timed), evaluates them (timed,
best of --repeat runs) and prints ``seconds: X`` as the last line.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Callable, Mapping
from datetime import date
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from keqi.rules.batch import BatchResult, Column  # noqa: E402
from keqi.rules.batch_registry import BATCH_PROGRAMMES  # noqa: E402
from keqi.rules.params import ParamSet, default_params  # noqa: E402

AS_OF = date(2019, 6, 30)
#: Programmes not in force on AS_OF are timed on a date when they are.
LATER = {"innovative_sme": date(2023, 6, 30), "zjtx_sme": date(2023, 6, 30)}


def synthetic(names: Mapping[str, str], n: int, seed: int) -> dict[str, Column]:
    """Random columns: ``kind`` is count, amount, small, status or day."""
    rng = np.random.default_rng(seed)
    highs = {
        "count": 800,
        "amount": 400_000_000,
        "small": 8,
        "status": 3,
        "day": 4000,
        "year": 4,
    }
    dtypes = {
        "count": np.int32,
        "amount": np.int64,
        "small": np.int16,
        "status": np.int8,
        "day": np.int32,
        "year": np.int8,
    }
    cols = {}
    for name, kind in names.items():
        values = rng.integers(0, highs[kind], n, dtype=dtypes[kind])
        known = (
            rng.random(n) > 0.05 if kind in ("count", "amount") else np.ones(n, bool)
        )
        cols[name] = Column(values, known)
    return cols


def timed(
    run: Callable[[], BatchResult], repeat: int
) -> tuple[float, float, BatchResult]:
    """Best wall time and best CPU time of ``repeat`` runs."""
    best, cpu, result = float("inf"), float("inf"), None
    for _ in range(repeat):
        start, start_cpu = time.perf_counter(), time.process_time()
        result = run()
        best = min(best, time.perf_counter() - start)
        cpu = min(cpu, time.process_time() - start_cpu)
    assert result is not None
    return best, cpu, result


def bench(key: str, n: int, repeat: int, params: ParamSet) -> float:
    """Evaluate ``key`` on ``n`` synthetic rows; print and return seconds."""
    spec = BATCH_PROGRAMMES[key]
    as_of = LATER.get(key, AS_OF)
    cols = synthetic(spec.column_kinds(as_of, params), n, seed=7)
    seconds, cpu, result = timed(lambda: spec.evaluate(cols, as_of, params), repeat)
    counts = np.bincount(result.outcome, minlength=3)
    print(
        f"{key}: n={n} as_of={as_of} seconds={seconds:.4f} cpu={cpu:.4f} "
        f"ineligible={counts[0]} undetermined={counts[1]} eligible={counts[2]}"
    )
    return seconds


def single(repeat: int) -> float:
    """One enterprise, every programme, with full explanation and JSON."""
    from keqi.rules.demo import demo_enterprise
    from keqi.rules.evaluate import evaluate
    from keqi.rules.serialize import result_to_dict

    facts = demo_enterprise()
    evaluate(facts, as_of=AS_OF)
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        result_to_dict(evaluate(facts, as_of=AS_OF))
        best = min(best, time.perf_counter() - start)
    print(f"single enterprise, all programmes, explained: {best * 1000:.3f} ms")
    return best


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument(
        "--programme",
        default="tech_sme",
        help="programme key or 'all' (" + ", ".join(BATCH_PROGRAMMES) + ")",
    )
    parser.add_argument("--n", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument(
        "--single",
        action="store_true",
        help="time one enterprise with full explanation instead",
    )
    args = parser.parse_args(argv)
    params = default_params()
    if args.single:
        seconds = single(max(args.repeat, 50))
    elif args.programme == "all":
        seconds = sum(bench(k, args.n, args.repeat, params) for k in BATCH_PROGRAMMES)
    else:
        seconds = bench(args.programme, args.n, args.repeat, params)
    print(f"seconds: {seconds:.6f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
