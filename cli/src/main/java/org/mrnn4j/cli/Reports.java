package org.mrnn4j.cli;

import org.mrnn4j.models.io.ModelLoader;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.mrnn4j.core.Backend;
import org.mrnn4j.models.RecurrentModel;

/**
 * What every JSON report of the command line shares (README, "Reports"): snake_case keys, and
 * first {@code format} (which report), {@code version} (of that format), {@code model} (where it
 * came from and what it is) and {@code backend}.
 */
final class Reports {
  /** The version every report format is at; raised for a change that breaks a reader. */
  static final int VERSION = 1;

  /** Writes records with snake_case keys, indented. */
  static final ObjectMapper MAPPER = new ObjectMapper()
      .setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
      .enable(SerializationFeature.INDENT_OUTPUT);

  private Reports() {}

  /** A report's first keys: {@code format}, {@code version}, {@code model}, {@code backend}. */
  static ObjectNode header(String format, ModelLoader.Loaded loaded, RecurrentModel model,
      Backend backend) {
    ObjectNode root = MAPPER.createObjectNode();
    root.put("format", format);
    root.put("version", VERSION);
    ObjectNode m = root.putObject("model");
    m.put("source", loaded.description());
    m.put("checkpoint", loaded.checkpoint());
    m.put("weights", loaded.weights());
    m.put("kind", model.kind().label());
    m.put("activation", model.activation().label());
    if (model.activation() == org.mrnn4j.core.Activation.SOFTPLUS) {
      m.put("softplus_beta", model.softplusBeta());
    }
    m.put("rec_constrained", model.spec().recurrentConstrained());
    m.put("inp_constrained", model.spec().inputConstrained());
    m.put("units", model.numUnits());
    m.put("inputs", model.numInputs());
    // dt and tau mean something where the model is an Euler-discretised ODE
    if (!Double.isNaN(model.continuousTimeStep(model.naturalCoordinates()))) {
      m.put("dt", model.spec().dt());
      m.put("tau", model.spec().tau());
    } else {
      m.putNull("dt");
      m.putNull("tau");
    }
    // where each constructor argument came from: config, option, mrnntorch default, saved model
    ObjectNode from = m.putObject("arguments_from");
    loaded.arguments().sources().forEach((key, source) -> from.put(key, source.label()));
    var assumed = m.putArray("assumed_defaults");
    loaded.arguments().assumed().forEach(assumed::add);
    var unused = m.putArray("unused_checkpoint_keys");
    loaded.unusedKeys().forEach(unused::add);
    // the readout's keys only where there is one (or one is suggested): without, nothing changes
    if (loaded.readout() != null) {
      ObjectNode r = m.putObject("readout");
      r.put("source", loaded.readout().source());
      r.put("outputs", loaded.readout().outputs());
      r.put("bias", loaded.readout().bias() != null);
      r.put("applied_to", org.mrnn4j.models.io.Readout.APPLIED_TO);
    } else if (loaded.readoutHint() != null) {
      m.put("readout_hint", ModelOptions.readoutHint(loaded.readoutHint()));
    }
    root.put("backend", backend.name());
    return root;
  }

  /** Puts {@code v} under {@code key}, or null where it is not finite (JSON has no NaN). */
  static void putFinite(ObjectNode o, String key, double v) {
    if (Double.isFinite(v)) {
      o.put(key, v);
    } else {
      o.putNull(key);
    }
  }

  /** {@return the rows of {@code a} as JSON arrays, non-finite entries as null} */
  static com.fasterxml.jackson.databind.node.ArrayNode finiteMatrix(double[][] a) {
    com.fasterxml.jackson.databind.node.ArrayNode rows = MAPPER.createArrayNode();
    for (double[] row : a) {
      com.fasterxml.jackson.databind.node.ArrayNode r = rows.addArray();
      for (double v : row) {
        if (Double.isFinite(v)) {
          r.add(v);
        } else {
          r.addNull();
        }
      }
    }
    return rows;
  }

  /** Writes {@code report} as indented JSON to {@code file}, creating its directory. */
  static void write(ObjectNode report, Path file) throws IOException {
    Path parent = file.toAbsolutePath().getParent();
    if (parent != null) {
      Files.createDirectories(parent);
    }
    MAPPER.writeValue(file.toFile(), report);
  }
}
