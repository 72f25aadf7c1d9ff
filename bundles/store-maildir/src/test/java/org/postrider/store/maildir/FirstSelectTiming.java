package org.postrider.store.maildir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Comparator;
import java.util.stream.Stream;
import org.postrider.api.store.FolderRef;
import org.postrider.api.store.FolderSummary;
import org.postrider.api.store.UidSet;

/**
 * Not a test: prints how long the store alone takes for IMAP's first SELECT of a folder that
 * another program filled (files named as the benchmark names them, {@code ,S=} their length,
 * about 1 KB, CRLF), and then to count every size (FETCH 1:* RFC822.SIZE). Run with the test
 * classpath: {@code java -cp ... org.postrider.store.maildir.FirstSelectTiming [files] [rounds]}.
 * The figure that counts is the benchmark's ({@code bench/run}); this one isolates the store.
 */
public final class FirstSelectTiming {
    private static final String USER = "bench@example.org";

    private FirstSelectTiming() {
    }

    public static void main(String[] args) throws Exception {
        int files = args.length > 0 ? Integer.parseInt(args[0]) : 10_000;
        int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 5;
        long[] select = new long[rounds];
        long[] sizes = new long[rounds];
        for (int round = 0; round < rounds; round++) {
            Path root = Files.createTempDirectory("first-select");
            try {
                fill(FolderNames.userDir(root, USER), files);
                MaildirStore store = new MaildirStore(root, "athena", 100);
                long t0 = System.nanoTime();
                FolderSummary s = store.summary(USER, "INBOX", false); // SELECT: the counters,
                FolderRef ref = new FolderRef(USER, "INBOX", s.uidValidity());
                store.uids(ref); // the UIDs
                store.claimRecent(ref); // and \Recent
                select[round] = System.nanoTime() - t0;
                t0 = System.nanoTime();
                store.messages(ref, UidSet.range(1, s.uidNext() - 1)); // FETCH 1:* RFC822.SIZE
                sizes[round] = System.nanoTime() - t0;
                store.deactivate();
                System.out.printf("round %d: first SELECT of %,d files %d ms, then every size %d ms%n", round + 1,
                        files, select[round] / 1_000_000, sizes[round] / 1_000_000);
            } finally {
                try (Stream<Path> all = Files.walk(root)) {
                    all.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
                }
            }
        }
        Arrays.sort(select);
        Arrays.sort(sizes);
        System.out.printf("median of %d: first SELECT %d ms, every size after it %d ms%n", rounds,
                select[rounds / 2] / 1_000_000, sizes[rounds / 2] / 1_000_000);
    }

    /** As the benchmark's fill(): written straight into cur/, not fsynced. */
    private static void fill(Path maildir, int count) throws Exception {
        for (String sub : new String[] {"cur", "new", "tmp"}) {
            Files.createDirectories(maildir.resolve(sub));
        }
        long base = System.currentTimeMillis() / 1000 - count;
        String line = "filler text of a message written by the benchmark into the Maildir.\r\n";
        for (int i = 0; i < count; i++) {
            String head = "Return-Path: <load@example.net>\r\nFrom: <load@example.net>\r\nTo: <" + USER + ">\r\n"
                    + "Subject: filled message " + i + "\r\nMessage-ID: <fill-" + i + "@client.example.net>\r\n\r\n";
            byte[] data = (head + line.repeat(Math.max(1, (1024 - head.length()) / line.length())))
                    .getBytes(StandardCharsets.US_ASCII);
            Files.write(maildir.resolve("cur/" + (base + i) + ".M" + i + "P1.bench,S=" + data.length + ":2,"), data);
        }
    }
}
