package dev.tiering.core;

import dev.tiering.core.storage.Storage;
import java.net.URI;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * Where the two tiers live: the hot (SSD) root and the cold (HDD) lake root. Local roots are made
 * real paths at construction (absolute, normalized, links in the existing part resolved once); they
 * must differ and neither may contain the other, so that every file belongs to exactly one tier,
 * also when one root reaches the other through a link.
 *
 * <p>The lake may live on another file system: a Hadoop URI such as {@code
 * hdfs://namenode:8020/lake} puts it there (see {@link #lakeStore()}; {@code docs/hdfs.md}). The
 * hot tier is always local.
 *
 * <p>Ways to get one:
 *
 * <ul>
 *   <li>{@link #defaults()}: {@code /data/hot} and {@code /data/lake};
 *   <li>{@link #under(Path)}: {@code <base>/hot} and {@code <base>/lake}, for tests and embedding;
 *   <li>{@link #fromEnvironment()}: system properties, then environment variables, then defaults;
 *   <li>{@link #builder()}: each root set in code.
 * </ul>
 *
 * @param hotRoot the hot tier root, a real path
 * @param lakeRoot the cold tier (lake) root: a local real path, or the path part of the lake's URI
 *     on {@code lakeStore}
 * @param lakeStore the file system holding the lake, as {@code scheme://authority} (e.g. {@code
 *     hdfs://namenode:8020}), or null for a local disk
 */
public record TierLayout(Path hotRoot, Path lakeRoot, URI lakeStore) {

  /** The default hot tier mount point, {@code /data/hot}. */
  public static final Path DEFAULT_HOT_ROOT = Path.of("/data/hot");

  /** The default cold tier mount point, {@code /data/lake}. */
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
   * @param hotRoot the hot tier root; made a real path
   * @param lakeRoot the lake root; made a real path if local, and must be absolute on {@code
   *     lakeStore}
   * @param lakeStore the lake's file system as a URI (only scheme and authority are kept), or null
   *     for a local disk
   * @throws IllegalArgumentException if the roots are equal or one contains the other
   */
  public TierLayout {
    hotRoot = realPath(Objects.requireNonNull(hotRoot, "hotRoot"));
    Objects.requireNonNull(lakeRoot, "lakeRoot");
    if (lakeStore != null) {
      if (!lakeRoot.isAbsolute()) {
        throw new IllegalArgumentException(
            "Invalid lake root "
                + lakeRoot
                + " on "
                + lakeStore
                + ": a remote lake needs an absolute path (e.g. "
                + lakeStore
                + "/lake)");
      }
      lakeStore =
          URI.create(
              lakeStore.getScheme().toLowerCase(Locale.ROOT)
                  + "://"
                  + (lakeStore.getRawAuthority() == null ? "" : lakeStore.getRawAuthority()));
    }
    lakeRoot = lakeStore == null ? realPath(lakeRoot) : lakeRoot.toAbsolutePath().normalize();
    // Also for a remote lake: paths tell the tiers apart (see Storage.forLayout).
    if (hotRoot.startsWith(lakeRoot) || lakeRoot.startsWith(hotRoot)) {
      throw new IllegalArgumentException(
          "Invalid tier layout: hot root "
              + hotRoot
              + " and lake root "
              + lakeRoot
              + " overlap (use two separate directories, ideally on"
              + " separate devices: an SSD for hot and an HDD for the lake)");
    }
  }

  /**
   * A local root as its real path: absolute, normalized, and with every symbolic link in the part
   * that exists resolved once, here. Two roots that reach one directory through a link are then
   * seen to overlap, and below a root the SDK meets no link it must follow (it refuses links inside
   * the tiers, see {@link Storage}).
   */
  private static Path realPath(Path root) {
    Path absolute = root.toAbsolutePath().normalize();
    Path existing = absolute;
    while (existing != null && !java.nio.file.Files.exists(existing)) {
      existing = existing.getParent();
    }
    if (existing == null) {
      return absolute;
    }
    try {
      return existing.toRealPath().resolve(existing.relativize(absolute));
    } catch (java.io.IOException unreadable) {
      return absolute; // checked again where it is used
    }
  }

  /**
   * Both roots on local disks.
   *
   * @param hotRoot the hot tier root
   * @param lakeRoot the lake root
   * @throws IllegalArgumentException if the roots are equal or one contains the other
   */
  public TierLayout(Path hotRoot, Path lakeRoot) {
    this(hotRoot, lakeRoot, null);
  }

  /**
   * A lake location given as text: a local path, a {@code file:} URI (a local path too), or the URI
   * of another file system, such as {@code hdfs://namenode:8020/lake}.
   *
   * @return the lake root and its store (null for local disks)
   * @throws IllegalArgumentException for a URI without a path or a malformed one
   */
  static Map.Entry<Path, URI> lakeLocation(String text) {
    int colon = text.indexOf(':');
    boolean uri =
        (colon > 1 && text.startsWith("://", colon)) || text.regionMatches(true, 0, "file:", 0, 5);
    if (!uri) {
      return new java.util.AbstractMap.SimpleImmutableEntry<>(Path.of(text), null);
    }
    URI parsed;
    try {
      parsed = new URI(text);
    } catch (java.net.URISyntaxException e) {
      throw new IllegalArgumentException(
          "Invalid lake root '"
              + text
              + "': "
              + e.getMessage()
              + " (use a path, or a URI such as hdfs://namenode:8020/lake)",
          e);
    }
    if (parsed.getPath() == null || parsed.getPath().isEmpty()) {
      throw new IllegalArgumentException(
          "Invalid lake root '"
              + text
              + "': the URI has no path"
              + " (use e.g. "
              + parsed.getScheme()
              + "://"
              + (parsed.getAuthority() == null ? "" : parsed.getAuthority())
              + "/lake)");
    }
    Path root = Path.of(parsed.getPath());
    boolean local = parsed.getScheme().equalsIgnoreCase("file");
    return new java.util.AbstractMap.SimpleImmutableEntry<>(root, local ? null : parsed);
  }

  /** {@return whether the lake is on a local disk, like the hot tier} */
  public boolean lakeIsLocal() {
    return lakeStore == null;
  }

  /**
   * {@return how to show {@code path} to a person} A lake path on another file system shows as its
   * full URI ({@code hdfs://namenode:8020/lake/clean/...}), anything else as the path.
   *
   * @param path a path on either tier, or anywhere
   */
  public String display(Path path) {
    if (lakeStore != null && path.isAbsolute() && path.normalize().startsWith(lakeRoot)) {
      return lakeStore + path.normalize().toString();
    }
    return path.toString();
  }

  /** {@return the default layout: {@code /data/hot} and {@code /data/lake}} */
  public static TierLayout defaults() {
    return new TierLayout(DEFAULT_HOT_ROOT, DEFAULT_LAKE_ROOT);
  }

  /**
   * {@return both tiers under one base directory: {@code <base>/hot} and {@code <base>/lake}}
   *
   * @param base the directory to hold both roots
   */
  public static TierLayout under(Path base) {
    Objects.requireNonNull(base, "base");
    return new TierLayout(base.resolve(Tier.HOT.rootName()), base.resolve(Tier.COLD.rootName()));
  }

  /**
   * {@return the layout configured by the environment} System properties ({@code tiering.hot.root},
   * {@code tiering.lake.root}, {@code tiering.root}) come first, then environment variables ({@code
   * TIERING_HOT_ROOT}, {@code TIERING_LAKE_ROOT}, {@code TIERING_ROOT}), then the defaults. A
   * per-tier setting wins over a base directory; a property wins over a variable.
   *
   * @throws IllegalArgumentException if a setting is blank or relative, or the roots overlap
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
    String lake = text(properties, LAKE_ROOT_PROPERTY, env, LAKE_ROOT_ENV);
    if (lake == null) {
      return new TierLayout(hot == null ? fallback.hotRoot() : hot, fallback.lakeRoot());
    }
    Map.Entry<Path, URI> location = lakeLocation(lake);
    return new TierLayout(
        hot == null ? fallback.hotRoot() : hot, location.getKey(), location.getValue());
  }

  private static Path setting(
      Map<String, String> properties, String property, Map<String, String> env, String variable) {
    String value = text(properties, property, env, variable);
    return value == null ? null : Path.of(value);
  }

  /**
   * A root from a system property, else the environment. A setting that is there but blank or
   * relative is refused rather than read as the defaults or the working directory: an operator who
   * set {@code TIERING_ROOT=} in a unit file meant something, and a cron job's working directory is
   * not a place to keep data.
   *
   * @throws IllegalArgumentException naming the setting, its value and the fix
   */
  private static String text(
      Map<String, String> properties, String property, Map<String, String> env, String variable) {
    String name = properties.containsKey(property) ? "-D" + property : variable;
    String value = properties.containsKey(property) ? properties.get(property) : env.get(variable);
    if (value == null) {
      return null;
    }
    if (value.isBlank()) {
      throw new IllegalArgumentException(
          "Invalid "
              + name
              + " '"
              + value
              + "': it is empty"
              + " (give an absolute directory, such as /data, or unset it for the defaults)");
    }
    boolean uri = value.contains("://") || value.regionMatches(true, 0, "file:", 0, 5);
    if (!uri && !Path.of(value).isAbsolute()) {
      throw new IllegalArgumentException(
          "Invalid "
              + name
              + " '"
              + value
              + "': it is a relative"
              + " path, which would depend on the working directory (give an absolute one)");
    }
    return value;
  }

  /** {@return a builder starting from the defaults, {@code /data/hot} and {@code /data/lake}} */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * {@return the root of {@code tier}} For a remote lake, the path part of its URI.
   *
   * @param tier the tier
   */
  public Path root(Tier tier) {
    return tier == Tier.HOT ? hotRoot : lakeRoot;
  }

  /**
   * {@return the directory of {@code area}, e.g. {@code /data/lake/archive}}
   *
   * @param area the area
   */
  public Path root(Area area) {
    return root(area.tier()).resolve(area.directoryName());
  }

  /**
   * {@return the tier whose root holds {@code path}, or empty for a path outside both roots}
   *
   * @param path any path; relative paths are taken from the working directory
   */
  public java.util.Optional<Tier> tierOf(Path path) {
    Path absolute = path.toAbsolutePath().normalize();
    for (Tier tier : Tier.values()) {
      if (absolute.startsWith(root(tier))) {
        return java.util.Optional.of(tier);
      }
    }
    return java.util.Optional.empty();
  }

  /** Builds a {@link TierLayout}; unset roots keep the defaults. */
  public static final class Builder {
    private Path hotRoot = DEFAULT_HOT_ROOT;
    private Path lakeRoot = DEFAULT_LAKE_ROOT;
    private URI lakeStore;

    private Builder() {}

    /**
     * Sets the hot (SSD) root.
     *
     * @param hotRoot the hot tier root
     * @return this builder
     */
    public Builder hotRoot(Path hotRoot) {
      this.hotRoot = Objects.requireNonNull(hotRoot, "hotRoot");
      return this;
    }

    /**
     * Sets the cold (HDD) lake root, on a local disk.
     *
     * @param lakeRoot the lake root
     * @return this builder
     */
    public Builder lakeRoot(Path lakeRoot) {
      this.lakeRoot = Objects.requireNonNull(lakeRoot, "lakeRoot");
      this.lakeStore = null;
      return this;
    }

    /**
     * Sets the lake root as text: a local path or {@code file:} URI, or the URI of another file
     * system such as {@code hdfs://namenode:8020/lake} (served by the {@code tiering-hadoop}
     * module).
     *
     * @param location the lake's path or URI
     * @return this builder
     * @throws IllegalArgumentException for a URI without a path or a malformed one
     */
    public Builder lakeRoot(String location) {
      Map.Entry<Path, URI> parsed = lakeLocation(Objects.requireNonNull(location, "location"));
      this.lakeRoot = parsed.getKey();
      this.lakeStore = parsed.getValue();
      return this;
    }

    /**
     * Builds the layout.
     *
     * @return the layout
     * @throws IllegalArgumentException if the roots overlap
     */
    public TierLayout build() {
      return new TierLayout(hotRoot, lakeRoot, lakeStore);
    }
  }
}
