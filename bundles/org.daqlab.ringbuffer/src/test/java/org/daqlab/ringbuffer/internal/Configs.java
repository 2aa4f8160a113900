package org.daqlab.ringbuffer.internal;

import org.daqlab.api.ring.OverflowMode;

import java.lang.reflect.Proxy;
import java.util.Map;

/**
 * {@link RingBufferComponent.Config} instances as SCR makes them: property keys from the DS name
 * mapping (a double underscore in the method name is one in the key), defaults for absent keys, and
 * a conversion failure thrown when the accessor is called.
 */
final class Configs {

    private Configs() {
    }

    static RingBufferComponent.Config of(Map<String, Object> properties) {
        return (RingBufferComponent.Config) Proxy.newProxyInstance(RingBufferComponent.Config.class.getClassLoader(),
                new Class<?>[] {RingBufferComponent.Config.class}, (proxy, method, args) -> {
                    Object value = properties.get(method.getName().replace("__", "_"));
                    if (value == null) {
                        return method.getDefaultValue();
                    }
                    String text = value.toString();
                    Class<?> type = method.getReturnType();
                    if (type == int.class) {
                        return Integer.valueOf(text);
                    } else if (type == long.class) {
                        return Long.valueOf(text);
                    } else if (type == OverflowMode.class) {
                        return OverflowMode.valueOf(text);
                    }
                    return text;
                });
    }
}
