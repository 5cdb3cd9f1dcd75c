package dev.tiering.parquet;

import dev.tiering.core.Zone;
import dev.tiering.schema.Field;
import dev.tiering.schema.FieldType;
import dev.tiering.schema.TableSchema;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.reflect.RecordComponent;
import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Spliterator;
import java.util.Spliterators;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;

/**
 * A record class as rows: its columns (component names in snake_case, see {@link Column}), a writer
 * of its instances into a {@link RowSink} and a reader of them out of a {@link ColumnarReader}.
 * Built once per class, with method handles, and cached. Thread-safe.
 */
final class RecordMapping<T> {

  private static final ConcurrentHashMap<Class<?>, RecordMapping<?>> CACHE =
      new ConcurrentHashMap<>();

  /** Writes one component of a record into a row. */
  @FunctionalInterface
  private interface Setter {
    void set(RowSink sink, int index, Object record) throws Throwable;
  }

  private final Class<T> type;
  private final List<Field> fields;
  private final Setter[] setters;
  private final boolean[] primitives;
  private final MethodHandle constructor;

  private RecordMapping(Class<T> type) {
    if (!type.isRecord()) {
      throw new IllegalArgumentException(
          type.getName()
              + " is not a record (declare it as"
              + " `record "
              + type.getSimpleName()
              + "(...)`, or write maps or typed rows)");
    }
    this.type = type;
    RecordComponent[] components = type.getRecordComponents();
    MethodHandles.Lookup lookup = lookupFor(type);
    List<Field> columns = new ArrayList<>();
    setters = new Setter[components.length];
    primitives = new boolean[components.length];
    Class<?>[] parameterTypes = new Class<?>[components.length];
    try {
      for (int i = 0; i < components.length; i++) {
        RecordComponent component = components[i];
        Column column = component.getAnnotation(Column.class);
        String name =
            column != null && !column.name().isEmpty()
                ? column.name()
                : snakeCase(component.getName());
        Class<?> javaType = component.getType();
        boolean required = javaType.isPrimitive() || (column != null && column.required());
        columns.add(
            new Field(
                name, fieldType(type, component, column), !required, null, java.util.Map.of()));
        setters[i] = setter(lookup, lookup.unreflect(component.getAccessor()), javaType);
        parameterTypes[i] = javaType;
        primitives[i] = javaType.isPrimitive();
      }
      this.constructor =
          lookup
              .findConstructor(type, MethodType.methodType(void.class, parameterTypes))
              .asSpreader(Object[].class, components.length)
              .asType(MethodType.methodType(Object.class, Object[].class));
    } catch (ReflectiveOperationException e) {
      throw new IllegalArgumentException(
          "Cannot map "
              + type.getName()
              + ": its accessors and"
              + " canonical constructor cannot be reached (make the record public, or open its"
              + " package to dev.tiering.parquet)",
          e);
    }
    this.fields = List.copyOf(columns);
  }

  /**
   * A lookup that may use the record's accessors and constructor: records are often declared inside
   * a class that is not public, which only a private lookup reaches (open on the class path; in a
   * named module the package must be opened to this one).
   */
  private static MethodHandles.Lookup lookupFor(Class<?> type) {
    try {
      return MethodHandles.privateLookupIn(type, MethodHandles.lookup());
    } catch (IllegalAccessException notOpen) {
      return MethodHandles.publicLookup();
    }
  }

  /** The mapping of {@code type}, built on first use. */
  @SuppressWarnings("unchecked")
  static <T> RecordMapping<T> of(Class<T> type) {
    return (RecordMapping<T>) CACHE.computeIfAbsent(type, RecordMapping::new);
  }

  /** The columns, in component order. */
  List<Field> fields() {
    return fields;
  }

  /** A lake table of these columns, partitioned by date. */
  TableSchema lakeSchema(Zone zone, String table) {
    TableSchema.Builder builder = TableSchema.builder(zone, table);
    fields.forEach(builder::field);
    return builder.partitionByDate().build();
  }

  /**
   * A schema of these columns for a staging file: staging has no table, so the zone and table it
   * carries are the record's (they name it in error messages).
   */
  TableSchema stagingSchema() {
    TableSchema.Builder builder = TableSchema.builder(Zone.BRONZE, snakeCase(type.getSimpleName()));
    fields.forEach(builder::field);
    return builder.build();
  }

  /** Writes {@code record} as the sink's next row. */
  void write(RowSink sink, T record) throws IOException {
    if (record == null) {
      throw new IllegalArgumentException("A null " + type.getSimpleName() + " cannot be a row");
    }
    for (int i = 0; i < setters.length; i++) {
      try {
        setters[i].set(sink, i, record);
      } catch (RuntimeException | Error e) {
        throw e;
      } catch (Throwable e) {
        throw new IllegalStateException(e);
      }
    }
    sink.endRow();
  }

  /**
   * Checks, before anything is read, that {@code schema} has a column for every component and that
   * the component can hold it.
   *
   * @throws IllegalArgumentException naming the missing or mistyped column and the fix
   */
  void checkReadable(TableSchema schema) {
    for (Field field : fields) {
      int index = schema.indexOf(field.name());
      if (index < 0) {
        throw new IllegalArgumentException(
            "No column '"
                + field.name()
                + "' in "
                + schema.qualifiedName()
                + " (columns: "
                + schema.fields().stream().map(Field::name).toList()
                + ")");
      }
      checkReadable(field, schema.fields().get(index));
    }
  }

  /** {@return the record's columns, in component order} */
  String[] columnNames() {
    return fields.stream().map(Field::name).toArray(String[]::new);
  }

  /**
   * The reader's rows as records, built from its column arrays a batch at a time; closing the
   * stream closes the reader. The reader must read exactly {@link #columnNames()}, checked with
   * {@link #checkReadable(TableSchema)}.
   */
  Stream<T> stream(ColumnarReader reader) {
    Spliterator<T> rows =
        new Spliterators.AbstractSpliterator<>(
            Long.MAX_VALUE, Spliterator.ORDERED | Spliterator.NONNULL) {
          private final FieldType.Kind[] componentKinds =
              fields.stream().map(f -> f.type().kind()).toArray(FieldType.Kind[]::new);
          private ColumnBatch batch;
          private Object[] arrays;
          private FieldType.Kind[] kinds;
          private boolean[][] nulls;
          private int row;

          @Override
          public boolean tryAdvance(Consumer<? super T> action) {
            while (batch == null || row == batch.rows()) {
              try {
                batch = reader.next();
              } catch (IOException e) {
                throw new UncheckedIOException(e);
              }
              if (batch == null) {
                return false;
              }
              load(batch);
            }
            Object[] values = new Object[arrays.length];
            for (int i = 0; i < values.length; i++) {
              values[i] = value(i, row);
            }
            row++;
            action.accept(construct(values));
            return true;
          }

          private void load(ColumnBatch next) {
            int n = fields.size();
            arrays = new Object[n];
            kinds = new FieldType.Kind[n];
            nulls = new boolean[n][];
            for (int i = 0; i < n; i++) {
              Field column = next.fields().get(i);
              kinds[i] = column.type().kind();
              arrays[i] = next.values(i);
              nulls[i] = next.nullMask(i);
            }
            row = 0;
          }

          private Object value(int i, int r) {
            if (nulls[i] != null && nulls[i][r]) {
              return nullValue(i);
            }
            Object array = arrays[i];
            return switch (kinds[i]) {
              case INT32 ->
                  componentKinds[i] == FieldType.Kind.INT64
                      ? (Object) (long) ((int[]) array)[r]
                      : (Object) ((int[]) array)[r];
              case INT64 -> ((long[]) array)[r];
              case FLOAT32 ->
                  componentKinds[i] == FieldType.Kind.FLOAT64
                      ? (Object) (double) ((float[]) array)[r]
                      : (Object) ((float[]) array)[r];
              case FLOAT64 -> ((double[]) array)[r];
              case BOOLEAN -> ((boolean[]) array)[r];
              case STRING -> ((String[]) array)[r];
              case BINARY -> ((byte[][]) array)[r];
              case DECIMAL -> ((java.math.BigDecimal[]) array)[r];
              case TIMESTAMP -> {
                long micros = ((long[]) array)[r];
                yield Instant.ofEpochSecond(
                    Math.floorDiv(micros, 1_000_000L), Math.floorMod(micros, 1_000_000L) * 1000);
              }
              case DATE -> LocalDate.ofEpochDay(((int[]) array)[r]);
            };
          }
        };
    return StreamSupport.stream(rows, false)
        .onClose(
            () -> {
              try {
                reader.close();
              } catch (IOException e) {
                throw new UncheckedIOException(e);
              }
            });
  }

  /** A null value for component {@code i}: null, or an error if the component cannot hold it. */
  private Object nullValue(int component) {
    Field field = fields.get(component);
    if (!field.nullable()) {
      throw new IllegalStateException(
          "Column '"
              + field.name()
              + "' is null in a row, but "
              + type.getSimpleName()
              + " holds it in a "
              + (primitives[component]
                  ? "primitive (make" + " the component a boxed type to read nulls)"
                  : "required component (drop" + " @Column(required = true) to read nulls)"));
    }
    return null;
  }

  /**
   * Refuses, before any row, a component whose type cannot hold the column's values: the same type,
   * or a wider one (an int32 column into a {@code long}, float32 into a {@code double}).
   */
  private void checkReadable(Field component, Field column) {
    FieldType.Kind want = component.type().kind();
    FieldType.Kind have = column.type().kind();
    boolean fits =
        (want == have && (want != FieldType.Kind.DECIMAL || component.type().equals(column.type())))
            || (want == FieldType.Kind.INT64 && have == FieldType.Kind.INT32)
            || (want == FieldType.Kind.FLOAT64 && have == FieldType.Kind.FLOAT32);
    if (!fits) {
      throw new IllegalArgumentException(
          "Cannot read column '"
              + column.name()
              + "' ("
              + column.type()
              + ") into "
              + type.getSimpleName()
              + "'s component of type "
              + component.type()
              + " (declare the component as the column's type)");
    }
  }

  private T construct(Object[] values) {
    try {
      return type.cast(constructor.invokeExact(values));
    } catch (RuntimeException | Error e) {
      throw e;
    } catch (Throwable e) {
      throw new IllegalStateException("Cannot construct " + type.getSimpleName(), e);
    }
  }

  private static FieldType fieldType(Class<?> record, RecordComponent component, Column column) {
    Class<?> t = component.getType();
    if (t == int.class || t == Integer.class) {
      return FieldType.INT32;
    } else if (t == long.class || t == Long.class) {
      return FieldType.INT64;
    } else if (t == double.class || t == Double.class) {
      return FieldType.FLOAT64;
    } else if (t == float.class || t == Float.class) {
      return FieldType.FLOAT32;
    } else if (t == boolean.class || t == Boolean.class) {
      return FieldType.BOOLEAN;
    } else if (t == String.class) {
      return FieldType.STRING;
    } else if (t == Instant.class) {
      return FieldType.TIMESTAMP;
    } else if (t == LocalDate.class) {
      return FieldType.DATE;
    } else if (t == byte[].class) {
      return FieldType.BINARY;
    } else if (t == BigDecimal.class) {
      if (column == null || column.precision() == 0) {
        throw new IllegalArgumentException(
            "Cannot map "
                + record.getSimpleName()
                + "."
                + component.getName()
                + ": a BigDecimal column needs its precision and scale"
                + " (annotate it @Column(precision = 18, scale = 2))");
      }
      return FieldType.decimal(column.precision(), column.scale());
    }
    throw new IllegalArgumentException(
        "Cannot map "
            + record.getSimpleName()
            + "."
            + component.getName()
            + " of type "
            + t.getSimpleName()
            + " (use int, long, float,"
            + " double, boolean, their boxes, String, Instant, LocalDate, BigDecimal or byte[])");
  }

  /**
   * A setter of one component, typed: primitives are never boxed on the way, and each accessor is a
   * generated functional object (a method handle held in a field is not inlined by the JIT, a
   * lambda is).
   */
  private static Setter setter(MethodHandles.Lookup lookup, MethodHandle accessor, Class<?> t)
      throws ReflectiveOperationException {
    if (t == int.class) {
      java.util.function.ToIntFunction<Object> g =
          function(
              lookup, accessor, java.util.function.ToIntFunction.class, "applyAsInt", int.class);
      return (sink, i, r) -> sink.setInt(i, g.applyAsInt(r));
    } else if (t == long.class) {
      java.util.function.ToLongFunction<Object> g =
          function(
              lookup, accessor, java.util.function.ToLongFunction.class, "applyAsLong", long.class);
      return (sink, i, r) -> sink.setLong(i, g.applyAsLong(r));
    } else if (t == double.class) {
      java.util.function.ToDoubleFunction<Object> g =
          function(
              lookup,
              accessor,
              java.util.function.ToDoubleFunction.class,
              "applyAsDouble",
              double.class);
      return (sink, i, r) -> sink.setDouble(i, g.applyAsDouble(r));
    } else if (t == float.class) {
      java.util.function.ToDoubleFunction<Object> g =
          function(
              lookup,
              accessor,
              java.util.function.ToDoubleFunction.class,
              "applyAsDouble",
              double.class);
      return (sink, i, r) -> sink.setFloat(i, (float) g.applyAsDouble(r));
    } else if (t == boolean.class) {
      java.util.function.Predicate<Object> g =
          function(lookup, accessor, java.util.function.Predicate.class, "test", boolean.class);
      return (sink, i, r) -> sink.setBoolean(i, g.test(r));
    }
    java.util.function.Function<Object, Object> g =
        function(lookup, accessor, java.util.function.Function.class, "apply", Object.class);
    // Reference types: each to its own setter, so that no value goes the generic way.
    if (t == String.class) {
      return (sink, i, r) -> sink.setString(i, (String) g.apply(r));
    } else if (t == Instant.class) {
      return (sink, i, r) -> {
        Object value = g.apply(r);
        if (value == null) {
          sink.setNull(i);
        } else {
          sink.setTimestamp(i, (Instant) value);
        }
      };
    } else if (t == LocalDate.class) {
      return (sink, i, r) -> sink.setDate(i, (LocalDate) g.apply(r));
    } else if (t == BigDecimal.class) {
      return (sink, i, r) -> sink.setDecimal(i, (BigDecimal) g.apply(r));
    } else if (t == byte[].class) {
      return (sink, i, r) -> sink.setBytes(i, (byte[]) g.apply(r));
    }
    return (sink, i, r) -> {
      Object value = g.apply(r);
      if (value == null) {
        sink.setNull(i);
      } else if (value instanceof Integer v) {
        sink.setInt(i, v);
      } else if (value instanceof Long v) {
        sink.setLong(i, v);
      } else if (value instanceof Double v) {
        sink.setDouble(i, v);
      } else if (value instanceof Float v) {
        sink.setFloat(i, v);
      } else {
        sink.setBoolean(i, (Boolean) value);
      }
    };
  }

  /**
   * The accessor as an instance of {@code face} (a functional interface whose method {@code name}
   * takes an Object and returns {@code result}), made by the JDK's lambda factory.
   */
  // F is the functional interface the caller passes as face: checked by the lambda factory.
  @SuppressWarnings({"unchecked", "TypeParameterUnusedInFormals"})
  private static <F> F function(
      MethodHandles.Lookup lookup,
      MethodHandle accessor,
      Class<?> face,
      String name,
      Class<?> result)
      throws ReflectiveOperationException {
    MethodType erased = MethodType.methodType(result, Object.class);
    MethodType actual =
        accessor
            .type()
            .changeReturnType(result == Object.class ? accessor.type().returnType() : result);
    try {
      return (F)
          java.lang.invoke.LambdaMetafactory.metafactory(
                  lookup, name, MethodType.methodType(face), erased, accessor, actual)
              .getTarget()
              .invoke();
    } catch (ReflectiveOperationException | RuntimeException | Error e) {
      throw e;
    } catch (Throwable e) {
      throw new IllegalStateException(e);
    }
  }

  /** {@code inputId} → {@code input_id}, {@code HTTPCode} → {@code http_code}. */
  static String snakeCase(String name) {
    StringBuilder out = new StringBuilder();
    for (int i = 0; i < name.length(); i++) {
      char c = name.charAt(i);
      if (Character.isUpperCase(c)) {
        boolean afterLower =
            i > 0
                && (Character.isLowerCase(name.charAt(i - 1))
                    || Character.isDigit(name.charAt(i - 1)));
        boolean beforeLower =
            i > 0
                && i + 1 < name.length()
                && Character.isUpperCase(name.charAt(i - 1))
                && Character.isLowerCase(name.charAt(i + 1));
        if (afterLower || beforeLower) {
          out.append('_');
        }
        out.append(Character.toLowerCase(c));
      } else {
        out.append(c);
      }
    }
    return out.toString();
  }
}
