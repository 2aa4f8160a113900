/**
 * The HDF5 storage writer: a Declarative Services component per factory configuration; chunks are
 * compressed on a worker pool into a crash-safe spool and the {@code .h5} file is assembled with jhdf
 * when the segment closes. Private to this bundle.
 */
package org.daqlab.writer.hdf5.internal;
