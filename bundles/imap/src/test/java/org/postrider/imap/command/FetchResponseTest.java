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
}
