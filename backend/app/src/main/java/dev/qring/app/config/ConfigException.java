package dev.qring.app.config;

/** A configuration value that cannot be used. The message names the variable; Main prints it and exits with 2. */
public final class ConfigException extends RuntimeException {
    private final String variable;

    public ConfigException(String variable, String message) {
        super(variable + ": " + message, null, false, false);
        this.variable = variable;
    }

    public String variable() { return variable; }
}
