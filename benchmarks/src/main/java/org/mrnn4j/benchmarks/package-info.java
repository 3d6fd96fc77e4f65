/**
 * JMH benchmarks comparing the mrnn4j backends on one leaky mRNN ({@link
 * org.mrnn4j.benchmarks.BenchmarkNetwork}): Jacobians, eigen-analysis, batched analysis along a
 * trajectory, and simulation; and the whole fixed-point search on a trained network ({@link
 * org.mrnn4j.benchmarks.FixedPointBenchmark}). Build {@code benchmarks/target/benchmarks.jar} and
 * run it with the standard JMH command line; see the module's README.md.
 */
package org.mrnn4j.benchmarks;
