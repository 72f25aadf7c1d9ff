package org.postrider.core;

import java.util.concurrent.atomic.AtomicLong;

/** Counters since start, for queue:stats. */
final class QueueCounters {
    final AtomicLong accepted = new AtomicLong();
    final AtomicLong delivered = new AtomicLong();
    final AtomicLong deferred = new AtomicLong();
    final AtomicLong failed = new AtomicLong();
}
