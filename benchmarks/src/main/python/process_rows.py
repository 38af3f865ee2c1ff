"""Whole-process rows for benchmarks/run.sh: wall time and peak RSS (VmHWM, split into anonymous and
file-backed pages) of `torch4j inspect` against PyTorch/pickle in one process each.

usage: process_rows.py CLI_JAR WORKDIR   (/usr/bin/python3 with torch and numpy)
"""
import hashlib, os, pickle, subprocess, sys, time

CLI, WORK = sys.argv[1], sys.argv[2]
os.makedirs(WORK, exist_ok=True)


def child(cmd):
    """Best of 3: wall seconds and the peak RssAnon/RssFile/VmHWM (MiB) sampled from /proc."""
    best = None
    for _ in range(3):
        t0 = time.time()
        p = subprocess.Popen(cmd, stdout=subprocess.DEVNULL)
        peak = {}
        while p.poll() is None:
            try:
                for line in open('/proc/%d/status' % p.pid):
                    k = line.split(':')[0]
                    if k in ('RssAnon', 'RssFile', 'VmHWM'):
                        peak[k] = max(peak.get(k, 0), int(line.split()[1]) // 1024)
            except OSError:
                pass
            time.sleep(0.005)
        r = (time.time() - t0, peak)
        if best is None or r[0] < best[0]:
            best = r
    return best


def make():
    import numpy as np, torch
    f = {}
    f['many'] = os.path.join(WORK, 'proc_many.pt')
    if not os.path.exists(f['many']):
        torch.save({'layer%d.weight' % i: torch.randn(32) for i in range(20000)}, f['many'])
    f['tiny'] = os.path.join(WORK, 'proc_tiny.pt')
    if not os.path.exists(f['tiny']):
        torch.save({'w': torch.randn(256 * 1024)}, f['tiny'])
    rng = np.random.default_rng(0)
    f['np'] = os.path.join(WORK, 'proc_numpy_p4.pkl')
    if not os.path.exists(f['np']):
        with open(f['np'], 'wb') as out:
            pickle.dump({'a%d' % i: rng.standard_normal(512 * 1024).astype(np.float32) for i in range(200)}, out, protocol=4)
    f['np_tiny'] = os.path.join(WORK, 'proc_numpy_tiny.pkl')
    if not os.path.exists(f['np_tiny']):
        with open(f['np_tiny'], 'wb') as out:
            pickle.dump({'a': rng.standard_normal(256 * 1024).astype(np.float32)}, out, protocol=4)
    return f


PY_TORCH = "import torch,sys,time;t=time.time();torch.load(sys.argv[1]);print(time.time()-t)"
PY_NP = ("import pickle,hashlib,sys,time,numpy;t=time.time();d=pickle.load(open(sys.argv[1],'rb'))\n"
         "for v in d.values(): hashlib.sha256(v.tobytes()).hexdigest()\nprint(time.time()-t)")


def main():
    f = make()
    java = ['java', '-jar', CLI]
    rows = []
    t, m = child(java + ['inspect', '--json', f['many']])
    tt, mt = child(java + ['inspect', '--json', f['tiny']])
    load = min(float(subprocess.check_output(['/usr/bin/python3', '-c', PY_TORCH, f['many']])) for _ in range(3))
    rows.append(('`inspect --json`, 20k tensors, whole process', '%.2f s' % t, '`torch.load` %.2f s (import excluded)' % load, '%.1fx' % (t / load)))
    rows.append(('peak RSS, `inspect --json` 20k tensors vs 1 MiB file', '%d MiB' % m['VmHWM'], '%d MiB' % mt['VmHWM'], '%.1fx' % (m['VmHWM'] / mt['VmHWM'])))
    t, m = child(java + ['inspect', '--hash', f['np']])
    _, mt = child(java + ['inspect', '--hash', f['np_tiny']])
    pt, pm = child(['/usr/bin/python3', '-c', PY_NP, f['np']])
    rows.append(('`inspect --hash`, 400 MB numpy pickle', '%.2f s, %d MiB (anon %d, file %d)' % (t, m['VmHWM'], m['RssAnon'], m['RssFile']),
                 '`pickle.load` + sha256 %.2f s, %d MiB' % (pt, pm['VmHWM']), '%.1fx, RSS %.2fx' % (t / pt, m['VmHWM'] / pm['VmHWM'])))
    rows.append(('anonymous RSS, numpy pickle 400 MB vs 1 MiB', '%d MiB' % m['RssAnon'], '%d MiB' % mt['RssAnon'], '%.1fx' % (m['RssAnon'] / mt['RssAnon'])))
    print('| whole process | torch4j | reference | ratio |\n|---|---|---|---|')
    for r in rows:
        print('| ' + ' | '.join(r) + ' |')


if __name__ == '__main__':
    main()
