package org.daqlab.bench;

import com.sun.management.OperatingSystemMXBean;

import java.lang.management.ManagementFactory;

/** CPU time of this JVM, all threads (compression workers, GC and JIT included). */
final class ProcessCpu {

    private static final OperatingSystemMXBean OS = (OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();

    private ProcessCpu() {
    }

    static long nanos() {
        return OS.getProcessCpuTime();
    }
}
