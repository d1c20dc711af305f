package dev.qring.domain.door;

import java.util.UUID;

/** A door and its QR target. {@code visitorUrl} = {@code PUBLIC_URL/d/{qrSlug}} is what the QR code encodes. */
public record Door(UUID id, UUID homeownerId, String label, String qrSlug, boolean active, String visitorUrl) { }
