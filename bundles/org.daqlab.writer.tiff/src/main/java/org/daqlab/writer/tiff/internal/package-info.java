/**
 * The TIFF storage writer: a Declarative Services component per factory configuration, our own
 * classic/BigTIFF encoder writing one ImageJ-compatible multi-page stack per frame column and
 * segment, deflate with horizontal predictor on worker threads, and the completion of stacks a crash
 * left unfinished. Private to this bundle.
 */
package org.daqlab.writer.tiff.internal;
