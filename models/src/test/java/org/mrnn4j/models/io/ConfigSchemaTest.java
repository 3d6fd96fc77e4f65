package org.mrnn4j.models.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.mrnn4j.core.Activation;
import org.mrnn4j.models.Connection;
import org.mrnn4j.models.ModelKind;
import org.mrnn4j.models.Sign;

/**
 * The rules of mRNNTorch's current config schema (its {@code mrnn.schema.json}, checked by
 * {@code config_check.py} with pydantic in strict mode), on the configs its own tests use
 * ({@code tests/fixtures/config_valid.json}, {@code config_invalid.json} and the cases of
 * {@code test_config_check.py}), and the refusals the schema implies.
 */
class ConfigSchemaTest {

  private static ModelFormatException refused(String json) {
    return assertThrows(ModelFormatException.class, () -> MrnnConfig.parse(json, "cfg.json"));
  }

  @Test
  void upstreamsValidFixtureLoadsWithTheSameMeaning() throws Exception {
    // mRNNTorch's tests/fixtures/config_valid.json, and what its test asserts about it
    MrnnConfig c = MrnnConfig.parse("""
        {
          "recurrent_regions": [
            {"name": "r1", "num_units": 2, "base_firing": 0.5},
            {"name": "r2", "num_units": 3, "sign": "neg"}
          ],
          "input_regions": [{"name": "i1", "num_units": 4}],
          "recurrent_connections": [
            {"src_region": "r1", "dst_region": "r2", "sparsity": 0.25}
          ],
          "input_connections": [
            {"src_region": "i1", "dst_region": "r1"}
          ]
        }
        """, "config_valid.json");
    assertEquals(List.of("r1", "r2"), c.recurrentRegions().stream().map(r -> r.name()).toList());
    assertEquals(Sign.POS, c.recurrentRegions().get(0).sign());
    assertEquals(Sign.NEG, c.recurrentRegions().get(1).sign());
    assertEquals(0.5, c.recurrentRegions().get(0).baseFiring());
    assertEquals(0.25, c.recurrentConnections().get(0).sparsity());
    var spec = c.builder().spec();
    assertEquals(5, spec.numUnits());
    assertEquals(4, spec.numInputs());
  }

  @Test
  void upstreamsInvalidFixtureReportsEveryFieldAtOnce() {
    // mRNNTorch's tests/fixtures/config_invalid.json: both errors in one report
    ModelFormatException e = refused("""
        {
          "recurrent_regions": [{"name": "r1", "num_units": "2"}],
          "recurrent_connections": [
            {"src_region": "r1", "dst_region": "r1", "sparsity": 1.5}
          ]
        }
        """);
    String m = e.getMessage();
    assertTrue(m.startsWith("cfg.json: 2 problems: "), m);
    assertTrue(m.contains("recurrent_regions[0].num_units: expected a positive integer"), m);
    assertTrue(m.contains("recurrent_connections[0].sparsity: expected a fraction in [0, 1]"), m);
  }

  /** The parametrised cases of upstream's test_invalid_json_values_report_location, and ours. */
  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
    "{\"recurrent_regions\": [{\"num_units\": 2}]}"
        + " | recurrent_regions[0].name | missing; expected a string",
    "{\"input_regions\": [{\"name\": \"i\", \"num_units\": 0}]}"
        + " | input_regions[0].num_units | expected a positive integer",
    "{\"input_regions\": [{\"name\": \"i\", \"num_units\": 1}], \"recurrent_regions\":"
        + " [{\"name\": \"r\", \"num_units\": 1}], \"input_connections\":"
        + " [{\"src_region\": \"i\", \"dst_region\": \"r\", \"sparsity\": -0.1}]}"
        + " | input_connections[0].sparsity | expected a fraction in [0, 1]",
    "{\"recurrent_regons\": []}"
        + " | recurrent_regons | unknown key 'recurrent_regons' in the config; did you mean"
        + " 'recurrent_regions'?",
    "{\"input_regions\": {}}"
        + " | input_regions | expected a list, got an object {}",
    "{\"input_regions\": null}"
        + " | input_regions | expected a list, got null",
    "{\"recurrent_regions\": [{\"name\": \"a\", \"num_units\": 2.0}]}"
        + " | recurrent_regions[0].num_units | a JSON integer such as 2, not 2.0",
    "{\"recurrent_regions\": [{\"name\": \"a\", \"num_units\": true}]}"
        + " | recurrent_regions[0].num_units | expected a positive integer",
    "{\"recurrent_regions\": [{\"name\": \"a\", \"num_units\": 2, \"sign\": null}]}"
        + " | recurrent_regions[0].sign | expected a string, got null",
    "{\"recurrent_regions\": [{\"name\": \"a\", \"num_units\": 2, \"sign\": \"exc\"}]}"
        + " | recurrent_regions[0].sign | unknown sign 'exc': expected pos or neg",
    "{\"recurrent_regions\": [{\"name\": null, \"num_units\": 2}]}"
        + " | recurrent_regions[0].name | expected a string, got null",
    "{\"recurrent_regions\": [{\"name\": \"a\", \"num_units\": 2, \"base_firing\": null}]}"
        + " | recurrent_regions[0].base_firing | expected a number, got null",
    "{\"recurrent_regions\": [{\"name\": \"a\", \"num_units\": 2, \"learnable_bias\": 1}]}"
        + " | recurrent_regions[0].learnable_bias | expected true or false, got 1",
    "{\"recurrent_regions\": [{\"name\": \"a\", \"num_units\": 2, \"base_firng\": 1}]}"
        + " | recurrent_regions[0].base_firng | did you mean 'base_firing'?",
    "{\"recurrent_regions\": [{\"name\": \"a\", \"num_units\": 1}], \"recurrent_connections\":"
        + " [{\"src_region\": \"a\", \"dst_region\": \"a\", \"sparsty\": 0.5}]}"
        + " | recurrent_connections[0].sparsty | did you mean 'sparsity'?",
    "{\"model\": {\"actvation\": \"tanh\"}}"
        + " | model.actvation | unknown key 'actvation' in the model block; did you mean"
        + " 'activation'?",
    "{\"model\": {\"activation\": \"tanh\", \"softplus_beta\": 0}}"
        + " | model.softplus_beta | expected a positive number",
    "{\"model\": {\"rec_constrained\": \"yes\"}}"
        + " | model.rec_constrained | expected true or false",
  })
  void aViolationIsReportedAtItsField(String json, String location, String expected) {
    ModelFormatException e = refused(json.strip());
    assertEquals(location.strip(), e.location(), e.getMessage());
    assertTrue(e.getMessage().contains(expected.strip()), e.getMessage());
  }

  @Test
  void everyViolationOfADocumentIsReportedTogether() {
    ModelFormatException e = refused("""
        {"model": {"actvation": "tanh", "dt": -1},
         "recurrent_regions": [{"name": "a", "num_units": 2.0, "sign": null},
                               {"num_units": 3}],
         "input_regions": [{"name": "u", "num_units": 1}],
         "recurrent_connections": {}}
        """);
    String m = e.getMessage();
    assertNull(e.location(), "several problems have no single location");
    assertTrue(m.startsWith("cfg.json: 6 problems: "), m);
    for (String part : List.of("recurrent_regions[0].num_units", "recurrent_regions[0].sign",
        "recurrent_regions[1].name", "recurrent_connections: expected a list",
        "model.actvation: unknown key 'actvation' in the model block; did you mean 'activation'?",
        "model.dt: expected a positive number")) {
      assertTrue(m.contains(part), () -> "lacks '" + part + "': " + m);
    }
  }

  @Test
  void commentsDevicesAndOurModelBlockAreAccepted() throws Exception {
    MrnnConfig c = MrnnConfig.parse("""
        {"__comment": "top",
         "model": {"__comment": "ours", "type": "leaky", "activation": "softplus",
                   "softplus_beta": 2.5, "dt": 10, "tau": 50, "alpha": 0.2,
                   "rec_constrained": false, "inp_constrained": true, "batch_first": false},
         "recurrent_regions": [{"name": "a", "num_units": 2, "device": "cuda",
                                "__comment_a": "x", "parent_region": null}],
         "input_regions": [{"name": "u", "num_units": 1, "device": "cpu"}],
         "recurrent_connections": [{"src_region": "a", "dst_region": "a", "sparsity": null}],
         "input_connections": [{"src_region": "u", "dst_region": "a"}]}
        """, "cfg.json");
    MrnnConfig.ModelOptions m = c.model().orElseThrow();
    assertEquals(ModelKind.LEAKY, m.kind());
    assertEquals(Activation.SOFTPLUS, m.activation());
    assertEquals(2.5, m.softplusBeta());
    assertEquals(false, m.recurrentConstrained());
    assertEquals(false, m.batchFirst());
    assertEquals(List.of(Connection.of("a", "a")), c.recurrentConnections());
    // written and read back, the model block keeps softplus_beta and batch_first
    MrnnConfig back = MrnnConfig.parse(c.toJson().toString(), "written");
    assertEquals(c.model(), back.model());
  }

  @Test
  void typosAreMatchedToTheNearestKeyOnlyWhenClose() {
    assertEquals("activation", ConfigSchema.nearest("actvation", ConfigSchema.MODEL_KEYS));
    assertEquals("num_units", ConfigSchema.nearest("num_unit", ConfigSchema.RECURRENT_REGION_KEYS));
    assertEquals("dt", ConfigSchema.nearest("DT", ConfigSchema.MODEL_KEYS));
    assertNull(ConfigSchema.nearest("weights", ConfigSchema.MODEL_KEYS));
    ModelFormatException e = refused("{\"model\": {\"weights\": 1}}");
    assertTrue(e.getMessage().contains("expected one of [activation, alpha, batch_first"),
        e.getMessage());
  }
}
