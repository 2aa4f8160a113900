package org.daqlab.writer.csv.internal;

import org.daqlab.api.storage.TestRunContext;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.daqlab.api.data.StreamSchemas;
import org.daqlab.api.run.RunStart;
import org.daqlab.api.run.RunStop;
import org.daqlab.api.run.StreamDescriptor;
import org.daqlab.api.storage.RunWriter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

import javax.xml.parsers.DocumentBuilderFactory;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The component as Declarative Services sees it: its configuration, and the component and
 * metatype descriptors bnd generated from the annotations (which the core and the Web Console read).
 */
class CsvStorageWriterTest {

    @TempDir
    Path dir;

    @Test
    void formatIsCsv() {
        assertEquals("csv", TestConfigs.csvStorageWriter(Map.of()).format());
    }

    @Test
    void configuredDelimiterSeparatesTheFields() throws Exception {
        RunStart run = new RunStart("run-1", 0, "delimiters", Map.of());
        StreamDescriptor adc = new StreamDescriptor("adc0", "adc-01", StreamSchemas.schema("adc0", "adc-01",
                List.of(StreamSchemas.float64("ch0", "V")), Map.of()), Map.of());
        try (BufferAllocator allocator = new RootAllocator()) {
            TestRunContext context = new TestRunContext(dir, run, 1, allocator);
            RunWriter writer = TestConfigs.csvStorageWriter(Map.of("delimiter", "semicolon")).open(context);
            writer.describe(adc);
            writer.close(new RunStop(run.uid(), 1, RunStop.ExitStatus.SUCCESS, "done", Map.of()));
            assertEquals("timestamp_ns;ch0\r\n", Files.readString(context.path("adc0", "csv")));
        }
    }

    @Test
    void unknownDelimiterIsRefusedNamingTheOptions() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> TestConfigs.csvStorageWriter(Map.of("delimiter", "pipe")));
        assertEquals("delimiter 'pipe' is not supported: use one of comma, semicolon, tab", e.getMessage());
    }

    @Test
    void componentIsAFactoryConfiguredServiceWithFormatAndDefaultProperties() throws Exception {
        Element component = xml("OSGI-INF/" + CsvStorageWriter.class.getName() + ".xml");
        assertEquals("org.daqlab.writer.csv", component.getAttribute("configuration-pid"));
        assertEquals("require", component.getAttribute("configuration-policy"));
        assertEquals("org.daqlab.api.storage.StorageWriter",
                ((Element) component.getElementsByTagName("provide").item(0)).getAttribute("interface"));
        Map<String, String> properties = new LinkedHashMap<>();
        NodeList nodes = component.getElementsByTagName("property");
        for (int i = 0; i < nodes.getLength(); i++) {
            Element property = (Element) nodes.item(i);
            properties.put(property.getAttribute("name"), property.getAttribute("value"));
        }
        assertEquals("csv", properties.get("daqlab.writer.format"));
        assertEquals("csv", properties.get("name"));
        assertEquals("", properties.get("output_dir"));
        assertEquals("{experiment}_{date}_{time}_{version}.{ext}", properties.get("file_name_template"));
        assertEquals("5", properties.get("auto_flush_interval_secs"));
        assertEquals("0", properties.get("rotation_size_mb"));
        assertEquals("0", properties.get("rotation_duration_secs"));
        assertEquals("comma", properties.get("delimiter"));
    }

    @Test
    void metatypeDeclaresEveryAttributeUnderThePropertyNameTheCoreReads() throws Exception {
        Element metatype = xml("OSGI-INF/metatype/org.daqlab.writer.csv.xml");
        Element designate = (Element) metatype.getElementsByTagName("Designate").item(0);
        assertEquals("org.daqlab.writer.csv", designate.getAttribute("factoryPid"));
        Element ocd = (Element) metatype.getElementsByTagName("OCD").item(0);
        assertEquals("daqlab CSV writer", ocd.getAttribute("name"));
        NodeList attributes = ocd.getElementsByTagName("AD");
        Map<String, Element> byId = new LinkedHashMap<>();
        for (int i = 0; i < attributes.getLength(); i++) {
            Element attribute = (Element) attributes.item(i);
            byId.put(attribute.getAttribute("id"), attribute);
            assertTrue(!attribute.getAttribute("name").isEmpty() && !attribute.getAttribute("description").isEmpty(),
                    attribute.getAttribute("id") + " needs a name and a description");
        }
        assertEquals(List.of("name", "output_dir", "file_name_template", "auto_flush_interval_secs", "rotation_size_mb",
                "rotation_duration_secs", "streams", "delimiter", "webconsole.configurationFactory.nameHint"),
                List.copyOf(byId.keySet()));
        assertEquals("Integer", byId.get("auto_flush_interval_secs").getAttribute("type"));
        assertEquals("Long", byId.get("rotation_size_mb").getAttribute("type"));
        assertEquals("0", byId.get("rotation_duration_secs").getAttribute("min"));
        NodeList options = byId.get("delimiter").getElementsByTagName("Option");
        assertEquals(List.of("comma", "semicolon", "tab"), List.of(((Element) options.item(0)).getAttribute("value"),
                ((Element) options.item(1)).getAttribute("value"), ((Element) options.item(2)).getAttribute("value")));
    }

    private static Element xml(String resource) throws Exception {
        try (InputStream in = CsvStorageWriterTest.class.getClassLoader().getResourceAsStream(resource)) {
            if (in == null) {
                throw new AssertionError(resource + " is missing: bnd-process generates it from the annotations");
            }
            Document document = DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(in);
            return document.getDocumentElement();
        }
    }
}
