package dev.tiering.schema;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tiering.core.TableName;
import dev.tiering.core.TierLayout;
import dev.tiering.core.Zone;
import dev.tiering.core.routing.PathResolver;
import dev.tiering.core.storage.Storage;
import dev.tiering.core.testing.FaultyStorage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SidecarStoreTest {

  private static final Instant T0 = Instant.parse("2025-11-10T12:00:00Z");
  private static final TableName TABLE = TableName.of("slm_predictions");

  @TempDir Path base;
  private PathResolver paths;
  private SidecarStore store;
  private ExecutorService pool;

  @BeforeEach
  void setUp() throws java.io.IOException {
    paths = new PathResolver(Storage.createRoots(TierLayout.under(base)));
    store =
        new SidecarStore(
            paths,
            dev.tiering.core.storage.Storage.local(),
            Clock.fixed(T0.plusSeconds(3600), ZoneOffset.UTC));
    pool = Executors.newFixedThreadPool(8);
  }

  @AfterEach
  void tearDown() {
    pool.shutdownNow();
  }

  private static TableSchema.Builder v1() {
    return TableSchema.builder(Zone.SILVER, TABLE.value())
        .required("timestamp", FieldType.TIMESTAMP)
        .required("slm_id", FieldType.INT32)
        .required("prediction", FieldType.FLOAT64)
        .nullable("confidence", FieldType.FLOAT64)
        .partitionByDate()
        .createdAt(T0);
  }

  private static QualityMetrics metrics(long rows, long confidenceNulls) {
    return new QualityMetrics(
        1.0 - confidenceNulls / (4.0 * rows),
        null,
        T0,
        rows,
        Map.of("confidence", new QualityMetrics.FieldQuality(rows, confidenceNulls)),
        Map.of(),
        Map.of());
  }

  private Path schemaFile() {
    return paths.schemaFile(Zone.SILVER, TABLE);
  }

  @Test
  void firstCommitCreatesVersionOneWithHistory() throws IOException {
    SchemaSidecar committed =
        store.commit(v1().build(), metrics(100, 4), EvolutionPolicy.COMPATIBLE);

    assertThat(committed.schema().version()).isEqualTo(SchemaVersion.INITIAL);
    assertThat(schemaFile()).isRegularFile();
    assertThat(SchemaSidecar.read(schemaFile())).isEqualTo(committed);
    assertThat(store.versions(Zone.SILVER, TABLE)).containsExactly(SchemaVersion.INITIAL);
    assertThat(base.resolve("lake/clean/silver/slm_predictions/_schema_history/1.0.0.json"))
        .isRegularFile();
  }

  @Test
  void sameSchemaKeepsTheVersionAndMergesMetrics() throws IOException {
    store.commit(v1().build(), metrics(100, 4), EvolutionPolicy.COMPATIBLE);
    SchemaSidecar second =
        store.commit(
            v1().createdAt(T0.plusSeconds(99)).build(), metrics(300, 0), EvolutionPolicy.SAME);

    assertThat(second.schema().version()).isEqualTo(SchemaVersion.INITIAL);
    assertThat(second.schema().createdAt()).isEqualTo(T0);
    assertThat(second.quality().rowCount()).isEqualTo(400);
    assertThat(second.quality().fieldQuality().get("confidence"))
        .isEqualTo(new QualityMetrics.FieldQuality(400, 4));
    assertThat(store.versions(Zone.SILVER, TABLE)).hasSize(1);
  }

  @Test
  void compatibleChangeBumpsMinorAndKeepsTheOldVersionReadable() throws IOException {
    store.commit(v1().build(), null, EvolutionPolicy.COMPATIBLE);
    SchemaSidecar evolved =
        store.commit(
            v1().nullable("label", FieldType.STRING).build(), null, EvolutionPolicy.COMPATIBLE);

    assertThat(evolved.schema().version()).hasToString("1.1.0");
    assertThat(evolved.schema().createdAt()).isEqualTo(T0.plusSeconds(3600));
    assertThat(store.versions(Zone.SILVER, TABLE))
        .extracting(Object::toString)
        .containsExactly("1.0.0", "1.1.0");
    assertThat(
            store
                .readVersion(Zone.SILVER, TABLE, SchemaVersion.INITIAL)
                .orElseThrow()
                .schema()
                .fields())
        .hasSize(4);
  }

  @Test
  void historyAndSidecarAgreeAfterACrashBetweenTheirWrites() throws IOException {
    store.commit(v1().build(), null, EvolutionPolicy.COMPATIBLE);
    // The sidecar write of the next version fails as a crash would, after its history was written.
    dev.tiering.core.storage.Storage crashing =
        new dev.tiering.core.storage.ForwardingStorage(dev.tiering.core.storage.Storage.local()) {
          @Override
          public dev.tiering.core.storage.PendingFile create(
              Path target, dev.tiering.core.storage.WriteMode mode) throws IOException {
            if (target.equals(schemaFile())) {
              throw new IOException("killed (simulated) before the sidecar write");
            }
            return super.create(target, mode);
          }
        };
    SidecarStore dying =
        new SidecarStore(paths, crashing, Clock.fixed(T0.plusSeconds(3600), ZoneOffset.UTC));
    assertThatThrownBy(
            () ->
                dying.commit(
                    v1().nullable("column_a", FieldType.STRING).build(),
                    null,
                    EvolutionPolicy.COMPATIBLE))
        .hasMessageContaining("killed");
    assertThat(store.read(Zone.SILVER, TABLE).orElseThrow().schema().version())
        .isEqualTo(SchemaVersion.INITIAL);
    assertThat(store.versions(Zone.SILVER, TABLE)).containsExactly(SchemaVersion.INITIAL);

    SchemaSidecar next =
        store.commit(
            v1().nullable("column_b", FieldType.STRING).build(), null, EvolutionPolicy.COMPATIBLE);

    assertThat(next.schema().version()).hasToString("1.1.0");
    assertThat(next.schema().field("column_b")).isPresent();
    SchemaSidecar recorded =
        store.readVersion(Zone.SILVER, TABLE, next.schema().version()).orElseThrow();
    assertThat(recorded.schema().fields()).isEqualTo(next.schema().fields());
    assertThat(store.versions(Zone.SILVER, TABLE))
        .extracting(Object::toString)
        .containsExactly("1.0.0", "1.1.0");

    // A crashed patch-level change (a field moved: 1.1.1) never shows, even after 1.2.0 commits.
    TableSchema reordered = v1().nullable("column_b", FieldType.STRING).build();
    List<Field> moved = new ArrayList<>(reordered.fields());
    moved.add(moved.remove(0));
    assertThatThrownBy(
            () ->
                dying.commit(
                    new TableSchema(
                        reordered.table(),
                        reordered.zone(),
                        reordered.version(),
                        reordered.createdAt(),
                        moved,
                        reordered.partitionBy(),
                        Map.of(),
                        Map.of()),
                    null,
                    EvolutionPolicy.COMPATIBLE))
        .hasMessageContaining("killed");
    store.commit(
        v1().nullable("column_b", FieldType.STRING).nullable("column_c", FieldType.STRING).build(),
        null,
        EvolutionPolicy.COMPATIBLE);
    assertThat(store.versions(Zone.SILVER, TABLE))
        .extracting(Object::toString)
        .containsExactly("1.0.0", "1.1.0", "1.2.0");
  }

  @Test
  void refusedChangeLeavesTheSidecarByteForByte() throws IOException {
    store.commit(v1().build(), metrics(10, 0), EvolutionPolicy.COMPATIBLE);
    byte[] before = Files.readAllBytes(schemaFile());
    TableSchema s = v1().build();
    List<Field> fields = new ArrayList<>(s.fields());
    fields.set(1, Field.required("slm_id", FieldType.STRING));
    TableSchema incompatible =
        new TableSchema(
            s.table(),
            s.zone(),
            s.version(),
            s.createdAt(),
            fields,
            s.partitionBy(),
            Map.of(),
            Map.of());

    assertThatThrownBy(() -> store.commit(incompatible, metrics(10, 0), EvolutionPolicy.COMPATIBLE))
        .isInstanceOf(IncompatibleSchemaException.class)
        .hasMessageContaining("changed type of 'slm_id' from int32 to string [incompatible]");
    assertThatThrownBy(() -> store.check(incompatible, EvolutionPolicy.COMPATIBLE))
        .isInstanceOf(IncompatibleSchemaException.class);
    assertThat(Files.readAllBytes(schemaFile())).isEqualTo(before);

    assertThat(store.commit(incompatible, null, EvolutionPolicy.NEW_MAJOR).schema().version())
        .hasToString("2.0.0");
  }

  @Test
  void unknownKeysOfTheStoredSidecarSurviveACommit() throws IOException {
    Files.createDirectories(schemaFile().getParent());
    Files.writeString(
        schemaFile(),
        SidecarFormatTest.seedDocument()
            .replace("\"zone\": \"silver\",", "\"zone\": \"silver\", \"owner\": \"ml-platform\","));
    TableSchema seedSchema = SchemaSidecar.read(schemaFile()).schema();

    SchemaSidecar committed = store.commit(seedSchema, metrics(50, 0), EvolutionPolicy.SAME);

    assertThat(committed.schema().version()).hasToString("1.2.0");
    assertThat(Files.readString(schemaFile())).contains("\"owner\": \"ml-platform\"");
    assertThat(committed.quality().rowCount()).isEqualTo(50);
  }

  @Test
  void aFailedSidecarWriteLeavesTheOldSidecarWholeAndNoTemporaryFile() throws IOException {
    FaultyStorage faulty = new FaultyStorage();
    SidecarStore faultyStore = new SidecarStore(paths, faulty, Clock.systemUTC());
    faultyStore.commit(v1().build(), metrics(10, 0), EvolutionPolicy.COMPATIBLE);
    byte[] before = Files.readAllBytes(schemaFile());

    faulty.failWritesAfter(100);
    assertThatThrownBy(() -> faultyStore.commit(v1().build(), metrics(10, 0), EvolutionPolicy.SAME))
        .hasMessageContaining("No space left on device (injected)");
    faulty.heal().failCommits(1);
    assertThatThrownBy(() -> faultyStore.commit(v1().build(), metrics(10, 0), EvolutionPolicy.SAME))
        .hasMessageContaining("Commit failed (injected)");

    assertThat(Files.readAllBytes(schemaFile())).isEqualTo(before);
    try (Stream<Path> files = Files.list(schemaFile().getParent())) {
      assertThat(files.map(p -> p.getFileName().toString()))
          .containsExactlyInAnyOrder("schema.json", "_schema_history", ".schema.json.lock");
    }
  }

  @Test
  void concurrentWritersWithTheSameSchemaDoNotFight() throws Exception {
    int writers = 8;
    int commitsEach = 10;
    CyclicBarrier start = new CyclicBarrier(writers);
    List<Future<?>> futures = new ArrayList<>();
    for (int w = 0; w < writers; w++) {
      futures.add(
          pool.submit(
              (Callable<Void>)
                  () -> {
                    start.await(10, TimeUnit.SECONDS);
                    for (int i = 0; i < commitsEach; i++) {
                      store.commit(v1().build(), metrics(10, 1), EvolutionPolicy.SAME);
                    }
                    return null;
                  }));
    }
    for (Future<?> f : futures) {
      f.get(60, TimeUnit.SECONDS);
    }
    SchemaSidecar last = SchemaSidecar.read(schemaFile());
    assertThat(last.schema().version()).isEqualTo(SchemaVersion.INITIAL);
    assertThat(last.quality().rowCount()).isEqualTo(writers * ((long) commitsEach) * 10L);
    assertThat(last.quality().fieldQuality().get("confidence").nulls())
        .isEqualTo(writers * ((long) commitsEach));
  }

  @Test
  void concurrentWritersWithIncompatibleSchemasExactlyOneWins() throws Exception {
    for (int round = 0; round < 20; round++) {
      TableName table = TableName.of("race_" + round);
      TableSchema asInt =
          TableSchema.builder(Zone.GOLD, table.value()).required("id", FieldType.INT64).build();
      TableSchema asText =
          TableSchema.builder(Zone.GOLD, table.value()).required("id", FieldType.STRING).build();
      CyclicBarrier start = new CyclicBarrier(2);
      List<Future<SchemaSidecar>> results = new ArrayList<>();
      for (TableSchema schema : List.of(asInt, asText)) {
        results.add(
            pool.submit(
                () -> {
                  start.await(10, TimeUnit.SECONDS);
                  return store.commit(schema, null, EvolutionPolicy.COMPATIBLE);
                }));
      }
      int won = 0;
      int refused = 0;
      for (Future<SchemaSidecar> result : results) {
        try {
          result.get(30, TimeUnit.SECONDS);
          won++;
        } catch (java.util.concurrent.ExecutionException e) {
          assertThat(e.getCause())
              .isInstanceOf(IncompatibleSchemaException.class)
              .hasMessageContaining("changed type of 'id'");
          refused++;
        }
      }
      assertThat(won).as("round %d", round).isEqualTo(1);
      assertThat(refused).isEqualTo(1);
      assertThat(store.read(Zone.GOLD, table).orElseThrow().schema().version())
          .isEqualTo(SchemaVersion.INITIAL);
    }
  }

  @Test
  void aFifoAsSchemaJsonIsNamedAFifoAndNeverOpened() throws Exception {
    Path sidecar = paths.schemaFile(Zone.SILVER, TABLE);
    Files.createDirectories(sidecar.getParent());
    assertThat(new ProcessBuilder("mkfifo", sidecar.toString()).start().waitFor()).isZero();

    assertThatThrownBy(() -> store.read(Zone.SILVER, TABLE))
        .isInstanceOf(MalformedSidecarException.class)
        .hasMessageContaining(
            "it is a FIFO (named pipe), not a file (the SDK never reads a sidecar through a link)");
  }
}
