/**
 * The Parquet storage writer: a Declarative Services component per factory configuration; each
 * stream of a run segment is written to its own Parquet file with parquet-java (embedded, without
 * Hadoop). Private to this bundle.
 */
package org.daqlab.writer.parquet.internal;
