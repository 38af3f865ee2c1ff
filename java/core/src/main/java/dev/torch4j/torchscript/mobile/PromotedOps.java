package dev.torch4j.torchscript.mobile;

import java.util.Map;

/**
 * The operators that bytecode version 8 emits as instructions of their own (PyTorch's "promoted
 * prim ops", {@code torch/csrc/jit/runtime/instruction.h}), and the operator call each is in version 7
 * and earlier. Names, overloads, argument counts and the OP/OPN choice were read from PyTorch 1.13's
 * own v8-to-v7 backport of models using each (MobileBackportTest compares with it).
 */
final class PromotedOps {
    /** {@code opcode} is OP or OPN (vararg, N = inputs); {@code overload} null for DICT_INDEX, chosen by key type. */
    record Promoted(String operator, String overload, long numArgs, String opcode) {}

    private static final Map<String, Promoted> BY_INSTRUCTION = Map.ofEntries(
            Map.entry("RAISE_EXCEPTION", new Promoted("prim::RaiseException", "", 2, "OP")),
            Map.entry("__IS__", new Promoted("aten::__is__", "", 2, "OP")),
            Map.entry("__ISNOT__", new Promoted("aten::__isnot__", "", 2, "OP")),
            Map.entry("__NOT__", new Promoted("aten::__not__", "", 1, "OP")),
            Map.entry("UN_INITIALIZED", new Promoted("prim::Uninitialized", "", 0, "OP")),
            Map.entry("FORMAT", new Promoted("aten::format", "", -1, "OPN")),
            Map.entry("DEVICE", new Promoted("prim::device", "", 1, "OP")),
            Map.entry("DTYPE", new Promoted("prim::dtype", "", 1, "OP")),
            Map.entry("DIM", new Promoted("aten::dim", "", 1, "OP")),
            Map.entry("IS_CUDA", new Promoted("prim::is_cuda", "", 1, "OP")),
            Map.entry("TO_LIST", new Promoted("prim::tolist", "", -1, "OP")),
            Map.entry("NUM_TO_TENSOR", new Promoted("prim::NumToTensor", "Scalar", 1, "OP")),
            Map.entry("TUPLE_INDEX", new Promoted("prim::TupleIndex", "", 2, "OP")),
            // PyTorch 1.13 still emits prim::unchecked_cast as an operator; the instruction is demoted too.
            Map.entry("UNCHECKED_CAST", new Promoted("prim::unchecked_cast", "", 1, "OP")),
            Map.entry("DICT_INDEX", new Promoted("aten::__getitem__", null, 2, "OP")));

    private PromotedOps() {}

    /** The operator call of a version-8 instruction, or null when {@code opcode} is not a promoted op. */
    static Promoted of(String opcode) {
        return BY_INSTRUCTION.get(opcode);
    }
}
