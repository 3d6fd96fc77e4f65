import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.parquet.example.data.Group;
import org.apache.parquet.hadoop.ParquetReader;
import org.apache.parquet.hadoop.api.ReadSupport;
import org.apache.parquet.hadoop.example.GroupReadSupport;
import org.apache.parquet.io.LocalInputFile;
import org.apache.parquet.schema.GroupType;
import org.apache.parquet.schema.PrimitiveType;
import org.apache.parquet.schema.Type;

/**
 * .ci/spark-cluster's check of a sweep's output against the local[2] run's:
 * {@code java SweepClusterCheck.java TASKS REFERENCE_DIR OUT_DIR...}. For each OUT_DIR:
 * results.jsonl equals the reference's line for line (Jackson writes each double as the shortest
 * decimal that reads back to it, so equal text is equal bits); every (id, state) appears once;
 * every task of TASKS has rows; results.parquet holds the same rows as results.jsonl, each once
 * (every part file read with parquet-hadoop, no Spark, each row rendered the way SweepOutput
 * renders it). Exit 1 with the differences.
 */
public class SweepClusterCheck {
  private static final ObjectMapper JSON = new ObjectMapper();

  public static void main(String[] args) throws Exception {
    List<String> ids = new ArrayList<>();
    for (String line : Files.readAllLines(Path.of(args[0]))) {
      if (!line.isBlank() && !line.startsWith("#")) {
        ids.add(JSON.readTree(line).get("id").asText());
      }
    }
    List<String> reference = Files.readAllLines(Path.of(args[1], "results.jsonl"));
    boolean ok = true;
    {
      for (int a = 2; a < args.length; a++) {
        Path out = Path.of(args[a]);
        List<String> jsonl = Files.readAllLines(out.resolve("results.jsonl"));
        List<String> problems = new ArrayList<>();
        if (!jsonl.equals(reference)) {
          int i = 0;
          while (i < Math.min(jsonl.size(), reference.size()) && jsonl.get(i).equals(reference.get(i))) {
            i++;
          }
          problems.add("results.jsonl differs from the local[2] run's (" + jsonl.size() + " vs "
              + reference.size() + " lines), first at line " + (i + 1) + ":\n  got      "
              + (i < jsonl.size() ? jsonl.get(i) : "(end)") + "\n  expected "
              + (i < reference.size() ? reference.get(i) : "(end)"));
        }
        Map<String, Integer> keys = new HashMap<>();
        Map<String, Integer> perTask = new TreeMap<>();
        for (String line : jsonl) {
          var o = JSON.readTree(line);
          keys.merge(o.get("id").asText() + "/" + o.get("state"), 1, Integer::sum);
          perTask.merge(o.get("id").asText(), 1, Integer::sum);
        }
        keys.forEach((k, n) -> {
          if (n != 1) {
            problems.add("results.jsonl: (id/state) " + k + " appears " + n + " times");
          }
        });
        for (String id : ids) {
          if (!perTask.containsKey(id)) {
            problems.add("results.jsonl: no row of task " + id);
          }
        }
        Map<String, Integer> parquet = new HashMap<>();
        List<String> rows = new ArrayList<>();
        try (var parts = Files.list(out.resolve("results.parquet"))) {
          for (Path part : parts.filter(f -> f.getFileName().toString().endsWith(".parquet"))
              .sorted().toList()) {
            try (ParquetReader<Group> reader = new ParquetReader.Builder<Group>(
                new LocalInputFile(part)) {
                  @Override
                  protected ReadSupport<Group> getReadSupport() {
                    return new GroupReadSupport();
                  }
                }.build()) {
              for (Group g = reader.read(); g != null; g = reader.read()) {
                rows.add(render(g));
              }
            }
          }
        }
        for (String row : rows) {
          parquet.merge(row, 1, Integer::sum);
        }
        Map<String, Integer> lines = new HashMap<>();
        for (String line : jsonl) {
          lines.merge(line, 1, Integer::sum);
        }
        if (!parquet.equals(lines)) {
          int shown = 0;
          for (var e : parquet.entrySet()) {
            if (!e.getValue().equals(lines.get(e.getKey())) && shown++ < 3) {
              problems.add("results.parquet holds " + e.getValue() + " x " + e.getKey()
                  + ", results.jsonl " + lines.getOrDefault(e.getKey(), 0));
            }
          }
          for (var e : lines.entrySet()) {
            if (!parquet.containsKey(e.getKey()) && shown++ < 6) {
              problems.add("results.parquet lacks " + e.getKey());
            }
          }
          problems.add("results.parquet: " + rows.size() + " rows, results.jsonl: "
              + jsonl.size());
        }
        if (problems.isEmpty()) {
          System.out.printf("check %s: %d tasks, %d rows, each (id, state) once in results.jsonl"
              + " and results.parquet (%d rows, the same multiset); results.jsonl equal to the"
              + " local[2] run's, line for line%n", out, perTask.size(), jsonl.size(),
              rows.size());
        } else {
          ok = false;
          for (String p : problems) {
            System.out.println("check " + out + ": FAILED: " + p);
          }
        }
      }
    }
    System.exit(ok ? 0 : 1);
  }

  /** A row as SweepOutput writes it to results.jsonl. */
  private static String render(Group row) throws Exception {
    ObjectNode o = JSON.createObjectNode();
    GroupType schema = row.getType();
    for (int i = 0; i < schema.getFieldCount(); i++) {
      Type field = schema.getType(i);
      String name = field.getName();
      if (row.getFieldRepetitionCount(i) == 0) {
        o.putNull(name);
      } else if (!field.isPrimitive()) {
        // Spark's three-level list: <name> { repeated list { element } }
        ArrayNode arr = o.putArray(name);
        Group list = row.getGroup(i, 0);
        for (int k = 0; k < list.getFieldRepetitionCount(0); k++) {
          arr.add(list.getGroup(0, k).getDouble(0, 0));
        }
      } else {
        switch (field.asPrimitiveType().getPrimitiveTypeName()) {
          case BINARY -> o.put(name, row.getString(i, 0));
          case INT32 -> o.put(name, row.getInteger(i, 0));
          case INT64 -> o.put(name, row.getLong(i, 0));
          case DOUBLE -> o.put(name, row.getDouble(i, 0));
          case BOOLEAN -> o.put(name, row.getBoolean(i, 0));
          default -> throw new IllegalStateException("column " + name + ": " + field);
        }
      }
    }
    return JSON.writeValueAsString(o);
  }
}
