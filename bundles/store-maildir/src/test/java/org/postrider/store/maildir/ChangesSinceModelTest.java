package org.postrider.store.maildir;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.postrider.api.message.MessageContent;
import org.postrider.api.store.Appended;
import org.postrider.api.store.Changes;
import org.postrider.api.store.Flag;
import org.postrider.api.store.FlagChange;
import org.postrider.api.store.FlagResult;
import org.postrider.api.store.FolderRef;
import org.postrider.api.store.MessageMeta;
import org.postrider.api.store.UidMap;
import org.postrider.api.store.UidSet;

/**
 * Model-based: threads drive random deliveries, appends, flag changes (some conditional),
 * copies, moves and expunges into one mailbox; a simple in-memory reference mailbox takes
 * the same operations. After each round a client that knows only what changesSince told it
 * before asks again, applies the answer, and must hold exactly the reference: the same
 * UIDs with the same flags and keywords; the vanished UIDs are exactly those expunged in the
 * round; no change is reported at or below the MODSEQ asked about. The store is restarted
 * (a new instance on the same Maildir) now and then, so what it remembers must be on disk.
 */
class ChangesSinceModelTest {
    private static final String USER = "alice@example.org";
    private static final List<String> FOLDERS = List.of("INBOX", "A", "B");
    private static final int THREADS = 4;
    private static final int ROUNDS = 150;

    @TempDir
    Path root;

    /** One message in the reference mailbox. */
    record Ref(int flags, Set<String> keywords) {
    }

    /** The reference: folder -> UID -> message; every thread changes only messages it owns. */
    private final Map<String, Map<Long, Ref>> model = new ConcurrentHashMap<>();
    /** UIDs each round removed, per folder. */
    private final Map<String, Set<Long>> removed = new ConcurrentHashMap<>();

    static MessageContent text(String s) {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        return MessageContent.of(b);
    }

    /** What one client knows of a folder from its last changesSince. */
    static final class Client {
        long modSeq;
        long validity;
        final Map<Long, Ref> known = new TreeMap<>();
    }

    @Test
    void changesSinceAlwaysBringsAClientToTheReference() throws Exception {
        AtomicReference<MaildirStore> store = new AtomicReference<>(new MaildirStore(root, "athena", 1000));
        for (String f : FOLDERS) {
            model.put(f, new ConcurrentHashMap<>());
            removed.put(f, ConcurrentHashMap.newKeySet());
            if (!f.equals("INBOX")) {
                store.get().createFolder(USER, f, null);
            }
        }
        Map<String, Client> clients = new HashMap<>();
        for (String f : FOLDERS) {
            Client c = new Client();
            c.validity = store.get().summary(USER, f).uidValidity();
            clients.put(f, c);
        }
        List<Map<String, Set<Long>>> owned = new ArrayList<>();
        for (int t = 0; t < THREADS; t++) {
            Map<String, Set<Long>> o = new HashMap<>();
            FOLDERS.forEach(f -> o.put(f, new HashSet<>()));
            owned.add(o);
        }
        CyclicBarrier start = new CyclicBarrier(THREADS + 1);
        CyclicBarrier done = new CyclicBarrier(THREADS + 1);
        List<Throwable> failures = new java.util.concurrent.CopyOnWriteArrayList<>();
        List<Thread> threads = new ArrayList<>();
        for (int t = 0; t < THREADS; t++) {
            int id = t;
            Thread th = new Thread(() -> {
                Random rnd = new Random(1000 + id);
                try {
                    for (int round = 0; round < ROUNDS; round++) {
                        start.await();
                        try {
                            step(store.get(), rnd, owned.get(id), id, round);
                        } catch (Throwable e) {
                            failures.add(e);
                        }
                        done.await();
                    }
                } catch (Exception e) {
                    failures.add(e);
                }
            });
            th.start();
            threads.add(th);
        }
        for (int round = 0; round < ROUNDS; round++) {
            FOLDERS.forEach(f -> removed.get(f).clear());
            start.await();
            done.await();
            assertTrue(failures.isEmpty(), () -> "round " + "failed: " + failures.get(0));
            if (round % 50 == 49) { // a restart: what the store remembers must be on disk
                store.get().deactivate();
                store.set(new MaildirStore(root, "athena", 1000));
            }
            for (String f : FOLDERS) {
                check(store.get(), f, clients.get(f), round);
            }
        }
        for (Thread th : threads) {
            th.join();
        }
    }

    private void check(MaildirStore store, String folder, Client c, int round) throws Exception {
        Changes ch = store.changesSince(new FolderRef(USER, folder, c.validity), c.modSeq);
        String where = folder + " round " + round;
        assertTrue(ch.exact(), where + ": recent expunges are remembered exactly");
        for (MessageMeta m : ch.changed()) {
            assertTrue(m.modSeq() > c.modSeq, where + ": a change at or below the MODSEQ asked about: " + m);
            c.known.put(m.uid(), new Ref(MessageTable.bits(m.flags()), m.keywords()));
        }
        Set<Long> vanished = new HashSet<>();
        ch.vanished().forEach(vanished::add);
        assertEquals(new TreeMap<>(removed.get(folder).stream().collect(java.util.stream.Collectors.toMap(u -> u,
                u -> true))).keySet(), new java.util.TreeSet<>(vanished), where + ": vanished");
        vanished.forEach(c.known::remove);
        assertEquals(new TreeMap<>(model.get(folder)), c.known, where + ": the client's view");
        assertTrue(ch.highestModSeq() >= c.modSeq, where + ": HIGHESTMODSEQ went back");
        c.modSeq = ch.highestModSeq();
        assertEquals(model.get(folder).size(), store.summary(USER, folder).messages(), where + ": summary count");
    }

    private static Set<Flag> randomFlags(Random rnd) {
        Set<Flag> f = EnumSet.noneOf(Flag.class);
        for (Flag x : Flag.values()) {
            if (rnd.nextInt(3) == 0) {
                f.add(x);
            }
        }
        return f;
    }

    private static Set<String> randomKeywords(Random rnd) {
        Set<String> k = new HashSet<>();
        for (String w : List.of("$Work", "$Junk", "todo")) {
            if (rnd.nextInt(3) == 0) {
                k.add(w);
            }
        }
        return k;
    }

    private static List<Long> some(Random rnd, Set<Long> own) {
        List<Long> all = new ArrayList<>(own);
        all.sort(null);
        List<Long> pick = new ArrayList<>();
        for (long u : all) {
            if (rnd.nextInt(3) == 0) {
                pick.add(u);
            }
        }
        return pick;
    }

    /** One random operation of thread {@code id}, applied to the store and to the reference. */
    private void step(MaildirStore store, Random rnd, Map<String, Set<Long>> own, int id, int round)
            throws Exception {
        String folder = FOLDERS.get(rnd.nextInt(FOLDERS.size()));
        Map<Long, Ref> m = model.get(folder);
        FolderRef ref = FolderRef.of(USER, folder);
        int op = rnd.nextInt(10);
        if (op < 2) {
            long uid = store.deliver(USER, "INBOX", text("Subject: t" + id + " r" + round + "\r\n\r\nx\r\n"),
                    "q-" + id + "-" + round);
            model.get("INBOX").put(uid, new Ref(0, Set.of()));
            own.get("INBOX").add(uid);
        } else if (op < 4) {
            Set<Flag> f = randomFlags(rnd);
            Set<String> k = randomKeywords(rnd);
            Appended a = store.append(ref, text("Subject: a" + id + "\r\n\r\ny\r\n"), f, k, Instant.now());
            m.put(a.uid(), new Ref(MessageTable.bits(f), Set.copyOf(k)));
            own.get(folder).add(a.uid());
        } else if (op < 7) {
            List<Long> pick = some(rnd, own.get(folder));
            FlagChange change = FlagChange.values()[rnd.nextInt(3)];
            Set<Flag> f = randomFlags(rnd);
            Set<String> k = randomKeywords(rnd);
            boolean conditional = rnd.nextBoolean();
            long since = -1;
            boolean expectFail = false;
            if (conditional && !pick.isEmpty()) {
                long max = 0;
                for (MessageMeta x : store.messages(ref, UidSet.of(pick))) {
                    max = Math.max(max, x.modSeq());
                }
                expectFail = rnd.nextInt(4) == 0;
                since = expectFail ? 0 : max; // no message has MODSEQ 0: all fail
            }
            FlagResult r = store.changeFlags(ref, UidSet.of(pick), change, f, k, since);
            if (expectFail) {
                assertEquals(UidSet.of(pick), r.failed(), "UNCHANGEDSINCE 0 fails every message");
                assertTrue(r.messages().isEmpty());
                return;
            }
            assertTrue(r.failed().isEmpty(), "no other thread changes these messages");
            for (long u : pick) {
                Ref old = m.get(u);
                int bits = MessageTable.bits(f);
                Set<String> kw = new HashSet<>();
                switch (change) {
                    case REPLACE -> kw.addAll(k);
                    case ADD -> {
                        bits |= old.flags();
                        kw.addAll(old.keywords());
                        kw.addAll(k);
                    }
                    case REMOVE -> {
                        bits = old.flags() & ~bits;
                        kw.addAll(old.keywords());
                        kw.removeAll(k);
                    }
                }
                m.put(u, new Ref(bits, Set.copyOf(kw)));
            }
            assertEquals(pick, r.messages().stream().map(MessageMeta::uid).toList(), "every message is answered");
            for (MessageMeta x : r.messages()) {
                assertEquals(m.get(x.uid()), new Ref(MessageTable.bits(x.flags()), x.keywords()), "result of STORE");
            }
        } else if (op < 9) {
            List<Long> pick = some(rnd, own.get(folder));
            String to = FOLDERS.get((FOLDERS.indexOf(folder) + 1 + rnd.nextInt(2)) % FOLDERS.size());
            boolean move = rnd.nextBoolean();
            UidMap map = move ? store.move(ref, UidSet.of(pick), to) : store.copy(ref, UidSet.of(pick), to);
            assertEquals(UidSet.of(pick), map.source());
            assertEquals(pick.size(), map.target().size());
            var s = map.source().iterator();
            var t = map.target().iterator();
            while (s.hasNext()) {
                long from = s.nextLong();
                long uid = t.nextLong();
                model.get(to).put(uid, m.get(from));
                own.get(to).add(uid);
                if (move) {
                    m.remove(from);
                    own.get(folder).remove(from);
                    removed.get(folder).add(from);
                }
            }
        } else {
            List<Long> pick = some(rnd, own.get(folder));
            UidSet gone = store.expunge(ref, UidSet.of(pick));
            assertEquals(UidSet.of(pick), gone);
            for (long u : pick) {
                m.remove(u);
                own.get(folder).remove(u);
                removed.get(folder).add(u);
            }
        }
    }
}
