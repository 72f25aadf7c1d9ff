package org.postrider.itest.harness;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * An authoritative DNS server on 127.0.0.1 (UDP, port chosen by the system) answering from
 * a small zone the test writes: MX, A, AAAA and CNAME records (a CNAME answer carries the
 * target's records of the asked type, as a recursive resolver gives them), NXDOMAIN for
 * names it does not know, an empty answer for a known name without records of that type. Hand-written wire
 * format (RFC 1035 4), so the test classpath stays free of logging jars.
 */
public final class TestDns implements AutoCloseable {
    private static final int TYPE_A = 1;
    private static final int TYPE_MX = 15;
    private static final int TYPE_CNAME = 5;
    private static final int TYPE_AAAA = 28;

    private record Rr(int type, byte[] rdata) {
    }

    private final DatagramSocket socket;
    private final Map<String, List<Rr>> zone = new ConcurrentHashMap<>();

    public TestDns() throws SocketException {
        socket = new DatagramSocket(new InetSocketAddress("127.0.0.1", 0));
        Thread t = new Thread(this::serve, "test-dns");
        t.setDaemon(true);
        t.start();
    }

    public int port() {
        return socket.getLocalPort();
    }

    /** An MX record; host "." makes a null MX (RFC 7505). */
    public TestDns mx(String domain, int preference, String host) {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        b.write(preference >> 8);
        b.write(preference & 0xff);
        writeName(b, host);
        add(domain, new Rr(TYPE_MX, b.toByteArray()));
        return this;
    }

    public TestDns a(String host, String address) throws IOException {
        add(host, new Rr(TYPE_A, InetAddress.getByName(address).getAddress()));
        return this;
    }

    public TestDns aaaa(String host, String address) throws IOException {
        byte[] a = InetAddress.getByName(address).getAddress();
        if (a.length != 16) {
            throw new IllegalArgumentException("not an IPv6 address: " + address);
        }
        add(host, new Rr(TYPE_AAAA, a));
        return this;
    }

    /** alias is another name for target. */
    public TestDns cname(String alias, String target) {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        writeName(b, target);
        add(alias, new Rr(TYPE_CNAME, b.toByteArray()));
        return this;
    }

    private void add(String name, Rr rr) {
        zone.computeIfAbsent(key(name), k -> new ArrayList<>()).add(rr);
    }

    private static String key(String name) {
        String n = name.toLowerCase(Locale.ROOT);
        return n.endsWith(".") ? n.substring(0, n.length() - 1) : n;
    }

    private static void writeName(ByteArrayOutputStream b, String name) {
        String n = key(name);
        if (!n.isEmpty()) {
            for (String label : n.split("\\.")) {
                b.write(label.length());
                b.writeBytes(label.getBytes(java.nio.charset.StandardCharsets.US_ASCII));
            }
        }
        b.write(0);
    }

    private void serve() {
        byte[] buf = new byte[1500];
        while (!socket.isClosed()) {
            try {
                DatagramPacket p = new DatagramPacket(buf, buf.length);
                socket.receive(p);
                byte[] reply = answer(ByteBuffer.wrap(p.getData(), 0, p.getLength()));
                if (reply != null) {
                    socket.send(new DatagramPacket(reply, reply.length, p.getSocketAddress()));
                }
            } catch (IOException | RuntimeException e) {
                if (socket.isClosed()) {
                    return;
                }
            }
        }
    }

    private byte[] answer(ByteBuffer q) {
        int id = q.getShort() & 0xffff;
        int flags = q.getShort() & 0xffff;
        if (q.getShort() != 1) {
            return null;
        }
        q.position(12);
        StringBuilder name = new StringBuilder();
        int questionStart = 12;
        for (int len = q.get() & 0xff; len != 0; len = q.get() & 0xff) {
            byte[] label = new byte[len];
            q.get(label);
            if (!name.isEmpty()) {
                name.append('.');
            }
            name.append(new String(label, java.nio.charset.StandardCharsets.US_ASCII));
        }
        int type = q.getShort() & 0xffff;
        q.getShort(); // class IN
        int questionEnd = q.position();
        List<Rr> records = zone.get(key(name.toString()));
        List<Rr> matching = ofType(records, type);
        // owner names of the answers: null for the question's name, else the CNAME target's
        List<String> owners = new ArrayList<>(java.util.Collections.nCopies(matching.size(), (String) null));
        List<Rr> cname = ofType(records, TYPE_CNAME);
        if (matching.isEmpty() && !cname.isEmpty() && type != TYPE_CNAME) {
            matching.add(cname.get(0));
            owners.add(null);
            String target = readName(cname.get(0).rdata());
            for (Rr r : ofType(zone.get(key(target)), type)) {
                matching.add(r);
                owners.add(target);
            }
        }
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        putShort(b, id);
        putShort(b, 0x8400 | (flags & 0x0100) | (records == null ? 3 : 0)); // QR AA, RD copied, NXDOMAIN
        putShort(b, 1);
        putShort(b, matching.size());
        putShort(b, 0);
        putShort(b, 0);
        b.write(q.array(), q.arrayOffset() + questionStart, questionEnd - questionStart);
        for (int i = 0; i < matching.size(); i++) {
            Rr r = matching.get(i);
            if (owners.get(i) == null) {
                putShort(b, 0xC00C); // the name of the question
            } else {
                writeName(b, owners.get(i));
            }
            putShort(b, r.type());
            putShort(b, 1);
            putShort(b, 0);
            putShort(b, 60);
            putShort(b, r.rdata().length);
            b.writeBytes(r.rdata());
        }
        return b.toByteArray();
    }

    private static List<Rr> ofType(List<Rr> records, int type) {
        List<Rr> l = new ArrayList<>();
        if (records != null) {
            for (Rr r : records) {
                if (r.type() == type) {
                    l.add(r);
                }
            }
        }
        return l;
    }

    /** An uncompressed name, as writeName makes them. */
    private static String readName(byte[] b) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; b[i] != 0; i += (b[i] & 0xff) + 1) {
            if (!sb.isEmpty()) {
                sb.append('.');
            }
            sb.append(new String(b, i + 1, b[i] & 0xff, java.nio.charset.StandardCharsets.US_ASCII));
        }
        return sb.toString();
    }

    private static void putShort(ByteArrayOutputStream b, int v) {
        b.write((v >> 8) & 0xff);
        b.write(v & 0xff);
    }

    @Override
    public void close() {
        socket.close();
    }
}
