package dev.tiering.core.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The crash tests' child JVMs: what a killed child printed is all there, however late it is read.
 */
@Timeout(120)
class ChildJvmTest {

  /**
   * About 54 KB of lines: more than the reader's buffers take from the pipe while it is held back
   * (3 x 8 KiB), less than the pipe holds (64 KiB), so the child never blocks on them.
   */
  private static final int LINES = 5500;

  /**
   * Prints {@link #LINES} lines, then says so on a socket to the test (not on stdout, which the
   * test holds back), then waits to be killed.
   */
  public static final class Printer {
    private Printer() {}

    public static void main(String[] args) throws Exception {
      for (int i = 0; i < LINES; i++) {
        System.out.println("done " + i);
      }
      System.out.flush();
      try (Socket told = new Socket(InetAddress.getLoopbackAddress(), Integer.parseInt(args[0]))) {
        OutputStream out = told.getOutputStream();
        out.write('.');
        out.flush();
        System.in.read(); // blocks until killed
      }
    }
  }

  /**
   * A crash test's ledger is what its child printed: a reader that lags behind (a busy machine)
   * must still get every line once the child is dead. Before, the kill closed the pipe's read end
   * and the unread lines were lost, so CrashLoopTest counted a commit the child had made as never
   * made, and failed under load.
   */
  @Test
  void aKilledChildsLinesAreAllReadEvenWhenTheReaderLagged() throws Exception {
    try (ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      server.setSoTimeout(60_000);
      try (ChildJvm child =
          ChildJvm.startPaused(Printer.class, String.valueOf(server.getLocalPort()))) {
        try (Socket told = server.accept()) {
          assertThat(told.getInputStream().read()).isEqualTo('.');
        }
        // Every line is printed, and at most the first is read: the child dies with the rest
        // unread, as a busy machine's reader lags behind a child it then kills.
        child.signalAndReap();
        child.resumeReading();
        child.kill();
        List<String> expected = new ArrayList<>();
        for (int i = 0; i < LINES; i++) {
          expected.add("done " + i);
        }
        assertThat(child.lines()).isEqualTo(expected);
      }
    }
  }
}
