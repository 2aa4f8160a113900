package org.daqlab.writer.hdf5;

import org.apache.arrow.vector.types.pojo.Field;
import org.osgi.annotation.versioning.ProviderType;

/**
 * A field of the published schema that the file has no dataset for, so that batches read back do
 * not have it: the writer does not store its type (FORMAT.md lists the types it stores), or the
 * dataset is missing.
 *
 * @param field  the field as published
 * @param reason why it has no dataset, in words
 */
@ProviderType
public record Hdf5DroppedColumn(Field field, String reason) {
}
