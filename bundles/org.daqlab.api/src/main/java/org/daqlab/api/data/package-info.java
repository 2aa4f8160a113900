/**
 * Data model helpers: stream schemas with {@code timestamp_ns}, units and ranges in field metadata, and the {@code arrow.fixed_shape_tensor} frame type.
 */
@Export
@Version("2.1.0")
package org.daqlab.api.data;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
