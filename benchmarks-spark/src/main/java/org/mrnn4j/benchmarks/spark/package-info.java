/**
 * The JMH benchmark of a whole sweep on Apache Spark ({@link
 * org.mrnn4j.benchmarks.spark.SweepBenchmark}). Apart from the other benchmarks because Spark is
 * {@code provided}: declared in the module that builds {@code benchmarks.jar}, its libraries won
 * Maven's dependency mediation over ND4J's and left the jar without commons-lang3.
 */
package org.mrnn4j.benchmarks.spark;
