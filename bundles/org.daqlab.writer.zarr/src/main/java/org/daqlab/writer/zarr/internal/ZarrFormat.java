package org.daqlab.writer.zarr.internal;

/** The Zarr format versions of the {@code zarr_format} property. */
enum ZarrFormat {
    /** Zarr v2: {@code .zgroup}, {@code .zarray}, {@code .zattrs}; numcodecs compressors. */
    V2(2),
    /** Zarr v3: {@code zarr.json}, codec pipelines, dimension names, sharding. */
    V3(3);

    final int version;

    ZarrFormat(int version) {
        this.version = version;
    }

    /**
     * @throws IllegalArgumentException naming the property, the value and the choices
     */
    static ZarrFormat of(int value) {
        for (ZarrFormat format : values()) {
            if (format.version == value) {
                return format;
            }
        }
        throw new IllegalArgumentException("zarr_format = " + value + " is not one of [3, 2] (3: Zarr v3, 2: Zarr v2)");
    }
}
