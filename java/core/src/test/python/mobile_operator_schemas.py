# Writes the operator schema table that torch4j's mobile backport uses to restore omitted default
# arguments (java/core/src/main/resources/dev/torch4j/torchscript/mobile/operator-schemas.txt);
# regenerate: /usr/bin/python3 java/core/src/test/python/mobile_operator_schemas.py > that file.
# Run with PyTorch 1.13 (/usr/bin/python3); OperatorSchemasTest checks the committed table against it.
#
# One line per schema, sorted:  name <TAB> overload <TAB> flags <TAB> arguments
#   flags: "v" for a vararg schema ("..."), else "-"
#   arguments: one token per argument, separated by ";" (empty when there are none):
#     "-" required, "o" an out argument (Tensor(a!) out, kwarg-only, trailing),
#     "N" None, "T"/"F" a bool, "i<n>" an int, "d<x>" a float (Java Double.parseDouble syntax),
#     "s<json string>", "li<n,n,...>" an int list, "ld<x,x,...>" a float list, "lb<T,F...>" a bool list,
#     "?" a default the backport cannot write (the backport refuses calls that omit it)
import json
import math
import sys

import torch


def number(x):
    if math.isnan(x):
        return "NaN"
    if math.isinf(x):
        return "Infinity" if x > 0 else "-Infinity"
    return repr(float(x))


def encode(arg):
    if arg.is_out:
        return "o"
    if not arg.has_default_value():
        return "-"
    v = arg.default_value
    if v is None:
        return "N"
    if isinstance(v, bool):
        return "T" if v else "F"
    if isinstance(v, int):
        return "i%d" % v
    if isinstance(v, float):
        return "d" + number(v)
    if isinstance(v, str):
        return "s" + json.dumps(v)
    if isinstance(v, (list, tuple)) and v:
        if all(isinstance(e, bool) for e in v):
            return "lb" + ",".join("T" if e else "F" for e in v)
        if all(isinstance(e, int) and not isinstance(e, bool) for e in v):
            return "li" + ",".join(str(e) for e in v)
        if all(isinstance(e, float) for e in v):
            return "ld" + ",".join(number(e) for e in v)
    if isinstance(v, (list, tuple)) and not v:
        # An empty list's element type comes from the argument's type.
        t = str(arg.type)
        if t in ("List[int]", "Optional[List[int]]"):
            return "li"
        if t in ("List[float]", "Optional[List[float]]"):
            return "ld"
        if t in ("List[bool]", "Optional[List[bool]]"):
            return "lb"
    return "?"


lines = set()
for s in torch._C._jit_get_all_schemas():
    # FunctionSchema has no is_vararg in 1.13: the printed argument list ends with "..." instead.
    head = str(s).rsplit(" -> ", 1)[0]
    flags = "v" if head.endswith("...)") else "-"
    lines.add("%s\t%s\t%s\t%s" % (s.name, s.overload_name, flags, ";".join(encode(a) for a in s.arguments)))
sys.stdout.write("".join(line + "\n" for line in sorted(lines)))
