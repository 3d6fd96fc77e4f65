package org.mrnn4j.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;
import org.mrnn4j.core.DType;
import org.mrnn4j.models.ModelParameters;
import org.mrnn4j.models.fuzz.Seeds;

/**
 * A two-area network written by the test as mRNNTorch users save one: its config (regions
 * {@code sen} 8, {@code mem_exc} 12, {@code mem_inh} 4 inhibitory; 2 inputs) and a checkpoint
 * from a wrapper module ({@code rnn.*} and a {@code readout.*}).
 */
final class TestNetwork {
  private TestNetwork() {}

  static final String REGIONS = """
      "recurrent_regions": [{"name": "sen", "num_units": 8},
                            {"name": "mem_exc", "num_units": 12},
                            {"name": "mem_inh", "num_units": 4, "sign": "neg"}],
      "input_regions": [{"name": "in", "num_units": 2}],
      "recurrent_connections": [{"src_region": "sen", "dst_region": "mem_exc"},
                                {"src_region": "mem_exc", "dst_region": "mem_exc"},
                                {"src_region": "mem_exc", "dst_region": "mem_inh"},
                                {"src_region": "mem_inh", "dst_region": "mem_exc"},
                                {"src_region": "sen", "dst_region": "sen"}],
      "input_connections": [{"src_region": "in", "dst_region": "sen"}]""";

  static final String BLOCK = """
      "model": {"type": "leaky", "activation": "tanh", "dt": 10, "tau": 50,
                "rec_constrained": true, "inp_constrained": false},""";

  /** A trained-looking three-region network: strong weights, signs from the regions. */
  static byte[] checkpoint() {
    int n = 24;
    Random r = new Random(11);
    double[][] w = new double[n][n];
    double[][] mask = new double[n][n];
    double[][] sign = new double[n][n];
    for (int i = 0; i < n; i++) {
      for (int j = 0; j < n; j++) {
        w[i][j] = r.nextGaussian() * 0.7;
        mask[i][j] = 1;
        sign[i][j] = j >= 20 ? -1 : 1;
      }
    }
    double[][] wi = new double[n][2];
    double[][] mi = new double[n][2];
    for (int i = 0; i < 8; i++) {
      wi[i][0] = r.nextGaussian();
      wi[i][1] = r.nextGaussian();
      mi[i][0] = 1;
      mi[i][1] = 1;
    }
    Map<String, double[][]> readout = new LinkedHashMap<>();
    readout.put("head.weight", new double[2][n]);
    readout.put("head.bias", new double[][] {{0, 0}});
    return Seeds.stateDict(ModelParameters.of(w, mask, sign, wi, mi, mi, DType.FLOAT64), "rnn.",
        true, readout);
  }

  static Path write(Path dir, String name, String config) throws Exception {
    Files.createDirectories(dir);
    Files.writeString(dir.resolve(name + ".json"), config);
    Path pth = dir.resolve(name + ".pth");
    Files.write(pth, checkpoint());
    return pth;
  }

}
