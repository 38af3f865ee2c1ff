#!/usr/bin/env python3
"""Measures inspect's peak RSS, merges it with the JMH and PyTorch results, prints the ratio table
and writes everything as one JSON (any python3; no torch needed).

    report.py --workloads DIR --jmh JMH.json --python PY.json --cli torch4j.jar [--process ROWS.json] --out RESULT.json
    report.py --table RESULT.json          (print the tables of an earlier run)
    report.py --markdown BASELINE.json     (issue 28's table, from issue28.py's output, as Markdown)
    report.py --update-doc docs/performance.md   (rewrite the generated table from the baseline it names)
    report.py --check-doc docs/performance.md    (exit 1 when the doc's table is not the baseline's)

The second table is issue 14's (work | torch4j | anchor | ratio | target | status): the whole-process
rows of process_rows.py (ROWS.json) and the warm full read from JMH, ready for the README.
"""
import argparse
import json
import os
import platform
import re
import subprocess
import time

GB = 1e9


def jmh_scores(path):
    """{(benchmark method, workload): {"ms": .., "err": .., "alloc": bytes/op or None}}."""
    out = {}
    for r in json.load(open(path)):
        name = r["benchmark"].rsplit(".", 2)
        key = (name[-2] + "." + name[-1], r.get("params", {}).get("workload", ""))
        pm = r["primaryMetric"]
        alloc = r.get("secondaryMetrics", {}).get("gc.alloc.rate.norm")
        out[key] = {"ms": pm["score"], "err": pm["scoreError"], "unit": pm["scoreUnit"],
                    "alloc": alloc["score"] if alloc else None,
                    "forks": r.get("forks"), "iterations": r.get("measurementIterations")}
    return out


def peak_rss_kib(cli_jar, file):
    """Peak RSS (VmHWM) of `java -jar torch4j.jar inspect FILE`, through /usr/bin/time -v."""
    p = subprocess.run(["/usr/bin/time", "-v", "java", "-jar", cli_jar, "inspect", file],
                       stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    m = re.search(r"Maximum resident set size \(kbytes\): (\d+)", p.stderr)
    return {"kib": int(m.group(1)) if m else None, "exit": p.returncode}


def status(ok):
    return "n/a" if ok is None else ("MET" if ok else "MISSED")


def build_rows(res):
    j = {tuple(k.split("|")): v for k, v in res["jmh"].items()}
    py = res.get("python", {}).get("workloads", {})
    man = res["manifest"]["workloads"]
    rows = []

    def ms(bench, w):
        v = j.get((bench, w))
        return v["ms"] if v else None

    def gbs(bench, w, nbytes=None):
        t = ms(bench, w)
        b = nbytes if nbytes is not None else man.get(w, {}).get("bytes")
        return b / (t / 1000) / GB if t and b else None

    def add(metric, value, ref, ratio, target, ok, note=""):
        rows.append({"metric": metric, "torch4j": value, "reference": ref, "ratio": ratio, "target": target,
                     "status": status(ok), "note": note})

    for w in ("large", "many", "legacy", "pickle", "safetensors"):
        t = ms("OpenIndexBench.openIndex", w)
        p = py.get(w, {}).get("load", {}).get("best_ms")
        if t is None:
            continue
        alloc = j.get(("OpenIndexBench.openIndex", w), {}).get("alloc")
        r = t / p if p else None
        target = "<= 0.1x torch.load" + (" and < 50 ms" if w == "large" else "")
        ok = None if r is None else (r <= 0.1 and (w != "large" or t < 50)) if w in ("large", "many") else None
        add(f"open+index {w}", f"{t:.1f} ms", f"{p:.1f} ms" if p else "-", f"{r:.3f}x" if r else "-",
            target if w in ("large", "many") else "(info)", ok,
            f"{alloc / 2**20:.1f} MiB allocated/op" if alloc is not None else "")
    for w in ("large", "many", "legacy", "pickle", "safetensors"):
        read, copy = gbs("FullReadBench.touchOpened", w), gbs("FullReadBench.memcpy", w)
        if read is None:
            continue
        r = read / copy if copy else None
        add(f"full read (warm) {w}", f"{read:.2f} GB/s", f"memcpy {copy:.2f} GB/s" if copy else "-",
            f"{r:.2f}x" if r else "-", ">= 0.8x memcpy", None if r is None else r >= 0.8)
    for w in ("large", "many", "legacy", "pickle", "safetensors"):
        t = ms("FullReadBench.loadAndTouch", w)
        p = py.get(w, {}).get("load_touch", {}).get("best_ms")
        if t is None:
            continue
        r = t / p if p else None
        add(f"load+touch every byte {w}", f"{t:.1f} ms", f"{p:.1f} ms" if p else "-", f"{r:.3f}x" if r else "-",
            "<= 0.333x (3x faster)", None if r is None else r <= 1 / 3)
    save, raw = gbs("SaveBench.torchSave", "", man["large"]["bytes"]), gbs("SaveBench.rawWrite", "", man["large"]["bytes"])
    if save:
        r = save / raw if raw else None
        add("Torch.save large", f"{save:.2f} GB/s", f"raw write {raw:.2f} GB/s" if raw else "-",
            f"{r:.2f}x" if r else "-", ">= 0.8x raw write", None if r is None else r >= 0.8, "both fsync")
    conv = gbs("SaveBench.convertToSafetensors", "", man["large"]["bytes"])
    if conv:
        add("convert large zip -> safetensors", f"{conv:.2f} GB/s", f"raw write {raw:.2f} GB/s" if raw else "-",
            f"{conv / raw:.2f}x" if raw else "-", "(info)", None)
    for w in ("large", "safetensors"):
        m = gbs("MaterializeBench.toFloatArray", w)
        if m:
            add(f"toFloatArray {w}", f"{m:.2f} GB/s", "-", "-", "(info)", None, "GB/s of file bytes; bf16 widened")
    pyro, own = ms("PyroliteBench.unpickleMany", ""), ms("OpenIndexBench.openIndex", "many")
    if pyro:
        add("Pyrolite unpickle many data.pkl", f"{pyro:.1f} ms", f"torch4j open+index {own:.1f} ms" if own else "-",
            f"{own / pyro:.2f}x" if own else "-", "(info: torch4j / Pyrolite)", None)
    rss = res.get("rss", {})
    if rss.get("large", {}).get("kib") and rss.get("tiny", {}).get("kib"):
        r = rss["large"]["kib"] / rss["tiny"]["kib"]
        add("inspect peak RSS large", f"{rss['large']['kib'] / 1024:.0f} MiB", f"1 MiB file {rss['tiny']['kib'] / 1024:.0f} MiB",
            f"{r:.2f}x", "<= 1.5x", r <= 1.5,
            f"many: {rss['many']['kib'] / 1024:.0f} MiB" if rss.get("many", {}).get("kib") else "")
    return rows


def issue14_rows(res):
    """Issue 14's table: whole-process rows (process_rows.py) then the warm full read (JMH)."""
    rows = list(res.get("process", {}).get("rows", []))
    j = {tuple(k.split("|")): v for k, v in res["jmh"].items()}
    man = res["manifest"]["workloads"]
    for w in ("large", "pickle"):
        copy = j.get(("FullReadBench.memcpy", w))
        nbytes = man.get(w, {}).get("bytes")
        if not copy or not nbytes:
            continue
        gbs = lambda v: nbytes / (v["ms"] / 1000) / GB
        for bench, label in (("FullReadBench.touchOpened", "one thread"), ("FullReadBench.touchOpenedAllCores", "all cores")):
            read = j.get((bench, w))
            if not read:
                continue
            r = gbs(read) / gbs(copy)
            rows.append({"work": f"full read, warm (JMH), `{w}`, {label}", "torch4j": f"{gbs(read):.1f} GB/s",
                         "anchor": f"memcpy {gbs(copy):.1f} GB/s (one thread)", "ratio": f"{r:.2f}x", "target": ">= 0.8x",
                         "status": status(r >= 0.8), "note": ""})
    return rows


def markdown(rows, cols):
    width = {c: max(len(c), *(len(str(r.get(c, ""))) for r in rows)) for c in cols}
    line = lambda vals: "| " + " | ".join(str(v).ljust(width[c]) for c, v in zip(cols, vals)) + " |"
    print(line(cols))
    print("|" + "|".join("-" * (width[c] + 2) for c in cols) + "|")
    for r in rows:
        print(line([r.get(c, "") for c in cols]))


def print_table(res):
    rows = build_rows(res)
    markdown(rows, ["metric", "torch4j", "reference", "ratio", "target", "status", "note"])
    issue = issue14_rows(res)
    if issue:
        print("\nIssue 14 (whole process: the distribution's launcher; anchors in one process each):\n")
        markdown(issue, ["work", "torch4j", "anchor", "ratio", "target", "status"])
        notes = [f"- {r['work']}: {r['note']}" for r in issue if r.get("note")]
        if notes:
            print("\n" + "\n".join(notes))
    print(f"\n{res['settings']}")
    return rows


ISSUE28_COLS = ["work", "torch4j", "anchor", "ratio", "target", "status"]
# The generated part of a doc: the opening marker names the baseline it comes from.
DOC_BEGIN = re.compile(r"<!-- generated by benchmarks/src/main/python/report.py --update-doc from (\S+\.json); do not edit -->\n")
DOC_END = "<!-- end of generated table -->"


def issue28_markdown(res):
    """Issue 28's table as Markdown: a line on when and where, the table, then each row's note."""
    la = res.get("loadavg", {})
    fmt = lambda v: "/".join("%.1f" % x for x in v) if v else "?"
    secs = res.get("seconds", 0)
    took = f"{secs} s" if secs < 120 else f"{secs / 60:.0f} min"
    out = [f"Measured {res['date']} by `benchmarks/run.sh --table` in {took} on {res.get('cpus')} CPUs, "
           f"load average (1/5/15 min) {fmt(la.get('start'))} at the start and {fmt(la.get('end'))} at the end; "
           f"{res.get('rounds')} interleaved rounds per row ({res.get('spark_rounds')} for Spark), "
           "ratios per round (range shown), the median decides the status.", ""]
    esc = lambda v: str(v).replace("|", "\\|")
    out.append("| " + " | ".join(ISSUE28_COLS) + " |")
    out.append("|" + "---|" * len(ISSUE28_COLS))
    for r in res["rows"]:
        out.append("| " + " | ".join(esc(r.get(c, "")) for c in ISSUE28_COLS) + " |")

    def note(r):
        la = r.get("data", {}).get("loadavg")
        load = f"load average {fmt(la['before'])} before, {fmt(la['after'])} after" if la else ""
        if la and la.get("settled_s"):
            load += f" (after waiting {la['settled_s']} s for it to settle)"
        return "; ".join(x for x in (r.get("note"), load) if x)

    notes = [f"- {r['work']}: {note(r)}" for r in res["rows"] if note(r)]
    if notes:
        out += [""] + notes
    if res.get("settings"):
        out += ["", res["settings"]]
    return "\n".join(out) + "\n"


def generated_part(doc_text):
    """(baseline path, start, end) of the generated part of a doc; None when it has none."""
    m = DOC_BEGIN.search(doc_text)
    if not m:
        return None
    end = doc_text.find(DOC_END, m.end())
    if end < 0:
        raise SystemExit(f"report.py: no '{DOC_END}' after the generated table's opening marker")
    return m.group(1), m.end(), end


def doc_with_table(doc, root):
    """The doc's text with its generated part rebuilt from the baseline its marker names (relative to root)."""
    text = open(doc).read()
    part = generated_part(text)
    if part is None:
        raise SystemExit(f"report.py: {doc}: no generated table marker")
    baseline, start, end = part
    res = json.load(open(os.path.join(root, baseline)))
    return text, text[:start] + "\n" + issue28_markdown(res) + "\n" + text[end:]


def repository_root(doc):
    d = os.path.dirname(os.path.abspath(doc))
    while d != os.path.dirname(d):
        if os.path.exists(os.path.join(d, "mvnw")) or os.path.isdir(os.path.join(d, ".git")):
            return d
        d = os.path.dirname(d)
    return os.getcwd()


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--workloads")
    ap.add_argument("--jmh")
    ap.add_argument("--python")
    ap.add_argument("--cli")
    ap.add_argument("--out")
    ap.add_argument("--settings", default="")
    ap.add_argument("--process", help="whole-process rows written by process_rows.py --out")
    ap.add_argument("--table")
    ap.add_argument("--markdown", help="issue 28's table (issue28.py output) as Markdown")
    ap.add_argument("--update-doc", help="rewrite the doc's generated table from the baseline its marker names")
    ap.add_argument("--check-doc", help="exit 1 when the doc's generated table differs from its baseline's")
    a = ap.parse_args()
    if a.markdown:
        print(issue28_markdown(json.load(open(a.markdown))), end="")
        return
    if a.update_doc or a.check_doc:
        doc = a.update_doc or a.check_doc
        old, new = doc_with_table(doc, repository_root(doc))
        if a.update_doc:
            if new != old:
                with open(doc + ".tmp", "w") as f:
                    f.write(new)
                os.replace(doc + ".tmp", doc)
            print(f"{doc}: table {'rewritten' if new != old else 'already up to date'}")
            return
        if new != old:
            import difflib
            diff = "".join(difflib.unified_diff(old.splitlines(True), new.splitlines(True), doc, doc + " (from the baseline)"))
            raise SystemExit(f"{doc}: the generated table is not its baseline's; run report.py --update-doc {doc}\n{diff}")
        print(f"{doc}: generated table matches its baseline")
        return
    if a.table:
        res = json.load(open(a.table))
        if res.get("kind") == "issue28":
            print(issue28_markdown(res), end="")
        else:
            print_table(res)
        return
    res = {"date": time.strftime("%Y-%m-%dT%H:%M:%S"), "host": platform.node(), "cpus": os.cpu_count(),
           "loadavg_at_report": open("/proc/loadavg").read().split()[:3] if os.path.exists("/proc/loadavg") else None,
           "settings": a.settings,
           "manifest": json.load(open(os.path.join(a.workloads, "workloads.json"))),
           "jmh": {f"{k[0]}|{k[1]}": v for k, v in jmh_scores(a.jmh).items()} if a.jmh and os.path.exists(a.jmh) else {},
           "python": json.load(open(a.python)) if a.python and os.path.exists(a.python) else {},
           "process": json.load(open(a.process)) if a.process and os.path.exists(a.process) else {}}
    if a.cli and os.path.exists(a.cli) and os.path.exists("/usr/bin/time"):
        res["rss"] = {w: peak_rss_kib(a.cli, os.path.join(a.workloads, res["manifest"]["workloads"][w]["file"]))
                      for w in ("tiny", "large", "many") if w in res["manifest"]["workloads"]}
    res["rows"] = print_table(res)
    if a.out:
        with open(a.out, "w") as f:
            json.dump(res, f, indent=1)
        print(f"results: {a.out}")


if __name__ == "__main__":
    main()
