package org.daqlab.bench;

/** JVM options every forked benchmark JVM gets (compile-time constants, for {@code @Fork}). */
final class Jvm {

    /** Arrow reads {@code java.nio.Buffer.address} reflectively. */
    static final String OPEN_NIO = "--add-opens=java.base/java.nio=ALL-UNNAMED";
    /** Lets Arrow's Netty allocator use direct buffers without warnings. */
    static final String NETTY_REFLECTION = "-Dio.netty.tryReflectionSetAccessible=true";
    /** Agrona 2 reaches {@code jdk.internal.misc.Unsafe}. */
    static final String AGRONA_UNSAFE = "--add-exports=java.base/jdk.internal.misc=ALL-UNNAMED";
    /** A fixed heap, so that heap resizing does not add noise. */
    static final String HEAP_MIN = "-Xms1g";
    static final String HEAP_MAX = "-Xmx1g";

    private Jvm() {
    }
}
