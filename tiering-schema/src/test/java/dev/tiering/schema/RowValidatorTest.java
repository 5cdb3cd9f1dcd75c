package dev.tiering.schema;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tiering.core.Zone;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RowValidatorTest {

  private final TableSchema schema =
      TableSchema.builder(Zone.SILVER, "all_types")
          .required("ts", FieldType.TIMESTAMP)
          .nullable("day", FieldType.DATE)
          .nullable("i32", FieldType.INT32)
          .nullable("i64", FieldType.INT64)
          .nullable("f32", FieldType.FLOAT32)
          .nullable("f64", FieldType.FLOAT64)
          .nullable("flag", FieldType.BOOLEAN)
          .nullable("text", FieldType.STRING)
          .nullable("blob", FieldType.BINARY)
          .nullable("price", FieldType.decimal(9, 2))
          .build();
  private final RowValidator validator = RowValidator.of(schema);

  private Object coerce(String field, Object value) {
    return validator.coerce(schema.indexOf(field), value, 7);
  }

  private String refusal(String field, Object value) {
    try {
      coerce(field, value);
    } catch (RowValidationException e) {
      assertThat(e.rowNumber()).isEqualTo(7);
      assertThat(e.field()).isEqualTo(field);
      return e.getMessage();
    }
    throw new AssertionError("accepted " + value + " for " + field);
  }

  @Test
  void timestampsBecomeUtcMicroseconds() {
    long micros = 1_762_776_000_000_000L; // 2025-11-10T12:00:00Z
    assertThat(coerce("ts", Instant.parse("2025-11-10T12:00:00Z"))).isEqualTo(micros);
    assertThat(coerce("ts", LocalDateTime.of(2025, 11, 10, 12, 0))).isEqualTo(micros);
    assertThat(coerce("ts", OffsetDateTime.of(2025, 11, 10, 13, 0, 0, 0, ZoneOffset.ofHours(1))))
        .isEqualTo(micros);
    assertThat(coerce("ts", micros)).isEqualTo(micros);
    assertThat(coerce("ts", Instant.parse("2025-11-10T12:00:00.000001999Z"))).isEqualTo(micros + 1);
    assertThat(coerce("ts", Instant.parse("1969-12-31T23:59:59.999999500Z"))).isEqualTo(-1L);
    assertThat(refusal("ts", Instant.MAX)).contains("is out of range");
    assertThat(refusal("ts", "2025-11-10"))
        .isEqualTo(
            "Row 7, field 'ts': (timestamp) value"
                + " '2025-11-10' (String) is not a timestamp (use Instant, OffsetDateTime, ZonedDateTime,"
                + " LocalDateTime as UTC, or Long epoch microseconds)");
  }

  @Test
  void integersWidenAndRefuseOverflow() {
    assertThat(coerce("i32", (short) 5)).isEqualTo(5);
    assertThat(coerce("i32", 5L)).isEqualTo(5);
    assertThat(coerce("i64", 5)).isEqualTo(5L);
    assertThat(coerce("i64", BigInteger.valueOf(Long.MAX_VALUE))).isEqualTo(Long.MAX_VALUE);
    assertThat(refusal("i32", 3_000_000_000L)).contains("value '3000000000' (Long) is not a int32");
    assertThat(refusal("i64", BigInteger.ONE.shiftLeft(63))).contains("is not a int64");
    assertThat(refusal("i32", 1.0)).contains("(Double) is not a int32");
  }

  @Test
  void floatsWidenExactlyAndRefuseNonFiniteByDefault() {
    assertThat(coerce("f64", 0.5f)).isEqualTo(0.5);
    assertThat(coerce("f64", 1L << 53)).isEqualTo(9007199254740992.0);
    assertThat(refusal("f64", (1L << 53) + 1)).contains("is not a float64");
    assertThat(coerce("f32", 0.5)).isEqualTo(0.5f);
    assertThat(refusal("f32", 0.1)).contains("(Double) is not a float32");
    assertThat(refusal("f64", Double.NaN))
        .isEqualTo(
            "Row 7, field 'f64': (float64, nullable)"
                + " value NaN is not finite (NaN and infinities are refused; use null for a missing value,"
                + " or allow non-finite values)");
    assertThat(refusal("f32", Float.NEGATIVE_INFINITY)).contains("value -Infinity is not finite");
    assertThat(validator.allowingNonFinite().coerce(schema.indexOf("f64"), Double.NaN, 0))
        .isEqualTo(Double.NaN);
  }

  @Test
  void otherTypes() {
    assertThat(coerce("day", LocalDate.of(1970, 1, 2))).isEqualTo(1);
    assertThat(coerce("flag", true)).isEqualTo(true);
    assertThat(coerce("text", "ab")).isEqualTo("ab");
    byte[] bytes = {1, 2, 3};
    assertThat(coerce("blob", bytes)).isSameAs(bytes);
    assertThat((byte[]) coerce("blob", ByteBuffer.wrap(bytes, 1, 2))).containsExactly(2, 3);
    assertThat(refusal("flag", "true")).contains("(String) is not a boolean (use Boolean)");
    assertThat(refusal("text", 42)).contains("(Integer) is not a string (use String)");
  }

  @Test
  void decimalsKeepTheirScaleExactly() {
    assertThat(coerce("price", new BigDecimal("12.3"))).isEqualTo(new BigDecimal("12.30"));
    assertThat(coerce("price", new BigDecimal("12.300"))).isEqualTo(new BigDecimal("12.30"));
    assertThat(coerce("price", 12)).isEqualTo(new BigDecimal("12.00"));
    assertThat(refusal("price", new BigDecimal("12.345")))
        .contains("value 12.345 has more than 2 decimal places (round it to 2 first)");
    assertThat(refusal("price", new BigDecimal("12345678.9")))
        .contains("value 12345678.9 has more than 9 digits (does not fit decimal(9,2))");
    assertThat(refusal("price", 12.5))
        .contains(
            "(Double) is not a decimal(9,2)",
            "convert doubles with BigDecimal.valueOf and round them");
  }

  @Test
  void rowsAsMapsFillMissingKeysWithNullAndRefuseUnknownKeys() {
    Map<String, Object> row = new HashMap<>();
    row.put("ts", Instant.EPOCH);
    row.put("text", null);
    Object[] values = validator.validate(row, 3);
    assertThat(values).hasSize(10);
    assertThat(values[0]).isEqualTo(0L);
    assertThat(values).containsOnlyOnce(0L);

    row.put("colour", "red");
    assertThatThrownBy(() -> validator.validate(row, 3))
        .isInstanceOf(RowValidationException.class)
        .hasMessageStartingWith("Row 3: unknown field 'colour' (the table's fields are [ts, day,");
    assertThatThrownBy(() -> validator.validate(Map.of("day", LocalDate.EPOCH), 4))
        .hasMessage(
            "Row 4, field 'ts': (timestamp) is required but missing or null (give it a"
                + " value, or make the field nullable)");
  }
}
