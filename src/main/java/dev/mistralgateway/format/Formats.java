package dev.mistralgateway.format;

import java.util.EnumMap;
import java.util.Map;

import com.fasterxml.jackson.databind.ObjectMapper;

import dev.mistralgateway.config.MistralFormat;
import dev.mistralgateway.format.openai.OpenAiFormat;

/** The translator for each {@link MistralFormat}. */
public final class Formats {

    private final Map<MistralFormat, Format> formats = new EnumMap<>(MistralFormat.class);

    public Formats(ObjectMapper mapper) {
        formats.put(MistralFormat.OPENAI, new OpenAiFormat(mapper));
    }

    public Format of(MistralFormat format) {
        Format translator = formats.get(format);
        if (translator == null) {
            throw new IllegalStateException("no translator for the " + format.id() + " format");
        }
        return translator;
    }
}
