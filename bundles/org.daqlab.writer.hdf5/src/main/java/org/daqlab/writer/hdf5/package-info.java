/**
 * Reading daqlab HDF5 files back: a stream of a file written by the {@code hdf5} writer (layout in
 * the bundle's FORMAT.md) as Arrow record batches with the schema it was published with.
 */
@Export
@Version("1.0.0")
package org.daqlab.writer.hdf5;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
