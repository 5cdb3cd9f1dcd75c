/**
 * The metrics SPI: {@link dev.tiering.core.metrics.MetricsListener} and the immutable events the
 * SDK sends it (files published, commits, lifecycle results, cache reads, health checks, failures).
 * It depends on nothing but the SDK's names, so that any metrics system can be bound to it.
 */
package dev.tiering.core.metrics;
