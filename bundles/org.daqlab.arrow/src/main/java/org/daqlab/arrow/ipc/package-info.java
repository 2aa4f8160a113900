/**
 * Arrow IPC messages written straight into memory that the caller provides (a claimed ring
 * record), without an intermediate copy.
 */
@Export
@Version("1.0.0")
package org.daqlab.arrow.ipc;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
