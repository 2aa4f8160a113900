package org.daqlab.webconsole.internal.status;

import org.apache.felix.inventory.Format;
import org.apache.felix.inventory.InventoryPrinter;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

import java.io.PrintWriter;

/**
 * The daqlab status in Felix's inventory: the Web Console's Status page ("daqlab") and every support dump
 * ({@code /system/console/status-daqlab.txt}, {@code .json}, and the zip of all printers) carry the same snapshot as
 * the DAQ page's status JSON.
 */
@Component(property = {
        InventoryPrinter.NAME + "=daqlab",
        InventoryPrinter.TITLE + "=daqlab",
        InventoryPrinter.FORMAT + "=TEXT",
        InventoryPrinter.FORMAT + "=JSON"})
public final class DaqInventoryPrinter implements InventoryPrinter {

    private final DaqStatus status;

    @Activate
    public DaqInventoryPrinter(@Reference DaqStatus status) {
        this.status = status;
    }

    @Override
    public void print(PrintWriter out, Format format, boolean isZip) {
        if (Format.JSON.equals(format)) {
            out.print(StatusJson.writePretty(status.snapshot()));
        } else {
            out.print(StatusText.render(status.snapshot()));
        }
    }
}
