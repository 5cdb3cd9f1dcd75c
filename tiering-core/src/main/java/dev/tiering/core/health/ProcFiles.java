package dev.tiering.core.health;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Linux's {@code /proc/self/mountinfo} and {@code /proc/diskstats}, parsed. The root is a parameter
 * so tests read recorded fixtures.
 */
final class ProcFiles {

  private final Path procRoot;

  ProcFiles(Path procRoot) {
    this.procRoot = procRoot;
  }

  /**
   * One line of mountinfo.
   *
   * @param device {@code major:minor}
   * @param mountPoint where it is mounted
   * @param options per-mount options ({@code rw,noatime})
   * @param fsType the file system type ({@code ext4})
   * @param source the mounted device ({@code /dev/vdb})
   * @param superOptions per-superblock options ({@code rw,commit=60})
   */
  record Mount(
      String device,
      Path mountPoint,
      List<String> options,
      String fsType,
      String source,
      List<String> superOptions) {

    /** True if the option is set in either option list. */
    boolean has(String option) {
      return options.contains(option) || superOptions.contains(option);
    }
  }

  /**
   * Cumulative I/O counters of one device.
   *
   * @param ios reads plus writes completed
   * @param ioMillis milliseconds spent on those reads and writes
   * @param busyMillis milliseconds the device was busy
   */
  record DiskCounters(long ios, long ioMillis, long busyMillis) {}

  List<Mount> mounts() throws IOException {
    return parseMountInfo(
        Files.readString(procRoot.resolve("self/mountinfo"), StandardCharsets.UTF_8));
  }

  Map<String, DiskCounters> diskStats() throws IOException {
    return parseDiskStats(Files.readString(procRoot.resolve("diskstats"), StandardCharsets.UTF_8));
  }

  /**
   * Parses mountinfo: {@code id parent major:minor root mountpoint options [tags] - type source
   * super}.
   */
  static List<Mount> parseMountInfo(String text) {
    List<Mount> mounts = new ArrayList<>();
    for (String line : text.split("\n")) {
      String[] f = line.trim().split(" ");
      int dash = -1;
      for (int i = 6; i < f.length; i++) {
        if (f[i].equals("-")) {
          dash = i;
          break;
        }
      }
      if (dash < 0 || dash + 2 >= f.length) {
        continue;
      }
      mounts.add(
          new Mount(
              f[2],
              Path.of(unescape(f[4])),
              List.of(f[5].split(",")),
              f[dash + 1],
              unescape(f[dash + 2]),
              dash + 3 < f.length ? List.of(f[dash + 3].split(",")) : List.of()));
    }
    return mounts;
  }

  /** mountinfo escapes space, tab, newline and backslash as octal: {@code \040}. */
  private static String unescape(String field) {
    StringBuilder out = new StringBuilder(field.length());
    for (int i = 0; i < field.length(); i++) {
      char c = field.charAt(i);
      if (c == '\\'
          && i + 3 < field.length()
          && field.substring(i + 1, i + 4).matches("[0-7]{3}")) {
        out.append((char) Integer.parseInt(field.substring(i + 1, i + 4), 8));
        i += 3;
      } else {
        out.append(c);
      }
    }
    return out.toString();
  }

  /**
   * Parses diskstats: {@code major minor name reads . . readMs writes . . writeMs inFlight busyMs
   * ...}.
   */
  static Map<String, DiskCounters> parseDiskStats(String text) {
    Map<String, DiskCounters> stats = new HashMap<>();
    for (String line : text.split("\n")) {
      String[] f = line.trim().split("\\s+");
      if (f.length < 14) {
        continue;
      }
      try {
        long reads = Long.parseLong(f[3]);
        long readMs = Long.parseLong(f[6]);
        long writes = Long.parseLong(f[7]);
        long writeMs = Long.parseLong(f[10]);
        long busyMs = Long.parseLong(f[12]);
        stats.put(f[0] + ":" + f[1], new DiskCounters(reads + writes, readMs + writeMs, busyMs));
      } catch (NumberFormatException notAStatsLine) {
        // Skip: a line of an unexpected shape says nothing about the devices we care about.
      }
    }
    return stats;
  }

  /** The mount holding {@code path}: the one with the longest mount point that contains it. */
  static Optional<Mount> mountOf(List<Mount> mounts, Path path) {
    Path target = path.toAbsolutePath().normalize();
    try {
      target = target.toRealPath();
    } catch (IOException notThereYet) {
      // A root not created yet: its parent's mount is the best answer.
    }
    Mount best = null;
    for (Mount mount : mounts) {
      if (target.startsWith(mount.mountPoint())
          && (best == null
              || mount.mountPoint().getNameCount() >= best.mountPoint().getNameCount())) {
        best = mount;
      }
    }
    return Optional.ofNullable(best);
  }
}
