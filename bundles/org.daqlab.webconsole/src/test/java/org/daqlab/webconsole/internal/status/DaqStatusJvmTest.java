package org.daqlab.webconsole.internal.status;

import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class DaqStatusJvmTest {

    @Test
    void theJvmSectionIsThisProcessWithItsHeapDirectBuffersAndThreads() {
        ByteBuffer direct = ByteBuffer.allocateDirect(1 << 20);
        Map<String, Object> jvm = DaqStatus.jvm();

        assertEquals(ProcessHandle.current().pid(), jvm.get("pid"));
        long used = (Long) jvm.get("heap_used_bytes");
        long committed = (Long) jvm.get("heap_committed_bytes");
        assertTrue(used > 0 && used <= committed, jvm.toString());
        assertTrue((Long) jvm.get("direct_buffers_bytes") >= direct.capacity(), jvm.toString());
        assertTrue(jvm.containsKey("mapped_buffers_bytes"), jvm.toString());
        assertTrue((Integer) jvm.get("threads") >= 1, jvm.toString());
        assertTrue((Long) jvm.get("uptime_ms") > 0, jvm.toString());
        // the status is JSON: every value must be serialisable as it is
        assertTrue(StatusJson.write(jvm).contains("\"heap_used_bytes\":"), jvm.toString());
    }
}
