package dev.torch4j.torchscript.mobile;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.torch4j.python.PyObject;
import dev.torch4j.testing.ReferencePython;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Paths;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The committed schema table is what PyTorch 1.13 reports, and reads back as the defaults the backport writes. */
class OperatorSchemasTest {
    @Test
    void theCommittedTableIsPyTorch113s() throws Exception {
        ReferencePython.require("torch");
        String fresh = ReferencePython.runScript(Paths.get("src/test/python/mobile_operator_schemas.py").toAbsolutePath());
        String committed;
        try (InputStream in = OperatorSchemas.class.getResourceAsStream("operator-schemas.txt")) {
            committed = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        assertTrue(fresh.lines().count() > 4000, "schemas listed: " + fresh.lines().count());
        assertEquals(fresh, committed, "regenerate operator-schemas.txt with src/test/python/mobile_operator_schemas.py");
    }

    @Test
    void defaultsReadBackAsTheValuesTheLiteInterpreterNeeds() {
        OperatorSchemas.Schema add = OperatorSchemas.find("aten::add", "out");
        assertNotNull(add);
        assertEquals(4, add.arguments().size());
        assertEquals(1, add.outs(), "Tensor(a!) out");
        assertEquals(1L, add.arguments().get(2).defaultValue(), "Scalar alpha=1");

        OperatorSchemas.Schema pool = OperatorSchemas.find("aten::max_pool2d", "");
        // int[2] padding=0 is the list [0, 0], built as an int list (build_intlist), not a List[Any].
        PyObject padding = (PyObject) pool.arguments().get(3).defaultValue();
        assertEquals("torch.jit._pickle.build_intlist", padding.type().qualifiedName());
        assertEquals(List.of(List.of(0L, 0L)), padding.args());
        assertEquals(Boolean.FALSE, pool.arguments().get(5).defaultValue());

        OperatorSchemas.Schema softmax = OperatorSchemas.find("aten::softmax", "int");
        assertNull(softmax.arguments().get(2).defaultValue(), "ScalarType? dtype=None");
        assertTrue(!softmax.arguments().get(2).required());

        OperatorSchemas.Schema conv = OperatorSchemas.find("prepacked::conv2d_clamp_run", "");
        assertEquals(2, conv.arguments().size(), "XNNPACK's prepacked ops are in the table");
        assertTrue(OperatorSchemas.find("aten::format", "").vararg());
        assertNull(OperatorSchemas.find("aten::no_such_op", ""));
    }
}
