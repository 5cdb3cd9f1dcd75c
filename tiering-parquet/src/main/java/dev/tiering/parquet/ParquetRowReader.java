package dev.tiering.parquet;

import dev.tiering.core.storage.Storage;
import dev.tiering.schema.FieldType;
import dev.tiering.schema.RowView;
import dev.tiering.schema.TableSchema;
import java.io.IOException;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.apache.parquet.ParquetReadOptions;
import org.apache.parquet.column.ColumnDescriptor;
import org.apache.parquet.column.ColumnReader;
import org.apache.parquet.column.impl.ColumnReadStoreImpl;
import org.apache.parquet.column.page.PageReadStore;
import org.apache.parquet.conf.PlainParquetConfiguration;
import org.apache.parquet.hadoop.ParquetFileReader;
import org.apache.parquet.io.api.Binary;
import org.apache.parquet.io.api.Converter;
import org.apache.parquet.io.api.GroupConverter;
import org.apache.parquet.io.api.PrimitiveConverter;
import org.apache.parquet.schema.MessageType;

/**
 * Streams rows out of one or more Parquet files, typed, one row group in memory at a time. Rows are
 * read as {@code schema} describes them, by column name: a nullable field the file lacks (it was
 * added to the table later) reads as null, and a column of a narrower type (int32 for int64,
 * float32 for float64) is widened. A file that cannot be read that way is refused with its path.
 *
 * <pre>{@code
 * try (ParquetRowReader rows = ParquetRowReader.open(file, schema)) {
 *   while (rows.next()) {
 *     double p = rows.getDouble(prediction);
 *   }
 * }
 * }</pre>
 *
 * <p>Not thread-safe.
 */
public final class ParquetRowReader implements RowView, AutoCloseable {

  private final TableSchema schema;
  private final FileSource source;
  private Path current;
  private final int fields;
  private final long[] bits;
  private final Object[] refs;
  private final boolean[] isNull;
  private ParquetFileReader reader;

  /** Volatile: a close from another thread (misuse, but it happens) must stop the reader. */
  private volatile boolean closed;

  private static final int BEFORE = 0;
  private static final int ON_ROW = 1;
  private static final int DONE = 2;

  /** Where the reader is: getters read only {@link #ON_ROW}. */
  private int position = BEFORE;

  private ColumnReader[] columns;
  private ColumnReader dateColumn;
  private FieldType[] fileTypes;
  private long rowsLeftInGroup;
  private LocalDate partitionDate;
  private Map<String, ColumnDescriptor> columnsByName;
  private final TextCache[] texts;
  private final FieldType.Kind[] fileKinds;
  private final boolean[] widenFloat;
  private final int[] maxDefinition;
  private MessageType projection;
  private String createdBy;
  private boolean complete;

  /**
   * Where the files come from, each opened (pinned) before it is read, so that a file deleted after
   * it was chosen is either read whole or replaced before any of it was read.
   */
  interface FileSource extends java.io.Closeable {
    /** The next file, pinned; null when every file was read. */
    StorageInputFile next() throws IOException;
  }

  /** A fixed list of files; a missing file is read from its fallback (a cache copy's original). */
  static FileSource listSource(Storage storage, List<Path> files, Map<Path, Path> fallbacks) {
    java.util.Iterator<Path> remaining = List.copyOf(files).iterator();
    return new FileSource() {
      @Override
      public StorageInputFile next() throws IOException {
        if (!remaining.hasNext()) {
          return null;
        }
        Path file = remaining.next();
        try {
          return StorageInputFile.pinned(storage, file);
        } catch (java.nio.file.NoSuchFileException evicted) {
          Path fallback = fallbacks.get(file);
          if (fallback == null) {
            throw evicted;
          }
          return StorageInputFile.pinned(storage, fallback);
        }
      }

      @Override
      public void close() {
        // Nothing is pinned ahead of reading.
      }
    };
  }

  private ParquetRowReader(FileSource source, TableSchema schema) {
    this.source = Objects.requireNonNull(source, "source");
    this.schema = Objects.requireNonNull(schema, "schema");
    this.fields = schema.fields().size();
    this.bits = new long[fields];
    this.refs = new Object[fields];
    this.isNull = new boolean[fields];
    this.texts = new TextCache[fields];
    this.fileKinds = new FieldType.Kind[fields];
    this.widenFloat = new boolean[fields];
    this.maxDefinition = new int[fields];
  }

  /**
   * Reads one local file. Nothing is opened until the first {@link #next()}.
   *
   * @param file the Parquet file
   * @param schema the schema to read its rows as
   * @return the reader; close it
   */
  public static ParquetRowReader open(Path file, TableSchema schema) {
    return open(Storage.local(), List.of(file), schema);
  }

  /**
   * Reads files one after the other. Each is opened when the reader reaches it.
   *
   * @param storage the files' storage
   * @param files the Parquet files, in reading order; copied
   * @param schema the schema to read their rows as
   * @return the reader; close it
   */
  public static ParquetRowReader open(Storage storage, List<Path> files, TableSchema schema) {
    return new ParquetRowReader(listSource(storage, files, Map.of()), schema);
  }

  static ParquetRowReader open(
      Storage storage, List<Path> files, TableSchema schema, Map<Path, Path> fallbacks) {
    return new ParquetRowReader(listSource(storage, files, fallbacks), schema);
  }

  static ParquetRowReader open(FileSource source, TableSchema schema) {
    return new ParquetRowReader(source, schema);
  }

  /**
   * Reads files as {@code schema} and refuses any file with a column the schema lacks (the
   * partition {@code date} column aside): for rewriting files, where reading less than a file holds
   * would lose data.
   */
  static ParquetRowReader openComplete(Storage storage, List<Path> files, TableSchema schema) {
    ParquetRowReader reader = open(storage, files, schema);
    reader.complete = true;
    return reader;
  }

  @Override
  public TableSchema schema() {
    return schema;
  }

  /** {@return the file the current row comes from, or null before the first row} */
  public Path currentFile() {
    return current;
  }

  /**
   * {@return the partition day of the current row, for files of date-partitioned tables; else null}
   */
  public LocalDate partitionDate() {
    return partitionDate;
  }

  /**
   * Moves to the next row.
   *
   * @return false when every file is read
   * @throws CorruptFileException naming the file if it is truncated or damaged
   * @throws IllegalStateException if the reader is closed
   */
  public boolean next() throws IOException {
    if (closed) {
      throw new IllegalStateException("This reader is closed (open a new one to read again)");
    }
    try {
      boolean more = advance();
      position = more ? ON_ROW : DONE;
      return more;
    } catch (IOException | RuntimeException e) {
      if (current == null) {
        throw e;
      }
      throw CorruptFileException.of(current, e);
    }
  }

  private boolean advance() throws IOException {
    while (rowsLeftInGroup == 0) {
      if (!nextRowGroup()) {
        return false;
      }
    }
    rowsLeftInGroup--;
    for (int i = 0; i < fields; i++) {
      readValue(i);
    }
    if (dateColumn != null) {
      partitionDate = LocalDate.ofEpochDay(dateColumn.getInteger());
      dateColumn.consume();
    }
    return true;
  }

  private void readValue(int i) {
    ColumnReader column = columns[i];
    if (column == null) {
      isNull[i] = true;
      return;
    }
    boolean present = column.getCurrentDefinitionLevel() == maxDefinition[i];
    isNull[i] = !present;
    if (present) {
      switch (fileKinds[i]) {
        case INT32, DATE -> bits[i] = column.getInteger();
        case INT64, TIMESTAMP -> bits[i] = column.getLong();
        case FLOAT32 ->
            bits[i] =
                widenFloat[i]
                    ? Double.doubleToRawLongBits(column.getFloat())
                    : Float.floatToRawIntBits(column.getFloat());
        case FLOAT64 -> bits[i] = Double.doubleToRawLongBits(column.getDouble());
        case BOOLEAN -> bits[i] = column.getBoolean() ? 1 : 0;
        case STRING -> refs[i] = text(i, column.getBinary());
        case BINARY -> refs[i] = column.getBinary().getBytes();
        case DECIMAL -> refs[i] = decimal(column, fileTypes[i]);
      }
    }
    column.consume();
  }

  private String text(int field, Binary value) {
    if (texts[field] == null) {
      texts[field] = new TextCache();
    }
    return texts[field].decode(value);
  }

  static BigDecimal decimal(ColumnReader column, FieldType type) {
    BigInteger unscaled =
        switch (column.getDescriptor().getPrimitiveType().getPrimitiveTypeName()) {
          case INT32 -> BigInteger.valueOf(column.getInteger());
          case INT64 -> BigInteger.valueOf(column.getLong());
          default -> new BigInteger(column.getBinary().getBytes());
        };
    return new BigDecimal(unscaled, type.scale());
  }

  private boolean nextRowGroup() throws IOException {
    if (reader != null) {
      PageReadStore group = reader.readNextRowGroup();
      if (group != null) {
        startRowGroup(group);
        return true;
      }
      reader.close();
      reader = null;
    }
    current = null;
    StorageInputFile next = source.next();
    if (next == null) {
      return false;
    }
    current = next.path();
    openFile(next);
    return true;
  }

  private void openFile(StorageInputFile input) throws IOException {
    ParquetReadOptions options =
        ParquetReadOptions.builder(new PlainParquetConfiguration())
            .withCodecFactory(new ZstdCodecs(WriterSettings.STAGING_LEVEL))
            // Pages carry CRCs (the writer writes them): a flipped bit is an error, not data.
            .usePageChecksumVerification(true)
            .build();
    Path file = input.path();
    try {
      reader = ParquetFileReader.open(input, options);
    } catch (IOException | RuntimeException e) {
      input.unpin();
      throw e;
    }
    MessageType fileSchema = reader.getFooter().getFileMetaData().getSchema();
    FileColumns resolved =
        FileColumns.resolve(file, fileSchema, schema, schema.fields(), complete, true);
    fileTypes = resolved.stored;
    for (int i = 0; i < fields; i++) {
      FieldType stored = fileTypes[i];
      fileKinds[i] = stored == null ? null : stored.kind();
      widenFloat[i] =
          stored != null
              && stored.kind() == FieldType.Kind.FLOAT32
              && schema.fields().get(i).type().kind() == FieldType.Kind.FLOAT64;
      maxDefinition[i] = resolved.maxDefinition[i];
    }
    MessageType projection = resolved.projection;
    reader.setRequestedSchema(projection);
    columnsByName = new LinkedHashMap<>();
    for (ColumnDescriptor descriptor : projection.getColumns()) {
      columnsByName.put(descriptor.getPath()[0], descriptor);
    }
    this.projection = projection;
    this.createdBy = reader.getFooter().getFileMetaData().getCreatedBy();
    partitionDate = null;
    rowsLeftInGroup = 0;
  }

  private void startRowGroup(PageReadStore group) {
    ColumnReadStoreImpl store =
        new ColumnReadStoreImpl(group, new NoConversion(projection), projection, createdBy);
    columns = new ColumnReader[fields];
    for (int i = 0; i < fields; i++) {
      ColumnDescriptor descriptor = columnsByName.get(schema.fields().get(i).name());
      columns[i] = descriptor == null ? null : store.getColumnReader(descriptor);
    }
    ColumnDescriptor date =
        schema.field(TableSchema.DATE_PARTITION).isEmpty()
            ? columnsByName.get(TableSchema.DATE_PARTITION)
            : null;
    dateColumn = date == null ? null : store.getColumnReader(date);
    rowsLeftInGroup = group.getRowCount();
  }

  /** The file is sound but does not hold this schema's columns. */
  static final class SchemaMismatchException extends IOException {
    private static final long serialVersionUID = 1L;

    private final String problem;

    SchemaMismatchException(String problem, String message) {
      super(message);
      this.problem = problem;
    }

    /** {@return what does not match, without the file and the fix} */
    String problem() {
      return problem;
    }
  }

  /**
   * Checks that there is a current row and that field {@code index} is of one of {@code kinds} (any
   * kind if none is given): a getter never returns a value it did not read.
   */
  private int check(int index, String getter, FieldType.Kind... kinds) {
    if (position != ON_ROW) {
      throw new IllegalStateException(
          closed
              ? "This reader is closed (open a new one to read" + " again)"
              : position == BEFORE
                  ? "No current row: call next() first ("
                      + getter
                      + " reads the row next() moved to)"
                  : "No current row: next() returned false, every"
                      + " row is read ("
                      + getter
                      + " has nothing to read)");
    }
    if (index < 0 || index >= fields) {
      throw new IndexOutOfBoundsException(
          "No column "
              + index
              + " in "
              + schema.qualifiedName()
              + " (it has "
              + fields
              + ": 0 to "
              + (fields - 1)
              + ")");
    }
    if (kinds.length > 0) {
      FieldType.Kind kind = schema.fields().get(index).type().kind();
      for (FieldType.Kind allowed : kinds) {
        if (kind == allowed) {
          return index;
        }
      }
      throw new IllegalArgumentException(
          "Column '"
              + schema.fields().get(index).name()
              + "' ("
              + index
              + ") of "
              + schema.qualifiedName()
              + " is "
              + kind.name().toLowerCase(java.util.Locale.ROOT)
              + ": "
              + getter
              + " does not read it (use "
              + getterFor(kind)
              + ", or get)");
    }
    return index;
  }

  /** As {@link #check}, for a getter that returns a primitive: a null value is an error. */
  private int checkPresent(int index, String getter, FieldType.Kind... kinds) {
    check(index, getter, kinds);
    if (isNull[index]) {
      throw new IllegalStateException(
          "Column '"
              + schema.fields().get(index).name()
              + "' ("
              + index
              + ") is null in this row: "
              + getter
              + " cannot return it (check isNull"
              + " first, or use get)");
    }
    return index;
  }

  private static String getterFor(FieldType.Kind kind) {
    return switch (kind) {
      case INT32 -> "getInt";
      case INT64 -> "getLong";
      case FLOAT32 -> "getFloat or getDouble";
      case FLOAT64 -> "getDouble";
      case BOOLEAN -> "getBoolean";
      case STRING -> "getString";
      case BINARY -> "getBytes";
      case DECIMAL -> "getDecimal";
      case TIMESTAMP -> "getTimestamp or getTimestampMicros";
      case DATE -> "getDate";
    };
  }

  /**
   * {@return the index of a column, for the getters that take one}
   *
   * @param name the column's name
   * @throws IllegalArgumentException if the schema has no such column
   */
  public int column(String name) {
    int index = schema.indexOf(name);
    if (index < 0) {
      throw new IllegalArgumentException(
          "No column '"
              + name
              + "' in "
              + schema.qualifiedName()
              + " (columns: "
              + schema.fields().stream().map(dev.tiering.schema.Field::name).toList()
              + ")");
    }
    return index;
  }

  @Override
  public boolean isNull(int index) {
    return isNull[check(index, "isNull")];
  }

  @Override
  public Object get(int index) {
    check(index, "get");
    return isNull[index]
        ? null
        : CanonicalValues.box(schema.fields().get(index).type().kind(), bits[index], refs[index]);
  }

  /**
   * {@return an int32 field, or an int64 field whose value fits an int}
   *
   * @param index the field's position in the schema
   * @throws IllegalArgumentException if the field is of another type, or the value does not fit
   * @throws IllegalStateException if there is no current row or the value is null
   */
  public int getInt(int index) {
    checkPresent(index, "getInt", FieldType.Kind.INT32, FieldType.Kind.INT64);
    long value = bits[index];
    if (value != (int) value) {
      throw new IllegalArgumentException(
          "Column '"
              + schema.fields().get(index).name()
              + "' ("
              + index
              + ") holds "
              + value
              + ", outside the int range: use getLong");
    }
    return (int) value;
  }

  /**
   * {@return an int64 field, or an int32 field widened}
   *
   * @param index the field's position in the schema
   * @throws IllegalArgumentException if the field is of another type
   * @throws IllegalStateException if there is no current row or the value is null
   */
  public long getLong(int index) {
    return bits[checkPresent(index, "getLong", FieldType.Kind.INT64, FieldType.Kind.INT32)];
  }

  /**
   * {@return a float64 field, or a float32 field widened; NaN if null (as every {@link RowView})}
   *
   * @param index the field's position in the schema
   * @throws IllegalArgumentException if the field is of another type
   * @throws IllegalStateException if there is no current row
   */
  @Override
  public double getDouble(int index) {
    check(index, "getDouble", FieldType.Kind.FLOAT64, FieldType.Kind.FLOAT32);
    return isNull[index]
        ? Double.NaN
        : schema.fields().get(index).type().kind() == FieldType.Kind.FLOAT32
            ? Float.intBitsToFloat((int) bits[index])
            : Double.longBitsToDouble(bits[index]);
  }

  /**
   * {@return a float32 field}
   *
   * @param index the field's position in the schema
   * @throws IllegalArgumentException if the field is of another type
   * @throws IllegalStateException if there is no current row or the value is null
   */
  public float getFloat(int index) {
    return Float.intBitsToFloat(
        (int) bits[checkPresent(index, "getFloat", FieldType.Kind.FLOAT32)]);
  }

  /**
   * {@return a boolean field}
   *
   * @param index the field's position in the schema
   * @throws IllegalArgumentException if the field is of another type
   * @throws IllegalStateException if there is no current row or the value is null
   */
  public boolean getBoolean(int index) {
    return bits[checkPresent(index, "getBoolean", FieldType.Kind.BOOLEAN)] != 0;
  }

  /**
   * {@return a string field, or null}
   *
   * @param index the field's position in the schema
   * @throws IllegalArgumentException if the field is of another type
   * @throws IllegalStateException if there is no current row
   */
  public String getString(int index) {
    check(index, "getString", FieldType.Kind.STRING);
    return isNull[index] ? null : (String) refs[index];
  }

  /**
   * {@return a binary field, or null}
   *
   * @param index the field's position in the schema
   * @throws IllegalArgumentException if the field is of another type
   * @throws IllegalStateException if there is no current row
   */
  public byte[] getBytes(int index) {
    check(index, "getBytes", FieldType.Kind.BINARY);
    // A copy: the caller may change it, and the reader's row must not change with it.
    return isNull[index] ? null : ((byte[]) refs[index]).clone();
  }

  /**
   * {@return a decimal field, or null}
   *
   * @param index the field's position in the schema
   * @throws IllegalArgumentException if the field is of another type
   * @throws IllegalStateException if there is no current row
   */
  public BigDecimal getDecimal(int index) {
    check(index, "getDecimal", FieldType.Kind.DECIMAL);
    return isNull[index] ? null : (BigDecimal) refs[index];
  }

  /**
   * {@return a timestamp field in microseconds since the epoch}
   *
   * @param index the field's position in the schema
   * @throws IllegalArgumentException if the field is of another type
   * @throws IllegalStateException if there is no current row or the value is null
   */
  public long getTimestampMicros(int index) {
    return bits[checkPresent(index, "getTimestampMicros", FieldType.Kind.TIMESTAMP)];
  }

  /**
   * {@return a timestamp field, or null}
   *
   * @param index the field's position in the schema
   * @throws IllegalArgumentException if the field is of another type
   * @throws IllegalStateException if there is no current row
   */
  public Instant getTimestamp(int index) {
    check(index, "getTimestamp", FieldType.Kind.TIMESTAMP);
    return isNull[index]
        ? null
        : Instant.ofEpochSecond(
            Math.floorDiv(bits[index], 1_000_000L), Math.floorMod(bits[index], 1_000_000L) * 1000);
  }

  /**
   * {@return a date field, or null}
   *
   * @param index the field's position in the schema
   * @throws IllegalArgumentException if the field is of another type
   * @throws IllegalStateException if there is no current row
   */
  public LocalDate getDate(int index) {
    check(index, "getDate", FieldType.Kind.DATE);
    return isNull[index] ? null : LocalDate.ofEpochDay(bits[index]);
  }

  // By name: the same checks, after the name is found.

  /**
   * {@return {@link #getInt(int)} of the named column}
   *
   * @param column the column's name
   * @throws IllegalArgumentException if there is no such column
   */
  public int getInt(String column) {
    return getInt(column(column));
  }

  @Override
  public long getLong(String column) {
    return getLong(column(column));
  }

  @Override
  public double getDouble(String column) {
    return getDouble(column(column));
  }

  /**
   * {@return {@link #getFloat(int)} of the named column}
   *
   * @param column the column's name
   * @throws IllegalArgumentException if there is no such column
   */
  public float getFloat(String column) {
    return getFloat(column(column));
  }

  /**
   * {@return {@link #getBoolean(int)} of the named column}
   *
   * @param column the column's name
   * @throws IllegalArgumentException if there is no such column
   */
  public boolean getBoolean(String column) {
    return getBoolean(column(column));
  }

  @Override
  public String getString(String column) {
    return getString(column(column));
  }

  /**
   * {@return {@link #getBytes(int)} of the named column}
   *
   * @param column the column's name
   * @throws IllegalArgumentException if there is no such column
   */
  public byte[] getBytes(String column) {
    return getBytes(column(column));
  }

  @Override
  public BigDecimal getDecimal(String column) {
    return getDecimal(column(column));
  }

  @Override
  public Instant getTimestamp(String column) {
    return getTimestamp(column(column));
  }

  @Override
  public LocalDate getDate(String column) {
    return getDate(column(column));
  }

  /**
   * {@return the current row as field name to canonical value (see {@link
   * dev.tiering.schema.RowValidator})}
   */
  public Map<String, Object> toMap() {
    Map<String, Object> row = new LinkedHashMap<>();
    for (int i = 0; i < fields; i++) {
      row.put(schema.fields().get(i).name(), get(i));
    }
    return row;
  }

  @Override
  public void close() throws IOException {
    closed = true;
    position = DONE;
    try {
      if (reader != null) {
        reader.close();
        reader = null;
      }
    } finally {
      current = null;
      source.close();
    }
  }

  /** Column readers need a converter tree; values are taken from the readers directly. */
  private static final class NoConversion extends GroupConverter {
    private final Converter[] children;

    NoConversion(MessageType schema) {
      children = new Converter[schema.getFieldCount()];
      for (int i = 0; i < children.length; i++) {
        children[i] =
            new PrimitiveConverter() {
              @Override
              public void addBinary(Binary value) {}
            };
      }
    }

    @Override
    public Converter getConverter(int fieldIndex) {
      return children[fieldIndex];
    }

    @Override
    public void start() {}

    @Override
    public void end() {}
  }
}
