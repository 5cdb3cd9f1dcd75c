package dev.tiering.hadoop;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tiering.core.BatchId;
import dev.tiering.core.SlmId;
import dev.tiering.core.TierLayout;
import dev.tiering.core.Zone;
import dev.tiering.core.health.HealthMonitor;
import dev.tiering.core.health.HealthReport;
import dev.tiering.core.lifecycle.Archiver;
import dev.tiering.core.lifecycle.LifecycleReport;
import dev.tiering.core.lifecycle.RetentionPolicy;
import dev.tiering.core.lifecycle.StagingJanitor;
import dev.tiering.core.lifecycle.TempFileSweeper;
import dev.tiering.core.lifecycle.internal.CompactionJournal;
import dev.tiering.core.routing.PathResolver;
import dev.tiering.core.storage.PendingFile;
import dev.tiering.core.storage.Storage;
import dev.tiering.core.storage.StoreUsage;
import dev.tiering.core.storage.WriteMode;
import dev.tiering.parquet.Compactor;
import dev.tiering.parquet.LakeReader;
import dev.tiering.parquet.LakeWriteResult;
import dev.tiering.parquet.LakeWriter;
import dev.tiering.parquet.StagingWriter;
import dev.tiering.schema.FieldType;
import dev.tiering.schema.SchemaSidecar;
import dev.tiering.schema.SidecarStore;
import dev.tiering.schema.TableSchema;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.Period;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The lake on a real HDFS (MiniDFSCluster, one per class), the hot tier on a local directory: the
 * same code as on local disks, chosen only by the lake root's URI. DuckDB reads the files copied
 * back out.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class HdfsLakeTest {

  private static MiniHdfs hdfs;

  @TempDir Path local;
  private String lakeDir;
  private PathResolver paths;

  @BeforeAll
  static void startHdfs() throws Exception {
    hdfs = MiniHdfs.start();
  }

  @AfterAll
  static void stopHdfs() throws Exception {
    if (hdfs != null) {
      hdfs.close();
    }
  }

  @BeforeEach
  void layout(TestInfo test) throws IOException {
    lakeDir = "/" + test.getTestMethod().orElseThrow().getName();
    // On HDFS too: the SDK never makes a lake root by itself.
    TierLayout layout =
        Storage.createRoots(
            TierLayout.builder()
                .hotRoot(local.resolve("hot"))
                .lakeRoot(hdfs.uri() + lakeDir)
                .build());
    paths = new PathResolver(layout);
  }

  @Test
  void theLakeRootUriAloneSendsLakeWritesToHdfs() throws Exception {
    LakeWriteResult written =
        LakeWriter.builder(paths).build().writeCleanData(Events.schema(), Events.rows(0, 50_000));
    StagingWriter.builder(paths)
        .build()
        .writeIntermediate(SlmId.of(1), BatchId.of("b1"), Events.schema(), Events.rows(0, 10));

    assertThat(paths.layout().lakeStore()).isEqualTo(hdfs.uri());
    List<org.apache.hadoop.fs.Path> onHdfs = hdfs.files(lakeDir);
    assertThat(onHdfs)
        .extracting(org.apache.hadoop.fs.Path::getName)
        .contains("schema.json")
        .anyMatch(n -> n.startsWith("part-") && n.endsWith(".parquet"))
        .noneMatch(Storage::isTemporary);
    assertThat(written.files())
        .singleElement()
        .satisfies(
            f ->
                assertThat(paths.layout().display(f.file()))
                    .startsWith(hdfs.uri() + lakeDir + "/clean/"));
    assertThat(local.resolve("hot/staging/slm_1_b1.parquet")).isRegularFile();
    assertThat(local.resolve("lake")).doesNotExist();

    assertThat(Events.ids(new LakeReader(paths).scan(Zone.BRONZE, Events.schema().table())))
        .isEqualTo(Events.ids(0, 50_000));
    List<Path> copies = hdfs.copyOut(parquet(onHdfs), local);
    assertThat(Events.idsByDuckDb(copies)).isEqualTo(Events.ids(0, 50_000));
    assertThat(Events.codecsByDuckDb(copies)).containsOnly("ZSTD");
  }

  @Test
  void sidecarUpdatesEvolveTheSchemaOnHdfs() throws Exception {
    LakeWriter lake = LakeWriter.builder(paths).build();
    lake.writeCleanData(Events.schema(), Events.rows(0, 100));
    TableSchema wider =
        TableSchema.builder(Zone.BRONZE, "events")
            .required("id", FieldType.INT64)
            .nullable("payload", FieldType.STRING)
            .nullable("source", FieldType.STRING)
            .partitionByDate()
            .build();
    LakeWriteResult second = lake.writeCleanData(wider, Events.rows(100, 100));

    assertThat(second.sidecar().schema().version()).hasToString("1.1.0");
    SchemaSidecar read =
        new SidecarStore(paths).read(Zone.BRONZE, Events.schema().table()).orElseThrow();
    assertThat(read.quality().rowCount()).isEqualTo(200);
    assertThat(new SidecarStore(paths).versions(Zone.BRONZE, Events.schema().table()))
        .extracting(Object::toString)
        .containsExactly("1.0.0", "1.1.0");
    try (var in =
        hdfs.fs()
            .open(new org.apache.hadoop.fs.Path(lakeDir + "/clean/bronze/events/schema.json"))) {
      assertThat(new ObjectMapper().readTree(in).get("version").asText()).isEqualTo("1.1.0");
    }
    assertThat(Events.ids(new LakeReader(paths).scan(Zone.BRONZE, Events.schema().table())))
        .isEqualTo(Events.ids(0, 200));
  }

  @Test
  void compactionMergesSmallFilesOnHdfs() throws Exception {
    LakeWriter lake = LakeWriter.builder(paths).build();
    for (int i = 0; i < 6; i++) {
      lake.writeCleanData(Events.schema(), Events.rows(i * 1000L, 1000));
    }
    LifecycleReport report =
        Compactor.builder(paths)
            .minCommitAge(java.time.Duration.ZERO)
            .build()
            .compact(Zone.BRONZE, Events.schema().table())
            .execute();

    assertThat(report.failures()).isEmpty();
    assertThat(report.actions(LifecycleReport.Verb.COMPACTED)).hasSize(6);
    List<org.apache.hadoop.fs.Path> files = parquet(hdfs.files(lakeDir));
    assertThat(files).hasSize(1);
    assertThat(Events.idsByDuckDb(hdfs.copyOut(files, local))).isEqualTo(Events.ids(0, 6000));
    // No journal or temporary file is left; the partition's epoch marker stays, by design.
    assertThat(hdfs.files(lakeDir))
        .extracting(org.apache.hadoop.fs.Path::getName)
        .noneMatch(n -> CompactionJournal.isJournal(n) || Storage.isTemporary(n));
  }

  @Test
  void archiveAndStagingArchiveMoveDataOntoHdfs() throws Exception {
    LakeWriter.builder(paths).build().writeCleanData(Events.schema(), Events.rows(0, 100));
    StagingWriter staging = StagingWriter.builder(paths).build();
    for (String batch : List.of("b1", "b2", "b3")) {
      staging.writeIntermediate(
          SlmId.of(1), BatchId.of(batch), Events.schema(), Events.rows(0, 10));
    }

    LifecycleReport cleanup =
        StagingJanitor.builder(paths)
            .grace(Duration.ZERO)
            .archive(true)
            .build()
            .cleanupOldBatches(2)
            .execute();
    assertThat(cleanup.failures()).isEmpty();
    assertThat(local.resolve("hot/staging/slm_1_b1.parquet")).doesNotExist();
    Path archived =
        paths.stagingArchiveFile(
            dev.tiering.core.routing.StagingFile.intermediate(SlmId.of(1), BatchId.of("b1")));
    assertThat(hdfs.fs().exists(new org.apache.hadoop.fs.Path(archived.toString()))).isTrue();

    Clock nextYear = Clock.fixed(Instant.now().plus(Duration.ofDays(400)), ZoneOffset.UTC);
    LifecycleReport archive =
        new Archiver(paths, Storage.forLayout(paths.layout()), nextYear)
            .apply(RetentionPolicy.none().lake(Zone.BRONZE, Period.ofDays(30)))
            .execute();
    assertThat(archive.failures()).isEmpty();
    assertThat(archive.actions(LifecycleReport.Verb.ARCHIVED)).hasSize(1);
    List<org.apache.hadoop.fs.Path> afterwards = parquet(hdfs.files(lakeDir + "/archive/bronze"));
    assertThat(afterwards).hasSize(1);
    assertThat(Events.idsByDuckDb(hdfs.copyOut(afterwards, local))).isEqualTo(Events.ids(0, 100));
    assertThat(parquet(hdfs.files(lakeDir + "/clean"))).isEmpty();
  }

  @Test
  void theStorageKeepsTheSpiContractOnHdfs() throws Exception {
    Storage storage = Storage.forLayout(paths.layout());
    Path target = paths.layout().lakeRoot().resolve("contract/a.parquet");
    try (PendingFile file = storage.create(target, WriteMode.CREATE_NEW)) {
      file.stream().write(new byte[] {1, 2, 3});
      assertThat(storage.stat(target)).isEmpty();
      assertThat(storage.list(target.getParent()))
          .singleElement()
          .satisfies(e -> assertThat(Storage.isTemporary(e.name())).isTrue());
      file.commit();
    }
    assertThat(storage.stat(target)).hasValueSatisfying(e -> assertThat(e.size()).isEqualTo(3));

    PendingFile again = storage.create(target, WriteMode.CREATE_NEW);
    again.stream().write(new byte[] {9});
    assertThatThrownBy(again::commit).isInstanceOf(FileAlreadyExistsException.class);
    try (PendingFile replace = storage.create(target, WriteMode.REPLACE)) {
      replace.stream().write(new byte[] {7, 7});
      replace.commit();
    }
    try (PendingFile discarded =
        storage.create(target.resolveSibling("b.parquet"), WriteMode.CREATE_NEW)) {
      discarded.stream().write(new byte[] {1});
    }
    assertThat(storage.list(target.getParent()))
        .extracting(e -> e.name() + ":" + e.size())
        .containsExactly("a.parquet:2");

    StoreUsage usage = storage.usage(paths.layout().lakeRoot());
    assertThat(usage.totalBytes()).isPositive();
    assertThat(usage.usableBytes()).isPositive().isLessThanOrEqualTo(usage.totalBytes());

    Path lockFile = paths.layout().lakeRoot().resolve("contract/.x.lock");
    try (var held = storage.lock(lockFile, Duration.ofSeconds(5))) {
      Thread other =
          new Thread(
              () ->
                  assertThatThrownBy(() -> storage.lock(lockFile, Duration.ofMillis(300)))
                      .hasMessageStartingWith("Timed out after 300 ms waiting for lock"));
      other.start();
      other.join();
    }
    storage.lock(lockFile, Duration.ofSeconds(5)).close();

    HealthReport health = HealthMonitor.builder(paths).build().check(Duration.ofMillis(50));
    assertThat(health.checks())
        .anySatisfy(
            c -> {
              assertThat(c.name()).isEqualTo("lake fullness");
            })
        .anySatisfy(c -> assertThat(c.message()).contains("the lake is on " + hdfs.uri()));
  }

  @Test
  void aWriterKilledMidwayLeavesNoVisibleFileAndRecoveryWaitsForItsLease() throws Exception {
    Process writer =
        new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-XX:TieredStopAtLevel=1",
                "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn",
                "-cp",
                System.getProperty("java.class.path"),
                HdfsKilledWriter.class.getName(),
                local.resolve("hot").toString(),
                hdfs.uri() + lakeDir)
            .redirectError(ProcessBuilder.Redirect.DISCARD)
            .start();
    try (BufferedReader out =
        new BufferedReader(
            new InputStreamReader(writer.getInputStream(), StandardCharsets.UTF_8))) {
      String line;
      do {
        line = out.readLine();
      } while (line != null && !line.equals("written"));
      assertThat(line).as("the writer progressed").isEqualTo("written");
    } finally {
      writer.destroyForcibly();
      assertThat(writer.waitFor(30, TimeUnit.SECONDS)).isTrue();
    }

    List<org.apache.hadoop.fs.Path> left = hdfs.files(lakeDir);
    assertThat(left)
        .singleElement()
        .satisfies(
            p -> {
              assertThat(Storage.isTemporary(p.getName())).isTrue();
              // Still open: the dead writer's lease holds it (HDFS reports no length for it yet).
              assertThat(hdfs.fs().isFileClosed(p)).isFalse();
            });
    assertThat(parquet(left)).isEmpty();

    // The dead writer's lease still holds the file: recovery cannot tell it from a slow writer.
    TempFileSweeper recovery =
        new TempFileSweeper(Storage.forLayout(paths.layout()), Duration.ZERO, Clock.systemUTC());
    assertThat(
            recovery
                .recover(paths)
                .actions(dev.tiering.core.lifecycle.LifecycleReport.Verb.DELETED))
        .isEmpty();
    // HDFS recovers an expired lease by itself (within its lease limits); here, at once.
    org.apache.hadoop.fs.Path temp = left.get(0);
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (!hdfs.fs().recoverLease(temp) && System.nanoTime() < deadline) {
      Thread.sleep(200);
    }
    assertThat(hdfs.fs().isFileClosed(temp)).isTrue();
    assertThat(
            recovery
                .recover(paths)
                .actions(dev.tiering.core.lifecycle.LifecycleReport.Verb.DELETED))
        .singleElement()
        .satisfies(a -> assertThat(a.path().toString()).isEqualTo(temp.toUri().getPath()));
    assertThat(hdfs.files(lakeDir)).isEmpty();
  }

  @Test
  void anExceededSpaceQuotaIsAFullTierAndLeavesNothingVisible() throws Exception {
    LakeWriter lake = LakeWriter.builder(paths).build();
    lake.writeCleanData(Events.schema(), Events.rows(0, 100));
    org.apache.hadoop.fs.Path dir = new org.apache.hadoop.fs.Path(lakeDir);
    hdfs.fs()
        .setQuota(
            dir,
            org.apache.hadoop.hdfs.protocol.HdfsConstants.QUOTA_DONT_SET,
            hdfs.fs().getContentSummary(dir).getSpaceConsumed() + 512 * 1024);

    assertThatThrownBy(() -> lake.writeCleanData(Events.schema(), Events.rows(1_000, 400_000)))
        .isInstanceOfSatisfying(
            dev.tiering.core.storage.TierFullException.class,
            e -> assertThat(e.tier()).isEqualTo(dev.tiering.core.Tier.COLD))
        .hasMessageStartingWith(
            "No space left on cold tier (HDD, "
                + hdfs.uri()
                + lakeDir
                + ") writing "
                + hdfs.uri()
                + lakeDir
                + "/clean/bronze/events/")
        .hasMessageContaining("quota of " + lakeDir + " is exceeded");

    hdfs.fs()
        .setQuota(
            dir,
            org.apache.hadoop.hdfs.protocol.HdfsConstants.QUOTA_DONT_SET,
            org.apache.hadoop.hdfs.protocol.HdfsConstants.QUOTA_RESET);
    assertThat(hdfs.files(lakeDir))
        .extracting(org.apache.hadoop.fs.Path::getName)
        .noneMatch(Storage::isTemporary);
    assertThat(Events.ids(new LakeReader(paths).scan(Zone.BRONZE, Events.schema().table())))
        .isEqualTo(Events.ids(0, 100));
  }

  @Test
  void objectStoresAreRefusedAndFileUrisStayLocal() {
    TierLayout s3 =
        TierLayout.builder().hotRoot(local.resolve("hot")).lakeRoot("s3a://bucket/lake").build();
    assertThatThrownBy(() -> Storage.forLayout(s3))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "Cannot keep the lake on s3a://bucket: on s3a:// a rename is not known to be"
                + " atomic (on object stores it is a copy), so a reader could see a half-written file"
                + " and a crash could leave one. Use HDFS or a local disk for the lake; if this file"
                + " system's rename is atomic, set tiering.hadoop.assume-atomic-rename=true in its"
                + " Hadoop configuration");

    TierLayout file =
        TierLayout.builder()
            .hotRoot(local.resolve("hot"))
            .lakeRoot("file://" + local.resolve("lake"))
            .build();
    assertThat(file.lakeIsLocal()).isTrue();
    assertThat(file.lakeRoot()).isEqualTo(local.resolve("lake"));
    Storage storage = Storage.forLayout(file); // the local storage, knowing the layout
    assertThat(storage.reportingFullTiers(file)).isSameAs(storage);
  }

  @Test
  void twoCopiesOfHadoopAreReportedWithTheFix(@TempDir Path jars) throws Exception {
    HadoopStorage.checkOneHadoop(HadoopStorage.class.getClassLoader());
    for (String jar : List.of("hadoop-common.jar", "hadoop-client-api.jar")) {
      try (var out = new java.util.jar.JarOutputStream(Files.newOutputStream(jars.resolve(jar)))) {
        out.putNextEntry(new java.util.jar.JarEntry("org/apache/hadoop/fs/FileSystem.class"));
        out.closeEntry();
      }
    }
    try (var twice =
        new java.net.URLClassLoader(
            new java.net.URL[] {
              jars.resolve("hadoop-common.jar").toUri().toURL(),
              jars.resolve("hadoop-client-api.jar").toUri().toURL()
            },
            null)) {
      assertThatThrownBy(() -> HadoopStorage.checkOneHadoop(twice))
          .isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("hadoop-common.jar")
          .hasMessageContaining("hadoop-client-api.jar")
          .hasMessageEndingWith(
              "exclude org.apache.hadoop:hadoop-common and"
                  + " org.apache.hadoop:hadoop-mapreduce-client-core from dev.tiering:tiering-parquet"
                  + " (docs/hdfs.md shows the exclusions)");
    }
  }

  private static List<org.apache.hadoop.fs.Path> parquet(List<org.apache.hadoop.fs.Path> files) {
    List<org.apache.hadoop.fs.Path> parquet = new ArrayList<>();
    for (org.apache.hadoop.fs.Path file : files) {
      if (file.getName().endsWith(".parquet") && !file.getName().startsWith(".")) {
        parquet.add(file);
      }
    }
    return parquet;
  }
}
