package dev.qring.app.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.cfg.CoercionAction;
import com.fasterxml.jackson.databind.cfg.CoercionInputShape;
import com.fasterxml.jackson.databind.exc.InvalidFormatException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.type.LogicalType;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import java.io.IOException;

/**
 * The one JSON configuration of the server (HTTP API and realtime payloads): camelCase, ISO-8601 UTC instants as
 * strings, and STRICT input — unknown fields, wrong types (a number where text is expected, "true" for a boolean),
 * trailing garbage and duplicate keys are rejected so a client bug surfaces as {@code invalid} instead of being
 * half-applied.
 */
public final class Json {
    private Json() { }

    public static final ObjectMapper MAPPER = create();

    public static ObjectMapper create() {
        ObjectMapper m = JsonMapper.builder()
                .addModule(new JavaTimeModule())
                .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
                .disable(SerializationFeature.FAIL_ON_EMPTY_BEANS)
                .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
                .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
                .enable(DeserializationFeature.FAIL_ON_READING_DUP_TREE_KEY)
                .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
                .disable(MapperFeature.ALLOW_COERCION_OF_SCALARS)
                .build();
        for (LogicalType t : new LogicalType[]{LogicalType.Textual, LogicalType.Boolean, LogicalType.Integer, LogicalType.Float}) {
            var c = m.coercionConfigFor(t);
            for (CoercionInputShape shape : CoercionInputShape.values()) {
                if (shape == CoercionInputShape.EmptyString || shape == CoercionInputShape.String && t == LogicalType.Textual) continue;
                c.setCoercion(shape, CoercionAction.Fail);
            }
        }
        m.coercionConfigFor(LogicalType.Textual).setCoercion(CoercionInputShape.String, CoercionAction.TryConvert);
        return m;
    }

    public static byte[] write(Object value) {
        try {
            return MAPPER.writeValueAsBytes(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot serialize " + value.getClass().getName(), e);
        }
    }

    /** Binds a request body strictly; any problem is {@code invalid} with a message naming the field. */
    public static <T> T read(byte[] body, Class<T> type) {
        if (body == null || body.length == 0) throw ApiException.invalid("a JSON body is required");
        try {
            T v = MAPPER.readValue(body, type);
            if (v == null) throw ApiException.invalid("a JSON object is required");
            return v;
        } catch (IOException e) {
            throw ApiException.invalid(describe(e));
        }
    }

    public static <T> T convert(JsonNode node, Class<T> type) {
        try {
            T v = MAPPER.treeToValue(node, type);
            if (v == null) throw ApiException.invalid("a JSON object is required");
            return v;
        } catch (IOException | IllegalArgumentException e) {
            throw ApiException.invalid(describe(e));
        }
    }

    /** A short message for a binding problem, naming the field but never echoing the input value. */
    public static String describe(Exception e) {
        if (e instanceof UnrecognizedPropertyException u) return "unknown field '" + u.getPropertyName() + "'";
        if (e instanceof MismatchedInputException m) {
            String path = path(m);
            if (e instanceof InvalidFormatException) return "wrong value for '" + path + "'";
            return path.isEmpty() ? "expected a JSON object" : "wrong type for '" + path + "'";
        }
        if (e instanceof JsonProcessingException) return "malformed JSON";
        return "invalid input";
    }

    private static String path(MismatchedInputException m) {
        StringBuilder sb = new StringBuilder();
        for (var ref : m.getPath()) {
            if (ref.getFieldName() != null) {
                if (!sb.isEmpty()) sb.append('.');
                sb.append(ref.getFieldName());
            } else if (ref.getIndex() >= 0) {
                sb.append('[').append(ref.getIndex()).append(']');
            }
        }
        return sb.toString();
    }
}
