/**
 * The CSV storage writer: a Declarative Services component per factory configuration, writing one
 * RFC 4180 file and one JSON sidecar per stream and run segment. Private to this bundle.
 */
package org.daqlab.writer.csv.internal;
