package org.daqlab.writer.hdf5.internal;

import io.jhdf.AbstractWritableNode;
import io.jhdf.ObjectHeader;
import io.jhdf.api.Group;
import io.jhdf.api.NodeType;
import io.jhdf.api.WritableDataset;
import io.jhdf.filter.PipelineFilterWithData;
import io.jhdf.object.datatype.DataType;
import io.jhdf.object.message.AttributeInfoMessage;
import io.jhdf.object.message.AttributeMessage;
import io.jhdf.object.message.DataLayout;
import io.jhdf.object.message.DataLayoutMessage;
import io.jhdf.object.message.DataSpace;
import io.jhdf.object.message.DataSpaceMessage;
import io.jhdf.object.message.DataTypeMessage;
import io.jhdf.object.message.FillValueMessage;
import io.jhdf.object.message.FilterPipelineMessage;
import io.jhdf.object.message.Message;
import io.jhdf.storage.HdfFileChannel;

import java.lang.reflect.Array;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A chunked dataset whose chunks and chunk index are already in the file: jhdf links it into its
 * group and asks it to write itself, and it writes only its object header (type, shape, filters,
 * layout pointing at the index, attributes). This is how a file is assembled from chunks written
 * during the run without holding its data in memory, using jhdf's own message encoders.
 *
 * <p>Write-only: the read accessors of {@link WritableDataset} that need the data are unsupported.
 */
final class ChunkedDatasetNode extends AbstractWritableNode implements WritableDataset {

    /** Thrown when the object header would reach into the data written during the run. */
    static final class MetadataOverflow extends RuntimeException {
        MetadataOverflow(String message) {
            super(message);
        }
    }

    private final DataType dataType;
    private final long[] dimensions;
    private final List<FilterPipelineMessage.FilterInfo> filters;
    private final DataLayoutMessage layout;
    private final long metadataLimit;
    private final long storageBytes;

    /**
     * @param metadataLimit the first byte of the data region: the header must end before it
     */
    ChunkedDatasetNode(Group parent, String name, DataType dataType, long[] dimensions,
            List<FilterPipelineMessage.FilterInfo> filters, DataLayoutMessage layout, long storageBytes, long metadataLimit) {
        super(parent, name);
        this.dataType = dataType;
        this.dimensions = dimensions.clone();
        this.filters = List.copyOf(filters);
        this.layout = layout;
        this.storageBytes = storageBytes;
        this.metadataLimit = metadataLimit;
    }

    @Override
    public long write(HdfFileChannel channel, long position) {
        List<Message> messages = new ArrayList<>();
        messages.add(DataTypeMessage.create(dataType));
        messages.add(DataSpaceMessage.create(dataSpace()));
        messages.add(FillValueMessage.NO_FILL);
        if (!filters.isEmpty()) {
            messages.add(FilterPipelineMessage.create(filters));
        }
        messages.add(layout);
        if (!getAttributes().isEmpty()) {
            messages.add(AttributeInfoMessage.create());
            getAttributes().forEach((key, attribute) -> messages.add(AttributeMessage.create(key, attribute)));
        }
        ByteBuffer header = new ObjectHeader.ObjectHeaderV2(position, messages).toBuffer();
        long end = position + header.limit();
        if (end > metadataLimit) {
            throw new MetadataOverflow("the header of " + getPath() + " would end at byte " + end
                    + ", past the " + metadataLimit + " bytes reserved for metadata");
        }
        while (header.hasRemaining()) {
            position += channel.write(header, position);
        }
        // jhdf appends its signature at the channel position after the last node: keep it off the data
        channel.position(channel.size());
        return end;
    }

    private DataSpace dataSpace() {
        int[] ones = new int[dimensions.length];
        Arrays.fill(ones, 1);
        return DataSpace.modifyDimensions(DataSpace.fromObject(Array.newInstance(byte.class, ones)), dimensions);
    }

    @Override
    public long getSize() {
        return Arrays.stream(dimensions).reduce(1, Math::multiplyExact);
    }

    @Override
    public long getSizeInBytes() {
        return getSize() * dataType.getSize();
    }

    @Override
    public long getStorageInBytes() {
        return storageBytes;
    }

    @Override
    public int[] getDimensions() {
        return Arrays.stream(dimensions).mapToInt(Math::toIntExact).toArray();
    }

    @Override
    public long[] getDimensionsAsLong() {
        return dimensions.clone();
    }

    @Override
    public boolean isScalar() {
        return false;
    }

    @Override
    public boolean isEmpty() {
        return getSize() == 0;
    }

    @Override
    public boolean isCompound() {
        return false;
    }

    @Override
    public boolean isVariableLength() {
        return false;
    }

    @Override
    public long[] getMaxSize() {
        return dimensions.clone();
    }

    @Override
    public DataLayout getDataLayout() {
        return DataLayout.CHUNKED;
    }

    @Override
    public Object getData() {
        throw writeOnly();
    }

    @Override
    public Object getDataFlat() {
        throw writeOnly();
    }

    @Override
    public Object getData(long[] sliceOffset, int[] sliceDimensions) {
        throw writeOnly();
    }

    @Override
    public Class<?> getJavaType() {
        return dataType.getJavaType();
    }

    @Override
    public DataType getDataType() {
        return dataType;
    }

    @Override
    public Object getFillValue() {
        return null;
    }

    @Override
    public List<PipelineFilterWithData> getFilters() {
        throw writeOnly();
    }

    @Override
    public NodeType getType() {
        return NodeType.DATASET;
    }

    @Override
    public boolean isGroup() {
        return false;
    }

    @Override
    public long getAddress() {
        throw writeOnly();
    }

    @Override
    public boolean isLink() {
        return false;
    }

    @Override
    public boolean isAttributeCreationOrderTracked() {
        return false;
    }

    private UnsupportedOperationException writeOnly() {
        return new UnsupportedOperationException(getPath() + " is being written; open the file with HdfFile to read it");
    }
}
