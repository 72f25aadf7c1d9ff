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

    /**
     * Opens the cache for {@link Reader#read}s of many records, or null when there is no cache
     * file. Records are never rewritten and a deleted cache stays readable through the open
     * file: positions taken together with the opening (under the folder's lock) may be read
     * after it.
     */
    Reader reader() throws IOException {
        try {
            return new Reader(FileChannel.open(file, StandardOpenOption.READ));
        } catch (java.nio.file.NoSuchFileException e) {
            return null;
        }
    }

    /**
     * Reads records through one open file and one buffer read ahead: records of messages
     * cached one after the other lie one after the other, so a search over a folder costs a
     * read per buffer, not per message. A record larger than the buffer is read alone.
     */
    static final class Reader implements AutoCloseable {
        static final int WINDOW = 64 * 1024;
        private final FileChannel ch;
        private final byte[] window = new byte[WINDOW];
        private long windowStart;
        private int windowLength;
        /** The last record read: {@code data[offset, offset + length)}. */
        byte[] data;
        int offset;
        int length;

        private Reader(FileChannel ch) {
            this.ch = ch;
        }

        /** Reads the record of {@code uid} at {@code pos} into {@link #data}; false if it is not there intact. */
        boolean read(long pos, long uid) throws IOException {
            if (pos < 0 || !bring(pos, HEADER)) {
                return false;
            }
            int h = (int) (pos - windowStart);
            int len = int32(window, h + 6);
            if (window[h] != 'P' || window[h + 1] != 'C' || int32(window, h + 2) != (int) uid || len < 0
                    || len > MAX_RECORD) {
                return false;
            }
            int crc = int32(window, h + 10);
            if (HEADER + len <= WINDOW) {
                if (!bring(pos, HEADER + len)) {
                    return false;
                }
                data = window;
                offset = (int) (pos - windowStart) + HEADER;
            } else {
                ByteBuffer d = ByteBuffer.allocate(len);
                readFully(ch, d, pos + HEADER);
                if (d.hasRemaining()) {
                    return false;
                }
                data = d.array();
                offset = 0;
            }
            length = len;
            CRC32 c = new CRC32();
            c.update(data, offset, len);
            return (int) c.getValue() == crc;
        }

        /** Brings {@code [pos, pos + n)} of the file into the window (read from {@code pos}); false past the end. */
        private boolean bring(long pos, int n) throws IOException {
            if (pos >= windowStart && pos + n <= windowStart + windowLength) {
                return true;
            }
            ByteBuffer b = ByteBuffer.wrap(window);
            readFully(ch, b, pos);
            windowStart = pos;
            windowLength = b.position();
            return n <= windowLength;
        }

        private static int int32(byte[] b, int at) {
            return (b[at] & 0xff) << 24 | (b[at + 1] & 0xff) << 16 | (b[at + 2] & 0xff) << 8 | (b[at + 3] & 0xff);
        }

        @Override
        public void close() throws IOException {
            ch.close();
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
