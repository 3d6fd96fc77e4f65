package org.mrnn4j.core;

/**
 * One backend found on the class path, as {@link Backends#list()} reports it.
 *
 * @param name the name to select it by
 * @param rank its preference (higher wins among available backends)
 * @param description what it is
 * @param available whether it can run here
 * @param detail why not, when unavailable; what was found, when available
 */
public record BackendInfo(
    String name, int rank, String description, boolean available, String detail) {}
