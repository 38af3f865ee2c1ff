package dev.torch4j.libtorch.spi;

import dev.torch4j.libtorch.LibtorchBackend;

import dev.torch4j.spi.NativeBackend;

import java.util.Map;

/** The {@link NativeBackend} for libtorch through the JavaCPP presets. */
public final class LibtorchNativeBackend implements NativeBackend {
    @Override public String name() {
        return "libtorch";
    }

    @Override public boolean available() {
        return LibtorchBackend.isAvailable();
    }

    @Override public Map<String, Object> describe() {
        return LibtorchBackend.probe().describe();
    }
}
