#!/usr/bin/python3
"""Writes torch.export (.pt2) fixtures for every layout PyTorch 2.1 to today has written, from the
documented schema: PyTorch 1.13 (the reference here) has no torch.export, so the archives are put
together with zipfile + json, and the weights with torch.save exactly where 2.x puts torch.save output.

Run with the reference interpreter:
    /usr/bin/python3 java/core/src/test/python/gen_pt2_fixtures.py
Output (committed): java/core/src/test/resources/fixtures/pt2/ (see README.md there).

Sources of the layouts (pytorch/pytorch):
  2.1-2.5  torch/export/__init__.py save(): a plain zipfile with serialized_exported_program.json,
           serialized_state_dict.pt (torch.save of the state dict), serialized_constants.pt (2.2+),
           serialized_example_inputs.pt (2.3+), 'version' ("major.minor" of SCHEMA_VERSION),
           extra_files/<name>. 2.1 wrote the graph signature as dicts (inputs_to_parameters...).
  2.6-2.7  torch/export/pt2_archive/_package.py: PyTorchFileWriter archive under a root folder,
           archive_format = "pt2", models/<model>.json, data/weights/<model>.pt (torch.save of the
           state dict), data/constants/<model>.pt, data/sample_inputs/<model>.pt.
  2.8      data/weights/<model>_weights_config.json (PayloadConfig) and one torch.save per weight
           (weight_N, use_pickle true); constants likewise (tensor_N); archive_version.
  current  the same configs with use_pickle false: raw storage bytes in weight_N, deduplicated
           (tied weights share a file; tensor_meta gives sizes, strides and storage_offset).
The models/<model>.json follows torch/_export/serde/schema.py (ExportedProgram, unions as one-key
objects, enums as integers).

expected.json: per file, the tensors as PyTorch 1.13 holds them before writing (path = state-dict FQN,
dtype, shape, sha256 of the row-major little-endian elements), the graph signature and the operator
histogram the JSON states, the archive and schema versions.
"""
import collections
import io
import json
import os
import pickle
import sys
import zipfile

import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import torch_view  # noqa: E402

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', 'resources', 'fixtures', 'pt2')
EXPECTED = {}

SCALAR_TYPE = {torch.uint8: 1, torch.int8: 2, torch.int16: 3, torch.int32: 4, torch.int64: 5, torch.float16: 6,
               torch.float32: 7, torch.float64: 8, torch.complex64: 10, torch.complex128: 11, torch.bool: 12,
               torch.bfloat16: 13}


def make_model():
    torch.manual_seed(21)
    m = torch.nn.Module()
    m.linear = torch.nn.Linear(4, 3)
    m.norm = torch.nn.BatchNorm1d(3)
    m.norm.running_mean.copy_(torch.randn(3))
    m.norm.running_var.copy_(torch.rand(3) + 0.5)
    m.embed = torch.nn.Embedding(5, 4)
    m.head = torch.nn.Linear(4, 5, bias=False)
    m.head.weight = m.embed.weight  # tied: one storage, two names
    return m


def state_dict(m):
    return collections.OrderedDict((k, v) for k, v in m.state_dict(keep_vars=True).items())


def symint_list(xs, old=False):
    return [{'as_int': int(x)} for x in xs]


def meta(t, old=False):
    m = {'dtype': SCALAR_TYPE[t.dtype], 'sizes': symint_list(t.shape), 'requires_grad': bool(t.requires_grad),
         'device': {'type': 'cpu', 'index': None}, 'strides': symint_list(t.stride()),
         'storage_offset': 0 if old else {'as_int': int(t.storage_offset())}, 'layout': 7}
    return m


def program(m, consts, old_signature=False, schema=(8, 17), torch_version='2.9.0'):
    """The ExportedProgram JSON of forward(ids, x) = head(embed(ids)).sum(1) + norm(relu(linear(x))) * c."""
    sd = state_dict(m)
    x = torch.randn(2, 4)
    ids = torch.tensor([[1, 2], [3, 4]])
    values = collections.OrderedDict()
    params = [(k, v) for k, v in sd.items() if isinstance(v, torch.nn.Parameter) and k != 'head.weight']
    params.append(('head.weight', sd['head.weight']))
    buffers = [(k, v) for k, v in sd.items() if not isinstance(v, torch.nn.Parameter)]
    in_specs, names = [], {}
    for k, v in params:
        n = 'p_' + k.replace('.', '_')
        values[n] = meta(v, old_signature)
        names[k] = n
        in_specs.append({'parameter': {'arg': {'name': n}, 'parameter_name': k}})
    for k, v in buffers:
        n = 'b_' + k.replace('.', '_')
        values[n] = meta(v, old_signature)
        names[k] = n
        in_specs.append({'buffer': {'arg': {'name': n}, 'buffer_name': k, 'persistent': True}})
    for k, v in consts.items():
        n = 'c_' + k
        values[n] = meta(v, old_signature)
        in_specs.append({'tensor_constant': {'arg': {'name': n}, 'tensor_constant_name': k}})
    for n, v in (('ids', ids), ('x', x)):
        values[n] = meta(v, old_signature)
        in_specs.append({'user_input': {'arg': {'as_tensor': {'name': n}}}})
    nodes = []

    def node(target, args, out, example):
        values[out] = meta(example, old_signature)
        nodes.append({'target': target, 'inputs': [{'name': a, 'arg': {'as_tensor': {'name': b}}, 'kind': 1}
                                                   for a, b in args],
                      'outputs': [{'as_tensor': {'name': out}}], 'metadata': {}, 'name': out})
    with torch.no_grad():
        e = m.embed(ids)
        node('torch.ops.aten.embedding.default', [('weight', names['embed.weight']), ('indices', 'ids')], 'embedding', e)
        h = m.head(e)
        node('torch.ops.aten.linear.default', [('input', 'embedding'), ('weight', names['head.weight'])], 'linear', h)
        s = h.sum(1)
        node('torch.ops.aten.sum.dim_IntList', [('self', 'linear')], 'sum_1', s)
        l1 = m.linear(x)
        node('torch.ops.aten.linear.default', [('input', 'x'), ('weight', names['linear.weight']),
                                               ('bias', names['linear.bias'])], 'linear_1', l1)
        r = torch.relu(l1)
        node('torch.ops.aten.relu.default', [('self', 'linear_1')], 'relu', r)
        m.norm.eval()
        b = m.norm(r)
        node('torch.ops.aten._native_batch_norm_legit_no_training.default',
             [('input', 'relu'), ('weight', names['norm.weight']), ('bias', names['norm.bias']),
              ('running_mean', names['norm.running_mean']), ('running_var', names['norm.running_var'])], 'bn', b)
        c = b * consts['lifted_tensor_0']
        node('torch.ops.aten.mul.Tensor', [('self', 'bn'), ('other', 'c_lifted_tensor_0')], 'mul', c)
        node('torch.ops.aten.mul.Tensor', [('self', 'mul'), ('other', 'mul')], 'mul_1', c * c)
    out_specs = [{'user_output': {'arg': {'as_tensor': {'name': 'sum_1'}}}},
                 {'user_output': {'arg': {'as_tensor': {'name': 'mul_1'}}}}]
    graph = {'inputs': [{'as_tensor': {'name': n}} for n in list(names.values()) + ['c_lifted_tensor_0', 'ids', 'x']],
             'outputs': [{'as_tensor': {'name': 'sum_1'}}, {'as_tensor': {'name': 'mul_1'}}],
             'nodes': nodes, 'tensor_values': values, 'sym_int_values': {}, 'sym_bool_values': {},
             'is_single_tensor_return': False, 'custom_obj_values': {}}
    if old_signature:
        signature = {'inputs_to_parameters': {names[k]: k for k, _ in params},
                     'inputs_to_buffers': {names[k]: k for k, _ in buffers},
                     'user_inputs': ['ids', 'x'], 'user_outputs': ['sum_1', 'mul_1'],
                     'buffers_to_mutate': {}, 'backward_signature': None}
        ep = {'graph_module': {'graph': graph, 'signature': signature, 'call_spec': {'in_spec': None, 'out_spec': None}},
              'opset_version': {'aten': 10}, 'range_constraints': {}, 'equality_constraints': [],
              'schema_version': schema}
    else:
        ep = {'graph_module': {'graph': graph, 'signature': {'input_specs': in_specs, 'output_specs': out_specs},
                               'module_call_graph': [], 'metadata': {}},
              'opset_version': {'aten': 10}, 'range_constraints': {},
              'schema_version': {'major': schema[0], 'minor': schema[1]}, 'verifiers': [],
              'torch_version': torch_version}
    ops = collections.Counter(n['target'] for n in nodes)

    def shape_of(n):
        return [s['as_int'] for s in values[n]['sizes']]
    sig = {'inputs': [['ids', 'int64', shape_of('ids')], ['x', 'float32', shape_of('x')]],
           'outputs': [['sum_1', 'float32', shape_of('sum_1')], ['mul_1', 'float32', shape_of('mul_1')]],
           'parameters': [k for k, _ in params], 'buffers': [k for k, _ in buffers],
           'constants': [] if old_signature else list(consts)}
    return json.dumps(ep).encode(), (x, ids), sig, dict(ops)


def torch_save(obj):
    b = io.BytesIO()
    torch.save(obj, b)
    return b.getvalue()


def describe(tensors):
    return [{'path': k, 'dtype': str(v.dtype).replace('torch.', ''), 'shape': list(v.shape),
             'sha256': torch_view.sha256(v)} for k, v in tensors.items()]


def expect(name, tensors, sig, ops, **facts):
    e = {'format': 'pt2', 'tensors': describe(tensors), 'signature': sig, 'operators': ops}
    e.update(facts)
    EXPECTED[name] = e


def constants():
    torch.manual_seed(7)
    return collections.OrderedDict([('lifted_tensor_0', torch.randn(3))])


def gen_export_2_1():
    m, c = make_model(), constants()
    sd = state_dict(m)
    ep, inputs, sig, ops = program(m, c, old_signature=True, schema=1)
    name = 'export_2_1.pt2'
    with zipfile.ZipFile(os.path.join(OUT, name), 'w') as z:
        z.writestr('serialized_exported_program.json', ep)
        z.writestr('serialized_state_dict.pt', torch_save(sd))
        z.writestr('version', '1')
    expect(name, sd, sig, ops, layout='torch.export.save 2.1-2.5', schema_version='1')


def gen_export_2_3():
    m, c = make_model(), constants()
    sd = state_dict(m)
    ep, inputs, sig, ops = program(m, c, schema=(5, 1), torch_version='2.3.0')
    name = 'export_2_3.pt2'
    with zipfile.ZipFile(os.path.join(OUT, name), 'w') as z:
        z.writestr('serialized_exported_program.json', ep)
        z.writestr('serialized_state_dict.pt', torch_save(sd))
        z.writestr('serialized_constants.pt', torch_save(c))
        z.writestr('serialized_example_inputs.pt', torch_save((inputs, {})))
        z.writestr('version', '5.1')
        z.writestr('extra_files/note.txt', 'exported for torch4j tests')
    all_t = collections.OrderedDict(list(sd.items()) + list(c.items()))
    expect(name, all_t, sig, ops, layout='torch.export.save 2.1-2.5', schema_version='5.1', torch_version='2.3.0')


def write_archive(name, records, archive_version=None):
    """As PyTorchFileWriter lays records out: under a root folder named after the file, a .data/version."""
    root = name[:-len('.pt2')]
    with zipfile.ZipFile(os.path.join(OUT, name), 'w') as z:
        for k, v in records:
            z.writestr(root + '/' + k, v)
        z.writestr(root + '/archive_format', 'pt2')
        if archive_version is not None:
            z.writestr(root + '/archive_version', archive_version)
        z.writestr(root + '/.data/version', '6\n')
        z.writestr(root + '/byteorder', 'little')


def gen_package_2_6():
    m, c = make_model(), constants()
    sd = state_dict(m)
    ep, inputs, sig, ops = program(m, c, schema=(8, 3), torch_version='2.6.0')
    name = 'package_2_6.pt2'
    write_archive(name, [('models/model.json', ep), ('data/weights/model.pt', torch_save(sd)),
                         ('data/constants/model.pt', torch_save(c)),
                         ('data/sample_inputs/model.pt', torch_save((inputs, {}))),
                         ('extra/module_info.json', '{}')])
    all_t = collections.OrderedDict(list(sd.items()) + list(c.items()))
    expect(name, all_t, sig, ops, layout='pt2 archive', schema_version='8.3', torch_version='2.6.0', archive_version='0')


def payload_meta(path_name, t, use_pickle, storage_offset=None):
    mt = meta(t)
    if storage_offset is not None:
        mt['storage_offset'] = {'as_int': storage_offset}
    return {'path_name': path_name, 'is_param': isinstance(t, torch.nn.Parameter), 'use_pickle': use_pickle,
            'tensor_meta': mt}


def gen_package_2_8():
    m, c = make_model(), constants()
    sd = state_dict(m)
    ep, inputs, sig, ops = program(m, c, schema=(8, 9), torch_version='2.8.0')
    name = 'package_2_8.pt2'
    records, wcfg, ccfg = [('models/model.json', ep)], {}, {}
    for i, (k, v) in enumerate(sd.items()):
        records.append(('data/weights/weight_%d' % i, torch_save(v)))
        wcfg[k] = payload_meta('weight_%d' % i, v, True)
    for i, (k, v) in enumerate(c.items()):
        records.append(('data/constants/tensor_%d' % i, torch_save(v)))
        ccfg[k] = payload_meta('tensor_%d' % i, v, True)
    records.append(('data/weights/model_weights_config.json', json.dumps({'config': wcfg})))
    records.append(('data/constants/model_constants_config.json', json.dumps({'config': ccfg})))
    records.append(('data/sample_inputs/model.pt', torch_save((inputs, {}))))
    write_archive(name, records, archive_version='0')
    all_t = collections.OrderedDict(list(sd.items()) + list(c.items()))
    expect(name, all_t, sig, ops, layout='pt2 archive', schema_version='8.9', torch_version='2.8.0', archive_version='0')


def raw_bytes(t):
    return torch_view.element_bytes(t.detach())


def gen_package_current():
    m, c = make_model(), constants()
    sd = state_dict(m)
    # A view into a bigger storage, as a sliced weight keeps it: the file holds the whole storage.
    big = torch.arange(24, dtype=torch.float32).reshape(4, 6)
    view = big[1:3, 2:5]
    ep, inputs, sig, ops = program(m, c, schema=(8, 17), torch_version='2.9.0')
    name = 'package_current.pt2'
    records, wcfg, ccfg, files = [('models/model.json', ep)], {}, {}, {}
    for k, v in sd.items():
        key = v.untyped_storage().data_ptr() if hasattr(v, 'untyped_storage') else v.storage().data_ptr()
        if key not in files:
            files[key] = 'weight_%d' % len(files)
            records.append(('data/weights/' + files[key], raw_bytes(v)))
        wcfg[k] = payload_meta(files[key], v, False)
    records.append(('data/constants/tensor_0', raw_bytes(c['lifted_tensor_0'])))
    ccfg['lifted_tensor_0'] = payload_meta('tensor_0', c['lifted_tensor_0'], False)
    records.append(('data/constants/tensor_1', raw_bytes(big)))
    ccfg['sliced'] = payload_meta('tensor_1', view, False, storage_offset=view.storage_offset())
    ccfg['sliced']['tensor_meta']['strides'] = symint_list(view.stride())
    # An opaque constant: pickle.dumps of a plain value (PyTorch unpickles it at load).
    records.append(('data/constants/opaque_obj_0', pickle.dumps({'vocab': ['a', 'b']}, protocol=2)))
    ccfg['tokenizer'] = {'path_name': 'opaque_obj_0', 'is_param': False, 'use_pickle': True, 'tensor_meta': None}
    records.append(('data/weights/model_weights_config.json', json.dumps({'config': wcfg})))
    records.append(('data/constants/model_constants_config.json', json.dumps({'config': ccfg})))
    records.append(('data/sample_inputs/model.pt', torch_save((inputs, {}))))
    write_archive(name, records, archive_version='1')
    all_t = collections.OrderedDict(list(sd.items()) + [('lifted_tensor_0', c['lifted_tensor_0']), ('sliced', view)])
    expect(name, all_t, sig, ops, layout='pt2 archive', schema_version='8.17', torch_version='2.9.0',
           archive_version='1', raw_weight_files=len(files))


class Evil:
    def __reduce__(self):
        return (os.system, ('echo pwned > /tmp/torch4j-pwned-marker',))


def gen_hostile():
    """For scan: a pickled opaque constant that would run os.system, and an AOTInductor shared library."""
    m, c = make_model(), constants()
    sd = state_dict(m)
    ep, inputs, sig, ops = program(m, c)
    records = [('models/model.json', ep), ('data/weights/model.pt', torch_save(sd)),
               ('data/constants/opaque_obj_0', pickle.dumps(Evil(), protocol=2)),
               ('data/constants/model_constants_config.json', json.dumps({'config': {'evil': {
                   'path_name': 'opaque_obj_0', 'is_param': False, 'use_pickle': True, 'tensor_meta': None}}}))]
    write_archive('hostile_opaque.pt2', records, archive_version='1')
    EXPECTED['hostile_opaque.pt2'] = {'format': 'pt2', 'scan': 'dangerous', 'dangerous_global': 'posix.system'}
    records = [('models/model.json', ep), ('data/weights/model.pt', torch_save(sd)),
               ('data/aotinductor/model/model.so', b'\x7fELF\x02\x01\x01' + bytes(57)),
               ('data/aotinductor/model/model.cpp', b'// generated kernels\n')]
    write_archive('aoti_package.pt2', records, archive_version='1')
    EXPECTED['aoti_package.pt2'] = {'format': 'pt2', 'scan': 'dangerous', 'tensors': describe(sd),
                                    'aotinductor': ['model/model.cpp', 'model/model.so']}


def main():
    os.makedirs(OUT, exist_ok=True)
    for f in os.listdir(OUT):
        if f.endswith('.pt2') or f == 'expected.json':
            os.remove(os.path.join(OUT, f))
    gen_export_2_1()
    gen_export_2_3()
    gen_package_2_6()
    gen_package_2_8()
    gen_package_current()
    gen_hostile()
    with open(os.path.join(OUT, 'expected.json'), 'w') as f:
        json.dump({'generator': 'gen_pt2_fixtures.py', 'torch': torch.__version__, 'files': EXPECTED}, f,
                  indent=1, sort_keys=True)
        f.write('\n')
    print('wrote %d fixtures to %s' % (len(EXPECTED), os.path.normpath(OUT)))


if __name__ == '__main__':
    main()
