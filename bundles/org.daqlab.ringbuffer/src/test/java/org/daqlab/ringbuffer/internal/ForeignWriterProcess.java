package org.daqlab.ringbuffer.internal;

import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.HexFormat;

/**
 * A foreign process that writes bytes into a ring file without following the protocol (a bug in
 * another program, or a stray tool): what readers must survive.
 */
public final class ForeignWriterProcess {

    private ForeignWriterProcess() {
    }

    /** Arguments: the ring file, then pairs of file offset and hex bytes to write there. */
    public static void main(String[] args) throws Exception {
        try (FileChannel file = FileChannel.open(Path.of(args[0]), StandardOpenOption.WRITE)) {
            for (int i = 1; i + 1 < args.length; i += 2) {
                file.write(ByteBuffer.wrap(HexFormat.of().parseHex(args[i + 1])), Long.parseLong(args[i]));
            }
        }
    }
}
