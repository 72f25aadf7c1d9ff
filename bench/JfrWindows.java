import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordedFrame;
import jdk.jfr.consumer.RecordingFile;

/**
 * bench.py profile's reader (java bench/JfrWindows.java RESULTS JFR, JDK 22 or later): cuts a
 * JFR recording of Postrider at the workloads' marks in a results file and says, for each
 * window, where the Java threads were (CPU and native samples by category, top frames), GC
 * pauses, waits, fsyncs and the CPU of the JVM against the whole machine's. The jfr tool's
 * text output fails on some frames and its JSON is too large for a few minutes of samples.
 */
public class JfrWindows {
    /** First category whose substring is in any frame of a sample wins, in this order. */
    static final String[][] CATEGORIES = {
        {"fsync", ".force(", "force0", "fsync", "GroupSync"},
        {"password hash", "PBKDF2", "Pbkdf2", "PasswordHash", "Scram"},
        {"TLS, crypto", "sun.security.", "com.sun.crypto.", "javax.crypto."},
        {"deflate/inflate", "java.util.zip."},
        {"file reads, listing", "FileChannelImpl.read", "FileInputStream.read", "UnixDirectoryStream",
            "newDirectoryStream", "readAttributes", "UnixFileAttributeViews", "RandomAccessFile.read", "UnixFileSystemProvider.checkAccess"},
        {"file writes, create, rename", "FileChannelImpl.write", "FileOutputStream.write", "UnixCopyFile",
            "UnixFileSystem.move", "newByteChannel", "UnixChannelFactory", "UnixNativeDispatcher.rename",
            "UnixNativeDispatcher.open", "UnixNativeDispatcher.unlink", "UnixNativeDispatcher.mkdir"},
        {"socket I/O", "NioSocketImpl", "SocketDispatcher", "sun.nio.ch.Net."},
        {"store index", "IndexLog", "Index.", "MaildirFolder", "MaildirStore"},
        {"MIME, parsing", "Mime", "Parser", "parse", "Framer", "Decoder"},
        {"strings, regex, formatting", "java.util.regex.", "Formatter", "StringBuilder", "java.lang.String"},
    };

    record Window(String label, double from, double to) {
    }

    static final class Stats {
        final Map<String, Integer> cpu = new HashMap<>();
        final Map<String, Integer> nat = new HashMap<>();
        final Map<String, Integer> top = new HashMap<>();
        final Map<String, Double> alloc = new HashMap<>();
        double gc, park, monitor, forceSeconds;
        int forces;
        final List<double[]> load = new ArrayList<>();
    }

    public static void main(String[] args) throws Exception {
        Pattern mark = Pattern.compile("\"mark\": \"(start|end)\", \"workload\": \"([^\"]*)\", \"server\": \"(postrider|internal|smtp)\", \"round\": (\\d+), \"at\": ([\\d.]+)");
        Map<String, Double> open = new HashMap<>();
        Map<Window, Stats> windows = new LinkedHashMap<>();
        for (String line : Files.readAllLines(Path.of(args[0]))) {
            Matcher m = mark.matcher(line);
            if (!m.find()) {
                continue;
            }
            String key = m.group(2) + " [" + m.group(3) + "] round " + m.group(4);
            double at = Double.parseDouble(m.group(5));
            if (m.group(1).equals("start")) {
                open.put(key, at);
            } else if (open.containsKey(key)) {
                windows.put(new Window(key, open.remove(key), at), new Stats());
            }
        }
        try (RecordingFile f = new RecordingFile(Path.of(args[1]))) {
            while (f.hasMoreEvents()) {
                RecordedEvent e = f.readEvent();
                Instant t = e.getStartTime();
                double at = t.getEpochSecond() + t.getNano() / 1e9;
                for (Map.Entry<Window, Stats> w : windows.entrySet()) {
                    if (at >= w.getKey().from() && at <= w.getKey().to()) {
                        add(e, w.getValue()); // in every window it falls in: a command's window lies in its group's
                    }
                }
            }
        }
        for (Map.Entry<Window, Stats> w : windows.entrySet()) {
            print(w.getKey(), w.getValue());
        }
    }

    static void add(RecordedEvent e, Stats s) {
        String type = e.getEventType().getName();
        switch (type) {
            case "jdk.ExecutionSample", "jdk.NativeMethodSample" -> {
                if (e.getStackTrace() == null) {
                    return;
                }
                List<RecordedFrame> frames = e.getStackTrace().getFrames();
                StringBuilder all = new StringBuilder();
                for (RecordedFrame fr : frames) {
                    all.append(fr.getMethod().getType().getName()).append('.').append(fr.getMethod().getName()).append("( ");
                }
                String stack = all.toString();
                String cat = "other";
                outer:
                for (String[] c : CATEGORIES) {
                    for (int i = 1; i < c.length; i++) {
                        if (stack.contains(c[i])) {
                            cat = c[0];
                            break outer;
                        }
                    }
                }
                if (type.equals("jdk.ExecutionSample")) {
                    s.cpu.merge(cat, 1, Integer::sum);
                    if (!frames.isEmpty()) {
                        RecordedFrame f0 = frames.get(0);
                        s.top.merge(f0.getMethod().getType().getName() + "." + f0.getMethod().getName(), 1, Integer::sum);
                    }
                } else if (!stack.contains("Continuation.run") || frames.size() > 3) {
                    s.nat.merge(cat, 1, Integer::sum);
                }
            }
            case "jdk.GCPhasePause" -> s.gc += e.getDuration().toNanos() / 1e9;
            case "jdk.ThreadPark" -> s.park += e.getDuration().toNanos() / 1e9;
            case "jdk.JavaMonitorEnter" -> s.monitor += e.getDuration().toNanos() / 1e9;
            case "jdk.FileForce" -> {
                s.forces++;
                s.forceSeconds += e.getDuration().toNanos() / 1e9;
            }
            case "jdk.CPULoad" -> s.load.add(new double[] {e.getFloat("jvmUser") + e.getFloat("jvmSystem"), e.getFloat("machineTotal")});
            case "jdk.ObjectAllocationSample" -> s.alloc.merge(e.getClass("objectClass").getName(), (double) e.getLong("weight"), Double::sum);
            default -> {
            }
        }
    }

    static <N extends Number> String share(Map<String, N> m, int n) {
        double total = m.values().stream().mapToDouble(Number::doubleValue).sum();
        StringBuilder sb = new StringBuilder();
        m.entrySet().stream().sorted((a, b) -> Double.compare(b.getValue().doubleValue(), a.getValue().doubleValue())).limit(n)
                .forEach(en -> sb.append(sb.isEmpty() ? "" : ", ").append(en.getKey()).append(' ')
                        .append(Math.round(100 * en.getValue().doubleValue() / Math.max(1, total))).append('%'));
        return sb.toString();
    }

    static void print(Window w, Stats s) {
        System.out.printf("%n== %s: %.1f s%n", w.label(), w.to() - w.from());
        if (!s.load.isEmpty()) {
            double jvm = s.load.stream().mapToDouble(l -> l[0]).average().orElse(0);
            double all = s.load.stream().mapToDouble(l -> l[1]).average().orElse(0);
            System.out.printf("   CPU (1.0 = both cores): JVM %.2f, whole machine %.2f (the rest: load client, peer, other)%n", jvm, all);
        }
        System.out.printf("   Java on CPU, %d samples: %s%n", s.cpu.values().stream().mapToInt(i -> i).sum(), share(s.cpu, 6));
        System.out.printf("   Java in native code, %d samples: %s%n", s.nat.values().stream().mapToInt(i -> i).sum(), share(s.nat, 6));
        System.out.printf("   top frames: %s%n", share(s.top, 5));
        System.out.printf("   fsyncs %d (%.2f s in all), GC pauses %.2f s, parks over 20 ms %.1f s, monitor waits over 20 ms %.2f s (all threads)%n",
                s.forces, s.forceSeconds, s.gc, s.park, s.monitor);
        double alloc = s.alloc.values().stream().mapToDouble(d -> d).sum();
        if (alloc > 0) {
            System.out.printf("   allocated about %.0f MB: %s%n", alloc / 1e6, share(s.alloc, 4));
        }
    }
}
