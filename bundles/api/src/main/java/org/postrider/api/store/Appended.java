package org.postrider.api.store;

/** Where an appended message went (RFC 4315 APPENDUID). */
public record Appended(long uidValidity, long uid) {
}
