package dev.tiering.examples;

import dev.tiering.core.BatchId;
import dev.tiering.core.SlmId;
import dev.tiering.core.lifecycle.StagingJanitor;
import dev.tiering.duckdb.LakeViews;
import dev.tiering.parquet.LakeTableWriter;
import dev.tiering.parquet.LakeWriteOptions;
import dev.tiering.parquet.LakeWriter;
import dev.tiering.parquet.ParquetRowWriter;
import dev.tiering.parquet.StagingWriter;
import dev.tiering.schema.QualityRule;
import dev.tiering.schema.TableSchema;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.function.Consumer;
import java.util.stream.Stream;

/**
 * Aggregates one batch: reads every SLM's staging file, rejects invalid predictions, cross-checks
 * the models per input (majority label, agreement, spread, disagreements flagged) and writes the
 * cross-check files, writes the validated predictions to silver (with quality metrics in its {@code
 * schema.json}) and two gold tables, then cleans staging, keeping the 2 most recent batches and any
 * batch a table lacks (seed: "Data Lifecycle", steps 2 to 5; the seed's cleanup went by age alone,
 * and so could remove a batch that a failed write had not put in the lake).
 *
 * <p>Every lake write carries the batch id as its write id, so a batch processed again (the
 * coordinator died after silver and before cleanup, and the job was rerun) commits each table at
 * most once: a write the table already has is a no-op, and no row is written twice.
 */
public final class Coordinator {

  private static final java.util.Comparator<String> BY_CODE_POINT =
      (a, b) -> java.util.Arrays.compare(a.codePoints().toArray(), b.codePoints().toArray());

  /** Agreement below this flags an input as a disagreement. */
  static final double DISAGREEMENT_BELOW = 0.6;

  private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(Coordinator.class);

  /** How many of the most recent batches stay in staging after a batch is processed. */
  static final int KEEP_RECENT = 2;

  /** The lake tables a batch is written to, in order. */
  private static final List<TableSchema> TABLES =
      List.of(Tables.SILVER_PREDICTIONS, Tables.INPUT_CONSENSUS, Tables.MODEL_DAILY_STATS);

  private final StagingWriter staging;
  private final LakeWriter lake;
  private final StagingJanitor janitor;
  private final Consumer<String> steps;
  private final LakeViews views;

  /** A coordinator writing through these writers and cleaning with this janitor. */
  public Coordinator(StagingWriter staging, LakeWriter lake, StagingJanitor janitor) {
    this(staging, lake, janitor, step -> {});
  }

  /**
   * A coordinator that also reports each finished step of a batch to {@code steps}: {@code "silver
   * <batch>"}, {@code "gold <batch>"}, {@code "cleanup <batch>"}.
   */
  public Coordinator(
      StagingWriter staging, LakeWriter lake, StagingJanitor janitor, Consumer<String> steps) {
    this(staging, lake, janitor, steps, null);
  }

  /**
   * A coordinator that also cross-checks each batch a second time, as one SQL statement over the
   * lake's DuckDB views ({@link #CROSS_CHECK_SQL}), and counts where the two disagree.
   */
  public Coordinator(
      StagingWriter staging,
      LakeWriter lake,
      StagingJanitor janitor,
      Consumer<String> steps,
      LakeViews views) {
    this.staging = Objects.requireNonNull(staging, "staging");
    this.lake = Objects.requireNonNull(lake, "lake");
    this.janitor = Objects.requireNonNull(janitor, "janitor");
    this.steps = Objects.requireNonNull(steps, "steps");
    this.views = views;
  }

  /**
   * The cross-check as one statement over the silver view, for the batch given as {@code $batch}:
   * per input, the majority label (ties to the first label in order, as the Java version), how many
   * models answered, the share that gave the majority label, the spread and the mean of the scores.
   */
  public static final String CROSS_CHECK_SQL =
      """
      WITH p AS (
        SELECT input_id, label, prediction FROM silver.slm_predictions WHERE batch = $batch),
      votes AS (
        SELECT input_id, label, count(*) AS n,
               row_number() OVER (PARTITION BY input_id ORDER BY count(*) DESC, label) AS r
        FROM p WHERE label IS NOT NULL GROUP BY input_id, label),
      per_input AS (
        SELECT input_id, count(*) AS models, max(prediction) - min(prediction) AS spread,
               avg(prediction) AS mean
        FROM p GROUP BY input_id)
      SELECT i.input_id, v.label AS consensus_label, i.models,
             coalesce(v.n, 0) / i.models AS agreement, i.spread, i.mean
      FROM per_input i LEFT JOIN votes v ON v.input_id = i.input_id AND v.r = 1
      ORDER BY i.input_id""";

  /** Runs {@link #CROSS_CHECK_SQL} for a batch through the views. */
  private static Map<Long, Consensus> crossCheckBySql(LakeViews views, BatchId batch)
      throws IOException {
    // A batch id is letters, digits, '_' and '-' only: safe as a literal.
    String sql = CROSS_CHECK_SQL.replace("$batch", "'" + batch.value() + "'");
    Map<Long, Consensus> result = new HashMap<>();
    try {
      for (List<Object> row : views.query(sql, Integer.MAX_VALUE).rows()) {
        result.put(
            ((Number) row.get(0)).longValue(),
            new Consensus(
                (String) row.get(1),
                ((Number) row.get(2)).intValue(),
                ((Number) row.get(3)).doubleValue(),
                ((Number) row.get(4)).doubleValue(),
                ((Number) row.get(5)).doubleValue()));
      }
    } catch (java.sql.SQLException e) {
      throw new IOException("The SQL cross-check of " + batch + " failed: " + e.getMessage(), e);
    }
    return result;
  }

  /**
   * Inputs where the two cross-checks differ: in label, models, agreement or spread at all, or in
   * the mean by more than a rounding error (the two add the scores in different orders).
   */
  static long mismatches(Map<Long, Consensus> java, Map<Long, Consensus> sql) {
    long differ = 0;
    for (Map.Entry<Long, Consensus> entry : java.entrySet()) {
      Consensus a = entry.getValue();
      Consensus b = sql.get(entry.getKey());
      if (b == null
          || !Objects.equals(a.label(), b.label())
          || a.models() != b.models()
          || a.agreement() != b.agreement()
          || a.spread() != b.spread()
          || Math.abs(a.mean() - b.mean()) > 1e-12 * Math.max(1, Math.abs(a.mean()))) {
        differ++;
      }
    }
    return differ + sql.keySet().stream().filter(k -> !java.containsKey(k)).count();
  }

  /**
   * True if every table of the batch has committed it (its write id): nothing left to do. A table
   * whose commit log cannot be read counts as not committed, so that one damaged table does not
   * stop the batches of the others: processing the batch again replays what the readable tables
   * have, and reports the damaged one.
   */
  public boolean committed(BatchId batch) throws IOException {
    for (TableSchema table : TABLES) {
      try {
        if (lake.committed(table.zone(), table.table(), batch.value()).isEmpty()) {
          return false;
        }
      } catch (IOException | RuntimeException e) {
        log.warn("Cannot tell whether {} has {}: {}", table.qualifiedName(), batch, e.toString());
        return false;
      }
    }
    return true;
  }

  /** One SLM's prediction for one input, as its staging file holds it (columns by name). */
  private record Prediction(
      Instant timestamp,
      int slmId,
      long inputId,
      double prediction,
      Double confidence,
      String label) {
    boolean valid() {
      return prediction >= 0 && prediction <= 1;
    }
  }

  /** What the models say about one input. */
  private record Consensus(
      String label, int models, double agreement, double spread, double mean) {}

  /**
   * The outcome of one batch.
   *
   * @param batch the batch
   * @param slms the SLMs whose files were found
   * @param stagingRows predictions read from staging
   * @param rejected predictions rejected as invalid (score outside 0..1)
   * @param silverRows predictions written to silver
   * @param silverRawBytes the raw size of the silver rows (sum of value widths)
   * @param silverBytes the size of the silver files written
   * @param inputs inputs cross-checked
   * @param disagreements inputs where the models disagree
   * @param sqlInputs inputs the SQL cross-check found in silver (-1 if it did not run)
   * @param sqlMismatches inputs where the SQL and the Java cross-checks differ (-1 if it did not
   *     run)
   * @param removedStagingFiles staging files removed by the cleanup
   * @param timings time per stage, in order
   * @param failures the tables that may lack the batch, each as {@code "<zone>.<table>: not
   *     written: <why>"} or {@code "<zone>.<table>: cannot tell whether it has the batch: <why>"};
   *     while there are any, the batch keeps its staging files, and processing it again once the
   *     tables are fixed writes what they lack
   */
  public record BatchResult(
      BatchId batch,
      List<Integer> slms,
      long stagingRows,
      long rejected,
      long silverRows,
      long silverRawBytes,
      long silverBytes,
      long inputs,
      long disagreements,
      long sqlInputs,
      long sqlMismatches,
      long removedStagingFiles,
      Map<String, Duration> timings,
      List<String> failures) {

    /** Copies the lists and the map. */
    public BatchResult {
      slms = List.copyOf(slms);
      timings = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(timings));
      failures = List.copyOf(failures);
    }
  }

  /** Something written to one table. */
  @FunctionalInterface
  private interface TableWrite {
    void write() throws IOException;
  }

  /**
   * Writes the batch to one table unless it has it (an earlier attempt committed it); a failure is
   * the table's alone: it is logged and added to {@code failures}, and the other tables still get
   * the batch. A table whose commit log cannot be read is not written: whether it has the batch
   * cannot be told, and the failure says so.
   *
   * @return true if the table has the batch now
   */
  private boolean attempt(
      TableSchema table, BatchId batch, List<String> failures, TableWrite write) {
    try {
      if (lake.committed(table.zone(), table.table(), batch.value()).isPresent()) {
        return true;
      }
    } catch (IOException | RuntimeException e) {
      log.warn("Cannot tell whether {} has {}: {}", table.qualifiedName(), batch, e.toString());
      failures.add(
          table.qualifiedName() + ": cannot tell whether it has the batch: " + e.getMessage());
      return false;
    }
    try {
      write.write();
      return true;
    } catch (IOException | RuntimeException e) {
      log.warn("{} was not written to {}: {}", batch, table.qualifiedName(), e.toString());
      failures.add(table.qualifiedName() + ": not written: " + e.getMessage());
      return false;
    }
  }

  /**
   * Removes the staging files of the batches older than the {@link #KEEP_RECENT} most recent that
   * every table has: a batch some table lacks keeps its files, however many batches come after it,
   * since they are what processing it again reads. Whether a table has a batch is read from its
   * commit records, which are kept for the lake writer's {@link LakeWriter#commitRetention()}: a
   * coordinator whose batches are further apart than that must keep them longer, or its old batches
   * can no longer be told settled and stay (with a warning).
   *
   * @return the files removed
   */
  private long cleanUpStaging() throws IOException {
    List<StagingJanitor.Batch> batches = janitor.batches();
    // Write ids are found only while their commit records are kept: a batch older than that which
    // no table shows may be settled (its records pruned) or not. It is kept, and said so loudly.
    java.time.Instant forgotten = java.time.Instant.now().minus(lake.commitRetention().age());
    long removed = 0;
    for (StagingJanitor.Batch old :
        batches.subList(Math.min(KEEP_RECENT, batches.size()), batches.size())) {
      if (committed(old.batch())) {
        removed += janitor.cleanupBatch(old.batch()).execute().removedFiles();
      } else if (old.began() != null && old.began().isBefore(forgotten)) {
        log.warn(
            "Keeping {} in staging: no table's commit records show it, but it began {}, before"
                + " the lake's commit retention ({}) so they may have been pruned; remove it by"
                + " hand once sure every table has it ('tiering cleanup'), and keep commit records"
                + " longer than your batches are apart (LakeWriter.Builder.commitRetention)",
            old.batch(),
            old.began(),
            lake.commitRetention().age());
      } else {
        log.warn(
            "Keeping {} in staging: not every table has it yet (process it again once the"
                + " failing table is fixed)",
            old.batch());
      }
    }
    return removed;
  }

  /**
   * Aggregates {@code batch}, once each of the {@code expected} SLMs has committed its file. Each
   * table is written on its own: one that cannot be written (a damaged {@code schema.json}, a full
   * disk) is named in {@link BatchResult#failures()}, the others still get the batch, and staging
   * is kept so that processing the batch again completes it.
   *
   * @throws dev.tiering.parquet.IncompleteBatchException if an expected SLM's job has not committed
   *     its file yet (or another SLM's file is there): nothing is written or cleaned; process the
   *     batch again once the jobs are done
   */
  public BatchResult process(BatchId batch, java.util.Collection<SlmId> expected)
      throws IOException {
    Map<String, Duration> timings = new LinkedHashMap<>();
    long t0 = System.nanoTime();
    List<Prediction> all;
    // Exactly the SLMs whose jobs write the batch: a coordinator that started before the last job
    // committed must not aggregate, commit (the write id would be used up) and clean up a part.
    // Pinned before it is read, and unpinned only once every table has it: the hot tier's cleanup
    // timer, which goes by age, cannot take the files a failed table will be written from.
    janitor.pin(batch);
    try (Stream<Prediction> rows = staging.readBatch(batch, Prediction.class, expected)) {
      all = rows.toList();
    } catch (dev.tiering.parquet.IncompleteBatchException notYet) {
      janitor.unpin(batch);
      throw notYet;
    }
    java.util.SortedSet<Integer> slms = new java.util.TreeSet<>();
    expected.forEach(slm -> slms.add(slm.value()));
    long rejected = all.stream().filter(p -> !p.valid()).count();
    timings.put("read staging", since(t0));

    long t1 = System.nanoTime();
    Map<Long, List<Prediction>> byInput = new TreeMap<>();
    for (Prediction p : all) {
      if (p.valid()) {
        byInput.computeIfAbsent(p.inputId(), k -> new ArrayList<>()).add(p);
      }
    }
    Map<Long, Consensus> consensus = new HashMap<>();
    byInput.forEach((input, predictions) -> consensus.put(input, consensus(predictions)));
    for (int slm : slms) {
      writeCrosscheck(batch, slm, all, consensus);
    }
    long disagreements =
        consensus.values().stream().filter(c -> c.agreement() < DISAGREEMENT_BELOW).count();
    timings.put("cross-check", since(t1));

    long t2 = System.nanoTime();
    QualityRule agrees =
        QualityRule.of(
            "agrees_with_consensus",
            row -> {
              Consensus c = consensus.get(row.getLong("input_id"));
              return c != null && Objects.equals(c.label(), row.getString("label"));
            });
    LakeWriteOptions options =
        LakeWriteOptions.defaults()
            .partitionBy("timestamp")
            .rules(List.of(agrees))
            .writeId(batch.value())
            // Read with the expected SLMs, the batch is complete: with no predictions (an hour
            // without traffic) the empty commit settles it instead of failing on every run.
            .allowEmpty();
    long[] silver = new long[3]; // rows, raw bytes, file bytes
    List<String> failures = new ArrayList<>();
    boolean silverWritten =
        attempt(
            Tables.SILVER_PREDICTIONS,
            batch,
            failures,
            () -> writeSilver(batch, all, options, silver));
    timings.put("write silver", since(t2));
    if (silverWritten) {
      steps.accept("silver " + batch);
    }

    long t3 = System.nanoTime();
    boolean consensusWritten =
        attempt(
            Tables.INPUT_CONSENSUS,
            batch,
            failures,
            () -> writeConsensus(batch, byInput.keySet(), consensus));
    boolean statsWritten =
        attempt(
            Tables.MODEL_DAILY_STATS,
            batch,
            failures,
            () -> writeDailyStats(batch, slms, all, consensus));
    timings.put("write gold", since(t3));
    if (consensusWritten && statsWritten) {
      steps.accept("gold " + batch);
    }

    long sqlInputs = -1;
    long sqlMismatches = -1;
    if (views != null && silverWritten) {
      long t5 = System.nanoTime();
      views.refresh();
      Map<Long, Consensus> bySql = crossCheckBySql(views, batch);
      sqlInputs = bySql.size();
      sqlMismatches = mismatches(consensus, bySql);
      timings.put("cross-check (SQL)", since(t5));
    }

    long removed = 0;
    // A batch some table lacks keeps its staging files: they are what a rerun writes it from. The
    // pin keeps them also from the hot tier's cleanup timer, which goes by age alone.
    if (failures.isEmpty()) {
      janitor.unpin(batch);
      long t4 = System.nanoTime();
      removed = cleanUpStaging();
      timings.put("clean staging", since(t4));
      steps.accept("cleanup " + batch);
    }
    return new BatchResult(
        batch,
        List.copyOf(slms),
        all.size(),
        rejected,
        silver[0],
        silver[1],
        silver[2],
        consensus.size(),
        disagreements,
        sqlInputs,
        sqlMismatches,
        removed,
        timings,
        failures);
  }

  /** Writes the batch's valid predictions to silver; {@code out} gets rows, raw and file bytes. */
  private void writeSilver(
      BatchId batch, List<Prediction> all, LakeWriteOptions options, long[] out)
      throws IOException {
    int batchField = Tables.SILVER_PREDICTIONS.indexOf("batch");
    try (LakeTableWriter silver = lake.open(Tables.SILVER_PREDICTIONS, options)) {
      for (Prediction p : all) {
        if (!p.valid()) {
          continue;
        }
        silver
            .setTimestamp(0, p.timestamp())
            .setInt(1, p.slmId())
            .setLong(2, p.inputId())
            .setDouble(3, p.prediction())
            .setString(5, p.label())
            .setString(batchField, batch.value());
        if (p.confidence() != null) {
          silver.setDouble(4, p.confidence());
        }
        silver.endRow();
        out[0]++;
        out[1] +=
            8
                + 4
                + 8
                + 8
                + (p.confidence() == null ? 0 : 8)
                + (p.label() == null ? 0 : p.label().length());
      }
      out[2] = silver.commit().bytes();
    }
  }

  private static Consensus consensus(List<Prediction> predictions) {
    // Code point order, as DuckDB orders text (UTF-8 bytes): String's own order (UTF-16 units)
    // puts U+1F600 before U+FF21, and ties would go another way than in CROSS_CHECK_SQL.
    Map<String, Integer> votes = new TreeMap<>(BY_CODE_POINT);
    double min = Double.MAX_VALUE;
    double max = -Double.MAX_VALUE;
    double sum = 0;
    for (Prediction p : predictions) {
      if (p.label() != null) {
        votes.merge(p.label(), 1, Integer::sum);
      }
      min = Math.min(min, p.prediction());
      max = Math.max(max, p.prediction());
      sum += p.prediction();
    }
    String label = null;
    int best = 0;
    for (Map.Entry<String, Integer> vote : votes.entrySet()) {
      if (vote.getValue() > best) {
        label = vote.getKey();
        best = vote.getValue();
      }
    }
    int models = predictions.size();
    return new Consensus(label, models, (double) best / models, max - min, sum / models);
  }

  private void writeCrosscheck(
      BatchId batch, int slm, List<Prediction> all, Map<Long, Consensus> consensus)
      throws IOException {
    TableSchema schema = Tables.CROSSCHECK;
    try (ParquetRowWriter writer = staging.openCrosscheck(SlmId.of(slm), batch, schema)) {
      for (Prediction p : all) {
        Consensus c = consensus.get(p.inputId());
        if (p.slmId() != slm || !p.valid() || c == null) {
          continue;
        }
        writer
            .setLong(0, p.inputId())
            .setInt(1, slm)
            .setString(2, p.label())
            .setString(3, c.label())
            .setBoolean(4, Objects.equals(c.label(), p.label()))
            .setDouble(5, p.prediction())
            .setDouble(6, c.mean())
            .setDouble(7, Math.abs(p.prediction() - c.mean()))
            .endRow();
      }
      writer.commit();
    }
  }

  private void writeConsensus(
      BatchId batch, java.util.Set<Long> inputs, Map<Long, Consensus> consensus)
      throws IOException {
    LakeWriteOptions once = LakeWriteOptions.defaults().writeId(batch.value()).allowEmpty();
    try (LakeTableWriter gold = lake.open(Tables.INPUT_CONSENSUS, once)) {
      for (Long input : inputs) {
        Consensus c = consensus.get(input);
        gold.setLong(0, input)
            .setString(1, batch.value())
            .setString(2, c.label())
            .setInt(3, c.models())
            .setDouble(4, c.agreement())
            .setDouble(5, c.spread())
            .setDouble(6, c.mean())
            .setBoolean(7, c.agreement() < DISAGREEMENT_BELOW)
            .endRow();
      }
      gold.commit();
    }
  }

  private void writeDailyStats(
      BatchId batch, Iterable<Integer> slms, List<Prediction> all, Map<Long, Consensus> consensus)
      throws IOException {
    LakeWriteOptions once = LakeWriteOptions.defaults().writeId(batch.value()).allowEmpty();
    try (LakeTableWriter stats = lake.open(Tables.MODEL_DAILY_STATS, once)) {
      for (int slm : slms) {
        long rows = 0;
        long rejected = 0;
        long agreeing = 0;
        long confidences = 0;
        double predictionSum = 0;
        double confidenceSum = 0;
        for (Prediction p : all) {
          if (p.slmId() != slm) {
            continue;
          }
          if (!p.valid()) {
            rejected++;
            continue;
          }
          rows++;
          predictionSum += p.prediction();
          if (p.confidence() != null) {
            confidences++;
            confidenceSum += p.confidence();
          }
          if (Objects.equals(consensus.get(p.inputId()).label(), p.label())) {
            agreeing++;
          }
        }
        stats
            .setInt(0, slm)
            .setString(1, batch.value())
            .setLong(2, rows)
            .setLong(3, rejected)
            .setDouble(4, rows == 0 ? 0 : predictionSum / rows)
            .setDouble(6, rows == 0 ? 0 : (double) agreeing / rows);
        if (confidences > 0) {
          stats.setDouble(5, confidenceSum / confidences);
        }
        stats.endRow();
      }
      stats.commit();
    }
  }

  private static Duration since(long startNanos) {
    return Duration.ofNanos(System.nanoTime() - startNanos);
  }
}
