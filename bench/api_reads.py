"""Time the API's read endpoints at district scale, as a client sees them.

    .venv/bin/python bench/api_reads.py [--n 5000] [--repeat 5]

Builds N demo-like enterprises (the same generator and bulk path as
bench/evaluate_background.py) in a throw-away SQLite file (or KEQI_DATABASE_URL,
which must then name an empty database), loads the Baodi plan, makes an HQ and
a town token, then calls each endpoint in-process through the full Django stack
(token check, scope, paging, JSON). Prints one line per endpoint and token: the
best wall time of `--repeat` calls and that call's process CPU time.
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

ENDPOINTS = (
    "/api/v1/enterprises/?page_size=200",
    "/api/v1/enterprises/?qualification=高新技术企业&as_of=2019-09-30&page_size=200",
    "/api/v1/figures/?year=2018&page_size=200",
    "/api/v1/qualifications/?as_of=2019-09-30&page_size=200",
    "/api/v1/verdicts/?as_of=2019-09-30&page_size=50",
    "/api/v1/verdicts/?as_of=2019-09-30&page_size=200",
    "/api/v1/libraries/?as_of=2019-09-30",
    "/api/v1/libraries/high_tech/?as_of=2019-09-30&page_size=200",
    "/api/v1/targets/?as_of=2019-09-30",
)


def tokens() -> dict[str, str]:
    from keqi.api.services import api_token_create
    from keqi.campaign.services import plan_file_load
    from keqi.core.testing import persona

    plan = Path(__file__).resolve().parents[1] / "plans" / "baodi-2019.yaml"
    plan_file_load(path=plan, actor=None)
    return {
        name: api_token_create(user=persona(name), name="bench", actor=None).key
        for name in ("hq", "town_a")
    }


def timed(path: str, key: str, repeat: int) -> tuple[float, float, int]:
    from django.test import Client

    client = Client()
    best = (float("inf"), 0.0, 0)
    for _ in range(repeat):
        wall, cpu = time.perf_counter(), time.process_time()
        response = client.get(path, headers={"Authorization": f"Token {key}"})
        took = (time.perf_counter() - wall, time.process_time() - cpu)
        assert response.status_code == 200, (path, response.content[:300])
        if took[0] < best[0]:
            best = (took[0], took[1], len(response.content))
    return best


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--n", type=int, default=5000)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    workdir = Path(tempfile.mkdtemp(prefix="keqi-bench-api-"))
    os.environ.setdefault("KEQI_API_RATE_USER", "1000000/min")
    try:
        from evaluate_background import load, setup_django

        setup_django(workdir)
        load(args.n)
        keys = tokens()
        print(f"enterprises: {args.n}  (best of {args.repeat}; wall / CPU, body size)")
        for path in ENDPOINTS:
            for who, key in keys.items():
                wall, cpu, size = timed(path, key, args.repeat)
                print(
                    f"{who:7} {wall * 1000:8.1f} ms / {cpu * 1000:7.1f} ms"
                    f"  {size / 1024:7.1f} KB  {path}"
                )
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    main()
