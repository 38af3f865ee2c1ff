#!/usr/bin/env python3
"""Issue 28's three inference rows from interleaved DefaultsRow runs: ratio lines and a JSON file.

    rows.py SAMPLES.jsonl OUT.json --load-before "0.5 0.6 0.7" --load-after "..." [--rounds N]

SAMPLES.jsonl holds one DefaultsRow line per JVM (engines interleaved, several rounds). Each row is
the median over the rounds for torch4j (the documented ScriptModel.forward path) and DJL, and their
ratio (torch4j / DJL; below 1 means torch4j is ahead). Standard library only.
"""
import argparse
import json
import statistics
import sys

# (row id, what, DefaultsRow field, unit, target ratio: torch4j / DJL at or below it)
ROWS = [
    ("cnn_batch1_wall_per_call", "CNN batch 1, wall time per call, default threads", "wall_us", "us", 0.9),
    ("torchscript_load", "TorchScript load (libtorch + model, first use in a fresh JVM)", "load_ms", "ms", 1.0),
    ("cnn_peak_rss", "peak RSS after load + CNN calls (VmHWM)", "peak_rss_mb", "MB", 1.0),
]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("samples")
    ap.add_argument("out")
    ap.add_argument("--load-before", default="")
    ap.add_argument("--load-after", default="")
    ap.add_argument("--rounds", type=int, default=0)
    ap.add_argument("--settings", default="")
    a = ap.parse_args()
    by_engine = {}
    with open(a.samples) as f:
        for line in f:
            line = line.strip()
            if line.startswith("{"):
                s = json.loads(line)
                by_engine.setdefault(s["engine"], []).append(s)
    if "torch4j" not in by_engine or "djl" not in by_engine:
        sys.exit("rows.py: need samples from both torch4j and djl in " + a.samples)
    rows = []
    for rid, what, field, unit, target in ROWS:
        t = [s[field] for s in by_engine["torch4j"]]
        d = [s[field] for s in by_engine["djl"]]
        tm, dm = statistics.median(t), statistics.median(d)
        ratio = tm / dm if dm else None
        # Per-round ratios (torch4j's i-th JVM against DJL's i-th, run back to back) show the spread.
        per_round = [x / y for x, y in zip(t, d) if y]
        rows.append({
            "row": rid, "what": what, "unit": unit,
            "torch4j": tm, "djl": dm, "ratio": round(ratio, 3) if ratio else None,
            "target_ratio": target, "met": ratio is not None and ratio <= target,
            "per_round_ratios": [round(r, 3) for r in per_round],
            # Means show what medians hide: rounds where one engine's calls stall (threads descheduled).
            "torch4j_mean": round(statistics.fmean(t), 1), "djl_mean": round(statistics.fmean(d), 1),
            "torch4j_samples": t, "djl_samples": d,
        })
    # Not a target: the process CPU spent while loading (every thread), which other load does not inflate.
    extra = []
    if all("load_cpu_ms" in x for x in by_engine["torch4j"] + by_engine["djl"]):
        t = [x["load_cpu_ms"] for x in by_engine["torch4j"]]
        d = [x["load_cpu_ms"] for x in by_engine["djl"]]
        extra.append({"row": "torchscript_load_cpu", "what": "process CPU time during the load (all threads)", "unit": "ms",
                      "torch4j": statistics.median(t), "djl": statistics.median(d),
                      "ratio": round(statistics.median(t) / statistics.median(d), 3), "torch4j_samples": t, "djl_samples": d})
    out = {
        "source": "benchmarks/inference/run.sh (DefaultsRow, one fresh JVM per engine and round, interleaved)",
        "workload": "cnn_1: ResNet-like CNN 3x32x32, batch 1 (gen_inference_fixtures.py, outputs checked against PyTorch 1e-5)",
        "engines": {"torch4j": "ScriptModel.forward(InputTensors.of(float[], shape)).toFloatArray()",
                    "djl": "DJL 0.36 PyTorch engine, Predictor.predict(NDList)"},
        "rounds": a.rounds or len(by_engine["torch4j"]),
        "load_average_before": a.load_before.split(),
        "load_average_after": a.load_after.split(),
        "settings": a.settings,
        "rows": rows,
        "extra_rows": extra,
    }
    with open(a.out, "w") as f:
        json.dump(out, f, indent=2)
        f.write("\n")
    for r in rows:
        print("inference-row %-26s torch4j %9.1f %s  DJL %9.1f %s  ratio %.2fx  (target <= %.1fx: %s)  rounds %s" % (
            r["row"], r["torch4j"], r["unit"], r["djl"], r["unit"], r["ratio"], r["target_ratio"],
            "met" if r["met"] else "MISSED", " ".join("%.2f" % x for x in r["per_round_ratios"])))
    for r in extra:
        print("inference-info %-25s torch4j %9.1f %s  DJL %9.1f %s  ratio %.2fx  (no target)" % (
            r["row"], r["torch4j"], r["unit"], r["djl"], r["unit"], r["ratio"]))
    wall = rows[0]
    print("inference-row means (wall per call): torch4j %.1f us, DJL %.1f us" % (wall["torch4j_mean"], wall["djl_mean"]))
    print("inference-rows json: " + a.out)


if __name__ == "__main__":
    main()
