"""Issue 28's table in one run (benchmarks/run.sh --table): each row's torch4j command and its anchor
timed side by side, interleaved round by round, with the load average recorded around every row.

    issue28.py --torch4j bin/torch4j --scratch DIR --out RESULT.json [--rounds 5] [--scan-dir CORPUS]
               [--spark-cp CLASSPATH --spark-opens "JVM FLAGS"] [--inference FILE.json[l] ...]

Run it from the repository root with /usr/bin/python3 (PyTorch and numpy: the anchors of the inspect
rows). Rows:

- `inspect --json` of 20,000 tensors against in-process `torch.load` (import excluded);
- `inspect --json --hash` of a 400 MB protocol-4 pickle of numpy arrays against in-process
  `pickle.load` + sha256 of every array, with torch4j's anonymous memory against the same command on
  a 1 MiB pickle (flat);
- `scan` of the real corpus against picklescan (PICKLESCAN_SRC or importable), one process each;
- `inspect` of a 1 MiB file, absolute (a JVM printing its version beside it, the floor);
- Spark `scan` (local[2]) against `torch4j scan DIR`: total CPU (user + sys from wait4, children
  included) at 200 and 2,000 files on each side, so the per-file (marginal) CPU and the fixed cost
  separate;
- TorchScript CNN batch 1 (wall per call, default threads), load and peak RSS against DJL, read from
  the inference JSON given (benchmarks/inference's output; see read_inference).

Ratios are taken per round (torch4j and its anchor run back to back), the median decides the status.
"""
import argparse, json, os, platform, shutil, statistics, subprocess, sys, time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import process_rows  # noqa: E402  (run_once, make_torch_files, the Python anchors)

FIXTURES = 'java/core/src/test/resources/fixtures'
FIXTURE_KINDS = ('zip', 'legacy', 'pickle', 'torchscript', 'mobile', 'malicious')
SPARK_SIZES = (200, 2000)


def loadavg():
    try:
        return [float(x) for x in open('/proc/loadavg').read().split()[:3]]
    except OSError:
        return None


def run(cmd, capture=False, env=None):
    """process_rows.run_once, optionally keeping a small stdout (the anchors print their in-process time)."""
    quiet = subprocess.DEVNULL  # Spark's warnings, `java -version`: not the table's business
    if not capture:
        return process_rows.run_once(cmd, env=env, stderr=quiet)
    out = os.path.join(SCRATCH, 'stdout.txt')
    wrapped = ['sh', '-c', 'exec "$@" > "$0"', out] + cmd
    r = process_rows.run_once(wrapped, env=env, stderr=quiet)
    r['stdout'] = open(out).read()
    return r


def med(xs):
    return statistics.median(xs) if xs else None


def span(xs, fmt='%.2f', unit=' s'):
    """min-max of the rounds, as the issue writes its ranges."""
    lo, hi = min(xs), max(xs)
    return (fmt % lo) + ('' if fmt % lo == fmt % hi else '-' + fmt % hi) + unit


def row(work, torch4j, anchor, ratios, target, ok, note='', data=None, ratio_text=None):
    status = 'n/a' if ok is None else ('MET' if ok else 'MISSED')
    if ratio_text is None:
        ratio_text = (span(ratios, '%.2f', 'x') + (', median %.2fx' % med(ratios) if len(ratios) > 2 else '')) if ratios else '-'
    return {'work': work, 'torch4j': torch4j, 'anchor': anchor, 'ratio': ratio_text, 'target': target,
            'status': status, 'note': note, 'data': data or {}}


def settle(limit=1.0, longest=90):
    """Waits, at most `longest` s, for the 1-minute load average to fall below `limit` and returns the
    seconds waited: the rows time short processes on an idle machine, and the rows before them (the
    TorchScript JVMs above all) leave the load average near the core count for a minute or two."""
    began = time.time()
    while os.getloadavg()[0] >= limit and time.time() - began < longest:
        time.sleep(2)
    return round(time.time() - began)


def timed_row(fn):
    """Records the load average before and after a row's measurement in its data, after settle()."""
    def wrapper(*a, **k):
        waited = settle()
        before = loadavg()
        rows = fn(*a, **k)
        after = loadavg()
        for r in rows:
            r['data']['loadavg'] = {'before': before, 'after': after, 'settled_s': waited}
        return rows
    return wrapper


# --- inspect rows --------------------------------------------------------------------------------

@timed_row
def inspect_rows(t4j, files, rounds):
    many, tiny, py, floor = [], [], [], []
    java = shutil.which('java')
    for _ in range(rounds):
        many.append(run(t4j + ['inspect', '--json', files['many']]))
        py.append(float(run([sys.executable, '-c', process_rows.PY_TORCH, files['many']], capture=True)['stdout']))
        tiny.append(run(t4j + ['inspect', files['tiny']]))
        if java:
            floor.append(run([java, '-Xshare:auto', '-XX:TieredStopAtLevel=1', '-XX:+UseSerialGC', '-version']))
    t = [r['wall'] for r in many]
    ratios = [a / b for a, b in zip(t, py)]
    n_bytes = os.path.getsize(files['many'])
    rows = [row('`inspect --json` of 20k tensors (%.1f MB)' % (n_bytes / 1e6),
                span(t) + ' (CPU %.2f s)' % med([r['cpu'] for r in many]),
                'in-process `torch.load` ' + span(py), ratios, '<= 0.5x', med(ratios) <= 0.5,
                data={'torch4j_wall': t, 'torch4j_cpu': [r['cpu'] for r in many], 'anchor_wall': py})]
    tt = [r['wall'] for r in tiny]
    fl = [r['wall'] for r in floor]
    rows.append(row('`inspect` of a 1 MiB file', span(tt) + ' (CPU %.2f s)' % med([r['cpu'] for r in tiny]),
                    ('JVM floor (`java -version`, C1, serial GC) ' + span(fl)) if fl else '(absolute)',
                    [], '< 0.15 s', med(tt) < 0.15, ratio_text='-',
                    note='absolute: the median decides; the JVM floor is for reference',
                    data={'torch4j_wall': tt, 'floor_wall': fl}))
    return rows


@timed_row
def hash_rows(t4j, files, rounds):
    big, small, py, pyr = [], [], [], []
    for _ in range(rounds):
        big.append(run(t4j + ['inspect', '--json', '--hash', files['np']]))
        r = run([sys.executable, '-c', process_rows.PY_NP, files['np']], capture=True)
        py.append(float(r['stdout']))
        pyr.append(r['rss'])
        small.append(run(t4j + ['inspect', '--json', '--hash', files['np_tiny']]))
    t = [r['wall'] for r in big]
    ratios = [a / b for a, b in zip(t, py)]
    anon = [r['rss'].get('RssAnon', 0) for r in big]
    anon_tiny = [r['rss'].get('RssAnon', 0) for r in small]
    py_hwm = [r.get('VmHWM', 0) for r in pyr]
    mb = os.path.getsize(files['np']) / 1e6
    anon_ratio = max(anon) / max(1, max(anon_tiny))
    return [row('`inspect --json --hash` of a %.0f MB numpy pickle' % mb,
                span(t) + ', anonymous memory %d MiB' % max(anon),
                'in-process `pickle.load` + sha256 %s, %d MiB' % (span(py), max(py_hwm)), ratios,
                '<= 1.0x; anonymous memory flat (<= 1.5x the 1 MiB pickle\'s)',
                med(ratios) <= 1.0 and anon_ratio <= 1.5,
                note='anonymous memory %d MiB against %d MiB for a 1 MiB pickle (%.2fx); torch4j CPU %.2f s'
                     % (max(anon), max(anon_tiny), anon_ratio, med([r['cpu'] for r in big])),
                data={'torch4j_wall': t, 'anchor_wall': py, 'torch4j_anon_mib': anon, 'tiny_anon_mib': anon_tiny,
                      'anchor_hwm_mib': py_hwm})]


# --- scan against picklescan ---------------------------------------------------------------------

@timed_row
def scan_rows(t4j, corpus, rounds):
    if not corpus or not os.path.isdir(corpus):
        return [row('`scan` of the real corpus, one process', '-', 'no corpus (SCAN_DIR)', [], '<= 0.5x', None)]
    n, size = process_rows.count_files(corpus)
    work = '`scan` of %d real files (%d MB), one process' % (n, size // 10**6)
    src = os.environ.get('PICKLESCAN_SRC')
    extra = os.path.join(src, 'src') if src and os.path.isdir(os.path.join(src, 'src')) else src
    if not process_rows.has_module('picklescan', extra):
        r = [run(t4j + ['scan', corpus])['wall'] for _ in range(rounds)]
        return [row(work, span(r), 'picklescan not available (set PICKLESCAN_SRC)', [], '<= 0.5x', None)]
    env = dict(os.environ)
    if extra:
        env['PYTHONPATH'] = extra + os.pathsep + env.get('PYTHONPATH', '')
    t, p = [], []
    for _ in range(rounds):
        t.append(run(t4j + ['scan', corpus]))
        p.append(run([sys.executable, '-m', 'picklescan', '--path', corpus], env=env))
    tw, pw = [r['wall'] for r in t], [r['wall'] for r in p]
    ratios = [a / b for a, b in zip(tw, pw)]
    cpu_ratio = med([r['cpu'] for r in t]) / med([r['cpu'] for r in p])
    return [row(work, span(tw) + ' (CPU %.2f s)' % med([r['cpu'] for r in t]),
                'picklescan %s (CPU %.2f s)' % (span(pw), med([r['cpu'] for r in p])), ratios, '<= 0.5x',
                med(ratios) <= 0.5, note='CPU ratio %.2fx' % cpu_ratio,
                data={'torch4j_wall': tw, 'anchor_wall': pw, 'torch4j_cpu': [r['cpu'] for r in t],
                      'anchor_cpu': [r['cpu'] for r in p]})]


# --- Spark per file ------------------------------------------------------------------------------

def make_store(scratch, n):
    """n copies of the PyTorch-written fixtures (1-20 KB each), 500 to a folder, as java/spark/bench.sh builds them."""
    store = os.path.join(scratch, 'spark-store-%d' % n)
    if os.path.isdir(store):
        return store
    fix = sorted(os.path.relpath(os.path.join(d, f), FIXTURES)
                 for k in FIXTURE_KINDS for d, _, fs in os.walk(os.path.join(FIXTURES, k)) for f in fs)
    tmp = store + '.tmp'
    shutil.rmtree(tmp, ignore_errors=True)
    for i in range(n):
        f = fix[i % len(fix)]
        d = os.path.join(tmp, 'small', str(i // 500))
        os.makedirs(d, exist_ok=True)
        shutil.copyfile(os.path.join(FIXTURES, f), os.path.join(d, '%d-%s' % (i, os.path.basename(f))))
    os.rename(tmp, store)
    return store


def spark_cmd(cp, opens, store, out, cds):
    """The local driver as docs/spark.md recommends launching it: C1 only (a short job spends most of its CPU in
    C2) and a class-data-sharing archive of Spark's classes (`cds`: ('dump'|'use', file)), the two things the
    CLI's launcher does for itself."""
    flag = '-XX:ArchiveClassesAtExit=' if cds[0] == 'dump' else '-XX:SharedArchiveFile='
    return (['java', '-Xmx1g', '-XX:TieredStopAtLevel=1', flag + cds[1]] + opens.split()
            + ['-cp', cp, 'dev.torch4j.spark.Main', 'scan', store, out, '--master', 'local[2]', '--force', '--json'])


@timed_row
def spark_rows(t4j, cp, opens, scratch, rounds):
    work = 'Spark `scan` (local[2]), CPU per file, 200 and 2,000 files'
    if not cp:
        return [row(work, '-', 'no Spark class path (build java/spark)', [], '<= 3x', None)]
    stores = {n: make_store(scratch, n) for n in SPARK_SIZES}
    archive = os.path.join(os.path.abspath(scratch), 'spark-cds.jsa')
    if os.path.exists(archive):
        os.remove(archive)  # made by this run's class path and JVM, or Java ignores it
    training = run(spark_cmd(cp, opens, stores[SPARK_SIZES[0]], os.path.join(scratch, 'spark-out-cds'), ('dump', archive)))
    cds = ('use', archive)
    spark = {n: [] for n in SPARK_SIZES}
    cli = {n: [] for n in SPARK_SIZES}
    job = {n: [] for n in SPARK_SIZES}
    for _ in range(rounds):
        for n in SPARK_SIZES:
            r = run(spark_cmd(cp, opens, stores[n], os.path.join(scratch, 'spark-out-%d' % n), cds), capture=True)
            if r['exit'] not in (0, 1):
                return [row(work, 'Spark exited %d' % r['exit'], '', [], '<= 3x', None)]
            spark[n].append(r['cpu'])
            try:
                job[n].append(json.loads(r['stdout'].strip().splitlines()[-1]))
            except (ValueError, IndexError):
                pass
            cli[n].append(run(t4j + ['scan', stores[n]])['cpu'])
    lo, hi = SPARK_SIZES
    marginal = lambda d: (med(d[hi]) - med(d[lo])) / (hi - lo)
    s_per, c_per = marginal(spark), marginal(cli)
    s_fixed, c_fixed = med(spark[lo]) - lo * s_per, med(cli[lo]) - lo * c_per
    per_round = [((s2 - s1) / (hi - lo)) / max(1e-9, (c2 - c1) / (hi - lo))
                 for s1, s2, c1, c2 in zip(spark[lo], spark[hi], cli[lo], cli[hi])]
    ratio = s_per / c_per if c_per > 0 else float('inf')
    tasks = [j.get('taskCpuSeconds') for j in job[hi] if j.get('taskCpuSeconds') is not None]
    # the same difference over the job alone (Main's own counter, from session up to before stop): less noisy
    job_cpu = {n: [j['cpuSeconds'] for j in job[n] if j.get('cpuSeconds') is not None] for n in SPARK_SIZES}
    job_per = (med(job_cpu[hi]) - med(job_cpu[lo])) / (hi - lo) if job_cpu[lo] and job_cpu[hi] else None
    return [row(work, '%.2f ms/file; fixed %.1f CPU-s' % (s_per * 1e3, s_fixed),
                '`torch4j scan DIR` %.2f ms/file; fixed %.2f CPU-s' % (c_per * 1e3, c_fixed), [], '<= 3x',
                ratio <= 3.0, ratio_text='%.1fx' % ratio + (' (rounds %s)' % span(per_round, '%.1f', 'x') if rounds > 1 else ''),
                note='C1 and an AppCDS archive (its training run, untimed: %.1f CPU-s); ' % training['cpu']
                     + 'CPU = user + sys from wait4, whole process; per file = (median at %d - median at %d) / %d; '
                     'Spark total %s at %d files, %s at %d; CLI %s and %s; Spark tasks %.2f ms/file at %d files'
                     % (hi, lo, hi - lo, span(spark[lo], '%.1f', ' CPU-s'), lo, span(spark[hi], '%.1f', ' CPU-s'), hi,
                        span(cli[lo], '%.2f', ' CPU-s'), span(cli[hi], '%.2f', ' CPU-s'),
                        (med(tasks) or 0) * 1e3 / hi, hi)
                     + ('; the job alone (session up, before stop) %.2f ms/file' % (job_per * 1e3) if job_per is not None else ''),
                data={'spark_cpu': {str(k): v for k, v in spark.items()}, 'cli_cpu': {str(k): v for k, v in cli.items()},
                      'spark_job': {str(k): v for k, v in job.items()}, 'spark_per_file_s': s_per, 'cli_per_file_s': c_per,
                      'spark_fixed_s': s_fixed, 'cli_fixed_s': c_fixed})]


# --- TorchScript rows (benchmarks/inference) -----------------------------------------------------

def read_inference(paths):
    """Engine records from whatever benchmarks/inference wrote: JSON lines or a JSON array/object, of
    per-run records ({engine, workload, wall_us, load_ms, peak_rss_mb | rss_mb, ...}: DefaultsRow,
    CpuTime) or JMH results (params engine/workload/threads, primaryMetric in us/op), or rows of this
    table already made ({work, torch4j, anchor, ...}), which are passed through."""
    records, rows = [], []

    def take(o, source):
        if isinstance(o, list):
            for x in o:
                take(x, source)
        elif isinstance(o, dict):
            if 'work' in o and 'torch4j' in o:
                rows.append(dict(o, note=(o.get('note') or '') + ' (from %s)' % source))
            elif 'rows' in o:
                take(o['rows'], source)
            elif 'benchmark' in o and 'params' in o:
                p, m = o['params'], o.get('primaryMetric', {})
                scale = {'us/op': 1, 'ms/op': 1e3, 'ns/op': 1e-3, 's/op': 1e6}.get(m.get('scoreUnit'), None)
                if scale and p.get('engine') and p.get('workload'):
                    records.append({'engine': p['engine'], 'workload': p['workload'], 'threads': p.get('threads'),
                                    'wall_us': m['score'] * scale, 'kind': 'jmh', 'source': source})
            elif 'engine' in o and 'workload' in o:
                records.append(dict(o, kind='defaults' if 'peak_rss_mb' in o else ('cputime' if 'cpu_us' in o else 'run'),
                                    source=source))

    for p in paths:
        if not p or not os.path.exists(p):
            continue
        text = open(p).read()
        try:
            take(json.loads(text), os.path.basename(p))
        except ValueError:
            for line in text.splitlines():
                line = line.strip()
                if line.startswith('{'):
                    try:
                        take(json.loads(line), os.path.basename(p))
                    except ValueError:
                        pass
    return records, rows


def inference_rows(paths, same_run):
    records, made = read_inference(paths)
    if made:
        return made
    target_na = lambda ok: ok if same_run else None
    # default-thread records first (DefaultsRow), then the 1-thread CPU-time ones, then JMH
    for kind in ('defaults', 'run', 'cputime', 'jmh'):
        cnn = [r for r in records if r['kind'] == kind and r.get('workload') == 'cnn_1']
        ours = [r for r in cnn if r['engine'] == 'torch4j'] or [r for r in cnn if r['engine'] == 'torch4j-runner']
        djl = [r for r in cnn if r['engine'] == 'djl']
        if ours and djl:
            break
    else:
        na = 'no inference results (benchmarks/inference)'
        return [row(w, '-', na, [], t, None) for w, t in (('TorchScript CNN batch 1, wall per call, default threads', '<= 0.9x'),
                                                          ('TorchScript load', '<= 1.0x'),
                                                          ('peak RSS, CNN inference', '<= 1.0x'))]
    sources = sorted({r['source'] for r in ours + djl})
    where = ('this run' if same_run else 'not this run') + ': ' + ', '.join(sources)
    threads = {'defaults': 'default threads', 'cputime': '1 intra-op thread', 'run': '', 'jmh': 'JMH'}[kind]
    if kind == 'jmh':
        ours = [r for r in ours if str(r.get('threads')) in ('0', '-1', 'default', 'None')] or ours
        djl = [r for r in djl if str(r.get('threads')) in ('0', '-1', 'default', 'None')] or djl
    out = []

    def metric(name, key, fmt, unit, scale, target, limit):
        a = [r[key] * scale for r in ours if r.get(key) is not None]
        b = [r[key] * scale for r in djl if r.get(key) is not None]
        if not a or not b:
            out.append(row(name, '-', 'no %s in %s' % (key, where), [], target, None))
            return
        ratio = med(a) / med(b)
        out.append(row(name, span(a, fmt, unit), 'DJL ' + span(b, fmt, unit), [], target, target_na(ratio <= limit),
                       ratio_text='%.2fx' % ratio, note='%s (%s); median of %d / %d runs' % (where, threads or kind, len(a), len(b)),
                       data={'torch4j': a, 'anchor': b, 'key': key}))

    metric('TorchScript CNN batch 1, wall per call' + (', ' + threads if threads else ''), 'wall_us', '%.2f', ' ms', 1e-3,
           '<= 0.9x', 0.9)
    metric('TorchScript load', 'load_ms', '%.2f', ' s', 1e-3, '<= 1.0x', 1.0)
    rss_key = 'peak_rss_mb' if any('peak_rss_mb' in r for r in ours) else 'rss_mb'
    metric('peak RSS, CNN inference' if rss_key == 'peak_rss_mb' else 'RSS after load + CNN calls', rss_key, '%.0f', ' MB', 1,
           '<= 1.0x', 1.0)
    # Other torch4j configurations, shown beside the rows, not deciding them (the rows measure the
    # library's defaults): frozen (ScriptModel.optimizeForInference after the load, inside the timed
    # load) and MKL as the BLAS (org.bytedeco:mkl's redist jar on the class path, -Dtorch4j.libtorch.blas=mkl).
    variants = (('torch4j-frozen', 'frozen (`optimizeForInference`)'), ('torch4j-mkl', 'MKL as BLAS'),
                ('torch4j-frozen-mkl', 'frozen, MKL as BLAS'))
    for engine, label in variants:
        runs = [r for r in cnn if r['engine'] == engine]
        if not runs:
            continue
        for name, key, fmt, unit, scale in (('CNN batch 1, wall per call', 'wall_us', '%.2f', ' ms', 1e-3),
                                            ('load', 'load_ms', '%.2f', ' s', 1e-3),
                                            ('peak RSS', 'peak_rss_mb', '%.0f', ' MB', 1)):
            a = [r[key] * scale for r in runs if r.get(key) is not None]
            b = [r[key] * scale for r in djl if r.get(key) is not None]
            if a and b:
                out.append(row('TorchScript %s, %s, %s' % (name, label, threads or kind), span(a, fmt, unit),
                               'DJL ' + span(b, fmt, unit), [], 'info', None, ratio_text='%.2fx' % (med(a) / med(b)),
                               note='%s; median of %d / %d runs' % (where, len(a), len(b)),
                               data={'torch4j': a, 'anchor': b, 'key': key}))
    return out


# --- main ----------------------------------------------------------------------------------------

def main():
    global SCRATCH
    ap = argparse.ArgumentParser()
    ap.add_argument('--torch4j', required=True, help='bin/torch4j (or the CLI jar)')
    ap.add_argument('--scratch', required=True)
    ap.add_argument('--out', required=True)
    ap.add_argument('--rounds', type=int, default=5)
    ap.add_argument('--spark-rounds', type=int, default=3)
    ap.add_argument('--scan-dir')
    ap.add_argument('--spark-cp')
    ap.add_argument('--spark-opens', default='')
    ap.add_argument('--inference', action='append', default=[], help='benchmarks/inference output (repeatable)')
    ap.add_argument('--inference-same-run', action='store_true', help='the inference files come from this run')
    ap.add_argument('--settings', default='')
    a = ap.parse_args()
    SCRATCH = os.path.abspath(a.scratch)
    os.makedirs(SCRATCH, exist_ok=True)
    t4j = process_rows.torch4j_cmd(a.torch4j)
    start, began = loadavg(), time.time()
    rows = []
    if process_rows.has_module('torch') and process_rows.has_module('numpy'):
        files = process_rows.make_torch_files(SCRATCH)
        print('== inspect rows', flush=True)
        rows += inspect_rows(t4j, files, a.rounds)
        print('== hash row', flush=True)
        rows += hash_rows(t4j, files, a.rounds)
    else:
        print('(PyTorch not importable by %s: no inspect rows; use /usr/bin/python3)' % sys.executable)
    print('== scan row', flush=True)
    rows += scan_rows(t4j, a.scan_dir, a.rounds)
    print('== Spark row', flush=True)
    rows += spark_rows(t4j, a.spark_cp, a.spark_opens, SCRATCH, a.spark_rounds)
    rows += inference_rows(a.inference, a.inference_same_run)
    # the table's order: the issue's
    order = ['`inspect --json` of 20k', '`inspect --json --hash`', '`scan` of', '`inspect` of a 1 MiB', 'Spark', 'TorchScript CNN',
             'TorchScript load', 'peak RSS', 'RSS after']
    rows.sort(key=lambda r: next((i for i, p in enumerate(order) if r['work'].startswith(p)), len(order)))
    res = {'kind': 'issue28', 'date': time.strftime('%Y-%m-%d'), 'time': time.strftime('%Y-%m-%dT%H:%M:%S%z'),
           'host': platform.node(), 'cpus': os.cpu_count(), 'python': sys.executable, 'command': t4j,
           'seconds': round(time.time() - began), 'loadavg': {'start': start, 'end': loadavg()},
           'settings': a.settings, 'rounds': a.rounds, 'spark_rounds': a.spark_rounds, 'rows': rows}
    with open(a.out, 'w') as f:
        json.dump(res, f, indent=1)
        f.write('\n')
    print('results: %s' % a.out)


SCRATCH = None

if __name__ == '__main__':
    main()
