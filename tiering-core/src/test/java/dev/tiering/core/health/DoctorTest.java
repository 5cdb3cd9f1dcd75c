package dev.tiering.core.health;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tiering.core.TierLayout;
import dev.tiering.core.routing.PathResolver;
import dev.tiering.core.storage.Storage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DoctorTest {

  @TempDir Path base;
  @TempDir Path proc;
  private PathResolver paths;

  @BeforeEach
  void setUp() throws IOException {
    paths = new PathResolver(Storage.createRoots(TierLayout.under(base)));
    Files.createDirectories(base.resolve("hot"));
    Files.createDirectories(base.resolve("lake"));
    Files.createDirectories(proc.resolve("self"));
  }

  /** A recorded mountinfo, with this test's directories as mount points. */
  private void mountinfo(String hotLine, String lakeLine) throws IOException {
    Path realBase = base.toRealPath();
    Files.writeString(
        proc.resolve("self/mountinfo"),
        String.join(
            "\n",
            "22 27 0:21 / /proc rw,relatime - proc proc rw",
            "27 1 254:0 / / rw,relatime - ext4 /dev/vda rw,discard",
            hotLine.replace("HOT", realBase.resolve("hot").toString()),
            lakeLine.replace("LAKE", realBase.resolve("lake").toString()),
            ""));
  }

  private Doctor.Finding finding(List<Doctor.Finding> findings, String check) {
    return findings.stream().filter(f -> f.check().equals(check)).findFirst().orElseThrow();
  }

  @Test
  void theSeedsSetupIsHealthy() throws IOException {
    mountinfo(
        "40 27 254:16 / HOT rw,noatime,nodiratime shared:1 - ext4 /dev/vdb rw",
        "41 27 254:32 / LAKE rw,noatime - ext4 /dev/vdc rw,commit=60");
    List<Doctor.Finding> findings = new Doctor(paths, Storage.local(), proc).examine();
    assertThat(findings)
        .extracting(Doctor.Finding::check)
        .containsExactly(
            "hot root",
            "lake root",
            "separate devices",
            "hot mount options",
            "lake mount options",
            "hot file system",
            "lake file system",
            "hot free space",
            "lake free space");
    assertThat(finding(findings, "separate devices").message())
        .isEqualTo("hot on /dev/vdb (254:16), lake on /dev/vdc (254:32)");
    assertThat(findings.subList(0, 7)).allMatch(f -> f.level() == HealthLevel.OK);
  }

  @Test
  void oneDeviceForBothTiersIsAWarningWithTheSeedsFix() throws IOException {
    mountinfo("", "");
    List<Doctor.Finding> findings = new Doctor(paths, Storage.local(), proc).examine();
    Doctor.Finding devices = finding(findings, "separate devices");
    assertThat(devices.level()).isEqualTo(HealthLevel.WARNING);
    assertThat(devices.message())
        .isEqualTo(
            "hot and lake are both on /dev/vda (254:0): tiering"
                + " moves nothing between an SSD and an HDD");
    assertThat(devices.fix()).contains("LABEL=hot-storage and LABEL=lake-storage in /etc/fstab");
  }

  @Test
  void missingMountOptionsAreNamedWithTheFstabLine() throws IOException {
    mountinfo(
        "40 27 254:16 / HOT rw,relatime - ext4 /dev/vdb rw",
        "41 27 254:32 / LAKE rw,noatime - xfs /dev/vdc rw");
    List<Doctor.Finding> findings = new Doctor(paths, Storage.local(), proc).examine();
    Doctor.Finding hot = finding(findings, "hot mount options");
    assertThat(hot.level()).isEqualTo(HealthLevel.WARNING);
    assertThat(hot.message()).endsWith("lacks noatime, nodiratime: mounted rw,relatime / rw");
    assertThat(hot.fix()).endsWith("ext4 defaults,noatime,nodiratime 0 2");
    assertThat(finding(findings, "lake mount options").message()).contains("lacks commit=60");
    assertThat(finding(findings, "lake file system").message())
        .contains("is xfs, not the seed's ext4");
  }

  @Test
  void missingRootsAreCritical() throws IOException {
    Files.delete(base.resolve("lake"));
    mountinfo("", "");
    Doctor.Finding lake = finding(new Doctor(paths, Storage.local(), proc).examine(), "lake root");
    assertThat(lake.level()).isEqualTo(HealthLevel.CRITICAL);
    assertThat(lake.message()).isEqualTo(base.resolve("lake") + " does not exist");
    assertThat(lake.fix()).contains("mount -o defaults,noatime,commit=60");
  }

  @Test
  void aLiveExaminationOnThisMachineDoesNotFail() {
    List<Doctor.Finding> findings = new Doctor(paths).examine();
    assertThat(findings).isNotEmpty();
    assertThat(finding(findings, "hot root").level()).isEqualTo(HealthLevel.OK);
  }

  @Test
  void mountinfoAndDiskstatsParse() {
    List<ProcFiles.Mount> mounts =
        ProcFiles.parseMountInfo(
            """
            36 35 98:0 /mnt1 /mnt/with\\040space rw,noatime master:1 - ext3 /dev/root rw,errors=continue
            37 35 98:1 / /data rw - ext4 /dev/vdb rw
            38 35 98:2 / /data/hot rw,noatime - ext4 /dev/vdc rw,commit=60
            garbage line
            """);
    assertThat(mounts).hasSize(3);
    assertThat(mounts.get(0).mountPoint()).isEqualTo(Path.of("/mnt/with space"));
    assertThat(mounts.get(0).options()).containsExactly("rw", "noatime");
    assertThat(mounts.get(2).has("commit=60")).isTrue();
    assertThat(ProcFiles.mountOf(mounts, Path.of("/data/hot/staging")).orElseThrow().device())
        .isEqualTo("98:2");
    assertThat(ProcFiles.mountOf(mounts, Path.of("/data/hotter")).orElseThrow().device())
        .isEqualTo("98:1");

    var stats =
        ProcFiles.parseDiskStats(
            """
             254       0 vda 28711 10253 2196786 14270 227393 178826 8519584 161240 0 137340 185630 0 0 0 0 1234 10120
               7       0 loop0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0
             bad
            """);
    assertThat(stats.get("254:0"))
        .isEqualTo(new ProcFiles.DiskCounters(28711 + 227393, 14270 + 161240, 137340));
    assertThat(stats).containsKey("7:0").hasSize(2);
  }
}
