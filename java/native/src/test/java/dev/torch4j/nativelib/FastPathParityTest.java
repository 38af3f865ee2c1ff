package dev.torch4j.nativelib;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.torch4j.Checkpoint;
import dev.torch4j.Torch;
import dev.torch4j.convert.DTypeCaster;
import dev.torch4j.io.HeapRegion;
import dev.torch4j.io.MappedFile;
import dev.torch4j.spi.ElementConversions;
import dev.torch4j.tensor.DType;
import dev.torch4j.elements.FastPaths;
import dev.torch4j.elements.JavaElementConversions;
import dev.torch4j.tensor.Storage;
import dev.torch4j.tensor.Tensor;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * torch4j-core's reader and caster route float16/bfloat16/float8 through {@link FastPaths}. This
 * suite runs twice (native library loaded, then {@code -Dtorch4j.native.disable=true}) and checks
 * both runs against PyTorch 1.13's own {@code .float()} / {@code .to()} bits, plus the native
 * provider against the pure-Java one on the same bytes.
 */
class FastPathParityTest {
  /** Sizes span one JNI chunk boundary and the mapped-decode chunk (2^20 elements). */
  private static final String SCRIPT = """
      import sys, torch
      g = torch.Generator().manual_seed(7)
      codes = torch.arange(-32768, 32768, dtype=torch.int32).to(torch.int16)
      h_all = codes.view(torch.float16).clone()
      b_all = codes.view(torch.bfloat16).clone()
      h_big = (torch.randn(1300001, generator=g) * 1000).to(torch.float16)
      b_big = (torch.randn(1300001, generator=g) * 1e30).to(torch.bfloat16)
      h_t = h_big[:1000000].view(1000, 1000).t()          # strided: the general path
      ties = torch.arange(0, 1 << 20, dtype=torch.int32) * 4093 + 0x33000000
      f = torch.cat([ties.view(torch.float32).clone(), torch.randn(200000, generator=g) * 70000,
                     torch.tensor([float('nan'), -float('nan'), float('inf'), -float('inf'), 65520., 65519.99, 3e38, 1e-8])])
      t = {'h_all': h_all, 'b_all': b_all, 'h_big': h_big, 'b_big': b_big, 'h_t': h_t,
           'h_all_f': h_all.float(), 'b_all_f': b_all.float(), 'h_big_f': h_big.float(), 'b_big_f': b_big.float(),
           'h_t_f': h_t.float().contiguous(),
           'f': f, 'f_h': f.to(torch.float16), 'f_b': f.to(torch.bfloat16)}
      torch.save(t, sys.argv[1])
      """;

  @TempDir static Path dir;
  private static Checkpoint file;
  private static Map<String, Tensor> tensors;

  @BeforeAll
  static void savePyTorchFixtures() throws Exception {
    Path out = dir.resolve("fast.pt");
    PythonTorch.run(dir, SCRIPT, out.toString());
    file = Torch.open(out);
    tensors = file.tensors();
  }

  @AfterAll
  static void close() {
    if (file != null) file.close();
  }

  @Test
  void nativeProviderChosenExactlyWhenTheLibraryLoads() {
    boolean disabled = Boolean.getBoolean(NativeLibrary.DISABLE_PROPERTY);
    if (disabled) {
      assertNull(FastPaths.nativeProvider());
      for (FastPaths.Path p : FastPaths.Path.values()) assertEquals("java", FastPaths.implementation(p));
    } else if (Boolean.getBoolean("torch4j.native.expected")) {
      assertNotNull(FastPaths.nativeProvider(), () -> "native provider expected: " + NativeLibrary.unavailableReason());
    }
  }

  @Test
  void toFloatArrayGivesPyTorchBits() {
    for (String name : new String[] {"h_all", "b_all", "h_big", "b_big", "h_t"}) {
      Tensor t = tensors.get(name);
      assertEquals(name.startsWith("h") ? DType.FLOAT16 : DType.BFLOAT16, t.dtype());
      assertBitsEqual(name, tensors.get(name + "_f").toFloatArray(), t.toFloatArray());
    }
    assertTrue(!tensors.get("h_t").isContiguous());
  }

  @Test
  void bigEndianStoragesSwapToPyTorchBits() {
    for (String name : new String[] {"h_big", "b_all"}) {
      Tensor le = tensors.get(name);
      byte[] bytes = le.toByteArray();
      for (int i = 0; i < bytes.length; i += 2) {
        byte x = bytes[i];
        bytes[i] = bytes[i + 1];
        bytes[i + 1] = x;
      }
      Storage s = Storage.ofBytes("be", le.dtype(), new HeapRegion(bytes), ByteOrder.BIG_ENDIAN);
      Tensor be = new Tensor(le.dtype(), le.shape(), le.stride(), 0, s);
      assertBitsEqual(name + " big-endian", tensors.get(name + "_f").toFloatArray(), be.toFloatArray());
      assertArrayEquals(le.toByteArray(), be.toByteArray(), name + " big-endian bytes");
    }
  }

  @Test
  void casterWritesWhatTensorToWrites() {
    Tensor f = tensors.get("f");
    assertArrayEquals(tensors.get("f_h").toByteArray(), new DTypeCaster(DType.FLOAT16).cast(f).toByteArray(), "float16");
    assertArrayEquals(tensors.get("f_b").toByteArray(), new DTypeCaster(DType.BFLOAT16).cast(f).toByteArray(), "bfloat16");
    byte[] bytes = f.toByteArray();
    for (int i = 0; i < bytes.length; i += 4) {
      byte a = bytes[i];
      byte b = bytes[i + 1];
      bytes[i] = bytes[i + 3];
      bytes[i + 1] = bytes[i + 2];
      bytes[i + 2] = b;
      bytes[i + 3] = a;
    }
    Tensor be = new Tensor(DType.FLOAT32, f.shape(), f.stride(), 0,
        Storage.ofBytes("be", DType.FLOAT32, new HeapRegion(bytes), ByteOrder.BIG_ENDIAN));
    assertArrayEquals(tensors.get("f_h").toByteArray(), new DTypeCaster(DType.FLOAT16).cast(be).toByteArray(), "big-endian float16");
  }

  @Test
  void everyPathRunsNativelyInTheLibraryRun() {
    assumeTrue(FastPaths.nativeProvider() != null, "pure-Java run");
    for (FastPaths.Path p : FastPaths.Path.values()) assertEquals("native", FastPaths.implementation(p), p.property());
  }

  @Test
  void nativeProviderMatchesPureJavaOnTheSameBytes() throws Exception {
    NativeTestSupport.requireNative();
    ElementConversions nat = FastPaths.nativeProvider();
    assertNotNull(nat);
    ElementConversions java = JavaElementConversions.INSTANCE;
    for (String name : new String[] {"h_all", "b_all", "h_big", "b_big"}) {
      Tensor t = tensors.get(name);
      byte[] raw = t.toByteArray();
      int n = (int) t.numel();
      float[] a = new float[n];
      float[] b = new float[n];
      java.decode(t.dtype(), raw, 0, a, 0, n);
      nat.decode(t.dtype(), raw, 0, b, 0, n);
      assertBitsEqual(name, a, b);
    }
    byte[] f = tensors.get("f").toByteArray();
    int n = f.length / 4;
    for (DType target : new DType[] {DType.FLOAT16, DType.BFLOAT16}) {
      byte[] a = new byte[2 * n];
      byte[] b = new byte[2 * n];
      java.encode(target, f, 0, a, 0, n);
      nat.encode(target, f, 0, b, 0, n);
      assertArrayEquals(a, b, target.pythonName());
    }
    byte[] swapped = f.clone();
    for (int size : new int[] {2, 4, 8}) {
      byte[] a = f.clone();
      java.swapBytes(a, 0, a.length / size, size);
      nat.swapBytes(swapped, 0, swapped.length / size, size);
      assertArrayEquals(a, swapped, size + "-byte swap");
      swapped = f.clone();
    }
  }

  /**
   * PyTorch 1.13 has no float8, so float8 tensors (all 256 codes, mapped and on the heap) are
   * checked against the pure-Java decoder, which core tests against c10's values.
   */
  @Test
  void float8TensorsDecodeLikePureJava() throws Exception {
    int n = 256 * 4099;
    byte[] codes = new byte[n];
    for (int i = 0; i < n; i++) codes[i] = (byte) (i * 37 + i / 256);
    Path raw = dir.resolve("f8.bin");
    Files.write(raw, codes);
    try (MappedFile mapped = MappedFile.open(raw)) {
      for (DType d : new DType[] {DType.FLOAT8_E4M3FN, DType.FLOAT8_E5M2, DType.FLOAT8_E4M3FNUZ, DType.FLOAT8_E5M2FNUZ}) {
        float[] expected = new float[n];
        JavaElementConversions.INSTANCE.decode(d, codes, 0, expected, 0, n);
        Tensor heap = new Tensor(d, new long[] {n}, new long[] {1}, 0, Storage.ofBytes("h", d, new HeapRegion(codes), ByteOrder.LITTLE_ENDIAN));
        Tensor map = new Tensor(d, new long[] {n - 3}, new long[] {1}, 3, Storage.ofBytes("m", d, mapped, ByteOrder.LITTLE_ENDIAN));
        assertBitsEqual(d + " heap", expected, heap.toFloatArray());
        float[] tail = java.util.Arrays.copyOfRange(expected, 3, n);
        assertBitsEqual(d + " mapped", tail, map.toFloatArray());
      }
    }
  }

  private static void assertBitsEqual(String what, float[] expected, float[] actual) {
    assertEquals(expected.length, actual.length, what + " length");
    for (int i = 0; i < expected.length; i++) {
      int e = Float.floatToRawIntBits(expected[i]);
      int a = Float.floatToRawIntBits(actual[i]);
      if (e != a) {
        throw new AssertionError(what + "[" + i + "]: expected 0x" + Integer.toHexString(e) + " got 0x" + Integer.toHexString(a));
      }
    }
  }
}
