package dev.qring.domain.call;

import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Locale;
import java.util.Optional;

/** What the caller asked for. The callee may still send less (e.g. no camera); the server does not police tracks. */
public enum CallMedia {
    AUDIO, VIDEO;

    @JsonValue
    public String wire() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Empty for anything but exactly "audio" or "video". */
    public static Optional<CallMedia> parse(String s) {
        if ("audio".equals(s)) return Optional.of(AUDIO);
        if ("video".equals(s)) return Optional.of(VIDEO);
        return Optional.empty();
    }
}
