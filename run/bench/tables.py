#!/usr/bin/env python3
"""Markdown tables from a JMH JSON result of run/bench (java -jar benchmarks.jar -rf json -rff FILE).

Prints, for every benchmark and parameter set, the score with JMH's 99.9% error, the per-fork means
(to show forks that settled in different regimes) and the secondary counters.
usage: python3 run/bench/tables.py run/bench/target/jmh-result.json
"""
import json
import sys


def fmt(value):
    if value != value:  # NaN
        return "n/a"
    if abs(value) >= 1e5:
        return f"{value / 1e6:.2f} M"
    return f"{value:.1f}"


def main(path):
    with open(path) as f:
        runs = json.load(f)
    print("| benchmark | params | score | ± error (99.9%) | unit | per-fork means | secondary |")
    print("|---|---|---:|---:|---|---|---|")
    for run in runs:
        name = run["benchmark"].rsplit(".", 2)[-2] + "." + run["benchmark"].rsplit(".", 1)[-1]
        params = ", ".join(f"{k}={v}" for k, v in run.get("params", {}).items() if k != "capacityBytes")
        primary = run["primaryMetric"]
        forks = [sum(fork) / len(fork) for fork in primary["rawData"]]
        secondary = "; ".join(
            f"{key} {fmt(metric['score'])} ± {fmt(metric['scoreError'])}"
            for key, metric in run.get("secondaryMetrics", {}).items())
        print(f"| {name} | {params} | {fmt(primary['score'])} | {fmt(primary['scoreError'])} | "
              f"{primary['scoreUnit']} | {', '.join(fmt(v) for v in forks)} | {secondary} |")


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "run/bench/target/jmh-result.json")
