/**
 * Sweeps on Apache Spark: many models, inputs and states analysed across a cluster, with mrnn4j
 * as the library each Spark task calls. {@link org.mrnn4j.spark.SweepTasks} reads tasks,
 * {@link org.mrnn4j.spark.Sweep} runs them, {@link org.mrnn4j.spark.SweepOutput} writes Parquet
 * and JSON Lines; {@link org.mrnn4j.spark.SweepAnalysis} is what one task computes, usable without
 * Spark.
 */
package org.mrnn4j.spark;
