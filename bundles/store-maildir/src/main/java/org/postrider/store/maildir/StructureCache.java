package org.postrider.store.maildir;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.zip.CRC32;

/**
 * A folder's cache of parsed message structures, {@code postrider-cache} beside the index:
 * records appended (never fsynced: it is a cache; a record that a crash tore fails its
 * checksum and is parsed again) as {@code "PC" uid(4) length(4) crc32(4) bytes}. The index
 * log keeps each message's record position (C records).
 */
final class StructureCache {
    static final String FILE = "postrider-cache";
    /** A structure record larger than this is refused (the parser's bounds keep them far smaller). */
    static final int MAX_RECORD = 8 << 20;
    private static final int HEADER = 14;

    private final Path file;

    StructureCache(Path folderDir) {
        this.file = folderDir.resolve(FILE);
    }

    Path path() {
        return file;
    }

    /** Appends a record; returns its position. */
    long append(long uid, byte[] data) throws IOException {
        if (data.length > MAX_RECORD) {
            throw new IOException("structure too large to cache");
        }
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE)) {
            long pos = ch.size();
            ByteBuffer b = ByteBuffer.allocate(HEADER + data.length);
            b.put((byte) 'P').put((byte) 'C').putInt((int) uid).putInt(data.length).putInt(crc(data)).put(data).flip();
            long at = pos;
            while (b.hasRemaining()) {
                at += ch.write(b, at);
            }
            return pos;
        }
    }

    /** The record of {@code uid} at {@code pos}, or null if it is not there intact. */
    byte[] read(long pos, long uid) throws IOException {
        if (pos < 0 || !Files.exists(file)) {
            return null;
        }
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            ByteBuffer h = ByteBuffer.allocate(HEADER);
            readFully(ch, h, pos);
            if (h.hasRemaining()) {
                return null;
            }
            h.flip();
            int len;
            if (h.get() != 'P' || h.get() != 'C' || h.getInt() != (int) uid || (len = h.getInt()) < 0
                    || len > MAX_RECORD || pos + HEADER + len > ch.size()) {
                return null;
            }
            int crc = h.getInt();
            ByteBuffer d = ByteBuffer.allocate(len);
            readFully(ch, d, pos + HEADER);
            return d.hasRemaining() || crc(d.array()) != crc ? null : d.array();
        }
    }

    private static void readFully(FileChannel ch, ByteBuffer b, long pos) throws IOException {
        while (b.hasRemaining()) {
            int r = ch.read(b, pos + b.position());
            if (r < 0) {
                return;
            }
        }
    }

    private static int crc(byte[] d) {
        CRC32 c = new CRC32();
        c.update(d);
        return (int) c.getValue();
    }

    long length() throws IOException {
        return Files.exists(file) ? Files.size(file) : 0;
    }

    void delete() throws IOException {
        Files.deleteIfExists(file);
    }
}
