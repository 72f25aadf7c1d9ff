package org.postrider.kit.text;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** Durations as admins write them in configuration: "250ms", "30s", "5m", "4h", "5d". */
public final class Durations {
    private Durations() {
    }

    public static Duration parse(String s) {
        String t = s.trim();
        if (t.isEmpty()) {
            throw new IllegalArgumentException("empty duration");
        }
        if (t.endsWith("ms")) {
            return Duration.ofMillis(Long.parseLong(t.substring(0, t.length() - 2)));
        }
        long n = Long.parseLong(t.substring(0, t.length() - 1));
        return switch (t.charAt(t.length() - 1)) {
            case 's' -> Duration.ofSeconds(n);
            case 'm' -> Duration.ofMinutes(n);
            case 'h' -> Duration.ofHours(n);
            case 'd' -> Duration.ofDays(n);
            default -> throw new IllegalArgumentException("duration needs a unit ms, s, m, h or d: " + s);
        };
    }

    public static List<Duration> list(String s) {
        List<Duration> l = new ArrayList<>();
        for (String part : s.split(",")) {
            l.add(parse(part));
        }
        if (l.isEmpty()) {
            throw new IllegalArgumentException("empty retry schedule");
        }
        return l;
    }
}
