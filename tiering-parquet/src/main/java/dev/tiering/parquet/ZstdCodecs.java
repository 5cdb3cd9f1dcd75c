package dev.tiering.parquet;

import com.github.luben.zstd.Zstd;
import com.github.luben.zstd.ZstdCompressCtx;
import com.github.luben.zstd.ZstdDecompressCtx;
import java.io.IOException;
import java.nio.ByteBuffer;
import org.apache.parquet.bytes.BytesInput;
import org.apache.parquet.compression.CompressionCodecFactory;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;

/**
 * zstd for Parquet pages straight through zstd-jni contexts on byte arrays, without Hadoop's
 * codec streams. Every {@code getCompressor} call returns a new compressor, so each column can be
 * encoded on its own thread; a compressor reuses its output buffer between pages.
 *
 * <p>Each compressor and decompressor holds a native zstd context. The factory keeps every one it
 * handed out and closes them all in {@link #release()}, which the Parquet reader calls when it is
 * closed and the SDK's writer when it finishes or is discarded: native memory is given back then,
 * not whenever the garbage collector gets to it (with a small heap, never soon enough: the
 * process grew by tens of kilobytes per file read). Thread-safe.
 */
final class ZstdCodecs implements CompressionCodecFactory {

  private final int level;
  private final java.util.List<AutoCloseable> contexts = new java.util.ArrayList<>();

  ZstdCodecs(int level) {
    if (level < Zstd.minCompressionLevel() || level > Zstd.maxCompressionLevel()) {
      throw new IllegalArgumentException("Invalid zstd level " + level + " (use "
          + Zstd.minCompressionLevel() + " to " + Zstd.maxCompressionLevel() + "; 3 is fast, 5 compact)");
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
    return track(new Decompressor());
  }

  private synchronized <T extends AutoCloseable> T track(T codec) {
    contexts.add(codec);
    return codec;
  }

  /** Closes the native context of every compressor and decompressor handed out so far. */
  @Override
  public synchronized void release() {
    for (AutoCloseable context : contexts) {
      try {
        context.close();
      } catch (Exception e) {
        throw new IllegalStateException("Cannot release a zstd context: " + e, e);
      }
    }
    contexts.clear();
  }

  private static void requireZstd(CompressionCodecName codecName) {
    if (codecName != CompressionCodecName.ZSTD) {
      throw new IllegalArgumentException("Unsupported Parquet codec " + codecName
          + " (the SDK writes and reads ZSTD; read other files with a general Parquet reader)");
    }
  }

  private static final class Compressor implements BytesInputCompressor, AutoCloseable {
    private final ZstdCompressCtx context = new ZstdCompressCtx();
    private byte[] output = new byte[0];

    Compressor(int level) {
      context.setLevel(level);
    }

    @Override
    public BytesInput compress(BytesInput bytes) throws IOException {
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
      context.close();
    }

    @Override
    public void close() {
      context.close();
    }
  }

  private static final class Decompressor implements BytesInputDecompressor, AutoCloseable {
    private final ZstdDecompressCtx context = new ZstdDecompressCtx();

    @Override
    public BytesInput decompress(BytesInput bytes, int decompressedSize) throws IOException {
      byte[] input = bytes.toByteArray();
      // A fresh array per page: the reader may keep the returned bytes while reading the next page.
      byte[] output = new byte[decompressedSize];
      int size = context.decompressByteArray(output, 0, decompressedSize, input, 0, input.length);
      if (size != decompressedSize) {
        throw new IOException("Corrupt zstd page: " + size + " bytes, expected " + decompressedSize);
      }
      return BytesInput.from(output);
    }

    @Override
    public void decompress(ByteBuffer input, int compressedSize, ByteBuffer output,
        int decompressedSize) throws IOException {
      byte[] in = new byte[compressedSize];
      input.get(in);
      output.put(decompress(BytesInput.from(in), decompressedSize).toByteArray());
    }

    @Override
    public void release() {
      context.close();
    }

    @Override
    public void close() {
      context.close();
    }
  }

  private static final class Identity implements BytesInputDecompressor {
    @Override
    public BytesInput decompress(BytesInput bytes, int decompressedSize) {
      return bytes;
    }

    @Override
    public void decompress(ByteBuffer input, int compressedSize, ByteBuffer output,
        int decompressedSize) {
      ByteBuffer slice = input.slice();
      slice.limit(compressedSize);
      output.put(slice);
      input.position(input.position() + compressedSize);
    }

    @Override
    public void release() {}
  }
}
