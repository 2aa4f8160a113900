/**
 * Run documents after the Bluesky event model (RunStart, StreamDescriptor, metadata updates, RunStop) and the RunControl service.
 */
@Export
@Version("1.2.0")
package org.daqlab.api.run;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
