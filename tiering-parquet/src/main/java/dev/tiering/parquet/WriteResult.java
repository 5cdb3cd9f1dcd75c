package dev.tiering.parquet;

import java.nio.file.Path;

/**
 * One committed data file.
 *
 * @param file where it is
 * @param rows rows in it
 * @param bytes its size
 */
public record WriteResult(Path file, long rows, long bytes) {}
