package dev.torch4j.libtorch;

/**
 * A lower mobile bytecode version was asked for, but torch4j-native's {@code libtorch4j_mobile}
 * (which runs libtorch's backport code) could not be loaded; nothing was written.
 */
public final class BackportUnavailableException extends dev.torch4j.spi.BackendUnavailableException {
    @java.io.Serial private static final long serialVersionUID = 1L;
    public BackportUnavailableException(int version, String reason) {
        super("bytecode version " + version + " needs a backport, but libtorch4j_mobile is unavailable: " + reason
                + " (put torch4j-native-<version>-linux-x86_64.jar on the class path, or set -Dtorch4j.mobile.path)");
    }
}
