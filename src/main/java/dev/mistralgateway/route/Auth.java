package dev.mistralgateway.route;

import java.util.Optional;

/**
 * How a target authenticates upstream: a header, a parameter (query or body), both or neither.
 * With {@code allowOverride} a value the client sent under the same name wins over ours.
 */
public record Auth(Optional<Header> header, Optional<Param> param, boolean allowOverride) {

    public static final Auth NONE = new Auth(Optional.empty(), Optional.empty(), false);

    public record Header(String name, SecretText secret) {
        public String value() {
            return secret.value();
        }

        @Override
        public String toString() {
            return "Header[name=" + name + ", value=" + secret + "]";
        }
    }

    public record Param(String name, SecretText secret, ParamLocation location) {
        public String value() {
            return secret.value();
        }

        @Override
        public String toString() {
            return "Param[name=" + name + ", location=" + location + ", value=" + secret + "]";
        }
    }

    public enum ParamLocation {
        QUERY,
        BODY
    }
}
