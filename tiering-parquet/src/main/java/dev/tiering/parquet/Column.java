package dev.tiering.parquet;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * How a record component maps to a column, where the defaults do not fit: the column is the
 * component's name in snake_case ({@code inputId} is {@code input_id}), required for primitive
 * types and nullable for the others, and a {@code BigDecimal} needs its precision and scale.
 *
 * <pre>{@code
 * record Payment(@Column(name = "ts") Instant when, @Column(required = true) String account,
 *     @Column(precision = 18, scale = 2) BigDecimal amount) {}
 * }</pre>
 */
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.RECORD_COMPONENT)
public @interface Column {

  /** {@return the column's name; default the component's name in snake_case} */
  String name() default "";

  /** {@return true if the column may not hold nulls (a null then fails the row, naming it)} */
  boolean required() default false;

  /** {@return a decimal's precision (digits in all); required for {@code BigDecimal}} */
  int precision() default 0;

  /** {@return a decimal's scale (digits after the point)} */
  int scale() default 0;
}
