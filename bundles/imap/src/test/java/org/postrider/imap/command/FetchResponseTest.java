package org.postrider.imap.command;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.postrider.api.store.StoreException;

/** What a FETCH can still answer when the store fails to give a message's octets. */
class FetchResponseTest {
    private final ByteArrayOutputStream wire = new ByteArrayOutputStream();
    private final FetchResponse out = new FetchResponse(new FetchResponse.Sink() {
        @Override
        public void write(byte[] bytes) {
            wire.writeBytes(bytes);
        }

        @Override
        public OutputStream output() {
            return wire;
        }
    }, false);

    /** Octets the store cannot open now: as StoredContent reports a temporary StoreException. */
    private static final Octets STORE_AWAY = new Octets() {
        @Override
        public long size() {
            return 5;
        }

        @Override
        public void writeTo(OutputStream o) throws IOException {
            throw away();
        }

        @Override
        public Opened open() throws IOException {
            throw away();
        }

        private IOException away() {
            return new IOException("the mail store is being updated",
                    new StoreException("the mail store is being updated, try again", true));
        }
    };

    private String wire() {
        return wire.toString(StandardCharsets.ISO_8859_1);
    }

    @Test
    void aStoreFailureBeforeAnyByteOfTheResponseIsTheCommandsNoAndTheSessionGoesOn() {
        out.writer().raw("* 1 FETCH (UID 7 FLAGS (\\Seen) ");
        out.writer().raw("BODY[] ");
        StoreException e = assertThrows(StoreException.class, () -> out.literal(STORE_AWAY, false));
        assertTrue(e.temporary(), "answered NO [UNAVAILABLE] by the session");
        assertEquals("", wire(), "nothing of the response has left: the tagged NO is readable");
        assertTrue(!out.begun());
    }

    @Test
    void binaryOctetsCountedFromAStoreThatFailsToo() {
        // BINARY and BINARY.SIZE read the part to count its decoded octets: the store may fail there
        Octets decoding = new Octets() {
            @Override
            public long size() throws IOException {
                throw new IOException("away", new StoreException("the mail store is being updated, try again", true));
            }

            @Override
            public void writeTo(OutputStream o) {
            }
        };
        out.writer().raw("* 1 FETCH (BINARY.SIZE[1] ");
        assertThrows(StoreException.class, () -> out.binarySize(decoding));
        assertThrows(StoreException.class, () -> out.literal(decoding, true));
        assertEquals("", wire());
    }

    @Test
    void aStoreFailureAfterPartOfTheResponseLeftEndsTheSession() throws Exception {
        out.writer().raw("* 1 FETCH (BODY[1] ");
        out.literal(new Octets.Bytes("first".getBytes(StandardCharsets.US_ASCII)), false);
        out.writer().sp().raw("BODY[2] ");
        assertTrue(out.begun());
        IOException e = assertThrows(IOException.class, () -> out.literal(STORE_AWAY, false),
                "a client inside a response reads no NO and no BYE: the connection closes");
        assertTrue(e.getCause() instanceof StoreException);
        assertEquals("* 1 FETCH (BODY[1] {5}\r\nfirst", wire());
    }

    @Test
    void smallItemsWaitForTheLiteralSoItsFailureIsStillAnswerable() throws Exception {
        out.writer().raw("* 1 FETCH (");
        out.writer().raw("FLAGS (\\Seen)");
        out.itemDone();
        out.writer().sp().raw("ENVELOPE " + "x".repeat(1000));
        out.itemDone();
        assertEquals("", wire(), "under a buffer's worth: not sent yet");
        out.writer().sp().raw("BODY[] ");
        assertThrows(StoreException.class, () -> out.literal(STORE_AWAY, false));
        out.writer().raw("y".repeat(Octets.BUFFER));
        out.itemDone();
        assertTrue(out.begun(), "a buffer's worth goes out: memory stays bounded");
    }

    @Test
    void anExpungedMessageIsNilAndAShortOneEndsTheSession() throws Exception {
        out.writer().raw("* 1 FETCH (BODY[] ");
        out.literal(new Octets() {
            @Override
            public long size() throws IOException {
                throw new java.nio.file.NoSuchFileException("expunged");
            }

            @Override
            public void writeTo(OutputStream o) {
            }
        }, false);
        out.end();
        out.finish(); // complete responses wait for the next ones until then
        assertEquals("* 1 FETCH (BODY[] NIL)\r\n", wire());

        FetchResponse next = new FetchResponse(new FetchResponse.Sink() {
            @Override
            public void write(byte[] bytes) {
            }

            @Override
            public OutputStream output() {
                return OutputStream.nullOutputStream();
            }
        }, false);
        assertThrows(IOException.class, () -> next.literal(new Octets() {
            @Override
            public long size() {
                return 10;
            }

            @Override
            public void writeTo(OutputStream o) throws IOException {
                o.write(new byte[3]);
            }
        }, false));
    }
    /**
     * FETCH FLAGS of a folder: the responses of many messages go to the connection a buffer's
     * worth at a time, not a write each (each write passes the connection's locked buffer: the
     * cost per message of a first FETCH); a response begun whose octets the store cannot give
     * is left out, the complete ones before it sent before the NO.
     */
    @Test
    void responsesOfSmallMessagesGoOutABufferAtATimeAndAllBeforeTheReply() throws Exception {
        int[] writes = {0};
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        FetchResponse many = new FetchResponse(new FetchResponse.Sink() {
            @Override
            public void write(byte[] bytes) {
                writes[0]++;
                all.writeBytes(bytes);
            }

            @Override
            public OutputStream output() {
                return all;
            }
        }, false);
        StringBuilder want = new StringBuilder();
        int n = 2000;
        for (int i = 1; i <= n; i++) {
            many.next();
            many.writer().raw("* " + i + " FETCH (UID " + i + " FLAGS (\\Seen)");
            many.itemDone();
            many.end();
            want.append("* ").append(i).append(" FETCH (UID ").append(i).append(" FLAGS (\\Seen))\r\n");
        }
        many.next();
        many.writer().raw("* " + (n + 1) + " FETCH (BODY[] ");
        assertThrows(StoreException.class, () -> many.literal(STORE_AWAY, false));
        many.finish();
        assertEquals(want.toString(), all.toString(StandardCharsets.ISO_8859_1), "every complete one, in order");
        assertTrue(writes[0] <= want.length() / Octets.BUFFER + 2, writes[0] + " writes for " + n + " responses");
    }
}
