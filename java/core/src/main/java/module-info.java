/**
 * torch4j core: reads, inspects, scans, converts and writes PyTorch model files in pure Java.
 *
 * <p>The exported packages are the supported API: {@link dev.torch4j.Torch} and
 * {@link dev.torch4j.Checkpoint} to open any format, {@code tensor} for tensors and their data,
 * {@code python} for the inert Python values a pickle holds, {@code safetensors} and {@code convert}
 * for writing other formats, {@code scan} for vetting files
 * without running them, {@code io} for the byte sources tensors are read from, and {@code spi}
 * for the optional modules (native kernels, libtorch, extra commands). Every other package is an
 * implementation detail; the sibling torch4j modules reach the few they need through qualified exports.
 */
@SuppressWarnings("module") // qualified exports name sibling modules that are compiled after this one
module dev.torch4j {
    exports dev.torch4j;
    exports dev.torch4j.tensor;
    exports dev.torch4j.python;
    exports dev.torch4j.safetensors;
    exports dev.torch4j.convert;
    exports dev.torch4j.io;
    exports dev.torch4j.spi;
    exports dev.torch4j.scan;

    exports dev.torch4j.numpy to dev.torch4j.libtorch, dev.torch4j.cli;
    exports dev.torch4j.json to dev.torch4j.cli, dev.torch4j.libtorch, dev.torch4j.nativelib, dev.torch4j.coreml;
    exports dev.torch4j.elements to dev.torch4j.nativelib, dev.torch4j.libtorch;
    exports dev.torch4j.diff to dev.torch4j.cli;
    exports dev.torch4j.stats to dev.torch4j.cli;
    exports dev.torch4j.read to dev.torch4j.cli;
    exports dev.torch4j.torchscript.mobile to dev.torch4j.cli, dev.torch4j.libtorch;

    uses dev.torch4j.spi.ElementConversions;
}
