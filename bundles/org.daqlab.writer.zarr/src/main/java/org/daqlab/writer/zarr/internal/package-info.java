/**
 * The Zarr storage writer: a Declarative Services component per factory configuration, one Zarr
 * store (v3 or v2) per run segment written chunk by chunk on a worker pool, consistent on disk at
 * every flush, and the renaming of stores a crash left unfinished. Private to this bundle.
 */
package org.daqlab.writer.zarr.internal;
