#!/usr/bin/python3
"""Writes the "long tail" fixtures: files from the Python ecosystem around PyTorch, written by the
real libraries (Debian's python3-joblib, python3-sklearn, python3-numpy, python3-torch).

Run with the reference interpreter:
    /usr/bin/python3 java/core/src/test/python/gen_longtail_fixtures.py
Output (committed): java/core/src/test/resources/fixtures/longtail/
  joblib_*          joblib.dump files (scikit-learn models, arrays of every layout, compressions, the
                    pre-0.10 side-file layouts NDArrayWrapper / ZNDArrayWrapper)
  learner_*         look-alikes of skorch nets (pickle), fastai v1 and v2 learners (torch.save), Python
                    3.11 enum members, functools.partial, numpy 2 module names
  param01_*         a 0.1-era module whose Parameters were pickled with NEWOBJ and no arguments
  npy_* / npz_*     numpy.save / savez / savez_compressed files
  expected.json     per file: format, and the arrays/tensors as Python sees them (path, dtype, shape,
                    sha256 of the row-major little-endian element bytes), or the refusal expected

Paths follow torch4j's naming (dict keys, list/tuple indices, object attributes joined by dots,
nn.Modules by state_dict names); numpy arrays and numeric numpy scalars count as tensors.
"""
import collections
import copyreg
import enum
import functools
import hashlib
import io
import json
import os
import pathlib
import pickle
import sys
import types
import zlib

import joblib
import numpy as np
import torch
from joblib import numpy_pickle, numpy_pickle_compat
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import StandardScaler

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import torch_view  # noqa: E402

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', 'resources', 'fixtures', 'longtail')
EXPECTED = {}


# ---------------------------------------------------------------- what Python sees

def np_bytes(a):
    le = np.ascontiguousarray(a).astype(a.dtype.newbyteorder('<'), copy=False)
    return np.ascontiguousarray(le).tobytes()


NUMERIC_KINDS = 'biufc'


def is_numeric_array(a):
    return isinstance(a, np.ndarray) and a.dtype.kind in NUMERIC_KINDS and a.dtype.fields is None


def join(path, seg):
    return seg if path == '' else path + '.' + seg


def key_name(k):
    if isinstance(k, str):
        return k
    if isinstance(k, bool):
        return 'True' if k else 'False'
    if isinstance(k, int):
        return str(k)
    return str(k)


def walk(o, path='', out=None, on_path=None):
    """The tensors torch4j names in o (mirrors dev.torch4j.read.TensorPaths)."""
    if out is None:
        out, on_path = collections.OrderedDict(), set()
    if o is None:
        return out
    if isinstance(o, torch.Tensor):
        out.setdefault(path, ('torch', o))
        return out
    if is_numeric_array(o):
        out.setdefault(path, ('numpy', o))
        return out
    if isinstance(o, np.generic) and np.asarray(o).dtype.kind in NUMERIC_KINDS:
        out.setdefault(path, ('numpy', np.asarray(o)))
        return out
    if isinstance(o, np.ndarray) and o.dtype == object:
        # np.load(allow_pickle=True) of a 0-d object array: .item() is the value (often a dict of arrays)
        if o.ndim == 0:
            return walk(o.item(), path, out, on_path)
        for idx in np.ndindex(o.shape):
            walk(o[idx], join(path, '.'.join(str(i) for i in idx)), out, on_path)
        return out
    if isinstance(o, (np.ndarray, str, bytes, int, float, complex, type, types.FunctionType,
                      types.BuiltinFunctionType, enum.Enum, pathlib.PurePath)):
        return out
    if id(o) in on_path:
        return out
    on_path.add(id(o))
    try:
        if isinstance(o, torch.nn.Module):
            for k, v in o.state_dict(keep_vars=True).items():
                out.setdefault(join(path, k), ('torch', v))
        elif isinstance(o, dict):
            for k, v in o.items():
                walk(v, join(path, key_name(k)), out, on_path)
        elif isinstance(o, (list, tuple)):
            for i, v in enumerate(o):
                walk(v, join(path, str(i)), out, on_path)
        elif isinstance(o, functools.partial):
            walk((o.func, o.args, o.keywords, o.__dict__ or None), path, out, on_path)
        elif isinstance(o, torch.optim.Optimizer):
            walk(o.__getstate__(), path, out, on_path)
        else:
            state = o.__getstate__() if hasattr(o, '__getstate__') else getattr(o, '__dict__', None)
            if isinstance(state, dict):
                for k, v in state.items():
                    walk(v, join(path, key_name(k)), out, on_path)
    finally:
        on_path.discard(id(o))
    return out


def describe(kind_and_value):
    kind, v = kind_and_value
    if kind == 'torch':
        return str(v.dtype).replace('torch.', ''), list(v.shape), torch_view.sha256(v)
    return v.dtype.name if v.dtype.name != 'bool' else 'bool', list(v.shape), hashlib.sha256(np_bytes(v)).hexdigest()


def expect(name, fmt, obj=None, tensors=None, **extra):
    entry = {'format': fmt}
    if obj is not None or tensors is not None:
        found = tensors if tensors is not None else walk(obj)
        entry['tensors'] = []
        for path, kv in found.items():
            dtype, shape, sha = describe(kv)
            entry['tensors'].append({'path': path, 'dtype': dtype, 'shape': shape, 'sha256': sha,
                                     'numpy': kv[0] == 'numpy'})
    entry.update(extra)
    EXPECTED[name] = entry


def out(name):
    return os.path.join(OUT, name)


# ---------------------------------------------------------------- joblib

def arrays():
    rng = np.random.RandomState(12)
    big = np.arange(24, dtype='>i4').reshape(2, 3, 4)
    obj = np.empty(3, dtype=object)
    obj[:] = ['a', 2, None]
    return collections.OrderedDict([
        ('f32', rng.standard_normal((3, 5)).astype(np.float32)),
        ('f64_fortran', np.asfortranarray(rng.standard_normal((4, 3)))),
        ('i4_big_endian', big),
        ('u1', np.arange(7, dtype=np.uint8)),
        ('u2', np.arange(5, dtype=np.uint16) * 1000),
        ('b1', np.array([True, False, True])),
        ('f2', np.linspace(-2, 2, 6).astype(np.float16)),
        ('c8', (np.arange(4) + 1j * np.arange(4)).astype(np.complex64)),
        ('zero_d', np.array(3.5)),
        ('empty', np.zeros((0, 4), dtype=np.float32)),
        ('objects', obj),
        ('scalar_i8', np.int64(42)),
        ('scalar_f8', np.float64(0.125)),
        ('python', [1, 'two', 3.0]),
    ])


class NoTell(io.RawIOBase):
    """A write-only file without tell(): joblib then writes no alignment padding (as joblib <= 1.1 did)."""

    def __init__(self, path):
        self.f = open(path, 'wb')

    def writable(self):
        return True

    def write(self, b):
        return self.f.write(b)

    def tell(self):
        raise io.UnsupportedOperation('tell')

    def close(self):
        self.f.close()
        super().close()


def check_joblib(name, obj):
    back = joblib.load(out(name))
    a, b = walk(obj), walk(back)
    assert list(a) == list(b), (name, list(a), list(b))
    for k in a:
        assert describe(a[k]) == describe(b[k]), (name, k)


def gen_joblib():
    rng = np.random.RandomState(0)
    x = rng.standard_normal((40, 3))
    y = (x[:, 0] + 0.5 * x[:, 1] > 0).astype(np.int64)
    scaler = StandardScaler().fit(x)
    logreg = LogisticRegression().fit(x, y)
    pipe = Pipeline([('scale', StandardScaler()), ('clf', LogisticRegression(C=0.5))]).fit(x, y)
    y3 = np.digitize(x[:, 0], [-0.5, 0.5])
    multi = LogisticRegression(max_iter=200).fit(x, y3)
    for name, obj in [('joblib_scaler.joblib', scaler), ('joblib_logreg.joblib', logreg),
                      ('joblib_pipeline.joblib', pipe), ('joblib_logreg_multiclass.joblib', multi)]:
        joblib.dump(obj, out(name))
        check_joblib(name, obj)
        expect(name, 'joblib', obj)

    a = arrays()
    joblib.dump(a, out('joblib_arrays.joblib'))
    check_joblib('joblib_arrays.joblib', a)
    expect('joblib_arrays.joblib', 'joblib', a)
    joblib.dump(a, out('joblib_arrays_p2.joblib'), protocol=2)
    check_joblib('joblib_arrays_p2.joblib', a)
    expect('joblib_arrays_p2.joblib', 'joblib', a)
    f = NoTell(out('joblib_arrays_unaligned.joblib'))
    joblib.dump(a, f)
    f.close()
    check_joblib('joblib_arrays_unaligned.joblib', a)
    expect('joblib_arrays_unaligned.joblib', 'joblib', a)
    for method, ext in [('zlib', 'z'), ('gzip', 'gz')]:
        name = 'joblib_scaler_%s.joblib.%s' % (method, ext)
        joblib.dump(scaler, out(name), compress=(method, 3))
        check_joblib(name, scaler)
        expect(name, 'joblib', scaler, **{'joblib.compression': method})
        name = 'joblib_arrays_%s.joblib.%s' % (method, ext)
        joblib.dump(a, out(name), compress=(method, 3))
        check_joblib(name, a)
        expect(name, 'joblib', a, **{'joblib.compression': method})
    for method, ext in [('bz2', 'bz2'), ('xz', 'xz'), ('lzma', 'lzma')]:
        name = 'joblib_scaler_%s.joblib.%s' % (method, ext)
        joblib.dump(scaler, out(name), compress=(method, 3))
        check_joblib(name, scaler)
        expect(name, 'joblib', error='compressed with ' + method)
    gen_joblib_pre_010(a)


def gen_joblib_pre_010(a):
    """joblib before 0.10 kept each array in a side file next to the pickle: NDArrayWrapper pointing at
    'name.pkl_01.npy' (numpy.save), or, compressed, ZNDArrayWrapper pointing at a 'ZF' zlib file of the
    raw bytes, with the pickle itself in a 'ZF' file. Written here with joblib's own compatibility
    classes and checked with joblib.load."""
    plain = collections.OrderedDict([('w', a['f32']), ('fortran', a['f64_fortran']), ('n', 3)])
    base = 'joblib_ndarraywrapper.pkl'
    state = collections.OrderedDict()
    for i, k in enumerate(['w', 'fortran']):
        side = '%s_%02d.npy' % (base, i + 1)
        np.save(out(side), plain[k])
        state[k] = numpy_pickle_compat.NDArrayWrapper(side, np.ndarray)
    state['n'] = 3
    with open(out(base), 'wb') as f:
        pickle.dump(state, f, protocol=2)
    check_joblib(base, plain)
    expect(base, 'joblib', plain)

    base = 'joblib_zndarraywrapper.pkl'
    state = collections.OrderedDict()
    for i, k in enumerate(['w', 'fortran']):
        arr = plain[k]
        side = '%s_%02d.npy.z' % (base, i + 1)
        init_args, arr_state = arr.__reduce__()[1], arr.__reduce__()[2]
        raw = arr_state[4]
        with open(out(side), 'wb') as f:
            numpy_pickle_compat.write_zfile(f, raw)
        state[k] = numpy_pickle_compat.ZNDArrayWrapper(side, init_args, arr_state[:4])
    state['n'] = 3
    with open(out(base), 'wb') as f:
        numpy_pickle_compat.write_zfile(f, pickle.dumps(state, protocol=2))
    check_joblib(base, plain)
    expect(base, 'joblib', plain, **{'joblib.compression': 'zfile'})


# ---------------------------------------------------------------- learner look-alikes

def fake_module(name):
    parts = name.split('.')
    for i in range(1, len(parts) + 1):
        n = '.'.join(parts[:i])
        if n not in sys.modules:
            sys.modules[n] = types.ModuleType(n)
            if i > 1:
                setattr(sys.modules['.'.join(parts[:i - 1])], parts[i - 1], sys.modules[n])
    return sys.modules[name]


def fake_class(module, name, bases=(object,), attrs=None):
    m = fake_module(module)
    cls = type(name, bases, dict(attrs or {}))
    cls.__module__ = module
    cls.__qualname__ = name
    setattr(m, name, cls)
    return cls


def fake_function(module, name):
    m = fake_module(module)

    def f(*args, **kwargs):
        raise RuntimeError('a look-alike, never called')
    f.__module__ = module
    f.__qualname__ = name
    f.__name__ = name
    setattr(m, name, f)
    return f


class Net(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.fc1 = torch.nn.Linear(4, 3)
        self.bn = torch.nn.BatchNorm1d(3)
        self.fc2 = torch.nn.Linear(3, 2)

    def forward(self, x):
        return self.fc2(self.bn(self.fc1(x)))


def make_net(seed):
    torch.manual_seed(seed)
    net = Net()
    net.bn.running_mean.uniform_()
    return net


Net.__module__ = 'learner_models'
Net.__qualname__ = 'Net'
fake_module('learner_models').Net = Net


def gen_learners():
    # skorch: NeuralNetClassifier pickled with pickle; optimizer and criterion as classes, callbacks
    # as (name, object) tuples, functools.partial for iterator factories, numpy scalars in history.
    NeuralNetClassifier = fake_class('skorch.classifier', 'NeuralNetClassifier')
    History = fake_class('skorch.history', 'History', (list,))
    EpochScoring = fake_class('skorch.callbacks.scoring', 'EpochScoring')
    DataLoader = torch.utils.data.DataLoader
    net = NeuralNetClassifier()
    module = make_net(1)
    # momentum 0: no per-parameter buffers (the live optimizer keys its state by the Parameter objects)
    opt = torch.optim.SGD(module.parameters(), lr=0.1)
    module(torch.randn(5, 4)).sum().backward()
    opt.step()
    cb = EpochScoring()
    cb.__dict__.update({'scoring': 'accuracy', 'lower_is_better': False, 'best_score_': np.float64(0.875)})
    hist = History([{'epoch': 1, 'train_loss': np.float32(0.6931), 'valid_acc': np.float64(0.5)}])
    net.__dict__.update({
        'module': Net, 'criterion': torch.nn.NLLLoss, 'optimizer': torch.optim.SGD, 'lr': 0.1,
        'iterator_train': functools.partial(DataLoader, shuffle=True),
        'callbacks_': [('valid_acc', cb)], 'history_': hist, 'module_': module, 'optimizer_': opt,
        'criterion_': torch.nn.NLLLoss(), 'classes_': np.array([0, 1]), 'initialized_': True,
    })
    with open(out('learner_skorch.pkl'), 'wb') as f:
        pickle.dump(net, f)
    expect('learner_skorch.pkl', 'pickle', net)

    # fastai v1: Learner.export() -> torch.save(dict) with partials, an enum, the model.
    DatasetType = enum.Enum('DatasetType', 'Train Valid Test', module='fastai.basic_data')
    DatasetType.__qualname__ = 'DatasetType'
    fake_module('fastai.basic_data').DatasetType = DatasetType
    Adam = torch.optim.Adam
    FlattenedLoss = fake_class('fastai.layers', 'FlattenedLoss')
    Recorder = fake_class('fastai.basic_train', 'Recorder')
    Learner1 = fake_class('fastai.basic_train', 'Learner')
    accuracy = fake_function('fastai.metrics', 'accuracy')
    loss = FlattenedLoss()
    loss.__dict__.update({'func': torch.nn.CrossEntropyLoss(), 'axis': -1, 'floatify': False})
    state = {
        'opt_func': functools.partial(Adam, betas=(0.9, 0.99)),
        'loss_func': loss, 'metrics': [accuracy], 'true_wd': True, 'bn_wd': True, 'wd': 0.01,
        'train_bn': True, 'model_dir': 'models', 'callback_fns': [functools.partial(Recorder, add_time=True)],
        'cb_state': {}, 'ds_type': DatasetType.Valid, 'cls': Learner1, 'model': make_net(2),
        'data': {'classes': ['cat', 'dog'], 'norm': (np.array([0.485, 0.456, 0.406], dtype=np.float32),)},
    }
    torch.save(state, out('learner_fastai1.pkl'))
    back = torch.load(out('learner_fastai1.pkl'))
    assert back['ds_type'] is DatasetType.Valid
    expect('learner_fastai1.pkl', 'zip', state)

    # fastai v2: learn.export() -> torch.save(Learner) with tensor subclasses (_rebuild_from_type_v2)
    # and, with numpy 2, numpy._core module names.
    TensorImage = fake_class('fastai.torch_core', 'TensorImage', (torch.Tensor,))
    Learner2 = fake_class('fastai.learner', 'Learner')
    OptimWrapper = fake_function('fastai.optimizer', 'Adam')
    CrossEntropyLossFlat = fake_class('fastai.losses', 'CrossEntropyLossFlat')
    learn = Learner2()
    lf = CrossEntropyLossFlat()
    lf.__dict__.update({'func': torch.nn.CrossEntropyLoss(), 'axis': -1, 'flatten': True})
    mean = torch.tensor([0.485, 0.456, 0.406]).view(1, 3, 1, 1).as_subclass(TensorImage)
    learn.__dict__.update({
        'model': make_net(3), 'opt_func': functools.partial(OptimWrapper, eps=1e-5), 'loss_func': lf,
        'lr': np.float64(0.001), 'path': pathlib.PosixPath('/data/pets'),
        'norm_stats': {'mean': mean, 'std_np': np.array([0.229, 0.224, 0.225], dtype=np.float32)},
        'moms': (0.95, 0.85, 0.95), 'wd_bn_bias': False,
    })
    torch.save(learn, out('learner_fastai2.pkl'), pickle_module=Numpy2Names, pickle_protocol=2)
    expect('learner_fastai2.pkl', 'zip', learn)

    # Python 3.11 enum members inside a plain pickle: getattr(Class, 'NAME')
    Color = enum.Enum('Color', 'RED GREEN', module='palette')
    Color.__qualname__ = 'Color'
    fake_module('palette').Color = Color
    data = {'color': Color.GREEN, 'weights': np.arange(3, dtype=np.float32)}
    with open(out('learner_enum.pkl'), 'wb') as f:
        pickle.dump(data, f, protocol=4)
    expect('learner_enum.pkl', 'pickle', data)

    # what stays refused: a partial of a dangerous callable, a getattr on a dangerous module
    with open(out('learner_partial_system.pkl'), 'wb') as f:
        f.write(b'\x80\x02cfunctools\npartial\ncposix\nsystem\n\x85R}b.')
    expect('learner_partial_system.pkl', 'pickle', error='posix.system')
    with open(out('learner_getattr_os.pkl'), 'wb') as f:
        # getattr(torch.serialization-like module attribute): builtins.getattr(torch, 'load')
        f.write(b'\x80\x02cbuiltins\ngetattr\nctorch\nserialization\nX\x04\x00\x00\x00load\x86R.')
    expect('learner_getattr_os.pkl', 'pickle', error='torch.serialization.load')


def _fake_numpy2():
    m = fake_module('numpy._core.multiarray')

    def _reconstruct(*a):
        return np.core.multiarray._reconstruct(*a)

    def scalar(*a):
        return np.core.multiarray.scalar(*a)
    for f in (_reconstruct, scalar):
        f.__module__ = 'numpy._core.multiarray'
        f.__qualname__ = f.__name__
        setattr(m, f.__name__, f)
    return m


_NP2 = _fake_numpy2()


class _Numpy2Pickler(pickle.Pickler):
    """Writes numpy arrays and scalars under numpy 2's module names (numpy._core.multiarray)."""

    def reducer_override(self, obj):
        if type(obj) is np.ndarray:
            r = obj.__reduce__()
            return (_NP2._reconstruct,) + tuple(r[1:])
        if isinstance(obj, np.generic):
            r = obj.__reduce__()
            return (_NP2.scalar,) + tuple(r[1:])
        return NotImplemented


Numpy2Names = types.SimpleNamespace(Pickler=_Numpy2Pickler, Unpickler=pickle.Unpickler,
                                    __name__='pickle', dump=pickle.dump, load=pickle.load)


# ---------------------------------------------------------------- 0.1-era Parameters

class _Param01Pickler(pickle.Pickler):
    """Pickles nn.Parameter as PyTorch 0.1 did: NEWOBJ with no arguments, then BUILD with the legacy
    five-item Variable state (data, creator, backward_hooks, requires_grad, volatile)."""

    def reducer_override(self, obj):
        if type(obj) is torch.nn.Parameter:
            return (copyreg.__newobj__, (torch.nn.Parameter,),
                    (obj.data, None, collections.OrderedDict(), obj.requires_grad, False))
        return NotImplemented


Param01 = types.SimpleNamespace(Pickler=_Param01Pickler, Unpickler=pickle.Unpickler, __name__='pickle',
                                dump=pickle.dump, load=pickle.load)


def gen_param01():
    torch.manual_seed(4)
    m = torch.nn.Sequential(torch.nn.Linear(3, 2), torch.nn.Linear(2, 1, bias=False))
    m[1].weight.requires_grad_(False)
    name = 'param01_module.pt'
    torch.save(m, out(name), pickle_module=Param01, _use_new_zipfile_serialization=False)
    back = torch.load(out(name))  # PyTorch 1.13 reads it: Parameter.__setstate__ takes the 5-item state
    for (k, v), (k2, v2) in zip(m.state_dict(keep_vars=True).items(), back.state_dict(keep_vars=True).items()):
        assert k == k2 and torch.equal(v, v2) and v.requires_grad == v2.requires_grad, k
    assert type(back[0].weight) is torch.nn.Parameter
    expect(name, 'legacy', m, requires_grad={k: v.requires_grad for k, v in m.state_dict(keep_vars=True).items()})


# ---------------------------------------------------------------- numpy files

def gen_numpy():
    a = arrays()
    for k, v in a.items():
        if not isinstance(v, np.ndarray):
            continue
        name = 'npy_%s.npy' % k
        if v.dtype == object:
            np.save(out(name), v, allow_pickle=True)
            expect(name, 'npy', tensors={}, object_array=True)
            continue
        np.save(out(name), v)
        back = np.load(out(name), mmap_mode='r')
        assert back.dtype == v.dtype and back.shape == v.shape and np_bytes(back) == np_bytes(v)
        expect(name, 'npy', tensors={'': ('numpy', v)}, fortran_order=bool(v.flags.f_contiguous and not v.flags.c_contiguous
                                                                         and v.ndim > 1))
    arrs = collections.OrderedDict((k, v) for k, v in a.items()
                                   if isinstance(v, np.ndarray) and v.dtype != object)
    np.savez(out('npz_stored.npz'), **arrs)
    np.savez_compressed(out('npz_deflated.npz'), **arrs)
    for name in ('npz_stored.npz', 'npz_deflated.npz'):
        with np.load(out(name)) as z:
            assert list(z.keys()) == list(arrs)
        expect(name, 'npz', tensors=collections.OrderedDict((k, ('numpy', v)) for k, v in arrs.items()))
    np.savez(out('npz_positional.npz'), a['f32'], a['u1'])
    expect('npz_positional.npz', 'npz', tensors=collections.OrderedDict(
        [('arr_0', ('numpy', a['f32'])), ('arr_1', ('numpy', a['u1']))]))
    np.savez(out('npz_objects.npz'), w=a['f32'], objects=a['objects'])
    expect('npz_objects.npz', 'npz', tensors={'w': ('numpy', a['f32'])}, object_arrays=['objects'])


CORPUS = os.path.join(os.environ.get('TORCH4J_SHARED')
                      or os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', '..', '..', '..', '..', '..', 'shared'),
                      'corpus')
CORPUS_FACTS = 'corpus_facts.json'


def gen_corpus_facts():
    """Facts (never the files) about the joblib dump in ../shared/corpus that PyTorch cannot open: what
    joblib reads from it, with the sklearn 0.19 names it needs mapped (sklearn.externals.joblib is
    today's joblib; the HuberRegressor class is replaced by a stand-in, its state is plain data)."""
    rel = 'other/gagneurlab__MMSplice_MTSplice__linear_model.pkl'
    fn = os.path.join(CORPUS, rel)
    if not os.path.exists(fn):
        return  # keep the committed facts

    class StandIn:
        pass

    class Renaming(numpy_pickle.NumpyUnpickler):
        def find_class(self, module, name):
            if module == 'sklearn.externals.joblib.numpy_pickle':
                module = 'joblib.numpy_pickle'
            if module == 'sklearn.linear_model.huber':
                return StandIn
            return super().find_class(module, name)
    with open(fn, 'rb') as f:
        obj = Renaming(fn, f).load()
    facts = {'format': 'joblib', 'tensors': []}
    for path, kv in walk(obj).items():
        dtype, shape, sha = describe(kv)
        facts['tensors'].append({'path': path, 'dtype': dtype, 'shape': shape, 'sha256': sha})
    with open(out(CORPUS_FACTS), 'w') as f:
        json.dump({rel: facts}, f, indent=1, sort_keys=True)
        f.write('\n')


def main():
    os.makedirs(OUT, exist_ok=True)
    for f in os.listdir(OUT):
        if f != CORPUS_FACTS:
            os.remove(os.path.join(OUT, f))
    gen_corpus_facts()
    gen_joblib()
    gen_learners()
    gen_param01()
    gen_numpy()
    with open(out('expected.json'), 'w') as f:
        json.dump({'generator': 'gen_longtail_fixtures.py', 'joblib': joblib.__version__,
                   'numpy': np.__version__, 'torch': torch.__version__, 'files': EXPECTED}, f, indent=1, sort_keys=True)
        f.write('\n')
    print('wrote %d fixtures to %s' % (len(EXPECTED), os.path.normpath(OUT)))


if __name__ == '__main__':
    main()
