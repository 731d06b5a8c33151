#!/usr/bin/env python3
"""Benchmark harness and report (stdlib only).

  report.py run --mock-url URL --mock-pid PID --bin DIR --rounds R --counts JSON --out RAW.jsonl
      runs every workload against every contender, in alternation, R rounds; each run is a fresh
      process whose JSON line is kept with its round, its own CPU time and the mock's CPU time.
  report.py report --raw RAW.jsonl --so PATH --md OUT.md [--smoke] [--assert-targets]
      medians, ratios (libfastgpt / contender), targets, machine; prints the table, writes OUT.md.
"""
import argparse
import datetime
import json
import os
import platform
import resource
import statistics
import subprocess
import sys
import time

CONTENDERS = ["libfastgpt", "reqwest", "curl", "httpx"]
# Contenders of one workload only: libcurl reading the stream with a hand-written SSE splitter and
# cJSON for every frame (what a C developer would write instead of the library).
EXTRA_CONTENDERS = {"stream": ["curl-cjson"]}
ALL_CONTENDERS = CONTENDERS + ["curl-cjson"]
RATIO_CONTENDERS = ["reqwest", "curl", "curl-cjson", "httpx"]
LABEL = {"libfastgpt": "libfastgpt", "reqwest": "raw reqwest", "curl": "libcurl", "httpx": "Python httpx",
         "curl-cjson": "libcurl + cJSON",
         "go-libfastgpt": "Go binding", "openai-go": "openai-go v3", "go-openai": "go-openai"}
WORKLOADS = ["unary", "concurrent", "stream", "open_streams", "cold"]
# The Go SDKs (bench/go, binary fastgpt-go-bench): chat completions on the OpenAI-compatible
# endpoint, run only when the binary was built.
GO_CONTENDERS = ["go-libfastgpt", "openai-go", "go-openai"]
GO_WORKLOADS = ["go_unary", "go_concurrent", "go_stream"]
TICKS = os.sysconf("SC_CLK_TCK")


def command(contender, bindir, url, workload, counts):
    if contender in GO_CONTENDERS:
        args = {"go_unary": [str(counts["unary"])],
                "go_concurrent": [str(counts["concurrent"]), str(counts["inflight"])],
                "go_stream": [str(counts["stream"])]}[workload]
        return [os.path.join(bindir, "fastgpt-go-bench"), contender, url, workload] + args
    prog = {
        "libfastgpt": [os.path.join(bindir, "fastgpt_bench")],
        "reqwest": [os.path.join(bindir, "reqwest-baseline")],
        "curl": [os.path.join(bindir, "curl_bench")],
        "curl-cjson": [os.path.join(bindir, "curl_bench")],
        "httpx": [sys.executable, os.path.join(os.path.dirname(os.path.abspath(__file__)), "py", "httpx_bench.py")],
    }[contender]
    args = {
        "unary": [str(counts["unary"])],
        "concurrent": [str(counts["concurrent"]), str(counts["inflight"])],
        "stream": [str(counts["stream"])],
        "open_streams": [str(counts["open_streams"])],
        "cold": [],
    }[workload]
    if contender == "curl-cjson":
        workload = "stream_json"
    return prog + [url, workload] + args


def proc_cpu_s(pid):
    with open("/proc/%d/stat" % pid) as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / TICKS  # utime + stime


def children_cpu_s():
    r = resource.getrusage(resource.RUSAGE_CHILDREN)
    return r.ru_utime + r.ru_stime


def run(args):
    counts = json.loads(args.counts)
    failures = 0
    with open(args.out, "w") as out:
        suites = [(WORKLOADS, CONTENDERS)]
        if os.path.exists(os.path.join(args.bin, "fastgpt-go-bench")):
            suites.append((GO_WORKLOADS, GO_CONTENDERS))
        only = set(args.workloads.split(",")) if args.workloads else None
        plan = [(w, c + EXTRA_CONTENDERS.get(w, [])) for ws, c in suites for w in ws if only is None or w in only]
        for rnd in range(args.rounds):
            for wi, (workload, contenders) in enumerate(plan):
                # Rotate the order every round and workload so no contender always runs first.
                k = (rnd + wi) % len(contenders)
                for contender in contenders[k:] + contenders[:k]:
                    cmd = command(contender, args.bin, args.mock_url, workload, counts)
                    mock0, child0, t0 = proc_cpu_s(args.mock_pid), children_cpu_s(), time.perf_counter()
                    p = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, timeout=900)
                    wall = time.perf_counter() - t0
                    mock_cpu, client_cpu = proc_cpu_s(args.mock_pid) - mock0, children_cpu_s() - child0
                    line = p.stdout.strip().splitlines()[-1] if p.stdout.strip() else ""
                    try:
                        rec = json.loads(line)
                    except ValueError:
                        rec = None
                    if p.returncode != 0 or rec is None or rec.get("workload") != workload:
                        failures += 1
                        print("FAILED: %s %s (exit %d)\n%s" % (contender, workload, p.returncode, p.stderr.strip()),
                              file=sys.stderr)
                        continue
                    rec.update(round=rnd, wall=wall, mock_cpu_s=mock_cpu, client_cpu_s=client_cpu)
                    out.write(json.dumps(rec) + "\n")
                    out.flush()
                    print("  round %d %-12s %-10s %s" % (rnd + 1, workload, contender, summary(rec)), file=sys.stderr)
    if failures:
        print("%d benchmark run(s) failed" % failures, file=sys.stderr)
        sys.exit(1)


def summary(rec):
    w = rec["workload"].replace("go_", "")
    if w == "unary":
        return "%.1f us/call" % (rec["secs"] / rec["n"] * 1e6)
    if w == "concurrent":
        return "%.0f calls/s" % (rec["n"] / rec["secs"])
    if w == "stream":
        return "%.0f events/s, first event %.2f ms" % (rec["n"] / rec["secs"], rec["ttfe_ms"])
    if w == "open_streams":
        return "%.1f KB/stream" % rec["kb_per_stream"]
    return "%.2f ms" % (rec["secs"] * 1e3)


# metric: (workload, name, unit, function of a record, higher_is_better)
METRICS = [
    ("unary", "time per call", "µs", lambda r: r["secs"] / r["n"] * 1e6, False),
    ("unary", "client CPU per call", "µs", lambda r: r["client_cpu_s"] / r["n"] * 1e6, False),
    ("concurrent", "throughput", "calls/s", lambda r: r["n"] / r["secs"], True),
    ("concurrent", "client CPU per call", "µs", lambda r: r["client_cpu_s"] / r["n"] * 1e6, False),
    ("stream", "throughput", "events/s", lambda r: r["n"] / r["secs"], True),
    ("stream", "time to first event", "ms", lambda r: r["ttfe_ms"], False),
    ("open_streams", "RSS per open stream", "KB", lambda r: r["kb_per_stream"], False),
    ("cold", "client new + first call", "ms", lambda r: r["secs"] * 1e3, False),
]

GO_METRICS = [
    ("go_unary", "time per call", "µs", lambda r: r["secs"] / r["n"] * 1e6, False),
    ("go_unary", "client CPU per call", "µs", lambda r: r["client_cpu_s"] / r["n"] * 1e6, False),
    ("go_concurrent", "throughput", "calls/s", lambda r: r["n"] / r["secs"], True),
    ("go_concurrent", "client CPU per call", "µs", lambda r: r["client_cpu_s"] / r["n"] * 1e6, False),
    ("go_stream", "throughput", "events/s", lambda r: r["n"] / r["secs"], True),
    ("go_stream", "time to first event", "ms", lambda r: r["ttfe_ms"], False),
]

# The Go binding against the better of the two SDKs: (workload, metric, op, bound, text).
GO_TARGETS = [
    ("go_stream", "throughput", ">=", 3.0, "stream ≥ 3× the faster SDK's events/s"),
    ("go_unary", "client CPU per call", "<=", 1.0, "unary CPU per call ≤ the leaner SDK's"),
    ("go_concurrent", "throughput", ">=", 1.0, "64 in flight calls/s ≥ the faster tuned SDK's"),
]

# (workload, metric name, contender or None for an absolute target, op, bound, text). CPU per call
# and throughput rather than time per call: on a shared 2-core machine time swings with wake-ups.
TARGETS = [
    ("unary", "client CPU per call", "curl", "<=", 1.3, "CPU per call ≤ 1.3× libcurl"),
    ("unary", "client CPU per call", "reqwest", "<=", 1.0, "CPU per call ≤ raw reqwest"),
    ("unary", "time per call", "httpx", "<=", 0.10, "≥ 10× faster than httpx"),
    ("concurrent", "throughput", "curl", ">=", 1.0, "calls/s ≥ libcurl multi"),
    ("concurrent", "client CPU per call", "curl", "<=", 1.3, "CPU per call ≤ 1.3× libcurl"),
    ("stream", "throughput", "curl-cjson", ">=", 3.0, "≥ 3× libcurl + cJSON"),
    ("stream", "throughput", "reqwest", ">=", 0.5, "≥ 0.5× raw reqwest (bytes only)"),
    ("stream", "throughput", "httpx", ">=", 10.0, "≥ 10× httpx"),
    ("open_streams", "RSS per open stream", "curl", "<=", 1.5, "≤ 1.5× libcurl"),
    ("open_streams", "RSS per open stream", None, "<=", 50.0, "≤ 50 KB"),
    ("cold", "client new + first call", "curl", "<=", 2.0, "≤ 2× libcurl"),
]


def fmt(v, unit=""):
    if v is None:
        return "n/a"
    if abs(v) >= 1000:
        s = "{:,.0f}".format(v)
    elif abs(v) >= 100:
        s = "%.0f" % v
    elif abs(v) >= 10:
        s = "%.1f" % v
    else:
        s = "%.2f" % v
    return s


def machine():
    def cmd(*c):
        try:
            return subprocess.run(c, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True).stdout.strip()
        except OSError:
            return "n/a"

    model = "unknown"
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    model = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    mem = ""
    try:
        with open("/proc/meminfo") as f:
            mem = "%.0f GiB" % (int(f.readline().split()[1]) / 1024 / 1024)
    except OSError:
        pass
    try:
        import httpx  # noqa: F401
        httpx_v = httpx.__version__
    except ImportError:
        httpx_v = "not installed"
    return [
        ("date", datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")),
        ("CPU", "%s × %d (nproc)" % (model, os.cpu_count() or 0)),
        ("memory", mem),
        ("OS", "%s %s" % (platform.system(), platform.release())),
        ("rustc", cmd("rustc", "--version")),
        ("gcc", cmd("gcc", "--version").splitlines()[0] if cmd("gcc", "--version") else "n/a"),
        ("python / httpx", "%s / %s" % (platform.python_version(), httpx_v)),
        ("libcurl", cmd("curl-config", "--version")),
    ]


def report(args):
    recs = [json.loads(line) for line in open(args.raw) if line.strip()]
    by = {}
    for r in recs:
        by.setdefault((r["workload"], r["contender"]), []).append(r)
    rounds = max((r["round"] for r in recs), default=-1) + 1
    med = {}
    for workload, name, unit, fn, _ in METRICS:
        for c in ALL_CONTENDERS:
            rs = by.get((workload, c))
            med[(workload, name, c)] = statistics.median(fn(r) for r in rs) if rs else None

    def ratio(workload, name, c):
        a, b = med[(workload, name, "libfastgpt")], med[(workload, name, c)]
        return a / b if a is not None and b else None

    lines = []
    lines.append("| workload | metric | " + " | ".join(LABEL[c] for c in ALL_CONTENDERS) + " | " +
                 " | ".join("÷ " + LABEL[c] for c in RATIO_CONTENDERS) + " |")
    lines.append("|---|---|" + "---:|" * (len(ALL_CONTENDERS) + len(RATIO_CONTENDERS)))
    for workload, name, unit, fn, _ in METRICS:
        cells = ["" if c == "curl-cjson" and workload != "stream" else fmt(med[(workload, name, c)])
                 for c in ALL_CONTENDERS]
        ratios = ["" if c == "curl-cjson" and workload != "stream" else
                  fmt(ratio(workload, name, c)) + ("×" if ratio(workload, name, c) is not None else "")
                  for c in RATIO_CONTENDERS]
        lines.append("| %s | %s (%s) | %s | %s |" % (workload, name, unit, " | ".join(cells), " | ".join(ratios)))
    so_size = os.path.getsize(args.so) if args.so and os.path.exists(args.so) else None
    lines.append("| size | stripped libfastgpt.so (MB) | %s |" % (fmt(so_size / 1e6) if so_size else "n/a") +
                 " |" * (len(ALL_CONTENDERS) - 1 + len(RATIO_CONTENDERS)))

    # The mock's share: CPU seconds it used per wall second of the contender's run.
    mock_lines = ["| workload | " + " | ".join(LABEL[c] for c in ALL_CONTENDERS) + " |",
                  "|---|" + "---:|" * len(ALL_CONTENDERS)]
    for workload in WORKLOADS:
        cells = []
        for c in ALL_CONTENDERS:
            rs = by.get((workload, c))
            cells.append("%.0f%%" % (100 * statistics.median(r["mock_cpu_s"] / r["wall"] for r in rs)) if rs else "n/a")
        mock_lines.append("| %s | %s |" % (workload, " | ".join(cells)))

    target_lines = ["| target | measured | met |", "|---|---:|:---:|"]
    missed = 0
    for workload, name, c, op, bound, text in TARGETS:
        v = med[(workload, name, "libfastgpt")] if c is None else ratio(workload, name, c)
        ok = v is not None and (v <= bound if op == "<=" else v >= bound)
        missed += not ok
        shown = (fmt(v) + (" KB" if c is None else "×")) if v is not None else "n/a"
        if c == "httpx" and v and op == "<=":
            shown += " (%s× faster)" % fmt(1 / v)
        target_lines.append("| %s %s | %s | %s |" % (workload, text, shown, "yes" if ok else "**no**"))
    ok = so_size is not None and so_size <= 8e6
    missed += not ok
    target_lines.append("| stripped .so ≤ 8 MB | %s MB | %s |" % (fmt(so_size / 1e6) if so_size else "n/a",
                                                                  "yes" if ok else "**no**"))

    counts = {}
    for r in recs:
        if r["contender"] == "libfastgpt":
            counts[r["workload"]] = r
    desc = "unary %s calls; concurrent %s calls, %s in flight; stream %s answer events (realistic content: English/CJK text, markdown, code; 1 in 5 frames with JSON escapes; detail mode); " \
           "open streams %s; %d round(s), medians" % (
               counts.get("unary", {}).get("n", "?"), counts.get("concurrent", {}).get("n", "?"),
               counts.get("concurrent", {}).get("inflight", "?"), counts.get("stream", {}).get("n", "?"),
               counts.get("open_streams", {}).get("n", "?"), rounds)
    go_lines, go_target_lines, go_missed = go_report(by)
    missed += go_missed
    md = []
    md.append("# libfastgpt benchmark results%s\n" % (" (smoke run: small counts, targets not asserted)"
                                                       if args.smoke else ""))
    md.append(desc + ". Ratios are libfastgpt ÷ contender of the metric in that row (time: lower is "
              "better; throughput: higher is better).\n")
    md.extend(lines)
    md.append("\n## Targets\n")
    md.extend(target_lines)
    if go_lines:
        md.append("\n## Go: the binding beside the Go OpenAI SDKs\n")
        md.append("Chat completions on the mock's OpenAI-compatible `POST /api/v1/chat/completions` (bench/go: "
                  "openai-go and go-openai with a tuned `http.Transport`, MaxIdleConnsPerHost ≥ 2 × in flight); "
                  "same counts as above. Ratios: Go binding ÷ SDK.\n")
        md.extend(go_lines)
        md.append("")
        md.extend(go_target_lines)
    md.append("\n## The mock's CPU use (CPU seconds per wall second of each run; 100%% = one core of %d)\n"
              % (os.cpu_count() or 0))
    md.extend(mock_lines)
    md.append("\n## Machine\n")
    md.append("| | |\n|---|---|")
    md.extend("| %s | %s |" % kv for kv in machine())
    text = "\n".join(md) + "\n"
    print(text)
    with open(args.md, "w") as f:
        f.write(text)
    if args.assert_targets and missed:
        print("%d target(s) missed" % missed, file=sys.stderr)
        sys.exit(1)


def go_report(by):
    """The Go table and its targets; empty when no Go run was recorded."""
    if not any(w in GO_WORKLOADS for w, _ in by):
        return [], [], 0
    med = {}
    for workload, name, unit, fn, _ in GO_METRICS:
        for c in GO_CONTENDERS:
            rs = by.get((workload, c))
            med[(workload, name, c)] = statistics.median(fn(r) for r in rs) if rs else None
    sdks = GO_CONTENDERS[1:]
    lines = ["| workload | metric | " + " | ".join(LABEL[c] for c in GO_CONTENDERS) + " | " +
             " | ".join("÷ " + LABEL[c] for c in sdks) + " |",
             "|---|---|" + "---:|" * (len(GO_CONTENDERS) + len(sdks))]
    for workload, name, unit, fn, _ in GO_METRICS:
        a = med[(workload, name, "go-libfastgpt")]
        cells = [fmt(med[(workload, name, c)]) for c in GO_CONTENDERS]
        ratios = []
        for c in sdks:
            b = med[(workload, name, c)]
            ratios.append(fmt(a / b) + "×" if a is not None and b else "n/a")
        lines.append("| %s | %s (%s) | %s | %s |" % (workload[3:], name, unit, " | ".join(cells), " | ".join(ratios)))
    target_lines = ["| Go target | measured | met |", "|---|---:|:---:|"]
    missed = 0
    for workload, name, op, bound, text in GO_TARGETS:
        higher = op == ">="
        a = med[(workload, name, "go-libfastgpt")]
        vals = [med[(workload, name, c)] for c in sdks if med[(workload, name, c)]]
        best = (max(vals) if higher else min(vals)) if vals else None
        v = a / best if a is not None and best else None
        ok = v is not None and (v >= bound if higher else v <= bound)
        missed += not ok
        target_lines.append("| %s | %s | %s |" % (text, fmt(v) + "×" if v is not None else "n/a", "yes" if ok else "**no**"))
    return lines, target_lines, missed


def main():
    ap = argparse.ArgumentParser()
    sub = ap.add_subparsers(dest="cmd", required=True)
    r = sub.add_parser("run")
    r.add_argument("--mock-url", required=True)
    r.add_argument("--mock-pid", type=int, required=True)
    r.add_argument("--bin", required=True)
    r.add_argument("--rounds", type=int, default=3)
    r.add_argument("--counts", required=True)
    r.add_argument("--out", required=True)
    r.add_argument("--workloads", default="", help="comma-separated workloads to run (default: all)")
    p = sub.add_parser("report")
    p.add_argument("--raw", required=True)
    p.add_argument("--so")
    p.add_argument("--md", required=True)
    p.add_argument("--smoke", action="store_true")
    p.add_argument("--assert-targets", action="store_true")
    args = ap.parse_args()
    (run if args.cmd == "run" else report)(args)


if __name__ == "__main__":
    main()
