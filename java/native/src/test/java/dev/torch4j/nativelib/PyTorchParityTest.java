package dev.torch4j.nativelib;

import static dev.torch4j.nativelib.NativeTestSupport.direct;
import static dev.torch4j.nativelib.NativeTestSupport.forEachIsa;
import static org.junit.jupiter.api.Assertions.fail;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The native kernels against values PyTorch itself computes: every float16/bfloat16 pattern
 * widened by {@code Tensor.float()}, and random plus edge-case float32 narrowed by
 * {@code Tensor.half()} / {@code Tensor.bfloat16()}.
 */
class PyTorchParityTest {
  private static final String SCRIPT = """
      import sys, numpy as np, torch
      out = sys.argv[1]
      codes = np.arange(65536, dtype=np.uint16)
      torch.from_numpy(codes.view(np.float16)).float().numpy().view(np.uint32).astype('<u4').tofile(out + '/f16.bin')
      torch.from_numpy(codes.view(np.int16)).view(torch.bfloat16).float().numpy().view(np.uint32).astype('<u4').tofile(out + '/bf16.bin')
      bits = np.fromfile(out + '/f32_in.bin', dtype='<u4')
      t = torch.from_numpy(bits.view(np.float32))
      t.half().view(torch.int16).numpy().view(np.uint16).astype('<u2').tofile(out + '/to_f16.bin')
      t.bfloat16().view(torch.int16).numpy().view(np.uint16).astype('<u2').tofile(out + '/to_bf16.bin')
      print('ok', torch.__version__)
      """;

  @TempDir
  static Path dir;
  private static int[] inputs;

  @BeforeAll
  static void runPyTorch() throws Exception {
    PythonTorch.interpreter();
    inputs = NativeConversionsTest.interestingFloats(1_000_000);
    ByteBuffer in = ByteBuffer.allocate(inputs.length * 4).order(ByteOrder.LITTLE_ENDIAN);
    in.asIntBuffer().put(inputs);
    Files.write(dir.resolve("f32_in.bin"), in.array());
    PythonTorch.run(dir, SCRIPT, dir.toString());
  }

  @BeforeEach
  void requireNative() {
    NativeTestSupport.requireNative();
  }

  @Test
  void widensEverySixteenBitPatternLikePyTorch() throws Exception {
    ByteBuffer f16 = littleEndian("f16.bin");
    ByteBuffer bf16 = littleEndian("bf16.bin");
    forEachIsa(isa -> {
      ByteBuffer src = direct(65536 * 2, 0);
      for (int i = 0; i < 65536; i++) {
        src.putShort(i * 2, (short) i);
      }
      compareWidening(isa, Conversion.FLOAT16_TO_FLOAT32, src, f16);
      compareWidening(isa, Conversion.BFLOAT16_TO_FLOAT32, src, bf16);
    });
  }

  @Test
  void narrowsLikePyTorch() throws Exception {
    ByteBuffer toF16 = littleEndian("to_f16.bin");
    ByteBuffer toBf16 = littleEndian("to_bf16.bin");
    forEachIsa(isa -> {
      ByteBuffer src = direct(inputs.length * 4, 0);
      src.asIntBuffer().put(inputs);
      compareNarrowing(isa, Conversion.FLOAT32_TO_FLOAT16, src, toF16);
      compareNarrowing(isa, Conversion.FLOAT32_TO_BFLOAT16, src, toBf16);
    });
  }

  private static ByteBuffer littleEndian(String name) throws Exception {
    return ByteBuffer.wrap(Files.readAllBytes(dir.resolve(name))).order(ByteOrder.LITTLE_ENDIAN);
  }

  private static void compareWidening(Isa isa, Conversion c, ByteBuffer src, ByteBuffer torch) {
    ByteBuffer dst = direct(65536 * 4, 0);
    NativeConversions.convert(c, src, dst, 65536);
    for (int i = 0; i < 65536; i++) {
      if (dst.getInt(i * 4) != torch.getInt(i * 4)) {
        fail(isa + " " + c + " of 0x" + Integer.toHexString(i) + ": PyTorch 0x" + Integer.toHexString(torch.getInt(i * 4))
            + ", native 0x" + Integer.toHexString(dst.getInt(i * 4)));
      }
    }
  }

  private static void compareNarrowing(Isa isa, Conversion c, ByteBuffer src, ByteBuffer torch) {
    ByteBuffer dst = direct(inputs.length * 2, 0);
    NativeConversions.convert(c, src, dst, inputs.length);
    for (int i = 0; i < inputs.length; i++) {
      if (dst.getShort(i * 2) != torch.getShort(i * 2)) {
        fail(isa + " " + c + " of 0x" + Integer.toHexString(inputs[i]) + ": PyTorch 0x"
            + Integer.toHexString(torch.getShort(i * 2) & 0xFFFF) + ", native 0x" + Integer.toHexString(dst.getShort(i * 2) & 0xFFFF));
      }
    }
  }
}
