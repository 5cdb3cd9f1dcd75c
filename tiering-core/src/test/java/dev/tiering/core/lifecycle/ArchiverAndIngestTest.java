package dev.tiering.core.lifecycle;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tiering.core.TableName;
import dev.tiering.core.TierLayout;
import dev.tiering.core.Zone;
import dev.tiering.core.routing.PartitionLayout;
import dev.tiering.core.routing.PathResolver;
import dev.tiering.core.storage.Storage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.Period;
import java.time.ZoneOffset;
import java.util.HexFormat;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ArchiverAndIngestTest {

  private static final Instant NOW = Instant.parse("2025-11-10T12:00:00Z");

  @TempDir Path base;
  private PathResolver paths;
  private final Clock clock = Clock.fixed(NOW, ZoneOffset.UTC);

  @BeforeEach
  void setUp() throws java.io.IOException {
    paths = new PathResolver(Storage.createRoots(TierLayout.under(base)));
  }

  private Path data(Zone zone, String table, LocalDate day, PartitionLayout layout)
      throws IOException {
    Path dir = Files.createDirectories(paths.partitionDir(zone, TableName.of(table), day, layout));
    Files.writeString(paths.schemaFile(zone, TableName.of(table)), "{\"sidecar\": true}");
    return Files.writeString(dir.resolve("part-" + day + ".parquet"), "rows of " + day);
  }

  @Test
  void oldPartitionsMoveToTheArchiveKeepingTheirPathsInEveryLayout() throws IOException {
    Path old = data(Zone.SILVER, "preds", LocalDate.of(2025, 8, 1), PartitionLayout.DATE_PATH);
    Path recent = data(Zone.SILVER, "preds", LocalDate.of(2025, 11, 1), PartitionLayout.DATE_PATH);
    Path oldHive = data(Zone.SILVER, "hived", LocalDate.of(2025, 7, 15), PartitionLayout.HIVE_DATE);
    Path gold =
        data(Zone.GOLD, "stats", LocalDate.of(2025, 1, 1), PartitionLayout.HIVE_YEAR_MONTH_DAY);
    RetentionPolicy policy = RetentionPolicy.none().lake(Zone.SILVER, Period.ofDays(90));

    LifecycleReport dry = new Archiver(paths, Storage.local(), clock).apply(policy).preview();
    assertThat(dry.actions(LifecycleReport.Verb.ARCHIVED)).hasSize(2);
    assertThat(old).exists();

    LifecycleReport report = new Archiver(paths, Storage.local(), clock).apply(policy).execute();

    assertThat(report.actions(LifecycleReport.Verb.ARCHIVED))
        .extracting(LifecycleReport.Action::path)
        .containsExactlyInAnyOrder(old, oldHive);
    assertThat(base.resolve("lake/archive/silver/preds/2025/08/01/part-2025-08-01.parquet"))
        .hasContent("rows of 2025-08-01");
    assertThat(base.resolve("lake/archive/silver/hived/date=2025-07-15/part-2025-07-15.parquet"))
        .exists();
    assertThat(base.resolve("lake/archive/silver/preds/schema.json"))
        .hasContent("{\"sidecar\": true}");
    assertThat(base.resolve("lake/clean/silver/preds/2025/08")).doesNotExist();
    assertThat(recent).exists();
    assertThat(gold).exists();
  }

  @Test
  void archiveRetentionDeletesOldArchivesButNeverBronzeWithoutOptIn() throws IOException {
    data(Zone.SILVER, "preds", LocalDate.of(2023, 1, 1), PartitionLayout.DATE_PATH);
    data(Zone.BRONZE, "raw_preds", LocalDate.of(2023, 1, 1), PartitionLayout.DATE_PATH);
    RetentionPolicy policy =
        RetentionPolicy.none()
            .lake(Zone.SILVER, Period.ofDays(30))
            .lake(Zone.BRONZE, Period.ofDays(30))
            .archive(Zone.SILVER, Period.ofYears(1))
            .archive(Zone.BRONZE, Period.ofYears(1));
    Archiver archiver = new Archiver(paths, Storage.local(), clock);

    LifecycleReport report = archiver.apply(policy).execute();

    assertThat(report.actions(LifecycleReport.Verb.DELETED))
        .singleElement()
        .satisfies(
            a -> assertThat(a.path().toString()).contains("/archive/silver/preds/2023/01/01/"));
    assertThat(report.actions(LifecycleReport.Verb.KEPT))
        .singleElement()
        .satisfies(a -> assertThat(a.detail()).contains("bronze is never deleted"));
    Path bronze = base.resolve("lake/archive/bronze/raw_preds/2023/01/01/part-2023-01-01.parquet");
    assertThat(bronze).exists();

    archiver.apply(policy.allowingBronzeDeletion()).execute();
    assertThat(bronze).doesNotExist();
  }

  @Test
  void rawInputIsCopiedWithASha256sumCompatibleChecksum(@TempDir Path inbox) throws Exception {
    Path input = Files.writeString(inbox.resolve("feed-001.csv"), "a,b\n1,2\n");
    RawIngestor ingestor = new RawIngestor(paths, Storage.local(), clock);

    LifecycleReport report = ingestor.ingest(input, TableName.of("sensor_feed")).execute();

    Path copy = base.resolve("lake/raw/sensor_feed/2025-11-10/feed-001.csv");
    assertThat(copy).hasSameTextualContentAs(input);
    String sha =
        HexFormat.of()
            .formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(input)));
    assertThat(copy.resolveSibling("feed-001.csv.sha256")).hasContent(sha + "  feed-001.csv");
    assertThat(report.actions(LifecycleReport.Verb.INGESTED)).hasSize(1);

    assertThat(
            ingestor
                .ingest(input, TableName.of("sensor_feed"))
                .execute()
                .actions(LifecycleReport.Verb.KEPT))
        .hasSize(1);
    Files.writeString(input, "different");
    assertThatThrownBy(() -> ingestor.ingest(input, TableName.of("sensor_feed")).execute())
        .hasMessageContaining("a different file named feed-001.csv was already ingested");
    Path hostile = Files.writeString(inbox.resolve("..hidden"), "x");
    assertThatThrownBy(() -> ingestor.ingest(hostile, TableName.of("sensor_feed")).execute())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("Invalid raw file name");
  }
}
