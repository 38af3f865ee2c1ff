package dev.torch4j.nativelib;

import dev.torch4j.spi.NativeBackend;

import java.util.LinkedHashMap;
import java.util.Map;

/** Reports torch4j's own native library (CPU fast paths, mobile bytecode tools) to {@code torch4j info}. */
public final class NativeLibraryBackend implements NativeBackend {
    /** Created by {@link java.util.ServiceLoader}. */
    public NativeLibraryBackend() {}

  @Override public String name() {
    return "torch4j-native";
  }

  @Override public boolean available() {
    return NativeLibrary.isAvailable();
  }

  @Override public Map<String, Object> describe() {
    Map<String, Object> out = new LinkedHashMap<>();
    LoadResult r = NativeLibrary.load();
    out.put("available", r.loaded());
    if (r.loaded()) {
      out.put("source", r.source());
      out.put("isa", NativeConversions.activeIsa().toString());
    } else {
      out.put("reason", r.reason());
    }
    out.put("platform", Platform.current());
    boolean mobile = MobileBytecodeTools.isAvailable();
    out.put("mobile_bytecode_tools", mobile);
    if (!mobile) out.put("mobile_bytecode_tools_reason", MobileBytecodeTools.unavailableReason());
    return out;
  }
}
