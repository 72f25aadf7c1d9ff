package org.postrider.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.postrider.api.track.RemoteTracking;
import org.postrider.api.track.TrackEvent;
import org.postrider.api.track.TrackEvent.Kind;

class TrackingTest {
    @TempDir
    Path dir;

    @Test
    void theHeaderScanKeepsTheMessageIdAndStillCountsHops() throws IOException {
        HopCounter c = scan("Received: from a\r\nMessage-ID:\r\n  <abc.1@example.org>\r\nReceived: from b\r\n"
                + "\r\nMessage-ID: <not-a-header@x>\r\nReceived: body\r\n");
        assertEquals("abc.1@example.org", c.messageId());
        assertEquals(2, c.hops());
        assertEquals("first@x", scan("message-id: <first@x>\r\nMessage-Id: <second@x>\r\n\r\n").messageId());
        assertNull(scan("Subject: none\r\n\r\n").messageId());
        assertNull(scan("Message-ID: <a b@x>\r\n\r\n").messageId(), "spaces inside: not a usable key");
        String huge = "Message-ID: <" + "x".repeat(5000) + "@x>\r\nReceived: y\r\n\r\n";
        HopCounter h = scan(huge);
        assertNull(h.messageId(), "an over-long id is not kept");
        assertEquals(1, h.hops());
        assertNull(scan("Message-ID: <" + "x".repeat(600) + "@x>\r\n " + "y".repeat(600) + "\r\n\r\n").messageId());
    }

    @Test
    void aMessageIsFoundByItsIdAndEventsRecordedUnderItsQueueIdAfterARestartToo() {
        TrackJournal j = journal("2026-11-30T10:00:00Z");
        j.record("Q1", "m1@example.org", Kind.ACCEPTED, null, "ESMTPSA", "192.0.2.1", "from=<a@example.org> nrcpt=1");
        j.record("Q2", "other@example.org", Kind.ACCEPTED, null, "ESMTP", "192.0.2.2", null);
        j.close(); // a restart: later events know the queue id only
        TrackJournal after = journal("2026-11-30T10:00:05Z");
        after.record("Q1", null, Kind.RELAYED, "b@example.net", "internal", "hermes", "queued as X\tY\n");
        after.record("Q2", null, Kind.DELIVERED, "c@example.org", "local", "c@example.org", null);
        List<TrackEvent> found = after.find("<m1@example.org>", 100);
        assertEquals(List.of(Kind.ACCEPTED, Kind.RELAYED), found.stream().map(TrackEvent::kind).toList());
        TrackEvent relayed = found.get(1);
        assertEquals("hermes", relayed.peer());
        assertEquals("queued as X\tY\n", relayed.detail(), "values with tabs and line ends round-trip");
        assertEquals("m1@example.org", relayed.messageId());
        assertEquals("athena", relayed.server());
        assertEquals(1, after.find("m1@example.org", 1).size(), "the limit holds");
        assertTrue(after.find("nobody@example.org", 10).isEmpty());
        assertTrue(after.find("", 10).isEmpty());
    }

    @Test
    void daysPastTheRetentionAreDeletedAndACutLineIsSkipped() throws IOException {
        journal("2026-11-20T10:00:00Z").record("OLD", "m@x", Kind.ACCEPTED, null, null, null, null);
        Files.writeString(dir.resolve("track-2026-11-29.log"), "2026-11-29T10:00:00Z\tQ9\tm%40x\tACCEPTED\t.\t.\n",
                StandardCharsets.US_ASCII);
        TrackJournal j = journal("2026-11-30T10:00:00Z");
        j.record("NEW", "m@x", Kind.ACCEPTED, null, null, null, null);
        assertTrue(Files.notExists(dir.resolve("track-2026-11-20.log")), "older than 7 days: gone");
        assertEquals(List.of("NEW"), j.find("m@x", 10).stream().map(TrackEvent::queueId).toList());
    }

    @Test
    void eventsAfterALostAcceptanceLineAreFoundByTheMessageIdTheyCarry() throws IOException {
        TrackJournal j = journal("2026-11-30T10:00:00Z");
        j.record("Q1", "m1@example.org", Kind.ACCEPTED, null, "ESMTP", null, null);
        j.close();
        Files.delete(dir.resolve("track-2026-11-30.log")); // a power cut: the lines never reached the disk
        TrackJournal after = journal("2026-11-30T10:00:05Z");
        after.record("Q1", "m1@example.org", Kind.DELIVERED, "b@example.org", "local", null, null);
        after.record("Q1", "m1@example.org", Kind.REMOVED, null, null, null, null);
        assertEquals(List.of(Kind.DELIVERED, Kind.REMOVED),
                after.find("m1@example.org", 10).stream().map(TrackEvent::kind).toList());
    }

    @Test
    void theJournalStaysWithinItsSizeOldestDaysFirstAndTodayStopsWhenFull() throws IOException {
        long max = 4096;
        String detail = "x".repeat(300);
        new TrackJournal(dir, "athena", 7, 1 << 20, Clock.fixed(Instant.parse("2026-11-28T10:00:00Z"), ZoneOffset.UTC))
                .record("OLD", "old@x", Kind.ACCEPTED, null, null, null, detail);
        new TrackJournal(dir, "athena", 7, 1 << 20, Clock.fixed(Instant.parse("2026-11-29T10:00:00Z"), ZoneOffset.UTC))
                .record("MID", "mid@x", Kind.ACCEPTED, null, null, null, detail);
        TrackJournal j = new TrackJournal(dir, "athena", 7, max,
                Clock.fixed(Instant.parse("2026-11-30T10:00:00Z"), ZoneOffset.UTC));
        for (int i = 0; i < 100; i++) {
            j.record("Q" + i, "m" + i + "@x", Kind.ACCEPTED, null, null, null, detail);
            assertTrue(sizeOfAll() <= max, "the journal holds at most " + max + " octets: " + sizeOfAll());
        }
        assertTrue(Files.notExists(dir.resolve("track-2026-11-28.log")), "the oldest day went first");
        assertTrue(Files.notExists(dir.resolve("track-2026-11-29.log")));
        assertEquals(1, j.find("m0@x", 10).size(), "today's first events are kept");
        assertTrue(j.find("m99@x", 10).isEmpty(), "past the limit nothing more is recorded");
    }

    @Test
    void newSettingsTakeEffectWithoutARestart() throws IOException {
        TrackJournal j = journal("2026-11-30T10:00:00Z");
        j.record("Q1", "m1@x", Kind.ACCEPTED, null, null, null, null);
        Path other = dir.resolve("elsewhere");
        j.configure(other, 7, 1 << 20);
        j.record("Q2", "m2@x", Kind.ACCEPTED, null, null, null, null);
        assertTrue(Files.exists(other.resolve("track-2026-11-30.log")), "a new directory is used at once");
        assertEquals(1, j.find("m2@x", 10).size());
        j.configure(other, 0, 1 << 20);
        j.record("Q3", "m3@x", Kind.ACCEPTED, null, null, null, null);
        assertTrue(j.find("m3@x", 10).isEmpty(), "0 days turns tracking off at once");
        j.configure(other, 7, 1 << 20);
        assertEquals(1, j.find("m2@x", 10).size(), "and on again");
    }

    @Test
    void theMessageIdIsReadBackFromAWrittenMessageWithinItsHeader() throws IOException {
        byte[] m = "Received: x\r\nMessage-ID: <back@x>\r\n\r\nMessage-ID: <body@x>\r\n".getBytes(StandardCharsets.US_ASCII);
        assertEquals("back@x", HopCounter.messageIdOf(new java.io.ByteArrayInputStream(m), 1000));
        assertNull(HopCounter.messageIdOf(new java.io.ByteArrayInputStream(m), 10), "past the limit: not read");
        byte[] late = ("Subject: a\r\n\r\n" + "y".repeat(100_000)).getBytes(StandardCharsets.US_ASCII);
        CountingStream counting = new CountingStream(late);
        assertNull(HopCounter.messageIdOf(counting, 1 << 20));
        assertTrue(counting.read <= 8192, "reading stops at the end of the header: " + counting.read);
    }

    private static final class CountingStream extends java.io.ByteArrayInputStream {
        long read;

        CountingStream(byte[] b) {
            super(b);
        }

        @Override
        public synchronized int read(byte[] b, int off, int len) {
            int n = super.read(b, off, len);
            read += Math.max(0, n);
            return n;
        }
    }

    private long sizeOfAll() throws IOException {
        try (var s = Files.list(dir)) {
            long total = 0;
            for (Path p : s.toList()) {
                total += Files.size(p);
            }
            return total;
        }
    }

    @Test
    void trackingOffRecordsAndFindsNothing() throws IOException {
        TrackJournal off = new TrackJournal(dir, "athena", 0, 1 << 20, Clock.systemUTC());
        off.record("Q", "m@x", Kind.ACCEPTED, null, null, null, null);
        try (var s = Files.list(dir)) {
            assertEquals(0, s.count());
        }
        assertTrue(off.find("m@x", 10).isEmpty());
    }

    @Test
    void aTraceFollowsInternalHopsAcrossServersOnceEachAndNamesThoseItCouldNotAsk() {
        Instant t = Instant.parse("2026-11-30T10:00:00Z");
        Map<String, List<TrackEvent>> servers = new HashMap<>();
        servers.put("hermes", List.of(
                new TrackEvent(t.plusSeconds(2), "hermes", "H1", "m", Kind.ACCEPTED, null, "internal", "athena", null),
                new TrackEvent(t.plusSeconds(3), "hermes", "H1", "m", Kind.RELAYED, "b@example.net", "smtp",
                        "example.net arlington.example.net", "250 ok"),
                new TrackEvent(t.plusSeconds(3), "hermes", "H1", "m", Kind.RELAYED, "c@example.org", "internal",
                        "zeus", null)));
        List<String> asked = new ArrayList<>();
        RemoteTracking remote = (server, id, limit, timeout) -> {
            asked.add(server);
            if (!servers.containsKey(server)) {
                throw new IOException("connection refused");
            }
            return servers.get(server);
        };
        List<TrackEvent> local = List.of(
                new TrackEvent(t, "athena", "A1", "m", Kind.ACCEPTED, null, "internal-client", "patmos", null),
                new TrackEvent(t.plusSeconds(1), "athena", "A1", "m", Kind.RELAYED, "b@example.net", "internal",
                        "hermes", "queued as H1"));
        OrgTrace.Result r = OrgTrace.follow("athena", "m", (id, limit) -> local, remote,
                Set.of("athena", "hermes", "zeus")::contains);
        assertEquals(List.of("hermes", "zeus"), asked, "athena is not asked about itself, example.net is no org server");
        assertEquals(List.of("athena", "athena", "hermes", "hermes", "hermes"),
                r.events().stream().map(TrackEvent::server).toList());
        assertEquals(List.of("zeus: connection refused"), r.unreachable());
        OrgTrace.Result alone = OrgTrace.follow("athena", "m", (id, limit) -> local, null, s -> true);
        assertEquals(2, alone.events().size());
        assertEquals(List.of("hermes: no internal transport installed"), alone.unreachable());
    }

    private TrackJournal journal(String now) {
        return new TrackJournal(dir, "athena", 7, 1 << 20, Clock.fixed(Instant.parse(now), ZoneOffset.UTC));
    }

    private static HopCounter scan(String header) throws IOException {
        HopCounter c = new HopCounter(new ByteArrayOutputStream());
        byte[] b = header.getBytes(StandardCharsets.US_ASCII);
        c.write(b, 0, 7);
        for (int i = 7; i < 20 && i < b.length; i++) {
            c.write(b[i]);
        }
        if (b.length > 20) {
            c.write(b, 20, b.length - 20);
        }
        return c;
    }
}
