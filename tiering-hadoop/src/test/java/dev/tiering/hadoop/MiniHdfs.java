package dev.tiering.hadoop;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.LocatedFileStatus;
import org.apache.hadoop.fs.RemoteIterator;
import org.apache.hadoop.hdfs.DistributedFileSystem;
import org.apache.hadoop.hdfs.MiniDFSCluster;

/** A real HDFS (NameNode and one DataNode) in this JVM, on a local directory. */
final class MiniHdfs implements AutoCloseable {

  final MiniDFSCluster cluster;
  final Path baseDir;

  private MiniHdfs(MiniDFSCluster cluster, Path baseDir) {
    this.cluster = cluster;
    this.baseDir = baseDir;
  }

  static MiniHdfs start() throws IOException {
    Path base = Files.createTempDirectory("minihdfs");
    Configuration conf = new Configuration();
    conf.set(MiniDFSCluster.HDFS_MINIDFS_BASEDIR, base.toString());
    // Small blocks, so that files span several blocks as real ones do.
    conf.setLong("dfs.blocksize", 1024 * 1024);
    conf.setInt("dfs.namenode.fs-limits.min-block-size", 1024);
    return new MiniHdfs(new MiniDFSCluster.Builder(conf).numDataNodes(1).build(), base);
  }

  URI uri() {
    return cluster.getURI();
  }

  DistributedFileSystem fs() throws IOException {
    return cluster.getFileSystem();
  }

  /** Every file under {@code dir} on HDFS, by path. */
  List<org.apache.hadoop.fs.Path> files(String dir) throws IOException {
    List<org.apache.hadoop.fs.Path> files = new ArrayList<>();
    FileSystem fs = fs();
    if (!fs.exists(new org.apache.hadoop.fs.Path(dir))) {
      return files;
    }
    RemoteIterator<LocatedFileStatus> it = fs.listFiles(new org.apache.hadoop.fs.Path(dir), true);
    while (it.hasNext()) {
      files.add(it.next().getPath());
    }
    files.sort(null);
    return files;
  }

  /** Copies HDFS files out to a local directory, for DuckDB. */
  List<Path> copyOut(List<org.apache.hadoop.fs.Path> files, Path localDir) throws IOException {
    List<Path> copies = new ArrayList<>();
    for (org.apache.hadoop.fs.Path file : files) {
      Path copy = localDir.resolve(copies.size() + "-" + file.getName());
      fs().copyToLocalFile(false, file, new org.apache.hadoop.fs.Path(copy.toUri()), true);
      copies.add(copy);
    }
    return copies;
  }

  @Override
  public void close() throws IOException {
    cluster.shutdown(true);
    if (!Files.exists(baseDir)) {
      return;
    }
    try (java.util.stream.Stream<Path> all = Files.walk(baseDir)) {
      for (Path path : all.sorted(java.util.Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(path);
      }
    }
  }
}
