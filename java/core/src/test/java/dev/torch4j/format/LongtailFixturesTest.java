package dev.torch4j.format;

import dev.torch4j.Checkpoint;
import dev.torch4j.LoadOptions;
import dev.torch4j.Torch;
import dev.torch4j.TorchFileException;
import dev.torch4j.UnsafePickleException;
import dev.torch4j.io.HeapRegion;
import dev.torch4j.json.Json;
import dev.torch4j.numpy.ArrayViews;
import dev.torch4j.numpy.NumpyArray;
import dev.torch4j.python.PyGlobal;
import dev.torch4j.python.PyObject;
import dev.torch4j.tensor.Tensor;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The long-tail fixtures (joblib and scikit-learn, learner look-alikes, 0.1-era Parameters, numpy's
 * .npy/.npz) against what Python saw when gen_longtail_fixtures.py wrote them: format, every tensor's
 * path, dtype, shape and the sha256 of its element bytes, whether it came from numpy, or the refusal.
 */
class LongtailFixturesTest {
    static final Path DIR = Paths.get("src/test/resources/fixtures/longtail");

    static Map<String, Object> expected() throws Exception {
        return expected(DIR);
    }

    /** The {@code files} of {@code dir}'s expected.json, as the generator recorded Python's view. */
    @SuppressWarnings("unchecked")
    static Map<String, Object> expected(Path dir) throws Exception {
        Map<String, Object> root = (Map<String, Object>) Json.parse(Files.readString(dir.resolve("expected.json")));
        return (Map<String, Object>) root.get("files");
    }

    /** A further check of one fixture against what Python recorded for it. */
    interface FixtureCheck {
        void check(Path file, Map<String, Object> want) throws Exception;
    }

    /** One test per fixture of {@code dir}: {@link #check}, then {@code more}. */
    static List<DynamicTest> perFixture(Path dir, FixtureCheck more) throws Exception {
        List<DynamicTest> tests = new ArrayList<>();
        for (Map.Entry<String, Object> e : expected(dir).entrySet()) {
            @SuppressWarnings("unchecked") Map<String, Object> want = (Map<String, Object>) e.getValue();
            Path file = dir.resolve(e.getKey());
            tests.add(DynamicTest.dynamicTest(e.getKey(), () -> {
                check(file, want);
                more.check(file, want);
            }));
        }
        return tests;
    }

    @TestFactory
    List<DynamicTest> everyFixtureAsPythonSawIt() throws Exception {
        return perFixture(DIR, (file, want) -> { });
    }

    @SuppressWarnings("unchecked")
    static void check(Path file, Map<String, Object> want) throws Exception {
        String error = (String) want.get("error");
        if (error != null) {
            TorchFileException ex = assertThrows(TorchFileException.class, () -> Torch.open(file).close());
            assertTrue(ex.getMessage().contains(file.toString()), ex.getMessage());
            assertTrue(ex.getMessage().contains(error), ex.getMessage());
            return;
        }
        try (Checkpoint cp = Torch.open(file)) {
            assertEquals(want.get("format"), cp.format().id());
            if (want.containsKey("compression")) assertEquals(want.get("compression"), cp.metadata().get("compression"));
            Map<String, String> expectedTensors = new TreeMap<>();
            Map<String, String> torchOnly = new TreeMap<>();
            for (Object o : (List<Object>) want.get("tensors")) {
                Map<String, Object> t = (Map<String, Object>) o;
                String line = t.get("dtype") + " " + t.get("shape") + " " + t.get("sha256") + (Boolean.TRUE.equals(t.get("numpy")) ? " numpy" : "");
                expectedTensors.put((String) t.get("path"), line);
                if (!Boolean.TRUE.equals(t.get("numpy"))) torchOnly.put((String) t.get("path"), line);
            }
            assertEquals(expectedTensors, describe(cp.tensors()), "tensors of " + file);
            if (want.get("requires_grad") instanceof Map<?, ?> rg) {
                for (Map.Entry<?, ?> r : rg.entrySet()) {
                    Tensor t = cp.tensors().get((String) r.getKey());
                    assertTrue(t.isParameter(), r.getKey() + " is a Parameter");
                    assertEquals(r.getValue(), t.requiresGrad(), r.getKey() + " requires_grad");
                }
            }
            try (Checkpoint torch = Torch.open(file, LoadOptions.DEFAULT.withTorchTensorsOnly())) {
                assertEquals(torchOnly, describe(torch.tensors()), "PyTorch's view of " + file);
            }
        }
    }

    private static Map<String, String> describe(Map<String, Tensor> tensors) {
        Map<String, String> out = new TreeMap<>();
        for (Map.Entry<String, Tensor> t : tensors.entrySet()) {
            Tensor x = t.getValue();
            List<Long> shape = new ArrayList<>();
            for (long d : x.shape()) shape.add(d);
            out.put(t.getKey(), x.dtype().pythonName() + " " + shape + " " + x.sha256() + (ArrayViews.isNumpy(x) ? " numpy" : ""));
        }
        return out;
    }

    @Test
    void uncompressedArraysAreViewsOfTheMappedFileNotHeapCopies() throws Exception {
        for (String name : List.of("joblib_arrays.joblib", "joblib_scaler.joblib", "npy_f64_fortran.npy", "npz_stored.npz")) {
            try (Checkpoint cp = Torch.open(DIR.resolve(name))) {
                assertFalse(cp.tensors().isEmpty());
                for (Map.Entry<String, Tensor> t : cp.tensors().entrySet()) {
                    if (t.getValue().shape().length == 0 && !name.endsWith(".npy")) continue; // numpy scalars are pickled bytes
                    assertFalse(t.getValue().storage().data() instanceof HeapRegion, name + " " + t.getKey() + " is a heap copy");
                }
            }
        }
        // Compressed ones cannot be: they view the inflated buffer.
        try (Checkpoint cp = Torch.open(DIR.resolve("joblib_arrays_zlib.joblib.z"))) {
            assertInstanceOf(HeapRegion.class, cp.tensors().get("f32").storage().data());
        }
    }

    @Test
    void joblibAlignsArrayDataTo16Bytes() throws Exception {
        try (Checkpoint cp = Torch.open(DIR.resolve("joblib_arrays.joblib"))) {
            String key = cp.tensors().get("f64_fortran").storage().key();
            long offset = Long.parseLong(key.substring(key.indexOf('@') + 1));
            assertEquals(0, offset % 16, key);
            assertEquals("joblib", cp.metadata().get("format"));
            assertEquals(11L, cp.metadata().get("joblib.arrays")); // 11 arrays; the two numpy scalars are pickled as scalars
        }
    }

    @Test
    void fortranOrderAndBigEndianKeepTheirLayout() throws Exception {
        try (Checkpoint cp = Torch.open(DIR.resolve("joblib_arrays.joblib"))) {
            Tensor f = cp.tensors().get("f64_fortran");
            assertEquals(List.of(1L, 4L), List.of(f.stride()[0], f.stride()[1]));
            Tensor big = cp.tensors().get("i4_big_endian");
            assertEquals(java.nio.ByteOrder.BIG_ENDIAN, big.storage().order());
            int[] v = big.toIntArray();
            for (int i = 0; i < v.length; i++) assertEquals(i, v[i]);
        }
    }

    @Test
    void objectArraysAreReadInertly() throws Exception {
        try (Checkpoint cp = Torch.open(DIR.resolve("npy_objects.npy"))) {
            NumpyArray a = assertInstanceOf(NumpyArray.class, cp.root());
            assertEquals(List.of("a", 2L), ((List<?>) a.data()).subList(0, 2));
        }
        try (Checkpoint cp = Torch.open(DIR.resolve("joblib_arrays.joblib"))) {
            NumpyArray a = assertInstanceOf(NumpyArray.class, ((Map<?, ?>) cp.root()).get("objects"));
            assertEquals(3, ((List<?>) a.data()).size());
        }
        try (Checkpoint cp = Torch.open(DIR.resolve("npz_objects.npz"))) {
            assertInstanceOf(NumpyArray.class, ((Map<?, ?>) cp.root()).get("objects"));
        }
    }

    @Test
    void enumMembersAndPartialsBecomeInertReferences() throws Exception {
        try (Checkpoint cp = Torch.open(DIR.resolve("learner_enum.pkl"))) {
            assertEquals(new PyGlobal("palette", "Color.GREEN"), ((Map<?, ?>) cp.root()).get("color"));
        }
        try (Checkpoint cp = Torch.open(DIR.resolve("learner_fastai1.pkl"))) {
            Map<?, ?> root = (Map<?, ?>) cp.root();
            assertEquals(new PyGlobal("fastai.basic_data", "DatasetType.Valid"), root.get("ds_type"));
            PyObject partial = assertInstanceOf(PyObject.class, root.get("opt_func"));
            assertEquals("functools.partial", partial.type().qualifiedName());
            assertEquals(new PyGlobal("torch.optim.adam", "Adam"), partial.args().get(0));
        }
    }

    @Test
    void dangerousTargetsStayRefusedWithTheirOffset() throws Exception {
        UnsafePickleException ex = assertThrows(UnsafePickleException.class, () -> Torch.open(DIR.resolve("learner_getattr_os.pkl")));
        assertEquals("torch.serialization.load", ex.global());
        // Inertly, on request: the reference is a placeholder, nothing is looked up.
        try (Checkpoint cp = Torch.open(DIR.resolve("learner_getattr_os.pkl"), LoadOptions.DEFAULT.withUnsafeGlobalsAllowed())) {
            assertEquals(new PyGlobal("torch", "serialization.load"), cp.root());
        }
    }

    @Test
    void unreadableCompressionsNameThemselvesAndAWayOut() {
        for (String[] c : new String[][] {{"bz2", "bunzip2"}, {"xz", "xz -dk"}, {"lzma", "--format=lzma"}}) {
            Path f = DIR.resolve("joblib_scaler_" + c[0] + ".joblib." + c[0]);
            TorchFileException ex = assertThrows(TorchFileException.class, () -> Torch.open(f).close());
            assertTrue(ex.getMessage().contains("compressed with " + c[0]) && ex.getMessage().contains(c[1]), ex.getMessage());
        }
    }

    @Test
    void hostileJoblibFilesFailWithFileAndOffset() throws Exception {
        Path dir = Files.createTempDirectory("joblib-hostile");
        try {
            // A side-file name that climbs out of the pickle's folder (same length as the real one).
            byte[] pkl = Files.readAllBytes(DIR.resolve("joblib_ndarraywrapper.pkl"));
            String real = "joblib_ndarraywrapper.pkl_01.npy";
            String evil = "../../../../../../../../tmp/a.np";
            assertEquals(real.length(), evil.length());
            String text = new String(pkl, java.nio.charset.StandardCharsets.ISO_8859_1).replace(real, evil);
            Path climbing = dir.resolve("climbing.pkl");
            Files.write(climbing, text.getBytes(java.nio.charset.StandardCharsets.ISO_8859_1));
            TorchFileException ex = assertThrows(TorchFileException.class, () -> Torch.open(climbing).close());
            assertTrue(ex.getMessage().contains("not a plain file name") && ex.getMessage().contains(climbing.toString())
                    && ex.getMessage().contains("at byte"), ex.getMessage());
            // Array bytes cut short: the array's declared size against what is left, with the offset.
            byte[] full = Files.readAllBytes(DIR.resolve("joblib_scaler.joblib"));
            Path cut = dir.resolve("cut.joblib");
            Files.write(cut, java.util.Arrays.copyOf(full, 300));
            ex = assertThrows(TorchFileException.class, () -> Torch.open(cut).close());
            assertTrue(ex.getMessage().contains(cut.toString()) && ex.getMessage().contains("at byte"), ex.getMessage());
        } finally {
            try (var s = Files.walk(dir)) {
                s.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    @Test
    void sideFilesMustStayBesideThePickle() throws Exception {
        Path dir = Files.createTempDirectory("joblib-side");
        try {
            // The pre-0.10 layout without its side file: a precise error, not a stack trace.
            Files.copy(DIR.resolve("joblib_ndarraywrapper.pkl"), dir.resolve("j.pkl"));
            TorchFileException ex = assertThrows(TorchFileException.class, () -> Torch.open(dir.resolve("j.pkl")).close());
            assertTrue(ex.getMessage().contains("joblib_ndarraywrapper.pkl_01.npy") && ex.getMessage().contains("missing"), ex.getMessage());
        } finally {
            try (var s = Files.walk(dir)) {
                s.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
        assertNotNull(expected().get("joblib_ndarraywrapper.pkl"));
    }
}
