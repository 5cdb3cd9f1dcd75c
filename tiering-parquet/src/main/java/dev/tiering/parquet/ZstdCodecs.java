package dev.tiering.parquet;

import com.github.luben.zstd.Zstd;
import com.github.luben.zstd.ZstdCompressCtx;
import com.github.luben.zstd.ZstdDecompressCtx;
import java.io.IOException;
import java.nio.ByteBuffer;
import org.apache.parquet.bytes.BytesInput;
import org.apache.parquet.compression.CompressionCodecFactory;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * zstd for Parquet pages straight through zstd-jni contexts on byte arrays, without Hadoop's codec
 * streams. Every {@code getCompressor} call returns a new compressor, so each column can be encoded
 * on its own thread; a compressor reuses its output buffer between pages.
 *
 * <p>Each compressor and decompressor holds a native zstd context. The factory keeps every one it
 * handed out and closes them all in {@link #release()}, which the Parquet reader calls when it is
 * closed and the SDK's writer when it finishes or is discarded: native memory is given back then,
 * not whenever the garbage collector gets to it (with a small heap, never soon enough: the process
 * grew by tens of kilobytes per file read). Thread-safe.
 */
final class ZstdCodecs implements CompressionCodecFactory {

  private static final Logger log = LoggerFactory.getLogger(ZstdCodecs.class);

  private final int level;
  private final boolean concurrentReads;
  private final java.util.List<AutoCloseable> contexts = new java.util.ArrayList<>();
  private BytesInputDecompressor decompressor;

  ZstdCodecs(int level) {
    this(level, false);
  }

  /**
   * Codecs whose decompressor may be called from several threads at once (the columnar reader
   * decodes the columns of a row group in parallel): it keeps one native context per thread that
   * decompresses at the same time, instead of making them wait for a single one.
   */
  static ZstdCodecs forConcurrentReads(int level) {
    return new ZstdCodecs(level, true);
  }

  private ZstdCodecs(int level, boolean concurrentReads) {
    this.concurrentReads = concurrentReads;
    if (level < Zstd.minCompressionLevel() || level > Zstd.maxCompressionLevel()) {
      throw new IllegalArgumentException(
          "Invalid zstd level "
              + level
              + " (use "
              + Zstd.minCompressionLevel()
              + " to "
              + Zstd.maxCompressionLevel()
              + "; 3 is fast, 5 compact)");
    }
    this.level = level;
  }

  @Override
  public BytesInputCompressor getCompressor(CompressionCodecName codecName) {
    return getCompressor(codecName, level);
  }

  @Override
  public BytesInputCompressor getCompressor(CompressionCodecName codecName, int columnLevel) {
    requireZstd(codecName);
    return track(new Compressor(columnLevel));
  }

  @Override
  public BytesInputDecompressor getDecompressor(CompressionCodecName codecName) {
    if (codecName == CompressionCodecName.UNCOMPRESSED) {
      return new Identity();
    }
    requireZstd(codecName);
    // One per factory, as parquet-java's own factory does: a reader asks for one per column
    // chunk, and a file of many row groups would otherwise hold a native context for each.
    synchronized (this) {
      if (decompressor == null) {
        decompressor =
            concurrentReads ? track(new PooledDecompressor()) : track(new Decompressor());
      }
      return decompressor;
    }
  }

  private synchronized <T extends AutoCloseable> T track(T codec) {
    contexts.add(codec);
    return codec;
  }

  /**
   * Closes the native context of every compressor and decompressor handed out so far. Never throws
   * (it runs in cleanup paths, where it must not hide the error being handled): a context that
   * cannot be closed, because a thread still uses it, is logged and kept for the next call.
   */
  @Override
  public synchronized void release() {
    java.util.List<AutoCloseable> busy = new java.util.ArrayList<>();
    for (AutoCloseable context : contexts) {
      try {
        context.close();
      } catch (Exception | Error e) {
        busy.add(context);
        log.warn(
            "Cannot release a zstd context yet, keeping it for the next release: {}", e.toString());
      }
    }
    contexts.clear();
    contexts.addAll(busy);
    decompressor = null;
  }

  /** zstd cannot expand data more than this (a 1-byte RLE block holds 128 KiB). */
  private static final long MAX_EXPANSION = 131_072;

  /**
   * Refuses a page whose header claims more bytes than its compressed frame can hold, before
   * allocating them: a damaged or crafted header must not make a small file take gigabytes. The
   * frame's own content size, when it declares one, must match the claim exactly.
   */
  static void checkClaimedSize(byte[] input, int claimed) throws IOException {
    long declared = Zstd.getFrameContentSize(input, 0, input.length);
    if (declared >= 0 && declared != claimed) {
      throw new IOException(
          "Corrupt zstd page: its header says "
              + claimed
              + " bytes, its compressed frame "
              + declared);
    }
    if (claimed < 0 || claimed > (long) input.length * MAX_EXPANSION + 65_536) {
      throw new IOException(
          "Corrupt zstd page: its header says "
              + claimed
              + " bytes, more than "
              + input.length
              + " compressed bytes can hold");
    }
  }

  private static void requireZstd(CompressionCodecName codecName) {
    if (codecName != CompressionCodecName.ZSTD) {
      throw new IllegalArgumentException(
          "Unsupported Parquet codec "
              + codecName
              + " (the SDK writes and reads ZSTD; read other files with a general Parquet reader)");
    }
  }

  private static final class Compressor implements BytesInputCompressor, AutoCloseable {
    private final ZstdCompressCtx context = new ZstdCompressCtx();
    private byte[] output = new byte[0];

    Compressor(int level) {
      context.setLevel(level);
    }

    // BytesInput.toByteArray is deprecated for the copy it may make; zstd-jni's array API needs
    // the bytes in one array, and the direct-buffer path belongs to the read-path work (#18).
    @SuppressWarnings("deprecation")
    @Override
    public synchronized BytesInput compress(BytesInput bytes) throws IOException {
      byte[] input = bytes.toByteArray();
      int bound = (int) Zstd.compressBound(input.length);
      if (output.length < bound) {
        output = new byte[bound];
      }
      int size = context.compressByteArray(output, 0, output.length, input, 0, input.length);
      return BytesInput.from(output, 0, size);
    }

    @Override
    public CompressionCodecName getCodecName() {
      return CompressionCodecName.ZSTD;
    }

    @Override
    public void release() {
      close();
    }

    /** Waits for a page in progress on another thread: a context in use is never freed. */
    @Override
    public synchronized void close() {
      context.close();
    }
  }

  /**
   * Decompresses pages with a native context it borrows per page: the one place that checks a
   * page's claimed size, allocates its bytes and decompresses them.
   */
  private abstract static class PageDecompressor implements BytesInputDecompressor, AutoCloseable {

    /** A context for one page; given back when the page is done. */
    abstract ZstdDecompressCtx borrow();

    abstract void giveBack(ZstdDecompressCtx context);

    @SuppressWarnings("deprecation") // See Compressor.compress.
    @Override
    public BytesInput decompress(BytesInput bytes, int decompressedSize) throws IOException {
      byte[] input = bytes.toByteArray();
      checkClaimedSize(input, decompressedSize);
      // A fresh array per page: the reader may keep the returned bytes while reading the next page.
      byte[] output = new byte[decompressedSize];
      ZstdDecompressCtx context = borrow();
      try {
        int size = context.decompressByteArray(output, 0, decompressedSize, input, 0, input.length);
        if (size != decompressedSize) {
          throw new IOException(
              "Corrupt zstd page: " + size + " bytes, expected " + decompressedSize);
        }
      } finally {
        giveBack(context);
      }
      return BytesInput.from(output);
    }

    @SuppressWarnings("deprecation") // See Compressor.compress.
    @Override
    public void decompress(
        ByteBuffer input, int compressedSize, ByteBuffer output, int decompressedSize)
        throws IOException {
      byte[] in = new byte[compressedSize];
      input.get(in);
      output.put(decompress(BytesInput.from(in), decompressedSize).toByteArray());
    }

    /** Shared by the factory's readers: closed by the factory's release, not by one user. */
    @Override
    public void release() {}
  }

  /** One context for every page, one page at a time. */
  private static final class Decompressor extends PageDecompressor {
    private final ZstdDecompressCtx context = new ZstdDecompressCtx();

    @Override
    ZstdDecompressCtx borrow() {
      return context;
    }

    @Override
    void giveBack(ZstdDecompressCtx context) {}

    @Override
    public synchronized BytesInput decompress(BytesInput bytes, int decompressedSize)
        throws IOException {
      return super.decompress(bytes, decompressedSize);
    }

    /** Waits for a page in progress on another thread: a context in use is never freed. */
    @Override
    public synchronized void close() {
      context.close();
    }
  }

  /**
   * A decompressor for concurrent callers: each page borrows an idle native context or makes one,
   * so there are never more contexts than pages at once. All are closed by the factory's release.
   */
  private static final class PooledDecompressor extends PageDecompressor {
    private final java.util.concurrent.ConcurrentLinkedDeque<ZstdDecompressCtx> idle =
        new java.util.concurrent.ConcurrentLinkedDeque<>();
    private final java.util.List<ZstdDecompressCtx> all =
        java.util.Collections.synchronizedList(new java.util.ArrayList<>());

    @Override
    ZstdDecompressCtx borrow() {
      ZstdDecompressCtx context = idle.pollFirst();
      if (context == null) {
        context = new ZstdDecompressCtx();
        all.add(context);
      }
      return context;
    }

    @Override
    void giveBack(ZstdDecompressCtx context) {
      idle.addFirst(context);
    }

    /** Called by the factory's release, after the reader's decoding tasks have all finished. */
    @Override
    public void close() {
      synchronized (all) {
        for (ZstdDecompressCtx context : all) {
          context.close();
        }
        all.clear();
      }
      idle.clear();
    }
  }

  private static final class Identity implements BytesInputDecompressor {
    @Override
    public BytesInput decompress(BytesInput bytes, int decompressedSize) {
      return bytes;
    }

    @Override
    public void decompress(
        ByteBuffer input, int compressedSize, ByteBuffer output, int decompressedSize) {
      ByteBuffer slice = input.slice();
      slice.limit(compressedSize);
      output.put(slice);
      input.position(input.position() + compressedSize);
    }

    @Override
    public void release() {}
  }
}
