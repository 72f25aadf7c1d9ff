package org.postrider.core;

import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;

/**
 * Passes message bytes through while counting the Received: fields of the header section,
 * so a mail loop is caught at submission without reading the message twice.
 */
final class HopCounter extends FilterOutputStream {
    private static final byte[] RECEIVED = "received:".getBytes(StandardCharsets.US_ASCII);
    private boolean inHeader = true;
    private int column;
    private boolean matching = true;
    private boolean lastWasCr;
    private int hops;

    HopCounter(OutputStream out) {
        super(out);
    }

    @Override
    public void write(int b) throws IOException {
        inspect(b);
        out.write(b);
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
        for (int i = off; inHeader && i < off + len; i++) {
            inspect(b[i]);
        }
        out.write(b, off, len);
    }

    private void inspect(int b) {
        if (!inHeader) {
            return;
        }
        if (b == '\n') {
            if (column == 0 || (column == 1 && lastWasCr)) {
                inHeader = false; // the empty line ends the header section
            }
            column = 0;
            matching = true;
            lastWasCr = false;
            return;
        }
        lastWasCr = b == '\r';
        if (matching && column < RECEIVED.length) {
            if (Character.toLowerCase(b & 0xff) != RECEIVED[column]) {
                matching = false;
            } else if (column == RECEIVED.length - 1) {
                hops++;
            }
        }
        column++;
    }

    int hops() {
        return hops;
    }
}
