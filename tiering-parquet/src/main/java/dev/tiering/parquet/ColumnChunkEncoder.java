package dev.tiering.parquet;

import java.io.IOException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import org.apache.parquet.bytes.BytesInput;
import org.apache.parquet.column.ColumnDescriptor;
import org.apache.parquet.column.Encoding;
import org.apache.parquet.column.ParquetProperties;
import org.apache.parquet.column.page.DictionaryPage;
import org.apache.parquet.column.page.PageWriter;
import org.apache.parquet.column.statistics.SizeStatistics;
import org.apache.parquet.column.statistics.Statistics;
import org.apache.parquet.column.values.ValuesWriter;
import org.apache.parquet.io.api.Binary;
import org.apache.parquet.schema.LogicalTypeAnnotation;
import org.apache.parquet.schema.PrimitiveComparator;
import org.apache.parquet.schema.PrimitiveType;
import org.apache.parquet.schema.PrimitiveType.PrimitiveTypeName;

/**
 * Encodes one flat column of a file into data pages, a batch of rows at a time: the write-side twin
 * of {@link PageDecoder}. Dictionary ids and definition levels are encoded in bulk ({@link
 * Hybrid}), dictionaries are open-addressing tables over primitive keys or cached strings, and
 * statistics are computed over arrays (for dictionary strings, once per distinct value of a page).
 * Values without a dictionary go through the values writer parquet-java would choose for the page
 * version (PLAIN, or DELTA_BINARY_PACKED, DELTA_BYTE_ARRAY and RLE booleans in V2), so no encoding
 * appears that readers of parquet-java's files lack. The pages themselves go to parquet-java's page
 * writer, which compresses and checksums them and builds the column and offset indexes.
 *
 * <p>Per column chunk, as parquet-java does: the dictionary is dropped if the first page does not
 * come out smaller with it than without, and it stops growing at the first page that takes it past
 * the page size; that page still uses it, later pages of the chunk do not.
 *
 * <p>Not thread-safe: one thread at a time encodes a column.
 */
final class ColumnChunkEncoder {

  /** Rows per page at most: parquet-java's default limit, which keeps page indexes useful. */
  static final int PAGE_ROWS = 20_000;

  private static final int TEXT_CACHE = 256;

  private final ColumnDescriptor descriptor;
  private final PrimitiveType type;
  private final PrimitiveTypeName physical;
  private final boolean optional;
  private final boolean v2;
  private final boolean dictionaryEnabled;
  private final int pageBytes;
  private final ParquetProperties plainProperties;
  private final Comparator<byte[]> binaryOrder;

  private PageWriter pages;
  private LongDictionary longs;
  private BinaryDictionary binaries;
  private boolean dictionaryFull;
  private boolean dictionaryUsed;

  /** Whether the chunk's first page with values has decided if the dictionary pays. */
  private boolean dictionaryJudged;

  private ValuesWriter plain;

  private long[] values = new long[0];
  private Object[] keys = new Object[0];

  /**
   * The page's non-null values, from index 0: the batch's own array for a required column that
   * needs no conversion (no copy), else {@link #values} or {@link #keys} packed by {@link #gather}.
   */
  private long[] page = values;

  private Object[] pageKeys = keys;

  /** Whether the column holds decimals, which come as BigDecimal and are converted per value. */
  private final boolean decimalColumn;

  private int[] ids = new int[0];
  private int[] levels = new int[0];
  private final PageBytes levelBytes = new PageBytes(256);
  private final PageBytes valueBytes = new PageBytes(4096);
  private final String[] cachedText = new String[TEXT_CACHE];
  private final byte[][] cachedUtf8 = new byte[TEXT_CACHE][];

  /**
   * @param properties the file's properties: page version and which columns use a dictionary
   * @param plainProperties the same with every dictionary off: the values writers used without one
   */
  ColumnChunkEncoder(
      ColumnDescriptor descriptor,
      ParquetProperties properties,
      ParquetProperties plainProperties,
      int pageBytes) {
    this.descriptor = descriptor;
    this.type = descriptor.getPrimitiveType();
    this.physical = type.getPrimitiveTypeName();
    if (descriptor.getMaxRepetitionLevel() != 0 || descriptor.getMaxDefinitionLevel() > 1) {
      throw new IllegalArgumentException("Only flat columns are written: " + descriptor);
    }
    this.optional = descriptor.getMaxDefinitionLevel() == 1;
    this.v2 = properties.getWriterVersion() == ParquetProperties.WriterVersion.PARQUET_2_0;
    this.dictionaryEnabled =
        physical != PrimitiveTypeName.BOOLEAN && properties.isDictionaryEnabled(descriptor);
    this.pageBytes = pageBytes;
    this.plainProperties = plainProperties;
    this.decimalColumn =
        type.getLogicalTypeAnnotation()
            instanceof LogicalTypeAnnotation.DecimalLogicalTypeAnnotation;
    this.binaryOrder =
        type.getLogicalTypeAnnotation()
                instanceof LogicalTypeAnnotation.DecimalLogicalTypeAnnotation
            ? signedBigEndian(type.comparator())
            : Arrays::compareUnsigned;
  }

  /** Decimals in byte arrays order as two's-complement integers, as the type's comparator says. */
  private static Comparator<byte[]> signedBigEndian(PrimitiveComparator<Binary> order) {
    return (a, b) ->
        order.compare(Binary.fromConstantByteArray(a), Binary.fromConstantByteArray(b));
  }

  private boolean isBinary() {
    return physical == PrimitiveTypeName.BINARY
        || physical == PrimitiveTypeName.FIXED_LEN_BYTE_ARRAY;
  }

  /** Bytes this column holds for the chunk: its pages, compressed, and its dictionary. */
  long bufferedBytes() {
    long dictionary = binaries != null ? binaries.bytes : longs != null ? longs.bytes() : 0;
    return pages.getMemSize() + dictionary;
  }

  /** Starts a column chunk (a row group) whose pages go to {@code writer}. */
  void startChunk(PageWriter writer) {
    this.pages = writer;
    this.dictionaryFull = !dictionaryEnabled;
    this.dictionaryUsed = false;
    this.dictionaryJudged = false;
    if (dictionaryEnabled) {
      if (isBinary()) {
        binaries = new BinaryDictionary();
      } else {
        longs = new LongDictionary();
      }
    }
  }

  /**
   * Encodes {@code rows} rows as one or more pages. For primitive columns {@code bits} holds the
   * values (ints and longs as longs, floating point as raw IEEE bits, booleans as 0/1) or {@code
   * refs} the decimals; for byte arrays {@code refs} holds strings or byte arrays. {@code nulls}
   * marks the rows without a value.
   */
  void write(long[] bits, Object[] refs, boolean[] nulls, int rows) throws IOException {
    int from = 0;
    while (from < rows) {
      int to = pageEnd(refs, nulls, from, rows);
      writePage(bits, refs, nulls, from, to);
      from = to;
    }
  }

  /** Where the page starting at {@code from} ends: at the row limit, or near the page size. */
  private int pageEnd(Object[] refs, boolean[] nulls, int from, int rows) {
    int limit = Math.min(rows, from + PAGE_ROWS);
    if (!isBinary() || refs == null) {
      return limit;
    }
    // Three bytes per UTF-16 char bound a string's UTF-8 size; exact sizes are counted only once
    // that bound reaches the page size, so short labels cost one multiplication each.
    long bound = 0;
    long bytes = -1;
    for (int i = from; i < limit; i++) {
      if (nulls[i]) {
        continue;
      }
      Object value = refs[i];
      if (bytes < 0) {
        bound += 4 + (value instanceof String text ? 3L * text.length() : encodedLength(value));
        if (bound < pageBytes) {
          continue;
        }
        bytes = 0;
        for (int j = from; j < i; j++) {
          bytes += nulls[j] ? 0 : 4 + encodedLength(refs[j]);
        }
      }
      bytes += 4 + encodedLength(value);
      if (bytes >= pageBytes) {
        return i + 1;
      }
    }
    return limit;
  }

  /** The bytes a value takes in a page: UTF-8 for strings, the width for decimals (at most). */
  private static long encodedLength(Object value) {
    if (value instanceof byte[] array) {
      return array.length;
    }
    if (!(value instanceof String text)) {
      return 16;
    }
    long length = text.length();
    for (int k = 0, n = text.length(); k < n; k++) {
      char c = text.charAt(k);
      if (c >= 0x80) {
        // 2 bytes below U+0800; a surrogate pair is 4 bytes for 2 chars; the rest 3 bytes.
        length += c < 0x800 || Character.isSurrogate(c) ? 1 : 2;
      }
    }
    return length;
  }

  private void writePage(long[] bits, Object[] refs, boolean[] nulls, int from, int to)
      throws IOException {
    int rows = to - from;
    int present = gather(bits, refs, nulls, from, to);
    Statistics<?> stats = Statistics.createStats(type);
    stats.incrementNumNulls(rows - present);
    long unencodedBinary = 0;
    BytesInput data;
    Encoding encoding;
    boolean dictionaryPage = !dictionaryFull && present > 0;
    if (dictionaryPage) {
      unencodedBinary = isBinary() ? lookUpBinaries(present, stats) : lookUpLongs(present);
      int size = isBinary() ? binaries.size : longs.size;
      long dictionaryBytes = isBinary() ? binaries.bytes : longs.bytes();
      int width = 32 - Integer.numberOfLeadingZeros(size - 1);
      valueBytes.reset();
      valueBytes.write(width);
      Hybrid.encode(ids, present, width, valueBytes);
      if (!dictionaryJudged) {
        dictionaryJudged = true;
        if (valueBytes.size() + dictionaryBytes >= plainBytes(present, unencodedBinary)) {
          // Not smaller with a dictionary: drop it for this chunk and encode the page plainly.
          dictionaryFull = true;
          longs = null;
          binaries = null;
          dictionaryPage = false;
          stats = Statistics.createStats(type);
          stats.incrementNumNulls(rows - present);
        }
      }
      if (dictionaryPage) {
        dictionaryUsed = true;
        dictionaryFull = dictionaryBytes > pageBytes;
      }
    }
    if (dictionaryPage) {
      if (!isBinary()) {
        longStatistics(present, stats);
      }
      data = valueBytes.view();
      encoding = dictionaryDataEncoding();
    } else {
      if (plain == null) {
        plain = plainProperties.newValuesWriter(descriptor);
      }
      unencodedBinary = isBinary() ? writePlainBinaries(present, stats) : writePlainLongs(present);
      if (!isBinary()) {
        longStatistics(present, stats);
      }
      data = plain.getBytes();
      encoding = plain.getEncoding();
    }
    SizeStatistics sizes =
        new SizeStatistics(
            type,
            physical == PrimitiveTypeName.BINARY ? unencodedBinary : 0,
            new ArrayList<>(),
            new ArrayList<>());
    BytesInput definitions = BytesInput.empty();
    if (optional) {
      levelBytes.reset();
      Hybrid.encode(levels, rows, 1, levelBytes);
      definitions = levelBytes.view();
    }
    if (v2) {
      pages.writePageV2(
          rows,
          rows - present,
          rows,
          BytesInput.empty(),
          definitions,
          encoding,
          data,
          stats,
          sizes,
          null);
    } else {
      writePageV1(rows, definitions, data, encoding, stats, sizes);
    }
    if (plain != null) {
      plain.reset();
    }
  }

  /**
   * A V1 page: definition levels with their length in front, then the values, all compressed; the
   * encodings named are those parquet-java's V1 writer names (deprecated for new formats, expected
   * by V1 readers).
   */
  @SuppressWarnings("deprecation")
  private void writePageV1(
      int rows,
      BytesInput definitions,
      BytesInput data,
      Encoding encoding,
      Statistics<?> stats,
      SizeStatistics sizes)
      throws IOException {
    BytesInput body =
        optional
            ? BytesInput.concat(BytesInput.fromInt(levelBytes.size()), definitions, data)
            : data;
    pages.writePage(
        body,
        rows,
        rows,
        stats,
        sizes,
        null,
        Encoding.BIT_PACKED,
        optional ? Encoding.RLE : Encoding.BIT_PACKED,
        encoding);
  }

  @SuppressWarnings("deprecation")
  private Encoding dictionaryDataEncoding() {
    return v2 ? Encoding.RLE_DICTIONARY : Encoding.PLAIN_DICTIONARY;
  }

  @SuppressWarnings("deprecation")
  private Encoding dictionaryPageEncoding() {
    return v2 ? Encoding.PLAIN : Encoding.PLAIN_DICTIONARY;
  }

  /**
   * Collects the page's definition levels and its non-null values into {@link #page} or {@link
   * #pageKeys}: the batch's own arrays for a required column that needs no conversion, else packed
   * to the front of {@link #values} or {@link #keys}. Returns how many values there are.
   */
  private int gather(long[] bits, Object[] refs, boolean[] nulls, int from, int to) {
    int rows = to - from;
    if (!optional && !decimalColumn && from == 0) {
      page = bits;
      pageKeys = refs;
      return rows;
    }
    if (optional && levels.length < rows) {
      levels = new int[Math.max(rows, levels.length * 2)];
    }
    boolean binary = isBinary();
    if (binary && keys.length < rows) {
      keys = new Object[Math.max(rows, keys.length * 2)];
    } else if (!binary && values.length < rows) {
      values = new long[Math.max(rows, values.length * 2)];
    }
    page = values;
    pageKeys = keys;
    int present = 0;
    for (int i = from; i < to; i++) {
      if (optional) {
        levels[i - from] = nulls[i] ? 0 : 1;
      }
      if (nulls[i]) {
        continue;
      }
      if (binary) {
        Object value = refs[i];
        keys[present++] = value instanceof BigDecimal decimal ? decimalBytes(decimal) : value;
      } else if (refs != null) {
        values[present++] = ((BigDecimal) refs[i]).unscaledValue().longValue();
      } else {
        values[present++] = bits[i];
      }
    }
    return present;
  }

  private byte[] decimalBytes(BigDecimal value) {
    byte[] twos = value.unscaledValue().toByteArray();
    if (physical == PrimitiveTypeName.BINARY) {
      return twos;
    }
    int width = type.getTypeLength();
    byte[] padded = new byte[width];
    byte fill = twos[0] < 0 ? (byte) -1 : 0;
    int pad = width - twos.length;
    Arrays.fill(padded, 0, pad, fill);
    System.arraycopy(twos, 0, padded, pad, twos.length);
    return padded;
  }

  /** Maps the page's values to dictionary ids; returns their unencoded size (0: not binary). */
  private long lookUpLongs(int present) {
    ensureIds(present);
    LongDictionary dictionary = longs;
    for (int k = 0; k < present; k++) {
      ids[k] = dictionary.idOf(page[k]);
    }
    return 0;
  }

  /**
   * Maps the page's byte arrays to dictionary ids and takes min and max over the distinct values;
   * returns the unencoded bytes of the values.
   */
  private long lookUpBinaries(int present, Statistics<?> stats) {
    ensureIds(present);
    BinaryDictionary dictionary = binaries;
    int page = ++dictionary.page;
    int min = -1;
    int max = -1;
    long bytes = 0;
    for (int k = 0; k < present; k++) {
      int id = dictionary.idOf(pageKeys[k]);
      ids[k] = id;
      byte[] value = dictionary.entries[id];
      bytes += value.length;
      if (dictionary.seenOnPage[id] != page) {
        dictionary.seenOnPage[id] = page;
        if (min < 0 || binaryOrder.compare(value, dictionary.entries[min]) < 0) {
          min = id;
        }
        if (max < 0 || binaryOrder.compare(value, dictionary.entries[max]) > 0) {
          max = id;
        }
      }
    }
    if (min >= 0) {
      stats.updateStats(Binary.fromConstantByteArray(dictionary.entries[min]));
      stats.updateStats(Binary.fromConstantByteArray(dictionary.entries[max]));
    }
    return bytes;
  }

  /** The size of the page's values PLAIN-encoded, what a dictionary has to beat. */
  private long plainBytes(int present, long unencodedBinary) {
    return switch (physical) {
      case BINARY -> unencodedBinary + 4L * present;
      case FIXED_LEN_BYTE_ARRAY -> unencodedBinary;
      case INT32, FLOAT -> 4L * present;
      default -> 8L * present;
    };
  }

  private void ensureIds(int present) {
    if (ids.length < present) {
      ids = new int[Math.max(present, ids.length * 2)];
    }
  }

  private long writePlainLongs(int present) {
    ValuesWriter writer = plain;
    switch (physical) {
      case INT32 -> {
        for (int k = 0; k < present; k++) {
          writer.writeInteger((int) page[k]);
        }
      }
      case INT64 -> {
        for (int k = 0; k < present; k++) {
          writer.writeLong(page[k]);
        }
      }
      case DOUBLE -> {
        for (int k = 0; k < present; k++) {
          writer.writeDouble(Double.longBitsToDouble(page[k]));
        }
      }
      case FLOAT -> {
        for (int k = 0; k < present; k++) {
          writer.writeFloat(Float.intBitsToFloat((int) page[k]));
        }
      }
      case BOOLEAN -> {
        for (int k = 0; k < present; k++) {
          writer.writeBoolean(page[k] != 0);
        }
      }
      default -> throw new IllegalStateException("Unexpected column type " + physical);
    }
    return 0;
  }

  private long writePlainBinaries(int present, Statistics<?> stats) {
    byte[] min = null;
    byte[] max = null;
    long bytes = 0;
    for (int k = 0; k < present; k++) {
      byte[] value = utf8(pageKeys[k]);
      bytes += value.length;
      if (min == null || binaryOrder.compare(value, min) < 0) {
        min = value;
      }
      if (max == null || binaryOrder.compare(value, max) > 0) {
        max = value;
      }
      plain.writeBytes(Binary.fromConstantByteArray(value));
    }
    if (min != null) {
      stats.updateStats(Binary.fromConstantByteArray(min));
      stats.updateStats(Binary.fromConstantByteArray(max));
    }
    return bytes;
  }

  /** Min, max and NaN count of the page's primitive values, over the packed array. */
  private void longStatistics(int present, Statistics<?> stats) {
    if (present == 0) {
      return;
    }
    long[] v = page;
    switch (physical) {
      case INT32, INT64 -> {
        long min = v[0];
        long max = v[0];
        for (int k = 1; k < present; k++) {
          min = Math.min(min, v[k]);
          max = Math.max(max, v[k]);
        }
        if (physical == PrimitiveTypeName.INT32) {
          stats.updateStats((int) min);
          stats.updateStats((int) max);
        } else {
          stats.updateStats(min);
          stats.updateStats(max);
        }
      }
      case DOUBLE -> {
        double min = Double.POSITIVE_INFINITY;
        double max = Double.NEGATIVE_INFINITY;
        long nan = 0;
        for (int k = 0; k < present; k++) {
          double d = Double.longBitsToDouble(v[k]);
          if (Double.isNaN(d)) {
            nan++;
          } else {
            min = d < min ? d : min;
            max = d > max ? d : max;
          }
        }
        if (nan < present) {
          // Statistics normalise a zero to -0.0 as min and +0.0 as max, as parquet-java's own do.
          stats.updateStats(min);
          stats.updateStats(max);
        }
        stats.incrementNanCount(nan);
      }
      case FLOAT -> {
        float min = Float.POSITIVE_INFINITY;
        float max = Float.NEGATIVE_INFINITY;
        long nan = 0;
        for (int k = 0; k < present; k++) {
          float f = Float.intBitsToFloat((int) v[k]);
          if (Float.isNaN(f)) {
            nan++;
          } else {
            min = f < min ? f : min;
            max = f > max ? f : max;
          }
        }
        if (nan < present) {
          stats.updateStats(min);
          stats.updateStats(max);
        }
        stats.incrementNanCount(nan);
      }
      case BOOLEAN -> {
        boolean anyFalse = false;
        boolean anyTrue = false;
        for (int k = 0; k < present; k++) {
          anyTrue |= v[k] != 0;
          anyFalse |= v[k] == 0;
        }
        stats.updateStats(!anyFalse);
        stats.updateStats(anyTrue);
      }
      default -> throw new IllegalStateException("Unexpected column type " + physical);
    }
  }

  /**
   * Ends the column chunk: writes its dictionary page if any page used the dictionary (the page
   * writer puts it before the data pages in the file).
   */
  void finishChunk() throws IOException {
    if (dictionaryUsed) {
      valueBytes.reset();
      int size;
      if (isBinary()) {
        size = binaries.size;
        for (int id = 0; id < size; id++) {
          byte[] entry = binaries.entries[id];
          if (physical == PrimitiveTypeName.BINARY) {
            valueBytes.writeIntLittleEndian(entry.length);
          }
          valueBytes.write(entry);
        }
      } else {
        size = longs.size;
        boolean narrow = physical == PrimitiveTypeName.INT32 || physical == PrimitiveTypeName.FLOAT;
        for (int id = 0; id < size; id++) {
          if (narrow) {
            valueBytes.writeIntLittleEndian((int) longs.entries[id]);
          } else {
            valueBytes.writeLongLittleEndian(longs.entries[id]);
          }
        }
      }
      pages.writeDictionaryPage(
          new DictionaryPage(valueBytes.view(), size, dictionaryPageEncoding()));
    }
    longs = null;
    binaries = null;
    pages = null;
  }

  /** A string's UTF-8 bytes, from a small cache since labels and ids repeat; byte arrays as is. */
  private byte[] utf8(Object value) {
    if (!(value instanceof String text)) {
      return (byte[]) value;
    }
    int slot = text.hashCode() & (TEXT_CACHE - 1);
    if (text.equals(cachedText[slot])) {
      return cachedUtf8[slot];
    }
    byte[] encoded = text.getBytes(StandardCharsets.UTF_8);
    cachedText[slot] = text;
    cachedUtf8[slot] = encoded;
    return encoded;
  }

  /**
   * Dictionary of 32- and 64-bit values by their bits: open addressing with linear probing, ids in
   * insertion order. A slot's key and id sit side by side in one array, so a lookup costs one cache
   * miss, not two: with tens of thousands of distinct doubles the table outgrows the L2 cache, and
   * the lookups were then a third of all encoding time.
   */
  private final class LongDictionary {
    /** Slot {@code s} is {@code [2s]} the key, {@code [2s + 1]} the id + 1 (0: empty). */
    private long[] table = new long[2 * 64];

    /** 64 minus the bits of a slot number: slots come from the top bits of the mixed key. */
    private int shift = 64 - 6;

    long[] entries = new long[64];
    int size;

    int idOf(long key) {
      long[] t = table;
      int mask = (t.length >> 1) - 1;
      for (int at = slot(key); ; at = (at + 1) & mask) {
        long id = t[2 * at + 1];
        if (id == 0) {
          return add(key, at);
        }
        if (t[2 * at] == key) {
          return (int) id - 1;
        }
      }
    }

    /**
     * Fibonacci hashing: the top bits of the key times 2^64/phi. Low bits would cluster: values
     * such as 0.1234 differ mostly in high bits, and probing ran 20 slots deep on average.
     */
    private int slot(long key) {
      return (int) ((key * 0x9E37_79B9_7F4A_7C15L) >>> shift);
    }

    private int add(long key, int at) {
      if (size == entries.length) {
        entries = Arrays.copyOf(entries, size * 2);
      }
      entries[size] = key;
      table[2 * at] = key;
      table[2 * at + 1] = ++size;
      if (size * 2 > table.length >> 1) {
        rehash();
      }
      return size - 1;
    }

    private void rehash() {
      table = new long[table.length * 2];
      shift--;
      int mask = (table.length >> 1) - 1;
      for (int id = 0; id < size; id++) {
        long key = entries[id];
        int at = slot(key);
        while (table[2 * at + 1] != 0) {
          at = (at + 1) & mask;
        }
        table[2 * at] = key;
        table[2 * at + 1] = id + 1L;
      }
    }

    long bytes() {
      boolean narrow = physical == PrimitiveTypeName.INT32 || physical == PrimitiveTypeName.FLOAT;
      return (long) size * (narrow ? 4 : 8);
    }
  }

  /**
   * Dictionary of strings (by value: their hash codes are cached, so a lookup encodes nothing) and
   * byte arrays (by content); an entry's UTF-8 bytes are made once, when it is added.
   */
  private final class BinaryDictionary {
    private Object[] table = new Object[64];
    private int[] hashes = new int[64];
    private int[] slots = new int[64];
    private int shift = 32 - 6;
    byte[][] entries = new byte[64][];
    int[] seenOnPage = new int[64];
    int page;
    int size;
    long bytes;

    int idOf(Object key) {
      int hash = key instanceof String text ? text.hashCode() : Arrays.hashCode((byte[]) key);
      int mask = table.length - 1;
      for (int at = spread(hash); ; at = (at + 1) & mask) {
        int slot = slots[at];
        if (slot == 0) {
          return add(key, hash, at);
        }
        if (hashes[at] == hash && same(table[at], key)) {
          return slot - 1;
        }
      }
    }

    private boolean same(Object stored, Object key) {
      return key instanceof String
          ? key.equals(stored)
          : Arrays.equals((byte[]) stored, (byte[]) key);
    }

    private int add(Object key, int hash, int at) {
      if (size == entries.length) {
        entries = Arrays.copyOf(entries, size * 2);
        seenOnPage = Arrays.copyOf(seenOnPage, size * 2);
      }
      byte[] encoded =
          key instanceof String text ? text.getBytes(StandardCharsets.UTF_8) : (byte[]) key;
      entries[size] = encoded;
      bytes += encoded.length + (physical == PrimitiveTypeName.BINARY ? 4 : 0);
      table[at] = key;
      hashes[at] = hash;
      slots[at] = ++size;
      if (size * 2 > table.length) {
        rehash();
      }
      return size - 1;
    }

    private void rehash() {
      Object[] oldTable = table;
      int[] oldHashes = hashes;
      int[] oldSlots = slots;
      table = new Object[oldTable.length * 2];
      hashes = new int[oldTable.length * 2];
      slots = new int[oldTable.length * 2];
      shift--;
      int mask = table.length - 1;
      for (int i = 0; i < oldTable.length; i++) {
        if (oldSlots[i] != 0) {
          int at = spread(oldHashes[i]);
          while (slots[at] != 0) {
            at = (at + 1) & mask;
          }
          table[at] = oldTable[i];
          hashes[at] = oldHashes[i];
          slots[at] = oldSlots[i];
        }
      }
    }

    /** Fibonacci hashing of the hash code: its top bits pick the slot. */
    private int spread(int hash) {
      return (hash * 0x9E37_79B9) >>> shift;
    }
  }
}
