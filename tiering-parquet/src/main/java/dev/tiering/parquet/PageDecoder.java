package dev.tiering.parquet;

import dev.tiering.schema.FieldType;
import java.io.IOException;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import org.apache.parquet.bytes.ByteBufferInputStream;
import org.apache.parquet.column.ColumnDescriptor;
import org.apache.parquet.column.Dictionary;
import org.apache.parquet.column.Encoding;
import org.apache.parquet.column.ValuesType;
import org.apache.parquet.column.page.DataPage;
import org.apache.parquet.column.page.DataPageV1;
import org.apache.parquet.column.page.DataPageV2;
import org.apache.parquet.column.page.DictionaryPage;
import org.apache.parquet.column.page.PageReader;
import org.apache.parquet.column.values.ValuesReader;
import org.apache.parquet.io.api.Binary;
import org.apache.parquet.schema.PrimitiveType.PrimitiveTypeName;

/**
 * Decodes one column chunk, page by page, into typed arrays and null masks, as many rows at a time
 * as the caller asks for (a batch may end in the middle of a page and the next one go on from
 * there). Definition levels and dictionary indices (the RLE/bit-packed hybrid) are decoded here in
 * bulk, from the page's bytes; a dictionary is decoded once per chunk into the output's own type,
 * and each row copies its entry. Pages of any other encoding (the writer falls back to plain or
 * delta when a dictionary grows too large) are read through parquet-java's own value readers.
 * Profiling the scan through parquet-java's column readers showed a third of the time in its hybrid
 * decoder's byte-by-byte stream reads; this is why the decoding is done here.
 *
 * <p>Flat columns only (no repetition), as every table the SDK writes.
 */
final class PageDecoder {

  private final ColumnDescriptor descriptor;
  private final PageReader pages;
  private final FieldType.Kind want;
  private final FieldType stored;
  private final int maxDefinition;
  private final long rows;

  private boolean started;
  private long consumed;
  private long loaded;
  private Object dictionary;
  private int[] levels = new int[0];
  private int[] ids = new int[0];
  private TextCache texts;

  // The page being read: its row count, the next row, the next present value's id, and the
  // reader of a page that is not dictionary-encoded.
  private int pageRows;
  private int pageRow;
  private int nextId;
  private boolean pageHasLevels;
  private boolean pageUsesDictionary;
  private ValuesReader pageValues;

  PageDecoder(
      ColumnDescriptor descriptor,
      PageReader pages,
      FieldType.Kind want,
      FieldType stored,
      long rows) {
    this.descriptor = descriptor;
    this.pages = pages;
    this.want = want;
    this.stored = stored;
    this.maxDefinition = descriptor.getMaxDefinitionLevel();
    this.rows = rows;
  }

  /**
   * Decodes the chunk's next {@code n} rows into {@code out} (an array of the wanted type, see
   * {@link ColumnarReader#empty}) and {@code nulls} (null for a required column), from index 0.
   *
   * @return whether any of the rows is null
   * @throws IOException if a page is damaged, or the chunk ends before its row group's rows
   */
  boolean fill(Object out, boolean[] nulls, int n) throws IOException {
    if (!started) {
      start();
    }
    if (consumed + n > rows) {
      throw new IOException(tooMany(consumed + n));
    }
    boolean anyNull = false;
    int at = 0;
    while (at < n) {
      if (pageRow == pageRows && !nextPage()) {
        throw new IOException(
            "Column "
                + descriptor.getPath()[0]
                + " ends after "
                + (consumed + at)
                + " values, but its row group has "
                + rows
                + " rows");
      }
      int k = Math.min(n - at, pageRows - pageRow);
      anyNull |= copy(out, nulls, at, k);
      pageRow += k;
      at += k;
    }
    consumed += n;
    return anyNull;
  }

  /**
   * Checks that the chunk held exactly its row group's rows, once they are all read.
   *
   * @throws IOException if a page or values are left over
   */
  void finish() throws IOException {
    if (pageRow != pageRows || (started && pages.readPage() != null)) {
      throw new IOException(tooMany(consumed + 1));
    }
  }

  private void start() throws IOException {
    started = true;
    if (descriptor.getMaxRepetitionLevel() != 0) {
      throw new IOException(
          "Column "
              + String.join(".", descriptor.getPath())
              + " is repeated, which the SDK does"
              + " not read (read the file with a general Parquet reader)");
    }
    DictionaryPage dictionaryPage = pages.readDictionaryPage();
    if (dictionaryPage != null) {
      // Every entry takes at least a byte: a larger count is a damaged header, refused before
      // parquet-java allocates arrays for it.
      if (dictionaryPage.getDictionarySize() < 0
          || dictionaryPage.getDictionarySize() > dictionaryPage.getUncompressedSize()) {
        throw new IOException(
            "Column "
                + descriptor.getPath()[0]
                + " has a dictionary of "
                + dictionaryPage.getDictionarySize()
                + " entries in "
                + dictionaryPage.getUncompressedSize()
                + " bytes");
      }
      dictionary =
          dictionary(dictionaryPage.getEncoding().initDictionary(descriptor, dictionaryPage));
    }
  }

  /** Reads and prepares the next page; false if the chunk has no more. */
  private boolean nextPage() throws IOException {
    DataPage page = pages.readPage();
    if (page == null) {
      return false;
    }
    int count = page.getValueCount();
    if (count < 0 || loaded + count > rows) {
      throw new IOException(tooMany(loaded + count));
    }
    loaded += count;
    ByteBuffer definitions;
    ByteBuffer data;
    Encoding encoding;
    if (page instanceof DataPageV2 v2) {
      definitions = maxDefinition == 0 ? null : bytes(v2.getDefinitionLevels());
      data = bytes(v2.getData());
      encoding = v2.getDataEncoding();
    } else {
      DataPageV1 v1 = (DataPageV1) page;
      ByteBuffer all = bytes(v1.getBytes());
      definitions = null;
      if (maxDefinition > 0) {
        int length = all.order(ByteOrder.LITTLE_ENDIAN).getInt(all.position());
        definitions = all.duplicate();
        definitions.position(all.position() + 4).limit(all.position() + 4 + length);
        all.position(all.position() + 4 + length);
      }
      data = all.slice();
      encoding = v1.getValueEncoding();
    }
    int present = count;
    pageHasLevels = definitions != null;
    if (pageHasLevels) {
      levels = grow(levels, count);
      Hybrid.decode(definitions, bitWidth(maxDefinition), levels, count);
      for (int i = 0; i < count; i++) {
        if (levels[i] != maxDefinition) {
          present--;
        }
      }
      if (page instanceof DataPageV2 v2 && v2.getNullCount() != count - present) {
        throw new IOException(
            "Column "
                + descriptor.getPath()[0]
                + " has a page whose levels hold "
                + (count - present)
                + " nulls, but its header says "
                + v2.getNullCount());
      }
    }
    pageUsesDictionary = encoding.usesDictionary();
    if (pageUsesDictionary) {
      if (dictionary == null) {
        throw new IOException(
            "Column "
                + descriptor.getPath()[0]
                + " has a dictionary-encoded page but no"
                + " dictionary");
      }
      int width = data.get() & 0xFF;
      ids = grow(ids, present);
      Hybrid.decode(data, width, ids, present);
      pageValues = null;
    } else {
      pageValues = encoding.getValuesReader(descriptor, ValuesType.VALUES);
      pageValues.initFromPage(present, ByteBufferInputStream.wrap(data));
    }
    pageRows = count;
    pageRow = 0;
    nextId = 0;
    return true;
  }

  /**
   * Copies the page's rows {@code pageRow ..} into {@code out} from {@code at}; true if any null.
   */
  private boolean copy(Object out, boolean[] nulls, int at, int k) {
    boolean anyNull = false;
    if (pageHasLevels) {
      for (int i = 0; i < k; i++) {
        if (levels[pageRow + i] != maxDefinition) {
          nulls[at + i] = true;
          anyNull = true;
        }
      }
    }
    if (pageUsesDictionary) {
      fromDictionary(out, nulls, at, k, anyNull);
    } else {
      plain(pageValues, out, nulls, at, k, anyNull);
    }
    return anyNull;
  }

  private String tooMany(long found) {
    return "Column "
        + descriptor.getPath()[0]
        + " holds "
        + found
        + " values, but its row group"
        + " has "
        + rows
        + " rows";
  }

  // Deprecated for the copy it may make; a page's bytes are read once, whole, here.
  @SuppressWarnings("deprecation")
  private static ByteBuffer bytes(org.apache.parquet.bytes.BytesInput input) throws IOException {
    return input.toByteBuffer();
  }

  private static int[] grow(int[] array, int size) {
    return array.length >= size ? array : new int[Math.max(size, array.length * 2)];
  }

  private static int bitWidth(int max) {
    return 32 - Integer.numberOfLeadingZeros(max);
  }

  /** The dictionary's entries in the output's own type, decoded once. */
  private Object dictionary(Dictionary d) {
    int size = d.getMaxId() + 1;
    PrimitiveTypeName physical = descriptor.getPrimitiveType().getPrimitiveTypeName();
    switch (want) {
      case INT64, TIMESTAMP -> {
        long[] out = new long[size];
        for (int i = 0; i < size; i++) {
          out[i] = physical == PrimitiveTypeName.INT32 ? d.decodeToInt(i) : d.decodeToLong(i);
        }
        return out;
      }
      case INT32, DATE -> {
        int[] out = new int[size];
        for (int i = 0; i < size; i++) {
          out[i] = d.decodeToInt(i);
        }
        return out;
      }
      case FLOAT64 -> {
        double[] out = new double[size];
        for (int i = 0; i < size; i++) {
          out[i] = physical == PrimitiveTypeName.FLOAT ? d.decodeToFloat(i) : d.decodeToDouble(i);
        }
        return out;
      }
      case FLOAT32 -> {
        float[] out = new float[size];
        for (int i = 0; i < size; i++) {
          out[i] = d.decodeToFloat(i);
        }
        return out;
      }
      case BOOLEAN -> {
        boolean[] out = new boolean[size];
        for (int i = 0; i < size; i++) {
          out[i] = d.decodeToBoolean(i);
        }
        return out;
      }
      case STRING -> {
        String[] out = new String[size];
        for (int i = 0; i < size; i++) {
          out[i] = d.decodeToBinary(i).toStringUsingUTF8();
        }
        return out;
      }
      case BINARY -> {
        byte[][] out = new byte[size][];
        for (int i = 0; i < size; i++) {
          out[i] = d.decodeToBinary(i).getBytes();
        }
        return out;
      }
      case DECIMAL -> {
        BigDecimal[] out = new BigDecimal[size];
        for (int i = 0; i < size; i++) {
          BigInteger unscaled =
              switch (physical) {
                case INT32 -> BigInteger.valueOf(d.decodeToInt(i));
                case INT64 -> BigInteger.valueOf(d.decodeToLong(i));
                default -> new BigInteger(d.decodeToBinary(i).getBytes());
              };
          out[i] = new BigDecimal(unscaled, stored.scale());
        }
        return out;
      }
      default -> throw new IllegalStateException("Unknown type " + want);
    }
  }

  /** Copies each present row's dictionary entry; ids holds one id per present row. */
  private void fromDictionary(Object out, boolean[] nulls, int at, int k, boolean hasNulls) {
    switch (want) {
      case INT64, TIMESTAMP -> {
        long[] target = (long[]) out;
        long[] dict = (long[]) dictionary;
        for (int i = 0; i < k; i++) {
          if (!hasNulls || !nulls[at + i]) {
            target[at + i] = dict[ids[nextId++]];
          }
        }
      }
      case INT32, DATE -> {
        int[] target = (int[]) out;
        int[] dict = (int[]) dictionary;
        for (int i = 0; i < k; i++) {
          if (!hasNulls || !nulls[at + i]) {
            target[at + i] = dict[ids[nextId++]];
          }
        }
      }
      case FLOAT64 -> {
        double[] target = (double[]) out;
        double[] dict = (double[]) dictionary;
        for (int i = 0; i < k; i++) {
          if (!hasNulls || !nulls[at + i]) {
            target[at + i] = dict[ids[nextId++]];
          }
        }
      }
      case FLOAT32 -> {
        float[] target = (float[]) out;
        float[] dict = (float[]) dictionary;
        for (int i = 0; i < k; i++) {
          if (!hasNulls || !nulls[at + i]) {
            target[at + i] = dict[ids[nextId++]];
          }
        }
      }
      case BOOLEAN -> {
        boolean[] target = (boolean[]) out;
        boolean[] dict = (boolean[]) dictionary;
        for (int i = 0; i < k; i++) {
          if (!hasNulls || !nulls[at + i]) {
            target[at + i] = dict[ids[nextId++]];
          }
        }
      }
      case BINARY -> {
        // A copy per row: the arrays are the caller's to change.
        byte[][] target = (byte[][]) out;
        byte[][] dict = (byte[][]) dictionary;
        for (int i = 0; i < k; i++) {
          if (!hasNulls || !nulls[at + i]) {
            target[at + i] = dict[ids[nextId++]].clone();
          }
        }
      }
      default -> {
        // Strings and decimals are immutable: rows share the dictionary's instances.
        Object[] target = (Object[]) out;
        Object[] dict = (Object[]) dictionary;
        for (int i = 0; i < k; i++) {
          if (!hasNulls || !nulls[at + i]) {
            target[at + i] = dict[ids[nextId++]];
          }
        }
      }
    }
  }

  /** Reads each present row's value with parquet-java's reader for the page's encoding. */
  private void plain(
      ValuesReader reader, Object out, boolean[] nulls, int at, int k, boolean hasNulls) {
    PrimitiveTypeName physical = descriptor.getPrimitiveType().getPrimitiveTypeName();
    for (int i = 0; i < k; i++) {
      if (hasNulls && nulls[at + i]) {
        continue;
      }
      int to = at + i;
      switch (want) {
        case INT64, TIMESTAMP ->
            ((long[]) out)[to] =
                physical == PrimitiveTypeName.INT32 ? reader.readInteger() : reader.readLong();
        case INT32, DATE -> ((int[]) out)[to] = reader.readInteger();
        case FLOAT64 ->
            ((double[]) out)[to] =
                physical == PrimitiveTypeName.FLOAT ? reader.readFloat() : reader.readDouble();
        case FLOAT32 -> ((float[]) out)[to] = reader.readFloat();
        case BOOLEAN -> ((boolean[]) out)[to] = reader.readBoolean();
        case STRING -> ((String[]) out)[to] = text(reader.readBytes());
        case BINARY -> ((byte[][]) out)[to] = reader.readBytes().getBytes();
        case DECIMAL -> {
          BigInteger unscaled =
              switch (physical) {
                case INT32 -> BigInteger.valueOf(reader.readInteger());
                case INT64 -> BigInteger.valueOf(reader.readLong());
                default -> new BigInteger(reader.readBytes().getBytes());
              };
          ((BigDecimal[]) out)[to] = new BigDecimal(unscaled, stored.scale());
        }
        default -> throw new IllegalStateException("Unknown type " + want);
      }
    }
  }

  private String text(Binary value) {
    if (texts == null) {
      texts = new TextCache();
    }
    return texts.decode(value);
  }
}
