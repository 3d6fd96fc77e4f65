package org.mrnn4j.cli.report;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The JSON report {@code mrnn4j analyze} writes: the model, the backend, the linearization and the
 * analysis at every operating point.
 *
 * @param model where the model came from (a file, or "bundled example")
 * @param checkpoint the checkpoint the weights came from, or null
 * @param weights how the weights were obtained ("from checkpoint net.pth", "random
 *     initialisation, seed 7")
 * @param kind {@code leaky} or {@code elman}
 * @param activation the activation function
 * @param units the number of recurrent units N
 * @param inputs the number of inputs I
 * @param dt the leaky model's time step (null for Elman)
 * @param tau the leaky model's time constant (null for Elman)
 * @param backend the backend that computed
 * @param coordinates {@code x} (pre-activation, dh = false) or {@code h} (activation)
 * @param regions the included recurrent regions, in model order
 * @param excludedRegions the excluded ones
 * @param points the analysis at each operating point
 */
@JsonInclude(JsonInclude.Include.ALWAYS)
public record AnalysisReport(
    String model,
    String checkpoint,
    String weights,
    String kind,
    String activation,
    int units,
    int inputs,
    Double dt,
    Double tau,
    String backend,
    String coordinates,
    List<String> regions,
    List<String> excludedRegions,
    List<PointReport> points) {

  /** Writes the report as indented JSON to {@code file}, creating its directory. */
  public void write(Path file) throws IOException {
    Path parent = file.toAbsolutePath().getParent();
    if (parent != null) {
      Files.createDirectories(parent);
    }
    mapper().writeValue(file.toFile(), this);
  }

  /** The report as indented JSON. */
  public String toJson() throws IOException {
    return mapper().writeValueAsString(this);
  }

  private static ObjectMapper mapper() {
    return new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
  }
}
