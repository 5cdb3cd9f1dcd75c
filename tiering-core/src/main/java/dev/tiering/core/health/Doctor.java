package dev.tiering.core.health;

import dev.tiering.core.ByteSize;
import dev.tiering.core.Tier;
import dev.tiering.core.routing.PathResolver;
import dev.tiering.core.storage.FileEntry;
import dev.tiering.core.storage.Storage;
import dev.tiering.core.storage.StoreUsage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Checks the machine's file system setup and explains every finding with its fix: the tiers exist
 * and are writable, they are on different devices (on one device tiering moves nothing between an
 * SSD and an HDD), the hot tier is mounted {@code noatime,nodiratime}, the lake {@code
 * noatime,commit=60}, both ext4, with free space. Mount facts come from {@code
 * /proc/self/mountinfo}. Thread-safe.
 */
public final class Doctor {

  /**
   * One finding.
   *
   * @param check what was checked
   * @param level how it stands
   * @param message what was found
   * @param fix what to do (a command or an {@code /etc/fstab} line), or empty when all is well
   */
  public record Finding(String check, HealthLevel level, String message, String fix) {}

  private final PathResolver paths;
  private final Storage storage;
  private final ProcFiles proc;
  private final List<HealthProbe> probes;

  /**
   * A doctor reading the real {@code /proc}, on the layout's storage.
   *
   * @param paths the tiers to examine
   */
  public Doctor(PathResolver paths) {
    this(paths, Storage.forLayout(paths.layout()), Path.of("/proc"));
  }

  /**
   * A doctor reading mount facts from {@code procRoot} (fixtures in tests).
   *
   * @param paths the tiers to examine
   * @param storage the storage that checks the roots and measures free space
   * @param procRoot the directory read as {@code /proc}
   */
  public Doctor(PathResolver paths, Storage storage, Path procRoot) {
    this(paths, storage, new ProcFiles(Objects.requireNonNull(procRoot, "procRoot")), List.of());
  }

  private Doctor(PathResolver paths, Storage storage, ProcFiles proc, List<HealthProbe> probes) {
    this.paths = Objects.requireNonNull(paths, "paths");
    this.storage = Objects.requireNonNull(storage, "storage");
    this.proc = proc;
    this.probes = List.copyOf(probes);
  }

  /**
   * {@return this doctor, also running {@code probe} after its own checks} (see {@link
   * HealthProbe}).
   *
   * @param probe the check to add
   */
  public Doctor withProbe(HealthProbe probe) {
    List<HealthProbe> more = new ArrayList<>(probes);
    more.add(Objects.requireNonNull(probe, "probe"));
    return new Doctor(paths, storage, proc, more);
  }

  /**
   * Examines the setup.
   *
   * @return the findings, in a stable order; a check that cannot be made is a finding too
   */
  public List<Finding> examine() {
    List<Finding> findings = setup();
    for (HealthProbe probe : probes) {
      HealthCheck check = HealthMonitor.run(probe);
      findings.add(new Finding(check.name(), check.level(), check.message(), ""));
    }
    return findings;
  }

  /** The file system setup's findings. */
  private List<Finding> setup() {
    List<Finding> findings = new ArrayList<>();
    Path hot = paths.layout().hotRoot();
    Path lake = paths.layout().lakeRoot();
    findings.add(
        writable(
            "hot root",
            hot,
            "mkdir -p "
                + hot
                + " && mount the SSD there:"
                + " mount -o defaults,noatime,nodiratime /dev/vdb "
                + hot));
    boolean localLake = paths.layout().lakeIsLocal();
    String lakeName = paths.layout().display(lake);
    findings.add(
        writable(
            "lake root",
            lake,
            localLake
                ? "mkdir -p "
                    + lake
                    + " && mount the HDD there: mount -o defaults,noatime,commit=60 /dev/vdc "
                    + lake
                : "hdfs dfs -mkdir -p "
                    + lakeName
                    + " and give the writing user write access there"));
    List<ProcFiles.Mount> mounts;
    try {
      mounts = proc.mounts();
    } catch (IOException e) {
      findings.add(
          new Finding(
              "mounts",
              HealthLevel.WARNING,
              "cannot read mount table: " + e.getMessage(),
              "run on Linux, where /proc/self/mountinfo describes the mounts"));
      return findings;
    }
    Optional<ProcFiles.Mount> hotMount = ProcFiles.mountOf(mounts, hot);
    if (!localLake) {
      // Mounts, devices and mount options are local matters; the lake is on another system.
      findings.add(
          new Finding(
              "separate devices",
              HealthLevel.OK,
              "the lake is on "
                  + paths.layout().lakeStore()
                  + ", apart from the hot tier's disk by construction",
              ""));
      hotMount.ifPresent(h -> findings.addAll(hotMountChecks(h, hot)));
      findings.add(space("hot free space", hot, Tier.HOT, "run 'tiering cleanup --keep-recent 2'"));
      findings.add(
          space("lake free space", lake, Tier.COLD, "run 'tiering archive' or add capacity"));
      return findings;
    }
    Optional<ProcFiles.Mount> lakeMount = ProcFiles.mountOf(mounts, lake);
    if (hotMount.isEmpty() || lakeMount.isEmpty()) {
      findings.add(
          new Finding(
              "mounts",
              HealthLevel.WARNING,
              "no mount found for " + (hotMount.isEmpty() ? hot : lake),
              "check /proc/self/mountinfo"));
      return findings;
    }
    ProcFiles.Mount h = hotMount.get();
    ProcFiles.Mount l = lakeMount.get();
    if (h.device().equals(l.device())) {
      findings.add(
          new Finding(
              "separate devices",
              HealthLevel.WARNING,
              "hot and lake are both on "
                  + h.source()
                  + " ("
                  + h.device()
                  + "): tiering moves nothing between an SSD and an HDD",
              "mount the SSD at "
                  + hot
                  + " and the HDD at "
                  + lake
                  + " (seed: Filesystem"
                  + " Configuration; LABEL=hot-storage and LABEL=lake-storage in /etc/fstab)"));
    } else {
      findings.add(
          new Finding(
              "separate devices",
              HealthLevel.OK,
              "hot on "
                  + h.source()
                  + " ("
                  + h.device()
                  + "), lake on "
                  + l.source()
                  + " ("
                  + l.device()
                  + ")",
              ""));
    }
    List<Finding> hotChecks = hotMountChecks(h, hot);
    findings.add(hotChecks.get(0));
    findings.add(
        options(
            "lake mount options",
            l,
            lake,
            List.of("noatime", "commit=60"),
            "mount -o remount,noatime,commit=60 "
                + l.mountPoint()
                + "; in /etc/fstab:"
                + " LABEL=lake-storage "
                + l.mountPoint()
                + " ext4 defaults,noatime,commit=60 0 2"));
    findings.add(hotChecks.get(1));
    findings.add(fsType("lake file system", l));
    findings.add(space("hot free space", hot, Tier.HOT, "run 'tiering cleanup --keep-recent 2'"));
    findings.add(
        space("lake free space", lake, Tier.COLD, "run 'tiering archive' or add capacity"));
    return findings;
  }

  /** The hot mount's options, then its file system type. */
  private static List<Finding> hotMountChecks(ProcFiles.Mount h, Path hot) {
    return List.of(
        options(
            "hot mount options",
            h,
            hot,
            List.of("noatime", "nodiratime"),
            "mount -o remount,noatime,nodiratime "
                + h.mountPoint()
                + "; in /etc/fstab:"
                + " LABEL=hot-storage "
                + h.mountPoint()
                + " ext4 defaults,noatime,nodiratime 0 2"),
        fsType("hot file system", h));
  }

  /**
   * {@return the worst level among findings; {@link HealthLevel#OK} if there are none}
   *
   * @param findings the findings of an examination
   */
  public static HealthLevel level(List<Finding> findings) {
    HealthLevel worst = HealthLevel.OK;
    for (Finding finding : findings) {
      worst = worst.worst(finding.level());
    }
    return worst;
  }

  private Finding writable(String check, Path root, String fix) {
    String name = paths.layout().display(root);
    try {
      if (storage.stat(root).filter(FileEntry::isDirectory).isEmpty()) {
        return new Finding(check, HealthLevel.CRITICAL, name + " does not exist", fix);
      }
      // Asked of the kernel (access(2)), never by writing: the doctor changes nothing.
      boolean local =
          paths
              .layout()
              .tierOf(root)
              .map(t -> t == Tier.HOT || paths.layout().lakeIsLocal())
              .orElse(true);
      if (!local) {
        return new Finding(
            check,
            HealthLevel.OK,
            name + " exists (on a remote store, write" + " access shows at the first write)",
            "");
      }
      if (!java.nio.file.Files.isWritable(root)) {
        return new Finding(
            check,
            HealthLevel.CRITICAL,
            name + " is not writable (read-only" + " mount, or no write permission for this user)",
            "give the writing user write" + " access to " + name + ", or mount it read-write");
      }
      return new Finding(check, HealthLevel.OK, name + " exists and is writable", "");
    } catch (IOException e) {
      return new Finding(
          check,
          HealthLevel.CRITICAL,
          name + " is not writable: " + e.getMessage(),
          "give the writing user write access to " + name);
    }
  }

  private static Finding options(
      String check, ProcFiles.Mount mount, Path root, List<String> wanted, String fix) {
    List<String> missing = new ArrayList<>();
    for (String option : wanted) {
      // Linux implies nodiratime with noatime and lists only noatime.
      boolean implied = option.equals("nodiratime") && mount.has("noatime");
      if (!mount.has(option) && !implied) {
        missing.add(option);
      }
    }
    if (missing.isEmpty()) {
      return new Finding(
          check, HealthLevel.OK, root + " is mounted " + String.join(",", wanted), "");
    }
    return new Finding(
        check,
        HealthLevel.WARNING,
        mount.mountPoint()
            + " (for "
            + root
            + ") lacks "
            + String.join(", ", missing)
            + ": mounted "
            + String.join(",", mount.options())
            + (mount.superOptions().isEmpty()
                ? ""
                : " / " + String.join(",", mount.superOptions())),
        fix);
  }

  private static Finding fsType(String check, ProcFiles.Mount mount) {
    if (mount.fsType().equals("ext4")) {
      return new Finding(check, HealthLevel.OK, mount.mountPoint() + " is ext4", "");
    }
    return new Finding(
        check,
        HealthLevel.OK,
        mount.mountPoint()
            + " is "
            + mount.fsType()
            + ", not the seed's ext4: it works, but ext4 options such as commit=60 do not apply",
        "the seed formats with mkfs.ext4 -L hot-storage / mkfs.ext4 -L lake-storage -m 1");
  }

  /** Free space judged by the same thresholds as {@link HealthMonitor}: one set, in one place. */
  private Finding space(String check, Path root, Tier tier, String fix) {
    HealthThresholds limits = HealthThresholds.defaults();
    double warning = tier == Tier.HOT ? limits.hotWarningFraction() : limits.lakeWarningFraction();
    double critical =
        tier == Tier.HOT ? limits.hotCriticalFraction() : limits.lakeCriticalFraction();
    try {
      StoreUsage usage = storage.usage(root);
      double used = usage.usedFraction();
      String text =
          String.format(
              java.util.Locale.ROOT,
              "%.1f%% used (%s free of %s)",
              used * 100,
              ByteSize.of(usage.usableBytes()),
              ByteSize.of(usage.totalBytes()));
      return used > critical
          ? new Finding(
              check,
              HealthLevel.CRITICAL,
              text
                  + String.format(
                      java.util.Locale.ROOT, ", above the critical %.0f%%", critical * 100),
              fix)
          : used > warning
              ? new Finding(
                  check,
                  HealthLevel.WARNING,
                  text
                      + String.format(
                          java.util.Locale.ROOT, ", above the warning %.0f%%", warning * 100),
                  fix)
              : new Finding(check, HealthLevel.OK, text, "");
    } catch (IOException e) {
      return new Finding(
          check,
          HealthLevel.WARNING,
          "cannot measure " + root + ": " + e.getMessage(),
          "check that " + root + " exists");
    }
  }
}
