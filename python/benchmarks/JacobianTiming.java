import org.mrnn4j.analysis.Linearization;
import org.mrnn4j.app.FlatArrays;

/**
 * The Java side of overhead.py: times FlatArrays.jacobian (the call Model.jacobian makes) in a
 * loop inside the JVM, so that the Python call's overhead can be told from the work.
 */
public final class JacobianTiming {
  private JacobianTiming() {}

  /**
   * {@return the best of {@code repeats} mean seconds per call over {@code calls} calls}
   *
   * @param lin the linearization
   * @param x the state
   * @param u the input
   * @param calls calls per repeat
   * @param repeats repeats
   */
  public static double best(Linearization lin, double[] x, double[] u, int calls, int repeats) {
    double best = Double.POSITIVE_INFINITY;
    double sink = 0;
    for (int r = 0; r < repeats; r++) {
      long t0 = System.nanoTime();
      for (int c = 0; c < calls; c++) {
        sink += FlatArrays.jacobian(lin, x, u)[0];
      }
      best = Math.min(best, (System.nanoTime() - t0) / 1e9 / calls);
    }
    if (sink == 42.4242) {
      System.out.println(sink);
    }
    return best;
  }
}
