"""Scoring throughput of screening.engine, one instrument at a time, on one core.

Uses screening/library/*.json when present, otherwise inline PCL-5-like and PHQ-9-like
definitions. Random valid answer sets (respecting enable-when) are generated up front so the loop
times `score()` alone.

    python bench/engine_bench.py [--seconds 3] [--dict] [--json]

`--dict` passes the raw definition dict instead of a CompiledInstrument (measures the compile
cache lookup, which canonicalises the definition on every call). `--json` prints one JSON object
instead of the lines (bench/run.py reads it).
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from screening.engine import CompiledInstrument, compile, score  # noqa: E402

TARGET_PER_SECOND = 20_000


def _frequency_options(labels: list[str]) -> list[dict[str, Any]]:
    return [
        {"code": f"opt-{value}", "label": label, "value": value}
        for value, label in enumerate(labels)
    ]


def _inline_definition(
    code: str, n_items: int, labels: list[str], subscales: list[tuple[str, range]]
) -> dict[str, Any]:
    link_ids = [f"{code}-{i}" for i in range(1, n_items + 1)]
    high = (len(labels) - 1) * n_items
    scales = [
        {
            "id": "total",
            "title": "Total",
            "method": "sum",
            "items": link_ids,
            "missing": {"rule": "prorate", "min_answered": n_items - 2},
            "bands": [
                {"min": 0, "max": high // 2, "code": "low", "label": "Low"},
                {"min": high // 2 + 1, "max": high, "code": "high", "label": "High"},
            ],
        }
    ]
    for scale_id, positions in subscales:
        scales.append(
            {
                "id": scale_id,
                "title": scale_id,
                "method": "sum",
                "items": [link_ids[p] for p in positions],
                "missing": {"rule": "refuse"},
            }
        )
    return {
        "schema_version": 1,
        "code": code,
        "version": "bench",
        "title": f"{code} benchmark stand-in",
        "short_title": code,
        "description": "benchmark stand-in",
        "publisher": "bench",
        "citation": "bench",
        "licence": "bench",
        "validated": False,
        "language": "en",
        "codes": [],
        "option_sets": {"freq": _frequency_options(labels)},
        "items": [
            {"link_id": link_id, "text": link_id, "type": "choice", "options": "freq"}
            for link_id in link_ids
        ],
        "scales": scales,
        "rules": [
            {
                "id": "high-total",
                "condition": "bench",
                "severity": "review",
                "when": {"compare": {"scale": "total", "op": ">=", "value": high // 2}},
                "message": "total {scale:total}",
            },
            {
                "id": "critical-item",
                "condition": "bench",
                "severity": "urgent",
                "when": {
                    "at_least": {"n": 2, "of": link_ids[-4:], "value": len(labels) - 2},
                },
                "message": "item {item:" + link_ids[-1] + "} {item_label:" + link_ids[-1] + "}",
            },
        ],
        "examples": [],
    }


def _definitions() -> dict[str, dict[str, Any]]:
    library = sorted((ROOT / "screening" / "library").glob("*.json"))
    if library:
        return {path.stem: json.loads(path.read_text("utf-8")) for path in library}
    five = ["Not at all", "A little bit", "Moderately", "Quite a bit", "Extremely"]
    four = ["Not at all", "Several days", "More than half the days", "Nearly every day"]
    return {
        "pcl5-like": _inline_definition(
            "pcl5-like",
            20,
            five,
            [("b", range(0, 5)), ("c", range(5, 7)), ("d", range(7, 14)), ("e", range(14, 20))],
        ),
        "phq9-like": _inline_definition("phq9-like", 9, four, []),
    }


def _random_answers(compiled: CompiledInstrument, rng: random.Random) -> dict[str, Any]:
    answers: dict[str, Any] = {}
    for item in compiled.items:
        if item.type == "boolean":
            answers[item.link_id] = rng.random() < 0.5
        else:
            answers[item.link_id] = rng.choice(item.options).value
    # Drop answers to items the other answers disable, as check_answers() would demand.
    for link_id in score(compiled, answers).disabled_items:
        del answers[link_id]
    return answers


def bench(
    name: str, definition: dict[str, Any], seconds: float, raw: bool, quiet: bool = False
) -> dict[str, Any]:
    compiled = compile(definition)
    rng = random.Random(f"engine-bench-{name}")
    answer_sets = [_random_answers(compiled, rng) for _ in range(1000)]
    target: Any = definition if raw else compiled
    done = 0
    best = float("inf")
    start = time.perf_counter()
    deadline = start + seconds
    while time.perf_counter() < deadline:
        batch_start = time.perf_counter()
        for answers in answer_sets:
            score(target, answers)
        best = min(best, time.perf_counter() - batch_start)
        done += len(answer_sets)
    elapsed = time.perf_counter() - start
    rate = done / elapsed
    # The best batch shows what the code can do when other processes leave the core alone.
    peak = len(answer_sets) / best
    shape = (
        f"{len(compiled.items)} items, {len(compiled.scales)} scales, {len(compiled.rules)} rules"
    )
    if not quiet:
        print(f"{name:<12} {rate:>9,.0f}/s overall  {peak:>9,.0f}/s best batch   ({shape})")
    return {"overall_per_s": round(rate), "best_batch_per_s": round(peak), "shape": shape}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=3.0, help="time per instrument")
    parser.add_argument("--dict", action="store_true", help="score the raw dict, not compiled")
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    args = parser.parse_args()
    python = sys.version.split()[0]
    if not args.json:
        print(f"python {python}; {'raw dict' if args.dict else 'compiled'} input")
    figures = {
        name: bench(name, definition, args.seconds, args.dict, quiet=args.json)
        for name, definition in _definitions().items()
    }
    if args.json:
        print(
            json.dumps(
                {
                    "python": python,
                    "input": "raw dict" if args.dict else "compiled",
                    "seconds_per_instrument": args.seconds,
                    "target_per_s": TARGET_PER_SECOND,
                    "instruments": figures,
                }
            )
        )
        return 0
    rates = {name: figure["overall_per_s"] for name, figure in figures.items()}
    # The requirement is stated for the PCL-5 (20 items, 5 scales, 2 rules).
    for name in ("pcl5", "pcl5-like"):
        if name in rates:
            verdict = "meets" if rates[name] >= TARGET_PER_SECOND else "is BELOW"
            print(
                f"{name} overall {rates[name]:,.0f}/s {verdict} the {TARGET_PER_SECOND:,}/s target"
            )
    return 0


if __name__ == "__main__":
    sys.exit(main())
