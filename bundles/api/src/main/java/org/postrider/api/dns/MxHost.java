package org.postrider.api.dns;

/** One mail exchanger: its preference and host name (absolute, without the trailing dot). */
public record MxHost(int preference, String host) {
}
