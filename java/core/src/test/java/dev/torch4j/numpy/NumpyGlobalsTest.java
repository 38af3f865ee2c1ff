package dev.torch4j.numpy;

import dev.torch4j.io.HeapRegion;
import dev.torch4j.PickleLimits;
import dev.torch4j.pickle.PickleMachine;
import dev.torch4j.tensor.DType;
import dev.torch4j.tensor.Tensor;
import org.junit.jupiter.api.Test;

import java.io.InputStream;
import java.nio.ByteOrder;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

/** Layout details of numpy arrays (fixtures written by numpy; element checks are in PickleFixturesTest). */
class NumpyGlobalsTest {
    private static Map<?, ?> arrays(String name) throws Exception {
        byte[] data;
        try (InputStream in = NumpyGlobalsTest.class.getResourceAsStream("/pickle/" + name + ".pkl")) {
            data = in.readAllBytes();
        }
        return (Map<?, ?>) new PickleMachine(new HeapRegion(data), 0,
                new PickleMachine.Config(name, null, NumpyGlobals.INSTANCE, null, false, PickleLimits.DEFAULT)).load();
    }

    @Test
    void layoutsAcrossProtocols() throws Exception {
        for (String name : List.of("numpy_p0", "numpy_p2", "numpy_p4", "numpy_p5")) {
            Map<?, ?> a = arrays(name);
            Tensor f = (Tensor) a.get("fortran");
            assertEquals(DType.FLOAT64, f.dtype());
            assertArrayEquals(new long[] {2, 3}, f.shape());
            assertArrayEquals(new long[] {1, 2}, f.stride(), name);
            Tensor f3 = (Tensor) a.get("fortran3d");
            assertArrayEquals(new long[] {1, 2, 6}, f3.stride(), name);
            Tensor big = (Tensor) a.get("big_f4");
            assertEquals(ByteOrder.BIG_ENDIAN, big.storage().order(), name);
            assertArrayEquals(new long[] {3, 1}, big.stride());
            assertEquals(ByteOrder.LITTLE_ENDIAN, ((Tensor) a.get("float32")).storage().order());
            Tensor zeroD = (Tensor) a.get("zero_d");
            assertEquals(0, zeroD.dim());
            Tensor scalar = (Tensor) ((List<?>) a.get("scalars")).get(0);
            assertEquals(DType.FLOAT32, scalar.dtype());
            assertEquals(0, scalar.dim());
            NumpyArray objects = (NumpyArray) a.get("objects");
            assertInstanceOf(List.class, objects.data());
            assertEquals("U3", ((NumpyArray) a.get("unicode")).dtype().descr());
        }
    }

    @Test
    void numpy2ModuleNames() throws Exception {
        Map<?, ?> a = arrays("numpy2_names_p2");
        assertInstanceOf(Tensor.class, a.get("a"));
        assertInstanceOf(Tensor.class, a.get("s"));
    }
}
