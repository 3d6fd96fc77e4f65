package org.mrnn4j.spark;

import static org.apache.spark.sql.functions.col;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.List;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.storage.StorageLevel;

/**
 * Writes a sweep's rows to a directory: {@code results.parquet} (Spark's Parquet directory) and
 * {@code results.jsonl} (one JSON object per row, in task order), both with the snake_case
 * columns of {@link #COLUMNS}.
 */
public final class SweepOutput {
  /** The columns, in order, and the bean property each comes from. */
  public static final List<String[]> COLUMNS = List.of(
      new String[] {"id", "id"}, new String[] {"state", "state"},
      new String[] {"analysis", "analysis"}, new String[] {"units", "units"},
      new String[] {"spectral_radius", "spectralRadius"},
      new String[] {"unstable_modes", "unstableModes"},
      new String[] {"leading_real", "leadingReal"}, new String[] {"leading_imag", "leadingImag"},
      new String[] {"eigenvalues_real", "eigenvaluesReal"},
      new String[] {"eigenvalues_imag", "eigenvaluesImag"},
      new String[] {"q", "q"}, new String[] {"stable", "stable"},
      new String[] {"lesion", "lesion"}, new String[] {"backend", "backend"},
      new String[] {"error", "error"});

  private static final ObjectMapper JSON = new ObjectMapper();
  /** Error rows quoted in {@link Written#firstErrors}. */
  static final int QUOTED_ERRORS = 10;

  /**
   * What {@link #write} wrote.
   *
   * @param rows the rows written
   * @param errors how many of them are error rows
   * @param firstErrors the first error rows, as {@code id: error}
   */
  public record Written(long rows, long errors, List<String> firstErrors) {}

  private SweepOutput() {}

  /**
   * {@return the rows with the snake_case columns, in the order of {@link #COLUMNS}}
   *
   * @param rows the rows
   */
  public static Dataset<Row> table(Dataset<SweepResult> rows) {
    Column[] columns = COLUMNS.stream().map(c -> col(c[1]).as(c[0])).toArray(Column[]::new);
    return rows.select(columns);
  }

  /**
   * Computes the rows once and writes both files.
   *
   * @param rows the rows
   * @param dir the output directory (created; files in it replaced)
   * @return how many rows were written, how many of them are errors, and the first of those
   * @throws IOException if the directory or the JSON Lines file cannot be written
   */
  public static Written write(Dataset<SweepResult> rows, Path dir) throws IOException {
    Files.createDirectories(dir);
    Dataset<Row> table = table(rows).persist(StorageLevel.MEMORY_AND_DISK());
    try {
      table.write().mode(SaveMode.Overwrite).parquet(dir.resolve("results.parquet").toString());
      long count = 0;
      long errors = 0;
      List<String> quoted = new java.util.ArrayList<>();
      Path jsonl = dir.resolve("results.jsonl");
      Path partial = dir.resolve("results.jsonl.partial");
      StructField[] fields = table.schema().fields();
      try (BufferedWriter out = Files.newBufferedWriter(partial, StandardCharsets.UTF_8)) {
        for (Iterator<Row> it = table.toLocalIterator(); it.hasNext(); ) {
          Row row = it.next();
          ObjectNode o = JSON.createObjectNode();
          for (int i = 0; i < fields.length; i++) {
            put(o, fields[i].name(), row.isNullAt(i) ? null : row.get(i), row, i);
          }
          if (!o.get("error").isNull()) {
            errors++;
            if (quoted.size() < QUOTED_ERRORS) {
              quoted.add(o.get("id").asText() + ": " + o.get("error").asText());
            }
          }
          out.write(JSON.writeValueAsString(o));
          out.newLine();
          count++;
        }
      }
      // the JSON Lines file appears whole or not at all
      Files.move(partial, jsonl, java.nio.file.StandardCopyOption.REPLACE_EXISTING,
          java.nio.file.StandardCopyOption.ATOMIC_MOVE);
      return new Written(count, errors, List.copyOf(quoted));
    } finally {
      table.unpersist();
    }
  }

  private static void put(ObjectNode o, String name, Object value, Row row, int i) {
    if (value == null) {
      o.putNull(name);
    } else if (value instanceof String s) {
      o.put(name, s);
    } else if (value instanceof Integer v) {
      o.put(name, v);
    } else if (value instanceof Long v) {
      o.put(name, v);
    } else if (value instanceof Double v) {
      o.put(name, v);
    } else if (value instanceof Boolean v) {
      o.put(name, v);
    } else {
      ArrayNode a = o.putArray(name);
      for (Object x : row.getList(i)) {
        a.add((Double) x);
      }
    }
  }
}
