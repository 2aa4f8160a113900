/**
 * Simulated instruments: a power meter, a multi-channel ADC and a camera, each a factory-configured
 * Declarative Services component that publishes one stream through the
 * {@link org.daqlab.api.instrument.DataPublisher}.
 *
 * <p>Every published value is a pure function of the instance's configuration and the sample index
 * ({@link org.daqlab.driver.sim.internal.PowerMeterSignal},
 * {@link org.daqlab.driver.sim.internal.AdcSignal},
 * {@link org.daqlab.driver.sim.internal.CameraTestPattern}); timestamps come from the instrument's
 * {@link org.daqlab.driver.sim.internal.SampleClock}. A test or a reader of the written files can
 * therefore recompute exactly what was generated and detect lost, duplicated or reordered data.
 *
 * <p>Private to the bundle: not exported.
 */
package org.daqlab.driver.sim.internal;
