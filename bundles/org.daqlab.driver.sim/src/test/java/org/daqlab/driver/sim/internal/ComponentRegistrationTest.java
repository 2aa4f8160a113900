package org.daqlab.driver.sim.internal;

import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.daqlab.api.instrument.Instrument;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceRegistration;

import java.lang.reflect.Proxy;
import java.util.Dictionary;
import java.util.Map;

import static org.daqlab.driver.sim.internal.TestSupport.config;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Each component, activated and deactivated as SCR would, registers and withdraws its Instrument service. */
class ComponentRegistrationTest {

    private final BufferAllocator allocator = new RootAllocator();
    private final RecordingPublisher publisher = new RecordingPublisher();
    private final RecordingContext context = new RecordingContext();

    @AfterEach
    void releasesAllMemory() {
        assertTrue(allocator.getChildAllocators().isEmpty(), "the instrument's child allocator is closed");
        allocator.close();
    }

    @Test
    void powerMeter() {
        PowerMeterComponent component = new PowerMeterComponent(context.proxy(),
                config(PowerMeterComponent.Config.class, Map.of("instrument_id", "pm_c")), publisher, allocator);
        context.assertRegistered("pm_c", "power meter");
        component.deactivate();
        context.assertUnregistered();
    }

    @Test
    void adc() {
        AdcComponent component = new AdcComponent(context.proxy(),
                config(AdcComponent.Config.class, Map.of("instrument_id", "adc_c")), publisher, allocator);
        context.assertRegistered("adc_c", "ADC");
        component.deactivate();
        context.assertUnregistered();
    }

    @Test
    void camera() {
        CameraComponent component = new CameraComponent(context.proxy(),
                config(CameraComponent.Config.class, Map.of("instrument_id", "cam_c")), publisher, allocator);
        context.assertRegistered("cam_c", "camera");
        component.deactivate();
        context.assertUnregistered();
    }

    @Test
    void aRefusedConfigurationRegistersAFailedInstrumentThatSaysWhy() {
        PowerMeterComponent component = new PowerMeterComponent(context.proxy(),
                config(PowerMeterComponent.Config.class, Map.of("instrument_id", "pm_bad", "rate_hz", -1.0)), publisher,
                allocator);
        Instrument failed = assertInstanceOf(Instrument.class, context.service);
        assertEquals("pm_bad", context.properties.get(Instrument.ID));
        assertEquals(SimulatedInstrument.FAILED, failed.status().state());
        assertTrue(failed.status().lastError().contains("rate_hz = -1.0 is out of range"), failed.status().lastError());
        component.deactivate();
        assertTrue(context.unregistered);
    }

    @Test
    void aStreamNameTakenByAnotherInstrumentRegistersAFailedInstrument() {
        PowerMeterComponent first = new PowerMeterComponent(context.proxy(),
                config(PowerMeterComponent.Config.class, Map.of("instrument_id", "pm_twice")), publisher, allocator);
        RecordingContext second = new RecordingContext();
        PowerMeterComponent again = new PowerMeterComponent(second.proxy(),
                config(PowerMeterComponent.Config.class, Map.of("instrument_id", "pm_twice")), publisher, allocator);
        Instrument failed = assertInstanceOf(Instrument.class, second.service);
        assertEquals(SimulatedInstrument.FAILED, failed.status().state());
        again.deactivate();
        first.deactivate();
    }

    /** The part of a {@link BundleContext} the components use: one service registration. */
    private static final class RecordingContext {
        private Object service;
        private Dictionary<String, ?> properties;
        private boolean unregistered;

        BundleContext proxy() {
            return (BundleContext) Proxy.newProxyInstance(getClass().getClassLoader(),
                    new Class<?>[] {BundleContext.class}, (proxy, method, args) -> {
                        if (!method.getName().equals("registerService") || args[0] != Instrument.class) {
                            throw new UnsupportedOperationException(method.toString());
                        }
                        service = args[1];
                        properties = (Dictionary<String, ?>) args[2];
                        return registration();
                    });
        }

        private ServiceRegistration<?> registration() {
            return (ServiceRegistration<?>) Proxy.newProxyInstance(getClass().getClassLoader(),
                    new Class<?>[] {ServiceRegistration.class}, (proxy, method, args) -> {
                        if (!method.getName().equals("unregister")) {
                            throw new UnsupportedOperationException(method.toString());
                        }
                        unregistered = true;
                        return null;
                    });
        }

        void assertRegistered(String instrumentId, String kind) {
            Instrument instrument = assertInstanceOf(Instrument.class, service);
            assertEquals(instrumentId, properties.get(Instrument.ID));
            assertEquals(instrumentId, instrument.id());
            assertEquals(kind, instrument.status().kind());
            assertEquals(SimulatedInstrument.RUNNING, instrument.status().state());
        }

        void assertUnregistered() {
            assertTrue(unregistered);
            assertEquals(SimulatedInstrument.STOPPED, ((Instrument) service).status().state());
        }
    }
}
