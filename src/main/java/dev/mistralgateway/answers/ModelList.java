package dev.mistralgateway.answers;

import java.util.List;

import com.fasterxml.jackson.annotation.JsonProperty;

import io.quarkus.runtime.annotations.RegisterForReflection;

/** OpenAI's model list, {@code GET /v1/models}: {@code {"object":"list","data":[{"id","object","created","owned_by"}]}}. */
@RegisterForReflection
public record ModelList(String object, List<Model> data) {

    public static final String OBJECT = "list";

    @RegisterForReflection
    public record Model(String id, String object, long created, @JsonProperty("owned_by") String ownedBy) {
        public static final String OBJECT = "model";
    }
}
