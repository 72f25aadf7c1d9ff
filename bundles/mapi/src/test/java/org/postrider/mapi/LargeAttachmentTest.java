package org.postrider.mapi;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.postrider.api.message.MessageContent;
import org.postrider.api.props.AttachmentRow;
import org.postrider.api.props.Blob;
import org.postrider.api.props.PropMessage;
import org.postrider.api.props.PropTags;
import org.postrider.api.props.Property;
import org.postrider.api.props.PropertySet;
import org.postrider.api.props.RecipientRow;

/**
 * A 50 MB attachment through properties to MIME and back, in a JVM of 32 MB heap: the writer
 * and the reader stream, so neither holds the attachment (a writer that read it into memory
 * fails here with OutOfMemoryError).
 */
class LargeAttachmentTest {
    static final long SIZE = 50L * 1024 * 1024;
    static final int HEAP_MB = 32;

    @Test
    void fiftyMegabytesGoThroughIn32MegabytesOfHeap(@TempDir Path dir) throws Exception {
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        Process p = new ProcessBuilder(java.toString(), "-Xmx" + HEAP_MB + "m", "-cp", System.getProperty("java.class.path"),
                Child.class.getName(), dir.toString()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        assertEquals(true, p.waitFor(5, TimeUnit.MINUTES), "child finished");
        assertEquals(0, p.exitValue(), out);
        String[] lines = out.strip().split("\n");
        assertEquals("same " + SIZE, lines[lines.length - 1].strip(), out);
    }

    /** Pseudo-random octets of a seed, generated as they are read. */
    static Blob generated(long seed, long size) {
        return new Blob() {
            @Override
            public long size() {
                return size;
            }

            @Override
            public InputStream open() {
                Random r = new Random(seed);
                return new InputStream() {
                    long left = size;

                    @Override
                    public int read() {
                        byte[] one = new byte[1];
                        return read(one, 0, 1) < 0 ? -1 : one[0] & 0xFF;
                    }

                    @Override
                    public int read(byte[] b, int off, int len) {
                        if (left == 0) {
                            return -1;
                        }
                        int n = (int) Math.min(Math.min(len, left), 4096);
                        byte[] chunk = new byte[n];
                        r.nextBytes(chunk);
                        System.arraycopy(chunk, 0, b, off, n);
                        left -= n;
                        return n;
                    }
                };
            }
        };
    }

    static String digest(InputStream in) throws Exception {
        MessageDigest md = MessageDigest.getInstance("SHA-256");
        try (InputStream d = new DigestInputStream(in, md)) {
            d.transferTo(OutputStream.nullOutputStream());
        }
        return HexFormat.of().formatHex(md.digest());
    }

    /** Runs in the small JVM: write the MIME to a file, read it back, compare the attachment. */
    public static final class Child {
        public static void main(String[] args) throws Exception {
            Blob data = generated(42, SIZE);
            PropMessage m = new PropMessage(PropertySet.of(Property.of(PropTags.SUBJECT, "big"),
                    Property.of(PropTags.BODY, "see attached\r\n")),
                    List.of(RecipientRow.of(PropTags.MAPI_TO, "mark@example.net", null)),
                    List.of(AttachmentRow.of(data, "big.bin", "application/octet-stream", null)));
            Path file = Path.of(args[0], "big.eml");
            try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(file))) {
                MimeWriter.write(m, out);
            }
            MessageContent content = new MessageContent() {
                @Override
                public long size() {
                    try {
                        return Files.size(file);
                    } catch (IOException e) {
                        throw new java.io.UncheckedIOException(e);
                    }
                }

                @Override
                public InputStream open() throws IOException {
                    return Files.newInputStream(file);
                }
            };
            PropMessage back = MimeReader.read(content, List.of("mark@example.net"), MimeReader.Limits.DEFAULTS);
            Blob got = back.attachments().get(0).data();
            if (got.size() != SIZE) {
                throw new AssertionError("size " + got.size());
            }
            String want = digest(data.open());
            try (InputStream in = got.open()) {
                if (!want.equals(digest(in))) {
                    throw new AssertionError("the attachment changed");
                }
            }
            System.out.println("same " + got.size());
        }
    }
}
