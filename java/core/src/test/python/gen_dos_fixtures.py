#!/usr/bin/python3
"""Writes the small denial-of-service probes that real PyTorch itself produces, and checks that
PyTorch loads them cheaply (so torch4j must too: they are legal files, not corrupt ones).

Run with the reference interpreter:  /usr/bin/python3 java/core/src/test/python/gen_dos_fixtures.py
Output (committed): java/core/src/test/resources/fixtures/dos/
  shared_lists_30.pt   a 30-level tower of lists, each holding the one below twice: 2^30 paths to
                       one tensor (the pickle memoizes every list, so the file stays tiny)
  expand_2p40.pt       torch.zeros(1).expand(2**40): shape [2^40], stride [0], a 4-byte storage
  expected.tsv         name<TAB>facts PyTorch reports (numel, shape, stride, storage bytes, leaves)

The bigger probes (a 4 MB LONG4 integer, a deflate bomb, a 200k-fold _load_from_bytes fan-out)
are generated at test time by dev.torch4j.testing.DosProbes: committing megabytes of zeros helps no one.
"""
import os
import time

import torch

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', 'resources', 'fixtures', 'dos')


def main():
    os.makedirs(OUT, exist_ok=True)
    rows = []

    tower = torch.arange(3, dtype=torch.float32)
    for _ in range(30):
        tower = [tower, tower]
    path = os.path.join(OUT, 'shared_lists_30.pt')
    torch.save({'tower': tower}, path)
    start = time.time()
    loaded = torch.load(path)
    node, depth = loaded['tower'], 0
    while isinstance(node, list):
        assert node[0] is node[1], 'the pickle must share, not copy'
        node, depth = node[0], depth + 1
    rows.append(('shared_lists_30.pt', 'depth=%d leaf=%s load_s=%.3f bytes=%d'
                 % (depth, node.tolist(), time.time() - start, os.path.getsize(path))))

    expanded = torch.zeros(1).expand(2 ** 40)
    path = os.path.join(OUT, 'expand_2p40.pt')
    torch.save({'x': expanded}, path)
    x = torch.load(path)['x']
    rows.append(('expand_2p40.pt', 'numel=%d shape=%s stride=%s storage_bytes=%d'
                 % (x.numel(), list(x.shape), list(x.stride()), x.storage().nbytes())))

    with open(os.path.join(OUT, 'expected.tsv'), 'w') as f:
        for name, facts in rows:
            f.write('%s\t%s\n' % (name, facts))
            print(name, facts)


if __name__ == '__main__':
    main()
