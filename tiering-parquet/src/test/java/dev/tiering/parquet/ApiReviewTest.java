package dev.tiering.parquet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.tiering.Tiering;
import dev.tiering.core.BatchId;
import dev.tiering.core.SlmId;
import dev.tiering.core.TableName;
import dev.tiering.core.TierLayout;
import dev.tiering.core.Zone;
import dev.tiering.core.lifecycle.LifecycleReport;
import dev.tiering.core.routing.PathResolver;
import dev.tiering.core.storage.ForwardingStorage;
import dev.tiering.core.storage.Storage;
import dev.tiering.schema.FieldType;
import dev.tiering.schema.RowView;
import dev.tiering.schema.TableSchema;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Records, strict getters, lifecycle plans and the entry point as an adversarial review tried them:
 * each test states a guarantee; seven failed before their fixes.
 */
class ApiReviewTest {

  @TempDir Path base;

  PathResolver paths() throws java.io.IOException {
    return new PathResolver(Storage.createRoots(TierLayout.under(base)));
  }

  StagingWriter staging() throws java.io.IOException {
    return StagingWriter.builder(paths()).build();
  }

  static void show(String label, Throwable t) {
    // The reviewer printed here; the assertions that follow say what must hold.
  }

  static Map<String, String> tree(Path root) throws IOException {
    Map<String, String> out = new TreeMap<>();
    if (!Files.exists(root)) {
      return out;
    }
    try (Stream<Path> all = Files.walk(root)) {
      for (Path p : (Iterable<Path>) all::iterator) {
        out.put(
            root.relativize(p).toString(),
            Files.isDirectory(p)
                ? "dir"
                : Files.size(p) + "@" + Files.getLastModifiedTime(p).toMillis());
      }
    }
    return out;
  }

  static long openFds() throws IOException {
    try (Stream<Path> s = Files.list(Path.of("/proc/self/fd"))) {
      return s.count();
    }
  }

  // ---------------------------------------------------------------- 1. records

  record Dup(long inputId, long input_id) {}

  @Test
  void r01_twoComponentsSameSnakeName() {
    Throwable t =
        catchThrowable(
            () ->
                staging()
                    .writeIntermediate(
                        SlmId.of(1), BatchId.of("b1"), Dup.class, List.of(new Dup(1, 2))));
    show("dup snake", t);
    assertThat(t).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("input_id");
    assertThat(base.resolve("hot"))
        .satisfies(
            p ->
                assertThat(tree(p).keySet().stream().filter(k -> k.endsWith(".parquet")).toList())
                    .isEmpty());
  }

  record WithDate(LocalDate date, long id) {}

  @Test
  void r02_componentNamedDate() throws Exception {
    LakeWriter lake = LakeWriter.builder(paths()).build();
    Throwable t =
        catchThrowable(
            () ->
                lake.writeCleanData(
                    Zone.SILVER,
                    "dated",
                    WithDate.class,
                    List.of(new WithDate(LocalDate.of(2020, 1, 2), 1))));
    show("date component", t);
    if (t == null) {
      try (Stream<WithDate> s =
          new LakeReader(paths()).read(Zone.SILVER, "dated", WithDate.class)) {
        assertThat(s.toList()).containsExactly(new WithDate(LocalDate.of(2020, 1, 2), 1));
      }
    } else {
      assertThat(t).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("date");
      assertThat(tree(base.resolve("lake")).keySet()).noneMatch(k -> k.endsWith(".parquet"));
    }
  }

  record Empty() {}

  @Test
  void r03_emptyRecord() throws Exception {
    Throwable t =
        catchThrowable(
            () ->
                staging()
                    .writeIntermediate(
                        SlmId.of(1),
                        BatchId.of("e"),
                        Empty.class,
                        List.of(new Empty(), new Empty(), new Empty())));
    show("empty staging", t);
    if (t == null) {
      try (Stream<Empty> s = staging().readBatch(BatchId.of("e"), Empty.class)) {
        assertThat(s.count()).as("rows of an empty record read back").isEqualTo(3);
      }
    }
    Throwable l =
        catchThrowable(
            () ->
                LakeWriter.builder(paths())
                    .build()
                    .writeCleanData(
                        Zone.SILVER, "empties", Empty.class, List.of(new Empty(), new Empty())));
    show("empty lake", l);
    if (l == null) {
      try (Stream<Empty> s = new LakeReader(paths()).read(Zone.SILVER, "empties", Empty.class)) {
        assertThat(s.count()).isEqualTo(2);
      }
    }
  }

  record Wide200(
      int c0,
      String s1,
      int c2,
      String s3,
      int c4,
      String s5,
      int c6,
      String s7,
      int c8,
      String s9,
      int c10,
      String s11,
      int c12,
      String s13,
      int c14,
      String s15,
      int c16,
      String s17,
      int c18,
      String s19,
      int c20,
      String s21,
      int c22,
      String s23,
      int c24,
      String s25,
      int c26,
      String s27,
      int c28,
      String s29,
      int c30,
      String s31,
      int c32,
      String s33,
      int c34,
      String s35,
      int c36,
      String s37,
      int c38,
      String s39,
      int c40,
      String s41,
      int c42,
      String s43,
      int c44,
      String s45,
      int c46,
      String s47,
      int c48,
      String s49,
      int c50,
      String s51,
      int c52,
      String s53,
      int c54,
      String s55,
      int c56,
      String s57,
      int c58,
      String s59,
      int c60,
      String s61,
      int c62,
      String s63,
      int c64,
      String s65,
      int c66,
      String s67,
      int c68,
      String s69,
      int c70,
      String s71,
      int c72,
      String s73,
      int c74,
      String s75,
      int c76,
      String s77,
      int c78,
      String s79,
      int c80,
      String s81,
      int c82,
      String s83,
      int c84,
      String s85,
      int c86,
      String s87,
      int c88,
      String s89,
      int c90,
      String s91,
      int c92,
      String s93,
      int c94,
      String s95,
      int c96,
      String s97,
      int c98,
      String s99,
      int c100,
      String s101,
      int c102,
      String s103,
      int c104,
      String s105,
      int c106,
      String s107,
      int c108,
      String s109,
      int c110,
      String s111,
      int c112,
      String s113,
      int c114,
      String s115,
      int c116,
      String s117,
      int c118,
      String s119,
      int c120,
      String s121,
      int c122,
      String s123,
      int c124,
      String s125,
      int c126,
      String s127,
      int c128,
      String s129,
      int c130,
      String s131,
      int c132,
      String s133,
      int c134,
      String s135,
      int c136,
      String s137,
      int c138,
      String s139,
      int c140,
      String s141,
      int c142,
      String s143,
      int c144,
      String s145,
      int c146,
      String s147,
      int c148,
      String s149,
      int c150,
      String s151,
      int c152,
      String s153,
      int c154,
      String s155,
      int c156,
      String s157,
      int c158,
      String s159,
      int c160,
      String s161,
      int c162,
      String s163,
      int c164,
      String s165,
      int c166,
      String s167,
      int c168,
      String s169,
      int c170,
      String s171,
      int c172,
      String s173,
      int c174,
      String s175,
      int c176,
      String s177,
      int c178,
      String s179,
      int c180,
      String s181,
      int c182,
      String s183,
      int c184,
      String s185,
      int c186,
      String s187,
      int c188,
      String s189,
      int c190,
      String s191,
      int c192,
      String s193,
      int c194,
      String s195,
      int c196,
      String s197,
      int c198,
      String s199) {}

  @Test
  void r04_wideLocalGenericNested() throws Exception {
    Object[] args = new Object[200];
    for (int i = 0; i < 200; i++) {
      args[i] = i % 2 == 0 ? (Object) i : "v" + i;
    }
    Class<?>[] types = new Class<?>[200];
    for (int i = 0; i < 200; i++) {
      types[i] = i % 2 == 0 ? int.class : String.class;
    }
    Wide200 w = Wide200.class.getDeclaredConstructor(types).newInstance(args);
    staging().writeIntermediate(SlmId.of(1), BatchId.of("w"), Wide200.class, List.of(w, w));
    try (Stream<Wide200> s = staging().readBatch(BatchId.of("w"), Wide200.class)) {
      assertThat(s.toList()).containsExactly(w, w);
    }
    record Local(long id, String name) {}
    staging()
        .writeIntermediate(SlmId.of(1), BatchId.of("l"), Local.class, List.of(new Local(1, "x")));
    try (Stream<Local> s = staging().readBatch(BatchId.of("l"), Local.class)) {
      assertThat(s.toList()).containsExactly(new Local(1, "x"));
    }
    Throwable g =
        catchThrowable(
            () ->
                staging()
                    .writeIntermediate(
                        SlmId.of(1), BatchId.of("g"), Box.class, List.of(new Box<>("x"))));
    show("generic Box<T>", g);
    assertThat(g).isInstanceOf(IllegalArgumentException.class);
  }

  record Box<T>(T value) {}

  record Raw(long v, String s) {}

  record Positive(long v, String s) {
    Positive {
      if (v < 0) {
        throw new IllegalArgumentException("v must be >= 0");
      }
    }
  }

  @Test
  void r05_compactConstructorThrowsOnRead() throws Exception {
    staging()
        .writeIntermediate(
            SlmId.of(1),
            BatchId.of("c"),
            Raw.class,
            List.of(new Raw(1, "a"), new Raw(-5, "b"), new Raw(2, "c")));
    long before = openFds();
    for (int i = 0; i < 30; i++) {
      Throwable t;
      try (Stream<Positive> s = staging().readBatch(BatchId.of("c"), Positive.class)) {
        t = catchThrowable(s::toList);
      }
      if (i == 0) {
        show("ctor throws on read", t);
      }
    }
    assertThat(openFds()).isLessThanOrEqualTo(before + 2);
  }

  record NullableV(Long v, String s) {}

  record PrimV(long v, String s) {}

  record ReqS(long v, @Column(required = true) String s) {}

  @Test
  void r06_nullIntoPrimitiveAndIntoRequiredBoxed() throws Exception {
    staging()
        .writeIntermediate(
            SlmId.of(1), BatchId.of("n"), NullableV.class, List.of(new NullableV(null, null)));
    Throwable t;
    try (Stream<PrimV> s = staging().readBatch(BatchId.of("n"), PrimV.class)) {
      t = catchThrowable(s::toList);
    }
    show("null into primitive", t);
    assertThat(t).hasMessageContaining("'v'");
    staging()
        .writeIntermediate(
            SlmId.of(1), BatchId.of("n2"), NullableV.class, List.of(new NullableV(1L, null)));
    Throwable r;
    try (Stream<ReqS> s = staging().readBatch(BatchId.of("n2"), ReqS.class)) {
      r = catchThrowable(s::toList);
    }
    show("null into required String", r);
    assertThat(r).hasMessageContaining("'s'").hasMessageNotContaining("primitive");
  }

  @SuppressWarnings("ArrayRecordComponent") // byte[] columns are what is tested.
  record Exact(
      Instant ts,
      double d,
      float f,
      String s,
      byte[] b,
      @Column(precision = 20, scale = 4) BigDecimal dec,
      LocalDate day,
      Boolean bo,
      Integer in) {}

  @Test
  void r07_roundTripExactness() throws Exception {
    List<Exact> rows =
        List.of(
            new Exact(
                Instant.parse("1969-12-31T23:59:59.999999Z"),
                Double.NaN,
                Float.NaN,
                "",
                new byte[0],
                new BigDecimal("12.3456"),
                LocalDate.of(1, 1, 1),
                null,
                null),
            new Exact(
                Instant.parse("2262-04-11T23:47:16.854775Z"),
                Double.NEGATIVE_INFINITY,
                Float.POSITIVE_INFINITY,
                "h\u00e9\u4e16\ud83d\ude00\u0000",
                new byte[] {0, -1, 127},
                new BigDecimal("-9999999999999999.9999"),
                LocalDate.of(9999, 12, 31),
                true,
                Integer.MIN_VALUE),
            new Exact(null, -0.0, -0.0f, null, null, null, null, false, 0));
    StagingWriter nonFinite =
        StagingWriter.builder(paths())
            .settings(WriterSettings.staging().toBuilder().allowNonFinite(true).build())
            .build();
    nonFinite.writeIntermediate(SlmId.of(1), BatchId.of("x"), Exact.class, rows);
    List<Exact> back;
    try (Stream<Exact> s = nonFinite.readBatch(BatchId.of("x"), Exact.class)) {
      back = s.toList();
    }
    assertThat(back).hasSize(3);
    for (int i = 0; i < 3; i++) {
      Exact a = rows.get(i);
      Exact b = back.get(i);
      assertThat(b.ts()).isEqualTo(a.ts());
      assertThat(Double.compare(b.d(), a.d())).as("double %s", a.d()).isZero();
      assertThat(Float.compare(b.f(), a.f())).as("float %s", a.f()).isZero();
      assertThat(b.s()).isEqualTo(a.s());
      assertThat(b.b()).isEqualTo(a.b());
      assertThat(b.dec()).isEqualTo(a.dec());
      assertThat(b.day()).isEqualTo(a.day());
      assertThat(b.bo()).isEqualTo(a.bo());
      assertThat(b.in()).isEqualTo(a.in());
    }
  }

  record Txt(String s) {}

  @Test
  void r08_loneSurrogateIsNotSilentlyReplaced() throws Exception {
    String bad = "a\ud800b";
    Throwable t =
        catchThrowable(
            () ->
                staging()
                    .writeIntermediate(
                        SlmId.of(1), BatchId.of("u"), Txt.class, List.of(new Txt(bad))));
    show("lone surrogate write", t);
    if (t == null) {
      try (Stream<Txt> s = staging().readBatch(BatchId.of("u"), Txt.class)) {
        List<Txt> back = s.toList();
        assertThat(back)
            .as("written without error, must read back equal")
            .containsExactly(new Txt(bad));
      }
    }
  }

  record Money(@Column(precision = 20, scale = 4) BigDecimal amount) {}

  @Test
  void r09_decimalScaleAndPrecision() throws Exception {
    staging()
        .writeIntermediate(
            SlmId.of(1), BatchId.of("m"), Money.class, List.of(new Money(new BigDecimal("12.5"))));
    try (Stream<Money> s = staging().readBatch(BatchId.of("m"), Money.class)) {}
    Throwable t =
        catchThrowable(
            () ->
                staging()
                    .writeIntermediate(
                        SlmId.of(1),
                        BatchId.of("m2"),
                        Money.class,
                        List.of(new Money(new BigDecimal("1.23456")))));
    show("scale 5 into scale 4", t);
    assertThat(t).isNotNull();
  }

  record Full(long a, String b, double c) {}

  record Sub(double c, long a) {}

  record Renamed(long a, String name) {}

  @Test
  void r10_fewerColumnsAnyOrderAndWrongShape() throws Exception {
    staging()
        .writeIntermediate(
            SlmId.of(1), BatchId.of("f"), Full.class, List.of(new Full(1, "x", 0.5)));
    staging()
        .writeCrosscheck(
            SlmId.of(2), BatchId.of("f"), Full.class, List.of(new Full(9, "crosscheck", 9.9)));
    try (Stream<Sub> s = staging().readBatch(BatchId.of("f"), Sub.class)) {
      assertThat(s.toList()).containsExactly(new Sub(0.5, 1));
    }
    try (Stream<Sub> s = staging().readBatch(BatchId.of("none"), Sub.class)) {
      assertThat(s.toList()).isEmpty();
    }
    LakeWriter.builder(paths())
        .build()
        .writeCleanData(Zone.SILVER, "full", Full.class, List.of(new Full(1, "x", 0.5)));
    try (Stream<Sub> s = new LakeReader(paths()).read(Zone.SILVER, "full", Sub.class)) {
      assertThat(s.toList()).containsExactly(new Sub(0.5, 1));
    }
    Throwable lake =
        catchThrowable(
            () -> {
              try (Stream<Renamed> s =
                  new LakeReader(paths()).read(Zone.SILVER, "full", Renamed.class)) {
                s.toList();
              }
            });
    show("lake read with a column the table lacks", lake);
    Throwable stag;
    try (Stream<Renamed> s = staging().readBatch(BatchId.of("f"), Renamed.class)) {
      stag = catchThrowable(s::toList);
    } catch (RuntimeException e) {
      stag = e;
    }
    show("staging read with a column the files lack", stag);
    assertThat(stag)
        .as(
            "readBatch must refuse a record whose column 'name' no file has, as"
                + " LakeReader.read does")
        .isNotNull();
  }

  @SuppressWarnings("ArrayRecordComponent") // byte[] columns are what is tested.
  record Bin(long id, byte[] b) {}

  @Test
  void r11_getBytesSharedBetweenRows() throws Exception {
    List<Bin> rows = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      rows.add(new Bin(i, new byte[] {1, 2, 3}));
    }
    staging().writeIntermediate(SlmId.of(1), BatchId.of("bb"), Bin.class, rows);
    List<Bin> back;
    try (Stream<Bin> s = staging().readBatch(BatchId.of("bb"), Bin.class)) {
      back = s.toList();
    }
    back.get(0).b()[0] = 99;
    assertThat(back.get(5).b()).containsExactly(1, 2, 3);
  }

  @Test
  void r12_earlyCloseLeaksNothing() throws Exception {
    LakeWriter lake = LakeWriter.builder(paths()).build();
    List<Full> rows = new ArrayList<>();
    for (int i = 0; i < 200; i++) {
      rows.add(new Full(i, "r" + i, i));
    }
    lake.writeCleanData(Zone.SILVER, "many", Full.class, rows);
    lake.writeCleanData(Zone.SILVER, "many", Full.class, rows);
    LakeReader reader = new LakeReader(paths());
    try (Stream<Full> s = reader.read(Zone.SILVER, "many", Full.class)) {
      assertThat(s.findFirst()).isPresent();
    }
    long before = openFds();
    for (int i = 0; i < 50; i++) {
      try (Stream<Full> s = reader.read(Zone.SILVER, "many", Full.class)) {
        assertThat(s.findFirst()).isPresent();
      }
      try (Stream<Sub> s = reader.read(Zone.SILVER, "many", Sub.class)) {
        // A mapping failure mid-stream: closing the stream must still release the files.
        Stream<Sub> failing =
            s.map(
                x -> {
                  if (x.a() == 3) {
                    throw new IllegalStateException("boom");
                  }
                  return x;
                });
        assertThatThrownBy(failing::toList).hasMessage("boom");
      }
    }
    assertThat(openFds()).isLessThanOrEqualTo(before + 2);
  }

  record Odd(@Column(name = "Bad Name") long v) {}

  record TooPrecise(@Column(precision = 50, scale = 2) BigDecimal v) {}

  record PrecisionOnLong(@Column(precision = 5, scale = 2) long v) {}

  record Shorty(short v) {}

  @Test
  void r13_annotationEdges() {
    show(
        "bad column name",
        catchThrowable(
            () ->
                staging()
                    .writeIntermediate(
                        SlmId.of(1), BatchId.of("o"), Odd.class, List.of(new Odd(1)))));
    show(
        "precision 50",
        catchThrowable(
            () ->
                staging()
                    .writeIntermediate(
                        SlmId.of(1),
                        BatchId.of("o"),
                        TooPrecise.class,
                        List.of(new TooPrecise(BigDecimal.ONE)))));
    show(
        "precision on long",
        catchThrowable(
            () ->
                staging()
                    .writeIntermediate(
                        SlmId.of(1),
                        BatchId.of("o"),
                        PrecisionOnLong.class,
                        List.of(new PrecisionOnLong(1)))));
    show(
        "short",
        catchThrowable(
            () ->
                staging()
                    .writeIntermediate(
                        SlmId.of(1),
                        BatchId.of("o"),
                        Shorty.class,
                        List.of(new Shorty((short) 1)))));
  }

  record Wrong(long a, String b, float c) {}

  @Test
  void r14_lakeReadWithWrongComponentTypeFailsBeforeRows() throws Exception {
    LakeWriter.builder(paths())
        .build()
        .writeCleanData(Zone.SILVER, "full2", Full.class, List.of(new Full(1, "x", 0.5)));
    Throwable atOpen =
        catchThrowable(
            () -> new LakeReader(paths()).read(Zone.SILVER, "full2", Wrong.class).close());
    show("float component over float64 column, at read()", atOpen);
    Throwable atRow =
        catchThrowable(
            () -> {
              try (Stream<Wrong> s =
                  new LakeReader(paths()).read(Zone.SILVER, "full2", Wrong.class)) {
                s.toList();
              }
            });
    show("float component over float64 column, on first row", atRow);
    assertThat(atOpen).as("type mismatch found when the stream is made").isNotNull();
  }

  // ---------------------------------------------------------------- 2. readers

  @Test
  void g01_widenedFilesAndGetterChecks() throws Exception {
    TableSchema narrow =
        TableSchema.builder(Zone.SILVER, "n")
            .nullable("i", FieldType.INT32)
            .nullable("f", FieldType.FLOAT32)
            .nullable("d", FieldType.decimal(10, 2))
            .build();
    WriteResult w =
        staging()
            .writeIntermediate(
                SlmId.of(1),
                BatchId.of("wd"),
                narrow,
                List.of(
                    Map.of("i", -7, "f", 0.1f, "d", new BigDecimal("1.25")),
                    java.util.Collections.singletonMap("i", null)));
    TableSchema wide =
        TableSchema.builder(Zone.SILVER, "n")
            .nullable("i", FieldType.INT64)
            .nullable("f", FieldType.FLOAT64)
            .nullable("d", FieldType.decimal(10, 2))
            .nullable("added", FieldType.STRING)
            .build();
    try (ParquetRowReader r = ParquetRowReader.open(w.file(), wide)) {
      show("getInt before next", catchThrowable(() -> r.getInt(0)));
      show("isNull before next", catchThrowable(() -> r.isNull(0)));
      assertThat(r.next()).isTrue();
      assertThat(r.getLong("i")).isEqualTo(-7L);
      assertThat(r.getInt("i")).isEqualTo(-7);
      assertThat(r.get(0)).isEqualTo(-7L);
      assertThat(r.getDouble("f")).isEqualTo((double) 0.1f);
      assertThat(r.get(1)).isEqualTo((double) 0.1f);
      show("getFloat on widened float", catchThrowable(() -> r.getFloat("f")));
      assertThat(r.get(2)).isEqualTo(new BigDecimal("1.25"));
      assertThat(r.getString("added")).isNull();
      show("getLong on decimal", catchThrowable(() -> r.getLong("d")));
      show("getDouble on int", catchThrowable(() -> r.getDouble("i")));
      show("getInt(99)", catchThrowable(() -> r.getInt(99)));
      show("getInt(missing)", catchThrowable(() -> r.getInt("missing")));
      assertThat(r.next()).isTrue();
      show("getLong null", catchThrowable(() -> r.getLong("i")));
      assertThat(r.getDouble("f")).isNaN();
      assertThat(r.next()).isFalse();
      show("getString after end", catchThrowable(() -> r.getString("added")));
      assertThat(r.next()).isFalse();
    }
    ParquetRowReader closed = ParquetRowReader.open(w.file(), wide);
    closed.next();
    closed.close();
    show("get after close", catchThrowable(() -> closed.get(0)));
    show("next after close", catchThrowable(closed::next));
  }

  @Test
  void g02_unsignedColumnsFromOtherWritersAreNotReadAsNegative() throws Exception {
    Path file = base.resolve("u.parquet");
    ReaderNativeContextsTest.execute(
        "COPY (SELECT 4000000000::UINTEGER AS u,"
            + " 18000000000000000000::UBIGINT AS ub) TO "
            + Duck.literal(file)
            + " (FORMAT parquet, COMPRESSION zstd)");
    TableSchema schema =
        TableSchema.builder(Zone.SILVER, "u")
            .nullable("u", FieldType.INT64)
            .nullable("ub", FieldType.INT64)
            .build();
    Throwable t = null;
    long u = 0;
    long ub = 0;
    try (ParquetRowReader r = ParquetRowReader.open(file, schema)) {
      r.next();
      u = r.getLong("u");
      ub = r.getLong("ub");
    } catch (IOException | RuntimeException e) {
      t = e;
    }
    show("unsigned read", t);
    if (t == null) {
      assertThat(u).isEqualTo(4_000_000_000L);
      assertThat(ub).isPositive();
    }
  }

  @Test
  void g03_rowViewDefaults() {
    TableSchema s =
        TableSchema.builder(Zone.SILVER, "q")
            .nullable("score", FieldType.FLOAT64)
            .nullable("n", FieldType.INT32)
            .nullable("f", FieldType.FLOAT32)
            .build();
    RowView v = RowView.of(s, new Object[] {0.5, 3, 1.5f});
    show("RowView getLong on double", catchThrowable(() -> v.getLong("score")));
    assertThat(v.getLong("n")).isEqualTo(3);
    assertThat(v.getDouble("f")).isEqualTo(1.5);
    RowView nulls = RowView.of(s, new Object[] {null, null, null});
    assertThat(nulls.getDouble("score")).isNaN();
    show("RowView getLong null", catchThrowable(() -> nulls.getLong("n")));
    show("RowView get(7)", catchThrowable(() -> v.get(7)));
    show("RowView getDouble(7)", catchThrowable(() -> v.getDouble(7)));
  }

  // ---------------------------------------------------------------- 3. lifecycle plans

  @Test
  void p01_validationIsEarly() throws java.io.IOException {
    Tiering t = Tiering.builder().layout(Storage.createRoots(TierLayout.under(base))).build();
    show("keepRecent -1", catchThrowable(() -> t.janitor().cleanupOldBatches(-1)));
    show("cleanupBatch(null)", catchThrowable(() -> t.janitor().cleanupBatch(null)));
    Throwable ingest =
        catchThrowable(() -> t.ingestor().ingest(base.resolve("x.sha256"), TableName.of("src")));
    show("ingest(x.sha256) at plan", ingest);
    Throwable promote = catchThrowable(() -> t.cache().promote(base.resolve("elsewhere")));
    show("promote(outside lake) at plan", promote);
    Throwable archive = catchThrowable(() -> t.archiver().apply(null));
    show("archiver.apply(null) at plan", archive);
    Throwable compact = catchThrowable(() -> t.compactor().compact(null, null));
    show("compact(null,null) at plan", compact);
    assertThat(
            List.of(
                ingest == null ? "ingest" : "",
                promote == null ? "promote" : "",
                archive == null ? "archive" : "",
                compact == null ? "compact" : ""))
        .as("plans whose documented argument errors surface only at preview/execute")
        .containsOnly("");
  }

  @Test
  void p02_previewChangesNothingAndPlansSeeDiskAtExecution() throws Exception {
    Tiering t = Tiering.builder().layout(Storage.createRoots(TierLayout.under(base))).build();
    LakeWriter lake = t.lake();
    lake.writeCleanData(Zone.SILVER, "t", Full.class, List.of(new Full(1, "a", 1)));
    lake.writeCleanData(Zone.SILVER, "t", Full.class, List.of(new Full(2, "b", 2)));
    t.staging()
        .writeIntermediate(SlmId.of(1), BatchId.of("b1"), Full.class, List.of(new Full(1, "a", 1)));
    Path input = base.resolve("in.csv");
    Files.writeString(input, "a,b\n1,2\n");
    Path table = t.paths().tableDir(Zone.SILVER, TableName.of("t"));
    Map<String, String> before = tree(base);
    List<LifecycleReport> previews = new ArrayList<>();
    previews.add(t.janitor().cleanupBatch(BatchId.of("b1")).preview());
    previews.add(t.janitor().cleanupOldBatches(0).preview());
    previews.add(t.cache().promote(table).preview());
    previews.add(t.cache().evict(table).preview());
    previews.add(t.cache().verify().preview());
    previews.add(t.cache().removeOrphans().preview());
    previews.add(
        t.archiver()
            .apply(
                dev.tiering.core.lifecycle.RetentionPolicy.none()
                    .lake(Zone.SILVER, java.time.Period.ofDays(0)))
            .preview());
    previews.add(t.ingestor().ingest(input, TableName.of("src")).preview());
    previews.add(
        Compactor.builder(t.paths())
            .minCommitAge(Duration.ZERO)
            .build()
            .compact(Zone.SILVER, TableName.of("t"))
            .preview());
    assertThat(previews).allMatch(LifecycleReport::dryRun);
    Map<String, String> after = tree(base);
    Map<String, String> diff = new TreeMap<>();
    after.forEach(
        (k, v) -> {
          if (!v.equals(before.get(k))) {
            diff.put("+" + k, v);
          }
        });
    before.forEach(
        (k, v) -> {
          if (!after.containsKey(k)) {
            diff.put("-" + k, v);
          }
        });
    assertThat(diff).as("files a preview changed").isEmpty();

    var plan = t.janitor().cleanupBatch(BatchId.of("b1"));
    assertThat(plan.preview().removedFiles()).isEqualTo(1);
    t.staging()
        .writeIntermediate(SlmId.of(2), BatchId.of("b1"), Full.class, List.of(new Full(1, "a", 1)));
    assertThat(plan.execute().removedFiles()).isEqualTo(2);
  }

  // ---------------------------------------------------------------- 4. Tiering

  @Test
  void t01_compactorUsesTheTieringClock() throws Exception {
    // The clock is a day behind: commits are stamped yesterday by Tiering's sidecars, and a
    // compactor on that clock sees them as just made (younger than the 10 minute minimum age).
    Clock behind = Clock.offset(Clock.systemUTC(), Duration.ofDays(-1));
    Tiering t =
        Tiering.builder().layout(Storage.createRoots(TierLayout.under(base))).clock(behind).build();
    t.lake().writeCleanData(Zone.SILVER, "c", Full.class, List.of(new Full(1, "a", 1)));
    t.lake().writeCleanData(Zone.SILVER, "c", Full.class, List.of(new Full(2, "b", 2)));
    LifecycleReport r = t.compactor().compact(Zone.SILVER, TableName.of("c")).execute();
    assertThat(r.actions(LifecycleReport.Verb.COMPACTED))
        .as("files compacted although, on the" + " Tiering clock, their commits are seconds old")
        .isEmpty();
  }

  @Test
  void t02_servicesUseTheGivenStorage() throws Exception {
    AtomicInteger calls = new AtomicInteger();
    Storage watched =
        new ForwardingStorage(Storage.local()) {
          @Override
          public List<dev.tiering.core.storage.FileEntry> list(Path dir) throws IOException {
            calls.incrementAndGet();
            return super.list(dir);
          }

          @Override
          public java.util.Optional<dev.tiering.core.storage.FileEntry> stat(Path path)
              throws IOException {
            calls.incrementAndGet();
            return super.stat(path);
          }

          @Override
          public java.nio.channels.SeekableByteChannel openChannel(Path file) throws IOException {
            calls.incrementAndGet();
            return super.openChannel(file);
          }

          @Override
          public java.io.InputStream openStream(Path file) throws IOException {
            calls.incrementAndGet();
            return super.openStream(file);
          }

          @Override
          public dev.tiering.core.storage.StoreUsage usage(Path path) throws IOException {
            calls.incrementAndGet();
            return super.usage(path);
          }
        };
    Tiering t =
        Tiering.builder()
            .layout(Storage.createRoots(TierLayout.under(base)))
            .storage(watched)
            .build();
    t.lake().writeCleanData(Zone.SILVER, "s", Full.class, List.of(new Full(1, "a", 1)));
    Path table = t.paths().tableDir(Zone.SILVER, TableName.of("s"));
    Map<String, Integer> used = new TreeMap<>();
    calls.set(0);
    t.cache().promote(table).execute();
    used.put("cache", calls.getAndSet(0));
    t.archiver()
        .apply(
            dev.tiering.core.lifecycle.RetentionPolicy.none()
                .lake(Zone.SILVER, java.time.Period.ofDays(1)))
        .execute();
    used.put("archiver", calls.getAndSet(0));
    t.compactor().compact(Zone.SILVER, TableName.of("s")).execute();
    used.put("compactor", calls.getAndSet(0));
    t.health().check(Duration.ZERO);
    used.put("health", calls.getAndSet(0));
    t.doctor().examine();
    used.put("doctor", calls.getAndSet(0));
    try (Stream<Full> s = t.reader().read(Zone.SILVER, "s", Full.class)) {
      assertThat(s.toList()).isNotEmpty();
    }
    used.put("reader", calls.getAndSet(0));
    assertThat(used.values()).allMatch(n -> n > 0);
  }

  record Ts(Instant ts) {}

  @Test
  void r15_subMicroInstant() throws Exception {
    Instant nanos = Instant.parse("2025-01-01T00:00:00.123456789Z");
    Throwable t =
        catchThrowable(
            () ->
                staging()
                    .writeIntermediate(
                        SlmId.of(1), BatchId.of("ts"), Ts.class, List.of(new Ts(nanos))));
    show("sub-micro instant write", t);
    if (t == null) {
      try (Stream<Ts> s = staging().readBatch(BatchId.of("ts"), Ts.class)) {}
    }
  }

  @Test
  void g04_getBytesSameRowMutation() throws Exception {
    staging()
        .writeIntermediate(
            SlmId.of(1), BatchId.of("gb"), Bin.class, List.of(new Bin(1, new byte[] {1, 2, 3})));
    Path file =
        tree(base).keySet().stream()
            .filter(k -> k.endsWith(".parquet"))
            .map(base::resolve)
            .findFirst()
            .orElseThrow();
    try (ParquetRowReader r =
        ParquetRowReader.open(file, RecordMapping.of(Bin.class).stagingSchema())) {
      r.next();
      r.getBytes("b")[0] = 99;
      assertThat(r.getBytes("b")).containsExactly(1, 2, 3);
    }
  }
}
