package dev.mistralgateway.format;

import java.time.Clock;
import java.util.EnumMap;
import java.util.Map;

import com.fasterxml.jackson.databind.ObjectMapper;

import dev.mistralgateway.format.ollama.OllamaFormat;
import dev.mistralgateway.format.openai.OpenAiFormat;
import dev.mistralgateway.route.MistralFormat;

/** The translator for each {@link MistralFormat}. */
public final class Formats {

    private final Map<MistralFormat, Format> formats = new EnumMap<>(MistralFormat.class);

    public Formats(ObjectMapper mapper, Clock clock) {
        formats.put(MistralFormat.OPENAI, new OpenAiFormat(mapper));
        formats.put(MistralFormat.OLLAMA, new OllamaFormat(mapper, clock));
    }

    public Format of(MistralFormat format) {
        Format translator = formats.get(format);
        if (translator == null) {
            throw new IllegalStateException("no translator for the " + format.id() + " format");
        }
        return translator;
    }
}
