package dev.tiering.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tiering.core.routing.DataRef;
import dev.tiering.core.routing.PartitionLayout;
import dev.tiering.core.routing.PathResolver;
import dev.tiering.core.routing.Placement;
import dev.tiering.core.testing.Seeded;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Names are validated once, at the edge, and no accepted name leaves its tier root. */
class HostileNamesTest {

  static Stream<Arguments> hostileTableNames() {
    String form = " (use 1-128 characters of a-z, 0-9 and _, starting with a letter)";
    return Stream.of(
        Arguments.of("..", "Invalid table name '..': it is a relative path segment" + form),
        Arguments.of(".", "Invalid table name '.': it is a relative path segment" + form),
        Arguments.of(
            "../etc", "Invalid table name '../etc': it contains the path separator '/'" + form),
        Arguments.of(
            "/etc/passwd",
            "Invalid table name '/etc/passwd': it contains the path separator '/'" + form),
        Arguments.of(
            "a\\b", "Invalid table name 'a\\u005cb': it contains the path separator '\\'" + form),
        Arguments.of(
            "a\u0000b",
            "Invalid table name 'a\\u0000b': it contains the control character U+0000" + form),
        Arguments.of(
            "a\nb",
            "Invalid table name 'a\\u000ab': it contains the control character U+000A" + form),
        Arguments.of(
            "a\u202eb",
            "Invalid table name 'a\\u202eb': it contains the control character U+202E" + form),
        Arguments.of(
            "a\u2215b",
            "Invalid table name 'a\\u2215b': it contains U+2215, which is not allowed" + form),
        Arguments.of(
            "a\uff0fb",
            "Invalid table name 'a\\uff0fb': it contains U+FF0F, which is not allowed" + form),
        Arguments.of("", "Invalid table name '': it is empty" + form),
        Arguments.of(
            "a".repeat(129),
            "Invalid table name '"
                + "a".repeat(60)
                + "...': it is 129 characters long, more than 128"
                + form),
        Arguments.of(
            "Sales",
            "Invalid table name 'Sales': it starts with 'S' (U+0053), which is not allowed first"
                + form),
        Arguments.of(
            "_x",
            "Invalid table name '_x': it starts with '_' (U+005F), which is not allowed first"
                + form),
        Arguments.of(
            "x.y",
            "Invalid table name 'x.y': it contains '.' (U+002E), which is not allowed" + form),
        Arguments.of(
            "x y",
            "Invalid table name 'x y': it contains ' ' (U+0020), which is not allowed" + form),
        Arguments.of(
            "ta\u0301ble",
            "Invalid table name 'ta\\u0301ble': it contains U+0301, which is not allowed" + form),
        Arguments.of(
            "\ud83d\ude00",
            "Invalid table name '\\ud83d\\ude00': it starts with U+1F600, which is not allowed first"
                + form));
  }

  @ParameterizedTest
  @MethodSource("hostileTableNames")
  void hostileTableNamesAreRefusedWithTheReason(String name, String message) {
    assertThatThrownBy(() -> TableName.of(name))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(message);
  }

  /** Characters that look like ASCII name characters but are not: each is refused by name. */
  @ParameterizedTest
  @MethodSource("lookAlikes")
  void unicodeLookAlikesAreRefusedNamingTheCodePoint(String name, String codePoint) {
    assertThatThrownBy(() -> TableName.of(name))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(codePoint)
        .hasMessageEndingWith("(use 1-128 characters of a-z, 0-9 and _, starting with a letter)");
    assertThatThrownBy(() -> BatchId.of(name))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(codePoint);
    assertThatThrownBy(() -> Zone.parse(name))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("Invalid zone '");
  }

  static Stream<Arguments> lookAlikes() {
    return Stream.of(
        Arguments.of("g\u043eld".translateEscapes(), "U+043E"), // Cyrillic o
        Arguments.of("\u0430udit".translateEscapes(), "U+0430"), // Cyrillic a, first
        Arguments.of("sales\u200b".translateEscapes(), "U+200B"), // zero-width space
        Arguments.of("sales\u00a0x".translateEscapes(), "U+00A0"), // no-break space
        Arguments.of("b\uff11".translateEscapes(), "U+FF11"), // fullwidth digit 1
        Arguments.of("\u0261old".translateEscapes(), "U+0261"), // Latin script g
        Arguments.of("sil\u2024ver".translateEscapes(), "U+2024"), // one-dot leader
        Arguments.of("gold\ufeff".translateEscapes(), "U+FEFF")); // byte order mark
  }

  @Test
  void overlongBatchIdsAndZonesWithHiddenCharactersAreRefused() {
    assertThatThrownBy(() -> BatchId.of("b".repeat(129)))
        .hasMessageContaining("it is 129 characters long, more than 128");
    assertThatThrownBy(() -> Zone.parse("gold\u0000".translateEscapes()))
        .hasMessage("Invalid zone 'gold\\u0000' (use one of bronze, silver, gold)");
    assertThatThrownBy(() -> Zone.parse(" gold"))
        .hasMessage("Invalid zone ' gold' (use one of bronze, silver, gold)");
    assertThatThrownBy(() -> Zone.parse(null)).hasMessageStartingWith("Invalid zone");
  }

  @Test
  void nullNamesAreRefused() {
    assertThatThrownBy(() -> TableName.of(null))
        .hasMessage(
            "Invalid table name: null (use 1-128 characters of a-z, 0-9 and _, starting with a letter)");
    assertThatThrownBy(() -> BatchId.of(null)).hasMessageStartingWith("Invalid batch id: null");
  }

  @Test
  void hostileBatchIdsAreRefused() {
    assertThatThrownBy(() -> BatchId.of("../../x"))
        .hasMessage(
            "Invalid batch id '../../x': it contains the path separator '/' (use 1-128"
                + " characters of A-Z, a-z, 0-9, _ and -, starting with a letter or digit)");
    assertThatThrownBy(() -> BatchId.of("-rf"))
        .hasMessageContaining("it starts with '-' (U+002D), which is not allowed first");
    assertThatThrownBy(() -> BatchId.of("b1.parquet"))
        .hasMessageContaining("it contains '.' (U+002E), which is not allowed");
    assertThatThrownBy(() -> BatchId.of("b\tx"))
        .hasMessageContaining("it contains the control character U+0009");
    assertThat(BatchId.of("2025-11-10_run-7").value()).isEqualTo("2025-11-10_run-7");
  }

  @Test
  void slmIdsAreCanonicalNonNegativeNumbers() {
    assertThat(SlmId.parse("0")).isEqualTo(SlmId.of(0));
    assertThat(SlmId.parse("2147483647").value()).isEqualTo(Integer.MAX_VALUE);
    assertThatThrownBy(() -> SlmId.of(-1))
        .hasMessage(
            "Invalid SLM id -1: it is negative (use a decimal number from 0 to 2147483647 without"
                + " leading zeros)");
    assertThatThrownBy(() -> SlmId.parse("007")).hasMessageContaining("not canonical");
    assertThatThrownBy(() -> SlmId.parse("2147483648")).hasMessageContaining("too large");
    assertThatThrownBy(() -> SlmId.parse("-1")).hasMessageContaining("starts with '-'");
    assertThatThrownBy(() -> SlmId.parse("1/2")).hasMessageContaining("path separator");
    assertThatThrownBy(() -> SlmId.parse("")).hasMessageContaining("it is empty");
  }

  @Test
  void zonesParseInAnyCaseAndPrintLowercase() {
    assertThat(Zone.parse("SILVER")).isEqualTo(Zone.SILVER);
    assertThat(Zone.parse("Gold")).hasToString("gold");
    assertThatThrownBy(() -> Zone.parse("platinum"))
        .hasMessage("Invalid zone 'platinum' (use one of bronze, silver, gold)");
    assertThatThrownBy(() -> Zone.parse("../silver"))
        .hasMessage("Invalid zone '../silver' (use one of bronze, silver, gold)");
  }

  @Test
  void noAcceptedTableNameResolvesOutsideItsRoot() {
    PathResolver paths = new PathResolver(TierLayout.under(Path.of("/base")));
    AtomicInteger accepted = new AtomicInteger();
    Seeded.forAll(
        NAME_CASES,
        EDGE_NAMES,
        HostileNamesTest::anyText,
        HostileNamesTest::quoted,
        name -> {
          TableName table;
          try {
            table = TableName.of(name);
          } catch (IllegalArgumentException refused) {
            return;
          }
          accepted.incrementAndGet();
          for (Zone zone : Zone.values()) {
            for (DataKind kind : List.of(DataKind.CLEAN, DataKind.CACHE, DataKind.ARCHIVE)) {
              DataRef ref = new DataRef(kind, zone, table, null, null);
              Placement placement = paths.resolve(ref);
              assertUnder(placement.path(), paths.layout().root(placement.tier()));
              assertThat(placement.path().getNameCount())
                  .isEqualTo(paths.areaRoot(placement.area()).getNameCount() + 2);
              assertThat(placement.path().getFileName()).hasToString(name);
              assertUnder(
                  paths.partitionDir(ref, LocalDate.of(2025, 11, 10), PartitionLayout.HIVE_DATE),
                  paths.layout().root(placement.tier()));
            }
          }
          assertUnder(paths.resolve(DataRef.raw(table)).path(), paths.layout().lakeRoot());
        });
    assertThat(accepted.get())
        .as("table names the generator made that were accepted")
        .isGreaterThan(NAME_CASES / 10);
  }

  @Test
  void noAcceptedBatchIdResolvesOutsideStaging() {
    PathResolver paths = new PathResolver(TierLayout.under(Path.of("/base")));
    AtomicInteger accepted = new AtomicInteger();
    Seeded.forAll(
        NAME_CASES,
        EDGE_NAMES,
        HostileNamesTest::anyText,
        HostileNamesTest::quoted,
        id -> {
          BatchId batch;
          try {
            batch = BatchId.of(id);
          } catch (IllegalArgumentException refused) {
            return;
          }
          accepted.incrementAndGet();
          Path file = paths.intermediateFile(SlmId.of(1), batch);
          assertThat(file.getParent()).isEqualTo(Path.of("/base/hot/staging"));
          assertThat(file.normalize()).isEqualTo(file);
          assertThat(file.getFileName()).hasToString("slm_1_" + id + ".parquet");
        });
    assertThat(accepted.get())
        .as("batch ids the generator made that were accepted")
        .isGreaterThan(NAME_CASES / 10);
  }

  /**
   * The validators accept exactly the documented forms, and every refusal is a message of printable
   * ASCII, whatever the name held.
   */
  @Test
  void namesAreAcceptedExactlyInTheirDocumentedFormAndRefusedInPrintableAscii() {
    Seeded.forAll(
        NAME_CASES,
        EDGE_NAMES,
        HostileNamesTest::anyText,
        HostileNamesTest::quoted,
        name -> {
          assertAcceptedExactlyWhen(() -> TableName.of(name), TABLE_FORM.matcher(name).matches());
          assertAcceptedExactlyWhen(() -> FieldName.of(name), TABLE_FORM.matcher(name).matches());
          assertAcceptedExactlyWhen(() -> BatchId.of(name), BATCH_FORM.matcher(name).matches());
        });
  }

  private static final int NAME_CASES = 1000;
  private static final Pattern TABLE_FORM = Pattern.compile("[a-z][a-z0-9_]{0,127}");
  private static final Pattern BATCH_FORM = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_-]{0,127}");
  private static final Pattern PRINTABLE_ASCII = Pattern.compile("[\\x20-\\x7e]*");

  /** Name characters; hostile ones: separators, controls, look-alikes, other names' characters. */
  private static final String NAME_CHARS = "abcdefghijklmnopqrstuvwxyz_09";

  private static final String HOSTILE =
      "./\\\u0000\n\u202e\u2215\uff0f -A~:*\u0430\u043e\u200b" + "\u00a0\uff11\ufeff";

  /** The shortest, longest and just-too-long names, and the lone characters that matter. */
  private static final List<String> EDGE_NAMES =
      List.of(
          "",
          "a",
          "z",
          "_",
          "0",
          "9",
          "A",
          "-",
          ".",
          "..",
          "/",
          "\\",
          "\u0000",
          "a".repeat(128),
          "z9_".repeat(42) + "zz",
          "a".repeat(129),
          "A-".repeat(64),
          "9".repeat(129),
          "a".repeat(127) + "\u200b",
          "a".repeat(140));

  /**
   * Mostly name characters with one in seven hostile; lengths mostly short (0-32), some anywhere up
   * to 140 and some around the 128 limit. One case in five has no hostile character, so that long
   * names are accepted too.
   */
  private static String anyText(Random random) {
    int length =
        switch (random.nextInt(10)) {
          case 0 -> random.nextInt(141);
          case 1 -> 120 + random.nextInt(21);
          default -> random.nextInt(33);
        };
    boolean clean = random.nextInt(5) == 0;
    StringBuilder text = new StringBuilder(length);
    for (int i = 0; i < length; i++) {
      text.append(
          !clean && random.nextInt(7) == 0
              ? HOSTILE.charAt(random.nextInt(HOSTILE.length()))
              : NAME_CHARS.charAt(random.nextInt(NAME_CHARS.length())));
    }
    return text.toString();
  }

  private static String quoted(String name) {
    return "'" + name + "' (" + name.length() + " chars)";
  }

  private static void assertAcceptedExactlyWhen(ThrowingCallable parse, boolean valid) {
    if (valid) {
      assertThatCode(parse).doesNotThrowAnyException();
    } else {
      assertThatThrownBy(parse)
          .isInstanceOf(IllegalArgumentException.class)
          .message()
          .matches(PRINTABLE_ASCII);
    }
  }

  private static void assertUnder(Path path, Path root) {
    assertThat(path.normalize()).startsWithRaw(root);
    assertThat(path.normalize()).isEqualTo(path);
  }
}
