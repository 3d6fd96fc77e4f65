package org.mrnn4j.models.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import org.junit.jupiter.api.Test;
import org.mrnn4j.core.DType;
import org.mrnn4j.testkit.ConformanceData;

/**
 * The three real checkpoints of the conformance data: keys, dtypes and shapes, and values equal to
 * the reference's state_dict in the case files (which the reference exported from the same
 * tensors, so they must agree bit for bit).
 */
class TorchCheckpointConformanceTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Set<String> CASE_FIELDS =
      Set.of("checkpoint", "checkpoint_prefix", "state_dict", "readout");
  private static final List<String> MRNN_KEYS = List.of("W_rec", "W_rec_mask",
      "W_rec_sign_matrix", "W_inp", "W_inp_mask", "W_inp_sign_matrix");

  @Test
  void flipFlopLeakyMatchesItsCase() throws IOException {
    JsonNode kase = readCase("real-flipflop-leaky-tanh.json");
    assertEquals("flip_flop_rnn_leaky.pth", kase.get("checkpoint").asText());
    String prefix = kase.get("checkpoint_prefix").asText();
    assertEquals("rnn.", prefix);
    TorchCheckpoint checkpoint = TorchCheckpoint.read(
        ConformanceData.checkpoints().resolve(kase.get("checkpoint").asText()));

    assertEquals(List.of("rnn.W_rec", "rnn.W_rec_mask", "rnn.W_rec_sign_matrix", "rnn.W_inp",
        "rnn.W_inp_mask", "rnn.W_inp_sign_matrix", "out_layer.weight", "out_layer.bias"),
        List.copyOf(checkpoint.keys()));
    assertShapes(checkpoint, prefix, 30, 3, DType.FLOAT32);
    assertArrayEquals(new int[] {3, 30}, checkpoint.tensor("out_layer.weight").shape());
    assertArrayEquals(new int[] {3}, checkpoint.tensor("out_layer.bias").shape());

    for (String key : MRNN_KEYS) {
      assertMatrix(kase.get("state_dict").get(key), checkpoint.tensor(prefix + key));
    }
    assertMatrix(kase.get("readout").get("weight"), checkpoint.tensor("out_layer.weight"));
    assertVector(kase.get("readout").get("bias"), checkpoint.tensor("out_layer.bias"));
    for (String key : checkpoint.keys()) {
      for (double v : checkpoint.tensor(key).data()) {
        assertEquals(v, (double) (float) v, 0.0, key + " holds a value float32 cannot");
      }
    }
  }

  @Test
  void cbgtclLeakyMatchesItsCase() throws IOException {
    JsonNode kase = readCase("real-cbgtcl-leaky-relu.json");
    String prefix = kase.get("checkpoint_prefix").asText();
    assertEquals("", prefix);
    Path file = ConformanceData.checkpoints().resolve(kase.get("checkpoint").asText());
    TorchCheckpoint checkpoint = TorchCheckpoint.read(file);

    assertEquals(MRNN_KEYS, List.copyOf(checkpoint.keys()));
    assertShapes(checkpoint, prefix, 350, 25, DType.FLOAT64);
    for (String key : MRNN_KEYS) {
      assertMatrix(kase.get("state_dict").get(key), checkpoint.tensor(key));
    }
    // The same bytes read from memory give the same tensors.
    TorchCheckpoint fromBytes = TorchCheckpoint.read(Files.readAllBytes(file), "cbgtcl");
    for (String key : MRNN_KEYS) {
      assertEquals(checkpoint.tensor(key), fromBytes.tensor(key));
    }
  }

  @Test
  void flipFlopElmanMatchesAnIndependentDecoding() throws IOException {
    Path file = ConformanceData.checkpoints().resolve("flip_flop_rnn_elman.pth");
    TorchCheckpoint checkpoint = TorchCheckpoint.read(file);
    assertShapes(checkpoint, "rnn.", 30, 3, DType.FLOAT32);
    assertEquals(8, checkpoint.size());

    // Second method: java.util.zip and ByteBuffer, using the storage keys 0..7 in key order that
    // pickletools shows for this file (all tensors contiguous, offset 0).
    try (ZipFile zip = new ZipFile(file.toFile())) {
      int storage = 0;
      for (String key : checkpoint.keys()) {
        ZipEntry entry = zip.getEntry("flip_flop_rnn_elman/data/" + storage++);
        byte[] bytes;
        try (InputStream in = zip.getInputStream(entry)) {
          bytes = in.readAllBytes();
        }
        ByteBuffer buffer = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        double[] expected = new double[bytes.length / 4];
        for (int i = 0; i < expected.length; i++) {
          expected[i] = buffer.getFloat();
        }
        assertArrayEquals(expected, checkpoint.tensor(key).data(), 0.0, key);
      }
    }
  }

  @Test
  void absentKeyIsNamedWithTheKeysPresent() throws IOException {
    TorchCheckpoint checkpoint = TorchCheckpoint.read(
        ConformanceData.checkpoints().resolve("flip_flop_rnn_leaky.pth"));
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> checkpoint.tensor("W_rec"));
    assertTrue(e.getMessage().contains("'W_rec'") && e.getMessage().contains("rnn.W_rec"),
        e.getMessage());
    assertTrue(checkpoint.find("W_rec").isEmpty());
    assertTrue(checkpoint.find("rnn.W_rec").isPresent());
  }

  /** The case fields this test needs; the others (megabytes of analyses) are skipped unparsed. */
  private static JsonNode readCase(String name) throws IOException {
    ObjectNode fields = JSON.createObjectNode();
    try (JsonParser parser = JSON.createParser(ConformanceData.cases().resolve(name)
        .toFile())) {
      assertEquals(JsonToken.START_OBJECT, parser.nextToken(), name);
      while (parser.nextToken() == JsonToken.FIELD_NAME) {
        String field = parser.currentName();
        parser.nextToken();
        if (CASE_FIELDS.contains(field)) {
          fields.set(field, parser.readValueAsTree());
        } else {
          parser.skipChildren();
        }
      }
    }
    return fields;
  }

  private static void assertShapes(TorchCheckpoint checkpoint, String prefix, int units,
      int inputs, DType dtype) {
    for (String key : MRNN_KEYS) {
      StoredTensor t = checkpoint.tensor(prefix + key);
      assertEquals(dtype, t.dtype(), key);
      assertEquals(prefix + key, t.key());
      assertArrayEquals(new int[] {units, key.startsWith("W_rec") ? units : inputs}, t.shape(),
          key);
    }
  }

  private static void assertMatrix(JsonNode rows, StoredTensor tensor) {
    int[] shape = tensor.shape();
    assertEquals(shape[0], rows.size(), tensor.key());
    for (int i = 0; i < shape[0]; i++) {
      assertEquals(shape[1], rows.get(i).size(), tensor.key());
      for (int j = 0; j < shape[1]; j++) {
        assertEquals(rows.get(i).get(j).asDouble(), tensor.data()[i * shape[1] + j], 0.0,
            tensor.key() + "[" + i + "][" + j + "]");
      }
    }
  }

  private static void assertVector(JsonNode values, StoredTensor tensor) {
    assertEquals(values.size(), tensor.numel(), tensor.key());
    for (int i = 0; i < values.size(); i++) {
      assertEquals(values.get(i).asDouble(), tensor.data()[i], 0.0, tensor.key() + "[" + i + "]");
    }
  }
}
