/**
 * The Arrow IPC storage writer: a Declarative Services component per factory configuration, one
 * Arrow IPC file per stream and segment as Arrow's writers write it, ZSTD and LZ4_FRAME
 * body codecs, and the completion of files a crash left unfinished. Private to this bundle.
 */
package org.daqlab.writer.arrow.internal;
