package org.daqlab.writer.hdf5;

import org.osgi.annotation.versioning.ProviderType;

import java.io.IOException;

/**
 * A file that is not laid out as FORMAT.md describes: not HDF5 at all, a dataset without the
 * {@code schema} attribute, a dataset whose HDF5 type or shape does not match its Arrow field. The
 * message names the file, the group or dataset, and what is wrong.
 */
@ProviderType
public class Hdf5FormatException extends IOException {

    private static final long serialVersionUID = 1L;

    /** @param message names the file, the group or dataset and what is wrong */
    public Hdf5FormatException(String message) {
        super(message);
    }

    /** @param message names the file, the group or dataset and what is wrong; {@code cause} is jhdf's own error */
    public Hdf5FormatException(String message, Throwable cause) {
        super(message, cause);
    }
}
