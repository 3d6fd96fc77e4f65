package org.mrnn4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.awt.Color;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code analyze} over a trajectory: the spectrum plot becomes a plot over time. */
class SpectraOverTimeCommandTest {

  @Test
  void thirtyStatesGiveTheSequenceLayout(@TempDir Path dir) throws Exception {
    // 30 states of the bundled example (32 units), moving away from 0 along a fixed direction
    List<String> lines = new ArrayList<>();
    for (int k = 0; k < 30; k++) {
      StringBuilder line = new StringBuilder();
      for (int i = 0; i < 32; i++) {
        line.append(i == 0 ? "" : ",").append(String.format(Locale.ROOT, "%.6f",
            0.1 * k * Math.sin(1.0 + i)));
      }
      lines.add(line.toString());
    }
    Path states = dir.resolve("trajectory.csv");
    Files.write(states, lines);
    Path out = dir.resolve("out");
    MainTest.Run r = MainTest.run("analyze", "--states", states.toString(), "-o",
        out.toString());
    assertEquals(0, r.status(), r.err());
    Path png = out.resolve("example-spectrum.png");
    assertTrue(r.out().contains("wrote " + png), r.out());
    BufferedImage image = ImageIO.read(png.toFile());
    // not the legend layout (800 x 800, or two 800-wide panels): the plane(s), a 120-pixel
    // colour bar strip, and the time panels below
    assertEquals(120, (image.getWidth() - 120) % 800 == 0 ? 120 : image.getWidth(),
        "width " + image.getWidth());
    assertTrue(image.getHeight() > 800 + 300, "height " + image.getHeight());
    // the colour bar's head is the latest time's colour (yellow-green), not white
    Color head = new Color(image.getRGB(image.getWidth() - 120 + 20, 82));
    assertTrue(head.getGreen() > 200 && head.getBlue() < 80, head.toString());
    // the report still has one row per state
    JsonNode report = new ObjectMapper().readTree(out.resolve("example-analysis.json")
        .toFile());
    assertEquals(30, report.get("points").size());
  }

  @Test
  void twoPointsKeepTheLegendLayout(@TempDir Path dir) throws Exception {
    MainTest.Run r = MainTest.run("analyze", "-o", dir.toString());
    assertEquals(0, r.status(), r.err());
    BufferedImage image = ImageIO.read(dir.resolve("example-spectrum.png").toFile());
    assertEquals(800, image.getHeight());
    assertEquals(0, image.getWidth() % 800);
  }
}
