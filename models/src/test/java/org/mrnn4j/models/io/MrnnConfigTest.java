package org.mrnn4j.models.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.mrnn4j.core.Activation;
import org.mrnn4j.testkit.ConformanceData;
import org.mrnn4j.models.Connection;
import org.mrnn4j.models.InputRegion;
import org.mrnn4j.models.ModelKind;
import org.mrnn4j.models.RecurrentRegion;
import org.mrnn4j.models.Sign;

/** Reading mRNNTorch configs as mRNNTorch does. */
class MrnnConfigTest {

  @Test
  void missingOptionalFieldsTakeMrnnTorchsDefaults() throws ModelFormatException {
    MrnnConfig c = MrnnConfig.parse("""
        {"recurrent_regions": [{"name": "a", "num_units": 3}, {"name": "b", "num_units": 2,
                                "sign": "neg", "learnable_bias": true, "device": "cpu"}],
         "input_regions": [{"name": "u", "num_units": 1}],
         "recurrent_connections": [{"src_region": "a", "dst_region": "b"}],
         "__comment_regions": ["ignored"]}
        """, "inline");
    assertEquals(new RecurrentRegion("a", 3, Sign.POS, 0, 0, null, false),
        c.recurrentRegions().get(0));
    assertEquals(new RecurrentRegion("b", 2, Sign.NEG, 0, 0, null, true),
        c.recurrentRegions().get(1));
    assertEquals(Sign.POS, c.inputRegions().get(0).sign());
    assertEquals(List.of(Connection.of("a", "b")), c.recurrentConnections());
    assertEquals(List.of(), c.inputConnections());
    assertTrue(c.model().isEmpty());
  }

  @Test
  void readsTheReferenceExampleConfigWithItsCommentsAndModelBlock() throws IOException {
    MrnnConfig c = MrnnConfig.read(ConformanceData.checkpoints().resolve("cbgtcl-leaky.json"));
    assertEquals(8, c.recurrentRegions().size());
    RecurrentRegion d1 = c.recurrentRegions().get(0);
    assertEquals("d1", d1.name());
    assertEquals(Sign.NEG, d1.sign());
    assertEquals(0.0, d1.init()); // absent: default
    assertEquals(1.0, c.recurrentRegions().get(2).init());
    assertEquals(0.9, c.recurrentConnections().get(0).sparsity());
    MrnnConfig.ModelOptions m = c.model().orElseThrow();
    assertEquals(ModelKind.LEAKY, m.kind());
    assertEquals(Activation.RELU, m.activation());
    assertNull(m.spectralRadius());
    assertEquals(10.0, m.dt());
    assertEquals(100.0, m.tau());
    assertEquals(350, c.builder().spec().numUnits());
  }

  @Test
  void malformedFieldsAreNamed() {
    ModelFormatException e = assertThrows(ModelFormatException.class,
        () -> MrnnConfig.parse("{\"recurrent_regions\": [{\"name\": \"a\"}]}", "cfg.json"));
    assertEquals("recurrent_regions[0].num_units", e.location());
    assertTrue(e.getMessage().startsWith("cfg.json: recurrent_regions[0].num_units: missing"),
        e.getMessage());
    e = assertThrows(ModelFormatException.class, () -> MrnnConfig.parse(
        "{\"recurrent_regions\": [{\"name\": \"a\", \"num_units\": 2.5}]}", "cfg.json"));
    assertTrue(e.getMessage().contains("positive integer"), e.getMessage());
    e = assertThrows(ModelFormatException.class, () -> MrnnConfig.parse(
        "{\"input_regions\": [{\"name\": \"u\", \"num_units\": 1, \"sign\": \"up\"}]}", "c"));
    assertEquals("input_regions[0].sign", e.location());
    e = assertThrows(ModelFormatException.class, () -> MrnnConfig.parse(
        "{\"recurrent_regions\": [{\"name\": \"a\", \"num_units\": 1}, {\"name\": \"b\","
            + " \"num_units\": 1}], \"recurrent_connections\": [{\"src_region\": \"a\","
            + " \"dst_region\": \"b\", \"sparsity\": \"dense\"}]}", "c"));
    assertEquals("recurrent_connections[0].sparsity", e.location());
    e = assertThrows(ModelFormatException.class, () -> MrnnConfig.parse("{oops", "c"));
    assertTrue(e.getMessage().contains("not valid JSON"), e.getMessage());
    e = assertThrows(ModelFormatException.class, () -> MrnnConfig.parse(
        "{\"model\": {\"type\": \"gru\"}}", "c"));
    assertTrue(e.getMessage().contains("unknown model type 'gru'"), e.getMessage());
  }

  @Test
  void aConnectionToAnUnknownRegionIsNamed() {
    // The reader checks connections against the config's regions, naming the field.
    ModelFormatException f = assertThrows(ModelFormatException.class, () -> MrnnConfig.parse("""
        {"recurrent_regions": [{"name": "a", "num_units": 1}],
         "input_regions": [{"name": "u", "num_units": 1}],
         "recurrent_connections": [{"src_region": "a", "dst_region": "b"}]}
        """, "c"));
    assertEquals("recurrent_connections[0].dst_region", f.location());
    assertEquals("c: recurrent_connections[0].dst_region: unknown recurrent region 'b'; "
        + "expected one of [a]", f.getMessage());
    // A config made in code is checked by the builder.
    MrnnConfig c = new MrnnConfig(List.of(RecurrentRegion.of("a", 1)),
        List.of(InputRegion.of("u", 1)), List.of(Connection.of("a", "b")), List.of(), null);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> c.builder());
    assertTrue(e.getMessage().contains("a -> b") && e.getMessage().contains("'b'"),
        e.getMessage());
  }

  @Test
  void writingAndReadingBackGivesTheSameConfig() throws ModelFormatException {
    MrnnConfig c = MrnnConfig.parse("""
        {"model": {"type": "elman", "activation": "softplus", "spectral_radius": 1.5},
         "recurrent_regions": [{"name": "a", "num_units": 2, "parent_region": "p",
                                "base_firing": 0.25, "init": -1}],
         "input_regions": [{"name": "u", "num_units": 3, "sign": "neg"}],
         "recurrent_connections": [{"src_region": "a", "dst_region": "a", "sparsity": 0.5}],
         "input_connections": [{"src_region": "u", "dst_region": "a"}]}
        """, "c");
    MrnnConfig back = MrnnConfig.parse(c.toJson().toString(), "written");
    assertEquals(c.recurrentRegions(), back.recurrentRegions());
    assertEquals(c.inputRegions(), back.inputRegions());
    assertEquals(c.recurrentConnections(), back.recurrentConnections());
    assertEquals(c.inputConnections(), back.inputConnections());
    assertEquals(c.model(), back.model());
  }
}
