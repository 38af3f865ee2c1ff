"""Whole-process rows for benchmarks/run.sh (issue 14): wall time, CPU time and peak RSS (VmHWM, split
into anonymous and file-backed pages) of the torch4j command against a peer doing the same work in
one process each.

    process_rows.py TORCH4J WORKLOADS SCRATCH [--out ROWS.json] [--scan-dir DIR ...]

TORCH4J is the distribution's launcher (bin/torch4j) or the CLI jar (then `java -jar`). WORKLOADS is
the generated workload directory (read only: `large` is converted from it); SCRATCH receives the
extra files made here and every output. Rows that need PyTorch run only when `torch` imports (use
/usr/bin/python3); the scan row needs picklescan: importable, or its source tree's `src` in
PICKLESCAN_SRC (the row then says the peer is missing otherwise). The convert row needs nothing.
"""
import argparse, hashlib, json, os, pickle, shutil, subprocess, sys, time

REPEATS = 3


def run_once(cmd, env=None, stderr=None):
    """Wall seconds, CPU seconds (user+sys of the child) and the peak RssAnon/RssFile/VmHWM (MiB)
    sampled from /proc every 5 ms (VmHWM is the kernel's own high-water mark, so it is exact)."""
    t0 = time.time()
    p = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=stderr, env=env)
    peak = {}
    while True:
        try:
            for line in open('/proc/%d/status' % p.pid):
                k = line.split(':')[0]
                if k in ('RssAnon', 'RssFile', 'VmHWM'):
                    peak[k] = max(peak.get(k, 0), int(line.split()[1]) // 1024)
        except (OSError, ValueError, IndexError):
            pass
        pid, status, ru = os.wait4(p.pid, os.WNOHANG)
        if pid:
            break
        time.sleep(0.005)
    wall = time.time() - t0
    return {'wall': wall, 'cpu': ru.ru_utime + ru.ru_stime, 'rss': peak, 'exit': os.waitstatus_to_exitcode(status)}


def best(cmds, before=None):
    """Runs each named command REPEATS times, interleaved (a load spike then hits all of them alike);
    keeps each one's fastest run. `before` runs untimed ahead of every command (e.g. `sync`)."""
    out = {}
    for _ in range(REPEATS):
        for name, cmd in cmds.items():
            if before:
                before()
            r = run_once(cmd)
            if name not in out or r['wall'] < out[name]['wall']:
                out[name] = r
    return out


def torch4j_cmd(arg):
    return [arg] if not arg.endswith('.jar') else ['java', '-jar', arg]


def has_module(name, extra_path=None):
    env = dict(os.environ)
    if extra_path:
        env['PYTHONPATH'] = extra_path + os.pathsep + env.get('PYTHONPATH', '')
    return subprocess.call([sys.executable, '-c', 'import ' + name], env=env,
                           stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL) == 0


def row(work, torch4j, anchor, ratio, target, ok, note=''):
    status = 'n/a' if ok is None else ('MET' if ok else 'MISSED')
    return {'work': work, 'torch4j': torch4j, 'anchor': anchor, 'ratio': ratio, 'target': target,
            'status': status, 'note': note}


# --- PyTorch / numpy rows ------------------------------------------------------------------------

def make_torch_files(scratch):
    import numpy as np, torch
    f = {'many': os.path.join(scratch, 'proc_many.pt'), 'tiny': os.path.join(scratch, 'proc_tiny.pt'),
         'np': os.path.join(scratch, 'proc_numpy_p4.pkl'), 'np_tiny': os.path.join(scratch, 'proc_numpy_tiny.pkl')}
    if not os.path.exists(f['many']):
        torch.save({'layer%d.weight' % i: torch.randn(32) for i in range(20000)}, f['many'])
    if not os.path.exists(f['tiny']):
        torch.save({'w': torch.randn(256 * 1024)}, f['tiny'])
    rng = np.random.default_rng(0)
    if not os.path.exists(f['np']):
        with open(f['np'], 'wb') as out:
            pickle.dump({'a%d' % i: rng.standard_normal(512 * 1024).astype(np.float32) for i in range(200)}, out, protocol=4)
    if not os.path.exists(f['np_tiny']):
        with open(f['np_tiny'], 'wb') as out:
            pickle.dump({'a': rng.standard_normal(256 * 1024).astype(np.float32)}, out, protocol=4)
    return f


PY_TORCH = "import torch,sys,time;t=time.time();torch.load(sys.argv[1]);print(time.time()-t)"
PY_NP = ("import pickle,hashlib,sys,time,numpy;t=time.time();d=pickle.load(open(sys.argv[1],'rb'))\n"
         "for v in d.values(): hashlib.sha256(v.tobytes()).hexdigest()\nprint(time.time()-t)")


def torch_rows(t4j, scratch):
    f = make_torch_files(scratch)
    rows = []
    r = best({'many': t4j + ['inspect', '--json', f['many']], 'tiny': t4j + ['inspect', '--json', f['tiny']]})
    load = min(float(subprocess.check_output([sys.executable, '-c', PY_TORCH, f['many']])) for _ in range(REPEATS))
    t, m, mt = r['many']['wall'], r['many']['rss'], r['tiny']['rss']
    rows.append(row('`inspect --json` of 20k tensors (104 MB)', '%.2f s (CPU %.2f s)' % (t, r['many']['cpu']),
                    '`torch.load` %.2f s (import excluded)' % load, '%.2fx' % (t / load), '<= 1.0x', t / load <= 1.0))
    rows.append(row('peak RSS, `inspect` 20k tensors vs 1 MiB file', '%d MiB' % m['VmHWM'], '%d MiB' % mt['VmHWM'],
                    '%.2fx' % (m['VmHWM'] / mt['VmHWM']), '<= 2.0x', m['VmHWM'] / mt['VmHWM'] <= 2.0))
    r = best({'np': t4j + ['inspect', '--hash', f['np']], 'np_tiny': t4j + ['inspect', '--hash', f['np_tiny']],
              'py': [sys.executable, '-c', PY_NP, f['np']]})
    t, m, mt, pt, pm = r['np']['wall'], r['np']['rss'], r['np_tiny']['rss'], r['py']['wall'], r['py']['rss']
    rows.append(row('`inspect --hash` of a 400 MB pickle of numpy arrays',
                    '%.2f s, %d MiB (anon %d, file %d)' % (t, m['VmHWM'], m['RssAnon'], m['RssFile']),
                    '`pickle.load` + sha256 %.2f s, %d MiB' % (pt, pm['VmHWM']),
                    '%.2fx, RSS %.2fx' % (t / pt, m['VmHWM'] / pm['VmHWM']), '<= 1.0x, RSS <= 1.5x',
                    t / pt <= 1.0 and m['VmHWM'] / pm['VmHWM'] <= 1.5, 'Python imports numpy, whole process'))
    rows.append(row('anonymous RSS, numpy pickle 400 MB vs 1 MiB', '%d MiB' % m['RssAnon'], '%d MiB' % mt['RssAnon'],
                    '%.2fx' % (m['RssAnon'] / mt['RssAnon']), 'flat (<= 1.5x)', m['RssAnon'] / mt['RssAnon'] <= 1.5))
    return rows


# --- convert vs cp -------------------------------------------------------------------------------

def convert_rows(t4j, workloads, scratch):
    src = os.path.join(workloads, 'large.pt')
    if not os.path.exists(src):
        return [row('`convert` 1 GiB zip -> safetensors', '-', '`cp`', '-', '<= 1.5x', None, 'no large.pt workload')]
    out, cp_out, cps_out = (os.path.join(scratch, n) for n in ('convert.safetensors', 'cp.pt', 'cp_sync.pt'))
    # `sync FILE` (coreutils) fsyncs just that file: the same durability torch4j's atomic write gives its output.
    cmds = {'convert': t4j + ['convert', src, out, '--force'],
            'cp': ['cp', src, cp_out],
            'cp+fsync': ['sh', '-c', 'cp "$0" "$1" && sync "$1"', src, cps_out]}

    def clean():
        for p in (out, cp_out, cps_out):
            if os.path.exists(p):
                os.remove(p)
        subprocess.call(['sync'])  # earlier runs' dirty pages must not be written back inside the next timing

    r = best(cmds, before=clean)
    clean()
    c, cp, cps = r['convert'], r['cp'], r['cp+fsync']
    note = ('CPU s: torch4j %.2f, cp %.2f, cp+fsync %.2f; torch4j fsyncs (atomic write); vs cp+fsync %.2fx'
            % (c['cpu'], cp['cpu'], cps['cpu'], c['wall'] / cps['wall']))
    if c['exit'] != 0:
        note = 'torch4j exited %d; ' % c['exit'] + note
    return [row('`convert` 1 GiB zip -> safetensors', '%.2f s' % c['wall'], '`cp` %.2f s (cp+fsync %.2f s)' % (cp['wall'], cps['wall']),
                '%.2fx' % (c['wall'] / cp['wall']), '<= 1.5x', c['wall'] / cp['wall'] <= 1.5 and c['exit'] == 0, note)]


# --- scan vs picklescan --------------------------------------------------------------------------

def count_files(d):
    n = size = 0
    for root, _, files in os.walk(d):
        for f in files:
            n += 1
            size += os.path.getsize(os.path.join(root, f))
    return n, size


def scan_rows(t4j, dirs):
    src = os.environ.get('PICKLESCAN_SRC')
    extra = os.path.join(src, 'src') if src and os.path.isdir(os.path.join(src, 'src')) else src
    peer = has_module('picklescan', extra)
    rows = []
    for d in dirs:
        if not os.path.isdir(d):
            continue
        n, size = count_files(d)
        work = '`scan` of %d files (%d MB) in %s, one process' % (n, size // 10**6, os.path.basename(os.path.normpath(d)))
        if not peer:
            r = best({'t4j': t4j + ['scan', d]})['t4j']
            rows.append(row(work, '%.2f s' % r['wall'], 'picklescan not available (set PICKLESCAN_SRC)', '-', '<= 0.5x', None))
            continue
        env_cmd = ['env', 'PYTHONPATH=' + (extra or '')] if extra else []
        r = best({'t4j': t4j + ['scan', d], 'ps': env_cmd + [sys.executable, '-m', 'picklescan', '--path', d]})
        t, p = r['t4j'], r['ps']
        rows.append(row(work, '%.2f s (CPU %.2f s)' % (t['wall'], t['cpu']), 'picklescan %.2f s (CPU %.2f s)' % (p['wall'], p['cpu']),
                        '%.2fx' % (t['wall'] / p['wall']), '<= 0.5x', t['wall'] / p['wall'] <= 0.5,
                        '%.0f files/s; CPU ratio %.2fx' % (n / t['wall'], t['cpu'] / p['cpu'])))
    return rows


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('torch4j')
    ap.add_argument('workloads')
    ap.add_argument('scratch')
    ap.add_argument('--out')
    ap.add_argument('--scan-dir', action='append', default=[])
    a = ap.parse_args()
    os.makedirs(a.scratch, exist_ok=True)
    t4j = torch4j_cmd(a.torch4j)
    rows = []
    if has_module('torch') and has_module('numpy'):
        rows += torch_rows(t4j, a.scratch)
    else:
        print('(PyTorch not importable by %s: no inspect rows)' % sys.executable)
    rows += scan_rows(t4j, a.scan_dir)
    rows += convert_rows(t4j, a.workloads, a.scratch)
    cols = ['work', 'torch4j', 'anchor', 'ratio', 'target', 'status', 'note']
    print('| ' + ' | '.join(cols) + ' |\n|' + '---|' * len(cols))
    for r in rows:
        print('| ' + ' | '.join(str(r[c]) for c in cols) + ' |')
    if a.out:
        with open(a.out, 'w') as f:
            json.dump({'command': t4j, 'python': sys.executable, 'rows': rows}, f, indent=1)


if __name__ == '__main__':
    main()
