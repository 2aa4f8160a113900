/**
 * The storage SPI: a StorageWriter bundle turns one run segment of Arrow batches into files; the core owns threads, naming, rotation and statistics.
 */
@Export
@Version("1.2.0")
package org.daqlab.api.storage;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
