package dev.torch4j.nativelib;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;

/** Shared test plumbing: availability policy, ISA iteration, and direct buffers. */
final class NativeTestSupport {
  private NativeTestSupport() {}

  /**
   * When the build says the library was built ({@code -Dtorch4j.native.expected=true}) a failed
   * load is a test failure, not a skip; otherwise (no CMake, or the fallback run) tests skip.
   */
  static void requireNative() {
    boolean disabled = Boolean.getBoolean(NativeLibrary.DISABLE_PROPERTY);
    if (Boolean.getBoolean("torch4j.native.expected") && !disabled) {
      assertTrue(NativeLibrary.isAvailable(), () -> "native library expected: " + NativeLibrary.unavailableReason());
    }
    assumeTrue(NativeLibrary.isAvailable(), () -> "native library unavailable: " + NativeLibrary.unavailableReason());
  }

  /** Runs {@code body} once on every ISA path this CPU supports, restoring the default after. */
  static void forEachIsa(IsaBody body) throws Exception {
    Isa original = NativeConversions.activeIsa();
    List<Isa> isas = new ArrayList<>(NativeConversions.supportedIsas());
    try {
      for (Isa isa : isas) {
        assertTrue(NativeConversions.selectIsa(isa));
        body.run(isa);
      }
    } finally {
      NativeConversions.selectIsa(original);
    }
  }

  interface IsaBody {
    void run(Isa isa) throws Exception;
  }

  /** A native-order direct buffer whose data starts {@code misalign} bytes past an aligned address. */
  static ByteBuffer direct(int bytes, int misalign) {
    ByteBuffer raw = ByteBuffer.allocateDirect(bytes + 128).alignedSlice(64);
    raw.position(misalign).limit(misalign + bytes);
    return raw.slice().order(ByteOrder.nativeOrder());
  }
}
