package dev.tiering.core.testing;

import java.util.List;
import java.util.Random;
import java.util.function.Function;

/**
 * Property checks as plain loops over seeded random inputs. Case {@code i} draws from a {@link
 * Random} derived from the base seed and {@code i} alone, so a run is the same on every machine and
 * a failure replays with {@code -Dtiering.test.seed=<seed>}. The base seed is that property if set,
 * else {@link #DEFAULT_SEED}.
 */
public final class Seeded {

  /** The system property that sets the base seed. */
  public static final String SEED_PROPERTY = "tiering.test.seed";

  /** The base seed when {@link #SEED_PROPERTY} is not set. */
  public static final long DEFAULT_SEED = 20251110L;

  private Seeded() {}

  /** Makes one input from a case's random source. */
  @FunctionalInterface
  public interface Generator<T> {
    T next(Random random);
  }

  /** What must hold for every input. */
  @FunctionalInterface
  public interface Property<T> {
    void check(T input) throws Exception;
  }

  /** The base seed of this run. */
  public static long baseSeed() {
    String value = System.getProperty(SEED_PROPERTY);
    try {
      return value == null || value.isBlank() ? DEFAULT_SEED : Long.parseLong(value.strip());
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("-D" + SEED_PROPERTY + " must be a long, not " + value, e);
    }
  }

  /** The random source of case {@code index}: a SplitMix64 step, so neighbouring cases differ. */
  public static Random random(long baseSeed, int index) {
    long z = baseSeed + (index + 1) * 0x9E3779B97F4A7C15L;
    z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
    return new Random(z ^ (z >>> 31));
  }

  /** Checks {@code property} on {@code cases} generated inputs. */
  public static <T> void forAll(
      int cases, Generator<? extends T> generator, Property<? super T> property) {
    forAll(cases, List.of(), generator, String::valueOf, property);
  }

  /**
   * Checks {@code property} on {@code cases} inputs: the edge cases first, in order, then generated
   * ones. A failure names the seed, the case and the input.
   *
   * @param describe how an input is shown in a failure message
   * @throws AssertionError for the first failing case, with the original failure as its cause
   */
  public static <T> void forAll(
      int cases,
      List<? extends T> edgeCases,
      Generator<? extends T> generator,
      Function<? super T, String> describe,
      Property<? super T> property) {
    if (edgeCases.size() > cases) {
      throw new IllegalArgumentException(
          edgeCases.size() + " edge cases but only " + cases + " cases");
    }
    long seed = baseSeed();
    for (int i = 0; i < cases; i++) {
      boolean edge = i < edgeCases.size();
      String shown = "(not generated)";
      try {
        T input = edge ? edgeCases.get(i) : generator.next(random(seed, i));
        shown = printable(describe.apply(input));
        property.check(input);
      } catch (Exception | AssertionError failure) {
        String cause = String.valueOf(failure);
        throw new AssertionError(
            "Case "
                + i
                + (edge ? " (an edge case)" : "")
                + " of "
                + cases
                + " failed (base seed "
                + seed
                + "; replay with -D"
                + SEED_PROPERTY
                + "="
                + seed
                + ")\n  input: "
                + shown
                + "\n  failure: "
                + (cause.length() <= 600
                    ? cause
                    : cause.substring(0, 600) + "... (in full in the cause below)"),
            failure);
      }
    }
  }

  /** {@code text} with every character outside printable ASCII written as {@code \\uXXXX}. */
  public static String printable(String text) {
    StringBuilder out = new StringBuilder(text.length());
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      out.append(
          c >= 0x20 && c < 0x7f && c != '\\'
              ? String.valueOf(c)
              : String.format("\\u%04x", (int) c));
    }
    return out.toString();
  }
}
