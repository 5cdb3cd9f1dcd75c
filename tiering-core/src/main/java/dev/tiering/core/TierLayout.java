package dev.tiering.core;

import java.nio.file.Path;
import java.util.Map;
import java.util.Objects;

/**
 * Where the two tiers live: the hot (SSD) root and the cold (HDD) lake root. Roots are made
 * absolute and normalized at construction; they must differ and neither may contain the other, so
 * that every file belongs to exactly one tier.
 *
 * <p>Ways to get one:
 *
 * <ul>
 *   <li>{@link #defaults()}: the seed's {@code /data/hot} and {@code /data/lake};
 *   <li>{@link #under(Path)}: {@code <base>/hot} and {@code <base>/lake}, for tests and embedding;
 *   <li>{@link #fromEnvironment()}: system properties, then environment variables, then defaults;
 *   <li>{@link #builder()}: each root set in code.
 * </ul>
 *
 * @param hotRoot the hot tier root, absolute and normalized
 * @param lakeRoot the cold tier (lake) root, absolute and normalized
 */
public record TierLayout(Path hotRoot, Path lakeRoot) {

  /** The seed's hot tier mount point. */
  public static final Path DEFAULT_HOT_ROOT = Path.of("/data/hot");
  /** The seed's cold tier mount point. */
  public static final Path DEFAULT_LAKE_ROOT = Path.of("/data/lake");

  /** System property for a base directory holding {@code hot/} and {@code lake/}. */
  public static final String ROOT_PROPERTY = "tiering.root";
  /** System property for the hot root; wins over {@link #ROOT_PROPERTY}. */
  public static final String HOT_ROOT_PROPERTY = "tiering.hot.root";
  /** System property for the lake root; wins over {@link #ROOT_PROPERTY}. */
  public static final String LAKE_ROOT_PROPERTY = "tiering.lake.root";
  /** Environment variable for a base directory holding {@code hot/} and {@code lake/}. */
  public static final String ROOT_ENV = "TIERING_ROOT";
  /** Environment variable for the hot root; wins over {@link #ROOT_ENV}. */
  public static final String HOT_ROOT_ENV = "TIERING_HOT_ROOT";
  /** Environment variable for the lake root; wins over {@link #ROOT_ENV}. */
  public static final String LAKE_ROOT_ENV = "TIERING_LAKE_ROOT";

  /**
   * Normalizes and checks the roots.
   *
   * @throws IllegalArgumentException if the roots are equal or one contains the other
   */
  public TierLayout {
    hotRoot = Objects.requireNonNull(hotRoot, "hotRoot").toAbsolutePath().normalize();
    lakeRoot = Objects.requireNonNull(lakeRoot, "lakeRoot").toAbsolutePath().normalize();
    if (hotRoot.startsWith(lakeRoot) || lakeRoot.startsWith(hotRoot)) {
      throw new IllegalArgumentException("Invalid tier layout: hot root " + hotRoot
          + " and lake root " + lakeRoot + " overlap (use two separate directories, ideally on"
          + " separate devices: an SSD for hot and an HDD for the lake)");
    }
  }

  /** The seed's layout: {@code /data/hot} and {@code /data/lake}. */
  public static TierLayout defaults() {
    return new TierLayout(DEFAULT_HOT_ROOT, DEFAULT_LAKE_ROOT);
  }

  /** Both tiers under one base directory: {@code <base>/hot} and {@code <base>/lake}. */
  public static TierLayout under(Path base) {
    Objects.requireNonNull(base, "base");
    return new TierLayout(base.resolve(Tier.HOT.rootName()), base.resolve(Tier.COLD.rootName()));
  }

  /**
   * The layout configured by system properties ({@code tiering.hot.root}, {@code
   * tiering.lake.root}, {@code tiering.root}), else by environment variables ({@code
   * TIERING_HOT_ROOT}, {@code TIERING_LAKE_ROOT}, {@code TIERING_ROOT}), else the defaults. A
   * per-tier setting wins over a base directory; a property wins over a variable.
   */
  public static TierLayout fromEnvironment() {
    @SuppressWarnings({"unchecked", "rawtypes"})
    Map<String, String> properties = (Map) System.getProperties();
    return fromSettings(properties, System.getenv());
  }

  static TierLayout fromSettings(Map<String, String> properties, Map<String, String> env) {
    Path base = setting(properties, ROOT_PROPERTY, env, ROOT_ENV);
    TierLayout fallback = base == null ? defaults() : under(base);
    Path hot = setting(properties, HOT_ROOT_PROPERTY, env, HOT_ROOT_ENV);
    Path lake = setting(properties, LAKE_ROOT_PROPERTY, env, LAKE_ROOT_ENV);
    return new TierLayout(hot == null ? fallback.hotRoot() : hot,
        lake == null ? fallback.lakeRoot() : lake);
  }

  private static Path setting(Map<String, String> properties, String property,
      Map<String, String> env, String variable) {
    String value = properties.get(property);
    if (value == null || value.isBlank()) {
      value = env.get(variable);
    }
    return value == null || value.isBlank() ? null : Path.of(value);
  }

  /** A builder starting from the seed's defaults. */
  public static Builder builder() {
    return new Builder();
  }

  /** The root of {@code tier}. */
  public Path root(Tier tier) {
    return tier == Tier.HOT ? hotRoot : lakeRoot;
  }

  /** The tier whose root holds {@code path}, or empty for a path outside both roots. */
  public java.util.Optional<Tier> tierOf(Path path) {
    Path absolute = path.toAbsolutePath().normalize();
    for (Tier tier : Tier.values()) {
      if (absolute.startsWith(root(tier))) {
        return java.util.Optional.of(tier);
      }
    }
    return java.util.Optional.empty();
  }

  /** Builds a {@link TierLayout}; unset roots keep the seed's defaults. */
  public static final class Builder {
    private Path hotRoot = DEFAULT_HOT_ROOT;
    private Path lakeRoot = DEFAULT_LAKE_ROOT;

    private Builder() {}

    /** Sets the hot (SSD) root. */
    public Builder hotRoot(Path hotRoot) {
      this.hotRoot = Objects.requireNonNull(hotRoot, "hotRoot");
      return this;
    }

    /** Sets the cold (HDD) lake root. */
    public Builder lakeRoot(Path lakeRoot) {
      this.lakeRoot = Objects.requireNonNull(lakeRoot, "lakeRoot");
      return this;
    }

    /**
     * Builds the layout.
     *
     * @throws IllegalArgumentException if the roots overlap
     */
    public TierLayout build() {
      return new TierLayout(hotRoot, lakeRoot);
    }
  }
}
