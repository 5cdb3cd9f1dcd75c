package dev.tiering.core.storage;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;

/**
 * What the local storage creates belongs to the owner of the directory it is created in, when the
 * process runs as root. The command line refuses to write as root on tiers another user owns, but
 * an application run as root can still use the library there: without this, its lock files,
 * directories and files would belong to root, and the tiers' owner (the {@code tiering} user of the
 * systemd units) could then not lock, write in or remove them. Giving them the directory's owner
 * gives that user nothing new: who owns a directory can already replace every name in it. Not as
 * root, the kernel makes everything the process's own, and nothing is done here.
 */
final class Owners {

  /** Whether this process runs as root (effective uid 0); fixed for the life of the JVM. */
  private static final boolean ROOT = runningAsRoot();

  private Owners() {}

  /**
   * Gives {@code created} (never followed if it is a link) the owner and group of its directory, if
   * this process is root and the directory is not root's.
   *
   * @throws IOException if the owner cannot be read or set
   */
  static void adoptDirectoryOwner(Path created) throws IOException {
    if (!ROOT) {
      return;
    }
    Path dir = created.toAbsolutePath().getParent();
    if (dir == null) {
      return;
    }
    int uid;
    int gid;
    try {
      uid = (Integer) Files.getAttribute(dir, "unix:uid", LinkOption.NOFOLLOW_LINKS);
      gid = (Integer) Files.getAttribute(dir, "unix:gid", LinkOption.NOFOLLOW_LINKS);
    } catch (UnsupportedOperationException | IllegalArgumentException noUnixView) {
      return;
    }
    if (uid == 0 && gid == 0) {
      return;
    }
    if ((Integer) Files.getAttribute(created, "unix:uid", LinkOption.NOFOLLOW_LINKS) != uid) {
      Files.setAttribute(created, "unix:uid", uid, LinkOption.NOFOLLOW_LINKS);
    }
    if ((Integer) Files.getAttribute(created, "unix:gid", LinkOption.NOFOLLOW_LINKS) != gid) {
      Files.setAttribute(created, "unix:gid", gid, LinkOption.NOFOLLOW_LINKS);
    }
  }

  /** The owner of {@code /proc/self} is the process's effective user; without /proc, its name. */
  private static boolean runningAsRoot() {
    try {
      return (Integer) Files.getAttribute(Path.of("/proc/self"), "unix:uid") == 0;
    } catch (IOException | UnsupportedOperationException | IllegalArgumentException noProc) {
      return "root".equals(System.getProperty("user.name"));
    }
  }
}
