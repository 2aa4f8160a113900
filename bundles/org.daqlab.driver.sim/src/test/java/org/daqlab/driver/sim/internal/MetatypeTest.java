package org.daqlab.driver.sim.internal;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

import javax.xml.parsers.DocumentBuilderFactory;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Checks the metatype bnd generated from the annotations (in target/classes, on the test class path):
 * factory PIDs, property names as Config Admin and the Web Console see them, and that every
 * attribute is described and bounded.
 */
class MetatypeTest {

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "PowerMeterComponent | org.daqlab.driver.sim.powermeter | instrument_id rate_hz wavelength_nm batch_rows",
        "AdcComponent | org.daqlab.driver.sim.adc | instrument_id channels sample_rate_hz batch_rows signal_hz noise range_v",
        "CameraComponent | org.daqlab.driver.sim.camera | instrument_id width height bit_depth fps frames_per_batch"})
    void describesEveryAttribute(String component, String factoryPid, String attributes) throws Exception {
        Document metatype = parse("OSGI-INF/metatype/org.daqlab.driver.sim.internal." + component + "$Config.xml");
        Element designate = (Element) metatype.getElementsByTagName("Designate").item(0);
        assertEquals(factoryPid, designate.getAttribute("factoryPid"));

        Element ocd = (Element) metatype.getElementsByTagName("OCD").item(0);
        assertFalse(ocd.getAttribute("name").isBlank());
        assertFalse(ocd.getAttribute("description").isBlank());

        List<String> expected = new ArrayList<>(List.of(attributes.split(" ")));
        expected.add("webconsole.configurationFactory.nameHint");
        List<String> ids = new ArrayList<>();
        NodeList definitions = ocd.getElementsByTagName("AD");
        for (int i = 0; i < definitions.getLength(); i++) {
            Element ad = (Element) definitions.item(i);
            String id = ad.getAttribute("id");
            ids.add(id);
            assertFalse(ad.getAttribute("name").isBlank(), id + " has a name");
            assertFalse(ad.getAttribute("description").isBlank(), id + " has a description");
            boolean bounded = !ad.getAttribute("min").isEmpty() && !ad.getAttribute("max").isEmpty();
            boolean enumerated = ad.getElementsByTagName("Option").getLength() > 0;
            assertTrue(ad.getAttribute("type").equals("String") || bounded || enumerated, id + " is bounded");
        }
        assertEquals(expected, ids);
    }

    private static Document parse(String resource) throws Exception {
        try (InputStream in = MetatypeTest.class.getClassLoader().getResourceAsStream(resource)) {
            assertNotNull(in, resource + " was generated");
            return DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(in);
        }
    }
}
