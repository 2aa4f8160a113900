/**
 * The ring buffer service: the memory-mapped log through which every record flows from producers to independent readers.
 */
@Export
@Version("1.1.0")
package org.daqlab.api.ring;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
