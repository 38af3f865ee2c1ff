package dev.torch4j.pickle;

import dev.torch4j.testing.ReferencePython;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The opcode table both interpreters read by is Python's own: {@code pickletools.opcodes}, row by row. */
class OpcodeTableTest {
    /** One line per opcode: byte, name, argument kind ({@code -} for none), protocol, stack before, stack after. */
    private static final String DUMP = String.join("\n",
            "import pickletools",
            "for o in sorted(pickletools.opcodes, key=lambda o: ord(o.code)):",
            "    print(ord(o.code), o.name, o.arg.name if o.arg else '-', o.proto,",
            "          ' '.join(s.name for s in o.stack_before) or '-', ' '.join(s.name for s in o.stack_after) or '-', sep='\\t')");

    @Test
    void tableIsPythonsPickletoolsTable() {
        ReferencePython.require("pickletools");
        List<String> expected = ReferencePython.runSource(DUMP).lines().toList();
        List<String> actual = new ArrayList<>();
        for (Opcodes.Op op : Opcodes.all()) {
            actual.add(String.join("\t", String.valueOf(op.code()), op.name(),
                    op.arg() == Opcodes.Arg.NONE ? "-" : op.arg().pythonName(), String.valueOf(op.proto()),
                    op.before().isEmpty() ? "-" : String.join(" ", op.before()),
                    op.after().isEmpty() ? "-" : String.join(" ", op.after())));
        }
        assertEquals(68, expected.size(), "pickletools knows 68 opcodes (protocols 0 to 5)");
        assertEquals(expected, actual);
    }

    @Test
    void stackNeedsFollowFromTheRows() {
        Opcodes.Op appends = Opcodes.op(Opcodes.APPENDS);
        assertEquals(true, appends.takesMark());
        assertEquals(1, appends.itemsBelow());       // the list under the mark
        Opcodes.Op obj = Opcodes.op(Opcodes.OBJ);
        assertEquals(1, obj.itemsAboveMark());       // the class after the mark
        Opcodes.Op setitem = Opcodes.op(Opcodes.SETITEM);
        assertEquals(false, setitem.takesMark());
        assertEquals(3, setitem.itemsBelow());
    }
}
