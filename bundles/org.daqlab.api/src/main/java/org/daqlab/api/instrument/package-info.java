/**
 * What an instrument driver uses to publish its streams, and how it reports its own status.
 */
@Export
@Version("1.0.0")
package org.daqlab.api.instrument;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
