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
    void trackingOffRecordsAndFindsNothing() throws IOException {
        TrackJournal off = new TrackJournal(dir, "athena", 0, Clock.systemUTC());
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
        return new TrackJournal(dir, "athena", 7, Clock.fixed(Instant.parse(now), ZoneOffset.UTC));
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
