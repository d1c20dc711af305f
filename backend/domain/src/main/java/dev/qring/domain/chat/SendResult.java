package dev.qring.domain.chat;

/**
 * The answer to a send: the stored message; {@code duplicate} is true when this clientId was already stored by this
 * sender in this session (the original is returned, nothing new was written).
 */
public record SendResult(Message message, boolean duplicate) { }
