package dev.torch4j.format;

import dev.torch4j.Format;
import dev.torch4j.TorchFileException;
import dev.torch4j.executorch.MobileFlatbufferFile;
import dev.torch4j.io.ByteRegion;
import dev.torch4j.read.LoadedFile;
import dev.torch4j.read.ReadContext;

import java.util.Map;

/**
 * A mobile model saved with {@code _use_flatbuffer=True} (file identifier {@code PTMF} at offset 4,
 * bytecode v9). It holds no pickle: a scan rates its operators, its object classes and the
 * TorchScript sources it keeps, as the zip {@code .ptl}'s bytecode.pkl and code/ are rated.
 */
final class FlatbufferMobileFormat implements ContainerFormat {
    @Override public String name() { return "flatbuffer_mobile"; }

    @Override public Format format() { return Format.MOBILE; }

    @Override public boolean recognises(HeadTail head) {
        return MobileFlatbufferFile.isMobileFlatbuffer(head.head());
    }

    @Override public LoadedFile read(ReadContext ctx, ByteRegion bytes, HeadTail head) throws TorchFileException {
        return MobileFlatbufferFile.read(head.file(), bytes);
    }

    @Override public void scan(ContainerScan scan, ByteRegion bytes, HeadTail head) throws TorchFileException {
        MobileFlatbufferFile.Contents contents = MobileFlatbufferFile.contents(head.file(), bytes);
        for (String op : contents.operators()) scan.operator(op, "operators");
        for (String type : contents.typeNames()) scan.scriptClass(type, "object_types");
        for (Map.Entry<String, String> source : contents.jitSources().entrySet()) {
            scan.script(source.getValue(), "jit_sources/" + source.getKey());
        }
        scan.checked(contents.checked());
    }
}
