package dev.mistralgateway.infra;

/**
 * A mistake in what synthesis was given: {@code gateway.env}, a context value ({@code -c name=value}),
 * a missing or wrong artifact. Its message says what to fix; {@link GatewayApp} prints it as one line.
 * (An {@link IllegalArgumentException}, as the arguments of synthesis are what is wrong.)
 */
public final class ConfigurationError extends IllegalArgumentException {

    private static final long serialVersionUID = 1L;

    public ConfigurationError(String message) {
        super(message);
    }
}
