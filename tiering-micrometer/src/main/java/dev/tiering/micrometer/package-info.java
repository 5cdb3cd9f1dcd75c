/**
 * The SDK's metrics in Micrometer: {@link dev.tiering.micrometer.TieringMetrics} binds the metrics
 * SPI of {@code tiering-core} to any {@code MeterRegistry}.
 */
package dev.tiering.micrometer;
