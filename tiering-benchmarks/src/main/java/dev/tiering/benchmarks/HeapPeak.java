package dev.tiering.benchmarks;

import com.sun.management.GarbageCollectionNotificationInfo;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryUsage;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import javax.management.ListenerNotFoundException;
import javax.management.NotificationEmitter;
import javax.management.NotificationListener;
import javax.management.openmbean.CompositeData;

/**
 * The most heap a piece of work kept live: the largest heap in use right after any collection
 * during the work, minus what was live before it started (the dataset itself). Measuring after
 * collections counts what is reachable, not garbage the collector has not yet found.
 */
final class HeapPeak implements AutoCloseable {

  private final AtomicLong peakAfterGc = new AtomicLong();
  private final long baseline;
  private final List<NotificationEmitter> emitters = new ArrayList<>();
  private final NotificationListener listener =
      (notification, handback) -> {
        if (GarbageCollectionNotificationInfo.GARBAGE_COLLECTION_NOTIFICATION.equals(
            notification.getType())) {
          GarbageCollectionNotificationInfo info =
              GarbageCollectionNotificationInfo.from((CompositeData) notification.getUserData());
          long used = 0;
          for (MemoryUsage usage : info.getGcInfo().getMemoryUsageAfterGc().values()) {
            used += usage.getUsed();
          }
          peakAfterGc.accumulateAndGet(used, Math::max);
        }
      };

  HeapPeak() {
    System.gc();
    System.gc();
    baseline = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
      if (gc instanceof NotificationEmitter emitter) {
        emitter.addNotificationListener(listener, null, null);
        emitters.add(emitter);
      }
    }
  }

  /**
   * Peak live heap above the baseline so far, in bytes; forces a collection to see the end state
   * too.
   */
  long peakAboveBaseline() {
    System.gc();
    return Math.max(0, peakAfterGc.get() - baseline);
  }

  @Override
  public void close() {
    for (NotificationEmitter emitter : emitters) {
      try {
        emitter.removeNotificationListener(listener);
      } catch (ListenerNotFoundException alreadyRemoved) {
        // Nothing to remove.
      }
    }
  }
}
