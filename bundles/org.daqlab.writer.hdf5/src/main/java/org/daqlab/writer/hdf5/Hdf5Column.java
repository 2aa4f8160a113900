package org.daqlab.writer.hdf5;

import org.apache.arrow.vector.types.pojo.Field;
import org.osgi.annotation.versioning.ProviderType;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One column of a stream as it is stored: the dataset {@code /<group>/<column>} and the Arrow field
 * it holds.
 *
 * @param name       the column (and dataset) name
 * @param path       the dataset's absolute path in the file, e.g. {@code /camera0/frame}
 * @param field      the column's field in the published schema
 * @param shape      the dataset's shape: {@code [rows]}, or {@code [rows, d1, …, dk]} for a tensor column
 * @param hdf5Type   the dataset's element type as HDF5 names it, e.g. {@code uint16}, {@code float64},
 *                   {@code string(12 bytes, UTF-8)}
 * @param storage    how the dataset is stored, e.g. {@code chunks [1, 480, 640], shuffle, deflate 4}
 * @param units      the {@code units} attribute, or {@code null} when the field has no unit
 * @param attributes every attribute of the dataset except {@code schema} (the stream's schema,
 *                   identical on every dataset), in file order
 */
@ProviderType
public record Hdf5Column(String name, String path, Field field, List<Long> shape, String hdf5Type, String storage,
        String units, Map<String, Object> attributes) {

    public Hdf5Column {
        shape = List.copyOf(shape);
        attributes = Collections.unmodifiableMap(new LinkedHashMap<>(attributes));
    }
}
